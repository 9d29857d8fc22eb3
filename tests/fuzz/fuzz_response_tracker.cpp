// ResponseTracker fed arbitrary packet sequences. Input: command byte, capability byte, then
// packets as [length int2][payload]; length 0xffff stands for a 0xffffff-byte frame (a packet
// continued in the next frame) whose first 16 bytes follow. Properties: the tracker never reads
// outside `head`, a failure sticks, counts match the events, and an idle tracker does not take
// packets.
#include "fuzz_input.hpp"
#include "weir/protocol/framing.hpp"
#include "weir/protocol/resultset.hpp"

using namespace weir::protocol;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  weir::fuzz::FuzzInput in(data, size);
  const std::uint8_t command_byte = in.byte();
  const CapabilityFlags caps = in.caps() | cap::kProtocol41;
  ResponseTracker tracker;
  if (auto command = to_command(command_byte)) {
    tracker.start(*command, caps);
  } else {
    tracker.start_command(command_byte, caps);
  }
  std::uint64_t rows = 0;
  bool failed = tracker.failed();
  while (in.remaining() >= 2) {
    const std::uint16_t length = in.int2();
    std::uint32_t payload_length = length;
    Bytes head;
    if (length == 0xffff) {
      payload_length = kMaxFramePayload;
      head = in.take(ResponseTracker::kMinHead);
      if (head.size() < ResponseTracker::kMinHead) break;
    } else {
      head = in.take(length);
      payload_length = static_cast<std::uint32_t>(head.size());
    }
    const bool was_done = tracker.done();
    const ResponseEvent ev = tracker.on_packet(payload_length, head);
    (void)response_event_name(ev);
    if (ev == ResponseEvent::row) ++rows;
    if (failed) WEIR_FUZZ_CHECK(ev == ResponseEvent::protocol_error && tracker.failed());
    if (was_done) WEIR_FUZZ_CHECK(ev == ResponseEvent::protocol_error);
    if (ev == ResponseEvent::protocol_error) WEIR_FUZZ_CHECK(tracker.failed());
    failed = tracker.failed();
    if (!failed) WEIR_FUZZ_CHECK(tracker.rows() == rows);
    if (tracker.awaiting_client() && (in.byte() & 1)) WEIR_FUZZ_CHECK(tracker.on_client_infile_done());
  }
  return 0;
}
