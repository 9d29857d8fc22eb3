// ERR packets and MariaDB progress reports: parsed messages round-trip through serialize.
#include "fuzz_input.hpp"
#include "weir/protocol/response.hpp"

using namespace weir::protocol;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  weir::fuzz::FuzzInput in(data, size);
  const CapabilityFlags caps = in.caps();
  const Bytes payload = in.rest();
  if (is_progress_report(payload, caps)) {
    WEIR_FUZZ_CHECK(!parse_err(payload, caps).ok());
    auto report = parse_progress_report(payload);
    if (report) {
      Buffer out;
      serialize(*report, out);
      auto again = parse_progress_report(out);
      WEIR_FUZZ_CHECK(again.ok() && *again == *report);
    }
    return 0;
  }
  auto err = parse_err(payload, caps);
  if (!err) return 0;
  Buffer out;
  serialize(*err, caps, out);
  auto again = parse_err(out, caps);
  WEIR_FUZZ_CHECK(again.ok());
  WEIR_FUZZ_CHECK(*again == *err);
  return 0;
}
