#include "health/monitor.hpp"

#include <unistd.h>

#include <algorithm>
#include <array>
#include <utility>

#include "health/probe.hpp"
#include "log/log.hpp"

namespace weir::health {

namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// Each step of a check (connect, each statement) should end within half a round. The floor keeps
// a loaded machine (sanitizers, two cores, many servers) from reading a slow answer as a dead
// server at short intervals; a round that overruns only starts the next one late.
milliseconds check_timeout(const config::Config& c) {
  const auto half = std::chrono::duration_cast<milliseconds>(c.monitor.check_interval / 2);
  const auto connect = std::chrono::duration_cast<milliseconds>(c.timeouts.connect);
  return std::max(milliseconds(100), std::min(half, connect));
}

// The heartbeat thread is alone on its connection: a slow write only delays the next one.
milliseconds heartbeat_timeout(const config::Config& c) {
  return std::max(milliseconds(500), std::chrono::duration_cast<milliseconds>(2 * c.monitor.heartbeat.interval));
}

// Heartbeat lag is only meaningful while the writes succeed: with writes failing, a replica at
// the newest recorded write would look caught up while the primary takes other writes.
bool heartbeat_fresh(const std::optional<Clock::time_point>& last_ok, Clock::time_point now, const config::Config& c) {
  const auto window = std::max<std::chrono::microseconds>(3 * c.monitor.heartbeat.interval, std::chrono::seconds(1));
  return last_ok && now - *last_ok <= window;
}

WallMicros wall_now() {
  return std::chrono::time_point_cast<std::chrono::microseconds>(std::chrono::system_clock::now());
}

// Every call of the monitor has a deadline of its own (the check's); the timeouts are a backstop.
sqlclient::ConnectOptions target_of(const DiscoveredBackend& b, const config::Config& c) {
  sqlclient::ConnectOptions target;
  target.host = b.host;
  target.port = b.port;
  target.user = c.monitor.user;
  target.password = c.monitor.password.value;
  target.timeouts = {check_timeout(c), check_timeout(c), check_timeout(c)};
  target.tls = c.tls.backend;
  return target;
}

bool same_credentials(const config::Config& a, const config::Config& b) {
  return a.monitor.user == b.monitor.user && a.monitor.password == b.monitor.password && a.tls.backend == b.tls.backend;
}

std::string address_of(const DiscoveredBackend& b) {
  const bool v6 = b.host.find(':') != std::string::npos;
  return (v6 ? "[" + b.host + "]" : b.host) + ":" + std::to_string(b.port);
}

long long to_millis(std::chrono::microseconds value) { return value.count() / 1000; }

}  // namespace

std::string Monitor::default_instance_id(const config::Config& config) {
  std::array<char, 256> host{};
  if (gethostname(host.data(), host.size() - 1) != 0) host[0] = '\0';
  std::string id = host[0] != '\0' ? host.data() : "weir";
  id += ":" + std::to_string(config.listen.port);
  if (config.listen.port == 0) id += ":" + std::to_string(getpid());  // no port to tell processes apart
  return id;
}

Monitor::Monitor(std::shared_ptr<const config::Config> config, Publish publish, FailureReports& reports)
    : instance_id_(default_instance_id(*config)),
      publish_(std::move(publish)),
      reports_(reports),
      config_(std::move(config)) {}

Monitor::~Monitor() { stop(); }

void Monitor::start() {
  std::lock_guard lock(mutex_);
  if (started_ || stopping_) return;
  started_ = true;
  discovery_thread_ = std::thread([this] { discovery_loop(); });
  check_thread_ = std::thread([this] { check_loop(); });
  heartbeat_thread_ = std::thread([this] { heartbeat_loop(); });
}

void Monitor::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (check_thread_.joinable()) check_thread_.join();
  if (heartbeat_thread_.joinable()) heartbeat_thread_.join();
  if (discovery_thread_.joinable()) discovery_thread_.join();
}

std::uint64_t Monitor::reconfigure(std::shared_ptr<const config::Config> config) {
  std::uint64_t ticket = 0;
  {
    std::lock_guard lock(mutex_);
    config_ = std::move(config);
    ++generation_;
    ticket = ++config_serial_;
  }
  wake_.notify_all();
  return ticket;
}

bool Monitor::wait_applied(std::uint64_t ticket, milliseconds timeout) {
  std::unique_lock lock(mutex_);
  return wake_.wait_for(lock, timeout, [&] { return published_serial_ >= ticket || stopping_; }) &&
         published_serial_ >= ticket;
}

