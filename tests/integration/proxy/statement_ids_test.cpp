// Prepared statement ids from the client: weir gives the client its own ids and maps them to each
// connection's, so an id the client never got (or closed) must be answered as the server answers
// it, and never reach a statement on the connection that the id happens to name there. The same
// raw packets go to the server directly and through weir; the replies are compared byte for byte.
#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "proxy_support.hpp"
#include "raw_packets.hpp"

namespace weir::testing::proxy_tests {
namespace {

using namespace std::chrono_literals;

std::string le32(std::uint32_t v) {
  return {static_cast<char>(v & 0xff), static_cast<char>((v >> 8) & 0xff), static_cast<char>((v >> 16) & 0xff),
          static_cast<char>((v >> 24) & 0xff)};
}

// A command about statement `id`: EXECUTE without parameters, FETCH of one row, RESET, CLOSE.
std::string statement_command(std::uint8_t command, std::uint32_t id) {
  std::string payload(1, static_cast<char>(command));
  payload += le32(id);
  if (command == 0x17) payload += std::string("\x00\x01\x00\x00\x00", 5);  // no cursor, 1 iteration
  if (command == 0x1c) payload += le32(1);                                 // rows to fetch
  return frame(payload, 0);
}

// What a connection answers, as text: the ERR's code and message, or the first byte of the reply.
std::string answer(RawSocket& s) {
  const auto reply = s.read_packet(5s);
  if (!reply) return "no reply";
  if (!reply->empty() && static_cast<unsigned char>((*reply)[0]) == 0xff) {
    return "ERR " + error_of(frame(*reply, 1));
  }
  return "reply 0x" + std::to_string(reply->empty() ? -1 : static_cast<unsigned char>((*reply)[0]));
}

// Reads a COM_STMT_PREPARE reply whole (no parameters, one column) and returns the statement id.
std::uint32_t prepared_id(RawSocket& s) {
  const auto ok = s.read_packet(5s);
  EXPECT_TRUE(ok && ok->size() >= 12 && (*ok)[0] == 0);
  if (!ok || ok->size() < 12) return 0;
  const auto byte = [&](int i) { return static_cast<std::uint32_t>(static_cast<unsigned char>((*ok)[i])); };
  const std::uint32_t id = byte(1) | byte(2) << 8 | byte(3) << 16 | byte(4) << 24;
  const unsigned columns = byte(5) | byte(6) << 8;
  for (unsigned i = 0; i < columns; ++i) s.read_packet(5s);  // column definitions
  if (columns > 0) s.read_packet(5s);                        // EOF
  return id;
}

TEST(StatementIds, AnIdTheClientWasNeverGivenIsAnsweredAsTheServerAnswersIt) {
  MariadbServer server;
  prepare_server(server);
  WeirProcess weir(weir_for(server));
  Mysql d = open_mysql(server.port(), {});
  Mysql w = open_mysql(weir.port(), {});
  ASSERT_TRUE(d && w);
  RawSocket sd(static_cast<int>(mysql_get_socket(d.get())));
  RawSocket sw(static_cast<int>(mysql_get_socket(w.get())));
  std::mt19937 rng(20261207);
  std::vector<std::uint32_t> ids = {0, 1, 2, 7, 0x7fffffff, 0xfffffffe, 0xffffffff};
  for (int i = 0; i < 20; ++i) ids.push_back(static_cast<std::uint32_t>(rng()));
  for (const std::uint32_t id : ids) {
    for (const std::uint8_t command : {0x17, 0x1c, 0x1a}) {
      const std::string packet = statement_command(command, id);
      ASSERT_TRUE(sd.send_all(packet));
      ASSERT_TRUE(sw.send_all(packet));
      EXPECT_EQ(answer(sw), answer(sd)) << "command 0x" << std::hex << int{command} << " id " << std::dec << id;
    }
    // COM_STMT_CLOSE and COM_STMT_SEND_LONG_DATA have no reply: the session goes on.
    for (const std::uint8_t command : {0x19, 0x18}) {
      const std::string packet = statement_command(command, id);
      ASSERT_TRUE(sd.send_all(packet));
      ASSERT_TRUE(sw.send_all(packet));
    }
  }
  // A statement prepared, executed, closed, executed again: the same answers, and after the close
  // the id is unknown to both.
  const std::string prepare = frame(std::string("\x16", 1) + "SELECT 42", 0);
  ASSERT_TRUE(sd.send_all(prepare));
  ASSERT_TRUE(sw.send_all(prepare));
  const std::uint32_t direct_id = prepared_id(sd);
  const std::uint32_t weir_id = prepared_id(sw);
  ASSERT_NE(direct_id, 0U);
  ASSERT_NE(weir_id, 0U);
  ASSERT_TRUE(sd.send_all(statement_command(0x19, direct_id)));
  ASSERT_TRUE(sw.send_all(statement_command(0x19, weir_id)));
  ASSERT_TRUE(sd.send_all(statement_command(0x17, direct_id)));
  ASSERT_TRUE(sw.send_all(statement_command(0x17, weir_id)));
  EXPECT_EQ(answer(sw), answer(sd));
  EXPECT_EQ(scalar_of(w.get(), "SELECT 'still serving'"), "still serving");
}

// Two clients share one backend connection (multiplexing, one connection): the second client's
// ids name nothing of the first's, although the server's ids on that connection are the same.
TEST(StatementIds, OneClientsIdsNeverReachAnotherClientsStatementOnASharedConnection) {
  MariadbServer server;
  prepare_server(server);
  WeirOptions options = weir_for(server);
  options.workers = 1;
  options.extra_yaml = "pool:\n  multiplexing: true\n  max_per_backend: 1\n";
  WeirProcess weir(options);
  Mysql a = open_mysql(weir.port(), {});
  Mysql b = open_mysql(weir.port(), {});
  ASSERT_TRUE(a && b);
  RawSocket sa(static_cast<int>(mysql_get_socket(a.get())));
  RawSocket sb(static_cast<int>(mysql_get_socket(b.get())));
  for (const char* sql : {"SELECT 'a1'", "SELECT 'a2'", "SELECT 'a3'"}) {
    ASSERT_TRUE(sa.send_all(frame(std::string("\x16", 1) + sql, 0)));
    ASSERT_NE(prepared_id(sa), 0U);
  }
  // b has prepared nothing: every id a was given is unknown to b.
  for (std::uint32_t id = 0; id <= 4; ++id) {
    ASSERT_TRUE(sb.send_all(statement_command(0x17, id)));
    EXPECT_EQ(answer(sb),
              "ERR 1243 Unknown prepared statement handler (" + std::to_string(id) + ") given to mysqld_stmt_execute")
        << id;
  }
  EXPECT_EQ(scalar_of(a.get(), "SELECT 'a still serving'"), "a still serving");
}

// pool.prepared_statements_per_connection bounds what the server holds: a client with more
// statements than that gets every one executed (the least recently used is closed on the server
// and prepared again when next executed), and closing them closes them on the server.
TEST(StatementIds, MoreStatementsThanAConnectionKeepsAllExecuteAndTheServerHoldsTheBound) {
  MariadbServer server;
  prepare_server(server);
  WeirOptions options = weir_for(server);
  options.extra_yaml = "pool:\n  prepared_statements_per_connection: 3\n";
  WeirProcess weir(options);
  Mysql m = open_mysql(weir.port(), {});
  ASSERT_TRUE(m);
  const auto server_count = [&] {
    return server
        .scalar(
            "SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME = "
            "'PREPARED_STMT_COUNT'")
        .value_or("?");
  };
  {
    std::vector<std::unique_ptr<PreparedStatement>> statements;
    for (int i = 1; i <= 5; ++i) {
      statements.push_back(std::make_unique<PreparedStatement>(m.get(), "SELECT " + std::to_string(i) + " + ?"));
      ASSERT_EQ(statements.back()->error(), 0U) << i;
    }
    for (int round = 0; round < 3; ++round) {
      for (int i = 1; i <= 5; ++i) {
        EXPECT_EQ(statements[static_cast<std::size_t>(i - 1)]->with_number(10 * round), std::to_string(i + 10 * round))
            << "statement " << i << " round " << round;
        EXPECT_LE(std::stoi(server_count()), 3) << "statement " << i << " round " << round;
      }
    }
  }
  // Closed by the client: closed on the server (COM_STMT_CLOSE has no reply; a statement after it
  // has seen them processed). Multiplexed, they stay with the connection for the next client that
  // prepares the same text, within the bound.
  EXPECT_EQ(scalar_of(m.get(), "SELECT 1"), "1");
  if (WeirProcess::test_multiplexing()) {
    EXPECT_LE(std::stoi(server_count()), 3);
  } else {
    EXPECT_EQ(server_count(), "0");
  }
}

// A client that prepares and never closes is refused past the server's default
// max_prepared_stmt_count with the server's own error, also when multiplexed (the server itself
// then holds only what each connection keeps, so it would never refuse), and goes on.
TEST(StatementIds, AClientThatNeverClosesItsStatementsIsBounded) {
  MariadbServer server;
  prepare_server(server);
  WeirOptions options = weir_for(server);
  options.extra_yaml = "pool:\n  multiplexing: true\n  prepared_statements_per_connection: 8\n";
  WeirProcess weir(options);
  Mysql m = open_mysql(weir.port(), {});
  ASSERT_TRUE(m);
  RawSocket s(static_cast<int>(mysql_get_socket(m.get())));
  for (int i = 0; i < 16382; ++i) {
    ASSERT_TRUE(s.send_all(frame(std::string("\x16", 1) + "SELECT " + std::to_string(i), 0)));
    ASSERT_NE(prepared_id(s), 0U) << i;
  }
  ASSERT_TRUE(s.send_all(frame(std::string("\x16", 1) + "SELECT 'one more'", 0)));
  EXPECT_EQ(answer(s), "ERR 1461 Can't create more than max_prepared_stmt_count statements (current value: 16382)");
  // Closing one makes room.
  ASSERT_TRUE(s.send_all(statement_command(0x19, 1)));
  ASSERT_TRUE(s.send_all(frame(std::string("\x16", 1) + "SELECT 'one more'", 0)));
  EXPECT_NE(prepared_id(s), 0U);
  EXPECT_EQ(scalar_of(m.get(), "SELECT 'still serving'"), "still serving");
}

}  // namespace
}  // namespace weir::testing::proxy_tests
