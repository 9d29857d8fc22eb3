// backend::Pool over real loopback TCP connections: what it keeps, what it closes, and the idle
// gauge it is handed (weir_backend_connections{state="idle"}) following every way in and out.
#include <gtest/gtest.h>
#include <poll.h>
#include <sys/socket.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <chrono>
#include <memory>
#include <optional>
#include <thread>
#include <utility>
#include <vector>

#include "backend/pool.hpp"
#include "metrics/metrics.hpp"

namespace weir::backend {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;
using namespace std::chrono_literals;

// Connections to a loopback acceptor of the test; the test holds the server ends, so it sees
// when the pool closes a connection.
class PoolTest : public ::testing::Test {
 protected:
  PoolTest() : acceptor_(io_, tcp::endpoint(asio::ip::address_v4::loopback(), 0)) {}

  std::unique_ptr<BackendConnection> connect() {
    tcp::socket client(io_);
    client.connect(acceptor_.local_endpoint());
    peers_.push_back(std::make_unique<tcp::socket>(acceptor_.accept()));
    return std::make_unique<BackendConnection>(std::move(client), Endpoint{"db-0", "127.0.0.1", 3306});
  }

  // Whether the weir end of the `index`th connection has been closed (the server end reads EOF).
  // Waits at most 5 s, so that a connection left open fails the test instead of hanging it.
  bool closed_by_pool(std::size_t index) {
    pollfd p{peers_[index]->native_handle(), POLLIN, 0};
    if (::poll(&p, 1, 5000) != 1) return false;
    char byte = 0;
    return ::recv(p.fd, &byte, 1, MSG_DONTWAIT) == 0;
  }

  static PoolKey key(std::string user) { return PoolKey{"127.0.0.1", 3306, std::move(user), 0, 33, "app", false, {}}; }

