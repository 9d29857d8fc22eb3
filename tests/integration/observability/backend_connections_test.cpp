// weir_backend_connections{backend, state} through a real weir in front of a real mariadbd: a
// connection serving a client is "active", one kept in the worker's pool after its client left is
// "idle"; the server's own PROCESSLIST sees exactly those connections (plus the monitor's).
#include <gtest/gtest.h>

#include <algorithm>
#include <iostream>
#include <vector>

#include "observability_support.hpp"

namespace weir::testing::observability_tests {
namespace {

struct Gauges {
  double active = -1;
  double idle = -1;
};

Gauges backend_gauges(const std::string& exposition, const std::string& backend) {
  const std::string b = "backend=\"" + backend + "\"";
  return {sample_sum(exposition, "weir_backend_connections", {b, "state=\"active\""}).value_or(-1),
          sample_sum(exposition, "weir_backend_connections", {b, "state=\"idle\""}).value_or(-1)};
}

// Polls /metrics until the primary's gauges are (active, idle); returns the last exposition.
std::string wait_for_gauges(std::uint16_t admin_port, double active, double idle) {
  return get_until(admin_port, "/metrics",
                   [&](const HttpResponse& r) {
                     const auto g = backend_gauges(r.body, "primary");
                     return r.status == 200 && g.active == active && g.idle == idle;
                   })
      .body;
}

// Connections on the server by account, from its own PROCESSLIST.
int connections_of(MariadbServer& server, const std::string& user) {
  return std::stoi(
      server.scalar("SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE USER = '" + user + "'").value_or("-1"));
}

// Polls the server until `user` has `expected` connections (a closed socket takes a moment to
// end its server thread); returns the last count.
int wait_for_connections(MariadbServer& server, const std::string& user, int expected) {
  const auto until = std::chrono::steady_clock::now() + 10s;
  int n = connections_of(server, user);
  while (n != expected && std::chrono::steady_clock::now() < until) {
    std::this_thread::sleep_for(50ms);
    n = connections_of(server, user);
  }
  return n;
}

class BackendConnectionGauges : public ::testing::Test {
 protected:
  // One worker: every client of the test meets the same pool.
  void start_weir(const std::string& pool_yaml) {
    prepare_primary(primary_);
    WeirOptions options = weir_for(primary_);
    options.workers = 1;
    options.admin_yaml = admin_yaml(kToken);
    options.extra_yaml = pool_yaml;
    weir_ = std::make_unique<WeirProcess>(options);
    admin_port_ = admin_port_of(*weir_);
  }

  // `n` clients connected at once, each having run a statement (so each holds its own backend
  // connection, and their CONNECTION_ID()s are the server's ids of those connections).
  std::vector<Mysql> clients(int n, std::vector<std::string>* ids = nullptr) {
    std::vector<Mysql> out;
    for (int i = 0; i < n; ++i) {
      out.push_back(open_mysql(weir_->port(), {}));
      EXPECT_NE(out.back(), nullptr) << weir_->log();
      if (!out.back()) continue;
      const std::string id = scalar_of(out.back().get(), "SELECT CONNECTION_ID()");
      EXPECT_EQ(id.rfind("ERR", 0), std::string::npos) << id;
      if (ids != nullptr) ids->push_back(id);
    }
    return out;
  }

  void TearDown() override {
    if (HasFailure() && weir_) std::cerr << "weir log:\n" << weir_->log();
  }

  MariadbServer primary_{MariadbOptions::primary(100)};
  std::unique_ptr<WeirProcess> weir_;
  std::uint16_t admin_port_ = 0;
};

TEST_F(BackendConnectionGauges, PooledConnectionsAreIdleAndATakenOneIsActiveAgain) {
  start_weir("pool:\n  max_idle_per_worker: 8\n  idle_timeout: 600s\n  reset_on_reuse: true\n");
  constexpr int kClients = 3;
  std::vector<std::string> first_ids;
  {
    auto held = clients(kClients, &first_ids);
    const auto text = wait_for_gauges(admin_port_, kClients, 0);
    const auto g = backend_gauges(text, "primary");
    EXPECT_EQ(g.active, kClients) << text;
    EXPECT_EQ(g.idle, 0) << text;
    EXPECT_EQ(connections_of(primary_, kApp), kClients);
  }
  // The clients left: their connections were reset and pooled, none closed.
  auto text = wait_for_gauges(admin_port_, 0, kClients);
  auto g = backend_gauges(text, "primary");
  EXPECT_EQ(g.active, 0) << text;
  EXPECT_EQ(g.idle, kClients) << text;
  // The server's view: every connection of the account is weir's (the test's clients only ever
  // reach the server through weir), and weir's connections are exactly active + idle + monitor.
  const int app = wait_for_connections(primary_, kApp, kClients);
  const int monitor = connections_of(primary_, "weir_monitor");
  EXPECT_EQ(app, g.active + g.idle);
  EXPECT_GE(monitor, 1) << "the health monitor keeps a connection to the primary";
  std::cout << "after " << kClients << " clients left: active=" << g.active << " idle=" << g.idle
            << "; server PROCESSLIST: app=" << app << " weir_monitor=" << monitor << "\n";

  // A new client takes one of them: idle -1, active +1, no new connection on the server.
  {
    std::vector<std::string> ids;
    auto again = clients(1, &ids);
    text = wait_for_gauges(admin_port_, 1, kClients - 1);
    g = backend_gauges(text, "primary");
    EXPECT_EQ(g.active, 1) << text;
    EXPECT_EQ(g.idle, kClients - 1) << text;
    EXPECT_EQ(connections_of(primary_, kApp), kClients);
    ASSERT_EQ(ids.size(), 1U);
    EXPECT_NE(std::find(first_ids.begin(), first_ids.end(), ids[0]), first_ids.end())
        << "server connection " << ids[0] << " is not one of the pooled ones";
    std::cout << "one client back: active=" << g.active << " idle=" << g.idle << " (server connection " << ids[0]
              << " reused)\n";
  }
  text = wait_for_gauges(admin_port_, 0, kClients);
  g = backend_gauges(text, "primary");
  EXPECT_EQ(g.active, 0) << text;
  EXPECT_EQ(g.idle, kClients) << text;
}

TEST_F(BackendConnectionGauges, ConnectionsClosedForRoomOrExpiredLeaveTheIdleCount) {
  // Room for 2 per key; pooled connections expire after 1 s.
  start_weir("pool:\n  max_idle_per_worker: 2\n  idle_timeout: 1s\n");
  { auto held = clients(3); }
  // The third to come back made room by closing the oldest.
  auto text = wait_for_gauges(admin_port_, 0, 2);
  auto g = backend_gauges(text, "primary");
  EXPECT_EQ(g.idle, 2) << text;
  EXPECT_EQ(g.active, 0) << text;
  EXPECT_EQ(wait_for_connections(primary_, kApp, 2), 2);

  // Past the idle timeout the next client finds both expired: they are closed on the way and a
  // new connection serves it.
  std::this_thread::sleep_for(1500ms);
  auto again = clients(1);
  text = wait_for_gauges(admin_port_, 1, 0);
  g = backend_gauges(text, "primary");
  EXPECT_EQ(g.active, 1) << text;
  EXPECT_EQ(g.idle, 0) << text;
  EXPECT_EQ(wait_for_connections(primary_, kApp, 1), 1);
}

}  // namespace
}  // namespace weir::testing::observability_tests
