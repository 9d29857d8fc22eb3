// The sections about the databases: users, load_users_from_backend, monitor, backends, routing.
#include <arpa/inet.h>

#include <algorithm>
#include <cctype>

#include "names.hpp"
#include "parse.hpp"
#include "weir/config/units.hpp"

namespace weir::config::detail {
namespace {

bool is_hostname(std::string_view name) {
  if (name.empty() || name.size() > 253) return false;
  std::size_t label = 0;
  for (const char c : name) {
    if (c == '.') {
      if (label == 0) return false;
      label = 0;
      continue;
    }
    const bool ok = std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '_';
    if (!ok || ++label > 63) return false;
  }
  return true;
}

bool is_host(const std::string& host) {
  unsigned char buf[16];
  return is_hostname(host) || inet_pton(AF_INET6, host.c_str(), buf) == 1;
}

bool is_identifier(std::string_view s) {
  return !s.empty() && s.size() <= 64 && std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '$';
  });
}

void report_missing(MapReader& map, std::string_view key) {
  map.diag().error(map.mark(), map.path(), "missing " + std::string(key));
}

// A required host name or address; false when missing or invalid (reported).
bool read_host(MapReader& map, std::string_view key, std::string& out) {
  auto field = map.take(key);
  if (!field) {
    report_missing(map, key);
    return false;
  }
  auto value = as_string(map.diag(), *field);
  if (!value) return false;
  if (!is_host(*value)) {
    map.diag().error(field->mark, field->path, "expected a host name or IP address, found " + quote(*value));
    return false;
  }
  out = std::move(*value);
  return true;
}

// mysql_native_password's stored form: '*' and the 40 hex digits of SHA1(SHA1(password)).
// The value is never echoed: even a hash is kept out of logs.
std::optional<std::string> as_password_hash(Diagnostics& diag, const Field& field) {
  auto value = as_string(diag, field);
  if (!value) return std::nullopt;
  const bool ok = value->size() == 41 && value->front() == '*' &&
                  std::all_of(value->begin() + 1, value->end(),
                              [](char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; });
  if (!ok) {
    diag.error(field.mark, field.path,
               "expected a mysql_native_password hash: \"*\" and 40 hex digits (41 characters), found a " +
                   std::to_string(value->size()) + "-character value");
    return std::nullopt;
  }
  std::transform(value->begin(), value->end(), value->begin(),
                 [](char c) { return static_cast<char>(std::toupper(static_cast<unsigned char>(c))); });
  return value;
}

std::optional<User> parse_user(Diagnostics& diag, const Field& item) {
  MapReader map(diag, item);
  User user;
  auto name = map.take("name");
  if (name) {
    if (auto v = as_string(diag, *name)) user.name = *v;
  } else {
    report_missing(map, "name");
  }
  bool has_password = false;
  user.password = read_secret(map, "password", /*required=*/false, &has_password);
  auto hash = map.take("password_hash");
  if (hash) {
    if (has_password) {
      diag.error(hash->mark, hash->path,
                 "give either password (or password_file, password_env) or password_hash, not both");
    } else if (auto v = as_password_hash(diag, *hash)) {
      user.password_hash = *v;
    }
  } else if (!has_password) {
    report_missing(map, "password (give one of password, password_file, password_env or password_hash)");
  }
  return user;
}

std::optional<StaticBackend> parse_static_backend(Diagnostics& diag, const Field& item) {
  MapReader map(diag, item);
  StaticBackend backend;
  bool has_name = false;
  if (auto name = map.take("name")) {
    if (auto v = as_string(diag, *name)) {
      backend.name = *v;
      has_name = true;
    }
  }
  const bool host_ok = read_host(map, "host", backend.host);
  read_uint(map, "port", backend.port, 1, 65535);
  read_choice(map, "role", backend.role, kRoleNames);
  read_uint(map, "weight", backend.weight, 0, 1000);
  if (!host_ok) return std::nullopt;
  if (!has_name) backend.name = backend.host + ":" + std::to_string(backend.port);
  return backend;
}

void parse_static_list(MapReader& map, const Field& list, std::vector<StaticBackend>& out) {
  Diagnostics& diag = map.diag();
  std::vector<Field> items = list_items(diag, list);
  if (items.empty() && (list.node.IsNull() || list.node.IsSequence())) {
    diag.error(list.mark, list.path, "expected at least one backend, found an empty list");
    return;
  }
  std::optional<std::string> primary_path;
  for (const Field& item : items) {
    auto backend = parse_static_backend(diag, item);
    if (!backend) continue;
    for (std::size_t i = 0; i < out.size(); ++i) {
      const std::string other = list.path + "[" + std::to_string(i) + "]";
      if (out[i].name == backend->name)
        diag.error(item.mark, item.path, "the name " + quote(backend->name) + " is also used by " + other);
      if (out[i].host == backend->host && out[i].port == backend->port) {
        diag.error(item.mark, item.path,
                   "the address " + backend->host + ":" + std::to_string(backend->port) + " is also used by " + other);
      }
    }
    if (backend->role == Role::primary) {
      if (primary_path) {
        diag.error(item.mark, item.path,
                   "expected exactly one backend with role: primary, found another at " + *primary_path);
      } else {
        primary_path = item.path;
      }
    }
    out.push_back(std::move(*backend));
  }
  if (!primary_path && !out.empty()) {
    diag.error(list.mark, list.path, "expected exactly one backend with role: primary, found none");
  }
}

