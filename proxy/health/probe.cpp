#include "health/probe.hpp"

#include <charconv>

namespace weir::health {

namespace {

using Clock = std::chrono::steady_clock;

constexpr unsigned kNoSuchTable = 1146;
constexpr unsigned kNoSuchDatabase = 1049;

std::optional<std::int64_t> parse_int(const std::optional<std::string>& text) {
  if (!text) return std::nullopt;
  std::int64_t value = 0;
  const auto* end = text->data() + text->size();
  const auto [ptr, ec] = std::from_chars(text->data(), end, value);
  if (ec != std::errc() || ptr != end) return std::nullopt;
  return value;
}

// Connects and reads the variables every server answers. False when unreachable.
bool read_variables(Probe& p, sqlclient::Connection& c, const sqlclient::ConnectOptions& target,
                    std::chrono::milliseconds op_timeout, const char* sql) {
  if (!c.connected() && !c.connect(target, Clock::now() + op_timeout)) {
    p.error = c.error().describe();
    return false;
  }
  // Topology::checked_at is when the position query was sent: every write acknowledged before
  // that instant is in the position read.
  const auto sent = Clock::now();
  auto vars = c.query(sql, sent + op_timeout);
  if (!vars || vars->rows.empty() || vars->rows.front().size() < 3) {
    p.error = vars ? "no variables from " + target.host : c.error().describe();
    return false;
  }
  p.reachable = true;
  p.checked_at = sent;
  const auto& row = vars->rows.front();
  p.read_only = row[0].value_or("0") == "1";
  if (auto gtid = GtidPosition::parse(row[1].value_or(""))) {
    p.gtid = std::move(*gtid);
  } else {
    p.error = "malformed GTID position \"" + row[1].value_or("") + "\"";
  }
  p.tracks_last_gtid = tracks_last_gtid(row[2].value_or(""));
  if (row.size() > 3) {
    if (auto limit = parse_int(row[3]); limit && *limit > 0) p.max_allowed_packet = static_cast<std::uint64_t>(*limit);
  }
  if (row.size() > 4) {
    if (auto limit = parse_int(row[4]); limit && *limit > 0) p.max_connections = static_cast<std::uint64_t>(*limit);
  }
  return true;
}

bool equals_lowercase(std::string_view text, std::string_view lower) {
  if (text.size() != lower.size()) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i] >= 'A' && text[i] <= 'Z' ? static_cast<char>(text[i] - 'A' + 'a') : text[i];
    if (c != lower[i]) return false;
  }
  return true;
}

}  // namespace

SlaveStatus parse_slave_status(const sqlclient::Result& result) {
  SlaveStatus s;
  if (result.rows.empty()) return s;
  s.io_running = result.first("Slave_IO_Running") == "Yes";
  s.sql_running = result.first("Slave_SQL_Running") == "Yes";
  if (auto seconds = parse_int(result.first("Seconds_Behind_Master")); seconds && *seconds >= 0) {
    s.seconds_behind_master = std::chrono::seconds(*seconds);
  }
  return s;
}

bool tracks_last_gtid(std::string_view variables) {
  while (!variables.empty()) {
    const auto comma = variables.find(',');
    auto item = variables.substr(0, comma);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (item == "*" || equals_lowercase(item, "last_gtid")) return true;
    if (comma == std::string_view::npos) break;
    variables.remove_prefix(comma + 1);
  }
  return false;
}

std::string quote_identifier(std::string_view name) {
  std::string out = "`";
  for (const char c : name) {
    if (c == '`') out += '`';
    out += c;
  }
  return out + '`';
}

std::string quote_string(std::string_view text) {
  std::string out = "'";
  for (const char c : text) {
    if (c == '\'' || c == '\\') out += '\\';
    out += c;
  }
  return out + '\'';
}

std::string heartbeat_create_schema_sql(const HeartbeatTable& t) {
  return "CREATE DATABASE IF NOT EXISTS " + quote_identifier(t.schema);
}

std::string heartbeat_create_table_sql(const HeartbeatTable& t) {
  // One row per weir instance; ts = microseconds since the epoch on the writing weir's clock.
  return "CREATE TABLE IF NOT EXISTS " + quote_identifier(t.schema) + "." + quote_identifier(t.table) +
         " (instance VARCHAR(255) NOT NULL PRIMARY KEY, ts BIGINT NOT NULL) ENGINE=InnoDB";
}

std::string heartbeat_write_sql(const HeartbeatTable& t, WallMicros ts) {
  const auto micros = std::to_string(ts.time_since_epoch().count());
  return "INSERT INTO " + quote_identifier(t.schema) + "." + quote_identifier(t.table) + " (instance, ts) VALUES (" +
         quote_string(t.instance) + ", " + micros + ") ON DUPLICATE KEY UPDATE ts = " + micros;
}

std::string heartbeat_read_sql(const HeartbeatTable& t) {
  return "SELECT ts FROM " + quote_identifier(t.schema) + "." + quote_identifier(t.table) +
         " WHERE instance = " + quote_string(t.instance);
}

Probe probe_primary(sqlclient::Connection& c, const sqlclient::ConnectOptions& target,
                    std::chrono::milliseconds op_timeout) {
  Probe p;
  read_variables(p, c, target, op_timeout,
                 "SELECT @@global.read_only, @@global.gtid_binlog_pos, @@global.session_track_system_variables, "
                 "@@global.max_allowed_packet, @@global.max_connections");
  return p;
}

Probe probe_replica(sqlclient::Connection& c, const sqlclient::ConnectOptions& target,
                    std::chrono::milliseconds op_timeout, const std::optional<HeartbeatTable>& heartbeat) {
  Probe p;
  if (!read_variables(p, c, target, op_timeout,
                      "SELECT @@global.read_only, @@global.gtid_slave_pos, @@global.session_track_system_variables, "
                      "@@global.max_allowed_packet, @@global.max_connections")) {
    return p;
  }
  auto status = c.query("SHOW SLAVE STATUS", Clock::now() + op_timeout);
  if (!status) {
    // Without the replication threads' state the replica cannot be trusted: count it unreachable
    // (a missing privilege shows here, with the server's message).
    p.reachable = c.connected();
    p.error = c.error().describe();
    return p;
  }
  const auto slave = parse_slave_status(*status);
  p.io_thread_running = slave.io_running;
  p.sql_thread_running = slave.sql_running;
  p.seconds_behind_master = slave.seconds_behind_master;
  if (heartbeat) {
    auto row = c.query(heartbeat_read_sql(*heartbeat), Clock::now() + op_timeout);
    if (row) {
      if (auto ts = parse_int(row->first("ts"))) p.heartbeat = WallMicros(std::chrono::microseconds(*ts));
    } else if (c.error().code != kNoSuchTable && c.error().code != kNoSuchDatabase) {
      p.error = c.error().describe();  // the row stays unknown, and so does the lag
      if (!c.connected()) p.reachable = false;
    }
  }
  return p;
}

}  // namespace weir::health
