#include "runtime/proxy.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "admin/session_view.hpp"
#include "admin/status_view.hpp"
#include "admin/topology_view.hpp"
#include "backend/endpoints.hpp"
#include "backend/server_probe.hpp"
#include "log/log.hpp"
#include "net/io_backend.hpp"
#include "net/listener.hpp"
#include "net/tls_contexts.hpp"
#include "session/session.hpp"
#include "weir/version.hpp"

namespace weir::runtime {

namespace asio = boost::asio;
namespace ssl = boost::asio::ssl;
using namespace std::chrono_literals;

struct Proxy::WorkerTls {
  std::unique_ptr<ssl::context> client;
  std::unique_ptr<ssl::context> backend;
};

namespace {

log::Level to_log_level(config::LogConfig::Level level) {
  switch (level) {
    case config::LogConfig::Level::trace: return log::Level::trace;
    case config::LogConfig::Level::debug: return log::Level::debug;
    case config::LogConfig::Level::info: return log::Level::info;
    case config::LogConfig::Level::warn: return log::Level::warn;
    case config::LogConfig::Level::error: return log::Level::error;
  }
  return log::Level::info;
}

void configure_logging(const config::Config& config) {
  log::configure(to_log_level(config.log.level),
                 config.log.format == config::LogConfig::Format::json ? log::Format::json : log::Format::logfmt);
}

std::shared_ptr<const session::ServerIdentity> identity_from(const protocol::HandshakeV10& greeting) {
  auto identity = std::make_shared<session::ServerIdentity>();
  identity->server_version = greeting.server_version;
  identity->character_set = greeting.character_set;
  identity->capabilities = greeting.capabilities;
  return identity;
}

// Until the primary has answered once, weir presents a MariaDB 10.11 with the usual capabilities.
std::shared_ptr<const session::ServerIdentity> default_identity() {
  auto identity = std::make_shared<session::ServerIdentity>();
  identity->capabilities = session::relayable_capabilities() & ~protocol::cap::kLongPassword;
  return identity;
}

std::vector<std::chrono::nanoseconds> duration_buckets(const config::MetricsConfig& config) {
  std::vector<std::chrono::nanoseconds> buckets;
  buckets.reserve(config.histogram_buckets.size());
  for (const auto bound : config.histogram_buckets) buckets.emplace_back(bound);
  return buckets;
}

// How the monitor measures lag, for the `method` label of weir_replication_lag_seconds.
std::string_view lag_method(const config::Config& config) {
  return config.monitor.heartbeat.enabled ? "heartbeat" : "seconds_behind_master";
}

// Reads the primary's greeting so that clients see its version; retries while it is down.
// A static function with a named endpoint: GCC 12 destroys a temporary in a co_await expression
// twice, and lambda coroutines with captures are a lifetime trap.
asio::awaitable<void> learn_primary_greeting(session::SharedState& shared) {
  asio::steady_timer timer(co_await asio::this_coro::executor);
  while (!shared.draining.load()) {
    const std::optional<backend::Endpoint> endpoint = session::current_primary(shared);
    std::string error = "backend discovery has not found it yet";
    std::optional<protocol::HandshakeV10> greeting;
    if (endpoint) {
      auto read = co_await backend::read_greeting(*endpoint, 3000ms, error);
      greeting = std::move(read);
    }
    if (greeting) {
      shared.identity.store(identity_from(*greeting));
      log::info("primary answered", {{"version", greeting->server_version}});
      co_return;
    }
    log::warn("primary not reachable yet", {{"error", error}});
    timer.expires_after(2s);
    co_await timer.async_wait(asio::use_awaitable);
  }
}

// One reading of the counters per second into the status page's history, until the control
// thread stops.
asio::awaitable<void> sample_history(const metrics::Metrics& metrics, admin::StatusHistory& history) {
  asio::steady_timer timer(co_await asio::this_coro::executor);
  for (;;) {
    const auto now = std::chrono::system_clock::now().time_since_epoch();
    history.record(std::chrono::duration_cast<std::chrono::milliseconds>(now).count(), admin::read_totals(metrics));
    timer.expires_after(1s);
    co_await timer.async_wait(asio::use_awaitable);
  }
}

}  // namespace

Proxy::Proxy(std::string config_path, std::shared_ptr<const config::Config> config)
    : config_path_(std::move(config_path)),
      metrics_(std::make_unique<metrics::Metrics>(duration_buckets(config->metrics))),
      metrics_enabled_(config->metrics.enabled),
      workers_(config::worker_count(config->workers)),
      tls_(new WorkerTls),
      signals_(control_, SIGINT, SIGTERM, SIGHUP) {
  configure_logging(*config);
  metrics_->set_build_info(kVersion);
  metrics_->config_reloads(true);  // both results from the start, at zero
  metrics_->config_reloads(false);
  shared_.users.store(auth::UserDirectory::from_config(*config));
  shared_.identity.store(default_identity());
  // Accounts from the primary the monitor found (discovery), else the configured one.
  users_ = std::make_unique<auth::UserRefresher>(
      config, [this](const std::shared_ptr<const auth::UserDirectory>& users) { publish_users(users); },
      [this](const config::Config& c) {
        const auto primary = session::current_primary(shared_);
        return auth::load_users(primary ? auth::user_source(c, *primary) : auth::user_source(c));
      });
  monitor_ = std::make_unique<health::Monitor>(
      config,
      [this](std::shared_ptr<const health::Topology> topology) {
        if (topology && metrics_enabled_) {
          metrics_->update_backends(admin::backend_samples(*topology, lag_method(*shared_.config.load())));
        }
        if (topology) {
          // pool.max_per_backend: auto follows each server's own max_connections.
          for (const auto& b : topology->backends) {
            shared_.connection_limits.set_server_limit(b.host, b.port, b.max_connections);
          }
        }
        shared_.topology.store(std::move(topology));
      },
      shared_.backend_failures);
  shared_.connection_limits.set_cap(config->pool.max_per_backend);
  shared_.config.store(std::move(config));
}

void Proxy::publish_users(const std::shared_ptr<const auth::UserDirectory>& users) {
  const auto before = shared_.users.load();
  shared_.users.store(users);
  // Each worker's pool lets go of connections logged in with a password that may no longer be
  // the account's (on the worker's own thread: pools take no locks).
  auto changed = std::make_shared<const std::vector<std::string>>(before ? auth::changed_names(*before, *users)
                                                                         : std::vector<std::string>{});
  for (std::size_t i = 0; i < pools_.size(); ++i) {
    asio::post(workers_[i].context(), [pool = pools_[i].get(), users, changed] {
      pool->set_poolable([users](std::string_view user) { return users->poolable(user); });
      for (const auto& name : *changed) pool->close_user(name);
    });
  }
}

Proxy::~Proxy() {
  if (admin_) admin_->stop();
  users_->stop();
  monitor_->stop();
  workers_.stop();
  workers_.join();
}

bool Proxy::build_tls(const config::Config& config, std::string& error) {
  if (config.tls.client.enabled) {
    tls_->client = net::client_tls_context(config.tls.client, error);
    if (!tls_->client) return false;
  }
  if (const auto backend = sqlclient::tls_policy(config.tls.backend); backend.encrypt) {
    tls_->backend = net::backend_tls_context(backend, error);
    if (!tls_->backend) return false;
  }
  return true;
}

bool Proxy::open() {
  const auto config = shared_.config.load();
  std::string tls_error;
  if (!build_tls(*config, tls_error)) {
    log::error("cannot set up TLS", {{"detail", tls_error}});
    return false;
  }
  boost::system::error_code ec;
  const auto address = asio::ip::make_address(config->listen.address, ec);
  if (ec) {
    log::error("invalid listen address", {{"address", config->listen.address}});
    return false;
  }
  // The port is this process's alone, and every worker binds the same one (listen.port 0 included).
  const asio::ip::tcp::endpoint endpoint =
      net::claim_port(workers_[0].context(), asio::ip::tcp::endpoint(address, config->listen.port), ec);
  if (ec) {
    log::error("cannot listen", {{"address", config->listen.address + ":" + std::to_string(config->listen.port)},
                                 {"error", ec.message()},
                                 {"detail", "another process listens there (a second weir?)"}});
    return false;
  }
  for (std::size_t i = 0; i < workers_.size(); ++i) {
    acceptors_.push_back(
        net::open_listener(workers_[i].context(), endpoint, static_cast<int>(config->listen.backlog), ec));
    if (ec) {
      log::error("cannot listen", {{"address", config->listen.address + ":" + std::to_string(config->listen.port)},
                                   {"error", ec.message()}});
      return false;
    }
    auto context = std::make_unique<session::WorkerContext>(session::WorkerContext{
        shared_, tls_->client.get(), tls_->backend.get(), sqlclient::tls_policy(config->tls.backend).verify_host_name});
    pools_.push_back(std::make_unique<backend::Pool>(
        config->pool.max_idle_per_worker,
        std::chrono::duration_cast<std::chrono::steady_clock::duration>(config->pool.idle_timeout)));
    context->pool = pools_.back().get();
    // Always present: with metrics.enabled false they count into a registry nothing serves.
    session_metrics_.push_back(std::make_unique<session::SessionMetrics>(*metrics_));
    // The worker's first handler: its counts go to cache lines of its own.
    asio::post(workers_[i].context(), [i] { metrics::set_thread_shard(i); });
    context->metrics = session_metrics_.back().get();
    context->deadlines = &workers_[i].deadlines();
    contexts_.push_back(std::move(context));
  }
  // A connection waiting for a pool.max_per_backend slot may find the idle ones in other workers'
  // pools: each closes one of them on its own thread (pools take no locks).
  for (std::size_t i = 0; i < contexts_.size(); ++i) {
    contexts_[i]->reclaim_idle_elsewhere = [this, i](const std::string& host, std::uint16_t port) {
      for (std::size_t j = 0; j < pools_.size(); ++j) {
        if (j == i) continue;
        asio::post(workers_[j].context(), [pool = pools_[j].get(), host, port] { pool->close_one_idle(host, port); });
      }
    };
  }
  // The port actually bound (listen.port 0 picks a free one; tests use that).
  const auto bound = acceptors_.front().local_endpoint(ec);
  log::info("listening", {{"address", bound.address().to_string() + ":" + std::to_string(bound.port())},
                          {"workers", workers_.size()},
                          {"io", net::kIoBackend}});
  return start_admin(*config);
}

bool Proxy::start_admin(const config::Config& config) {
  if (!config.admin.enabled) return true;
  admin::AdminHandlers handlers;
  if (metrics_enabled_) handlers.metrics = [this] { return metrics_->render(); };
  handlers.readiness = [this] { return readiness(); };
  handlers.backends = [this] { return backends_view(); };
  handlers.sessions = [this] { return sessions_view(); };
  handlers.config = [this] { return config::render_redacted(*shared_.config.load()); };
  handlers.status = [this] { return status_view(); };
  handlers.reload = [this] {
    const ReloadResult result = reload();
    return admin::ReloadOutcome{result.ok, result.message};
  };
  admin_ = std::make_unique<admin::AdminServer>(config.admin, std::move(handlers));
  if (auto error = admin_->start()) {
    log::error("cannot start the admin server", {{"error", *error}});
    admin_.reset();
    return false;
  }
  // AdminServer::start logged `msg="admin listening" address=...:PORT` with the bound port.
  return true;
}

admin::Readiness Proxy::readiness() const {
  if (shared_.draining.load()) return {false, "draining: weir is shutting down"};
  const auto topology = shared_.topology.load();
  return admin::primary_readiness(topology.get());
}

std::string Proxy::sessions_view() const {
  std::vector<admin::SessionRow> rows;
  rows.reserve(shared_.sessions.size());
  shared_.sessions.for_each(
      [&rows](std::uint32_t id, const session::SessionHandle& handle, const session::ClientSide& client) {
        const auto backend = handle.backend ? handle.backend->read() : session::PublishedBackend::Value{};
        rows.push_back({id, handle.logged_in ? handle.user : std::string(), client.address, client.tls_version,
                        client.tls_cipher, backend.host, backend.port, backend.thread_id});
      });
  return admin::sessions_json(std::move(rows));
}

std::string Proxy::backends_view() const {
  const auto topology = shared_.topology.load();
  if (topology) return admin::backends_json(*topology);
  // Before the monitor's first round: the configured backends, none checked yet (same schema).
  health::Topology unchecked;
  const auto config = shared_.config.load();
  for (const auto& b : config->backends.static_backends) {
    health::BackendStatus status;
    status.name = b.name.empty() ? b.host + ":" + std::to_string(b.port) : b.name;
    status.host = b.host;
    status.port = b.port;
    status.role = b.role;
    status.reason = "not checked yet: the health monitor has not completed its first round";
    unchecked.backends.push_back(std::move(status));
  }
  return admin::backends_json(unchecked);
}

std::string Proxy::status_view() const {
  admin::StatusFacts facts;
  facts.version = kVersion;
  facts.config_generation = config_generation_.load();
  facts.uptime_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
  facts.lag_method = lag_method(*shared_.config.load());
  return admin::status_json(facts, *metrics_, backends_view(), history_.json());
}

void Proxy::start_accepting() {
  for (std::size_t i = 0; i < workers_.size(); ++i) {
    auto& acceptor = acceptors_[i];
    auto* context = contexts_[i].get();
    asio::co_spawn(workers_[i].context(),
                   net::accept_loop(acceptor,
                                    [context](asio::ip::tcp::socket socket) {
                                      auto session = std::make_shared<session::Session>(std::move(socket), *context);
                                      // Open from here until ~Session counts client_disconnected().
                                      context->metrics->client_connected();
                                      session::Session::start(std::move(session));
                                    }),
                   asio::detached);
  }
}

Proxy::ReloadResult Proxy::reload() {
  const std::lock_guard lock(reload_mutex_);
  auto result = config::load_config_file(config_path_);
  if (!result.ok()) {
    log::error("configuration reload rejected; keeping the running configuration",
               {{"file", config_path_}, {"errors", result.error_text()}});
    metrics_->config_reloads(false).inc();
    return {false, "configuration rejected; the running configuration is kept:\n" + result.error_text()};
  }
  const auto before = shared_.config.load();
  const auto changes = config::diff(*before, *result.config);
  for (const auto& setting : changes.restart_required) {
    log::warn("setting changed that takes effect only after a restart", {{"setting", setting}});
  }
  configure_logging(*result.config);
  shared_.config.store(result.config);
  shared_.connection_limits.set_cap(result.config->pool.max_per_backend);
  const auto users_ticket = users_->reconfigure(result.config);
  const auto monitor_ticket = monitor_->reconfigure(result.config);
  if (admin_) admin_->set_token(result.config->admin.token);
  // "Reloaded" means in effect: the accounts are loaded with the new settings and the backends
  // checked once with them (bounded like the first load at start), so that the next client sees
  // the new configuration.
  const auto bound = std::chrono::duration_cast<std::chrono::milliseconds>(result.config->timeouts.connect * 3 +
                                                                           std::chrono::seconds(1));
  const auto deadline = std::chrono::steady_clock::now() + bound;
  const auto left = [&] {
    return std::max(std::chrono::milliseconds(0),
                    std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()));
  };
  std::string pending;
  if (!users_->wait_until_served(users_ticket, left())) pending = "accounts";
  if (!monitor_->wait_applied(monitor_ticket, left()))
    pending += pending.empty() ? "backend checks" : ", backend checks";
  std::string sections;
  for (const auto& s : changes.changed_sections) sections += (sections.empty() ? "" : ",") + s;
  if (pending.empty()) {
    log::info("configuration reloaded", {{"file", config_path_}, {"changed", sections.empty() ? "none" : sections}});
  } else {
    log::warn(
        "configuration reloaded",
        {{"file", config_path_}, {"changed", sections.empty() ? "none" : sections}, {"not_yet_in_effect", pending}});
  }
  metrics_->config_reloads(true).inc();
  config_generation_.fetch_add(1);
  std::string message = "reloaded " + config_path_ + "; changed: " + (sections.empty() ? "none" : sections);
  if (!pending.empty()) message += "\nnot yet in effect after " + std::to_string(bound.count()) + " ms: " + pending;
  for (const auto& setting : changes.restart_required) message += "\nneeds a restart to take effect: " + setting;
  return {true, message};
}