// "host:port", "host" (port 3306) or "[v6]:port".
bool split_host_port(const std::string& text, std::string& host, std::uint16_t& port) {
  std::string port_text;
  if (!text.empty() && text.front() == '[') {
    const auto close = text.find(']');
    if (close == std::string::npos) return false;
    host = text.substr(1, close - 1);
    if (close + 1 < text.size()) {
      if (text[close + 1] != ':') return false;
      port_text = text.substr(close + 2);
    }
  } else if (const auto colon = text.rfind(':'); colon != std::string::npos) {
    host = text.substr(0, colon);
    port_text = text.substr(colon + 1);
  } else {
    host = text;
  }
  if (!is_host(host)) return false;
  if (port_text.empty()) return text.back() != ':';
  if (port_text.size() > 5 || port_text.find_first_not_of("0123456789") != std::string::npos) return false;
  const unsigned long value = std::stoul(port_text);
  if (value < 1 || value > 65535) return false;
  port = static_cast<std::uint16_t>(value);
  return true;
}

void parse_dns(MapReader& parent, const Field& field, DnsDiscovery& out) {
  MapReader map(parent.diag(), field);
  if (auto primary = map.take("primary")) {
    if (auto v = as_string(map.diag(), *primary); v && !split_host_port(*v, out.primary_host, out.primary_port)) {
      map.diag().error(primary->mark, primary->path,
                       "expected host:port such as mysql-0.mysql:3306, found " + quote(*v));
    }
  } else {
    report_missing(map, "primary");
  }
  read_host(map, "replicas", out.replicas);
  read_uint(map, "port", out.replica_port, 1, 65535);
  read_duration(map, "refresh_interval", out.refresh_interval, std::chrono::milliseconds(100));
}

