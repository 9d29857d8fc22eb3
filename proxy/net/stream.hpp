#pragma once
// A connection that is plain TCP or, after a handshake, TLS over that TCP socket. Sessions and
// backend connections read and write through it without caring which; errors are values.
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <memory>
#include <string>

#include "net/draining_read.hpp"

namespace weir::net {

class Stream {
 public:
  explicit Stream(boost::asio::ip::tcp::socket socket) : socket_(std::move(socket)) {}

  boost::asio::awaitable<std::size_t> read_some(boost::asio::mutable_buffer buffer, boost::system::error_code& error);
  // Plain TCP only: read_some's operation itself, to be awaited where read_some's own coroutine
  // frame would cost one more allocation and resumption per read (the relay's hot path). Yields
  // (error, bytes read).
  auto plain_read_some(boost::asio::mutable_buffer buffer) {
    return reader_.async_read_some(socket_, buffer, boost::asio::as_tuple(boost::asio::use_awaitable));
  }
  boost::asio::awaitable<void> write_all(boost::asio::const_buffer buffer, boost::system::error_code& error);
  boost::asio::awaitable<void> write_all(const std::vector<boost::asio::const_buffer>& buffers,
                                         boost::system::error_code& error);
  // Plain TCP: writes what the kernel takes now, without suspending, and returns how much (a full
  // socket is not an error). A TLS stream writes nothing here (0): its writes go through write_all.
  std::size_t try_write(boost::asio::const_buffer buffer, boost::system::error_code& error);

  // Upgrades to TLS. Bytes already read past the SSLRequest must not exist (the client waits).
  boost::asio::awaitable<void> tls_accept(boost::asio::ssl::context& context, boost::system::error_code& error);
  // `server_name` is sent for SNI and, with `verify_host_name`, checked against the certificate
  // (the context decides whether the chain is verified at all).
  boost::asio::awaitable<void> tls_connect(boost::asio::ssl::context& context, const std::string& server_name,
                                           bool verify_host_name, boost::system::error_code& error);

  // A read with a completion handler instead of a coroutine (cheaper where a plain callback does,
  // e.g. watching an idle connection): through the TLS engine when there is one, so a TLS record
  // that is not application data (a session ticket) is consumed and the read goes on waiting.
  template <class Handler>
  void async_read_some(boost::asio::mutable_buffer buffer, Handler&& handler) {
    if (tls_) {
      tls_->async_read_some(buffer, std::forward<Handler>(handler));
    } else {
      socket_.async_read_some(buffer, std::forward<Handler>(handler));
    }
  }

  bool is_tls() const { return tls_ != nullptr; }
  // The negotiated protocol ("TLSv1.3") and cipher suite; empty when plain.
  std::string tls_version() const;
  std::string tls_cipher() const;
  // After a failed tls_connect: why the peer's certificate was refused ("hostname mismatch",
  // "unable to get local issuer certificate", ...); empty when it was not a verification failure.
  std::string tls_verify_error() const;
  boost::asio::ip::tcp::socket& socket() { return socket_; }
  // Closes at once (both directions); pending operations complete with operation_aborted.
  void close();
  bool is_open() const { return socket_.is_open(); }

 private:
  boost::asio::ip::tcp::socket socket_;
  DrainingReader reader_;  // plain reads (see draining_read.hpp)
  std::unique_ptr<boost::asio::ssl::stream<boost::asio::ip::tcp::socket&>> tls_;
};

}  // namespace weir::net
