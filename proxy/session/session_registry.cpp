#include "session/session_registry.hpp"

namespace weir::session {

std::uint32_t SessionRegistry::next_id() {
  std::lock_guard lock(mutex_);
  // Skip ids still in use after a wrap-around.
  do {
    ++next_id_;
    if (next_id_ < kFirstId) next_id_ = kFirstId;
  } while (sessions_.contains(next_id_));
  return next_id_;
}

void SessionRegistry::add(std::uint32_t id, SessionHandle handle) {
  std::lock_guard lock(mutex_);
  sessions_[id] = std::move(handle);
}

void SessionRegistry::remove(std::uint32_t id) {
  std::lock_guard lock(mutex_);
  sessions_.erase(id);
  clients_.erase(id);
}

void SessionRegistry::set_user(std::uint32_t id, const std::string& user) {
  std::lock_guard lock(mutex_);
  const auto it = sessions_.find(id);
  if (it == sessions_.end()) return;
  it->second.user = user;
  it->second.logged_in = true;
}

void SessionRegistry::set_client(std::uint32_t id, ClientSide client) {
  std::lock_guard lock(mutex_);
  if (!sessions_.contains(id)) return;
  clients_[id] = std::move(client);
}

std::optional<SessionHandle> SessionRegistry::find(std::uint32_t id) const {
  std::lock_guard lock(mutex_);
  const auto it = sessions_.find(id);
  if (it == sessions_.end()) return std::nullopt;
  return it->second;
}

std::optional<std::pair<std::uint32_t, SessionHandle>> SessionRegistry::find_by_backend_thread(
    std::uint32_t thread_id) const {
  std::lock_guard lock(mutex_);
  for (const auto& [id, handle] : sessions_) {
    if (handle.backend && handle.backend->thread_id() == thread_id) return std::make_pair(id, handle);
  }
  return std::nullopt;
}

std::size_t SessionRegistry::size() const {
  std::lock_guard lock(mutex_);
  return sessions_.size();
}

void SessionRegistry::for_each(const std::function<void(std::uint32_t, const SessionHandle&)>& visit) const {
  std::lock_guard lock(mutex_);
  for (const auto& [id, handle] : sessions_) visit(id, handle);
}

void SessionRegistry::for_each(
    const std::function<void(std::uint32_t, const SessionHandle&, const ClientSide&)>& visit) const {
  std::lock_guard lock(mutex_);
  static const ClientSide kUnknown;
  for (const auto& [id, handle] : sessions_) {
    const auto client = clients_.find(id);
    visit(id, handle, client == clients_.end() ? kUnknown : client->second);
  }
}

}  // namespace weir::session
