// The proxy's per-packet path over a result set held in memory: walk the frames, feed the
// ResponseTracker with each frame's length and head, count rows. Also the cost of decoding the
// rows themselves (text: TextRowReader / parse_text_row; binary: check_binary_row).
//
// The result set: 10,000 rows x 8 columns of a typical table (INT id, INT, VARCHAR name,
// VARCHAR email, DECIMAL, DATETIME, TINYINT, nullable VARCHAR note), framed as a server sends it.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "weir/protocol/capabilities.hpp"
#include "weir/protocol/column.hpp"
#include "weir/protocol/commands.hpp"
#include "weir/protocol/framing.hpp"
#include "weir/protocol/response.hpp"
#include "weir/protocol/resultset.hpp"
#include "weir/protocol/rows.hpp"

namespace weir::protocol {
namespace {

constexpr int kRows = 10000;
constexpr CapabilityFlags kBaseCaps = cap::kProtocol41 | cap::kTransactions | cap::kMultiResults |
                                      cap::kPsMultiResults | cap::kSecureConnection | cap::kPluginAuth;

struct Stream {
  Buffer bytes;
  std::vector<ColumnDefinition> columns;
  std::size_t rows = 0;
};

std::vector<ColumnDefinition> table_columns() {
  const std::pair<const char*, ColumnType> spec[] = {
      {"id", ColumnType::long_},         {"user_id", ColumnType::long_},      {"name", ColumnType::var_string},
      {"email", ColumnType::var_string}, {"balance", ColumnType::newdecimal}, {"created", ColumnType::datetime},
      {"status", ColumnType::tiny},      {"note", ColumnType::var_string},
  };
  std::vector<ColumnDefinition> columns;
  for (const auto& [name, type] : spec) {
    ColumnDefinition c;
    c.schema = "shop";
    c.table = "accounts";
    c.org_table = "accounts";
    c.name = name;
    c.org_name = name;
    c.charset = type == ColumnType::var_string ? 45 : 63;
    c.column_length = 64;
    c.type = type;
    columns.push_back(c);
  }
  return columns;
}

std::string random_text(std::mt19937& rng, std::size_t min, std::size_t max) {
  std::string s(min + rng() % (max - min + 1), 'a');
  for (auto& ch : s) ch = static_cast<char>('a' + rng() % 26);
  return s;
}

// One row's values; strings are kept alive by `storage`.
std::vector<Value> row_values(std::mt19937& rng, int id, std::vector<std::string>& storage) {
  storage.clear();
  storage.push_back(random_text(rng, 8, 24));
  storage.push_back(random_text(rng, 10, 20) + "@example.com");
  storage.push_back(std::to_string(rng() % 100000) + "." + std::to_string(10 + rng() % 90));
  storage.push_back(random_text(rng, 10, 60));
  std::vector<Value> v;
  v.emplace_back(std::int64_t{id});
  v.emplace_back(std::int64_t{static_cast<std::int64_t>(rng() % 1000000)});
  v.emplace_back(std::string_view(storage[0]));
  v.emplace_back(std::string_view(storage[1]));
  v.emplace_back(std::string_view(storage[2]));
  v.emplace_back(DateTime{2024, static_cast<std::uint8_t>(1 + rng() % 12), static_cast<std::uint8_t>(1 + rng() % 28),
                          static_cast<std::uint8_t>(rng() % 24), static_cast<std::uint8_t>(rng() % 60),
                          static_cast<std::uint8_t>(rng() % 60), 0});
  v.emplace_back(std::int64_t{static_cast<std::int64_t>(rng() % 4)});
  if (rng() % 10 < 3) {
    v.emplace_back(std::monostate{});
  } else {
    v.emplace_back(std::string_view(storage[3]));
  }
  return v;
}

// COM_QUERY (text) or COM_STMT_EXECUTE (binary) response: column count, definitions, [EOF],
// rows, terminator.
Stream make_stream(bool binary, CapabilityFlags caps) {
  Stream s;
  s.columns = table_columns();
  std::uint8_t seq = 1;
  Buffer payload;
  const auto frame = [&] {
    seq = append_packet(s.bytes, payload, seq);
    payload.clear();
  };
  Writer(payload).lenenc_int(s.columns.size());
  frame();
  for (const auto& c : s.columns) {
    serialize(c, caps, payload);
    frame();
  }
  const bool deprecate_eof = has(caps, cap::kDeprecateEof);
  if (!deprecate_eof) {
    serialize(EofPacket{0, status::kAutocommit}, caps, payload);
    frame();
  }
  std::mt19937 rng(42);
  std::vector<std::string> storage;
  for (int i = 1; i <= kRows; ++i) {
    const auto values = row_values(rng, i, storage);
    if (binary) {
      (void)serialize_binary_row(values, s.columns, payload);
    } else {
      serialize_text_row(values, payload);
    }
    frame();
    ++s.rows;
  }
  if (deprecate_eof) {
    OkPacket ok;
    ok.header = kEofHeader;
    ok.status = status::kAutocommit;
    serialize(ok, caps, payload);
  } else {
    serialize(EofPacket{0, status::kAutocommit}, caps, payload);
  }
  frame();
  return s;
}

const Stream& text_stream(bool deprecate_eof) {
  static const Stream with = make_stream(false, kBaseCaps | cap::kDeprecateEof);
  static const Stream without = make_stream(false, kBaseCaps);
  return deprecate_eof ? with : without;
}

const Stream& binary_stream() {
  static const Stream s = make_stream(true, kBaseCaps | cap::kDeprecateEof);
  return s;
}

// The relay loop's view of a frame: its length and up to 64 KiB of its payload.
inline Bytes frame_head(const std::uint8_t* p, const std::uint8_t* end, std::uint32_t length) {
  const std::size_t available = static_cast<std::size_t>(end - p) - kFrameHeaderSize;
  const std::size_t n = std::min<std::size_t>({length, ResponseTracker::kFullHeadLimit, available});
  return {p + kFrameHeaderSize, n};
}

std::uint64_t track(const Stream& s, Command command, CapabilityFlags caps, ResponseTracker& tracker) {
  tracker.start(command, caps);
  std::uint64_t rows = 0;
  const std::uint8_t* p = s.bytes.data();
  const std::uint8_t* const end = p + s.bytes.size();
  while (p + kFrameHeaderSize <= end) {
    const FrameHeader header = decode_frame_header(p);
    const ResponseEvent event = tracker.on_packet(header.payload_length, frame_head(p, end, header.payload_length));
    rows += event == ResponseEvent::row ? 1 : 0;
    p += kFrameHeaderSize + header.payload_length;
  }
  return rows;
}

void check_tracked(benchmark::State& state, const Stream& s, const ResponseTracker& tracker, std::uint64_t rows) {
  if (rows != s.rows || !tracker.done()) state.SkipWithError("the tracker did not follow the result set");
}

void BM_TrackTextResultSet(benchmark::State& state) {
  const bool deprecate_eof = state.range(0) != 0;
  const CapabilityFlags caps = kBaseCaps | (deprecate_eof ? cap::kDeprecateEof : 0);
  const Stream& s = text_stream(deprecate_eof);
  ResponseTracker tracker;
  std::uint64_t rows = 0;
  for (auto _ : state) {
    rows = track(s, Command::query, caps, tracker);
    benchmark::DoNotOptimize(rows);
  }
  check_tracked(state, s, tracker, rows);
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * s.bytes.size()));
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * s.rows));
  state.counters["bytes_per_row"] = static_cast<double>(s.bytes.size()) / static_cast<double>(s.rows);
}
BENCHMARK(BM_TrackTextResultSet)->ArgName("deprecate_eof")->Arg(1)->Arg(0);

