// The server greeting: parsed greetings serialize and parse back equal.
#include "fuzz_input.hpp"
#include "weir/protocol/handshake.hpp"

using namespace weir::protocol;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const Bytes payload(data, size);
  auto greeting = parse_handshake_v10(payload);
  if (!greeting) return 0;
  (void)scramble_nonce(*greeting);
  (void)strip_replication_prefix(greeting->server_version);
  // regressions/handshake_v10/part2-fills-declared-length-without-nul once broke this.
  Buffer out;
  serialize(*greeting, out);
  auto again = parse_handshake_v10(out);
  WEIR_FUZZ_CHECK(again.ok());
  WEIR_FUZZ_CHECK(*again == *greeting);
  return 0;
}
