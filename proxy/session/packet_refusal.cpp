#include "session/packet_refusal.hpp"

#include <algorithm>

#include "session/error_codes.hpp"
#include "weir/protocol/response.hpp"

namespace weir::session {

namespace asio = boost::asio;
namespace proto = weir::protocol;

config::Duration refusal_drain_time(config::Duration client_read) {
  const config::Duration bound = kRefusalDrainTime;
  return client_read > config::Duration::zero() ? std::min(client_read, bound) : bound;
}

asio::awaitable<void> refuse_oversized_packet(net::PacketStream& client, net::Deadline& deadline,
                                              config::Duration drain_time, proto::CapabilityFlags capabilities) {
  // One bound for the error and the drain: a client that neither reads nor closes is closed.
  deadline.arm(drain_time, [&client] { client.close(); });
  boost::system::error_code error;
  const auto sequence = static_cast<std::uint8_t>(client.last_sequence_id() + 1);
  co_await client.write_packet(
      proto::make_err(errors::kPacketTooLarge, "08S01", kPacketTooLargeMessage, capabilities | proto::cap::kProtocol41),
      sequence, error);
  if (!error) {
    // The client may still be writing the refused packet: let it finish (dropping the bytes) so
    // that it then reads the error, instead of a reset.
    client.stream().socket().shutdown(asio::ip::tcp::socket::shutdown_send, error);
    co_await client.discard_input(kRefusalDrainBytes);
  }
  deadline.cancel();
}

}  // namespace weir::session
