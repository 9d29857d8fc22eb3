#pragma once
// The session commands a client ran (SET, USE, COM_INIT_DB, COM_SET_OPTION), in order, so that
// a backend connection opened later in the session, or one that missed some, can be brought to
// the same state before it serves a statement. Pure.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "weir/protocol/bytes.hpp"

namespace weir::session {

class SessionCommandHistory {
 public:
  explicit SessionCommandHistory(std::size_t limit = 256) : limit_(limit) {}

  // Records a command packet (command byte first) that succeeded on the primary. False when the
  // history is full: the session then keeps all its statements on the primary.
  bool add(protocol::Bytes packet);
  // COM_RESET_CONNECTION, COM_CHANGE_USER: the server forgot the session's state.
  void clear();

  // Commands are numbered from 1 in the order they ran; a connection remembers the number of the
  // last one it has applied. The commands after `applied`:
  std::span<const protocol::Buffer> after(std::uint64_t applied) const;
  std::uint64_t last() const { return first_ + commands_.size() - 1; }
  bool full() const { return full_; }
  // Every command of the history, each after its length: two sessions with the same state() bring
  // a new connection to the same state (a multiplexed connection passes between them as it is).
  const std::string& state() const { return state_; }

 private:
  std::size_t limit_;
  std::uint64_t first_ = 1;  // the number of commands_[0]
  std::vector<protocol::Buffer> commands_;
  bool full_ = false;
  std::string state_;
};

}  // namespace weir::session
