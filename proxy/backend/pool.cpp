#include "backend/pool.hpp"

#include <algorithm>
#include <iterator>

#include "metrics/metrics.hpp"
#include "net/socket_calls.hpp"
#include "weir/protocol/commands.hpp"
#include "weir/protocol/response.hpp"

namespace weir::backend {

namespace asio = boost::asio;
namespace proto = weir::protocol;

Pool::IdleMark::IdleMark(metrics::Gauge* gauge) noexcept : gauge_(gauge) {
  if (gauge_ != nullptr) gauge_->inc();
}

Pool::IdleMark& Pool::IdleMark::operator=(IdleMark&& other) noexcept {
  if (this != &other) {
    if (gauge_ != nullptr) gauge_->dec();
    gauge_ = std::exchange(other.gauge_, nullptr);
  }
  return *this;
}

Pool::IdleMark::~IdleMark() {
  if (gauge_ != nullptr) gauge_->dec();
}

void Pool::evict_expired(Entries& entries, Clock::time_point now) {
  auto end = entries.begin();
  while (end != entries.end() && now - end->since > idle_timeout_) {
    end->connection->stream().close();
    ++end;
  }
  entries.erase(entries.begin(), end);
}

void Pool::prune_empty_keys() {
  if (idle_.size() < prune_at_) return;
  std::erase_if(idle_, [](const auto& entry) { return entry.second.empty(); });
  // Many keys in use: prune again only when as many more have come.
  prune_at_ = std::max(kPruneAtLeast, 2 * idle_.size());
}

std::unique_ptr<BackendConnection> Pool::take(const PoolKey& key, std::uint32_t session,
                                              std::optional<Lender>* lender) {
  if (poolable_ && !poolable_(key.user)) return nullptr;
  const auto it = idle_.find(key);
  if (it == idle_.end()) return nullptr;
  auto& entries = it->second;
  evict_expired(entries, Clock::now());
  if (entries.empty()) return nullptr;  // the key stays with its capacity (prune_empty_keys)
  auto chosen = std::prev(entries.end());
  if (session != 0) {
    for (auto e = entries.rbegin(); e != entries.rend(); ++e) {
      const std::optional<Lender>& lender_of = e->lender;
      if (lender_of.has_value() && lender_of->session == session) {
        chosen = std::prev(e.base());
        break;
      }
    }
  }
  auto connection = std::move(chosen->connection);
  if (lender != nullptr) *lender = std::move(chosen->lender);
  entries.erase(chosen);
  return connection;
}

void Pool::put(const PoolKey& key, std::unique_ptr<BackendConnection> connection, metrics::Gauge* idle,
               std::optional<Lender> lender) {
  if (!connection || connection->broken() || (max_idle_ == 0 && !lender)) return;
  if (poolable_ && !poolable_(key.user)) {
    connection->stream().close();
    return;
  }
  // Multiplexing: a statement waiting for a connection of this backend and account gets it first.
  const auto waiter = std::find_if(waiters_.begin(), waiters_.end(), [&](const Waiter& w) {
    auto base = w.key;
    base.session_state = key.session_state;
    return base == key;
  });
  if (waiter != waiters_.end()) {
    auto give = std::move(waiter->give);
    *waiter->ticket = 0;
    waiters_.erase(waiter);
    give(Handed{std::move(connection), key.session_state, std::move(lender)});
    return;
  }
  prune_empty_keys();
  auto& entries = idle_[key];
  const auto now = Clock::now();
  evict_expired(entries, now);
  if (!lender && entries.size() >= max_idle_) {
    // The oldest connection that was not lent makes room (lent ones are bounded by their cap).
    const auto victim = std::find_if(entries.begin(), entries.end(), [](const Entry& e) { return !e.lender; });
    if (victim != entries.end()) {
      victim->connection->stream().close();
      entries.erase(victim);
    }
  }
  // A lent connection keeps its read buffer: it serves again within moments, most likely.
  if (!lender) connection->stream().release_buffer();
  entries.push_back(Entry{std::move(connection), now, IdleMark(idle), std::move(lender)});
}

Pool::Handed Pool::take_any_state(const PoolKey& key) {
  if (poolable_ && !poolable_(key.user)) return {};
  PoolKey first = key;
  first.session_state.clear();
  const auto now = Clock::now();
  // States order last in the key: the key's states are one range from the empty one.
  for (auto it = idle_.lower_bound(first); it != idle_.end();) {
    PoolKey base = it->first;
    base.session_state.clear();
    if (!(base == first)) break;
    evict_expired(it->second, now);
    if (it->second.empty()) {
      ++it;
      continue;
    }
    Entry& entry = it->second.back();
    Handed out{std::move(entry.connection), it->first.session_state, std::move(entry.lender)};
    it->second.pop_back();
    return out;
  }
  return {};
}

void Pool::wait_for_lent(const PoolKey& key, std::function<void(Handed)> give, std::uint64_t& ticket) {
  ticket = next_waiter_++;
  waiters_.push_back(Waiter{ticket, key, std::move(give), &ticket});
}

Pool::~Pool() {
  for (auto& waiter : waiters_) *waiter.ticket = 0;
}

void Pool::stop_waiting(std::uint64_t waiter) {
  std::erase_if(waiters_, [waiter](const Waiter& w) { return w.id == waiter; });
}

void Pool::set_poolable(std::function<bool(std::string_view user)> poolable) {
  poolable_ = std::move(poolable);
  if (!poolable_) return;
  std::erase_if(idle_, [this](auto& entry) {
    if (poolable_(entry.first.user)) return false;
    for (auto& e : entry.second) e.connection->stream().close();
    return true;
  });
}

void Pool::close_user(std::string_view user) {
  std::erase_if(idle_, [user](auto& entry) {
    if (entry.first.user != user) return false;
    for (auto& e : entry.second) e.connection->stream().close();
    return true;
  });
}

bool Pool::close_one_idle(const std::string& host, std::uint16_t port) {
  PoolKey first;
  first.host = host;
  first.port = port;
  // Keys order by host and port first: the backend's keys are one range.
  Entries* oldest = nullptr;
  for (auto it = idle_.lower_bound(first); it != idle_.end() && it->first.host == host && it->first.port == port;
       ++it) {
    if (!it->second.empty() && (oldest == nullptr || it->second.front().since < oldest->front().since)) {
      oldest = &it->second;
    }
  }
  if (oldest == nullptr) return false;
  oldest->front().connection->stream().close();
  oldest->erase(oldest->begin());
  return true;
}

std::size_t Pool::idle_count() const {
  std::size_t n = 0;
  for (const auto& [key, entries] : idle_) n += entries.size();
  return n;
}

asio::awaitable<bool> prepare_for_reuse(BackendConnection& connection, bool reset) {
  if (!reset) co_return connection.stream().stream().is_open();
  boost::system::error_code error;
  proto::Buffer command;
  proto::serialize_simple_command(proto::Command::reset_connection, command);
  co_await connection.stream().write_packet(command, 0, error);
  proto::Bytes reply;
  std::uint8_t seq = 0;
  if (!error) co_await connection.stream().read_packet(reply, seq, 1 << 20, error);
  if (error || reply.empty() || reply[0] != proto::kOkHeader) {
    connection.mark_broken();
    co_return false;
  }
  connection.prepared().clear();  // the reset closed them
  co_return true;
}

}  // namespace weir::backend

namespace weir::backend {

bool looks_alive(BackendConnection& connection) {
  auto& socket = connection.stream().stream().socket();
  if (!socket.is_open()) return false;
  // Closed by the server, or something unsolicited (an error before closing): not usable either.
  return net::peek_waiting(socket.native_handle()) == net::Waiting::nothing;
}

}  // namespace weir::backend