void BM_TrackBinaryResultSet(benchmark::State& state) {
  const CapabilityFlags caps = kBaseCaps | cap::kDeprecateEof;
  const Stream& s = binary_stream();
  ResponseTracker tracker;
  std::uint64_t rows = 0;
  for (auto _ : state) {
    rows = track(s, Command::stmt_execute, caps, tracker);
    benchmark::DoNotOptimize(rows);
  }
  check_tracked(state, s, tracker, rows);
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * s.bytes.size()));
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * s.rows));
}
BENCHMARK(BM_TrackBinaryResultSet);

// Tracks and decodes every field of every text row without allocating.
void BM_DecodeTextRows(benchmark::State& state) {
  const CapabilityFlags caps = kBaseCaps | cap::kDeprecateEof;
  const Stream& s = text_stream(true);
  ResponseTracker tracker;
  std::uint64_t field_bytes = 0;
  std::uint64_t nulls = 0;
  for (auto _ : state) {
    tracker.start(Command::query, caps);
    const std::uint8_t* p = s.bytes.data();
    const std::uint8_t* const end = p + s.bytes.size();
    while (p + kFrameHeaderSize <= end) {
      const FrameHeader header = decode_frame_header(p);
      const Bytes head = frame_head(p, end, header.payload_length);
      if (tracker.on_packet(header.payload_length, head) == ResponseEvent::row) {
        TextRowReader reader(head);
        TextField field;
        while (reader.next(field)) {
          if (field) {
            field_bytes += field->size();
          } else {
            ++nulls;
          }
        }
      }
      p += kFrameHeaderSize + header.payload_length;
    }
    benchmark::DoNotOptimize(field_bytes);
    benchmark::DoNotOptimize(nulls);
  }
  if (!tracker.done() || nulls == 0) state.SkipWithError("decoding went wrong");
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * s.bytes.size()));
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * s.rows));
}
BENCHMARK(BM_DecodeTextRows);

