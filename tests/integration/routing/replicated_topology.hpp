#pragma once
// A primary and two replicas replicating for real (GTID, row format), the test accounts, and
// weir in front with all three as backends and a fast monitor.
#include <gtest/gtest.h>

#include <memory>
#include <set>
#include <string>
#include <thread>

#include "proxy_support.hpp"

namespace weir::testing::routing_tests {

using namespace proxy_tests;
using namespace std::chrono_literals;

struct TopologyOptions {
  // The primary's session_track_system_variables includes last_gtid (read-your-writes by GTID).
  bool track_last_gtid = true;
  std::string extra_yaml;  // routing options etc.
  std::string check_interval = "100ms";
  std::string admin_yaml;                     // the whole admin section; empty: admin off
  std::vector<std::string> weir_environment;  // "NAME=value" entries added to weir's environment
};

// Every column of the first row of `sql` ("NULL" for NULL); empty on error or no row.
inline std::vector<std::string> row_of(MYSQL* m, const std::string& sql) {
  std::vector<std::string> out;
  if (mysql_query(m, sql.c_str()) != 0) return out;
  MYSQL_RES* res = mysql_store_result(m);
  if (res == nullptr) return out;
  if (MYSQL_ROW row = mysql_fetch_row(res)) {
    for (unsigned i = 0; i < mysql_num_fields(res); ++i) out.emplace_back(row[i] == nullptr ? "NULL" : row[i]);
  }
  mysql_free_result(res);
  while (mysql_next_result(m) == 0) {
    if (MYSQL_RES* more = mysql_store_result(m)) mysql_free_result(more);
  }
  return out;
}

// Runs `sql` and drains every result: "" on success, "<errno> <message>" on error.
inline std::string run(MYSQL* m, const std::string& sql) {
  if (mysql_query(m, sql.c_str()) != 0) return std::to_string(mysql_errno(m)) + " " + mysql_error(m);
  do {
    if (MYSQL_RES* res = mysql_store_result(m)) mysql_free_result(res);
  } while (mysql_next_result(m) == 0);
  return "";
}

struct StmtCloser {
  void operator()(MYSQL_STMT* s) const { mysql_stmt_close(s); }
};
using Stmt = std::unique_ptr<MYSQL_STMT, StmtCloser>;

// A statement prepared through libmariadb (a test failure and null when the server refuses it).
inline Stmt prepare(MYSQL* m, const std::string& sql) {
  Stmt stmt(mysql_stmt_init(m));
  if (mysql_stmt_prepare(stmt.get(), sql.c_str(), sql.size()) != 0) {
    ADD_FAILURE() << "prepare " << sql << ": " << mysql_stmt_error(stmt.get());
    return nullptr;
  }
  return stmt;
}

inline MariadbOptions replica_options(std::uint32_t server_id) {
  auto options = MariadbOptions::replica(server_id);
  // Replicas with their own binary log: a write that reached a replica directly would carry
  // the replica's server id there (the test accounts have SUPER, so read_only would not stop it).
  options.log_bin = true;
  options.log_slave_updates = true;
  return options;
}

inline MariadbOptions primary_options(bool track_last_gtid) {
  auto options = MariadbOptions::primary(100);
  if (track_last_gtid) {
    options.cnf_lines.emplace_back(
        "session_track_system_variables=autocommit,character_set_client,character_set_connection,"
        "character_set_results,time_zone,last_gtid");
  }
  return options;
}

class ReplicatedTopology {
 public:
  explicit ReplicatedTopology(const TopologyOptions& options = {})
      : primary(primary_options(options.track_last_gtid)),
        replica1(replica_options(101)),
        replica2(replica_options(102)) {
    prepare_server(primary);
    primary.create_user("weir_monitor", "weir-monitor-pw", "SELECT, SLAVE MONITOR", "*.*");
    primary.execute("GRANT CREATE, INSERT, UPDATE ON weir.* TO 'weir_monitor'@'%'");
    primary.execute("CREATE TABLE app.kv (k INT PRIMARY KEY, v INT NOT NULL, written_by INT)");
    replica1.replicate_from(primary);
    replica2.replicate_from(primary);
    if (!replica1.wait_caught_up(primary) || !replica2.wait_caught_up(primary)) {
      throw std::runtime_error("replicas did not catch up");
    }
    WeirOptions weir_options = weir_for(primary);
    weir_options.backends.push_back({"replica-1", "127.0.0.1", replica1.port(), "replica"});
    weir_options.backends.push_back({"replica-2", "127.0.0.1", replica2.port(), "replica"});
    weir_options.monitor_yaml = "  check_interval: " + options.check_interval + "\n";
    weir_options.extra_yaml = options.extra_yaml;
    weir_options.admin_yaml = options.admin_yaml;
    weir_options.environment = options.weir_environment;
    weir = std::make_unique<WeirProcess>(weir_options);
    wait_replicas_serving();
  }

  // Until reads through weir reach both replicas (the monitor's first rounds are done).
  void wait_replicas_serving() {
    const auto deadline = std::chrono::steady_clock::now() + 20s;
    std::set<std::string> seen;
    while (std::chrono::steady_clock::now() < deadline) {
      Mysql m = open_mysql(weir->port(), {});
      if (m) {
        for (int i = 0; i < 20; ++i) seen.insert(scalar_of(m.get(), "SELECT @@server_id"));
      }
      if (seen.count("101") && seen.count("102")) return;
      std::this_thread::sleep_for(100ms);
    }
    throw std::runtime_error("reads through weir never reached both replicas; weir log:\n" + weir->log());
  }

  // GTIDs in a replica's binary log state (the last of every domain and server) that did not come
  // from the primary (server id 100).
  static std::string own_gtids(MariadbServer& replica) {
    const std::string position = replica.scalar("SELECT @@gtid_binlog_state").value_or("");
    std::string own;
    std::size_t start = 0;
    while (start < position.size()) {
      auto end = position.find(',', start);
      if (end == std::string::npos) end = position.size();
      const std::string gtid = position.substr(start, end - start);
      const auto first = gtid.find('-');
      const auto second = gtid.find('-', first + 1);
      if (first != std::string::npos && second != std::string::npos &&
          gtid.substr(first + 1, second - first - 1) != "100") {
        own += gtid + " ";
      }
      start = end + 1;
    }
    return own;
  }

  MariadbServer primary;
  MariadbServer replica1;
  MariadbServer replica2;
  std::unique_ptr<WeirProcess> weir;
};

}  // namespace weir::testing::routing_tests