bool Monitor::wait_first_round(milliseconds timeout) {
  std::unique_lock lock(mutex_);
  wake_.wait_for(lock, timeout, [&] { return latest_ != nullptr || stopping_; });
  return latest_ != nullptr;
}

std::shared_ptr<const Topology> Monitor::latest() const {
  std::lock_guard lock(mutex_);
  return latest_;
}

std::shared_ptr<const config::Config> Monitor::current_config(std::uint64_t& generation, std::uint64_t* serial) const {
  std::lock_guard lock(mutex_);
  if (stopping_) return nullptr;
  generation = generation_;
  if (serial) *serial = config_serial_;
  return config_;
}

bool Monitor::sleep_until(Clock::time_point until, std::uint64_t& generation) {
  std::unique_lock lock(mutex_);
  wake_.wait_until(lock, until, [&] { return stopping_ || generation_ != generation; });
  generation = generation_;
  return !stopping_;
}

void Monitor::check_loop() {
  std::uint64_t generation = 0;
  while (true) {
    std::uint64_t serial = 0;
    const auto config = current_config(generation, &serial);
    if (!config) break;
    const auto started = Clock::now();
    round(config, serial, generation);
    if (!sleep_until(started + config->monitor.check_interval, generation)) break;
  }
  states_.clear();  // closes the connections on this thread
}

std::optional<std::vector<DiscoveredBackend>> Monitor::current_backends(const config::Config& config) {
  std::unique_lock lock(mutex_);
  if (!discovered_) {
    wake_.wait(lock, [&] { return stopping_ || discovered_.has_value(); });
  } else if (discovered_for_ != config.backends) {
    // Reloaded backends: give the discovery thread a moment, else check the old list once more.
    wake_.wait_for(lock, check_timeout(config), [&] { return stopping_ || discovered_for_ == config.backends; });
  }
  if (stopping_) return std::nullopt;
  return discovered_;
}

void Monitor::discovery_loop() {
  std::unique_ptr<Discovery> discovery;
  std::optional<config::BackendsConfig> made_for;
  std::string error;
  std::uint64_t generation = 0;
  while (true) {
    const auto config = current_config(generation);
    if (!config) break;
    if (!made_for || *made_for != config->backends) {
      discovery = make_discovery(config->backends);
      made_for = config->backends;
    }
    auto list = discovery->backends(Clock::now());  // DNS: a lookup when one is due
    if (auto now_error = discovery->last_error(); now_error != error) {
      if (now_error.empty()) {
        log::info("backend discovery works again");
      } else {
        log::warn("backend discovery failed, keeping the last list", {{"error", now_error}});
      }
      error = std::move(now_error);
    }
    {
      std::lock_guard lock(mutex_);
      discovered_ = std::move(list);
      discovered_for_ = made_for;
    }
    wake_.notify_all();
    // DnsDiscovery looks up again only every refresh_interval; asking each round is cheap.
    if (!sleep_until(Clock::now() + config->monitor.check_interval, generation)) break;
  }
}

void Monitor::round(const std::shared_ptr<const config::Config>& config, std::uint64_t serial,
                    std::uint64_t& generation) {
  const auto found = current_backends(*config);
  if (!found) return;  // stopping
  const auto& backends = *found;
  const auto now = Clock::now();
  if (connections_config_ && !same_credentials(*connections_config_, *config)) {
    for (auto& [name, state] : states_) state.connection.close();
  }
  connections_config_ = config;
  share_primary(backends, generation);
  drop_unlisted(backends);
  apply_failure_reports(now);
  const bool trusted = heartbeat_trusted(*config, now);

  auto topology = std::make_shared<Topology>();
  topology->backends.reserve(backends.size());
  const auto policy = plan::ReplicaPolicy::from(config->routing);
  for (const auto& b : backends) {
    const auto [it, added] = states_.try_emplace(b.name);
    auto& state = it->second;
    if (added) {
      log::info("backend listed",
                {{"backend", b.name}, {"address", address_of(b)}, {"role", std::string(config::to_string(b.role))}});
    }
    if (state.info != b) state.connection.close();
    state.info = b;
    bool tracks = false;
    topology->backends.push_back(check_backend(state, *config, policy, trusted, tracks));
    if (b.role == config::Role::primary) topology->primary_tracks_last_gtid = tracks;
  }
  topology->version = ++version_;
  {
    std::lock_guard lock(mutex_);
    latest_ = topology;
    published_serial_ = std::max(published_serial_, serial);
  }
  wake_.notify_all();
  if (publish_) publish_(std::move(topology));
}

