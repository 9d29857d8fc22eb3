// parse_ok under fuzzer-chosen capabilities: a parsed packet must serialize and parse back equal,
// and its session state lookups must not fail.
#include "fuzz_input.hpp"
#include "weir/protocol/response.hpp"

using namespace weir::protocol;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  weir::fuzz::FuzzInput in(data, size);
  const CapabilityFlags caps = in.caps();
  const Bytes payload = in.rest();
  auto ok = parse_ok(payload, caps);
  if (!ok) {
    WEIR_FUZZ_CHECK(ok.error().offset <= payload.size());
    return 0;
  }
  (void)ok->system_variable("last_gtid");
  (void)ok->schema();
  (void)ok->gtids();
  (void)ok->transaction_state();
  (void)ok->transaction_characteristics();
  (void)ok->state_changed();
  Buffer out;
  serialize(*ok, caps, out);
  auto again = parse_ok(out, caps);
  WEIR_FUZZ_CHECK(again.ok());
  WEIR_FUZZ_CHECK(*again == *ok);
  return 0;
}
