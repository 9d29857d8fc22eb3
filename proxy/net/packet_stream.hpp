#pragma once
// MySQL packets over a Stream: an owned read buffer, whole-packet reads for the handshake and
// command headers, and raw access to the buffered bytes for the relay, which forwards frames
// without copying them into packets.
#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <optional>
#include <string>

#include "net/stream.hpp"
#include "weir/protocol/framing.hpp"

namespace weir::net {

// Errors of the packet layer that are not socket errors, as standard error codes:
//   errc::protocol_error  framing broken (sequence ids): the peer does not speak the protocol
//   errc::message_size    a packet over the configured limit
//   asio::error::eof      the peer closed the connection

// The read buffer's next capacity: unchanged while it has room; when full (`used` bytes), doubled
// but never beyond `wanted` unless `wanted` is already reached (then doubled, for a reader that
// needs one more byte). A peer's announced length is only ever `wanted`: memory then grows with
// the bytes that actually arrived, at most twice them, never with a length a peer merely claimed.
std::size_t grown_capacity(std::size_t capacity, std::size_t used, std::size_t wanted);

class PacketStream {
 public:
  static constexpr std::size_t kInitialBuffer = 16 * 1024;

  explicit PacketStream(boost::asio::ip::tcp::socket socket) : stream_(std::move(socket)) {}
  PacketStream(const PacketStream&) = delete;
  PacketStream& operator=(const PacketStream&) = delete;
  ~PacketStream() { release_buffer(); }

  // Reads one logical packet (frames joined) into `out`, which stays valid until the next read.
  // Fails with errc::message_size beyond `max_size`, eof when the peer closed. `sequence_id`
  // receives the id of the packet's FIRST frame (write_packet with it re-frames identically);
  // last_sequence_id() is the id of its last frame, which the next packet continues from.
  boost::asio::awaitable<void> read_packet(protocol::Bytes& out, std::uint8_t& sequence_id, std::size_t max_size,
                                           boost::system::error_code& error);
  // The first payload byte of the next packet (a command packet's command), once it has arrived;
  // nullopt for an empty packet. Consumes nothing: read_packet reads the packet after it, so the
  // limit it is read with may depend on the command.
  boost::asio::awaitable<std::optional<std::uint8_t>> peek_first_byte(boost::system::error_code& error);
  // Without suspending, for a packet that arrived whole with an earlier read (a command usually
  // does): the first payload byte of the next packet when its header and that byte are buffered
  // (nullopt otherwise, and for an empty packet), and the packet itself when its one frame is
  // wholly buffered and at most `max_size` (consumed as read_packet would). take_whole_packet
  // returning false consumes nothing: read_packet then reads it (and reports what is wrong).
  std::optional<std::uint8_t> buffered_first_byte() const;
  bool take_whole_packet(protocol::Bytes& out, std::uint8_t& sequence_id, std::size_t max_size);
  // Reads one single-frame packet without reading a byte past it, for the client's first packet:
  // an SSLRequest is followed at once by the TLS ClientHello, which must stay in the socket for
  // the TLS engine. Needs an empty buffer (plain TCP, nothing read yet).
  boost::asio::awaitable<void> read_packet_exact(protocol::Bytes& out, std::uint8_t& sequence_id, std::size_t max_size,
                                                 boost::system::error_code& error);
  // Frames and writes one logical packet.
  boost::asio::awaitable<void> write_packet(protocol::Bytes payload, std::uint8_t sequence_id,
                                            boost::system::error_code& error);
  // write_packet without suspending while the socket takes it all (plain TCP, the usual case):
  // true when it is written (or failed: `error`); false when the rest must be written with
  // write_rest() (a full socket, or TLS).
  bool try_write_packet(protocol::Bytes payload, std::uint8_t sequence_id, boost::system::error_code& error);
  boost::asio::awaitable<void> write_rest(boost::system::error_code& error);
  boost::asio::awaitable<void> write_raw(protocol::Bytes bytes, boost::system::error_code& error);
  // Writes what the socket takes now without suspending (plain TCP; a TLS stream takes nothing
  // here): the bytes written. A full socket is not an error: write the rest with write_raw.
  std::size_t try_write_raw(protocol::Bytes bytes, boost::system::error_code& error) {
    return stream_.try_write(boost::asio::buffer(bytes.data(), bytes.size()), error);
  }

  // Raw buffer access for relaying: bytes received and not yet consumed.
  protocol::Bytes buffered() const { return {buffer_.data() + begin_, end_ - begin_}; }
  // The same bytes, writable: the relay renumbers frames in place before relaying them.
  std::span<std::uint8_t> buffered_writable() { return {buffer_.data() + begin_, end_ - begin_}; }
  // Overwrites buffered bytes from `offset` (counted like buffered()) before they are relayed.
  void overwrite_buffered(std::size_t offset, protocol::Bytes bytes) {
    std::copy(bytes.begin(), bytes.end(), buffer_.begin() + static_cast<std::ptrdiff_t>(begin_ + offset));
  }
  void consume(std::size_t n) { begin_ += n; }
  // Reads at least one more byte into the buffer (moving unconsumed bytes to the front and
  // growing geometrically towards `min_capacity` if full). Returns the number of bytes read.
  boost::asio::awaitable<std::size_t> fill(std::size_t min_capacity, boost::system::error_code& error);
  // fill() in two steps, for plain TCP on the hot path, where fill's own coroutine frame would
  // cost one more allocation and resumption per read: the room to read into, then the bytes read
  // into it (filled), around awaiting stream().plain_read_some(fill_buffer(n)) (see the relay).
  bool plain() const { return !stream_.is_tls(); }
  boost::asio::mutable_buffer fill_buffer(std::size_t min_capacity);
  void filled(std::size_t n) { end_ += n; }

  // After refusing a packet: reads and drops what the peer still sends until it closes, an error,
  // or `max_bytes`, so that a peer still writing the refused packet finishes and then reads the
  // refusal (closing with unread bytes would reset the connection and lose the refusal).
  boost::asio::awaitable<void> discard_input(std::size_t max_bytes);

  // Idle connections hold no buffer: when nothing is buffered the read buffer goes back to this
  // thread's free list, and wait_readable() (plain TCP) waits for data without one. Thousands
  // of idle sessions then cost little more than their sockets.
  void release_buffer();
  boost::asio::awaitable<void> wait_readable(boost::system::error_code& error);

  std::uint8_t last_sequence_id() const { return last_sequence_id_; }

  Stream& stream() { return stream_; }
  void close() { stream_.close(); }

 private:
  void make_room(std::size_t min_capacity);

  Stream stream_;
  protocol::Buffer buffer_;
  std::size_t begin_ = 0;
  std::size_t end_ = 0;
  std::uint8_t last_sequence_id_ = 0;
  protocol::Buffer joined_;      // a packet that spans frames
  protocol::Buffer out_;         // framing scratch for write_packet
  std::size_t out_written_ = 0;  // try_write_packet: bytes of out_ already written
};

}  // namespace weir::net
