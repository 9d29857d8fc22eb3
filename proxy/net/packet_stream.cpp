#include "net/packet_stream.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <cstring>
#include <vector>

namespace weir::net {

namespace asio = boost::asio;
using protocol::Bytes;

namespace {

// Read buffers of kInitialBuffer bytes, per worker thread (sessions never change threads).
thread_local std::vector<protocol::Buffer> t_free_buffers;
constexpr std::size_t kMaxFreeBuffers = 256;

protocol::Buffer acquire_buffer() {
  if (t_free_buffers.empty()) return protocol::Buffer(PacketStream::kInitialBuffer);
  protocol::Buffer buffer = std::move(t_free_buffers.back());
  t_free_buffers.pop_back();
  return buffer;
}

}  // namespace

std::size_t grown_capacity(std::size_t capacity, std::size_t used, std::size_t wanted) {
  if (used < capacity) return capacity;
  const std::size_t doubled = std::max<std::size_t>(capacity * 2, PacketStream::kInitialBuffer);
  if (wanted <= used) return doubled;
  return std::min(doubled, wanted);
}

void PacketStream::release_buffer() {
  if (begin_ != end_ || buffer_.empty()) return;
  begin_ = end_ = 0;
  if (buffer_.size() == kInitialBuffer && t_free_buffers.size() < kMaxFreeBuffers) {
    t_free_buffers.push_back(std::move(buffer_));
  }
  buffer_ = protocol::Buffer();
  joined_ = protocol::Buffer();
  out_ = protocol::Buffer();
}

asio::awaitable<void> PacketStream::wait_readable(boost::system::error_code& error) {
  if (begin_ != end_ || stream_.is_tls()) co_return;  // TLS may hold decrypted bytes already
  // Asio's reactor is edge-triggered: a readiness event delivered while no operation waited is not
  // repeated for a wait started later. Bytes already in the kernel mean there is nothing to wait
  // for; checked on this thread right before the wait is queued, so no event can slip between.
  if (stream_.socket().available(error) > 0 || error) co_return;
  std::tie(error) =
      co_await stream_.socket().async_wait(asio::ip::tcp::socket::wait_read, asio::as_tuple(asio::use_awaitable));
}

void PacketStream::make_room(std::size_t min_capacity) {
  if (begin_ > 0) {
    std::memmove(buffer_.data(), buffer_.data() + begin_, end_ - begin_);
    end_ -= begin_;
    begin_ = 0;
  }
  buffer_.resize(grown_capacity(buffer_.size(), end_, min_capacity));
}

asio::mutable_buffer PacketStream::fill_buffer(std::size_t min_capacity) {
  if (buffer_.empty()) buffer_ = acquire_buffer();
  if (begin_ == end_) begin_ = end_ = 0;
  if (end_ == buffer_.size()) make_room(min_capacity);
  return asio::buffer(buffer_.data() + end_, buffer_.size() - end_);
}

asio::awaitable<std::size_t> PacketStream::fill(std::size_t min_capacity, boost::system::error_code& error) {
  const auto into = fill_buffer(min_capacity);
  std::size_t n = 0;
  if (stream_.is_tls()) {
    n = co_await stream_.read_some(into, error);
  } else {
    std::tie(error, n) = co_await stream_.plain_read_some(into);
  }
  filled(n);
  co_return n;
}

asio::awaitable<void> PacketStream::discard_input(std::size_t max_bytes) {
  std::size_t dropped = 0;
  boost::system::error_code error;
  while (!error && dropped < max_bytes) {
    begin_ = end_ = 0;
    dropped += co_await fill(kInitialBuffer, error);
  }
  begin_ = end_ = 0;
}

asio::awaitable<void> PacketStream::read_packet(Bytes& out, std::uint8_t& sequence_id, std::size_t max_size,
                                                boost::system::error_code& error) {
  joined_.clear();
  bool first = true;
  while (true) {
    while (end_ - begin_ < protocol::kFrameHeaderSize) {
      co_await fill(protocol::kFrameHeaderSize, error);
      if (error) co_return;
    }
    const auto header = protocol::decode_frame_header(buffer_.data() + begin_);
    if (!first && header.sequence_id != static_cast<std::uint8_t>(last_sequence_id_ + 1)) {
      error = make_error_code(boost::system::errc::protocol_error);
      co_return;
    }
    if (first) sequence_id = header.sequence_id;
    last_sequence_id_ = header.sequence_id;
    if (joined_.size() + header.payload_length > max_size) {
      error = make_error_code(boost::system::errc::message_size);
      co_return;
    }
    const std::size_t frame = protocol::kFrameHeaderSize + header.payload_length;
    while (end_ - begin_ < frame) {
      co_await fill(frame, error);
      if (error) co_return;
    }
    const Bytes payload(buffer_.data() + begin_ + protocol::kFrameHeaderSize, header.payload_length);
    begin_ += frame;
    if (first && header.payload_length < protocol::kMaxFramePayload) {
      out = payload;  // the common case: one frame, no copy
      co_return;
    }
    joined_.insert(joined_.end(), payload.begin(), payload.end());
    first = false;
    if (header.payload_length < protocol::kMaxFramePayload) break;
  }
  out = Bytes(joined_.data(), joined_.size());
}

asio::awaitable<std::optional<std::uint8_t>> PacketStream::peek_first_byte(boost::system::error_code& error) {
  while (end_ - begin_ < protocol::kFrameHeaderSize) {
    co_await fill(protocol::kFrameHeaderSize, error);
    if (error) co_return std::nullopt;
  }
  if (protocol::decode_frame_header(buffer_.data() + begin_).payload_length == 0) co_return std::nullopt;
  while (end_ - begin_ < protocol::kFrameHeaderSize + 1) {
    co_await fill(protocol::kFrameHeaderSize + 1, error);
    if (error) co_return std::nullopt;
  }
  co_return buffer_[begin_ + protocol::kFrameHeaderSize];
}

std::optional<std::uint8_t> PacketStream::buffered_first_byte() const {
  if (end_ - begin_ < protocol::kFrameHeaderSize + 1) return std::nullopt;
  if (protocol::decode_frame_header(buffer_.data() + begin_).payload_length == 0) return std::nullopt;
  return buffer_[begin_ + protocol::kFrameHeaderSize];
}

bool PacketStream::take_whole_packet(Bytes& out, std::uint8_t& sequence_id, std::size_t max_size) {
  if (end_ - begin_ < protocol::kFrameHeaderSize) return false;
  const auto header = protocol::decode_frame_header(buffer_.data() + begin_);
  const std::size_t frame = protocol::kFrameHeaderSize + header.payload_length;
  if (header.payload_length >= protocol::kMaxFramePayload || header.payload_length > max_size ||
      end_ - begin_ < frame) {
    return false;
  }
  sequence_id = last_sequence_id_ = header.sequence_id;
  out = Bytes(buffer_.data() + begin_ + protocol::kFrameHeaderSize, header.payload_length);
  begin_ += frame;
  return true;
}

asio::awaitable<void> PacketStream::read_packet_exact(Bytes& out, std::uint8_t& sequence_id, std::size_t max_size,
                                                      boost::system::error_code& error) {
  if (buffer_.empty()) buffer_ = acquire_buffer();
  begin_ = end_ = 0;
  std::size_t n = 0;
  std::tie(error, n) = co_await asio::async_read(
      stream_.socket(), asio::buffer(buffer_.data(), protocol::kFrameHeaderSize), asio::as_tuple(asio::use_awaitable));
  if (error) co_return;
  const auto header = protocol::decode_frame_header(buffer_.data());
  sequence_id = last_sequence_id_ = header.sequence_id;  // also for the refusal of a packet too large
  if (header.payload_length > max_size || header.payload_length >= protocol::kMaxFramePayload) {
    error = make_error_code(boost::system::errc::message_size);
    co_return;
  }
  // The body arrives in pieces into a buffer that grows with them (see grown_capacity), never
  // past the packet: the bytes after it belong to the TLS engine.
  const std::size_t frame = protocol::kFrameHeaderSize + header.payload_length;
  end_ = protocol::kFrameHeaderSize;
  while (end_ < frame) {
    buffer_.resize(grown_capacity(buffer_.size(), end_, frame));
    const std::size_t want = std::min(buffer_.size(), frame) - end_;
    std::tie(error, n) = co_await stream_.socket().async_read_some(asio::buffer(buffer_.data() + end_, want),
                                                                   asio::as_tuple(asio::use_awaitable));
    if (error) co_return;
    end_ += n;
  }
  begin_ = end_ = 0;
  out = Bytes(buffer_.data() + protocol::kFrameHeaderSize, header.payload_length);
}

asio::awaitable<void> PacketStream::write_packet(Bytes payload, std::uint8_t sequence_id,
                                                 boost::system::error_code& error) {
  out_.clear();
  protocol::append_packet(out_, payload, sequence_id);
  co_await stream_.write_all(asio::buffer(out_), error);
}

bool PacketStream::try_write_packet(Bytes payload, std::uint8_t sequence_id, boost::system::error_code& error) {
  out_.clear();
  protocol::append_packet(out_, payload, sequence_id);
  out_written_ = stream_.try_write(asio::buffer(out_), error);
  return error || out_written_ == out_.size();
}

asio::awaitable<void> PacketStream::write_rest(boost::system::error_code& error) {
  co_await stream_.write_all(asio::buffer(out_.data() + out_written_, out_.size() - out_written_), error);
}

asio::awaitable<void> PacketStream::write_raw(Bytes bytes, boost::system::error_code& error) {
  co_await stream_.write_all(asio::buffer(bytes.data(), bytes.size()), error);
}

}  // namespace weir::net
