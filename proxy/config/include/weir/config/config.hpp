#pragma once
// weir's configuration: YAML in, a validated and immutable Config out.
//
// Everything is resolved at load time (defaults applied, secrets read from their files and
// environment variables), so the data plane reads plain values and never fails on configuration.
// A reload builds a new Config; compare it with the old one through diff().
// The schema with every key and its default is documented in examples/weir.yaml.
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "weir/sqlclient/tls_policy.hpp"

namespace weir::config {

// Every duration of the configuration ("250ms", "1.5s", "1m"; see units.hpp).
using Duration = std::chrono::microseconds;

// A secret as written: `password:` (inline), `password_file:` or `password_env:`.
// The value is already resolved; `reference` is the file path or variable name (not secret).
struct Secret {
  enum class Source : std::uint8_t { inline_value, file, env };
  std::string value;
  Source source = Source::inline_value;
  std::string reference;
  friend bool operator==(const Secret&, const Secret&) = default;
};

struct ListenConfig {
  std::string address = "127.0.0.1";  // an IPv4 or IPv6 literal
  std::uint16_t port = 6033;
  std::uint32_t backlog = 1024;
  std::uint32_t max_connections = 4096;  // client sessions over all workers
  friend bool operator==(const ListenConfig&, const ListenConfig&) = default;
};

struct WorkersConfig {
  std::uint32_t count = 0;                // 0 = one per core; see worker_count()
  std::uint64_t buffer_size = 16 * 1024;  // initial read buffer per connection, bytes
  friend bool operator==(const WorkersConfig&, const WorkersConfig&) = default;
};

struct AdminConfig {
  bool enabled = true;
  std::string address = "127.0.0.1";
  std::uint16_t port = 9033;
  // When set, every endpoint but /healthz and /readyz needs `Authorization: Bearer <token>`.
  std::optional<Secret> token;
  friend bool operator==(const AdminConfig&, const AdminConfig&) = default;
};

// TLS between applications and weir.
struct ClientTlsConfig {
  bool enabled = false;
  std::string cert_file;
  std::string key_file;
  std::string ca_file;    // when set, clients must present a certificate signed by it
  bool required = false;  // refuse clients that do not switch to TLS
  friend bool operator==(const ClientTlsConfig&, const ClientTlsConfig&) = default;
};

// TLS between weir and the database servers. What each setting means, for every link weir opens
// to a server, is decided in one place: weir/sqlclient/tls_policy.hpp.
using BackendTlsConfig = sqlclient::TlsSettings;

struct TlsConfig {
  ClientTlsConfig client;
  BackendTlsConfig backend;
  friend bool operator==(const TlsConfig&, const TlsConfig&) = default;
};

// An account clients log in with. Exactly one of password / password_hash is set.
struct User {
  std::string name;
  std::optional<Secret> password;  // cleartext
  std::string password_hash;       // mysql_native_password "*" + 40 upper-case hex digits, or empty
  friend bool operator==(const User&, const User&) = default;
};

// Reads the accounts' mysql_native_password hashes from mysql.user on the primary.
// user/password default to the monitor's account.
struct LoadUsersConfig {
  bool enabled = false;
  std::string user;
  Secret password;
  Duration refresh_interval = std::chrono::seconds(60);
  friend bool operator==(const LoadUsersConfig&, const LoadUsersConfig&) = default;
};

struct HeartbeatConfig {
  bool enabled = true;
  std::string schema = "weir";  // written as `table: weir.heartbeat`
  std::string table = "heartbeat";
  Duration interval = std::chrono::milliseconds(100);
  friend bool operator==(const HeartbeatConfig&, const HeartbeatConfig&) = default;
};

// The account weir uses for health checks, user loading and the heartbeat.
struct MonitorConfig {
  std::string user;
  Secret password;
  Duration check_interval = std::chrono::milliseconds(250);
  HeartbeatConfig heartbeat;
  friend bool operator==(const MonitorConfig&, const MonitorConfig&) = default;
};

enum class Role : std::uint8_t { primary, replica };

struct StaticBackend {
  std::string name;  // defaults to host:port
  std::string host;
  std::uint16_t port = 3306;
  Role role = Role::replica;
  std::uint32_t weight = 1;  // share of reads; 0 = never chosen for reads
  friend bool operator==(const StaticBackend&, const StaticBackend&) = default;
};

struct DnsDiscovery {
  std::string primary_host;
  std::uint16_t primary_port = 3306;
  // A name starting with '_' is looked up as SRV (ports from the records); any other name as
  // A/AAAA (a headless Service: every pod), with `replica_port`. The primary's addresses are skipped.
  std::string replicas;
  std::uint16_t replica_port = 3306;
  Duration refresh_interval = std::chrono::seconds(5);
  friend bool operator==(const DnsDiscovery&, const DnsDiscovery&) = default;
};

// The pods behind a headless Service, from its EndpointSlices (list, then watch) through the
// Kubernetes API: the pod with ordinal `primary_ordinal` (StatefulSet name-N) is the primary, every
// other serving pod a replica.
struct KubernetesDiscovery {
  std::string service = "mysql";
  std::string namespace_name;       // empty: the pod's own (service account), else the kubeconfig context's
  std::string port_name = "mysql";  // the slice port used; the only port when the slices have one
  std::uint16_t port = 3306;        // when the slices carry no port
  std::uint32_t primary_ordinal = 0;
  std::string kubeconfig;  // empty: in the pod (service account), else $KUBECONFIG, ~/.kube/config
  std::string context;     // kubeconfig context; empty: current-context
  friend bool operator==(const KubernetesDiscovery&, const KubernetesDiscovery&) = default;
};

struct BackendsConfig {
  enum class Discovery : std::uint8_t { static_list, dns, kubernetes };
  Discovery discovery = Discovery::static_list;
  std::vector<StaticBackend> static_backends;  // discovery: static; exactly one primary
  DnsDiscovery dns;                            // discovery: dns
  KubernetesDiscovery kubernetes;              // discovery: kubernetes
  friend bool operator==(const BackendsConfig&, const BackendsConfig&) = default;
};

struct RoutingConfig {
  enum class WhenNoReplica : std::uint8_t { primary, error, least_lagged };
  enum class Consistency : std::uint8_t { session, eventual, strong };
  enum class StoredFunctions : std::uint8_t { primary, replica };
  Duration max_replica_lag = std::chrono::seconds(1);
  // A replica excluded for lag comes back only below this lag (from `lag_hysteresis`, which is
  // written as a duration or as a percentage of max_replica_lag).
  Duration readmit_lag = std::chrono::milliseconds(800);
  Duration min_dwell = std::chrono::seconds(2);  // least time between two state changes of a replica
  WhenNoReplica when_no_replica = WhenNoReplica::primary;
  Consistency consistency = Consistency::session;
  Duration causal_wait = std::chrono::milliseconds(50);  // longest MASTER_GTID_WAIT before the primary
  StoredFunctions stored_functions = StoredFunctions::primary;
  bool read_only_transactions_to_replica = true;
  friend bool operator==(const RoutingConfig&, const RoutingConfig&) = default;
};

// A zero duration means "no limit" where noted.
struct TimeoutsConfig {
  Duration connect = std::chrono::seconds(3);
  Duration handshake = std::chrono::seconds(10);
  Duration client_idle = std::chrono::hours(8);   // 0 = none
  Duration backend_idle = std::chrono::hours(1);  // 0 = none
  // A client packet that has started must be complete within client_read (the server's
  // net_read_timeout); a write to a client must make progress within client_write (net_write_timeout).
  Duration client_read = std::chrono::seconds(30);   // 0 = none
  Duration client_write = std::chrono::seconds(60);  // 0 = none
  Duration shutdown_grace = std::chrono::seconds(25);
  Duration query = Duration::zero();  // 0 = none
  // A statement that needs a new backend connection while pool.max_per_backend are open waits
  // this long for one to close, then gets an error.
  Duration pool_wait = std::chrono::seconds(5);
  friend bool operator==(const TimeoutsConfig&, const TimeoutsConfig&) = default;
};

// pool.multiplexing for one account, whatever the default.
struct MultiplexingForUser {
  std::string user;
  bool multiplexing = false;
  friend bool operator==(const MultiplexingForUser&, const MultiplexingForUser&) = default;
};

struct PoolConfig {
  std::uint32_t max_idle_per_worker = 8;  // idle connections kept per backend per worker
  // Connections weir holds open to one backend, in use and idle, over all workers, so weir never
  // takes a server's last connections from its other clients. 0 = auto: from each server's own
  // max_connections as the monitor reads it (backend::auto_connection_cap).
  std::uint32_t max_per_backend = 0;
  Duration idle_timeout = std::chrono::seconds(60);
  bool reset_on_reuse = true;  // COM_RESET_CONNECTION before a pooled connection is reused
  // A session's backend connections go back to the worker's pool at the end of every statement
  // that leaves nothing on them the session needs (no transaction, locks, temporary tables, ...),
  // and its next statement takes any pooled connection in the same state: many clients share few
  // connections. Off: a session keeps its connections until timeouts.backend_idle.
  bool multiplexing = false;
  // Server-side prepared statements kept per backend connection (shared by the sessions that use
  // it); preparing one more closes the least recently used on the server.
  std::uint32_t prepared_statements_per_connection = 128;
  // Accounts for which multiplexing is on or off whatever `multiplexing` says (e.g. off for a
  // reporting account whose sessions keep state weir cannot see).
  std::vector<MultiplexingForUser> multiplexing_by_user;
  // Whether the sessions of `user` share their backend connections.
  bool multiplexing_for(std::string_view user) const {
    for (const auto& entry : multiplexing_by_user) {
      if (entry.user == user) return entry.multiplexing;
    }
    return multiplexing;
  }
  friend bool operator==(const PoolConfig&, const PoolConfig&) = default;
};

struct LogConfig {
  enum class Format : std::uint8_t { logfmt, json };
  enum class Level : std::uint8_t { trace, debug, info, warn, error };
  Format format = Format::logfmt;
  Level level = Level::info;
  Duration slow_query = Duration::zero();  // 0 = off
  friend bool operator==(const LogConfig&, const LogConfig&) = default;
};

struct MetricsConfig {
  bool enabled = true;
  std::vector<Duration> histogram_buckets;  // ascending; empty = weir's built-in buckets
  friend bool operator==(const MetricsConfig&, const MetricsConfig&) = default;
};

struct Config {
  std::string origin;  // the file name (or name given to parse_config), for messages
  ListenConfig listen;
  WorkersConfig workers;
  AdminConfig admin;
  TlsConfig tls;
  std::vector<User> users;
  LoadUsersConfig load_users_from_backend;
  MonitorConfig monitor;
  BackendsConfig backends;
  RoutingConfig routing;
  TimeoutsConfig timeouts;
  PoolConfig pool;
  LogConfig log;
  MetricsConfig metrics;
  friend bool operator==(const Config&, const Config&) = default;
};

// One problem found in a configuration, with where it is.
struct ConfigError {
  std::string origin;   // file name
  int line = 0;         // 1-based; 0 when unknown
  int column = 0;       // 1-based; 0 when unknown
  std::string path;     // key path: "backends.static[1].port"; empty for syntax errors
  std::string message;  // what was expected and what was found