void Proxy::begin_drain() {
  if (shared_.draining.exchange(true)) return;
  log::info("draining: no new connections; waiting for running statements", {{"sessions", shared_.sessions.size()}});
  for (std::size_t i = 0; i < acceptors_.size(); ++i) {
    asio::post(workers_[i].context(), [&acceptor = acceptors_[i]] {
      boost::system::error_code ignored;
      acceptor.close(ignored);
    });
  }
  const auto grace = shared_.config.load()->timeouts.shutdown_grace;
  asio::co_spawn(
      control_,
      [this, grace]() -> asio::awaitable<void> {
        const auto deadline = std::chrono::steady_clock::now() + grace;
        asio::steady_timer timer(control_);
        while (shared_.sessions.size() > 0 && std::chrono::steady_clock::now() < deadline) {
          shared_.sessions.for_each([](std::uint32_t, const session::SessionHandle& h) { h.close_if_idle(); });
          timer.expires_after(100ms);
          co_await timer.async_wait(asio::use_awaitable);
        }
        if (shared_.sessions.size() > 0) {
          log::warn("shutdown grace period over; closing the remaining sessions",
                    {{"sessions", shared_.sessions.size()}});
          shared_.sessions.for_each([](std::uint32_t, const session::SessionHandle& h) { h.close(); });
          timer.expires_after(200ms);
          co_await timer.async_wait(asio::use_awaitable);
        }
        control_.stop();
      },
      asio::detached);
}

