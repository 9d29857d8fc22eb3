// The effective configuration as YAML with every secret redacted, for /config and the logs.
#include <yaml-cpp/yaml.h>

#include "weir/config/config.hpp"
#include "weir/config/units.hpp"

namespace weir::config {
namespace {

constexpr const char* kRedacted = "<redacted>";

class Renderer {
 public:
  std::string render(const Config& c) {
    out_ << YAML::BeginMap;
    listen(c.listen);
    workers(c.workers);
    admin(c.admin);
    tls(c.tls);
    users(c.users);
    load_users(c.load_users_from_backend);
    monitor(c.monitor);
    backends(c.backends);
    routing(c.routing);
    timeouts(c.timeouts);
    pool(c.pool);
    log(c.log);
    metrics(c.metrics);
    out_ << YAML::EndMap;
    return std::string(out_.c_str()) + "\n";
  }

 private:
  template <class T>
  void kv(const char* key, const T& value) {
    out_ << YAML::Key << key << YAML::Value << value;
  }
  void kv(const char* key, std::string_view value) { kv(key, std::string(value)); }
  void kv(const char* key, bool value) { out_ << YAML::Key << key << YAML::Value << (value ? "true" : "false"); }
  void duration(const char* key, Duration value) { kv(key, format_duration(value)); }
  void begin(const char* key) { out_ << YAML::Key << key << YAML::Value << YAML::BeginMap; }
  void end() { out_ << YAML::EndMap; }

  // The value never appears; where it comes from (a path, a variable name) is not secret.
  void secret(const char* key, const Secret& s) {
    out_ << YAML::Key << key << YAML::Value << YAML::DoubleQuoted << kRedacted;
    if (s.source == Secret::Source::file) out_ << YAML::Comment("from file " + s.reference);
    if (s.source == Secret::Source::env) out_ << YAML::Comment("from environment variable " + s.reference);
  }

