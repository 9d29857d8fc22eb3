// COM_STMT_PREPARE's OK packet: round trip, and the statement id rewrite the proxy does in place.
#include "fuzz_input.hpp"
#include "weir/protocol/commands.hpp"

using namespace weir::protocol;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  weir::fuzz::FuzzInput in(data, size);
  const CapabilityFlags caps = in.caps();
  const Bytes payload = in.rest();
  auto ok = parse_stmt_prepare_ok(payload, caps);
  if (!ok) return 0;
  Buffer out;
  serialize(*ok, caps, out);
  auto again = parse_stmt_prepare_ok(out, caps);
  WEIR_FUZZ_CHECK(again.ok() && *again == *ok);

  Buffer copy(payload.begin(), payload.end());
  WEIR_FUZZ_CHECK(rewrite_prepare_ok_statement_id(copy, 0x01020304));
  auto rewritten = parse_stmt_prepare_ok(copy, caps);
  WEIR_FUZZ_CHECK(rewritten.ok() && rewritten->statement_id == 0x01020304);
  rewritten->statement_id = ok->statement_id;
  WEIR_FUZZ_CHECK(*rewritten == *ok);
  return 0;
}