int Proxy::run() {
  std::function<void(const boost::system::error_code&, int)> on_signal = [&](const boost::system::error_code& ec,
                                                                             int sig) {
    if (ec) return;
    if (sig == SIGHUP) {
      // reload() logs a rejected file and counts the outcome; a signal has no one to answer.
      static_cast<void>(reload());
    } else {
      begin_drain();
    }
    signals_.async_wait(on_signal);
  };
  signals_.async_wait(on_signal);

  // Learn the primary's greeting so that clients see its version; retry while it is down.
  asio::co_spawn(control_, learn_primary_greeting(shared_), asio::detached);
  asio::co_spawn(control_, sample_history(*metrics_, history_), asio::detached);

  monitor_->start();
  users_->start();
  // The first clients' reads can go to replicas only once the monitor has looked at them.
  const auto config_now = shared_.config.load();
  monitor_->wait_first_round(std::chrono::duration_cast<std::chrono::milliseconds>(config_now->monitor.check_interval +
                                                                                   2 * config_now->timeouts.connect));
  // Loaded accounts can log in from the first client on (the listeners queue connections meanwhile).
  const auto first_load = std::chrono::duration_cast<std::chrono::milliseconds>(
      shared_.config.load()->timeouts.connect * 3 + std::chrono::seconds(1));
  users_->wait_until_served(users_->refresh_now(), first_load);
  start_accepting();
  workers_.start();
  control_.run();
  workers_.stop();
  workers_.join();
  if (admin_) admin_->stop();
  users_->stop();
  monitor_->stop();
  log::info("stopped");
  return 0;
}

}  // namespace weir::runtime
