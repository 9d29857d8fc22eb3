// Binary rows for fuzzer-chosen column types: check and parse agree; decoded rows serialize, and
// decoding and serializing that again gives the same bytes (values are not compared directly:
// a FLOAT or DOUBLE NaN is never equal to itself). Input: column count, one type byte per column, one flags byte per
// column (bit 0: UNSIGNED), then the row.
#include <vector>

#include "fuzz_input.hpp"
#include "weir/protocol/rows.hpp"

using namespace weir::protocol;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  weir::fuzz::FuzzInput in(data, size);
  const std::size_t count = in.byte() % 32;
  std::vector<ColumnDefinition> columns(count);
  for (auto& c : columns) c.type = static_cast<ColumnType>(in.byte());
  for (auto& c : columns) {
    if (in.byte() & 1) c.flags |= column_flag::kUnsigned;
  }
  const Bytes payload = in.rest();
  const auto check = check_binary_row(payload, columns);
  auto row = parse_binary_row(payload, columns);
  WEIR_FUZZ_CHECK(row.ok() == !check.has_value());
  if (!row) return 0;
  WEIR_FUZZ_CHECK(row->size() == count);
  for (const auto& v : *row) (void)to_text(v);
  Buffer out;
  const auto written = serialize_binary_row(*row, columns, out);
  WEIR_FUZZ_CHECK(!written.has_value());
  auto again = parse_binary_row(out, columns);
  WEIR_FUZZ_CHECK(again.ok());
  Buffer out2;
  WEIR_FUZZ_CHECK(!serialize_binary_row(*again, columns, out2).has_value());
  WEIR_FUZZ_CHECK(out2 == out);
  return 0;
}
