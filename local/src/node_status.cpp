#include "weir/local/node_status.hpp"

#include <chrono>

#include "process/child.hpp"
#include "weir/pod/steps.hpp"
#include "weir/sqlclient/connection.hpp"

namespace weir::local {
namespace {

std::string field(const sqlclient::Result& status, const char* name) {
  return status.has_column(name) ? status.first(name).value_or("NULL") : std::string();
}

void read_replication(sqlclient::Connection& conn, NodeStatus& s) {
  const auto status = conn.query("SHOW SLAVE STATUS");
  if (!status || status->rows.empty()) {
    s.role = "primary";
    s.ready = status.has_value();
    if (!status) s.detail = conn.error().describe();
    return;
  }
  s.role = "replica";
  const sqlclient::Result& row = *status;
  const std::string io = field(row, "Slave_IO_Running");
  const std::string sql = field(row, "Slave_SQL_Running");
  s.ready = io == "Yes" && sql == "Yes";
  if (!s.ready) s.detail = "replication IO " + io + ", SQL " + sql;
  const std::string lag = field(row, "Seconds_Behind_Master");
  if (!lag.empty() && lag != "NULL") s.lag_seconds = std::stol(lag);
}

}  // namespace

NodeStatus query_node_status(const NodeState& node, const pod::Credentials& credentials) {
  NodeStatus s;
  s.ordinal = node.ordinal;
  s.port = node.port;
  s.role = "-";
  s.pid = process::pid_alive(node.server_pid) ? node.server_pid : 0;
  if (s.pid == 0) {
    s.detail = "server not running";
    return s;
  }
  sqlclient::ConnectOptions options;
  options.port = node.port;
  options.user = credentials.root_user;
  options.password = credentials.root_password;
  options.timeouts = {std::chrono::seconds(2), std::chrono::seconds(2), std::chrono::seconds(2)};
  sqlclient::Connection conn;
  if (!conn.connect(options)) {
    s.detail = conn.error().describe();
    return s;
  }
  if (const auto id = conn.query("SELECT @@server_id")) {
    if (const auto server_id = id->scalar()) s.server_id = std::stoi(*server_id);
  }
  read_replication(conn, s);
  return s;
}

}  // namespace weir::local
