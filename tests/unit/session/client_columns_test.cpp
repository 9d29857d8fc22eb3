// MariaDB's metadata cache through the relay: ResponseRelay and ClientColumns driven as the
// session drives them, on byte streams cut at every offset. The client must get the bytes the
// server would have sent had it included the definitions, with the sequence ids that follow.
#include "session/client_columns.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "reply_bytes.hpp"
#include "weir/protocol/capabilities.hpp"
#include "weir/protocol/commands.hpp"
#include "weir/protocol/framing.hpp"

namespace weir::session {
namespace {

namespace proto = weir::protocol;
using Outcome = ResponseRelay::Outcome;

constexpr proto::CapabilityFlags kCaps = proto::cap::kProtocol41 | proto::cap::kTransactions |
                                         proto::cap::kSecureConnection | proto::cap::kMultiResults |
                                         proto::cap::kPsMultiResults | proto::cap::kMariadbCacheMetadata;
constexpr auto kExecute = static_cast<std::uint8_t>(proto::Command::stmt_execute);

using test_bytes::bytes;
using test_bytes::frame;
// A VARCHAR column named `name` as Protocol::ColumnDefinition41.
std::string column(char name) {
  return bytes({0x03, 'd',  'e',  'f',  0x00, 0x00, 0x00, 0x01, name, 0x00, 0x0c, 0x2d,
                0x00, 0x50, 0x00, 0x00, 0x00, 0xfd, 0x00, 0x00, 0x00, 0x00, 0x00});
}
const std::string kEof = bytes({0xfe, 0x00, 0x00, 0x02, 0x00});
// A binary row of `values` (none NULL).
std::string binary_row(const std::vector<std::string>& values) {
  std::string out = bytes({0x00});
  out += std::string((values.size() + 7 + 2) / 8, '\0');
  for (const auto& v : values) out += static_cast<char>(v.size()) + v;
  return out;
}

// An execution's reply under the metadata cache: the header (column count, metadata_follows),
// the definitions when they follow, the EOF (sent either way), the rows, the closing EOF.
std::string execution(bool follows, const std::vector<std::string>& columns, const std::vector<std::string>& rows) {
  std::uint8_t seq = 1;
  std::string out = frame(seq++, bytes({static_cast<int>(columns.size()), follows ? 1 : 0}));
  if (follows) {
    for (const auto& c : columns) out += frame(seq++, c);
  }
  out += frame(seq++, kEof);
  for (const auto& r : rows) out += frame(seq++, binary_row(std::vector<std::string>(columns.size(), r)));
  return out + frame(seq, kEof);
}

backend::ColumnDefinitions definitions(const std::vector<std::string>& columns) {
  backend::ColumnDefinitions d;
  for (const auto& c : columns) d.append(proto::as_bytes(c));
  d.finish();
  return d;
}

struct Relayed {
  std::string to_client;
  Outcome outcome = Outcome::need_more;
  bool gave = false;
};

// The session's loop (Session::relay_response) over `stream` arriving in pieces cut at `cut`.
Relayed relay_execution(const std::string& stream, std::size_t cut, backend::PreparedStatements& cache,
                        backend::PreparedStatements::Entry& entry, std::uint64_t& seen) {
  ResponseRelay relay;
  ClientColumns columns;
  relay.start(kExecute, kCaps);
  columns.expect(entry, seen);
  columns.begin(relay, kExecute, kCaps);
  Relayed out;
  std::string pending;
  std::size_t next = 0;
  bool cut_done = false;
  while (true) {
    auto* data = reinterpret_cast<std::uint8_t*>(pending.data());
    const auto step = relay.scan(std::span<std::uint8_t>(data, pending.size()));
    out.to_client += pending.substr(0, step.forward);
    pending.erase(0, step.forward);
    if (step.outcome == Outcome::columns_left_out) {
      const auto header = proto::decode_frame_header(reinterpret_cast<const std::uint8_t*>(pending.data()));
      const std::size_t size = proto::kFrameHeaderSize + header.payload_length;
      proto::Buffer given;
      const auto count = columns.give(proto::as_bytes(pending).first(size), relay.sequence_shift(), given);
      if (!count) {
        out.outcome = Outcome::failed;
        return out;
      }
      out.gave = true;
      out.to_client.append(given.begin(), given.end());
      pending.erase(0, size);
      relay.columns_given(*count);
      continue;
    }
    if (step.outcome == Outcome::done) {
      std::vector<std::uint32_t> evicted;
      columns.end(relay, cache, evicted);
      out.outcome = step.outcome;
      return out;
    }
    if (step.outcome != Outcome::need_more || next >= stream.size()) {
      out.outcome = step.outcome;
      return out;
    }
    const std::size_t end = (!cut_done && cut > next) ? cut : stream.size();
    cut_done = cut_done || end == cut;
    pending += stream.substr(next, end - next);
    next = end;
  }
}

TEST(ClientColumns, TheClientGetsTheDefinitionsTheServerLeftOutWhereverTheStreamIsCut) {
  const std::vector<std::string> now = {column('b'), column('c')};
  const std::string from_server = execution(false, now, {"x", "yz"});
  const std::string expected = execution(true, now, {"x", "yz"});
  for (std::size_t cut = 0; cut <= from_server.size(); ++cut) {
    backend::PreparedStatements cache;
    std::vector<std::uint32_t> to_close;
    auto& entry = cache.add("SELECT b, c FROM t", "", 1, to_close);
    auto kept = definitions(now);
    cache.set_columns(entry, kept, to_close);
    std::uint64_t seen = definitions({column('a'), column('c')}).fingerprint();  // what the client has
    const Relayed r = relay_execution(from_server, cut, cache, entry, seen);
    ASSERT_EQ(r.outcome, Outcome::done) << "cut at " << cut;
    EXPECT_TRUE(r.gave);
    EXPECT_EQ(r.to_client, expected) << "cut at " << cut;
    EXPECT_EQ(seen, entry.columns.fingerprint()) << "the client has them now";
    // The next execution that leaves them out goes through as the server sent it.
    const Relayed again = relay_execution(from_server, cut, cache, entry, seen);
    EXPECT_FALSE(again.gave);
    EXPECT_EQ(again.to_client, from_server) << "cut at " << cut;
  }
}

TEST(ClientColumns, DefinitionsTheServerSendsAreKeptForTheStatementAndTheClient) {
  const std::vector<std::string> sent = {column('n')};
  const std::string from_server = execution(true, sent, {"1"});
  for (std::size_t cut = 0; cut <= from_server.size(); cut += 3) {
    backend::PreparedStatements cache;
    std::vector<std::uint32_t> to_close;
    auto& entry = cache.add("SELECT n FROM t", "", 1, to_close);
    auto old = definitions({column('o')});
    cache.set_columns(entry, old, to_close);
    std::uint64_t seen = 0;
    const Relayed r = relay_execution(from_server, cut, cache, entry, seen);
    ASSERT_EQ(r.outcome, Outcome::done);
    EXPECT_EQ(r.to_client, from_server) << "cut at " << cut;
    EXPECT_EQ(entry.columns.fingerprint(), definitions(sent).fingerprint());
    EXPECT_EQ(seen, entry.columns.fingerprint());
  }
}

TEST(ClientColumns, DefinitionsWeirDoesNotHaveCannotBeGiven) {
  const std::string from_server = execution(false, {column('a')}, {"1"});
  backend::PreparedStatements cache;
  std::vector<std::uint32_t> to_close;
  auto& entry = cache.add("SELECT a FROM t", "", 1, to_close);  // no columns kept
  std::uint64_t seen = 0;
  EXPECT_EQ(relay_execution(from_server, 0, cache, entry, seen).outcome, Outcome::failed);
  // Nor definitions of another column count than the header's.
  auto two = definitions({column('a'), column('b')});
  cache.set_columns(entry, two, to_close);
  EXPECT_EQ(relay_execution(from_server, 0, cache, entry, seen).outcome, Outcome::failed);
}

TEST(ClientColumns, WithoutTheCacheNothingIsKeptOrStopped) {
  ResponseRelay relay;
  ClientColumns columns;
  backend::PreparedStatements cache;
  std::vector<std::uint32_t> to_close;
  auto& entry = cache.add("SELECT a FROM t", "", 1, to_close);
  std::uint64_t seen = 5;
  const auto caps = kCaps & ~proto::cap::kMariadbCacheMetadata;
  relay.start(kExecute, caps);
  columns.expect(entry, seen);
  columns.begin(relay, kExecute, caps);
  std::string stream =
      frame(1, bytes({0x01})) + frame(2, column('a')) + frame(3, kEof) + frame(4, binary_row({"v"})) + frame(5, kEof);
  const auto step = relay.scan(proto::as_bytes(stream));
  EXPECT_EQ(step.outcome, Outcome::done);
  EXPECT_EQ(step.forward, stream.size());
  EXPECT_FALSE(relay.columns_kept());
  columns.end(relay, cache, to_close);
  EXPECT_EQ(seen, 5U);
}

TEST(ClientColumns, APrepareReplyKeepsTheColumnsNotTheParameters) {
  ResponseRelay relay;
  ClientColumns columns;
  const auto prepare = static_cast<std::uint8_t>(proto::Command::stmt_prepare);
  relay.start(prepare, kCaps);
  columns.begin(relay, prepare, kCaps);
  // PREPARE_OK: statement 7, one column, one parameter; the parameter's definition, EOF, the
  // column's, EOF.
  const std::string reply = frame(1, bytes({0x00, 0x07, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00})) +
                            frame(2, column('p')) + frame(3, kEof) + frame(4, column('r')) + frame(5, kEof);
  const auto step = relay.scan(proto::as_bytes(reply));
  EXPECT_EQ(step.outcome, Outcome::done);
  ASSERT_TRUE(relay.columns_kept());
  EXPECT_EQ(columns.kept().fingerprint(), definitions({column('r')}).fingerprint());
}

}  // namespace
}  // namespace weir::session
