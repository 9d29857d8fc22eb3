// Text rows: the validating check, the streaming reader and the decoder agree; decoded rows
// serialize and decode back equal. First byte: the column count.
#include <vector>

#include "fuzz_input.hpp"
#include "weir/protocol/rows.hpp"

using namespace weir::protocol;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  weir::fuzz::FuzzInput in(data, size);
  const std::size_t columns = in.byte();
  const Bytes payload = in.rest();
  const auto check = check_text_row(payload, columns);
  auto row = parse_text_row(payload, columns);
  WEIR_FUZZ_CHECK(row.ok() == !check.has_value());

  TextRowReader reader(payload);
  TextField field;
  std::size_t n = 0;
  while (reader.next(field)) ++n;
  if (row) {
    WEIR_FUZZ_CHECK(!reader.error() && n == columns && reader.at_end());
    Buffer out;
    serialize_text_row(*row, out);
    auto again = parse_text_row(out, columns);
    WEIR_FUZZ_CHECK(again.ok());
    WEIR_FUZZ_CHECK(*again == *row);
    for (const auto& v : *row) (void)to_text(v);
  }
  return 0;
}
