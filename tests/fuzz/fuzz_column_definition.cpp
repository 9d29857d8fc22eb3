// Column definitions (result sets, COM_STMT_PREPARE, COM_FIELD_LIST replies): round trip under
// fuzzer-chosen capabilities.
#include "fuzz_input.hpp"
#include "weir/protocol/column.hpp"

using namespace weir::protocol;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  weir::fuzz::FuzzInput in(data, size);
  const CapabilityFlags caps = in.caps();
  const Bytes payload = in.rest();
  for (bool field_list : {false, true}) {
    auto column = parse_column_definition(payload, caps, ColumnParseOptions{field_list});
    if (!column) continue;
    (void)column->extended(ExtendedTypeKey::format_name);
    (void)column_type_name(column->type);
    (void)binary_encoding(column->type);
    Buffer out;
    serialize(*column, caps, out);
    auto again = parse_column_definition(out, caps, ColumnParseOptions{field_list});
    WEIR_FUZZ_CHECK(again.ok());
    WEIR_FUZZ_CHECK(*again == *column);
  }
  return 0;
}
