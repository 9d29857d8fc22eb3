#pragma once
// A read on a plain TCP socket that tells the reactor when it emptied the socket.
//
// Asio's epoll reactor tries every new read at once ("speculatively") unless it knows the socket
// is empty, and it knows that only after a read that returned nothing (end of stream). After any
// read that returned data it tries again, so the next read started on an empty socket costs a
// recv that fails with EAGAIN before the read waits for readiness. On a proxy's hot path that is
// every read: the reply is never there yet when the statement has just been sent, nor the client's
// next statement when its reply has just been written: one wasted system call per read.
//
// A read into a buffer that returns fewer bytes than the buffer holds has emptied the socket at
// that instant. This read reports exactly that to the reactor ("done and exhausted", the status
// its own reads give for end of stream), at the moment of the recv and under the reactor's lock
// for the socket. The next read is then queued without a recv, and waits for readiness. Nothing
// is missed: data that arrives afterwards is a new readiness event, and the reactor marks the
// socket worth trying again whenever it handles one, also when no read was waiting for it.
//
// Built on Asio's reactor internals (Boost 1.81): only with the epoll reactor; any other backend
// (io_uring) uses a plain async_read_some. A handler with a connected cancellation slot gets the
// plain read as well (per-operation cancellation is not wired here).
// The recv itself is weir's receive_now (socket_calls.hpp), not glibc's cancellation point.
#include <boost/asio/associated_cancellation_slot.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/detail/reactor.hpp>
#include <boost/asio/ip/tcp.hpp>

#if defined(BOOST_ASIO_HAS_EPOLL) && !defined(BOOST_ASIO_HAS_IO_URING_AS_DEFAULT)
#define WEIR_DRAINING_READ 1
#include <boost/asio/detail/bind_handler.hpp>
#include <boost/asio/detail/fenced_block.hpp>
#include <boost/asio/detail/handler_alloc_helpers.hpp>
#include <boost/asio/detail/handler_cont_helpers.hpp>
#include <boost/asio/detail/handler_work.hpp>
#include <boost/asio/detail/reactor_op.hpp>
#include <boost/asio/detail/socket_ops.hpp>
#include <boost/asio/execution/context.hpp>
#include <boost/asio/query.hpp>
#endif

#include <cstddef>
#include <memory>
#include <utility>

#include "socket_calls.hpp"

namespace weir::net {

#if defined(WEIR_DRAINING_READ)
namespace draining_detail {

namespace detail = boost::asio::detail;

template <class Handler, class IoExecutor>
class DrainingRecvOp : public detail::reactor_op {
 public:
  BOOST_ASIO_DEFINE_HANDLER_PTR(DrainingRecvOp);

  DrainingRecvOp(detail::socket_type socket, boost::asio::mutable_buffer buffer, Handler& handler,
                 const IoExecutor& io_executor)
      : detail::reactor_op(boost::system::error_code(), &DrainingRecvOp::do_perform, &DrainingRecvOp::do_complete),
        socket_(socket),
        buffer_(buffer),
        handler_(std::move(handler)),
        work_(handler_, io_executor) {}

  static status do_perform(detail::reactor_op* base) {
    auto* op = static_cast<DrainingRecvOp*>(base);
    boost::system::error_code error;
    const std::size_t n = receive_now(op->socket_, op->buffer_.data(), op->buffer_.size(), error);
    if (error == boost::asio::error::would_block) return not_done;  // wait for readiness
    op->ec_ = error;
    op->bytes_transferred_ = n;
    // Fewer bytes than asked (end of stream and errors included): the socket is empty now.
    return op->bytes_transferred_ < op->buffer_.size() ? done_and_exhausted : done;
  }

  static void do_complete(void* owner, detail::operation* base, const boost::system::error_code& /*ec*/,
                          std::size_t /*bytes_transferred*/) {
    auto* op = static_cast<DrainingRecvOp*>(base);
    ptr p = {std::addressof(op->handler_), op, op};
    detail::handler_work<Handler, IoExecutor> work(std::move(op->work_));
    // The handler is moved out so that the operation's memory is freed before the upcall.
    detail::binder2<Handler, boost::system::error_code, std::size_t> handler(op->handler_, op->ec_,
                                                                             op->bytes_transferred_);
    p.h = std::addressof(handler.handler_);
    p.reset();
    if (owner != nullptr) {
      detail::fenced_block block(detail::fenced_block::half);
      work.complete(handler, handler.handler_);
    }
  }

