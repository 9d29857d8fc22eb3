#include "session/session_command_history.hpp"

#include <string>

namespace weir::session {

bool SessionCommandHistory::add(protocol::Bytes packet) {
  if (full_ || commands_.size() >= limit_) {
    full_ = true;
    return false;
  }
  commands_.emplace_back(packet.begin(), packet.end());
  state_ += std::to_string(packet.size());
  state_ += ':';
  state_.append(reinterpret_cast<const char*>(packet.data()), packet.size());
  return true;
}

void SessionCommandHistory::clear() {
  // Numbers keep growing, so that a connection's `applied` never matches a command of the new
  // history by accident.
  first_ += commands_.size();
  commands_.clear();
  state_.clear();
  full_ = false;
}

std::span<const protocol::Buffer> SessionCommandHistory::after(std::uint64_t applied) const {
  if (applied + 1 <= first_) return commands_;
  const auto skip = applied + 1 - first_;
  if (skip >= commands_.size()) return {};
  return std::span<const protocol::Buffer>(commands_).subspan(skip);
}

}  // namespace weir::session