// A Kubernetes object name as Services and namespaces need it: a DNS label (RFC 1123).
bool is_dns_label(const std::string& text) {
  if (text.empty() || text.size() > 63 || text.front() == '-' || text.back() == '-') return false;
  return std::all_of(text.begin(), text.end(),
                     [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'; });
}

void read_dns_label(MapReader& map, std::string_view key, std::string& out) {
  auto field = map.take(key);
  if (!field) return;
  auto v = as_string(map.diag(), *field);
  if (!v) return;
  if (!is_dns_label(*v)) {
    map.diag().error(field->mark, field->path,
                     "expected a Kubernetes name (lower-case letters, digits and '-', at most 63), found " + quote(*v));
    return;
  }
  out = *v;
}

void parse_kubernetes(MapReader& parent, const Field& field, KubernetesDiscovery& out) {
  MapReader map(parent.diag(), field);
  read_dns_label(map, "service", out.service);
  read_dns_label(map, "namespace", out.namespace_name);
  read_string(map, "port_name", out.port_name);
  read_uint(map, "port", out.port, 1, 65535);
  read_uint(map, "primary_ordinal", out.primary_ordinal, 0, 1000000);
  read_string(map, "kubeconfig", out.kubeconfig);
  read_string(map, "context", out.context);
}

}  // namespace

void parse_users(MapReader& root, std::vector<User>& out) {
  auto list = root.take("users");
  if (!list) return;
  Diagnostics& diag = root.diag();
  for (const Field& item : list_items(diag, *list)) {
    auto user = parse_user(diag, item);
    if (!user) continue;
    for (std::size_t i = 0; i < out.size(); ++i) {
      if (!user->name.empty() && out[i].name == user->name) {
        diag.error(
            item.mark, item.path,
            "the user " + quote(user->name) + " is also defined at " + list->path + "[" + std::to_string(i) + "]");
      }
    }
    out.push_back(std::move(*user));
  }
}

void parse_monitor(MapReader& root, MonitorConfig& out) {
  auto field = root.take("monitor");
  if (!field) {
    root.diag().error(root.mark(), "monitor", "missing section (the account for health checks: user and password)");
    return;
  }
  MapReader map(root.diag(), *field);
  if (auto user = map.take("user")) {
    if (auto v = as_string(map.diag(), *user)) out.user = *v;
  } else {
    report_missing(map, "user");
  }
  if (auto secret = read_secret(map, "password", /*required=*/true)) out.password = std::move(*secret);
  read_duration(map, "check_interval", out.check_interval, std::chrono::milliseconds(1));
  MapReader heartbeat(map.diag(), section(map, "heartbeat"));
  read_bool(heartbeat, "enabled", out.heartbeat.enabled);
  if (auto table = heartbeat.take("table")) {
    if (auto v = as_string(map.diag(), *table)) {
      const auto dot = v->find('.');
      if (dot != std::string::npos && is_identifier(v->substr(0, dot)) && is_identifier(v->substr(dot + 1))) {
        out.heartbeat.schema = v->substr(0, dot);
        out.heartbeat.table = v->substr(dot + 1);
      } else {
        map.diag().error(table->mark, table->path,
                         "expected schema.table (letters, digits, _ and $), found " + quote(*v));
      }
    }
  }
  read_duration(heartbeat, "interval", out.heartbeat.interval, std::chrono::milliseconds(1));
}

void parse_load_users(MapReader& root, LoadUsersConfig& out, const MonitorConfig& monitor) {
  MapReader map(root.diag(), section(root, "load_users_from_backend"));
  read_bool(map, "enabled", out.enabled);
  out.user = monitor.user;
  out.password = monitor.password;
  read_string(map, "user", out.user);
  if (auto secret = read_secret(map, "password", /*required=*/false)) out.password = std::move(*secret);
  read_duration(map, "refresh_interval", out.refresh_interval, std::chrono::seconds(1));
}

void parse_backends(MapReader& root, BackendsConfig& out) {
  auto field = root.take("backends");
  if (!field) {
    root.diag().error(root.mark(), "backends",
                      "missing section (the database servers: discovery and static, dns or kubernetes)");
    return;
  }
  MapReader map(root.diag(), *field);
  auto discovery = map.take("discovery");
  auto list = map.take("static");
  auto dns = map.take("dns");
  auto kubernetes = map.take("kubernetes");
  if (discovery) {
    auto v = as_choice(map.diag(), *discovery, kDiscoveryNames);
    if (!v) return;  // which other keys belong here depends on it: nothing more to say
    out.discovery = static_cast<BackendsConfig::Discovery>(*v);
  }
  const std::string_view mode = kDiscoveryNames[static_cast<std::size_t>(out.discovery)];
  using Discovery = BackendsConfig::Discovery;
  if (list && out.discovery != Discovery::static_list) {
    map.diag().error(list->mark, list->path,
                     "only used with discovery: static (discovery is " + std::string(mode) + ")");
  }
  if (dns && out.discovery != Discovery::dns) {
    map.diag().error(dns->mark, dns->path, "only used with discovery: dns (discovery is " + std::string(mode) + ")");
  }
  if (kubernetes && out.discovery != Discovery::kubernetes) {
    map.diag().error(kubernetes->mark, kubernetes->path,
                     "only used with discovery: kubernetes (discovery is " + std::string(mode) + ")");
  }
  if (out.discovery == Discovery::static_list) {
    if (list)
      parse_static_list(map, *list, out.static_backends);
    else
      report_missing(map, "static (the list of backends for discovery: static)");
  } else if (out.discovery == Discovery::dns) {
    if (dns)
      parse_dns(map, *dns, out.dns);
    else
      report_missing(map, "dns (the names to resolve for discovery: dns)");
  } else if (kubernetes) {
    parse_kubernetes(map, *kubernetes, out.kubernetes);  // every key has a default
  }
}

void parse_routing(MapReader& root, RoutingConfig& out) {
  MapReader map(root.diag(), section(root, "routing"));
  read_duration(map, "max_replica_lag", out.max_replica_lag, std::chrono::milliseconds(1));
  out.readmit_lag = out.max_replica_lag * 8 / 10;
  if (auto hysteresis = map.take("lag_hysteresis")) {
    const std::string text = hysteresis->node.IsScalar() ? hysteresis->node.Scalar() : std::string();
    const bool percent = text.size() >= 2 && text.size() <= 3 && text.back() == '%' &&
                         text.find_first_not_of("0123456789") == text.size() - 1;
    const auto duration = parse_duration(text);
    if (percent && std::stoi(text) > 0 && std::stoi(text) < 100) {
      out.readmit_lag = out.max_replica_lag * std::stoi(text) / 100;
    } else if (duration && *duration < out.max_replica_lag) {
      out.readmit_lag = *duration;
    } else {
      map.diag().error(hysteresis->mark, hysteresis->path,
                       "expected a percentage of max_replica_lag (1%..99%) or a duration below max_replica_lag (" +
                           format_duration(out.max_replica_lag) + "), found " + describe(hysteresis->node));
    }
  }
  read_duration(map, "min_dwell", out.min_dwell);
  read_choice(map, "when_no_replica", out.when_no_replica, kWhenNoReplicaNames);
  read_choice(map, "consistency", out.consistency, kConsistencyNames);
  read_duration(map, "causal_wait", out.causal_wait);
  read_choice(map, "stored_functions", out.stored_functions, kStoredFunctionsNames);
  read_bool(map, "read_only_transactions_to_replica", out.read_only_transactions_to_replica);
}

}  // namespace weir::config::detail
