#pragma once
// The one way weir refuses a client's packet over its limit (the login's 64 KiB, COM_CHANGE_USER's,
// a statement or a LOAD DATA LOCAL packet over the primary's max_allowed_packet): the server's
// ERROR 1153, then the rest of what the client still sends is read and dropped (bounded in time
// and bytes) before the connection closes. A client blocked writing a large packet then finishes
// its write and reads the error; closing with its bytes unread would reset the connection and
// the client would see "lost connection" instead.
#include <boost/asio/awaitable.hpp>

#include <cstddef>
#include <string_view>

#include "net/deadline_list.hpp"
#include "net/packet_stream.hpp"
#include "weir/config/config.hpp"
#include "weir/protocol/capabilities.hpp"

namespace weir::session {

// What the server says (ER_NET_PACKET_TOO_LARGE, SQLSTATE 08S01) before it closes.
inline constexpr std::string_view kPacketTooLargeMessage = "Got a packet bigger than 'max_allowed_packet' bytes";
// How long and how much a refused client may go on sending before weir closes anyway.
inline constexpr std::chrono::seconds kRefusalDrainTime{5};
inline constexpr std::size_t kRefusalDrainBytes = std::size_t{64} << 20;

// The drain's time bound: kRefusalDrainTime, or timeouts.client_read when that is shorter.
config::Duration refusal_drain_time(config::Duration client_read);

// Sends ERROR 1153 with the sequence id that follows the refused packet's last frame, shuts the
// sending side, then drops the client's input until it closes, `drain_time` passes (`deadline`
// closes the stream) or kRefusalDrainBytes were dropped. The caller closes the connection after.
boost::asio::awaitable<void> refuse_oversized_packet(net::PacketStream& client, net::Deadline& deadline,
                                                     config::Duration drain_time,
                                                     protocol::CapabilityFlags capabilities);

}  // namespace weir::session
