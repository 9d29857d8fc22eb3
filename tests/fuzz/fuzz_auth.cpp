// The authentication exchange: server replies (AuthSwitchRequest, AuthMoreData) and
// COM_CHANGE_USER. The first byte picks the message; parsed messages round-trip.
#include "fuzz_input.hpp"
#include "weir/protocol/auth_exchange.hpp"

using namespace weir::protocol;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  weir::fuzz::FuzzInput in(data, size);
  const std::uint8_t which = in.byte();
  const CapabilityFlags caps = in.caps() | cap::kProtocol41;
  const Bytes payload = in.rest();
  const AuthReplyKind kind = classify_auth_reply(payload);
  switch (which % 4) {
    case 0: {
      auto req = parse_auth_switch_request(payload);
      if (req) {
        WEIR_FUZZ_CHECK(kind == AuthReplyKind::auth_switch);
        (void)auth_switch_nonce(*req);
        Buffer out;
        serialize(*req, out);
        auto again = parse_auth_switch_request(out);
        WEIR_FUZZ_CHECK(again.ok() && *again == *req);
      }
      break;
    }
    case 1: {
      auto more = parse_auth_more_data(payload);
      if (more) {
        WEIR_FUZZ_CHECK(kind == AuthReplyKind::more_data);
        (void)caching_sha2::signal_of(*more);
        Buffer out;
        serialize(*more, out);
        auto again = parse_auth_more_data(out);
        WEIR_FUZZ_CHECK(again.ok() && *again == *more);
      }
      break;
    }
    case 2: {
      auto change = parse_change_user(payload, caps);
      if (change) {
        Buffer out;
        serialize(*change, caps, out);
        auto again = parse_change_user(out, caps);
        WEIR_FUZZ_CHECK(again.ok());
        WEIR_FUZZ_CHECK(*again == *change);
      }
      break;
    }
    default: {
      auto response = parse_auth_switch_response(payload);
      WEIR_FUZZ_CHECK(response.ok());
      (void)caching_sha2::is_public_key_request(payload);
      break;
    }
  }
  return 0;
}
