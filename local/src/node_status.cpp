#include "weir/local/node_status.hpp"

#include "weir/pod/process.hpp"
#include "weir/pod/sql_client.hpp"

namespace weir::local {
namespace {

std::string field(const pod::Row& row, const char* name) {
  auto it = row.find(name);
  return it == row.end() ? std::string() : it->second.value_or("NULL");
}

void read_replication(pod::SqlClient& conn, NodeStatus& s) {
  std::optional<pod::SqlError> error;
  auto rows = conn.query("SHOW SLAVE STATUS", error);
  if (error || rows.empty()) {
    s.role = "primary";
    s.ready = !error;
    if (error) s.detail = pod::describe(*error);
    return;
  }
  s.role = "replica";
  const auto& row = rows.front();
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
  s.pid = pod::pid_alive(node.server_pid) ? node.server_pid : 0;
  if (s.pid == 0) {
    s.detail = "server not running";
    return s;
  }
  pod::SqlError error;
  auto conn = pod::SqlClient::connect({"127.0.0.1", node.port, credentials.root_user, credentials.root_password, 2}, error);
  if (!conn) {
    s.detail = pod::describe(error);
    return s;
  }
  if (auto id = conn->scalar("SELECT @@server_id")) s.server_id = std::stoi(*id);
  read_replication(*conn, s);
  return s;
}

}  // namespace weir::local
