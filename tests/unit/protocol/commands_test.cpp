// Command identification and codecs on byte tables. Unless marked "synthetic", the hex is a payload
// captured between MariaDB 10.11.19 (Debian 12) and a minimal client (capabilities 0x018ba208:
// PROTOCOL_41, DEPRECATE_EOF, SESSION_TRACK, ...) through a socket relay.
#include "weir/protocol/commands.hpp"

#include <gtest/gtest.h>

#include <functional>
#include <iterator>
#include <ostream>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "weir/protocol/response.hpp"
#include "weir/testing/hex.hpp"

namespace weir::protocol {
namespace {

using weir::testing::to_hex;
using weir::testing::unhex;

// Error::operator== compares the field pointers; literals are not merged across translation
// units in every build (e.g. with ASan), so compare the text.
::testing::AssertionResult same_error(const Error& actual, const Error& expected) {
  if (actual.code == expected.code && std::string_view(actual.field) == expected.field &&
      actual.offset == expected.offset) {
    return ::testing::AssertionSuccess();
  }
  return ::testing::AssertionFailure() << "got \"" << actual.message() << "\", expected \"" << expected.message()
                                       << "\"";
}

constexpr CapabilityFlags kClient = 0x018ba208ULL | (0x01ULL << 32);
constexpr CapabilityFlags kAttrs = kClient | cap::kQueryAttributes;

// ---------------------------------------------------------------------------------------------
// Identification and response kinds

struct CommandRow {
  std::uint8_t byte;
  Command command;
  const char* name;
  ResponseKind kind;
};

using R = ResponseKind;

const std::vector<CommandRow>& command_rows() {
  static const std::vector<CommandRow> rows = {
      {0x00, Command::sleep, "COM_SLEEP", R::ok_or_err},
      {0x01, Command::quit, "COM_QUIT", R::none},
      {0x02, Command::init_db, "COM_INIT_DB", R::ok_or_err},
      {0x03, Command::query, "COM_QUERY", R::result_set},
      {0x04, Command::field_list, "COM_FIELD_LIST", R::column_list},
      {0x05, Command::create_db, "COM_CREATE_DB", R::ok_or_err},
      {0x06, Command::drop_db, "COM_DROP_DB", R::ok_or_err},
      {0x07, Command::refresh, "COM_REFRESH", R::ok_or_err},
      {0x08, Command::shutdown, "COM_SHUTDOWN", R::eof_or_err},
      {0x09, Command::statistics, "COM_STATISTICS", R::raw_string},
      {0x0a, Command::process_info, "COM_PROCESS_INFO", R::result_set},
      {0x0b, Command::connect, "COM_CONNECT", R::ok_or_err},
      {0x0c, Command::process_kill, "COM_PROCESS_KILL", R::ok_or_err},
      {0x0d, Command::debug, "COM_DEBUG", R::eof_or_err},
      {0x0e, Command::ping, "COM_PING", R::ok_or_err},
      {0x0f, Command::time, "COM_TIME", R::ok_or_err},
      {0x10, Command::delayed_insert, "COM_DELAYED_INSERT", R::ok_or_err},
      {0x11, Command::change_user, "COM_CHANGE_USER", R::auth_exchange},
      {0x12, Command::binlog_dump, "COM_BINLOG_DUMP", R::binlog_stream},
      {0x13, Command::table_dump, "COM_TABLE_DUMP", R::ok_or_err},
      {0x14, Command::connect_out, "COM_CONNECT_OUT", R::ok_or_err},
      {0x15, Command::register_slave, "COM_REGISTER_SLAVE", R::ok_or_err},
      {0x16, Command::stmt_prepare, "COM_STMT_PREPARE", R::prepare},
      {0x17, Command::stmt_execute, "COM_STMT_EXECUTE", R::result_set},
      {0x18, Command::stmt_send_long_data, "COM_STMT_SEND_LONG_DATA", R::none},
      {0x19, Command::stmt_close, "COM_STMT_CLOSE", R::none},
      {0x1a, Command::stmt_reset, "COM_STMT_RESET", R::ok_or_err},
      {0x1b, Command::set_option, "COM_SET_OPTION", R::eof_or_err},
      {0x1c, Command::stmt_fetch, "COM_STMT_FETCH", R::rows},
      {0x1d, Command::daemon, "COM_DAEMON", R::ok_or_err},
      {0x1e, Command::binlog_dump_gtid, "COM_BINLOG_DUMP_GTID", R::binlog_stream},
      {0x1f, Command::reset_connection, "COM_RESET_CONNECTION", R::ok_or_err},
      {0xfa, Command::stmt_bulk_execute, "COM_STMT_BULK_EXECUTE", R::result_set},
      {0xfe, Command::multi, "COM_MULTI", R::multi},
  };
  return rows;
}

void PrintTo(const CommandRow& c, std::ostream* os) { *os << c.name; }

class CommandTable : public ::testing::TestWithParam<CommandRow> {};

TEST_P(CommandTable, IdentifiesNamesAndKnowsTheResponse) {
  const CommandRow& row = GetParam();
  EXPECT_EQ(static_cast<std::uint8_t>(row.command), row.byte);
  EXPECT_STREQ(command_name(row.command), row.name);
  EXPECT_EQ(to_command(row.byte), row.command);
  const Buffer payload{row.byte, 0x41};
  auto parsed = parse_command(payload);
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(*parsed, row.command);
  EXPECT_EQ(response_kind(row.command), row.kind) << response_kind_name(response_kind(row.command));
  EXPECT_EQ(expects_response(row.command), row.kind != ResponseKind::none);
  Buffer out;
  serialize_simple_command(row.command, out);
  EXPECT_EQ(out, Buffer{row.byte});
}

INSTANTIATE_TEST_SUITE_P(AllCommands, CommandTable, ::testing::ValuesIn(command_rows()),
                         [](const auto& param_info) { return std::string(param_info.param.name); });

TEST(Commands, EveryOtherByteIsUnknown) {
  std::set<std::uint8_t> known;
  for (const auto& row : command_rows()) known.insert(row.byte);
  for (int b = 0; b < 256; ++b) {
    const auto byte = static_cast<std::uint8_t>(b);
    if (known.count(byte) != 0) continue;
    EXPECT_FALSE(to_command(byte).has_value()) << b;
    EXPECT_TRUE(same_error(parse_command(Buffer{byte}).error(), Error{Errc::bad_value, "command", 0})) << b;
  }
  EXPECT_TRUE(same_error(parse_command(Buffer{}).error(), Error{Errc::truncated, "command", 0}));
  EXPECT_STREQ(command_name(static_cast<Command>(0x42)), "COM_UNKNOWN");
}

// ---------------------------------------------------------------------------------------------
// Codecs: each row parses to the expected struct, serializes back to the same bytes, and every
// truncation below `must_fail_below` fails naming a field.

struct CodecCase {
  std::string name;
  std::string wire;
  std::function<::testing::AssertionResult(Bytes)> parses_to_expected;
  std::function<Buffer()> serialize_expected;
  std::function<std::optional<Error>(Bytes)> parse_error;
  std::size_t must_fail_below;
};

template <class T, class Parse, class Serialize>
CodecCase codec(std::string name, std::string wire, T expected, Parse parse, Serialize serialize_fn,
                std::size_t must_fail_below) {
  CodecCase c;
  c.name = std::move(name);
  c.wire = std::move(wire);
  c.parses_to_expected = [expected, parse](Bytes b) -> ::testing::AssertionResult {
    auto r = parse(b);
    if (!r) return ::testing::AssertionFailure() << r.error().message();
    if (!(*r == expected)) return ::testing::AssertionFailure() << "parsed value differs";
    return ::testing::AssertionSuccess();
  };
  c.serialize_expected = [expected, serialize_fn]() {
    Buffer out;
    serialize_fn(expected, out);
    return out;
  };
  c.parse_error = [parse](Bytes b) -> std::optional<Error> {
    auto r = parse(b);
    if (r) return std::nullopt;
    return r.error();
  };
  c.must_fail_below = must_fail_below;
  return c;
}

// Parsers and serializers with the capabilities bound.
auto query_parser(CapabilityFlags caps) {
  return [caps](Bytes b) { return parse_com_query(b, caps); };
}
auto query_serializer(CapabilityFlags caps) {
  return [caps](const ComQuery& q, Buffer& out) { serialize(q, caps, out); };
}
auto prepare_ok_parser(CapabilityFlags caps) {
  return [caps](Bytes b) { return parse_stmt_prepare_ok(b, caps); };
}
auto prepare_ok_serializer(CapabilityFlags caps) {
  return [caps](const StmtPrepareOk& p, Buffer& out) { serialize(p, caps, out); };
}
template <class T>
auto plain_serializer() {
  return [](const T& v, Buffer& out) { serialize(v, out); };
}

std::string bytes_of(const char* h) {
  const Buffer b = unhex(h);
  return {b.begin(), b.end()};
}

const std::string kExecuteParams = bytes_of("000108000000000000000000");
const std::string kBulkParams = bytes_of("03000005000000");
const std::string kOneStringAttribute = bytes_of("0001fe0005747261636503616263");

ComQuery query_with(std::uint64_t count, std::string_view attributes, std::string_view text) {
  return ComQuery{count, 1, attributes, text};
}

const std::vector<CodecCase>& codec_cases() {
  static const std::vector<CodecCase> cases = {
      codec("query_select_1", "0353454c4543542031", ComQuery{0, 1, "", "SELECT 1"}, query_parser(kClient),
            query_serializer(kClient), 1),
      // mariadb CLI: INSERT INTO db1.t (v) VALUES ('a')
      codec("query_insert", "03494e5345525420494e544f206462312e74202876292056414c554553202827612729",
            ComQuery{0, 1, "", "INSERT INTO db1.t (v) VALUES ('a')"}, query_parser(kClient), query_serializer(kClient),
            1),
      codec("query_empty", "03", ComQuery{0, 1, "", ""}, query_parser(kClient), query_serializer(kClient), 1),
      // synthetic, MySQL 8 query attributes: none, one string, and LONGLONG unsigned + NULL + DATETIME
      codec("query_attributes_none", "03000153454c4543542031", query_with(0, "", "SELECT 1"), query_parser(kAttrs),
            query_serializer(kAttrs), 3),
      codec("query_attributes_one", "0301010001fe000574726163650361626353454c4543542031",
            query_with(1, kOneStringAttribute, "SELECT 1"), query_parser(kAttrs), query_serializer(kAttrs), 17),
      codec("init_db", "02646231", ComInitDb{"db1"}, parse_com_init_db, plain_serializer<ComInitDb>(), 1),
      codec("field_list", "047400", ComFieldList{"t", ""}, parse_com_field_list, plain_serializer<ComFieldList>(), 3),
      codec("field_list_wildcard", "0474006925", ComFieldList{"t", "i%"}, parse_com_field_list,
            plain_serializer<ComFieldList>(), 3),
      codec("process_kill", "0c3f420f00", ComProcessKill{999999}, parse_com_process_kill,
            plain_serializer<ComProcessKill>(), 5),
      codec("set_option_off", "1b0100", ComSetOption{kMultiStatementsOff}, parse_com_set_option,
            plain_serializer<ComSetOption>(), 3),
      codec("set_option_on", "1b0000", ComSetOption{kMultiStatementsOn}, parse_com_set_option,
            plain_serializer<ComSetOption>(), 3),
      codec("stmt_prepare", "1653454c4543542069642c20762046524f4d2074205748455245206964203e203f",
            ComStmtPrepare{"SELECT id, v FROM t WHERE id > ?"}, parse_com_stmt_prepare,
            plain_serializer<ComStmtPrepare>(), 1),
      // the server's reply to the prepare above, and to "DO 1"
      codec("prepare_ok", "000100000002000100000000", StmtPrepareOk{1, 2, 1, 0, 1}, prepare_ok_parser(kClient),
            prepare_ok_serializer(kClient), 12),
      codec("prepare_ok_no_metadata", "000200000000000000000000", StmtPrepareOk{2, 0, 0, 0, 1},
            prepare_ok_parser(kClient), prepare_ok_serializer(kClient), 12),
      // synthetic: MySQL with CLIENT_OPTIONAL_RESULTSET_METADATA, warnings, metadata omitted
      codec("prepare_ok_optional_metadata", "00ffffff7f0300020000050000", StmtPrepareOk{0x7fffffff, 3, 2, 5, 0},
            prepare_ok_parser(kClient | cap::kOptionalResultsetMetadata),
            prepare_ok_serializer(kClient | cap::kOptionalResultsetMetadata), 13),
      // read-only cursor, one LONGLONG parameter 0
      codec("stmt_execute", "17010000000101000000000108000000000000000000",
            ComStmtExecute{1, cursor::kReadOnly, 1, kExecuteParams}, parse_com_stmt_execute,
            plain_serializer<ComStmtExecute>(), 10),
      // after closing: no cursor, no parameters
      codec("stmt_execute_no_params", "17010000000001000000", ComStmtExecute{1, cursor::kNoCursor, 1, ""},
            parse_com_stmt_execute, plain_serializer<ComStmtExecute>(), 10),
      codec("stmt_fetch", "1c0100000001000000", ComStmtFetch{1, 1}, parse_com_stmt_fetch,
            plain_serializer<ComStmtFetch>(), 9),
      codec("stmt_close", "1901000000", ComStmtClose{1}, parse_com_stmt_close, plain_serializer<ComStmtClose>(), 5),
      codec("stmt_reset", "1a01000000", ComStmtReset{1}, parse_com_stmt_reset, plain_serializer<ComStmtReset>(), 5),
      codec("stmt_send_long_data", "1801000000000031", ComStmtSendLongData{1, 0, "1"}, parse_com_stmt_send_long_data,
            plain_serializer<ComStmtSendLongData>(), 7),
      // synthetic: MariaDB bulk execute, statement 7, types sent, one LONG 5 with indicator NONE
      codec("stmt_bulk_execute", "fa07000000800003000005000000", ComStmtBulkExecute{7, bulk::kSendTypes, kBulkParams},
            parse_com_stmt_bulk_execute, plain_serializer<ComStmtBulkExecute>(), 7),
  };
  return cases;
}

void PrintTo(const CodecCase& c, std::ostream* os) { *os << c.name << " " << c.wire; }

class CodecTable : public ::testing::TestWithParam<CodecCase> {};

TEST_P(CodecTable, Parses) {
  const CodecCase& c = GetParam();
  EXPECT_TRUE(c.parses_to_expected(unhex(c.wire)));
}

TEST_P(CodecTable, SerializesToTheSameBytes) {
  const CodecCase& c = GetParam();
  EXPECT_EQ(to_hex(c.serialize_expected()), c.wire);
}

TEST_P(CodecTable, TruncationsFailWithAField) {
  const CodecCase& c = GetParam();
  const Buffer wire = unhex(c.wire);
  for (std::size_t n = 0; n < wire.size(); ++n) {
    const auto error = c.parse_error(Bytes(wire.data(), n));
    if (n < c.must_fail_below) {
      ASSERT_TRUE(error.has_value()) << "prefix " << n << " parsed";
      EXPECT_EQ(error->code, Errc::truncated) << error->message();
      EXPECT_NE(std::string(error->field), "");
      EXPECT_LE(error->offset, n);
    } else {
      EXPECT_FALSE(error.has_value()) << "prefix " << n << ": " << error->message();
    }
  }
}

TEST_P(CodecTable, WrongFirstByteIsRejected) {
  const CodecCase& c = GetParam();
  Buffer wire = unhex(c.wire);
  wire[0] = 0x42;
  const auto error = c.parse_error(wire);
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->code, Errc::bad_value);
  EXPECT_EQ(error->offset, 0u);
}

INSTANTIATE_TEST_SUITE_P(Table, CodecTable, ::testing::ValuesIn(codec_cases()),
                         [](const auto& param_info) { return param_info.param.name; });

// ---------------------------------------------------------------------------------------------
// Query attributes

TEST(QueryAttributes, MixedTypesAndNull) {
  const Buffer wire = unhex("03030102010880026964fe00016e0c000274732a0000000000000004e9070b1a53454c4543542031");
  auto q = parse_com_query(wire, kAttrs);
  ASSERT_TRUE(q.ok()) << q.error().message();
  EXPECT_EQ(q->parameter_count, 3u);
  EXPECT_EQ(q->query, "SELECT 1");
  EXPECT_EQ(*query_text_offset(wire, kAttrs), 32u);
  auto attrs = parse_query_attributes(*q);
  ASSERT_TRUE(attrs.ok()) << attrs.error().message();
  ASSERT_EQ(attrs->size(), 3u);
  EXPECT_EQ((*attrs)[0], (QueryAttribute{0x08, true, "id", false, std::string_view("\x2a\0\0\0\0\0\0\0", 8)}));
  EXPECT_EQ((*attrs)[1], (QueryAttribute{0xfe, false, "n", true, ""}));
  EXPECT_EQ((*attrs)[2], (QueryAttribute{0x0c, false, "ts", false, std::string_view("\xe9\x07\x0b\x1a", 4)}));
  Buffer out;
  serialize(*q, kAttrs, out);
  EXPECT_EQ(out, wire);
  // Every truncation inside the attributes fails; afterwards only the SQL text is shorter.
  for (std::size_t n = 0; n < 32; ++n) {
    auto t = parse_com_query(Bytes(wire.data(), n), kAttrs);
    ASSERT_FALSE(t.ok()) << n;
    EXPECT_EQ(t.error().code, Errc::truncated) << t.error().message();
  }
  // Without the capability the same bytes are plain SQL text.
  EXPECT_EQ(parse_com_query(wire, kClient)->query.size(), wire.size() - 1);
}

TEST(QueryAttributes, BuilderWritesStringAttributes) {
  const QueryAttribute attrs[] = {{0xfe, false, "trace", false, "abc"}, {0xfe, false, "x", true, ""}};
  Buffer block;
  serialize_string_query_attributes(attrs, block);
  EXPECT_EQ(to_hex(block), "0201fe00057472616365fe00017803616263");
}

struct BadQuery {
  const char* name;
  const char* wire;
  Errc code;
  const char* field;
  std::size_t offset;
};

void PrintTo(const BadQuery& c, std::ostream* os) { *os << c.name; }

class BadQueryTable : public ::testing::TestWithParam<BadQuery> {};

TEST_P(BadQueryTable, Fails) {
  const BadQuery& c = GetParam();
  auto q = parse_com_query(unhex(c.wire), kAttrs);
  ASSERT_FALSE(q.ok());
  EXPECT_TRUE(same_error(q.error(), Error{c.code, c.field, c.offset})) << q.error().message();
}

INSTANTIATE_TEST_SUITE_P(
    Table, BadQueryTable,
    ::testing::Values(BadQuery{"set_count_2", "030102", Errc::bad_value, "parameter_set_count", 3},
                      BadQuery{"bind_flag_0", "0301010000fe00", Errc::bad_value, "new_params_bind_flag", 5},
                      BadQuery{"count_over_packet", "03fd0000010100", Errc::truncated, "query_attributes", 6},
                      BadQuery{"count_8_bytes", "03feffffffffffffffff01", Errc::truncated, "query_attributes", 11},
                      BadQuery{"null_count", "03fb01", Errc::bad_value, "parameter_count", 1},
                      BadQuery{"value_past_end", "0301010001fe00016e05616263", Errc::truncated, "attribute_value", 10},
                      BadQuery{"temporal_past_end", "03010100010c00016e0b0102", Errc::truncated, "attribute_value",
                               10}),
    [](const auto& param_info) { return std::string(param_info.param.name); });

// ---------------------------------------------------------------------------------------------
// Statement ids

TEST(StatementIds, RewrittenInPlaceForEveryCommandThatCarriesOne) {
  const char* wires[] = {"17010000000101000000000108000000000000000000",
                         "1c0100000001000000",
                         "1901000000",
                         "1a01000000",
                         "1801000000000031",
                         "fa07000000800003000005000000"};
  for (const char* h : wires) {
    Buffer wire = unhex(h);
    const auto command = to_command(wire[0]);
    ASSERT_TRUE(command.has_value());
    EXPECT_EQ(statement_id_offset(*command), std::size_t{1}) << h;
    const Buffer before = wire;
    ASSERT_TRUE(rewrite_statement_id(wire, 0xdeadbeef)) << h;
    EXPECT_EQ(read_statement_id(wire), 0xdeadbeefu);
    EXPECT_EQ(to_hex(wire).substr(0, 10), to_hex(before).substr(0, 2) + "efbeadde");
    EXPECT_EQ(Buffer(wire.begin() + 5, wire.end()), Buffer(before.begin() + 5, before.end()));
  }
}

TEST(StatementIds, LeftAloneWhereThereIsNone) {
  for (const char* h : {"0353454c4543542031", "16444f2031", "0e", "", "170100", "42010203040506"}) {
    Buffer wire = unhex(h);
    const Buffer before = wire;
    EXPECT_FALSE(rewrite_statement_id(wire, 7)) << h;
    EXPECT_EQ(wire, before);
    EXPECT_FALSE(read_statement_id(wire).has_value()) << h;
  }
  EXPECT_FALSE(statement_id_offset(Command::query).has_value());
  EXPECT_FALSE(statement_id_offset(Command::stmt_prepare).has_value());
}

TEST(StatementIds, PrepareOkRewrite) {
  Buffer wire = unhex("000100000002000100000000");
  ASSERT_TRUE(rewrite_prepare_ok_statement_id(wire, 0x01020304));
  EXPECT_EQ(to_hex(wire), "000403020102000100000000");
  Buffer err = unhex("ff1904");
  EXPECT_FALSE(rewrite_prepare_ok_statement_id(err, 1));
  Buffer short_ok = unhex("00010000");
  EXPECT_FALSE(rewrite_prepare_ok_statement_id(short_ok, 1));
}

// ---------------------------------------------------------------------------------------------

TEST(CommandRobustness, RandomPayloadsNeverCrash) {
  std::mt19937 rng(777);
  const std::uint8_t firsts[] = {0x03, 0x02, 0x04, 0x0c, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x1b, 0x1c, 0xfa, 0x00};
  for (int i = 0; i < 4000; ++i) {
    Buffer b(static_cast<std::size_t>(rng() % 48));
    for (auto& x : b) x = static_cast<std::uint8_t>(rng() % 3 == 0 ? rng() % 4 : rng());
    if (!b.empty()) b[0] = firsts[rng() % std::size(firsts)];
    for (auto caps : {kClient, kAttrs}) {
      auto q = parse_com_query(b, caps);
      if (q) {
        (void)parse_query_attributes(*q);
        Buffer again;
        serialize(*q, caps, again);
        auto reparsed = parse_com_query(again, caps);
        ASSERT_TRUE(reparsed.ok());
        EXPECT_EQ(*reparsed, *q);
      }
      (void)parse_stmt_prepare_ok(b, caps);
    }
    (void)parse_command(b);
    (void)parse_com_init_db(b);
    (void)parse_com_field_list(b);
    (void)parse_com_process_kill(b);
    (void)parse_com_set_option(b);
    (void)parse_com_stmt_prepare(b);
    (void)parse_com_stmt_execute(b);
    (void)parse_com_stmt_fetch(b);
    (void)parse_com_stmt_close(b);
    (void)parse_com_stmt_reset(b);
    (void)parse_com_stmt_send_long_data(b);
    (void)parse_com_stmt_bulk_execute(b);
    (void)read_statement_id(b);
    (void)rewrite_statement_id(b, 1);
  }
}

}  // namespace
}  // namespace weir::protocol
