#include "net/accept_backoff.hpp"

#include <algorithm>
#include <cerrno>

namespace weir::net {

bool AcceptBackoff::is_one_clients(int error_number) {
  switch (error_number) {
    case ECONNABORTED:
    case EINTR:
    case EAGAIN:
    case EPROTO:
    case EPERM:  // a firewall rule refused this one
    case ENETDOWN:
    case ENOPROTOOPT:
    case EHOSTDOWN:
    case ENONET:
    case EHOSTUNREACH:
    case EOPNOTSUPP:
    case ENETUNREACH: return true;
    default: return false;
  }
}

AcceptBackoff::Step AcceptBackoff::failed(int error_number) {
  if (is_one_clients(error_number)) return {};
  Step step;
  step.starts_streak = failures_ == 0;
  ++failures_;
  step.pause = next_pause_.count() == 0 ? kFirstPause : next_pause_;
  next_pause_ = std::min(step.pause * 2, kLongestPause);
  return step;
}

std::optional<std::uint64_t> AcceptBackoff::succeeded() {
  if (failures_ == 0) return std::nullopt;
  const auto streak = failures_;
  failures_ = 0;
  next_pause_ = std::chrono::milliseconds(0);
  return streak;
}

}  // namespace weir::net