void Monitor::share_primary(const std::vector<DiscoveredBackend>& backends, std::uint64_t& generation) {
  std::optional<DiscoveredBackend> primary;
  for (const auto& b : backends) {
    if (b.role == config::Role::primary) primary = b;
  }
  {
    std::lock_guard lock(mutex_);
    if (primary_ == primary) return;
    primary_ = primary;
    ++generation_;
    ++generation;  // the heartbeat thread wakes up for it; this thread need not
  }
  wake_.notify_all();
}

void Monitor::drop_unlisted(const std::vector<DiscoveredBackend>& backends) {
  // Their connections go with them; sessions holding an older snapshot keep their BackendLoad.
  for (auto it = states_.begin(); it != states_.end();) {
    const bool listed =
        std::any_of(backends.begin(), backends.end(), [&](const DiscoveredBackend& b) { return b.name == it->first; });
    if (!listed) log::info("backend no longer listed", {{"backend", it->first}});
    it = listed ? std::next(it) : states_.erase(it);
  }
}

void Monitor::apply_failure_reports(Clock::time_point now) {
  for (const auto& name : reports_.take()) {
    const auto it = states_.find(name);
    if (it == states_.end()) continue;
    it->second.connection.close();  // checked again this round over a new connection
    if (it->second.info.role == config::Role::replica && it->second.usability.report_failure(now)) {
      log::warn("replica not usable", {{"backend", name}, {"reason", it->second.usability.reason()}});
    }
  }
}

bool Monitor::heartbeat_trusted(const config::Config& config, Clock::time_point now) {
  if (!config.monitor.heartbeat.enabled) return false;
  bool trusted = false;
  {
    std::lock_guard lock(heartbeat_mutex_);
    trusted = heartbeat_fresh(last_heartbeat_ok_, now, config);
  }
  if (trusted != heartbeat_trusted_) {
    if (trusted) {
      log::info("replica lag measured by the heartbeat");
    } else if (version_ > 0) {
      log::warn("heartbeat writes are not succeeding; replica lag from Seconds_Behind_Master");
    }
    heartbeat_trusted_ = trusted;
  }
  return trusted;
}

BackendStatus Monitor::check_backend(BackendState& state, const config::Config& config,
                                     const plan::ReplicaPolicy& policy, bool heartbeat_trusted,
                                     bool& tracks_last_gtid) {
  BackendStatus s;
  s.name = state.info.name;
  s.host = state.info.host;
  s.port = state.info.port;
  s.role = state.info.role;
  s.weight = state.info.weight;
  s.load = state.load;
  if (state.info.role == config::Role::primary) {
    check_primary(state, config, s, tracks_last_gtid);
  } else {
    check_replica(state, config, policy, heartbeat_trusted, s);
  }
  return s;
}

void Monitor::check_primary(BackendState& state, const config::Config& config, BackendStatus& s,
                            bool& tracks_last_gtid) {
  const bool first_check = !state.reachable.has_value();
  const Probe p = probe_primary(state.connection, target_of(state.info, config), check_timeout(config));
  s.reachable = p.reachable;
  s.read_only = p.read_only;
  s.gtid = p.gtid;
  s.max_allowed_packet = p.max_allowed_packet;
  s.max_connections = p.max_connections;
  s.checked_at = p.checked_at;
  if (p.reachable) s.lag = std::chrono::microseconds::zero();
  s.reason = p.reachable ? "primary" : "unreachable";
  tracks_last_gtid = p.reachable && p.tracks_last_gtid;
  primary_down_ = !p.reachable;
  if (first_check || *state.reachable != p.reachable) {
    if (p.reachable) {
      log::info("primary reachable", {{"backend", s.name}, {"tracks_last_gtid", tracks_last_gtid ? "yes" : "no"}});
    } else {
      log::warn("primary unreachable", {{"backend", s.name}, {"error", p.error}});
    }
  }
  state.reachable = p.reachable;
}

