// MariaDB's metadata cache (MARIADB_CLIENT_CACHE_METADATA) through weir. The server leaves a
// prepared statement's column definitions out of an execution when they are those it last sent
// for that server statement; weir offers the cache to clients that ask for it (libmariadb does),
// and gives the client the definitions itself when the server statement that ran its statement
// last sent other ones than the client has: a replica's copy prepared after an ALTER TABLE, or
// another client's statement of the same text on a multiplexed connection. Each case runs against
// the server directly and through weir; the client must see the same columns and rows.
#include <gtest/gtest.h>

#include <array>
#include <map>
#include <string>
#include <vector>

#include "raw_packets.hpp"
#include "replicated_topology.hpp"

namespace weir::testing::routing_tests {
namespace {

// A client that keeps each statement's column definitions as MariaDB's metadata cache expects
// (the last it got with the PREPARE_OK or an execution), speaking the protocol on the socket of a
// libmariadb connection (which negotiated MARIADB_CLIENT_CACHE_METADATA). It reports what a
// caching client sees: the names of the columns it holds and the first row's bytes, and any
// sequence id out of order.
class CachingClient {
 public:
  explicit CachingClient(MYSQL* m) : fd_(mysql_get_socket(m)) {}

  // COM_STMT_PREPARE; the statement's id, 0 on error.
  std::uint32_t prepare(const std::string& sql) {
    if (!send_all(fd_, frame(std::string(1, '\x16') + sql, 0))) return 0;
    sequence_ = 1;
    std::string ok = next();
    if (ok.size() < 16 || ok[4] != 0) return 0;
    const std::uint32_t id = u8(ok, 5) | u8(ok, 6) << 8 | u8(ok, 7) << 16 | u8(ok, 8) << 24;
    const unsigned columns = u8(ok, 9) | u8(ok, 10) << 8;
    const unsigned params = u8(ok, 11) | u8(ok, 12) << 8;
    for (unsigned i = 0; i < params; ++i) next();
    if (params > 0) next();  // EOF
    std::vector<std::string> names;
    for (unsigned i = 0; i < columns; ++i) names.push_back(name_of(next()));
    if (columns > 0) next();  // EOF (libmariadb does not ask for CLIENT_DEPRECATE_EOF)
    held_[id] = names;
    return id;
  }

  // COM_STMT_EXECUTE with one BIGINT parameter.
  std::string execute(std::uint32_t id, long long key) {
    std::string payload = "\x17";
    for (int i = 0; i < 4; ++i) payload += static_cast<char>((id >> (8 * i)) & 0xff);
    payload += std::string("\x00\x01\x00\x00\x00", 5);  // no cursor, one iteration
    payload += '\x00';                                  // null bitmap
    payload += '\x01';                                  // types follow
    payload += std::string("\x08\x00", 2);              // BIGINT
    for (int i = 0; i < 8; ++i) payload += static_cast<char>((static_cast<unsigned long long>(key) >> (8 * i)) & 0xff);
    if (!send_all(fd_, frame(payload, 0))) return "send failed";
    sequence_ = 1;
    const std::string header = next();
    if (header.size() < 5) return "no reply";
    if (u8(header, 4) == 0xff) return "ERR " + error_of(header);
    const std::size_t length = header.size() - 4;
    const unsigned count = u8(header, 4);
    const bool follows = length < 2 || u8(header, 5) == 1;
    std::string out = follows ? "sent " : "left out ";
    if (follows) {
      std::vector<std::string> names;
      for (unsigned i = 0; i < count; ++i) names.push_back(name_of(next()));
      held_[id] = names;
    }
    next();  // the EOF after the definitions (sent even when they are left out)
    out += "names";
    for (const auto& name : held_[id]) out += " " + name;
    out += " | row";
    while (true) {
      const std::string packet = next();
      if (packet.size() < 5) return out + " <lost>";
      if (u8(packet, 4) == 0xfe && packet.size() < 4 + 9) break;
      static const char* hex = "0123456789abcdef";
      out += " ";
      for (std::size_t i = 4; i < packet.size(); ++i) {
        out += hex[u8(packet, i) >> 4];
        out += hex[u8(packet, i) & 15];
      }
    }
    if (!sequence_error_.empty()) out += " " + sequence_error_;
    sequence_error_.clear();
    return out;
  }

 private:
  static unsigned u8(const std::string& s, std::size_t i) { return static_cast<unsigned char>(s[i]); }
  // The column name in a column definition packet (catalog, schema, table, org_table, name).
  static std::string name_of(const std::string& packet) {
    std::size_t at = 4;
    std::string value;
    for (int field = 0; field < 5 && at < packet.size(); ++field) {
      const std::size_t length = u8(packet, at++);
      value = packet.substr(at, length);
      at += length;
    }
    return value;
  }
  std::string next() {
    std::string packet = read_packet(fd_);
    if (packet.size() >= 4) {
      if (u8(packet, 3) != (sequence_ & 0xff) && sequence_error_.empty()) {
        sequence_error_ = "sequence " + std::to_string(u8(packet, 3)) + " where " + std::to_string(sequence_ & 0xff);
      }
      ++sequence_;
    }
    return packet;
  }