  // "weir.yaml:12:7: backends.static[1].port: expected an integer 1..65535, found \"abc\""
  std::string to_string() const;
  friend bool operator==(const ConfigError&, const ConfigError&) = default;
};

// Either a config or every error found (never both). Warnings (discouraged but valid settings,
// such as a password written inline) come with a config.
struct [[nodiscard]] ConfigResult {
  std::shared_ptr<const Config> config;
  std::vector<ConfigError> errors;
  std::vector<ConfigError> warnings;

  bool ok() const { return config != nullptr; }
  std::string error_text() const;  // every error's to_string(), one per line
};

// Reads and validates a file. Never throws; an unreadable file is an error of the result.
ConfigResult load_config_file(const std::string& path);
// Validates YAML text; `origin_name` names it in messages. Never throws.
ConfigResult parse_config(std::string_view yaml_text, std::string_view origin_name);

// The effective configuration (defaults included) as YAML, every secret shown as "<redacted>".
// For the admin /config endpoint and the startup log.
std::string render_redacted(const Config& config);

// What a reload changes. Sections are top-level key names ("listen", "routing", ...).
struct ConfigDiff {
  std::vector<std::string> changed_sections;
  // Settings that only take effect after a restart (listening sockets, worker count).
  std::vector<std::string> restart_required;
  bool empty() const { return changed_sections.empty(); }
};
ConfigDiff diff(const Config& before, const Config& after);

// workers.count with 0 resolved to the number of cores (at least 1).
std::uint32_t worker_count(const WorkersConfig& workers);

std::string_view to_string(Role role);
std::string_view to_string(BackendTlsConfig::Verify verify);
std::string_view to_string(BackendsConfig::Discovery discovery);
std::string_view to_string(RoutingConfig::WhenNoReplica policy);
std::string_view to_string(RoutingConfig::Consistency consistency);
std::string_view to_string(RoutingConfig::StoredFunctions target);
std::string_view to_string(LogConfig::Format format);
std::string_view to_string(LogConfig::Level level);

}  // namespace weir::config