void Monitor::check_replica(BackendState& state, const config::Config& config, const plan::ReplicaPolicy& policy,
                            bool heartbeat_trusted, BackendStatus& s) {
  const bool first_check = !state.reachable.has_value();
  const auto target = target_of(state.info, config);
  const auto timeout = check_timeout(config);
  std::optional<HeartbeatTable> heartbeat;
  if (config.monitor.heartbeat.enabled) {
    heartbeat = HeartbeatTable{config.monitor.heartbeat.schema, config.monitor.heartbeat.table, instance_id_};
  }
  const Probe p = probe_replica(state.connection, target, timeout, heartbeat);
  plan::ReplicaObservation o;
  o.reachable = p.reachable;
  o.io_thread_running = p.io_thread_running;
  o.sql_thread_running = p.sql_thread_running;
  o.lag = replica_lag(p, heartbeat_trusted);
  o.now = Clock::now();
  o.primary_down = primary_down_;
  const bool changed = state.usability.observe(o, policy);
  if (changed && state.usability.usable()) {
    log::info("replica usable", {{"backend", s.name},
                                 {"lag_ms", o.lag ? to_millis(*o.lag) : -1LL},
                                 {"transitions", state.usability.transitions()}});
  } else if (changed || (first_check && !state.usability.usable())) {
    log::warn("replica not usable", {{"backend", s.name},
                                     {"reason", state.usability.reason()},
                                     {"error", p.error},
                                     {"transitions", state.usability.transitions()}});
  }
  state.reachable = p.reachable;
  s.reachable = p.reachable;
  s.read_only = p.read_only;
  s.io_thread_running = p.io_thread_running;
  s.sql_thread_running = p.sql_thread_running;
  s.lag = o.lag;
  s.gtid = p.gtid;
  s.max_allowed_packet = p.max_allowed_packet;
  s.max_connections = p.max_connections;
  s.checked_at = p.checked_at;
  s.usable_for_reads = state.usability.usable();
  s.reason = state.usability.reason();
  s.transitions = state.usability.transitions();
}

std::optional<std::chrono::microseconds> Monitor::replica_lag(const Probe& p, bool heartbeat_trusted) {
  if (!p.reachable) return std::nullopt;
  if (heartbeat_trusted) {
    std::lock_guard lock(heartbeat_mutex_);
    const auto now = wall_now();
    return p.heartbeat ? written_.lag(*p.heartbeat, now) : written_.lag_without_row(now);
  }
  if (p.seconds_behind_master) return std::chrono::microseconds(*p.seconds_behind_master);
  return std::nullopt;
}

bool Monitor::write_heartbeat(sqlclient::Connection& connection, std::optional<HeartbeatTable>& created,
                              const DiscoveredBackend& primary, const config::Config& config) {
  constexpr unsigned kNoSuchTable = 1146;
  constexpr unsigned kNoSuchDatabase = 1049;
  const auto& hb = config.monitor.heartbeat;
  const HeartbeatTable table{hb.schema, hb.table, instance_id_};
  const auto deadline = Clock::now() + heartbeat_timeout(config);
  if (!connection.connected() && !connection.connect(target_of(primary, config), deadline)) return false;
  if (!created || created->schema != table.schema || created->table != table.table) {
    if (!connection.execute(heartbeat_create_schema_sql(table), deadline) ||
        !connection.execute(heartbeat_create_table_sql(table), deadline)) {
      return false;
    }
    created = table;
  }
  const auto ts = wall_now();
  if (!connection.execute(heartbeat_write_sql(table, ts), deadline)) {
    if (connection.error().code == kNoSuchTable || connection.error().code == kNoSuchDatabase) {
      created.reset();  // dropped behind weir's back: create it again
    }
    return false;
  }
  std::lock_guard lock(heartbeat_mutex_);
  written_.record(ts);
  last_heartbeat_ok_ = Clock::now();
  return true;
}

void Monitor::heartbeat_loop() {
  sqlclient::Connection connection;
  std::optional<DiscoveredBackend> connected_to;
  std::shared_ptr<const config::Config> connected_with;
  std::optional<HeartbeatTable> created;
  bool failing = false;
  std::uint64_t generation = 0;
  auto next = Clock::now();
  while (true) {
    std::shared_ptr<const config::Config> config;
    std::optional<DiscoveredBackend> primary;
    {
      std::lock_guard lock(mutex_);
      if (stopping_) break;
      config = config_;
      primary = primary_;
      generation = generation_;
    }
    const auto& hb = config->monitor.heartbeat;
    if (!hb.enabled || !primary) {
      connection.close();
      if (!sleep_until(Clock::now() + config->monitor.check_interval, generation)) break;
      next = Clock::now();
      continue;
    }
    if (connected_to != primary || !connected_with || !same_credentials(*connected_with, *config)) {
      connection.close();
      created.reset();
      connected_to = primary;
      connected_with = config;
    }
    const bool ok = write_heartbeat(connection, created, *primary, *config);
    if (ok == failing) {
      if (ok) {
        log::info("heartbeat writes succeed again", {{"backend", primary->name}});
      } else {
        log::warn("heartbeat write failed", {{"backend", primary->name}, {"error", connection.error().describe()}});
      }
      failing = !ok;
    }
    next += hb.interval;
    if (const auto now = Clock::now(); next < now) next = now + hb.interval;  // fell behind: no burst
    if (!sleep_until(next, generation)) break;
  }
  connection.close();
}

}  // namespace weir::health
