// The client's first packet: SSLRequest or HandshakeResponse41. Parsed packets serialize and
// parse back equal.
#include "fuzz_input.hpp"
#include "weir/protocol/handshake.hpp"

using namespace weir::protocol;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const Bytes payload(data, size);
  if (is_ssl_request(payload)) {
    // is_ssl_request() looks at the size and CLIENT_SSL only; the parser also wants
    // CLIENT_PROTOCOL_41 (regressions/handshake_response/ssl-request-without-protocol41).
    auto req = parse_ssl_request(payload);
    if (!req) return 0;
    Buffer out;
    serialize(*req, out);
    auto again = parse_ssl_request(out);
    WEIR_FUZZ_CHECK(again.ok() && *again == *req);
    return 0;
  }
  auto response = parse_handshake_response(payload);
  if (!response) return 0;
  Buffer out;
  serialize(*response, out);
  auto again = parse_handshake_response(out);
  WEIR_FUZZ_CHECK(again.ok());
  WEIR_FUZZ_CHECK(*again == *response);
  Reader r(payload);
  (void)read_connect_attributes(r);
  return 0;
}
