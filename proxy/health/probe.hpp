#pragma once
// One check of one server: what the monitor reads from it each round. The parsing helpers are
// pure and unit-tested; probe_primary/probe_replica run the statements.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "health/gtid.hpp"
#include "health/heartbeat_lag.hpp"
#include "weir/sqlclient/connection.hpp"

namespace weir::health {

// What a probe statement returns (the monitor reads first rows by column name).
using QueryResult = sqlclient::Result;

struct Probe {
  bool reachable = false;
  std::string error;  // why not reachable, or what could not be read
  bool read_only = false;
  GtidPosition gtid;  // primary: gtid_binlog_pos; replica: gtid_slave_pos
  // Primary
  bool tracks_last_gtid = false;
  std::uint64_t max_allowed_packet = 0;  // the largest packet the server accepts; 0: not read
  std::uint64_t max_connections = 0;     // @@global.max_connections; 0: not read
  // Replica
  bool io_thread_running = false;
  bool sql_thread_running = false;
  std::optional<std::chrono::seconds> seconds_behind_master;  // NULL = unknown
  std::optional<WallMicros> heartbeat;                        // weir's heartbeat row as applied here; nullopt = none
  std::chrono::steady_clock::time_point checked_at{};         // when the GTID position query was sent
};

struct SlaveStatus {
  bool io_running = false;
  bool sql_running = false;
  std::optional<std::chrono::seconds> seconds_behind_master;
};
// SHOW SLAVE STATUS -> the three fields; no row (not a replica) = both threads stopped.
// Slave_IO_Running "Connecting" counts as not running: the replica receives nothing.
SlaveStatus parse_slave_status(const sqlclient::Result& result);

// Whether a session_track_system_variables value ("autocommit,last_gtid", "*") includes last_gtid.
bool tracks_last_gtid(std::string_view variables);

// `schema`.`table` with backticks doubled inside names.
std::string quote_identifier(std::string_view name);
// 'text' with quotes and backslashes escaped.
std::string quote_string(std::string_view text);

struct HeartbeatTable {
  std::string schema;
  std::string table;
  std::string instance;  // this weir's row
};
std::string heartbeat_create_schema_sql(const HeartbeatTable& t);
std::string heartbeat_create_table_sql(const HeartbeatTable& t);
std::string heartbeat_write_sql(const HeartbeatTable& t, WallMicros ts);
std::string heartbeat_read_sql(const HeartbeatTable& t);

// `op_timeout` bounds each step (connect, each statement).
Probe probe_primary(sqlclient::Connection& connection, const sqlclient::ConnectOptions& target,
                    std::chrono::milliseconds op_timeout);
// `heartbeat` nullopt = not enabled (the row is not read).
Probe probe_replica(sqlclient::Connection& connection, const sqlclient::ConnectOptions& target,
                    std::chrono::milliseconds op_timeout, const std::optional<HeartbeatTable>& heartbeat);

}  // namespace weir::health
