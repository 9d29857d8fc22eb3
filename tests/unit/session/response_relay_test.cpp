// ResponseRelay on byte streams of every reply kind, fed whole, cut at every offset into two
// pieces and fed byte by byte: the same bytes go to the client, the same outcome ends the
// response and the same session state is learnt, however the bytes arrive.
#include "session/response_relay.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "reply_bytes.hpp"
#include "weir/protocol/capabilities.hpp"
#include "weir/protocol/commands.hpp"

namespace weir::session {
namespace {

namespace proto = weir::protocol;
using Outcome = ResponseRelay::Outcome;

constexpr proto::CapabilityFlags kCaps =
    proto::cap::kProtocol41 | proto::cap::kTransactions | proto::cap::kSecureConnection | proto::cap::kMultiStatements |
    proto::cap::kMultiResults | proto::cap::kPsMultiResults | proto::cap::kPluginAuth | proto::cap::kLocalFiles;
constexpr proto::CapabilityFlags kTrackCaps = kCaps | proto::cap::kSessionTrack;
constexpr proto::CapabilityFlags kDeprecateEofCaps = kCaps | proto::cap::kDeprecateEof;

using test_bytes::bytes;
using test_bytes::frame;

const std::string kOk = bytes({0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00});
const std::string kOkMoreResults = bytes({0x00, 0x01, 0x00, 0x0a, 0x00, 0x00, 0x00});
const std::string kEof = bytes({0xfe, 0x00, 0x00, 0x02, 0x00});
// A column `a` (VARCHAR, utf8mb4) as Protocol::ColumnDefinition41.
const std::string kColumn = bytes({0x03, 'd',  'e',  'f',  0x00, 0x00, 0x00, 0x01, 'a',  0x00, 0x0c, 0x2d,
                                   0x00, 0x50, 0x00, 0x00, 0x00, 0xfd, 0x00, 0x00, 0x00, 0x00, 0x00});
const std::string kErr1792 =
    bytes({0xff, 0x00, 0x07, '#', '2', '5', '0', '0', '6'}) + "Cannot execute statement in a READ ONLY transaction";
// OK with SERVER_SESSION_STATE_CHANGED: the current database is now `db`.
const std::string kOkSchemaDb =
    bytes({0x00, 0x00, 0x00, 0x02, 0x40, 0x00, 0x00, 0x00, 0x05, 0x01, 0x03, 0x02, 'd', 'b'});

std::string row(const std::string& value) {
  std::string out;
  if (value.size() < 251) {
    out.push_back(static_cast<char>(value.size()));
  } else {
    out += bytes({0xfd, static_cast<int>(value.size() & 0xff), static_cast<int>((value.size() >> 8) & 0xff),
                  static_cast<int>((value.size() >> 16) & 0xff)});
  }
  return out + value;
}

// A result set of one column and `rows`, classic EOF framing; sequence ids from `seq`.
std::string result_set(std::uint8_t seq, const std::vector<std::string>& rows, bool deprecate_eof = false) {
  std::string out = frame(seq++, bytes({0x01}));
  out += frame(seq++, kColumn);
  if (!deprecate_eof) out += frame(seq++, kEof);
  for (const auto& value : rows) out += frame(seq++, row(value));
  // With CLIENT_DEPRECATE_EOF the end is an OK packet with the 0xfe header.
  out += frame(seq, deprecate_eof ? bytes({0xfe, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00}) : kEof);
  return out;
}

struct Fed {
  std::string forwarded;
  Outcome outcome = Outcome::need_more;
  TrackedState tracked;
  bool stalled = false;  // the relay asked for more after the stream ended
};

// Feeds `stream` in pieces cut at `cuts` (ascending offsets), as a socket might deliver it.
// With `new_id`, the relay is asked where a PREPARE_OK's statement id is, and it is overwritten.
Fed feed(std::uint8_t command, proto::CapabilityFlags caps, const std::string& stream,
         const std::vector<std::size_t>& cuts, std::optional<std::uint32_t> new_id = std::nullopt) {
  ResponseRelay relay;
  relay.start(command, caps);
  if (new_id) relay.rewrite_statement_id();
  Fed fed;
  std::string pending;
  std::size_t next = 0;
  std::size_t cut = 0;
  while (true) {
    const auto* data = reinterpret_cast<const std::uint8_t*>(pending.data());
    const auto step = relay.scan(proto::Bytes(data, pending.size()));
    if (step.statement_id_at != 0) {
      EXPECT_TRUE(new_id.has_value());
      EXPECT_LE(step.statement_id_at + 4, step.forward);
      for (int i = 0; i < 4; ++i) pending[step.statement_id_at + i] = static_cast<char>((*new_id >> (8 * i)) & 0xff);
    }
    fed.forwarded += pending.substr(0, step.forward);
    pending.erase(0, step.forward);
    if (step.outcome != Outcome::need_more) {
      fed.outcome = step.outcome;
      break;
    }
    if (next >= stream.size()) {
      fed.stalled = true;
      break;
    }
    const std::size_t end = cut < cuts.size() ? cuts[cut++] : stream.size();
    pending += stream.substr(next, end - next);
    next = end;
  }
  fed.forwarded += pending;  // bytes after the end would be the next response's; none here
  fed.tracked = relay.tracked();
  return fed;
}

struct Reply {
  const char* name;
  proto::Command command;
  proto::CapabilityFlags caps;
  std::string stream;
  Outcome outcome;
};
void PrintTo(const Reply& r, std::ostream* os) { *os << r.name; }

std::vector<Reply> replies() {
  const auto query = proto::Command::query;
  return {
      {"ok", query, kCaps, frame(1, kOk), Outcome::done},
      {"err", query, kCaps, frame(1, kErr1792), Outcome::done},
      {"empty result set", query, kCaps, result_set(1, {}), Outcome::done},
      {"result set", query, kCaps, result_set(1, {"x", "", "longer value"}), Outcome::done},
      {"result set, deprecate eof", query, kDeprecateEofCaps, result_set(1, {"x", "y"}, true), Outcome::done},
      {"multi-result: ok then result set", query, kCaps, frame(1, kOkMoreResults) + result_set(2, {"x"}),
       Outcome::done},
      {"multi-result: result set then err", query, kCaps,
       result_set(1, {"x"}).substr(0, result_set(1, {"x"}).size() - kEof.size() - 4) +
           frame(5, bytes({0xfe, 0x00, 0x00, 0x0a, 0x00})) + frame(6, kErr1792),
       Outcome::done},
      {"local infile request", query, kCaps, frame(1, bytes({0xfb}) + "/tmp/data.csv"), Outcome::local_infile},
      {"ok with the schema tracked", query, kTrackCaps, frame(1, kOkSchemaDb), Outcome::done},
      {"a 300-byte row", query, kCaps, result_set(1, {std::string(300, 'v')}), Outcome::done},
      {"ping", proto::Command::ping, kCaps, frame(1, kOk), Outcome::done},
  };
}

class RelayEveryCut : public ::testing::TestWithParam<Reply> {};

TEST_P(RelayEveryCut, SameBytesOutcomeAndStateWhereverTheStreamIsCut) {
  const Reply& r = GetParam();
  const auto command = static_cast<std::uint8_t>(r.command);
  const Fed whole = feed(command, r.caps, r.stream, {});
  ASSERT_FALSE(whole.stalled) << r.name;
  EXPECT_EQ(whole.outcome, r.outcome);
  EXPECT_EQ(whole.forwarded, r.stream);
  for (std::size_t at = 1; at < r.stream.size(); ++at) {
    const Fed two = feed(command, r.caps, r.stream, {at});
    ASSERT_FALSE(two.stalled) << "cut at " << at;
    EXPECT_EQ(two.outcome, whole.outcome) << "cut at " << at;
    EXPECT_EQ(two.forwarded, r.stream) << "cut at " << at;
    EXPECT_EQ(two.tracked.error, whole.tracked.error) << "cut at " << at;
    EXPECT_EQ(two.tracked.error_code, whole.tracked.error_code) << "cut at " << at;
    EXPECT_EQ(two.tracked.schema, whole.tracked.schema) << "cut at " << at;
    EXPECT_EQ(two.tracked.last_gtid, whole.tracked.last_gtid) << "cut at " << at;
  }
  std::vector<std::size_t> every;
  for (std::size_t at = 1; at < r.stream.size(); ++at) every.push_back(at);
  const Fed bytewise = feed(command, r.caps, r.stream, every);
  EXPECT_EQ(bytewise.outcome, whole.outcome);
  EXPECT_EQ(bytewise.forwarded, r.stream);
  EXPECT_EQ(bytewise.tracked.error_code, whole.tracked.error_code);
}

INSTANTIATE_TEST_SUITE_P(Replies, RelayEveryCut, ::testing::ValuesIn(replies()));

// COM_STMT_PREPARE's reply: PREPARE_OK (statement 7, one column, one parameter), the parameter's
// definition and EOF, the column's and EOF.
const std::string kPrepareReply =
    frame(1, bytes({0x00, 0x07, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00})) + frame(2, kColumn) +
    frame(3, kEof) + frame(4, kColumn) + frame(5, kEof);

TEST(ResponseRelay, RewritesThePreparedStatementIdWhereverTheStreamIsCut) {
  std::string expected = kPrepareReply;
  expected.replace(5, 4, bytes({0x2a, 0x01, 0x00, 0x00}));
  for (std::size_t cut = 0; cut <= kPrepareReply.size(); ++cut) {
    const Fed fed = feed(0x16, kCaps, kPrepareReply, {cut}, 0x12a);
    EXPECT_EQ(fed.outcome, Outcome::done) << cut;
    EXPECT_EQ(fed.forwarded, expected) << "cut at " << cut;
  }
  // Without the request the bytes go through as they are.
  EXPECT_EQ(feed(0x16, kCaps, kPrepareReply, {}).forwarded, kPrepareReply);
}

TEST(ResponseRelay, LearnsErrorCodesAndTheTrackedSchema) {
  const Fed err = feed(static_cast<std::uint8_t>(proto::Command::query), kCaps, frame(1, kErr1792), {});
  EXPECT_TRUE(err.tracked.error);
  EXPECT_EQ(err.tracked.error_code, 1792);
  const Fed ok = feed(static_cast<std::uint8_t>(proto::Command::query), kTrackCaps, frame(1, kOkSchemaDb), {});
  EXPECT_FALSE(ok.tracked.error);
  ASSERT_TRUE(ok.tracked.schema.has_value());
  EXPECT_EQ(*ok.tracked.schema, "db");
}

TEST(ResponseRelay, LearnsWhatTheNextStatementMayAskAbout) {
  const auto query = static_cast<std::uint8_t>(proto::Command::query);
  const Fed plain = feed(query, kCaps, frame(1, kOk), {});
  EXPECT_FALSE(plain.tracked.warnings || plain.tracked.affected_rows || plain.tracked.last_insert_id);
  // OK: 3 affected rows, insert id 7, status autocommit, 2 warnings.
  const Fed wrote = feed(query, kCaps, frame(1, bytes({0x00, 0x03, 0x07, 0x02, 0x00, 0x02, 0x00})), {});
  EXPECT_TRUE(wrote.tracked.affected_rows);
  EXPECT_TRUE(wrote.tracked.last_insert_id);
  EXPECT_TRUE(wrote.tracked.warnings);
  // A result set whose closing EOF counts a warning.
  const std::string rows = frame(1, bytes({0x01})) + frame(2, kColumn) + frame(3, kEof) + frame(4, row("x")) +
                           frame(5, bytes({0xfe, 0x01, 0x00, 0x02, 0x00}));
  const Fed warned = feed(query, kCaps, rows, {});
  EXPECT_TRUE(warned.tracked.warnings);
  EXPECT_FALSE(warned.tracked.affected_rows);
}

TEST(ResponseRelay, ARowLargerThanAHeadStreamsBeforeItIsComplete) {
  // A row of 200,000 bytes: the relay forwards its first bytes before the rest arrives.
  const std::string stream = result_set(1, {std::string(200000, 'r')});
  const std::size_t head_end = stream.find(std::string(100, 'r'));
  ResponseRelay relay;
  relay.start(static_cast<std::uint8_t>(proto::Command::query), kCaps);
  const std::string first = stream.substr(0, head_end + 50000);
  const auto step = relay.scan(proto::Bytes(reinterpret_cast<const std::uint8_t*>(first.data()), first.size()));
  EXPECT_EQ(step.outcome, Outcome::need_more);
  EXPECT_EQ(step.forward, first.size()) << "the partial row should stream through";
  // Cut at a sample of offsets across the whole stream.
  for (std::size_t at = 1; at < stream.size(); at += 997) {
    const Fed two = feed(static_cast<std::uint8_t>(proto::Command::query), kCaps, stream, {at});
    ASSERT_EQ(two.outcome, Outcome::done) << "cut at " << at;
    ASSERT_EQ(two.forwarded.size(), stream.size()) << "cut at " << at;
  }
}

TEST(ResponseRelay, AProtocolViolationFails) {
  // A result set whose column count is followed by an OK packet instead of a column definition.
  const std::string stream = frame(1, bytes({0x01})) + frame(2, kOk);
  const Fed fed = feed(static_cast<std::uint8_t>(proto::Command::query), kCaps, stream, {});
  EXPECT_EQ(fed.outcome, Outcome::failed);
}

}  // namespace
}  // namespace weir::session
