// Multiplexing, differentially: three clients run generated session scripts (session variables,
// user variables, the current database, character sets, isolation levels, inserts and
// LAST_INSERT_ID(), transactions, warnings, FOUND_ROWS(), server-side prepared statements) against
// one server directly, each on its own connection, and the same scripts through a multiplexing weir
// with ONE backend connection for the three in front of an identical server. Every statement's
// answer must be the same: whatever one client leaves on the shared connection, another must never
// see, and each must find its own state wherever its statements run.
#include <gtest/gtest.h>

#include <deque>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "proxy_support.hpp"

namespace weir::testing::proxy_tests {
namespace {

constexpr int kClients = 3;

// Every row of every result, columns joined, or "ERR <code>".
std::string answer_of(MYSQL* m, const std::string& sql) {
  if (mysql_query(m, sql.c_str()) != 0) return "ERR " + std::to_string(mysql_errno(m));
  std::string out;
  do {
    MYSQL_RES* res = mysql_store_result(m);
    if (res == nullptr) {
      out += "ok;";
      continue;
    }
    const unsigned columns = mysql_num_fields(res);
    while (MYSQL_ROW row = mysql_fetch_row(res)) {
      for (unsigned i = 0; i < columns; ++i)
        out += (row[i] != nullptr ? row[i] : "NULL") + std::string(i + 1 < columns ? "|" : ";");
    }
    mysql_free_result(res);
  } while (mysql_next_result(m) == 0);
  return out;
}

// One step of a client's script: SQL text, or a server-side prepared statement (COM_STMT_PREPARE)
// executed twice with one parameter and closed.
struct Step {
  std::string sql;
  bool prepared = false;
  long long parameter = 0;
};

class Side {
 public:
  explicit Side(std::uint16_t port) {
    for (int i = 0; i < kClients; ++i) {
      std::string error;
      clients_.push_back(open_mysql(port, ConnectOptions{}.db("app"), &error));
      EXPECT_NE(clients_.back(), nullptr) << error;
    }
  }
  std::string run(int client, const Step& step) {
    MYSQL* m = clients_[static_cast<std::size_t>(client)].get();
    if (!step.prepared) return answer_of(m, step.sql);
    PreparedStatement statement(m, step.sql);
    if (statement.error() != 0) return "ERR " + std::to_string(statement.error());
    const std::string first = statement.with_number(step.parameter);
    return first + ";" + statement.with_number(step.parameter + 1);
  }