  int fd_;
  unsigned sequence_ = 1;
  std::string sequence_error_;
  std::map<std::uint32_t, std::vector<std::string>> held_;
};

// Executes with one integer parameter: "names k,a,b | 1,10,NULL" (the columns the client was
// told of, then the first row), or "ERR ...". (The ALTERs below keep the column count: libmariadb
// refuses an execution whose column count changed, CR_NEW_STMT_METADATA, directly as through weir.)
std::string execute(MYSQL_STMT* stmt, long long key) {
  MYSQL_BIND param{};
  param.buffer_type = MYSQL_TYPE_LONGLONG;
  param.buffer = &key;
  if (mysql_stmt_bind_param(stmt, &param) != 0 || mysql_stmt_execute(stmt) != 0) {
    return std::string("ERR ") + mysql_stmt_error(stmt);
  }
  MYSQL_RES* meta = mysql_stmt_result_metadata(stmt);
  if (meta == nullptr) return "no result metadata";
  const unsigned columns = mysql_num_fields(meta);
  if (columns != mysql_stmt_field_count(stmt))
    return "metadata of " + std::to_string(columns) + " columns, field count " +
           std::to_string(mysql_stmt_field_count(stmt));
  std::string out = "names ";
  for (unsigned i = 0; i < columns; ++i) out += std::string(i ? "," : "") + mysql_fetch_field_direct(meta, i)->name;
  mysql_free_result(meta);
  std::vector<std::array<char, 64>> values(columns);
  std::vector<unsigned long> lengths(columns);
  std::vector<my_bool> nulls(columns);
  std::vector<MYSQL_BIND> result(columns);
  for (unsigned i = 0; i < columns; ++i) {
    result[i] = MYSQL_BIND{};
    result[i].buffer_type = MYSQL_TYPE_STRING;
    result[i].buffer = values[i].data();
    result[i].buffer_length = values[i].size() - 1;
    result[i].length = &lengths[i];
    result[i].is_null = &nulls[i];
  }
  if (mysql_stmt_bind_result(stmt, result.data()) != 0 || mysql_stmt_store_result(stmt) != 0) {
    return out + " ERR " + mysql_stmt_error(stmt);
  }
  out += " |";
  if (mysql_stmt_fetch(stmt) == 0) {
    for (unsigned i = 0; i < columns; ++i) {
      out += std::string(i ? "," : " ") + (nulls[i] ? std::string("NULL") : std::string(values[i].data(), lengths[i]));
    }
  } else {
    out += " <no row>";
  }
  mysql_stmt_free_result(stmt);
  return out;
}

long status_of(MariadbServer& server, const std::string& name) {
  return std::stol(
      server.scalar("SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME = '" + name + "'")
          .value_or("0"));
}

long skipped(MariadbServer& server) { return status_of(server, "RESULTSET_METADATA_SKIPPED"); }

// What a caching client sees (CachingClient::execute), without whether the server sent the
// definitions or left them out: that depends on which server statement ran it.
std::string seen(const std::string& step) {
  const auto at = step.find("names");
  return at == std::string::npos ? step : step.substr(at);
}

// Prepare, ALTER TABLE (a column renamed and retyped), then executions: directly the server
// prepares its statement again; through weir the statement first runs on the replicas after the
// ALTER, on copies prepared there then, which leave the definitions out of their first execution
// while the client has the old ones.
std::vector<std::string> prepare_alter_execute(std::uint16_t port, ReplicatedTopology& t) {
  std::vector<std::string> steps;
  Mysql m = open_mysql(port, ConnectOptions{}.db("app"));
  Mysql admin = open_mysql(port, ConnectOptions{}.db("app"));
  if (!m || !admin) return {"no connection"};
  CachingClient client(m.get());
  const std::uint32_t id = client.prepare("SELECT * FROM app.meta WHERE k = ?");
  if (id == 0) return {"prepare failed"};
  steps.push_back("alter: " + run(admin.get(), "ALTER TABLE app.meta CHANGE a b VARCHAR(20)"));
  if (!t.replica1.wait_caught_up(t.primary) || !t.replica2.wait_caught_up(t.primary)) return {"not caught up"};
  for (int i = 0; i < 6; ++i) steps.push_back("after: " + client.execute(id, 1));
  return steps;
}

class MetadataCache : public ::testing::Test {
 protected:
  void SetUp() override {
    t_.primary.execute("CREATE TABLE app.meta (k INT PRIMARY KEY, a INT)");
    t_.primary.execute("INSERT INTO app.meta VALUES (1, 10), (2, 20)");
    ASSERT_TRUE(t_.replica1.wait_caught_up(t_.primary));
    ASSERT_TRUE(t_.replica2.wait_caught_up(t_.primary));
  }
  void reset_table() {
    t_.primary.execute("DROP TABLE app.meta");
    SetUp();
  }
  ReplicatedTopology t_;
};

TEST_F(MetadataCache, RepeatedExecutionsLeaveTheDefinitionsOutThroughWeirAsDirectly) {
  Mysql m = open_mysql(t_.weir->port(), ConnectOptions{}.db("app"));
  ASSERT_TRUE(m);
  Stmt read = prepare(m.get(), "SELECT k, a FROM app.meta WHERE k = ?");
  ASSERT_TRUE(read);
  const long before = skipped(t_.primary) + skipped(t_.replica1) + skipped(t_.replica2);
  for (int i = 0; i < 20; ++i) ASSERT_EQ(execute(read.get(), 2), "names k,a | 2,20") << "execution " << i;
  const long after = skipped(t_.primary) + skipped(t_.replica1) + skipped(t_.replica2);
  // Each server statement sends the definitions with its prepare and leaves them out after.
  EXPECT_GE(after - before, 18) << t_.weir->log();
}

TEST_F(MetadataCache, AReplicaPreparedAfterAnAlterGivesTheClientTheNewColumns) {
  const auto direct = prepare_alter_execute(t_.primary.port(), t_);
  reset_table();
  const long before = skipped(t_.replica1) + skipped(t_.replica2);
  const auto through_weir = prepare_alter_execute(t_.weir->port(), t_);
  ASSERT_EQ(through_weir.size(), direct.size());
  for (std::size_t i = 0; i < direct.size(); ++i) EXPECT_EQ(seen(through_weir[i]), seen(direct[i])) << "step " << i;
  // The replicas did leave the definitions out: weir gave the client the new ones.
  EXPECT_GE(skipped(t_.replica1) + skipped(t_.replica2) - before, 1) << t_.weir->log();
}

// Multiplexed, one connection serves two clients: the second prepares the statement after the
// ALTER (the connection's server statement is now its, with the new columns); the first still has
// the old ones when its statement runs there.
std::vector<std::string> two_clients_one_connection(std::uint16_t port) {
  std::vector<std::string> steps;
  Mysql first = open_mysql(port, ConnectOptions{}.db("app"));
  Mysql second = open_mysql(port, ConnectOptions{}.db("app"));
  if (!first || !second) return {"no connection"};
  CachingClient one(first.get());
  CachingClient two(second.get());
  const std::string sql = "SELECT * FROM app.meta WHERE k = ? FOR UPDATE";
  const std::uint32_t mine = one.prepare(sql);
  if (mine == 0) return {"prepare failed"};
  steps.push_back("first: " + one.execute(mine, 2));
  steps.push_back("alter: " + run(second.get(), "ALTER TABLE app.meta CHANGE a c VARCHAR(10)"));
  const std::uint32_t theirs = two.prepare(sql);
  if (theirs == 0) return {"prepare failed"};
  steps.push_back("second: " + two.execute(theirs, 2));
  for (int i = 0; i < 3; ++i) {
    steps.push_back("first: " + one.execute(mine, 2));
    steps.push_back("second: " + two.execute(theirs, 1));
  }
  steps.push_back("alter: " + run(second.get(), "ALTER TABLE app.meta CHANGE c d BIGINT"));
  for (int i = 0; i < 2; ++i) {
    steps.push_back("second: " + two.execute(theirs, 1));
    steps.push_back("first: " + one.execute(mine, 2));
  }
  return steps;
}

TEST(MetadataCacheMultiplexed, AClientGetsTheColumnsOfAStatementAnotherPreparedOnItsConnection) {
  MariadbServer server;
  prepare_server(server);
  const auto create = [&server] {
    server.execute("DROP TABLE IF EXISTS app.meta");
    server.execute("CREATE TABLE app.meta (k INT PRIMARY KEY, a INT)");
    server.execute("INSERT INTO app.meta VALUES (1, 10), (2, 20)");
  };
  create();
  const auto direct = two_clients_one_connection(server.port());
  ASSERT_GT(direct.size(), 5U);

  create();
  WeirOptions options = weir_for(server);
  options.extra_yaml = "pool:\n  multiplexing: true\n  max_per_backend: 1\n";
  WeirProcess weir(options);
  const long before = skipped(server);
  const auto through_weir = two_clients_one_connection(weir.port());
  ASSERT_EQ(through_weir.size(), direct.size());
  for (std::size_t i = 0; i < direct.size(); ++i) EXPECT_EQ(seen(through_weir[i]), seen(direct[i])) << "step " << i;
  EXPECT_GE(skipped(server) - before, 1) << weir.log();
}

}  // namespace
}  // namespace weir::testing::routing_tests