// parse_text_row: into a std::vector<Value> per row (the slow path for tests and tools).
void BM_ParseTextRowsToValues(benchmark::State& state) {
  const Stream& s = text_stream(true);
  std::uint64_t values = 0;
  for (auto _ : state) {
    const std::uint8_t* p = s.bytes.data();
    const std::uint8_t* const end = p + s.bytes.size();
    std::size_t index = 0;
    while (p + kFrameHeaderSize <= end) {
      const FrameHeader header = decode_frame_header(p);
      // Frames 1..8 are the column definitions, the last one the terminator.
      if (index > s.columns.size() && index <= s.columns.size() + s.rows) {
        const auto row = parse_text_row(Bytes(p + kFrameHeaderSize, header.payload_length), s.columns.size());
        values += row.ok() ? row->size() : 0;
      }
      ++index;
      p += kFrameHeaderSize + header.payload_length;
    }
    benchmark::DoNotOptimize(values);
  }
  if (values == 0) state.SkipWithError("no rows parsed");
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * s.bytes.size()));
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * s.rows));
}
BENCHMARK(BM_ParseTextRowsToValues);

// check_binary_row on every row: the non-allocating validation of binary rows.
void BM_CheckBinaryRows(benchmark::State& state) {
  const Stream& s = binary_stream();
  std::uint64_t good = 0;
  for (auto _ : state) {
    const std::uint8_t* p = s.bytes.data();
    const std::uint8_t* const end = p + s.bytes.size();
    std::size_t index = 0;
    while (p + kFrameHeaderSize <= end) {
      const FrameHeader header = decode_frame_header(p);
      if (index > s.columns.size() && index <= s.columns.size() + s.rows) {
        good += check_binary_row(Bytes(p + kFrameHeaderSize, header.payload_length), s.columns) ? 0 : 1;
      }
      ++index;
      p += kFrameHeaderSize + header.payload_length;
    }
    benchmark::DoNotOptimize(good);
  }
  if (good != s.rows * static_cast<std::uint64_t>(state.iterations())) state.SkipWithError("invalid binary rows");
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * s.bytes.size()));
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * s.rows));
}
BENCHMARK(BM_CheckBinaryRows);

}  // namespace
}  // namespace weir::protocol

BENCHMARK_MAIN();
