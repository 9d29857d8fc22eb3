#include "stream.hpp"

#include <openssl/ssl.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include "socket_calls.hpp"

namespace weir::net {

namespace asio = boost::asio;
namespace ssl = boost::asio::ssl;
constexpr auto kAsTuple = asio::as_tuple(asio::use_awaitable);

asio::awaitable<std::size_t> Stream::read_some(asio::mutable_buffer buffer, boost::system::error_code& error) {
  std::size_t n = 0;
  if (tls_) {
    std::tie(error, n) = co_await tls_->async_read_some(buffer, kAsTuple);
  } else {
    std::tie(error, n) = co_await reader_.async_read_some(socket_, buffer, kAsTuple);
  }
  co_return n;
}

std::size_t Stream::try_write(asio::const_buffer buffer, boost::system::error_code& error) {
  if (tls_ || buffer.size() == 0) return 0;
  if (!socket_.non_blocking()) socket_.non_blocking(true, error);
  if (error) return 0;
  const std::size_t n = send_now(socket_.native_handle(), buffer.data(), buffer.size(), error);
  if (error == asio::error::would_block) error.clear();
  return error ? 0 : n;
}

asio::awaitable<void> Stream::write_all(asio::const_buffer buffer, boost::system::error_code& error) {
  std::size_t n = 0;
  if (tls_) {
    std::tie(error, n) = co_await asio::async_write(*tls_, buffer, kAsTuple);
    co_return;
  }
  // Plain TCP: the kernel almost always takes the whole write at once. Written here, it completes
  // without suspending; an asynchronous write that finishes at once still queues its completion
  // behind the worker's loop (one more pass through the reactor, a system call, per write).
  n = try_write(buffer, error);
  if (error || n == buffer.size()) co_return;
  std::tie(error, n) = co_await asio::async_write(socket_, buffer + n, kAsTuple);
}

asio::awaitable<void> Stream::write_all(const std::vector<asio::const_buffer>& buffers,
                                        boost::system::error_code& error) {
  std::size_t n = 0;
  if (tls_) {
    std::tie(error, n) = co_await asio::async_write(*tls_, buffers, kAsTuple);
  } else {
    std::tie(error, n) = co_await asio::async_write(socket_, buffers, kAsTuple);
  }
}

std::string Stream::tls_version() const {
  if (!tls_) return {};
  const char* version = SSL_get_version(tls_->native_handle());
  return version == nullptr ? std::string() : std::string(version);
}

std::string Stream::tls_cipher() const {
  if (!tls_) return {};
  const char* cipher = SSL_get_cipher_name(tls_->native_handle());
  return cipher == nullptr ? std::string() : std::string(cipher);
}

asio::awaitable<void> Stream::tls_accept(ssl::context& context, boost::system::error_code& error) {
  tls_ = std::make_unique<ssl::stream<asio::ip::tcp::socket&>>(socket_, context);
  std::tie(error) = co_await tls_->async_handshake(ssl::stream_base::server, kAsTuple);
}

asio::awaitable<void> Stream::tls_connect(ssl::context& context, const std::string& server_name, bool verify_host_name,
                                          boost::system::error_code& error) {
  tls_ = std::make_unique<ssl::stream<asio::ip::tcp::socket&>>(socket_, context);
  if (!server_name.empty()) {
    SSL_ctrl(tls_->native_handle(), SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
             const_cast<char*>(server_name.c_str()));
    if (verify_host_name) {
      // OpenSSL's own check, so that a mismatch is reported as such by SSL_get_verify_result.
      X509_VERIFY_PARAM* param = SSL_get0_param(tls_->native_handle());
      boost::system::error_code not_ip;
      asio::ip::make_address(server_name, not_ip);
      if (!not_ip) {
        X509_VERIFY_PARAM_set1_ip_asc(param, server_name.c_str());
      } else {
        X509_VERIFY_PARAM_set1_host(param, server_name.c_str(), 0);
      }
    }
  }
  std::tie(error) = co_await tls_->async_handshake(ssl::stream_base::client, kAsTuple);
}

std::string Stream::tls_verify_error() const {
  if (!tls_) return {};
  const long result = SSL_get_verify_result(tls_->native_handle());
  if (result == X509_V_OK) return {};
  return X509_verify_cert_error_string(result);
}

void Stream::close() {
  boost::system::error_code ignored;
  socket_.shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
  socket_.close(ignored);
}

}  // namespace weir::net