  asio::io_context io_;
  tcp::acceptor acceptor_;
  std::vector<std::unique_ptr<tcp::socket>> peers_;
  metrics::Metrics registry_;
  metrics::Gauge& idle_ = registry_.backend_connections("db-0", "idle");
};

TEST_F(PoolTest, CountsEachConnectionWhileItIsPooled) {
  Pool pool(8, 60s);
  pool.put(key("a"), connect(), &idle_);
  pool.put(key("a"), connect(), &idle_);
  pool.put(key("b"), connect(), &idle_);
  EXPECT_EQ(idle_.value(), 3.0);
  EXPECT_EQ(pool.idle_count(), 3U);

  auto taken = pool.take(key("a"));
  ASSERT_NE(taken, nullptr);
  EXPECT_EQ(idle_.value(), 2.0);
  EXPECT_EQ(pool.take(key("c")), nullptr);
  EXPECT_EQ(idle_.value(), 2.0);

  pool.put(key("a"), std::move(taken), &idle_);
  EXPECT_EQ(idle_.value(), 3.0);
  const std::string text = registry_.render();
  EXPECT_NE(text.find("weir_backend_connections{backend=\"db-0\",state=\"idle\"} 3\n"), std::string::npos) << text;
}

TEST_F(PoolTest, ABrokenConnectionOrAPoolOfSizeZeroKeepsAndCountsNothing) {
  Pool pool(8, 60s);
  auto broken = connect();
  broken->mark_broken();
  pool.put(key("a"), std::move(broken), &idle_);
  pool.put(key("a"), nullptr, &idle_);
  EXPECT_EQ(idle_.value(), 0.0);
  EXPECT_EQ(pool.idle_count(), 0U);
  EXPECT_TRUE(closed_by_pool(0));

  Pool off(0, 60s);
  off.put(key("a"), connect(), &idle_);
  EXPECT_EQ(idle_.value(), 0.0);
  EXPECT_TRUE(closed_by_pool(1));
}

TEST_F(PoolTest, TheOldestIsClosedAndUncountedToMakeRoom) {
  Pool pool(2, 60s);
  pool.put(key("a"), connect(), &idle_);
  pool.put(key("a"), connect(), &idle_);
  pool.put(key("a"), connect(), &idle_);
  EXPECT_EQ(idle_.value(), 2.0);
  EXPECT_EQ(pool.idle_count(), 2U);
  EXPECT_TRUE(closed_by_pool(0));  // the first one in
}

TEST_F(PoolTest, ExpiredConnectionsAreClosedAndUncountedOnTheWay) {
  // Both are put while the limit is long (on a loaded machine two puts can be more than 1 ms apart).
  Pool pool(8, 60s);
  pool.put(key("a"), connect(), &idle_);
  pool.put(key("a"), connect(), &idle_);
  EXPECT_EQ(idle_.value(), 2.0);
  pool.set_limits(8, 1ms);
  std::this_thread::sleep_for(20ms);
  EXPECT_EQ(pool.take(key("a")), nullptr);
  EXPECT_EQ(idle_.value(), 0.0);
  EXPECT_EQ(pool.idle_count(), 0U);
  EXPECT_TRUE(closed_by_pool(0));
  EXPECT_TRUE(closed_by_pool(1));

  // Also when a put to the same key finds them expired.
  pool.put(key("a"), connect(), &idle_);
  std::this_thread::sleep_for(20ms);
  pool.set_limits(8, 60s);
  pool.put(key("a"), connect(), &idle_);
  EXPECT_EQ(idle_.value(), 2.0) << "the expiry is checked against the limits of the moment";
  pool.set_limits(8, 1ms);
  std::this_thread::sleep_for(20ms);
  pool.put(key("a"), connect(), &idle_);
  EXPECT_EQ(idle_.value(), 1.0);
  EXPECT_TRUE(closed_by_pool(2));
  EXPECT_TRUE(closed_by_pool(3));
}

TEST_F(PoolTest, DestroyingThePoolUncountsWhatItHeld) {
  metrics::Gauge& other = registry_.backend_connections("db-1", "idle");
  {
    Pool pool(8, 60s);
    pool.put(key("a"), connect(), &idle_);
    pool.put(key("b"), connect(), &other);
    pool.put(key("b"), connect(), &other);
    pool.put(key("c"), connect());  // not counted anywhere
    EXPECT_EQ(idle_.value(), 1.0);
    EXPECT_EQ(other.value(), 2.0);
  }
  EXPECT_EQ(idle_.value(), 0.0);
  EXPECT_EQ(other.value(), 0.0);
}

// Multiplexing: connections lent between statements, with who lent them.
TEST_F(PoolTest, ALentConnectionGoesBackToItsLenderFirstAndSaysWhoLentIt) {
  Pool pool(8, 60s);
  auto mine = connect();
  const BackendConnection* mine_ptr = mine.get();
  pool.put(key("a"), std::move(mine), &idle_, Lender{7, 3, "app"});
  pool.put(key("a"), connect(), &idle_, Lender{9, 1, "app"});
  pool.put(key("a"), connect(), &idle_);  // reset, lent by nobody
  EXPECT_EQ(idle_.value(), 3.0);

  std::optional<Lender> lender;
  auto taken = pool.take(key("a"), 7, &lender);
  EXPECT_EQ(taken.get(), mine_ptr);  // not the most recent: session 7's own
  ASSERT_TRUE(lender.has_value());
  EXPECT_EQ(lender->session, 7U);
  EXPECT_EQ(lender->applied, 3U);
  EXPECT_EQ(lender->database, "app");

  auto other = pool.take(key("a"), 7, &lender);  // session 7 has none left: the most recent
  ASSERT_NE(other, nullptr);
  EXPECT_FALSE(lender.has_value());
  other = pool.take(key("a"), 7, &lender);
  ASSERT_TRUE(lender.has_value());
  EXPECT_EQ(lender->session, 9U);
  EXPECT_EQ(idle_.value(), 0.0);
}

TEST_F(PoolTest, LentConnectionsDoNotCountAgainstTheIdleLimit) {
  Pool pool(1, 60s);
  pool.put(key("a"), connect(), &idle_, Lender{1, 0, "app"});
  pool.put(key("a"), connect(), &idle_, Lender{2, 0, "app"});
  pool.put(key("a"), connect(), &idle_);  // room for one that is not lent
  EXPECT_EQ(pool.idle_count(), 3U);
  pool.put(key("a"), connect(), &idle_);  // the reset one before it makes room, not a lent one
  EXPECT_EQ(pool.idle_count(), 3U);
  EXPECT_TRUE(closed_by_pool(2));

  Pool off(0, 60s);  // no idle pool at all, and yet lending works
  off.put(key("a"), connect(), &idle_, Lender{1, 0, "app"});
  EXPECT_EQ(off.idle_count(), 1U);
}

TEST_F(PoolTest, TheSessionStateIsPartOfTheKey) {
  Pool pool(8, 60s);
  PoolKey with_names = key("a");
  with_names.session_state = "17:\x03SET NAMES utf8mb4";
  pool.put(with_names, connect(), &idle_, Lender{1, 1, "app"});
  EXPECT_EQ(pool.take(key("a")), nullptr);
  EXPECT_NE(pool.take(with_names), nullptr);
}

TEST_F(PoolTest, APutHandsTheConnectionToTheLongestWaitingForThatBackendAndAccount) {
  Pool pool(8, 60s);
  std::vector<std::pair<int, Pool::Handed>> given;
  PoolKey with_names = key("a");
  with_names.session_state = "names";
  std::uint64_t tickets[3] = {};
  pool.wait_for_lent(
      key("a"), [&](Pool::Handed h) { given.emplace_back(1, std::move(h)); }, tickets[0]);
  pool.wait_for_lent(
      key("b"), [&](Pool::Handed h) { given.emplace_back(2, std::move(h)); }, tickets[1]);
  pool.wait_for_lent(
      with_names, [&](Pool::Handed h) { given.emplace_back(3, std::move(h)); }, tickets[2]);
  EXPECT_EQ(pool.lent_waiters(), 3U);
  EXPECT_NE(tickets[0], 0U);
  const std::uint64_t first = tickets[0];

  // Lent in another session state than the waiter's own: it is handed over all the same.
  pool.put(with_names, connect(), &idle_, Lender{9, 2, "app"});
  ASSERT_EQ(given.size(), 1U);
  EXPECT_EQ(given[0].first, 1);
  ASSERT_NE(given[0].second.connection, nullptr);
  EXPECT_EQ(given[0].second.session_state, "names");
  ASSERT_TRUE(given[0].second.lender.has_value());
  EXPECT_EQ(given[0].second.lender->session, 9U);
  EXPECT_EQ(pool.idle_count(), 0U);  // never in the pool, never counted idle
  EXPECT_EQ(idle_.value(), 0.0);
  EXPECT_EQ(tickets[0], 0U);  // out of line
  pool.stop_waiting(first);   // already out of line: nothing happens

  pool.put(key("a"), connect(), &idle_);  // a reset one goes to the next waiting for "a"
  ASSERT_EQ(given.size(), 2U);
  EXPECT_EQ(given[1].first, 3);
  EXPECT_FALSE(given[1].second.lender.has_value());
  pool.put(key("a"), connect(), &idle_, Lender{1, 0, "app"});  // nobody left for "a": pooled
  EXPECT_EQ(given.size(), 2U);
  EXPECT_EQ(pool.idle_count(), 1U);
  EXPECT_EQ(pool.lent_waiters(), 1U);
}

TEST_F(PoolTest, APoolDestroyedFirstTellsItsWaitersTheyAreOutOfLine) {
  std::uint64_t ticket = 0;
  {
    Pool pool(8, 60s);
    pool.wait_for_lent(
        key("a"), [](Pool::Handed) {}, ticket);
    EXPECT_NE(ticket, 0U);
  }
  EXPECT_EQ(ticket, 0U);  // the waiter's stop_waiting is skipped: nothing left to leave
}

}  // namespace
}  // namespace weir::backend
