// `weir pod probe`: the tutorial's probes (`mysqladmin ping`, `mysql -h 127.0.0.1 -e 'SELECT 1'`),
// plus readiness that can require both replication threads running.
#include <thread>

#include "weir/pod/log.hpp"
#include "weir/pod/steps.hpp"

namespace weir::pod {
namespace {

constexpr unsigned kAccessDenied = 1045;

std::optional<std::string> replication_problem(SqlClient& conn) {
  std::optional<SqlError> error;
  auto rows = conn.query("SHOW SLAVE STATUS", error);
  if (error) return "SHOW SLAVE STATUS failed: " + describe(*error);
  if (rows.empty()) return "replication is not configured";
  const Row& row = rows.front();
  auto field = [&](const char* name) {
    auto it = row.find(name);
    return it == row.end() ? std::string("?") : it->second.value_or("NULL");
  };
  // IO "Connecting": the replica keeps trying to reach its primary (down, or being replaced). It
  // still serves what it has; the proxy judges its lag. Stopped or failed threads ("No") are not
  // ready: the replica will not catch up by itself.
  const std::string io = field("Slave_IO_Running");
  if ((io != "Yes" && io != "Connecting") || field("Slave_SQL_Running") != "Yes") {
    std::string reason = "replication is not running (IO " + field("Slave_IO_Running") + ", SQL " +
                         field("Slave_SQL_Running") + ")";
    for (const char* err : {"Last_IO_Error", "Last_SQL_Error"}) {
      if (const auto text = field(err); !text.empty() && text != "NULL") reason += ": " + text;
    }
    return reason;
  }
  return std::nullopt;
}

}  // namespace

ConnectParams local_root(const PodOptions& o) {
  return {"127.0.0.1", o.port, o.credentials.root_user, o.credentials.root_password, 2};
}

std::optional<SqlClient> wait_for_server(const ConnectParams& params, std::chrono::seconds timeout,
                                         std::string_view who) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  SqlError error;
  for (int attempt = 1; !stop_requested(); ++attempt) {
    if (auto conn = SqlClient::connect(params, error)) return conn;
    if (attempt == 1 || attempt % 30 == 0) {
      log_line(who, "waiting for the server at " + params.host + ":" + std::to_string(params.port) + " (" +
                        describe(error) + ")");
    }
    if (std::chrono::steady_clock::now() >= deadline) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(attempt < 20 ? 100 : 1000));
  }
  return std::nullopt;
}

std::optional<std::string> probe(const PodOptions& o, ProbeKind kind) {
  SqlError error;
  auto conn = SqlClient::connect(local_root(o), error);
  if (kind == ProbeKind::kLiveness) {
    // Like `mysqladmin ping`: a server that answers, even with "access denied", is alive.
    if (conn || error.code == kAccessDenied) return std::nullopt;
    return "server not answering on 127.0.0.1:" + std::to_string(o.port) + " (" + describe(error) + ")";
  }
  if (!conn) return "cannot connect to 127.0.0.1:" + std::to_string(o.port) + " (" + describe(error) + ")";
  if (auto err = conn->execute("SELECT 1")) return "SELECT 1 failed: " + describe(*err);
  if (o.require_replication && o.ordinal > 0) return replication_problem(*conn);
  return std::nullopt;
}

}  // namespace weir::pod