 private:
  std::vector<Mysql> clients_;
};

void prepare(MariadbServer& server) {
  prepare_server(server);
  server.execute("CREATE DATABASE other");
  for (const char* db : {"app", "other"}) {
    server.execute(std::string("CREATE TABLE ") + db +
                   ".t (id INT AUTO_INCREMENT PRIMARY KEY, c INT, v INT, s VARCHAR(20)) ENGINE=InnoDB");
    server.execute(std::string("INSERT INTO ") + db + ".t (c, v, s) VALUES (0, 1, 'x'), (0, 2, 'y')");
  }
}

// A random script step for client `c`: a few statements that leave nothing the client needs on
// its connection for longer than its next statement.
std::vector<Step> random_steps(std::mt19937& rng, int c) {
  const auto pick = [&](std::initializer_list<const char*> choices) {
    std::vector<const char*> v(choices);
    return std::string(v[rng() % v.size()]);
  };
  const std::string n = std::to_string(rng() % 1000);
  const std::string cs = std::to_string(c);
  switch (rng() % 13) {
    case 0: return {{"SET @v = " + n}, {"SELECT @v, @w"}};
    case 1: return {{"SET @w = '" + cs + ":" + n + "'"}, {"SELECT @w"}};
    case 2:
      return {{"SET SESSION sql_mode = '" + pick({"ANSI_QUOTES", "STRICT_ALL_TABLES", "", "PIPES_AS_CONCAT"}) + "'"},
              {"SELECT @@session.sql_mode, 'a' || 'b'"}};
    case 3: return {{"SET time_zone = '+0" + std::to_string(rng() % 10) + ":00'"}, {"SELECT @@session.time_zone"}};
    case 4:
      return {{"SET NAMES " + pick({"latin1", "utf8mb4", "utf8mb3"})},
              {"SELECT @@character_set_client, @@character_set_results, @@collation_connection"}};
    case 5: return {{"USE " + pick({"app", "other"})}, {"SELECT DATABASE(), COUNT(*) FROM t"}};
    case 6:
      return {{"SET SESSION TRANSACTION ISOLATION LEVEL " +
               pick({"READ COMMITTED", "REPEATABLE READ", "SERIALIZABLE", "READ UNCOMMITTED"})},
              {"SELECT @@session.tx_isolation"}};
    case 7: return {{"INSERT INTO app.t (c, v) VALUES (" + cs + ", " + n + ")"}, {"SELECT 0"}};
    case 8: return {{"SELECT LAST_INSERT_ID(), @@last_insert_id"}};
    case 9:
      return {{"BEGIN"},
              {"INSERT INTO app.t (c, v) VALUES (" + cs + ", " + n + ")"},
              {"SELECT COUNT(*) FROM app.t WHERE c = " + cs},
              {pick({"COMMIT", "ROLLBACK"})},
              {"SELECT COUNT(*) FROM app.t WHERE c = " + cs}};
    case 10:
      // (Reading a table clears the warnings of earlier statements: the server keeps them through
      // statements that read none, which weir does not follow across connections; see the README.)
      return {{"SELECT v/0, 'a' + 1 FROM app.t WHERE id = 1"},
              {pick({"SELECT @@warning_count", "SHOW WARNINGS", "SHOW COUNT(*) WARNINGS"})}};
    case 11:
      return {{"SELECT SQL_CALC_FOUND_ROWS v FROM app.t WHERE c <= " + cs + " ORDER BY id LIMIT 1"},
              {"SELECT FOUND_ROWS()"}};
    default:
      // Statements whose text every client prepares: one server statement per text and scope on
      // the shared connection (`t` is app.t or other.t, as the client's current database says).
      return {{pick({"SELECT COUNT(*) FROM t WHERE c = ?", "SELECT CONCAT(DATABASE(), ':', @@session.sql_mode, ?)",
                     "SELECT v FROM app.t WHERE id = ?", "SELECT ? || 'x'"}),
               true, static_cast<long long>(rng() % 5)},
              {"SELECT 0"}};
  }
}

TEST(MultiplexingDifferential, GeneratedSessionScriptsAnswerAsOnTheirOwnConnections) {
  MariadbServer direct;
  MariadbServer behind;
  prepare(direct);
  prepare(behind);
  WeirOptions options = weir_for(behind);
  options.workers = 1;
  options.extra_yaml = "pool:\n  multiplexing: true\n  max_per_backend: 1\ntimeouts:\n  pool_wait: 2s\n";
  WeirProcess weir(options);
  Side on_server(direct.port());
  Side through_weir(weir.port());
  std::mt19937 rng(20261207);
  int compared = 0;
  std::deque<std::string> recent;  // the steps before a difference, for its message
  for (int round = 0; round < 600; ++round) {
    const int c = static_cast<int>(rng() % kClients);
    std::vector<Step> steps = random_steps(rng, c);
    // A statement of the client's own last, so that what the script's last statement left for its
    // next one (warnings, affected rows: weir keeps the connection for those) does not keep the
    // one connection from the other clients.
    steps.push_back({"SELECT 0"});
    for (const Step& step : steps) {
      const std::string expected = on_server.run(c, step);
      const std::string got = through_weir.run(c, step);
      std::string earlier;
      for (const auto& line : recent) earlier += "  " + line + "\n";
      ASSERT_EQ(got, expected) << "round " << round << ", client " << c << ": " << (step.prepared ? "prepared: " : "")
                               << step.sql << "\nafter:\n"
                               << earlier << "weir log:\n"
                               << weir.log();
      ++compared;
      recent.push_back("client " + std::to_string(c) + ": " + (step.prepared ? "prepared: " : "") + step.sql + " -> " +
                       expected);
      if (recent.size() > 12) recent.pop_front();
    }
  }
  EXPECT_GT(compared, 1500);
  // The three clients took turns on one backend connection all along.
  EXPECT_EQ(behind.scalar("SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE USER = 'app'"), "1");
}

}  // namespace
}  // namespace weir::testing::proxy_tests
