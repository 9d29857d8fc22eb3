#pragma once
// A one-shot timer owned by the session that runs a handler when a limit passes (handshake,
// idle client, long query). Cancelled when it is re-armed or destroyed, so the handler never
// runs after the wait it guards is over.
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <utility>

namespace weir::session {

class Deadline {
 public:
  explicit Deadline(const boost::asio::any_io_executor& executor) : timer_(executor) {}
  Deadline(const Deadline&) = delete;
  Deadline& operator=(const Deadline&) = delete;
  ~Deadline() { cancel(); }

  // A zero or negative limit arms nothing.
  template <class Rep, class Period, class Handler>
  void arm(std::chrono::duration<Rep, Period> limit, Handler on_expiry) {
    cancel();
    if (limit <= limit.zero()) return;
    armed_ = true;
    timer_.expires_after(limit);
    timer_.async_wait([handler = std::move(on_expiry)](const boost::system::error_code& ec) mutable {
      if (!ec) handler();
    });
  }
  void cancel() {
    if (!armed_) return;
    armed_ = false;
    timer_.cancel();
  }

 private:
  boost::asio::steady_timer timer_;
  bool armed_ = false;
};

}  // namespace weir::session
