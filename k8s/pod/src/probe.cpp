// `weir pod probe`: the tutorial's probes (`mysqladmin ping`, `mysql -h 127.0.0.1 -e 'SELECT 1'`),
// plus readiness that can require both replication threads running.
#include <thread>

#include "log/log.hpp"
#include "weir/pod/steps.hpp"
#include "weir/pod/stop_signal.hpp"

namespace weir::pod {
namespace {

constexpr unsigned kAccessDenied = 1045;

std::optional<std::string> replication_problem(sqlclient::Connection& conn) {
  const auto status = conn.query("SHOW SLAVE STATUS");
  if (!status) return "SHOW SLAVE STATUS failed: " + conn.error().describe();
  if (status->rows.empty()) return "replication is not configured";
  auto field = [&](const char* name) {
    return status->has_column(name) ? status->first(name).value_or("NULL") : std::string("?");
  };
  // IO "Connecting": the replica keeps trying to reach its primary (down, or being replaced). It
  // still serves what it has; the proxy judges its lag. Stopped or failed threads ("No") are not
  // ready: the replica will not catch up by itself.
  const std::string io = field("Slave_IO_Running");
  if ((io != "Yes" && io != "Connecting") || field("Slave_SQL_Running") != "Yes") {
    std::string reason =
        "replication is not running (IO " + field("Slave_IO_Running") + ", SQL " + field("Slave_SQL_Running") + ")";
    for (const char* err : {"Last_IO_Error", "Last_SQL_Error"}) {
      if (const auto text = field(err); !text.empty() && text != "NULL") reason += ": " + text;
    }
    return reason;
  }
  return std::nullopt;
}

}  // namespace

sqlclient::ConnectOptions local_root(const PodOptions& o) {
  sqlclient::ConnectOptions options;
  options.host = "127.0.0.1";
  options.port = o.port;
  options.user = o.credentials.root_user;
  options.password = o.credentials.root_password;
  options.timeouts = {std::chrono::seconds(2), std::chrono::seconds(2), std::chrono::seconds(2)};
  return options;
}

std::optional<sqlclient::Connection> wait_for_server(const sqlclient::ConnectOptions& params,
                                                     std::chrono::seconds timeout, std::string_view who) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (int attempt = 1; !stop_requested(); ++attempt) {
    sqlclient::Connection conn;
    if (conn.connect(params)) return conn;
    if (attempt == 1 || attempt % 30 == 0) {
      log::info("waiting for the server (" + conn.error().describe() + ")", {{"command", who}});
    }
    if (std::chrono::steady_clock::now() >= deadline) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(attempt < 20 ? 100 : 1000));
  }
  return std::nullopt;
}

std::optional<std::string> probe(const PodOptions& o, ProbeKind kind) {
  sqlclient::Connection conn;
  const bool connected = conn.connect(local_root(o));
  if (kind == ProbeKind::liveness) {
    // Like `mysqladmin ping`: a server that answers, even with "access denied", is alive.
    if (connected || conn.error().code == kAccessDenied) return std::nullopt;
    return "server not answering on 127.0.0.1:" + std::to_string(o.port) + " (" + conn.error().describe() + ")";
  }
  if (!connected) return "cannot connect to 127.0.0.1:" + std::to_string(o.port) + " (" + conn.error().describe() + ")";
  if (!conn.execute("SELECT 1")) return "SELECT 1 failed: " + conn.error().describe();
  if (o.require_replication && o.ordinal > 0) return replication_problem(conn);
  return std::nullopt;
}

}  // namespace weir::pod