  void listen(const ListenConfig& l) {
    begin("listen");
    kv("address", l.address);
    kv("port", l.port);
    kv("backlog", l.backlog);
    kv("max_connections", l.max_connections);
    end();
  }
  void workers(const WorkersConfig& w) {
    begin("workers");
    if (w.count == 0)
      kv("count", "auto");
    else
      kv("count", w.count);
    kv("buffer_size", format_size(w.buffer_size));
    end();
  }
  void admin(const AdminConfig& a) {
    begin("admin");
    kv("enabled", a.enabled);
    kv("address", a.address);
    kv("port", a.port);
    if (a.token) secret("token", *a.token);
    end();
  }
  void tls(const TlsConfig& t) {
    begin("tls");
    begin("client");
    kv("enabled", t.client.enabled);
    if (!t.client.cert_file.empty()) kv("cert_file", t.client.cert_file);
    if (!t.client.key_file.empty()) kv("key_file", t.client.key_file);
    if (!t.client.ca_file.empty()) kv("ca_file", t.client.ca_file);
    kv("required", t.client.required);
    end();
    begin("backend");
    kv("enabled", t.backend.enabled);
    if (!t.backend.ca_file.empty()) kv("ca_file", t.backend.ca_file);
    kv("verify", to_string(t.backend.verify));
    if (!t.backend.cert_file.empty()) kv("cert_file", t.backend.cert_file);
    if (!t.backend.key_file.empty()) kv("key_file", t.backend.key_file);
    end();
    end();
  }
  void users(const std::vector<User>& list) {
    out_ << YAML::Key << "users" << YAML::Value << YAML::BeginSeq;
    for (const User& u : list) {
      out_ << YAML::BeginMap;
      kv("name", u.name);
      if (u.password)
        secret("password", *u.password);
      else
        out_ << YAML::Key << "password_hash" << YAML::Value << YAML::DoubleQuoted << kRedacted;
      out_ << YAML::EndMap;
    }
    out_ << YAML::EndSeq;
  }
  void load_users(const LoadUsersConfig& l) {
    begin("load_users_from_backend");
    kv("enabled", l.enabled);
    kv("user", l.user);
    secret("password", l.password);
    duration("refresh_interval", l.refresh_interval);
    end();
  }
  void monitor(const MonitorConfig& m) {
    begin("monitor");
    kv("user", m.user);
    secret("password", m.password);
    duration("check_interval", m.check_interval);
    begin("heartbeat");
    kv("enabled", m.heartbeat.enabled);
    kv("table", m.heartbeat.schema + "." + m.heartbeat.table);
    duration("interval", m.heartbeat.interval);
    end();
    end();
  }
  void backends(const BackendsConfig& b) {
    begin("backends");
    kv("discovery", to_string(b.discovery));
    if (b.discovery == BackendsConfig::Discovery::static_list) {
      out_ << YAML::Key << "static" << YAML::Value << YAML::BeginSeq;
      for (const StaticBackend& s : b.static_backends) {
        out_ << YAML::BeginMap;
        kv("name", s.name);
        kv("host", s.host);
        kv("port", s.port);
        kv("role", to_string(s.role));
        kv("weight", s.weight);
        out_ << YAML::EndMap;
      }
      out_ << YAML::EndSeq;
    } else if (b.discovery == BackendsConfig::Discovery::kubernetes) {
      begin("kubernetes");
      kv("service", b.kubernetes.service);
      // Empty = the default (the pod's namespace, its service account, the current context).
      if (!b.kubernetes.namespace_name.empty()) kv("namespace", b.kubernetes.namespace_name);
      kv("port_name", b.kubernetes.port_name);
      kv("port", b.kubernetes.port);
      kv("primary_ordinal", b.kubernetes.primary_ordinal);
      if (!b.kubernetes.kubeconfig.empty()) kv("kubeconfig", b.kubernetes.kubeconfig);
      if (!b.kubernetes.context.empty()) kv("context", b.kubernetes.context);
      end();
    } else {
      begin("dns");
      const bool v6 = b.dns.primary_host.find(':') != std::string::npos;
      const std::string host = v6 ? "[" + b.dns.primary_host + "]" : b.dns.primary_host;
      kv("primary", host + ":" + std::to_string(b.dns.primary_port));
      kv("replicas", b.dns.replicas);
      kv("port", b.dns.replica_port);
      duration("refresh_interval", b.dns.refresh_interval);
      end();
    }
    end();
  }
  void routing(const RoutingConfig& r) {
    begin("routing");
    duration("max_replica_lag", r.max_replica_lag);
    duration("lag_hysteresis", r.readmit_lag);
    duration("min_dwell", r.min_dwell);
    kv("when_no_replica", to_string(r.when_no_replica));
    kv("consistency", to_string(r.consistency));
    duration("causal_wait", r.causal_wait);
    kv("stored_functions", to_string(r.stored_functions));
    kv("read_only_transactions_to_replica", r.read_only_transactions_to_replica);
    end();
  }
  void timeouts(const TimeoutsConfig& t) {
    begin("timeouts");
    duration("connect", t.connect);
    duration("handshake", t.handshake);
    duration("client_idle", t.client_idle);
    duration("backend_idle", t.backend_idle);
    duration("client_read", t.client_read);
    duration("client_write", t.client_write);
    duration("shutdown_grace", t.shutdown_grace);
    duration("query", t.query);
    duration("pool_wait", t.pool_wait);
    end();
  }
  void pool(const PoolConfig& p) {
    begin("pool");
    kv("max_idle_per_worker", p.max_idle_per_worker);
    if (p.max_per_backend == 0) {
      kv("max_per_backend", "auto");
    } else {
      kv("max_per_backend", p.max_per_backend);
    }
    duration("idle_timeout", p.idle_timeout);
    kv("reset_on_reuse", p.reset_on_reuse);
    kv("multiplexing", p.multiplexing);
    kv("prepared_statements_per_connection", p.prepared_statements_per_connection);
    if (!p.multiplexing_by_user.empty()) {
      out_ << YAML::Key << "multiplexing_by_user" << YAML::Value << YAML::BeginSeq;
      for (const auto& entry : p.multiplexing_by_user) {
        out_ << YAML::BeginMap;
        kv("user", entry.user);
        kv("multiplexing", entry.multiplexing);
        out_ << YAML::EndMap;
      }
      out_ << YAML::EndSeq;
    }
    end();
  }
  void log(const LogConfig& l) {
    begin("log");
    kv("format", to_string(l.format));
    kv("level", to_string(l.level));
    duration("slow_query", l.slow_query);
    end();
  }
  void metrics(const MetricsConfig& m) {
    begin("metrics");
    kv("enabled", m.enabled);
    out_ << YAML::Key << "histogram_buckets" << YAML::Value << YAML::Flow << YAML::BeginSeq;
    for (Duration d : m.histogram_buckets) out_ << format_duration(d);
    out_ << YAML::EndSeq;
    end();
  }

  YAML::Emitter out_;
};

}  // namespace

std::string render_redacted(const Config& config) {
  try {
    return Renderer().render(config);
  } catch (const std::exception& e) {
    return std::string("# cannot render the configuration: ") + e.what() + "\n";
  }
}

}  // namespace weir::config
