// The sections about weir itself: listen, workers, admin, tls, log, metrics, timeouts, pool.
#include <arpa/inet.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "names.hpp"
#include "parse.hpp"
#include "weir/config/units.hpp"

namespace weir::config::detail {
namespace {

bool is_ip_literal(const std::string& text) {
  unsigned char buf[16];
  return inet_pton(AF_INET, text.c_str(), buf) == 1 || inet_pton(AF_INET6, text.c_str(), buf) == 1;
}

bool is_wildcard(const std::string& address) { return address == "0.0.0.0" || address == "::"; }

void read_address(MapReader& map, std::string_view key, std::string& out) {
  auto field = map.take(key);
  if (!field) return;
  auto value = as_string(map.diag(), *field);
  if (!value) return;
  if (!is_ip_literal(*value)) {
    map.diag().error(field->mark, field->path,
                     "expected an IPv4 or IPv6 address such as 127.0.0.1, 0.0.0.0 or ::, found " + quote(*value));
    return;
  }
  out = std::move(*value);
}

// A file weir will open later (certificates, keys): checked now so that a typo fails the load.
// Returns whether the key is given.
bool read_file_path(MapReader& map, std::string_view key, std::string& out, bool check) {
  auto field = map.take(key);
  if (!field) return false;
  auto value = as_string(map.diag(), *field);
  if (!value) return true;
  if (check) {
    std::FILE* file = std::fopen(value->c_str(), "rb");
    if (file == nullptr) {
      map.diag().error(field->mark, field->path, "cannot read " + quote(*value) + ": " + std::strerror(errno));
      return true;
    }
    std::fclose(file);
  }
  out = std::move(*value);
  return true;
}

void require(MapReader& map, bool present, std::string_view key, std::string_view when) {
  if (present) return;
  map.diag().error(map.mark(), map.path(), "missing " + std::string(key) + " (required " + std::string(when) + ")");
}

void parse_client_tls(MapReader& parent, ClientTlsConfig& out) {
  MapReader map(parent.diag(), section(parent, "client"));
  // Whether the files must exist depends on `enabled`, so it is read first.
  read_bool(map, "enabled", out.enabled);
  const bool has_cert = read_file_path(map, "cert_file", out.cert_file, out.enabled);
  const bool has_key = read_file_path(map, "key_file", out.key_file, out.enabled);
  read_file_path(map, "ca_file", out.ca_file, out.enabled);
  auto required = map.take("required");
  if (required) {
    if (auto v = as_bool(map.diag(), *required)) out.required = *v;
  }
  if (out.enabled) {
    require(map, has_cert, "cert_file", "when enabled: true");
    require(map, has_key, "key_file", "when enabled: true");
  } else if (required && out.required) {
    map.diag().error(required->mark, required->path, "required: true needs enabled: true");
  }
}

void parse_backend_tls(MapReader& parent, BackendTlsConfig& out) {
  MapReader map(parent.diag(), section(parent, "backend"));
  read_bool(map, "enabled", out.enabled);
  read_file_path(map, "ca_file", out.ca_file, out.enabled);
  read_choice(map, "verify", out.verify, kVerifyNames);
  const bool has_cert = read_file_path(map, "cert_file", out.cert_file, out.enabled);
  const bool has_key = read_file_path(map, "key_file", out.key_file, out.enabled);
  if (has_cert && !has_key) require(map, false, "key_file", "with cert_file");
  if (!has_cert && has_key) require(map, false, "cert_file", "with key_file");
}

}  // namespace

void parse_listen(MapReader& root, ListenConfig& out) {
  MapReader map(root.diag(), section(root, "listen"));
  read_address(map, "address", out.address);
  // 0 lets the kernel pick a free port (tests); weir logs the port it bound.
  read_uint(map, "port", out.port, 0, 65535);
  read_uint(map, "backlog", out.backlog, 1, 65535);
  read_uint(map, "max_connections", out.max_connections, 1, 1'000'000);
}

namespace {

// `auto` (stored as 0) or an integer min..max; anything else is an error naming both forms.
void read_auto_or_uint(MapReader& map, std::string_view key, std::uint32_t& out, std::uint32_t min, std::uint32_t max) {
  auto field = map.take(key);
  if (!field) return;
  const std::string text = field->node.IsScalar() ? field->node.Scalar() : std::string();
  const bool digits = !text.empty() && text.size() <= 9 && text.find_first_not_of("0123456789") == std::string::npos;
  if (text == "auto") {
    out = 0;
  } else if (digits && std::stoul(text) >= min && std::stoul(text) <= max) {
    out = static_cast<std::uint32_t>(std::stoul(text));
  } else {
    map.diag().error(field->mark, field->path,
                     "expected auto or an integer " + std::to_string(min) + ".." + std::to_string(max) + ", found " +
                         describe(field->node));
  }
}

}  // namespace

void parse_workers(MapReader& root, WorkersConfig& out) {
  MapReader map(root.diag(), section(root, "workers"));
  read_auto_or_uint(map, "count", out.count, 0, 1024);
  if (auto size = map.take("buffer_size")) {
    if (auto v = as_size(map.diag(), *size)) {
      if (*v < 1024 || *v > 64 * 1024 * 1024) {
        map.diag().error(size->mark, size->path, "expected a size from 1KiB to 64MiB, found " + describe(size->node));
      } else {
        out.buffer_size = *v;
      }
    }
  }
}

void parse_admin(MapReader& root, AdminConfig& out, const ListenConfig& listen) {
  MapReader map(root.diag(), section(root, "admin"));
  read_bool(map, "enabled", out.enabled);
  read_address(map, "address", out.address);
  auto port = map.take("port");
  if (port) {
    if (auto v = as_uint(map.diag(), *port, 0, 65535)) out.port = static_cast<std::uint16_t>(*v);
  }
  out.token = read_secret(map, "token", /*required=*/false);
  const bool overlap = out.address == listen.address || is_wildcard(out.address) || is_wildcard(listen.address);
  if (out.enabled && out.port != 0 && out.port == listen.port && overlap) {
    map.diag().error(port ? port->mark : map.mark(), port ? port->path : map.path(),
                     "the admin port " + std::to_string(out.port) + " is also listen.port");
  }
}

void parse_tls(MapReader& root, TlsConfig& out) {
  MapReader map(root.diag(), section(root, "tls"));
  parse_client_tls(map, out.client);
  parse_backend_tls(map, out.backend);
}

void parse_timeouts(MapReader& root, TimeoutsConfig& out) {
  MapReader map(root.diag(), section(root, "timeouts"));
  constexpr Duration kMin = std::chrono::milliseconds(1);
  read_duration(map, "connect", out.connect, kMin);
  read_duration(map, "handshake", out.handshake, kMin);
  read_duration(map, "client_idle", out.client_idle);
  read_duration(map, "backend_idle", out.backend_idle);
  read_duration(map, "client_read", out.client_read);
  read_duration(map, "client_write", out.client_write);
  read_duration(map, "shutdown_grace", out.shutdown_grace);
  read_duration(map, "query", out.query);
  read_duration(map, "pool_wait", out.pool_wait);
}

void parse_pool(MapReader& root, PoolConfig& out) {
  MapReader map(root.diag(), section(root, "pool"));
  read_uint(map, "max_idle_per_worker", out.max_idle_per_worker, 0, 10'000);
  read_auto_or_uint(map, "max_per_backend", out.max_per_backend, 1, 100'000);
  read_duration(map, "idle_timeout", out.idle_timeout, std::chrono::seconds(1));
  read_bool(map, "reset_on_reuse", out.reset_on_reuse);
  read_bool(map, "multiplexing", out.multiplexing);
  read_uint(map, "prepared_statements_per_connection", out.prepared_statements_per_connection, 1, 100'000);
  if (auto list = map.take("multiplexing_by_user")) {
    for (const Field& item : list_items(map.diag(), *list)) {
      MapReader entry(map.diag(), item);
      MultiplexingForUser one;
      read_string(entry, "user", one.user);
      const auto given = entry.take("multiplexing");
      if (given) {
        if (auto value = as_bool(map.diag(), *given)) one.multiplexing = *value;
      } else {
        map.diag().error(item.mark, item.path, "expected multiplexing: true or false for the user");
      }
      if (one.user.empty()) {
        map.diag().error(item.mark, item.path, "expected user: the account's name");
        continue;
      }
      for (const auto& earlier : out.multiplexing_by_user) {
        if (earlier.user == one.user) {
          map.diag().error(item.mark, item.path, "the user " + quote(one.user) + " is listed twice");
        }
      }
      out.multiplexing_by_user.push_back(std::move(one));
    }
  }
}

void parse_log(MapReader& root, LogConfig& out) {
  MapReader map(root.diag(), section(root, "log"));
  read_choice(map, "format", out.format, kLogFormatNames);
  read_choice(map, "level", out.level, kLogLevelNames);
  read_duration(map, "slow_query", out.slow_query);
}

void parse_metrics(MapReader& root, MetricsConfig& out) {
  MapReader map(root.diag(), section(root, "metrics"));
  read_bool(map, "enabled", out.enabled);
  auto buckets = map.take("histogram_buckets");
  if (!buckets) return;
  for (const Field& item : list_items(map.diag(), *buckets)) {
    auto v = as_duration(map.diag(), item);
    if (!v) continue;
    if (*v <= Duration::zero() || (!out.histogram_buckets.empty() && *v <= out.histogram_buckets.back())) {
      map.diag().error(item.mark, item.path,
                       "expected a duration above the previous bucket and above 0, found " + describe(item.node));
      continue;
    }
    out.histogram_buckets.push_back(*v);
  }
}

}  // namespace weir::config::detail
