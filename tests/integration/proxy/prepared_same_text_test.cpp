// A client that prepares the same text twice has two statements on the server, each with its own
// cursor and its own long data. weir shares one server statement between statements of the same
// text and scope; it must not share one whose cursor is open or whose long data waits for its
// execution. The same steps run against the server directly and through weir (multiplexing off
// and on); the transcripts must match.
#include <gtest/gtest.h>

#include <cstdlib>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "proxy_support.hpp"

namespace weir::testing::proxy_tests {
namespace {

class Statement {
 public:
  Statement(MYSQL* m, const std::string& sql, bool cursor) : stmt_(mysql_stmt_init(m)) {
    if (cursor) {
      unsigned long type = CURSOR_TYPE_READ_ONLY;
      mysql_stmt_attr_set(stmt_, STMT_ATTR_CURSOR_TYPE, &type);
      unsigned long prefetch = 1;
      mysql_stmt_attr_set(stmt_, STMT_ATTR_PREFETCH_ROWS, &prefetch);
    }
    if (mysql_stmt_prepare(stmt_, sql.c_str(), sql.size()) != 0)
      error_ = "ERR " + std::to_string(mysql_stmt_errno(stmt_));
  }
  ~Statement() { mysql_stmt_close(stmt_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  const std::string& error() const { return error_; }

  // Executes with one text parameter (none when `param` is null); `long_data` was sent for it.
  std::string execute(const std::string* param = nullptr) {
    MYSQL_BIND bind{};
    std::string value = param != nullptr ? *param : std::string();
    unsigned long length = value.size();
    if (param != nullptr || bound_for_long_data_) {
      bind.buffer_type = MYSQL_TYPE_STRING;
      bind.buffer = value.data();
      bind.buffer_length = length;
      bind.length = &length;
      if (!bound_for_long_data_ && mysql_stmt_bind_param(stmt_, &bind) != 0) return "ERR bind";
    }
    bound_for_long_data_ = false;
    if (mysql_stmt_execute(stmt_) != 0) return "ERR " + std::to_string(mysql_stmt_errno(stmt_));
    column_ = {};
    value_[0] = '\0';
    column_.buffer_type = MYSQL_TYPE_STRING;
    column_.buffer = value_;
    column_.buffer_length = sizeof value_;
    column_.length = &length_;
    column_.is_null = &is_null_;
    if (mysql_stmt_bind_result(stmt_, &column_) != 0) return "ERR bind result";
    return "executed";
  }
  // Sends `data` as long data for the first parameter, to be used by the next execute().
  std::string send_long_data(const std::string& data) {
    MYSQL_BIND bind{};
    bind.buffer_type = MYSQL_TYPE_STRING;
    if (mysql_stmt_bind_param(stmt_, &bind) != 0) return "ERR bind";
    bound_for_long_data_ = true;
    if (mysql_stmt_send_long_data(stmt_, 0, data.data(), data.size()) != 0) {
      return "ERR " + std::to_string(mysql_stmt_errno(stmt_));
    }
    return "sent";
  }
  std::string reset() {
    bound_for_long_data_ = false;
    return mysql_stmt_reset(stmt_) == 0 ? "reset" : "ERR " + std::to_string(mysql_stmt_errno(stmt_));
  }
  // Up to `rows` rows ("a,b,c"; "end" appended once the result is exhausted).
  std::string fetch(int rows) {
    std::string out;
    for (int i = 0; i < rows; ++i) {
      const int rc = mysql_stmt_fetch(stmt_);
      if (rc == MYSQL_NO_DATA) return out + "end";
      if (rc != 0 && rc != MYSQL_DATA_TRUNCATED) return out + "ERR " + std::to_string(mysql_stmt_errno(stmt_));
      out += (is_null_ ? std::string("NULL") : std::string(value_, length_)) + ",";
    }
    return out;
  }

 private:
  MYSQL_STMT* stmt_;
  std::string error_;
  bool bound_for_long_data_ = false;
  MYSQL_BIND column_{};
  char value_[256] = {};
  unsigned long length_ = 0;
  my_bool is_null_ = 0;
};

// Executes, then fetches up to `rows` rows (in this order: the operands of + are not sequenced).
std::string then_fetch(Statement& statement, const std::string* param, int rows) {
  std::string out = statement.execute(param);
  return out + " " + statement.fetch(rows);
}

std::vector<std::string> run_steps(std::uint16_t port) {
  std::vector<std::string> t;
  Mysql m = open_mysql(port, ConnectOptions{}.db("app"));
  if (!m) return {"no connection"};
  const std::string rows = "SELECT n FROM same_text ORDER BY n";
  {
    // Two cursors over the same text, interleaved; the second prepared while the first is open.
    Statement first(m.get(), rows, true);
    t.push_back("prepare 1: " + first.error());
    t.push_back("execute 1: " + then_fetch(first, nullptr, 2));
    Statement second(m.get(), rows, true);
    t.push_back("prepare 2: " + second.error());
    t.push_back("execute 2: " + then_fetch(second, nullptr, 3));
    t.push_back("fetch 1: " + first.fetch(2));
    t.push_back("execute 2 again: " + then_fetch(second, nullptr, 1));
    t.push_back("fetch 1: " + first.fetch(10));
    t.push_back("fetch 2: " + second.fetch(10));
  }
  {
    // A third, without a cursor, while one with a cursor is open; then the cursor's one closed.
    Statement open(m.get(), rows, true);
    t.push_back("execute open: " + then_fetch(open, nullptr, 1));
    {
      Statement plain(m.get(), rows, false);
      t.push_back("execute plain: " + then_fetch(plain, nullptr, 10));
    }
    t.push_back("fetch open: " + open.fetch(10));
  }
  {
    // Long data for one statement is not another's parameter, and waits for its own execution.
    const std::string concat = "SELECT CONCAT('<', ?, '>')";
    Statement one(m.get(), concat, false);
    Statement two(m.get(), concat, false);
    t.push_back("prepare: " + one.error() + two.error());
    t.push_back("long data 1: " + one.send_long_data("from long data"));
    const std::string x = "x";
    t.push_back("execute 2: " + then_fetch(two, &x, 2));
    t.push_back("execute 1: " + then_fetch(one, nullptr, 2));
    t.push_back("long data 2: " + two.send_long_data("two's"));
    t.push_back("execute 1 again: " + then_fetch(one, &x, 2));
    t.push_back("execute 2 again: " + then_fetch(two, nullptr, 2));
  }
  {
    // A statement closed with its long data unused (or its cursor open) leaves neither to the
    // others of its text, nor to a statement prepared later.
    const std::string concat = "SELECT CONCAT('[', ?, ']')";
    const std::string y = "y";
    auto left = std::make_unique<Statement>(m.get(), concat, false);
    Statement other(m.get(), concat, false);
    t.push_back("long data, then closed: " + left->send_long_data("left behind"));
    left.reset();
    t.push_back("execute the other: " + then_fetch(other, &y, 2));
    Statement later(m.get(), concat, false);
    t.push_back("execute one prepared later: " + then_fetch(later, &y, 2));
    auto cursor = std::make_unique<Statement>(m.get(), rows, true);
    t.push_back("cursor, then closed: " + then_fetch(*cursor, nullptr, 1));
    cursor.reset();
    Statement after(m.get(), rows, true);
    t.push_back("execute after it: " + then_fetch(after, nullptr, 2));
  }
  t.push_back("after: " + scalar_of(m.get(), "SELECT 'still serving'"));
  return t;
}

// Generated steps over up to four statements of two texts on two clients, each with or without a cursor:
// prepare, execute (then fetch a few rows), fetch, long data, reset, close, in an order drawn from
// `seed`. Every statement without a cursor is read to its end at once (the client library reads
// such a result from the connection, which the next command needs).
std::vector<std::string> run_generated(std::uint16_t port, unsigned seed, int steps) {
  std::vector<std::string> t;
  // Two clients (multiplexed, they share the server's connections and statements).
  Mysql clients[] = {open_mysql(port, ConnectOptions{}.db("app")), open_mysql(port, ConnectOptions{}.db("app"))};
  if (!clients[0] || !clients[1]) return {"no connection"};
  const std::string texts[] = {"SELECT n FROM same_text WHERE n >= ? ORDER BY n", "SELECT CONCAT('<', ?, '>')"};
  struct Open {
    std::unique_ptr<Statement> statement;
    bool cursor = false;
    int number = 0;
    bool long_data = false;  // sent, for its next execution
  };
  std::vector<Open> open;
  std::mt19937 rng(seed);
  const auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<unsigned>(n)); };
  int numbered = 0;
  for (int step = 0; step < steps; ++step) {
    const int action = open.empty() ? 0 : pick(open.size() < 4 ? 7 : 6) + (open.size() < 4 ? 0 : 1);
    if (action == 0) {
      const int text = pick(2);
      const bool cursor = pick(2) == 0;
      const int client = pick(2);
      open.push_back({std::make_unique<Statement>(clients[client].get(), texts[text], cursor), cursor, ++numbered});
      t.push_back("prepare s" + std::to_string(numbered) + " on client " + std::to_string(client) + " text " +
                  std::to_string(text) + (cursor ? " cursor" : "") + ": " + open.back().statement->error());
      continue;
    }
    Open& o = open[static_cast<std::size_t>(pick(static_cast<int>(open.size())))];
    const std::string name = "s" + std::to_string(o.number) + " ";
    switch (action) {
      case 1:
      case 2: {
        const int rows = o.cursor ? pick(4) : 100;
        if (o.long_data) {
          t.push_back(name + "execute with its long data: " + then_fetch(*o.statement, nullptr, rows));
          o.long_data = false;
          break;
        }
        const std::string value = std::to_string(1 + pick(6));
        t.push_back(name + "execute " + value + ": " + then_fetch(*o.statement, &value, rows));
        break;
      }
      case 3: t.push_back(name + "fetch: " + o.statement->fetch(o.cursor ? 1 + pick(3) : 100)); break;
      case 4: {
        if (o.long_data) break;  // once per execution (the library appends to what it sent)
        const std::string data = std::to_string(1 + pick(6));
        t.push_back(name + "long data " + data + ": " + o.statement->send_long_data(data));
        o.long_data = true;
        break;
      }
      case 5:
        t.push_back(name + o.statement->reset());
        o.long_data = false;
        break;
      default: {
        t.push_back(name + "close");
        std::erase_if(open, [&](const Open& x) { return x.number == o.number; });
        break;
      }
    }
  }
  for (auto& client : clients) t.push_back("after: " + scalar_of(client.get(), "SELECT 'still serving'"));
  open.clear();  // the statements before their connections
  return t;
}

// A server with the test table, and weir in front of it with multiplexing off or on.
class PreparedSameText : public ::testing::TestWithParam<bool> {
 protected:
  void SetUp() override {
    prepare_server(server_);
    server_.execute("CREATE TABLE app.same_text (n INT PRIMARY KEY)");
    server_.execute("INSERT INTO app.same_text VALUES (1), (2), (3), (4), (5), (6)");
    WeirOptions options = weir_for(server_);
    if (GetParam()) options.extra_yaml = "pool:\n  multiplexing: true\n  max_per_backend: 2\n";
    weir_ = std::make_unique<WeirProcess>(options);
  }
  MariadbServer server_;
  std::unique_ptr<WeirProcess> weir_;
};

TEST_P(PreparedSameText, GeneratedStepsAnswerAsTheServerDoes) {
  // WEIR_PREPARED_SEEDS=N runs N seeds instead of 60 (to search wider by hand: 1,000 take 15 s).
  const char* wider = std::getenv("WEIR_PREPARED_SEEDS");
  const unsigned seeds = wider != nullptr ? static_cast<unsigned>(std::strtoul(wider, nullptr, 10)) : 60U;
  for (unsigned seed = 1; seed <= seeds; ++seed) {
    const auto direct = run_generated(server_.port(), 20261207 + seed, 80);
    const auto through_weir = run_generated(weir_->port(), 20261207 + seed, 80);
    ASSERT_EQ(through_weir.size(), direct.size());
    for (std::size_t i = 0; i < direct.size(); ++i) {
      if (through_weir[i] == direct[i]) continue;
      std::string before;  // the steps that led there
      for (std::size_t j = i > 20 ? i - 20 : 0; j < i; ++j) before += "  " + direct[j] + "\n";
      FAIL() << "seed " << seed << " step " << i << ": through weir '" << through_weir[i] << "', directly '"
             << direct[i] << "'; the steps before:\n"
             << before;
    }
  }
}

TEST_P(PreparedSameText, EachStatementKeepsItsCursorAndItsLongData) {
  const auto direct = run_steps(server_.port());
  ASSERT_GT(direct.size(), 10U);
  EXPECT_EQ(direct[1], "execute 1: executed 1,2,");
  const auto through_weir = run_steps(weir_->port());
  ASSERT_EQ(through_weir.size(), direct.size());
  for (std::size_t i = 0; i < direct.size(); ++i) EXPECT_EQ(through_weir[i], direct[i]) << "step " << i;
}

INSTANTIATE_TEST_SUITE_P(Multiplexing, PreparedSameText, ::testing::Bool(),
                         [](const ::testing::TestParamInfo<bool>& p) { return p.param ? "On" : "Off"; });

}  // namespace
}  // namespace weir::testing::proxy_tests
