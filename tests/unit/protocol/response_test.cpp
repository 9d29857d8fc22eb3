// OK / ERR / EOF / LOCAL INFILE codecs on byte tables. Unless marked "synthetic", the hex is a
// payload captured from MariaDB 10.11.19 (Debian 12) through a socket relay, with the client
// (mariadb CLI 10.11 = libmariadb 3.3.20, or a minimal client sending the capabilities noted)
// and the statement noted per row.
#include "weir/protocol/response.hpp"
#include "weir/testing/hex.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <ostream>
#include <random>
#include <string>
#include <utility>
#include <vector>

namespace weir::protocol {

// Readable failure output (internal linkage: other test files may print these types too).
[[maybe_unused]] static void PrintTo(const OkPacket& ok, std::ostream* os) {
  *os << "OK{header=" << int{ok.header} << " affected=" << ok.affected_rows << " insert_id=" << ok.last_insert_id
      << " status=" << ok.status << " warnings=" << ok.warnings << " info=\"" << ok.info
      << "\" session_state=" << ok.session_state.size() << " bytes}";
}
[[maybe_unused]] static void PrintTo(const ErrPacket& err, std::ostream* os) {
  *os << "ERR{" << err.code << " " << err.sql_state << " \"" << err.message << "\"}";
}
[[maybe_unused]] static void PrintTo(const EofPacket& eof, std::ostream* os) {
  *os << "EOF{warnings=" << eof.warnings << " status=" << eof.status << "}";
}

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

// Capabilities of the captures: the mariadb CLI (0x00bfa284, extended 0x1d: progress, bulk,
// extended type info, cache metadata) and the minimal client (0x018ba208 + progress), which adds
// CLIENT_DEPRECATE_EOF.
constexpr CapabilityFlags kCli = 0x00bfa284ULL | (0x1dULL << 32);
constexpr CapabilityFlags kDeprecateEofClient = 0x018ba208ULL | (0x01ULL << 32);
constexpr CapabilityFlags kPlain41 = cap::kProtocol41 | cap::kTransactions;  // no session tracking

// ---------------------------------------------------------------------------------------------
// OK packets

struct OkCase {
  const char* name;
  CapabilityFlags caps;
  const char* wire;
  OkPacket expected;
  std::vector<std::pair<const char*, const char*>> variables;  // expected system_variable() lookups
  const char* schema = nullptr;
  const char* gtids = nullptr;
  const char* transaction_state = nullptr;
  const char* transaction_characteristics = nullptr;
  bool state_changed = false;
};

std::optional<std::string_view> opt(const char* s) {
  return s == nullptr ? std::nullopt : std::optional<std::string_view>(s);
}

std::string block(const char* h) {
  const Buffer b = unhex(h);
  return {b.begin(), b.end()};
}

// Session state blocks of the captured packets (the bytes after the block's length).
const std::string kLastGtidBlock = block("0012096c6173745f6774696407302d3130302d35");
const std::string kSchemaBlock = block("010403646231");
const std::string kSchemaStateBlock = block("010403646231020131");
const std::string kStateChangeBlock = block("020131");
const std::string kReadOnlyTrxBlock =
    block("050908545f5f5f5f5f5f5f041d1c5354415254205452414e53414354494f4e2052454144204f4e4c593b");
const std::string kNoTrxBlock = block("0509085f5f5f5f5f5f5f5f040100");
const std::string kTrxStartedBlock = block("050908545f5f5f5f5f5f5f");
const std::string kTrxWriteBlock = block("050908545f5f5f575f5f5f");
const std::string kTrxEndedBlock = block("0509085f5f5f5f5f5f5f5f");
const std::string kAutocommitBlock = block("000f0a6175746f636f6d6d6974034f4646");
const std::string kCharsetBlock = block("001c146368617261637465725f7365745f636c69656e74066c6174696e31");
const std::string kMixedBlock = block(
    "032a002833653131666134372d373163612d313165312d396533332d6338306161393432393536323a312d352a03010203000e0a6175746f63"
    "6f6d"
    "6d6974024f4e000f0a6175746f636f6d6d6974034f4646");

OkPacket ok(std::uint64_t affected, std::uint64_t insert_id, StatusFlags status, std::uint16_t warnings,
            std::string_view info = {}, std::string_view state = {}, std::uint8_t header = kOkHeader) {
  return OkPacket{header, affected, insert_id, status, warnings, info, state};
}

const std::vector<OkCase>& ok_cases() {
  static const std::vector<OkCase> cases = {
      // SET SESSION session_track_system_variables='last_gtid' (no state sent: the info is absent)
      {"set_no_state", kCli, "00000002000000", ok(0, 0, 0x0002, 0), {}},
      // INSERT INTO db1.t (v) VALUES ('a') after tracking last_gtid, --log-bin --server-id=100
      {"insert_last_gtid",
       kCli,
       "0001010240000000140012096c6173745f6774696407302d3130302d35",
       ok(1, 1, 0x4002, 0, "", kLastGtidBlock),
       {{"last_gtid", "0-100-5"}}},
      // COM_INIT_DB db1 (session_track_schema is on by default)
      {"init_db_schema", kCli, "000000024000000006010403646231", ok(0, 0, 0x4002, 0, "", kSchemaBlock), {}, "db1"},
      // USE db1 after SET SESSION session_track_state_change=ON
      {"init_db_schema_state_change",
       kCli,
       "000000024000000009010403646231020131",
       ok(0, 0, 0x4002, 0, "", kSchemaStateBlock),
       {},
       "db1",
       nullptr,
       nullptr,
       nullptr,
       true},
      // SET SESSION session_track_state_change=ON
      {"state_change_only",
       kCli,
       "000000024000000003020131",
       ok(0, 0, 0x4002, 0, "", kStateChangeBlock),
       {},
       nullptr,
       nullptr,
       nullptr,
       nullptr,
       true},
      // session_track_transaction_info=CHARACTERISTICS; START TRANSACTION READ ONLY
      {"start_transaction_read_only",
       kCli,
       "00000003600000002a050908545f5f5f5f5f5f5f041d1c5354415254205452414e53414354494f4e2052454144204f4e4c593b",
       ok(0, 0, 0x6003, 0, "", kReadOnlyTrxBlock),
       {},
       nullptr,
       nullptr,
       "T_______",
       "START TRANSACTION READ ONLY;"},
      // ... COMMIT
      {"commit_characteristics",
       kCli,
       "00000002400000000e0509085f5f5f5f5f5f5f5f040100",
       ok(0, 0, 0x4002, 0, "", kNoTrxBlock),
       {},
       nullptr,
       nullptr,
       "________",
       ""},
      // SET SESSION session_track_transaction_info=STATE: state changed, empty block
      {"empty_state_block", kCli, "000000024000000000", ok(0, 0, 0x4002, 0, "", ""), {}},
      // START TRANSACTION; INSERT; COMMIT with session_track_transaction_info=STATE
      {"start_transaction",
       kCli,
       "00000003400000000b050908545f5f5f5f5f5f5f",
       ok(0, 0, 0x4003, 0, "", kTrxStartedBlock),
       {},
       nullptr,
       nullptr,
       "T_______"},
      {"insert_in_transaction",
       kCli,
       "00010203400000000b050908545f5f5f575f5f5f",
       ok(1, 2, 0x4003, 0, "", kTrxWriteBlock),
       {},
       nullptr,
       nullptr,
       "T___W___"},
      {"commit_state",
       kCli,
       "00000002400000000b0509085f5f5f5f5f5f5f5f",
       ok(0, 0, 0x4002, 0, "", kTrxEndedBlock),
       {},
       nullptr,
       nullptr,
       "________"},
      // session_track_system_variables='autocommit,character_set_client'; SET autocommit=0
      {"autocommit_off",
       kCli,
       "000000004000000011000f0a6175746f636f6d6d6974034f4646",
       ok(0, 0, 0x4000, 0, "", kAutocommitBlock),
       {{"autocommit", "OFF"}, {"character_set_client", nullptr}}},
      // ... SET NAMES latin1
      {"character_set_client",
       kCli,
       "00000000400000001e001c146368617261637465725f7365745f636c69656e74066c6174696e31",
       ok(0, 0, 0x4000, 0, "", kCharsetBlock),
       {{"character_set_client", "latin1"}, {"autocommit", nullptr}}},
      // UPDATE t SET v='z' WHERE id=1 (info is lenenc under CLIENT_SESSION_TRACK)
      {"update_info",
       kCli,
       "0001000200000028526f7773206d6174636865643a203120204368616e6765643a203120205761726e696e67733a2030",
       ok(1, 0, 0x0002, 0, "Rows matched: 1  Changed: 1  Warnings: 0"),
       {}},
      // INSERT IGNORE with a too long value: one warning
      {"insert_warning", kCli, "00010302000100", ok(1, 3, 0x0002, 1), {}},
      // LOAD DATA LOCAL INFILE of two duplicate rows
      {"load_data_info",
       kCli,
       "000000020002002f5265636f7264733a2032202044656c657465643a20302020536b69707065643a203220205761726e696e67733a2032",
       ok(0, 0, 0x0002, 2, "Records: 2  Deleted: 0  Skipped: 2  Warnings: 2"),
       {}},
      // Minimal client with CLIENT_DEPRECATE_EOF: end of COM_STMT_FETCH's rows, header 0xfe,
      // status AUTOCOMMIT|CURSOR_EXISTS
      {"deprecate_eof_terminator", kDeprecateEofClient, "fe000042000000", ok(0, 0, 0x0042, 0, {}, {}, kEofHeader), {}},
      // COM_SET_OPTION's reply under CLIENT_DEPRECATE_EOF
      {"set_option_reply", kDeprecateEofClient, "fe000002000000", ok(0, 0, 0x0002, 0, {}, {}, kEofHeader), {}},
      // COM_PING with CLIENT_DEPRECATE_EOF
      {"ping", kDeprecateEofClient, "00000002000000", ok(0, 0, 0x0002, 0), {}},
      // synthetic: no CLIENT_SESSION_TRACK, the info is the rest of the packet
      {"info_without_session_track",
       kPlain41,
       "0001000200000052 6f7773206d6174636865643a203120204368616e6765643a203120205761726e696e67733a2030",
       ok(1, 0, 0x0002, 0, "Rows matched: 1  Changed: 1  Warnings: 0"),
       {}},
      // synthetic: pre-4.1 without and with CLIENT_TRANSACTIONS
      {"pre41", 0, "000105", ok(1, 5, 0, 0), {}},
      {"pre41_transactions", cap::kTransactions, "0001050200", ok(1, 5, 0x0002, 0), {}},
      // synthetic: 3- and 8-byte length-encoded integers
      {"large_counts", kPlain41, "00fd000001fe00000000010000000200 0000", ok(0x10000, 0x100000000ULL, 0x0002, 0), {}},
      // synthetic: MySQL GTIDS entry, an unknown entry type (skipped), a variable set twice (last wins)
      {"gtids_unknown_and_repeat",
       kCli,
       "000000024000000052032a002833653131666134372d373163612d313165312d396533332d6338306161393432393536323a312d352a030"
       "10203"
       "000e0a6175746f636f6d6d6974024f4e000f0a6175746f636f6d6d6974034f4646",
       ok(0, 0, 0x4002, 0, "", kMixedBlock),
       {{"autocommit", "OFF"}, {"last_gtid", nullptr}},
       nullptr,
       "3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5"},
  };
  return cases;
}

std::string strip(const char* h) {
  std::string s;
  for (const char* p = h; *p != 0; ++p) {
    if (*p != ' ') s += *p;
  }
  return s;
}

void PrintTo(const OkCase& c, std::ostream* os) { *os << c.name; }

class OkTable : public ::testing::TestWithParam<OkCase> {};

TEST_P(OkTable, ParsesAndLooksUp) {
  const OkCase& c = GetParam();
  const Buffer wire = unhex(strip(c.wire));
  auto parsed = parse_ok(wire, c.caps);
  ASSERT_TRUE(parsed.ok()) << parsed.error().message();
  EXPECT_EQ(*parsed, c.expected);
  for (const auto& [name, value] : c.variables) EXPECT_EQ(parsed->system_variable(name), opt(value)) << name;
  EXPECT_EQ(parsed->schema(), opt(c.schema));
  EXPECT_EQ(parsed->gtids(), opt(c.gtids));
  EXPECT_EQ(parsed->transaction_state(), opt(c.transaction_state));
  EXPECT_EQ(parsed->transaction_characteristics(), opt(c.transaction_characteristics));
  EXPECT_EQ(parsed->state_changed(), c.state_changed);
}

TEST_P(OkTable, SerializesToTheSameBytes) {
  const OkCase& c = GetParam();
  Buffer out;
  serialize(c.expected, c.caps, out);
  EXPECT_EQ(to_hex(out), strip(c.wire));
}

TEST_P(OkTable, EveryTruncationFailsWithAFieldName) {
  const OkCase& c = GetParam();
  const Buffer wire = unhex(strip(c.wire));
  // Without session tracking the info is the rest of the packet: truncating it is not detectable.
  const std::size_t must_fail_below =
      has(c.caps, cap::kSessionTrack) ? wire.size() : wire.size() - c.expected.info.size();
  // With it, the one valid prefix is the packet without its info when no session state follows.
  const bool state = (c.expected.status & status::kSessionStateChanged) != 0;
  const std::size_t info_field = lenenc_int_size(c.expected.info.size()) + c.expected.info.size();
  const std::size_t without_info = wire.size() - info_field;
  for (std::size_t n = 0; n < must_fail_below; ++n) {
    auto parsed = parse_ok(Bytes(wire.data(), n), c.caps);
    if (parsed.ok()) {
      EXPECT_TRUE(has(c.caps, cap::kSessionTrack) && !state && !c.expected.info.empty() && n == without_info)
          << "prefix " << n << " parsed";
      continue;
    }
    EXPECT_NE(std::string(parsed.error().field), "") << "prefix " << n;
    EXPECT_LE(parsed.error().offset, n);
  }
}

INSTANTIATE_TEST_SUITE_P(Captured, OkTable, ::testing::ValuesIn(ok_cases()),
                         [](const auto& param_info) { return std::string(param_info.param.name); });

TEST(SessionState, EntriesInOrderWithUnknownTypesCarried) {
  auto entries = parse_session_state(kMixedBlock);
  ASSERT_TRUE(entries.ok()) << entries.error().message();
  ASSERT_EQ(entries->size(), 4u);
  EXPECT_TRUE((*entries)[0].is(SessionTrackType::gtids));
  EXPECT_EQ((*entries)[0].gtid_encoding, 0);
  EXPECT_EQ((*entries)[0].value, "3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5");
  EXPECT_EQ((*entries)[1].type, 0x2a);
  EXPECT_EQ((*entries)[1].data, std::string_view("\x01\x02\x03", 3));
  EXPECT_EQ((*entries)[1].value, "");
  EXPECT_EQ((*entries)[2].name, "autocommit");
  EXPECT_EQ((*entries)[2].value, "ON");
  EXPECT_EQ((*entries)[3].value, "OFF");
  EXPECT_STREQ(session_track_type_name((*entries)[1].type), "SESSION_TRACK_UNKNOWN");
  EXPECT_STREQ(session_track_type_name(3), "SESSION_TRACK_GTIDS");
}

TEST(SessionState, BuildersReproduceTheServersBytes) {
  Buffer out;
  serialize(system_variable_entry("last_gtid", "0-100-5"), out);
  EXPECT_EQ(to_hex(out), "0012096c6173745f6774696407302d3130302d35");
  out.clear();
  serialize(schema_entry("db1"), out);
  serialize(state_change_entry(), out);
  EXPECT_EQ(to_hex(out), "010403646231020131");
  out.clear();
  serialize(transaction_state_entry("T_______"), out);
  serialize(transaction_characteristics_entry("START TRANSACTION READ ONLY;"), out);
  EXPECT_EQ(to_hex(out), "050908545f5f5f5f5f5f5f041d1c5354415254205452414e53414354494f4e2052454144204f4e4c593b");
  out.clear();
  serialize(gtids_entry("3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5"), out);
  SessionStateEntry unknown;
  unknown.type = 0x2a;
  unknown.data = std::string_view("\x01\x02\x03", 3);
  serialize(unknown, out);
  serialize(system_variable_entry("autocommit", "ON"), out);
  serialize(system_variable_entry("autocommit", "OFF"), out);
  EXPECT_EQ(std::string(out.begin(), out.end()), kMixedBlock);
}

TEST(SessionState, ReaderStopsAtTheEndAndStaysFailed) {
  SessionStateReader reader(kSchemaStateBlock);
  EXPECT_TRUE(reader.next()->has_value());
  EXPECT_TRUE(reader.next()->has_value());
  EXPECT_FALSE(reader.next()->has_value());
  EXPECT_FALSE(reader.next()->has_value());

  const std::string bad = block("0003ff0000");  // variable name with an invalid length prefix
  SessionStateReader broken(bad);
  auto first = broken.next();
  ASSERT_FALSE(first.ok());
  EXPECT_STREQ(first.error().field, "system_variable_name");
  EXPECT_EQ(first.error().offset, 2u);
  EXPECT_FALSE(broken.next().ok());
}

struct BadOk {
  const char* name;
  CapabilityFlags caps;
  const char* wire;
  Errc code;
  const char* field;
  std::size_t offset;
};

void PrintTo(const BadOk& c, std::ostream* os) { *os << c.name; }

class BadOkTable : public ::testing::TestWithParam<BadOk> {};

TEST_P(BadOkTable, FailsNamingFieldAndOffset) {
  const BadOk& c = GetParam();
  const Buffer wire = unhex(c.wire);
  auto parsed = parse_ok(wire, c.caps);
  ASSERT_FALSE(parsed.ok());
  EXPECT_TRUE(same_error(parsed.error(), Error{c.code, c.field, c.offset})) << parsed.error().message();
}

INSTANTIATE_TEST_SUITE_P(
    Table, BadOkTable,
    ::testing::Values(
        BadOk{"empty", kCli, "", Errc::truncated, "ok_header", 0},
        BadOk{"err_header", kCli, "ff000002000000", Errc::bad_value, "ok_header", 0},
        BadOk{"null_affected_rows", kCli, "00fb0002000000", Errc::bad_value, "affected_rows", 1},
        BadOk{"bad_lenenc_insert_id", kCli, "0000ff02000000", Errc::bad_value, "last_insert_id", 2},
        BadOk{"short_status", kCli, "00000002", Errc::truncated, "status_flags", 3},
        BadOk{"short_warnings", kCli, "0000000200", Errc::truncated, "warnings", 5},
        BadOk{"info_longer_than_packet", kCli, "0000000200000005414243", Errc::truncated, "info", 8},
        BadOk{"state_flag_without_block", kCli, "0000000240000000", Errc::truncated, "session_state", 8},
        BadOk{"block_longer_than_packet", kCli, "00000002400000000601040364", Errc::truncated, "session_state", 9},
        BadOk{"entry_longer_than_block", kCli, "0000000240000000030105036462", Errc::truncated, "session_state_data",
              11},
        BadOk{"schema_longer_than_entry", kCli, "000000024000000004010204646231", Errc::truncated, "schema", 12},
        BadOk{"gtids_without_encoding", kCli, "00000002400000000203 00", Errc::truncated, "gtid_encoding", 11},
        BadOk{"variable_without_value", kCli, "00000002400000000400020161", Errc::truncated, "system_variable_value",
              13},
        BadOk{"trailing_after_block", kCli, "000000024000000000 00", Errc::trailing_bytes, "ok_packet", 9},
        BadOk{"trailing_after_info", kCli, "000000020000000041", Errc::trailing_bytes, "ok_packet", 8}),
    [](const auto& param_info) { return std::string(param_info.param.name); });

// ---------------------------------------------------------------------------------------------
// ERR packets and progress reports

struct ErrCase {
  const char* name;
  CapabilityFlags caps;
  const char* wire;
  ErrPacket expected;
};

void PrintTo(const ErrCase& c, std::ostream* os) { *os << c.name; }

class ErrTable : public ::testing::TestWithParam<ErrCase> {};

TEST_P(ErrTable, RoundTrip) {
  const ErrCase& c = GetParam();
  const Buffer wire = unhex(c.wire);
  auto parsed = parse_err(wire, c.caps);
  ASSERT_TRUE(parsed.ok()) << parsed.error().message();
  EXPECT_EQ(*parsed, c.expected);
  Buffer out;
  serialize(c.expected, c.caps, out);
  EXPECT_EQ(to_hex(out), c.wire);
  EXPECT_FALSE(is_progress_report(wire, c.caps));
}

INSTANTIATE_TEST_SUITE_P(
    Captured, ErrTable,
    ::testing::Values(
        // SELECT * FROM nosuch without a default database
        ErrCase{"no_database",
                kCli,
                "ff16042333443030304e6f2064617461626173652073656c6563746564",
                {1046, "3D000", "No database selected"}},
        // login as u with a wrong password
        ErrCase{"access_denied",
                kCli,
                "ff15042332383030304163636573732064656e69656420666f7220757365722027752740276c6f63616c686f73742720287573"
                "696e672070617373776f72643a2059455329",
                {1045, "28000", "Access denied for user 'u'@'localhost' (using password: YES)"}},
        // INSERT of a too long value in strict mode
        ErrCase{"data_too_long",
                kCli,
                "ff7e052332323030314461746120746f6f206c6f6e6720666f7220636f6c756d6e2027762720617420726f772031",
                {1406, "22001", "Data too long for column 'v' at row 1"}},
        // COM_STMT_EXECUTE of a closed statement (minimal client)
        ErrCase{"unknown_statement",
                kDeprecateEofClient,
                "ffdb04234859303030556e6b6e6f776e2070726570617265642073746174656d656e742068616e646c65722028312920676976"
                "656e20746f206d7973716c645f73746d745f65786563757465",
                {1243, "HY000", "Unknown prepared statement handler (1) given to mysqld_stmt_execute"}},
        // COM_PROCESS_KILL 999999
        ErrCase{"unknown_thread",
                kDeprecateEofClient,
                "ff4604234859303030556e6b6e6f776e207468726561642069643a20393939393939",
                {1094, "HY000", "Unknown thread id: 999999"}},
        // synthetic: no state marker (errors before the handshake completes), and pre-4.1
        ErrCase{"no_marker", kCli, "ff10045a", {1040, "", "Z"}},
        ErrCase{"pre41", 0, "ff1504233238303030", {1045, "", "#28000"}},
        ErrCase{"empty_message", kCli, "ff1504233238303030", {1045, "28000", ""}}),
    [](const auto& param_info) { return std::string(param_info.param.name); });

TEST(Err, BuilderMatchesTheServersAccessDenied) {
  const Buffer built = make_err(1045, "28000", "Access denied for user 'u'@'localhost' (using password: YES)");
  EXPECT_EQ(to_hex(built),
            "ff15042332383030304163636573732064656e69656420666f7220757365722027752740276c6f63616c686f73742720287573696e"
            "672070617373776f72643a2059455329");
  // A state of the wrong length is replaced by HY000 rather than corrupting the packet.
  EXPECT_EQ(to_hex(make_err(1105, "X", "m")),
            "ff5104234859303030"
            "6d");
  EXPECT_EQ(to_hex(make_err(1105, "", "m")),
            "ff5104234859303030"
            "6d");
  EXPECT_EQ(to_hex(make_err(1105, "42000", "m", 0)),
            "ff5104"
            "6d");
}

struct BadErr {
  const char* name;
  const char* wire;
  Errc code;
  const char* field;
  std::size_t offset;
};

class BadErrTable : public ::testing::TestWithParam<BadErr> {};

TEST_P(BadErrTable, Fails) {
  const BadErr& c = GetParam();
  auto parsed = parse_err(unhex(c.wire), kCli);
  ASSERT_FALSE(parsed.ok());
  EXPECT_TRUE(same_error(parsed.error(), Error{c.code, c.field, c.offset})) << parsed.error().message();
}

INSTANTIATE_TEST_SUITE_P(Table, BadErrTable,
                         ::testing::Values(BadErr{"empty", "", Errc::truncated, "err_header", 0},
                                           BadErr{"ok_header", "0015042332", Errc::bad_value, "err_header", 0},
                                           BadErr{"short_code", "ff15", Errc::truncated, "error_code", 1},
                                           BadErr{"short_state", "ff150423323830", Errc::truncated, "sql_state", 4},
                                           BadErr{"progress", "ffffff0102020000000f", Errc::unexpected_message,
                                                  "progress_report", 0}),
                         [](const auto& param_info) { return std::string(param_info.param.name); });

// LOAD DATA LOCAL INFILE on the CLI (which sets MARIADB_CLIENT_PROGRESS): "End bulk insert"
constexpr const char* kProgressWire = "ffffff0102020000000f456e642062756c6b20696e73657274";

TEST(ProgressReport, CapturedRoundTrip) {
  const Buffer wire = unhex(kProgressWire);
  EXPECT_TRUE(is_progress_report(wire, kCli));
  EXPECT_FALSE(is_progress_report(wire, kCli & ~cap::kMariadbProgress));
  auto parsed = parse_progress_report(wire);
  ASSERT_TRUE(parsed.ok()) << parsed.error().message();
  EXPECT_EQ(*parsed, (ProgressReport{2, 2, 0, "End bulk insert"}));
  Buffer out;
  serialize(*parsed, out);
  EXPECT_EQ(to_hex(out), kProgressWire);
  // Without the capability 0xffff is only an error code.
  auto as_err = parse_err(wire, kCli & ~cap::kMariadbProgress);
  ASSERT_TRUE(as_err.ok());
  EXPECT_EQ(as_err->code, 0xffff);
}

TEST(ProgressReport, SyntheticValuesAndTruncations) {
  Buffer out;
  serialize(ProgressReport{1, 3, 100000, "copy to tmp table"}, out);
  auto parsed = parse_progress_report(out);
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(*parsed, (ProgressReport{1, 3, 100000, "copy to tmp table"}));
  const Buffer wire = unhex(kProgressWire);
  const char* fields[] = {"err_header",     "error_code",         "error_code", "progress_string_count",
                          "progress_stage", "progress_max_stage", "progress",   "progress",
                          "progress",       "progress_info"};
  for (std::size_t n = 0; n < wire.size(); ++n) {
    auto p = parse_progress_report(Bytes(wire.data(), n));
    ASSERT_FALSE(p.ok()) << n;
    EXPECT_STREQ(p.error().field, n < 10 ? fields[n] : "progress_info") << n;
  }
  EXPECT_TRUE(
      same_error(parse_progress_report(unhex("ff1504010202000000")).error(), Error{Errc::bad_value, "error_code", 1}));
}

// ---------------------------------------------------------------------------------------------
// EOF packets and result set terminators

struct EofCase {
  const char* name;
  CapabilityFlags caps;
  const char* wire;
  EofPacket expected;
};

void PrintTo(const EofCase& c, std::ostream* os) { *os << c.name; }

class EofTable : public ::testing::TestWithParam<EofCase> {};

TEST_P(EofTable, RoundTripAndTruncations) {
  const EofCase& c = GetParam();
  const Buffer wire = unhex(c.wire);
  auto parsed = parse_eof(wire, c.caps);
  ASSERT_TRUE(parsed.ok()) << parsed.error().message();
  EXPECT_EQ(*parsed, c.expected);
  Buffer out;
  serialize(c.expected, c.caps, out);
  EXPECT_EQ(to_hex(out), c.wire);
  EXPECT_EQ(classify_result_packet(wire[0], wire.size(), c.caps), ResultPacketKind::terminator);
  auto status = parse_terminator_status(wire, c.caps);
  ASSERT_TRUE(status.ok());
  EXPECT_EQ(*status, c.expected.status);
  for (std::size_t n = 0; n < wire.size(); ++n) {
    auto p = parse_eof(Bytes(wire.data(), n), c.caps);
    ASSERT_FALSE(p.ok()) << n;
    EXPECT_EQ(p.error().code, Errc::truncated);
    EXPECT_STREQ(p.error().field, n == 0 ? "eof_header" : n < 3 ? "warnings" : "status_flags");
  }
}

INSTANTIATE_TEST_SUITE_P(Captured, EofTable,
                         ::testing::Values(
                             // after the column definitions and after the rows of SELECT DATABASE() (mariadb CLI)
                             EofCase{"after_rows", kCli, "fe00000200", {0, 0x0002}},
                             // synthetic: more results, warnings; pre-4.1 one-byte EOF
                             EofCase{"more_results", kCli, "fe03000a00", {3, 0x000a}},
                             EofCase{"pre41", 0, "fe", {0, 0}}),
                         [](const auto& param_info) { return std::string(param_info.param.name); });

TEST(Eof, RejectsWhatIsNotAnEof) {
  EXPECT_TRUE(same_error(parse_eof(unhex("0000000200"), kCli).error(), Error{Errc::bad_value, "eof_header", 0}));
  EXPECT_TRUE(same_error(parse_eof(unhex("fe0000020000"), kCli).error(), Error{Errc::trailing_bytes, "eof_packet", 5}));
  EXPECT_TRUE(same_error(parse_eof(unhex("fe0000000000000000"), kCli).error(), Error{Errc::too_long, "eof_packet", 0}));
}

struct ClassifyCase {
  std::uint8_t first;
  std::size_t length;
  CapabilityFlags caps;
  ResultPacketKind expected;
};

class ClassifyTable : public ::testing::TestWithParam<ClassifyCase> {};

TEST_P(ClassifyTable, Kind) {
  const auto& c = GetParam();
  EXPECT_EQ(classify_result_packet(c.first, c.length, c.caps), c.expected)
      << int{c.first} << " " << c.length << " " << c.caps;
}

constexpr CapabilityFlags kEof = kPlain41;
constexpr CapabilityFlags kNoEof = kPlain41 | cap::kDeprecateEof;
using K = ResultPacketKind;

INSTANTIATE_TEST_SUITE_P(
    Table, ClassifyTable,
    ::testing::Values(ClassifyCase{0xfe, 5, kEof, K::terminator}, ClassifyCase{0xfe, 1, kEof, K::terminator},
                      ClassifyCase{0xfe, 8, kEof, K::terminator}, ClassifyCase{0xfe, 9, kEof, K::row},
                      ClassifyCase{0xfe, 7, kNoEof, K::terminator}, ClassifyCase{0xfe, 9, kNoEof, K::terminator},
                      ClassifyCase{0xfe, 0xfffffe, kNoEof, K::terminator}, ClassifyCase{0xfe, 0xffffff, kNoEof, K::row},
                      ClassifyCase{0xfe, 0x1000009, kNoEof, K::row}, ClassifyCase{0xfe, 0x1000009, kEof, K::row},
                      ClassifyCase{0xff, 9, kEof, K::error}, ClassifyCase{0xff, 9, kNoEof, K::error},
                      ClassifyCase{0x00, 7, kNoEof, K::row}, ClassifyCase{0xfb, 1, kEof, K::row},
                      ClassifyCase{0x01, 2, kNoEof, K::row}, ClassifyCase{0xfc, 5, kEof, K::row}));

TEST(Terminator, DeprecateEofStatusComesFromTheOkForm) {
  // end of SELECT 1 rows for the minimal client (CLIENT_DEPRECATE_EOF)
  auto status = parse_terminator_status(unhex("fe000002000000"), kDeprecateEofClient);
  ASSERT_TRUE(status.ok());
  EXPECT_EQ(*status, 0x0002);
  EXPECT_FALSE(parse_terminator_status(unhex("fe000002"), kDeprecateEofClient).ok());
  EXPECT_FALSE(parse_terminator_status(unhex("fe000002000000"), kCli).ok());  // too long for an EOF's shape
}

// ---------------------------------------------------------------------------------------------
// LOCAL INFILE request

TEST(LocalInfile, CapturedRoundTrip) {
  // LOAD DATA LOCAL INFILE '/tmp/h-response/in.csv' INTO TABLE t ...
  constexpr const char* wire = "fb2f746d702f682d726573706f6e73652f696e2e637376";
  const Buffer bytes = unhex(wire);
  auto parsed = parse_local_infile_request(bytes);
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->filename, "/tmp/h-response/in.csv");
  Buffer out;
  serialize(*parsed, out);
  EXPECT_EQ(to_hex(out), wire);
  EXPECT_TRUE(
      same_error(parse_local_infile_request(unhex("")).error(), Error{Errc::truncated, "local_infile_header", 0}));
  EXPECT_TRUE(
      same_error(parse_local_infile_request(unhex("00")).error(), Error{Errc::bad_value, "local_infile_header", 0}));
}

