// Walks the recorded conversations in data/ message by message with the protocol library (see
// tests/fixtures/include/weir/testing/conversation.hpp) and checks what each exchange was.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "weir/protocol/status_flags.hpp"
#include "weir/testing/conversation.hpp"

namespace weir::testing {
namespace {

namespace p = weir::protocol;
using Kind = Reply::Kind;
using Values = std::vector<std::optional<std::string>>;

std::string data_file(const std::string& name) {
  return (std::filesystem::path(WEIR_PROTOCOL_TEST_DATA) / name).string();
}

Conversation walk_file(const std::string& name) {
  const Recording rec = load_recording(data_file(name));
  if (rec.connections.size() != 1) throw std::runtime_error(name + ": expected one connection");
  return walk_conversation(rec.connections[0]);
}

TEST(Conversation, MariadbCommandLineClient) {
  const Conversation c = walk_file("mariadb_cli.txt");
  ASSERT_TRUE(c.ok()) << describe(c);
  SCOPED_TRACE(describe(c));

  EXPECT_EQ(c.greeting.server_version.rfind("5.5.5-10.11.", 0), 0U);
  EXPECT_EQ(c.greeting.auth_plugin_name, "mysql_native_password");
  EXPECT_EQ(c.handshake_response.username, "root");
  EXPECT_EQ(c.handshake_response.database, "rec");
  EXPECT_EQ(c.handshake_response.auth_response.size(), 20U);
  EXPECT_TRUE(c.auth_steps.empty());
  EXPECT_EQ(c.login.kind, Kind::ok);
  EXPECT_FALSE(p::has(c.capabilities, p::cap::kDeprecateEof));
  EXPECT_TRUE(p::has(c.capabilities, p::cap::kMariadbCacheMetadata));

  ASSERT_EQ(c.exchanges.size(), 9U);
  for (std::size_t i = 0; i < 8; ++i) EXPECT_EQ(c.exchanges[i].command, p::Command::query) << i;
  EXPECT_EQ(c.exchanges[8].command, p::Command::quit);
  EXPECT_TRUE(c.exchanges[8].results.empty());

  // A 3-row SELECT.
  const auto& select = c.exchanges[0];
  ASSERT_EQ(select.results.size(), 1U);
  EXPECT_EQ(select.results[0].kind, Kind::result_set);
  EXPECT_EQ(select.results[0].column_names, (std::vector<std::string>{"n", "word"}));
  EXPECT_EQ(select.results[0].rows, (std::vector<Values>{{"1", "one"}, {"2", "two"}, {"3", std::nullopt}}));
  EXPECT_EQ(select.results[0].status & p::status::kMoreResultsExist, 0);

  // The error.
  ASSERT_EQ(c.exchanges[1].results.size(), 1U);
  EXPECT_EQ(c.exchanges[1].results[0].kind, Kind::err);
  EXPECT_EQ(c.exchanges[1].results[0].error_code, 1146);
  EXPECT_EQ(c.exchanges[1].results[0].sql_state, "42S02");

  // PREPARE / SET / EXECUTE / DEALLOCATE through SQL.
  EXPECT_EQ(c.exchanges[2].text, "PREPARE stmt FROM 'SELECT ? + 1 AS answer, ? AS greeting'");
  ASSERT_EQ(c.exchanges[2].results.size(), 1U);
  EXPECT_EQ(c.exchanges[2].results[0].kind, Kind::ok);
  EXPECT_EQ(c.exchanges[3].results.at(0).kind, Kind::ok);
  ASSERT_EQ(c.exchanges[4].results.size(), 1U);
  EXPECT_EQ(c.exchanges[4].results[0].column_names, (std::vector<std::string>{"answer", "greeting"}));
  EXPECT_EQ(c.exchanges[4].results[0].rows, (std::vector<Values>{{"42", "hello"}}));
  EXPECT_EQ(c.exchanges[5].results.at(0).kind, Kind::ok);

  // Two warnings, then SHOW WARNINGS lists them.
  ASSERT_EQ(c.exchanges[6].results.size(), 1U);
  EXPECT_EQ(c.exchanges[6].results[0].warnings, 2);
  EXPECT_EQ(c.exchanges[6].results[0].rows, (std::vector<Values>{{"12", std::nullopt}}));
  ASSERT_EQ(c.exchanges[7].results.size(), 1U);
  const auto& warnings = c.exchanges[7].results[0];
  EXPECT_EQ(warnings.column_names, (std::vector<std::string>{"Level", "Code", "Message"}));
  ASSERT_EQ(warnings.rows.size(), 2U);
  EXPECT_EQ(warnings.rows[0][1], "1292");
  EXPECT_EQ(warnings.rows[1][1], "1365");
  EXPECT_EQ(warnings.rows[1][2], "Division by 0");
}

TEST(Conversation, LibmariadbCApiClient) {
  const Conversation c = walk_file("capi_client.txt");
  ASSERT_TRUE(c.ok()) << describe(c);
  SCOPED_TRACE(describe(c));

  EXPECT_EQ(c.handshake_response.username, "root");
  EXPECT_TRUE(p::has(c.handshake_response.capabilities, p::cap::kMultiStatements));
  EXPECT_EQ(c.login.kind, Kind::ok);

  std::vector<p::Command> commands;
  commands.reserve(c.exchanges.size());
  for (const auto& e : c.exchanges) commands.push_back(e.command);
  using C = p::Command;
  EXPECT_EQ(commands, (std::vector<C>{C::query, C::query, C::stmt_prepare, C::stmt_execute, C::stmt_execute,
                                      C::stmt_execute, C::stmt_close, C::stmt_prepare, C::stmt_execute, C::stmt_close,
                                      C::query, C::query, C::query, C::query, C::quit}));
  if (commands.size() != 15) return;

  // The prepared INSERT: 6 parameters, no columns, then 3 executions of one row each.
  const auto& insert = c.exchanges[2].results.at(0);
  EXPECT_EQ(insert.kind, Kind::prepare_ok);
  EXPECT_EQ(insert.params, 6);
  EXPECT_EQ(insert.columns, 0);
  for (int i = 3; i <= 5; ++i) {
    ASSERT_EQ(c.exchanges[i].results.size(), 1U);
    EXPECT_EQ(c.exchanges[i].statement_id, insert.statement_id);
    EXPECT_EQ(c.exchanges[i].results[0].kind, Kind::ok);
    EXPECT_EQ(c.exchanges[i].results[0].affected_rows, 1U);
  }
  EXPECT_TRUE(c.exchanges[6].results.empty());  // COM_STMT_CLOSE has no response

  // The prepared SELECT: 1 parameter, 6 columns; its execution's binary rows reuse the prepared
  // metadata (MariaDB's metadata cache leaves the column definitions out).
  const auto& prepared = c.exchanges[7].results.at(0);
  EXPECT_EQ(prepared.kind, Kind::prepare_ok);
  EXPECT_EQ(prepared.params, 1);
  EXPECT_EQ(prepared.columns, 6);
  ASSERT_EQ(c.exchanges[8].results.size(), 1U);
  const auto& binary = c.exchanges[8].results[0];
  EXPECT_EQ(binary.kind, Kind::result_set);
  EXPECT_FALSE(binary.metadata);
  EXPECT_EQ(binary.column_names, (std::vector<std::string>{"id", "big", "d", "s", "dt", "n"}));
  EXPECT_EQ(binary.rows,
            (std::vector<Values>{{"2", "20000000000", "3", "row-2", "2026-11-02 12:34:56", std::nullopt},
                                 {"3", "30000000000", "4.5", "row-3", "2026-11-03 12:34:56", std::nullopt}}));

  // The text SELECT of the same rows.
  ASSERT_EQ(c.exchanges[10].results.size(), 1U);
  EXPECT_EQ(c.exchanges[10].results[0].rows.size(), 3U);
  EXPECT_EQ(c.exchanges[10].results[0].rows[0],
            (Values{"1", "10000000000", "1.5", "row-1", "2026-11-01 12:34:56", std::nullopt}));

  // The multi-statement: two result sets flagged "more results", then the UPDATE's OK.
  const auto& multi = c.exchanges[11].results;
  ASSERT_EQ(multi.size(), 3U);
  EXPECT_EQ(multi[0].kind, Kind::result_set);
  EXPECT_EQ(multi[0].rows.size(), 1U);
  EXPECT_NE(multi[0].status & p::status::kMoreResultsExist, 0);
  EXPECT_EQ(multi[1].kind, Kind::result_set);
  EXPECT_EQ(multi[1].rows.size(), 3U);
  EXPECT_NE(multi[1].status & p::status::kMoreResultsExist, 0);
  EXPECT_EQ(multi[2].kind, Kind::ok);
  EXPECT_EQ(multi[2].affected_rows, 1U);
  EXPECT_EQ(multi[2].status & p::status::kMoreResultsExist, 0);

  EXPECT_EQ(c.exchanges[12].results.at(0).warnings, 1);
  EXPECT_EQ(c.exchanges[13].results.at(0).kind, Kind::err);
  EXPECT_EQ(c.exchanges[13].results.at(0).error_code, 1146);
}

TEST(Conversation, LibmariadbSessionCommands) {
  const Conversation c = walk_file("capi_session.txt");
  ASSERT_TRUE(c.ok()) << describe(c);
  SCOPED_TRACE(describe(c));

  // The client starts with caching_sha2_password; the server switches it to its account's plugin.
  EXPECT_EQ(c.handshake_response.auth_plugin_name, "caching_sha2_password");
  EXPECT_EQ(c.auth_steps, (std::vector<std::string>{"auth_switch mysql_native_password", "client_data 20 bytes"}));
  EXPECT_EQ(c.login.kind, Kind::ok);

  using C = p::Command;
  std::vector<C> commands;
  commands.reserve(c.exchanges.size());
  for (const auto& e : c.exchanges) commands.push_back(e.command);
  EXPECT_EQ(commands, (std::vector<C>{C::query,
                                      C::ping,
                                      C::init_db,
                                      C::query,
                                      C::statistics,
                                      C::set_option,
                                      C::stmt_prepare,
                                      C::stmt_send_long_data,
                                      C::stmt_send_long_data,
                                      C::stmt_execute,
                                      C::stmt_reset,
                                      C::stmt_close,
                                      C::query,
                                      C::change_user,
                                      C::query,
                                      C::query,
                                      C::query,
                                      C::reset_connection,
                                      C::query,
                                      C::quit}));
  if (commands.size() != 20) return;

  EXPECT_EQ(c.exchanges[0].results.at(0).rows, (std::vector<Values>{{"root@127.0.0.1"}}));
  EXPECT_EQ(c.exchanges[1].results.at(0).kind, Kind::ok);  // COM_PING
  EXPECT_EQ(c.exchanges[2].text, "rec");                   // COM_INIT_DB
  EXPECT_TRUE(c.exchanges[2].results.at(0).status & p::status::kSessionStateChanged);
  EXPECT_EQ(c.exchanges[3].results.at(0).rows, (std::vector<Values>{{"rec"}}));
  EXPECT_EQ(c.exchanges[4].results.at(0).kind, Kind::statistics);
  EXPECT_EQ(c.exchanges[4].results.at(0).error_message.rfind("Uptime: ", 0), 0U);
  EXPECT_EQ(c.exchanges[5].results.size(), 1U);  // COM_SET_OPTION: one EOF

  EXPECT_EQ(c.exchanges[6].results.at(0).params, 1);
  EXPECT_TRUE(c.exchanges[7].results.empty());  // COM_STMT_SEND_LONG_DATA has no response
  EXPECT_TRUE(c.exchanges[8].results.empty());
  EXPECT_EQ(c.exchanges[9].results.at(0).rows, (std::vector<Values>{{"long data!"}}));
  EXPECT_EQ(c.exchanges[10].results.at(0).kind, Kind::ok);  // COM_STMT_RESET
  EXPECT_EQ(c.exchanges[10].statement_id, c.exchanges[6].results.at(0).statement_id);

  // COM_CHANGE_USER runs the authentication exchange again, switched the same way.
  const auto& change = c.exchanges[13];
  EXPECT_EQ(change.user, "second");
  EXPECT_EQ(change.auth_steps, (std::vector<std::string>{"auth_switch mysql_native_password", "client_data 20 bytes"}));
  ASSERT_EQ(change.results.size(), 1U);
  EXPECT_EQ(change.results[0].kind, Kind::ok);
  EXPECT_EQ(c.exchanges[14].results.at(0).rows, (std::vector<Values>{{"second@%"}}));
  EXPECT_EQ(c.exchanges[15].results.at(0).rows, (std::vector<Values>{{std::nullopt}}));  // @kept is gone
  EXPECT_EQ(c.exchanges[17].results.at(0).kind, Kind::ok);                               // COM_RESET_CONNECTION
  EXPECT_EQ(c.exchanges[18].results.at(0).rows, (std::vector<Values>{{std::nullopt}}));
}

TEST(Conversation, StopsAtTheFirstMessageThatDoesNotParse) {
  Recording rec = load_recording(data_file("mariadb_cli.txt"));
  std::vector<RecordedPacket> packets = split_packets(rec.connections.at(0));
  // Corrupt the column count of the first result set: a column count of 0xfb (NULL) is invalid.
  for (auto& packet : packets) {
    if (packet.from == Direction::server && packet.payload.size() == 2 && packet.payload[0] == 0x02) {
      packet.payload[0] = 0xfb;
      break;
    }
  }
  const Conversation c = walk_conversation(packets);
  EXPECT_FALSE(c.ok());
  EXPECT_NE(c.error.find("COM_QUERY 'SELECT 1 AS n"), std::string::npos) << c.error;
  EXPECT_TRUE(c.exchanges.empty());

  // A response cut short is reported, not taken as complete.
  packets = split_packets(rec.connections.at(0));
  packets.resize(8);
  const Conversation cut = walk_conversation(packets);
  EXPECT_FALSE(cut.ok());
  EXPECT_NE(cut.error.find("the recording ends"), std::string::npos) << cut.error;
}

}  // namespace
}  // namespace weir::testing
