// EOF packets, the row/terminator/error rule inside result sets, and the LOCAL INFILE request
// (the other non-OK first packet of a COM_QUERY response).
#include "fuzz_input.hpp"
#include "weir/protocol/response.hpp"

using namespace weir::protocol;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  weir::fuzz::FuzzInput in(data, size);
  const CapabilityFlags caps = in.caps();
  const Bytes payload = in.rest();
  if (auto eof = parse_eof(payload, caps)) {
    Buffer out;
    serialize(*eof, caps, out);
    auto again = parse_eof(out, caps);
    WEIR_FUZZ_CHECK(again.ok() && *again == *eof);
  }
  if (auto infile = parse_local_infile_request(payload)) {
    WEIR_FUZZ_CHECK(!payload.empty() && payload[0] == kLocalInfileHeader);
    Buffer out;
    serialize(*infile, out);
    auto again = parse_local_infile_request(out);
    WEIR_FUZZ_CHECK(again.ok() && *again == *infile);
  }
  if (!payload.empty()) {
    const ResultPacketKind kind = classify_result_packet(payload[0], payload.size(), caps);
    if (kind == ResultPacketKind::terminator) {
      (void)parse_terminator_status(payload, caps);
    }
    if (kind == ResultPacketKind::error) WEIR_FUZZ_CHECK(payload[0] == kErrHeader);
    if (payload[0] != kErrHeader && payload[0] != kEofHeader) WEIR_FUZZ_CHECK(kind == ResultPacketKind::row);
  }
  return 0;
}