 private:
  detail::socket_type socket_;
  boost::asio::mutable_buffer buffer_;
  Handler handler_;
  detail::handler_work<Handler, IoExecutor> work_;
};

// The socket's implementation (descriptor, state, the reactor's data for it) is a protected
// member of basic_socket: reached through a pointer to member formed in a derived class.
struct SocketAccess : boost::asio::ip::tcp::socket {
  static auto implementation() { return &SocketAccess::impl_; }
};

template <class Handler>
void start(boost::asio::ip::tcp::socket& socket, detail::reactor& reactor, boost::asio::mutable_buffer buffer,
           Handler handler) {
  auto& io_object = socket.*SocketAccess::implementation();
  auto& impl = io_object.get_implementation();
  using IoExecutor = boost::asio::ip::tcp::socket::executor_type;
  using Op = DrainingRecvOp<Handler, IoExecutor>;
  const bool is_continuation = boost_asio_handler_cont_helpers::is_continuation(handler);
  typename Op::ptr p = {std::addressof(handler), Op::ptr::allocate(handler), nullptr};
  p.p = new (p.v) Op(impl.socket_, buffer, handler, io_object.get_executor());
  if ((impl.state_ & detail::socket_ops::non_blocking) == 0 &&
      !detail::socket_ops::set_internal_non_blocking(impl.socket_, impl.state_, true, p.p->ec_)) {
    reactor.post_immediate_completion(p.p, is_continuation);
  } else {
    reactor.start_op(detail::reactor::read_op, impl.socket_, impl.reactor_data_, p.p, is_continuation, true);
  }
  p.v = p.p = nullptr;
}

// The reactor's note, per socket, of whether a read may find something (its "try speculatively"
// flag: set whenever epoll reports the socket readable, closed or failed, also with no read
// waiting; cleared by a draining read that emptied it). A private member of Asio's descriptor
// state, named through an explicit instantiation (which the language exempts from access checks).
using DescriptorState = detail::epoll_reactor::descriptor_state;
using TrySpeculative = bool (DescriptorState::*)[detail::epoll_reactor::max_ops];
TrySpeculative try_speculative_member();
template <TrySpeculative Member>
struct TrySpeculativeAccess {
  friend TrySpeculative try_speculative_member() { return Member; }
};
template struct TrySpeculativeAccess<&DescriptorState::try_speculative_>;

}  // namespace draining_detail
#endif

// Whether input_may_have_arrived can tell a quiet socket (the epoll reactor); on other backends
// (io_uring) it always says that input may have arrived.
#if defined(WEIR_DRAINING_READ)
inline constexpr bool kTellsQuietSockets = true;
#else
inline constexpr bool kTellsQuietSockets = false;
#endif

// False when nothing reached `socket` since a read (a DrainingReader's) emptied it: no system call
// needed to know that it is quiet. True otherwise, and always on other reactors than epoll's.
inline bool input_may_have_arrived(boost::asio::ip::tcp::socket& socket) {
#if defined(WEIR_DRAINING_READ)
  auto& impl = (socket.*draining_detail::SocketAccess::implementation()).get_implementation();
  if (impl.reactor_data_ == nullptr) return true;
  return (impl.reactor_data_->*draining_detail::try_speculative_member())[boost::asio::detail::epoll_reactor::read_op];
#else
  (void)socket;
  return true;
#endif
}

// Finds the worker's reactor once per socket owner (a registry lookup takes a lock).
class DrainingReader {
 public:
  // Reads at least one byte into `buffer` (not empty), as socket.async_read_some would.
  template <class Token>
  auto async_read_some(boost::asio::ip::tcp::socket& socket, boost::asio::mutable_buffer buffer, Token&& token) {
    return boost::asio::async_initiate<Token, void(boost::system::error_code, std::size_t)>(
        [this, &socket, buffer](auto handler) {
#if defined(WEIR_DRAINING_READ)
          if (buffer.size() > 0 && !boost::asio::get_associated_cancellation_slot(handler).is_connected()) {
            if (reactor_ == nullptr) {
              reactor_ = &boost::asio::use_service<boost::asio::detail::reactor>(
                  boost::asio::query(socket.get_executor(), boost::asio::execution::context));
            }
            draining_detail::start(socket, *reactor_, buffer, std::move(handler));
            return;
          }
#endif
          socket.async_read_some(buffer, std::move(handler));
        },
        token);
  }

 private:
#if defined(WEIR_DRAINING_READ)
  boost::asio::detail::reactor* reactor_ = nullptr;
#endif
};

}  // namespace weir::net