// ---------------------------------------------------------------------------------------------
// No input crashes a parser (deterministic random bytes, prefixed with each header byte).

TEST(ResponseRobustness, RandomPayloadsNeverCrash) {
  std::mt19937 rng(12345);
  const CapabilityFlags caps_list[] = {0, kPlain41, kCli, kDeprecateEofClient};
  const std::uint8_t headers[] = {0x00, 0xfe, 0xff, 0xfb};
  for (int i = 0; i < 4000; ++i) {
    Buffer b(static_cast<std::size_t>(rng() % 40));
    for (auto& x : b) x = static_cast<std::uint8_t>(rng() % 4 == 0 ? 0xfb + rng() % 5 : rng());
    if (!b.empty()) b[0] = headers[rng() % 4];
    if (b.size() > 5 && rng() % 2 == 0) b[3] = 0x40;  // session state changed
    for (auto caps : caps_list) {
      auto o = parse_ok(b, caps);
      if (o) {
        (void)o->system_variable("last_gtid");
        (void)o->transaction_state();
        Buffer again;
        serialize(*o, caps, again);
        auto reparsed = parse_ok(again, caps);
        ASSERT_TRUE(reparsed.ok());
        EXPECT_EQ(*reparsed, *o);
      } else {
        EXPECT_LE(o.error().offset, b.size());
      }
      (void)parse_err(b, caps);
      (void)parse_eof(b, caps);
      (void)parse_terminator_status(b, caps);
    }
    (void)parse_progress_report(b);
    (void)parse_local_infile_request(b);
    (void)parse_session_state(as_string(b));
  }
}

}  // namespace
}  // namespace weir::protocol
