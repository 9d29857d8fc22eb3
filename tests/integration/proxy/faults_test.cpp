// weir under faults: a backend that is down or dies mid-result, clients that send garbage or stop
// reading, SIGTERM during a statement and SIGHUP with a broken configuration.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <future>
#include <random>
#include <thread>

#include "proxy_support.hpp"
#include "raw_packets.hpp"

namespace weir::testing::proxy_tests {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

std::string random_bytes(std::size_t n, std::uint32_t seed) {
  std::mt19937 rng(seed);
  std::string out(n, '\0');
  for (auto& c : out) c = static_cast<char>(rng());
  return out;
}

// "code message" of an ERR packet's payload, "" when it is not one.
std::string err_of(const std::optional<std::string>& payload) {
  if (!payload || payload->size() < 9 || static_cast<unsigned char>((*payload)[0]) != 0xff) return "";
  const unsigned code = static_cast<unsigned char>((*payload)[1]) | static_cast<unsigned char>((*payload)[2]) << 8;
  return std::to_string(code) + " " + payload->substr(3);
}

// A ten-row table; cross joins of it make results of any size.
void make_ten(MariadbServer& server) {
  server.execute(
      "CREATE TABLE app.ten (n INT PRIMARY KEY); "
      "INSERT INTO app.ten VALUES (0),(1),(2),(3),(4),(5),(6),(7),(8),(9)");
}
// 10000 rows of 20000 bytes: 200 MB.
constexpr const char* kHugeResult =
    "SELECT a.n, b.n, c.n, d.n, REPEAT('x', 20000) FROM app.ten a, app.ten b, app.ten c, app.ten d";

TEST(ProxyFaults, BackendDownAtConnectThenUp) {
  WeirOptions options;
  options.users = {{kApp, kAppPassword}};
  const std::uint16_t closed_port = free_loopback_port();
  options.backends.push_back(WeirBackend{"primary", "127.0.0.1", closed_port, "primary"});
  WeirProcess weir(options);

  // The login fails with an ERR naming the backend (a server-range code: libmariadb reports ERR
  // packets carrying its own client codes such as 2003 as "2027 Received malformed packet").
  std::string error;
  EXPECT_EQ(open_mysql(weir.port(), {}, &error), nullptr);
  EXPECT_EQ(error,
            "1927 weir: cannot connect to primary (127.0.0.1:" + std::to_string(closed_port) + "): Connection refused");
  const std::string cli =
      run_cli(weir.port(), {"-uapp", "-papp-pw", "--skip-ssl", "-e", "SELECT 1"}, weir.dir() + "/cli.out");
  EXPECT_NE(cli.find("ERROR 1927 (08S01): weir: cannot connect to primary (127.0.0.1:"), std::string::npos) << cli;
  EXPECT_TRUE(weir.wait_for_log("cannot connect to primary (127.0.0.1:" + std::to_string(closed_port) + ")", 5s))
      << weir.log();
  EXPECT_TRUE(weir.running());
  // A second client gets the same answer; weir stays up.
  EXPECT_EQ(open_mysql(weir.port(), {}, &error), nullptr);
  EXPECT_TRUE(weir.running());

  // The server comes up; weir is pointed at it (SIGHUP) and serves the next client.
  MariadbServer server;
  prepare_server(server);
  const std::size_t log_size = weir.log().size();
  WeirOptions up = weir.options();
  up.backends[0].port = server.port();
  weir.write_config(WeirProcess::render_config(up));
  weir.signal(SIGHUP);
  ASSERT_TRUE(weir.wait_for_log("msg=\"configuration reloaded\"", 10s, log_size)) << weir.log();
  Mysql m = open_mysql(weir.port(), {}, &error);
  ASSERT_NE(m, nullptr) << error << "\n" << weir.log();
  EXPECT_EQ(scalar_of(m.get(), "SELECT CURRENT_USER()"), "app@%");
}

TEST(ProxyFaults, BackendKilledMidResultEndsTheClientsQueryWithAnError) {
  MariadbServer server;
  prepare_server(server);
  make_ten(server);
  WeirProcess weir(weir_for(server));
  Mysql m = open_mysql(weir.port(), ConnectOptions{}.read_timeout(30));
  ASSERT_NE(m, nullptr);
  ASSERT_EQ(mysql_query(m.get(), kHugeResult), 0) << mysql_error(m.get());
  MYSQL_RES* res = mysql_use_result(m.get());
  ASSERT_NE(res, nullptr);
  for (int i = 0; i < 10; ++i) ASSERT_NE(mysql_fetch_row(res), nullptr) << mysql_error(m.get());
  ASSERT_EQ(::kill(server.pid(), SIGKILL), 0);
  const auto killed_at = Clock::now();
  long rows = 10;
  while (mysql_fetch_row(res) != nullptr) ++rows;
  const auto took = Clock::now() - killed_at;
  const unsigned code = mysql_errno(m.get());
  mysql_free_result(res);
  EXPECT_LT(rows, 10000) << "the whole result arrived although the server was killed";
  EXPECT_NE(code, 0U) << "the truncated result ended without an error after " << rows << " rows";
  // Well before the client's 30 s read timeout: weir closed the connection, it did not hang.
  EXPECT_LT(took, 15s) << "error " << code << " " << mysql_error(m.get());
  EXPECT_TRUE(weir.running());
  std::string error;
  EXPECT_EQ(open_mysql(weir.port(), {}, &error), nullptr);
}

TEST(ProxyFaults, BackendLostWhileTheClientIsIdle) {
  MariadbServer server;
  prepare_server(server);
  WeirProcess weir(weir_for(server));
  Mysql m = open_mysql(weir.port(), {});
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(scalar_of(m.get(), "SELECT 1"), "1");
  ASSERT_EQ(::kill(server.pid(), SIGKILL), 0);
  server.stop();
  EXPECT_NE(mysql_query(m.get(), "SELECT 2"), 0);
  const unsigned code = mysql_errno(m.get());
  if (WeirProcess::test_multiplexing()) {
    // The idle session held no backend connection (it was lent): its next statement finds the
    // primary unreachable and says so, and the session goes on (as after timeouts.backend_idle).
    EXPECT_EQ(code, 1105U) << mysql_error(m.get());
    EXPECT_NE(std::string(mysql_error(m.get())).find("cannot be reached"), std::string::npos) << mysql_error(m.get());
  } else {
    // Like a server that died: the connection is lost, with an error the client understands.
    EXPECT_TRUE(code == 2013 || code == 2006) << code << " " << mysql_error(m.get());
  }
  EXPECT_TRUE(weir.running());
}

TEST(ProxyFaults, GarbageFromClientsClosesOnlyTheirConnections) {
  MariadbServer server;
  prepare_server(server);
  WeirProcess weir(weir_for(server));

  // A well-behaved session runs statements the whole time.
  std::atomic<bool> stop{false};
  auto healthy = std::async(std::launch::async, [&] {
    Mysql m = open_mysql(weir.port(), {});
    if (!m) return std::string("cannot connect");
    long n = 0;
    while (!stop.load()) {
      const std::string want = std::to_string(++n);
      const std::string got = scalar_of(m.get(), "SELECT " + want);
      if (got != want) return "statement " + want + " gave " + got;
    }
    return n > 0 ? std::string("ok") : std::string("no statement ran");
  });

  {
    // Random bytes as the handshake response: refused, closed.
    RawSocket s(weir.port());
    ASSERT_TRUE(s.connected());
    ASSERT_TRUE(s.read_packet(5s).has_value()) << "no greeting";
    ASSERT_TRUE(s.send_all(frame(random_bytes(200, 1), 1)));
    const auto reply = s.read_packet(5s);
    if (reply) {
      EXPECT_NE(err_of(reply), "") << "a reply that is not an ERR packet";
    }
    EXPECT_TRUE(s.closed_by_peer_within(5s));
  }
  {
    // A handshake response claiming 16 MiB: closed at once.
    RawSocket s(weir.port());
    ASSERT_TRUE(s.read_packet(5s).has_value());
    ASSERT_TRUE(s.send_all(std::string("\xff\xff\xff\x01", 4) + random_bytes(1000, 2)));
    EXPECT_TRUE(s.closed_by_peer_within(5s));
  }
  {
    // Unframed random bytes right after connecting.
    RawSocket s(weir.port());
    ASSERT_TRUE(s.send_all(random_bytes(4096, 3)));
  }
  {
    // After login: an unknown command byte gets the server's own ERR and the session goes on.
    Mysql d = open_mysql(server.port(), {});
    Mysql w = open_mysql(weir.port(), {});
    ASSERT_TRUE(d && w);
    RawSocket sd(static_cast<int>(mysql_get_socket(d.get())));
    RawSocket sw(static_cast<int>(mysql_get_socket(w.get())));
    const std::string bogus = frame(std::string("\xee", 1) + random_bytes(50, 4), 0);
    ASSERT_TRUE(sd.send_all(bogus));
    ASSERT_TRUE(sw.send_all(bogus));
    const std::string expected = err_of(sd.read_packet(5s));
    EXPECT_NE(expected, "");
    EXPECT_EQ(err_of(sw.read_packet(5s)), expected);
    EXPECT_EQ(scalar_of(w.get(), "SELECT 5"), "5");
    // A packet out of sequence: ERR, then closed.
    ASSERT_TRUE(sw.send_all(frame("\x03SELECT 1", 7)));
    EXPECT_TRUE(sw.closed_by_peer_within(5s));
  }
  {
    // After login: a length header of 16 MiB - 1 with garbage, then the client vanishes.
    Mysql w = open_mysql(weir.port(), {});
    ASSERT_TRUE(w);
    RawSocket sw(static_cast<int>(mysql_get_socket(w.get())));
    ASSERT_TRUE(sw.send_all(std::string("\xff\xff\xff\x00", 4) + random_bytes(100000, 5)));
  }
  std::this_thread::sleep_for(500ms);
  stop = true;
  ASSERT_EQ(healthy.wait_for(30s), std::future_status::ready);
  EXPECT_EQ(healthy.get(), "ok");
  EXPECT_TRUE(weir.running()) << weir.log();
  Mysql after = open_mysql(weir.port(), {});
  ASSERT_NE(after, nullptr);
  EXPECT_EQ(scalar_of(after.get(), "SELECT 'still serving'"), "still serving");
}

// A logged-in client sends a header announcing 100 bytes, then 4 of them, and nothing more: weir
// closes the connection.
void expect_a_partial_packet_closed(WeirProcess& weir) {
  Mysql w = open_mysql(weir.port(), {});
  ASSERT_TRUE(w);
  RawSocket sw(static_cast<int>(mysql_get_socket(w.get())));
  ASSERT_TRUE(sw.send_all(std::string("\x64\x00\x00\x00\x03SEL", 8)));
  EXPECT_TRUE(sw.closed_by_peer_within(20s)) << weir.log();
}

// timeouts.client_read: a client that sends the start of a packet and then nothing is closed,
// as the server closes it after net_read_timeout (the idle limit does not apply once a packet
// has started).
TEST(ClientDeadlines, AStalledPartialStatementIsClosedAfterClientRead) {
  MariadbServer server;
  prepare_server(server);
  WeirOptions options = weir_for(server);
  options.extra_yaml = "timeouts:\n  client_read: 1s\n";
  WeirProcess weir(options);
  expect_a_partial_packet_closed(weir);
  EXPECT_TRUE(weir.wait_for_log("client sent part of a packet and stopped", 5s)) << weir.log();
  EXPECT_NE(weir.log().find("limit=timeouts.client_read"), std::string::npos) << weir.log();
  // A client that sends its statement slowly but steadily within the limit is served.
  Mysql slow = open_mysql(weir.port(), {});
  ASSERT_TRUE(slow);
  RawSocket ss(static_cast<int>(mysql_get_socket(slow.get())));
  ASSERT_TRUE(ss.send_all(frame("\x03SELECT 'whole'", 0).substr(0, 6)));
  std::this_thread::sleep_for(300ms);
  ASSERT_TRUE(ss.send_all(frame("\x03SELECT 'whole'", 0).substr(6)));
  const auto reply = ss.read_packet(10s);
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ(reply->substr(0, 1), std::string("\x01", 1)) << "a result set with one column";
}

// With a client_idle shorter than client_read, a stalled statement is closed by client_idle.
TEST(ClientDeadlines, AShorterClientIdleAlsoEndsAStalledStatement) {
  MariadbServer server;
  prepare_server(server);
  WeirOptions options = weir_for(server);
  options.extra_yaml = "timeouts:\n  client_idle: 1s\n";
  WeirProcess weir(options);
  expect_a_partial_packet_closed(weir);
  EXPECT_TRUE(weir.wait_for_log("limit=timeouts.client_idle", 5s)) << weir.log();
}

// timeouts.client_write: a client that asks for a large result and stops reading is closed
// once a write has made no progress for that long; its backend connection goes with it.
TEST(ClientDeadlines, AClientThatStopsReadingIsClosedAfterClientWrite) {
  MariadbServer server;
  prepare_server(server);
  make_ten(server);
  WeirOptions options = weir_for(server);
  options.extra_yaml = "timeouts:\n  client_write: 1s\n";
  WeirProcess weir(options);
  Mysql w = open_mysql(weir.port(), {});
  ASSERT_TRUE(w);
  const std::string thread = scalar_of(w.get(), "SELECT CONNECTION_ID()");
  ASSERT_EQ(mysql_send_query(w.get(), kHugeResult, std::strlen(kHugeResult)), 0);
  EXPECT_TRUE(weir.wait_for_log("client stopped reading", 20s)) << weir.log();
  RawSocket sw(static_cast<int>(mysql_get_socket(w.get())));
  EXPECT_TRUE(sw.closed_by_peer_within(20s)) << "weir kept writing to the stalled client";
  // The statement does not go on running for nobody on the server.
  bool gone = false;
  for (int i = 0; i < 100 && !gone; ++i) {
    gone = server.scalar("SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE ID = " + thread) == "0";
    if (!gone) std::this_thread::sleep_for(100ms);
  }
  EXPECT_TRUE(gone) << "the stalled client's statement still runs on the server";
  EXPECT_TRUE(weir.running());
  Mysql next = open_mysql(weir.port(), {});
  ASSERT_TRUE(next);
  EXPECT_EQ(scalar_of(next.get(), "SELECT 'next'"), "next");
}

TEST(ProxyFaults, AClientThatStopsReadingDoesNotGrowWeirsMemory) {
  MariadbServer server;
  prepare_server(server);
  make_ten(server);
  WeirProcess weir(weir_for(server));
  {
    // Warm up: a connection, a result, so the steady-state memory is in the baseline.
    Mysql warm = open_mysql(weir.port(), {});
    ASSERT_NE(warm, nullptr);
    EXPECT_EQ(scalar_of(warm.get(), "SELECT COUNT(*) FROM app.ten a, app.ten b"), "100");
  }
  const long before = rss_kib(weir.pid());
  ASSERT_GT(before, 0);

  Mysql slow = open_mysql(weir.port(), {});
  ASSERT_NE(slow, nullptr);
  ASSERT_EQ(mysql_send_query(slow.get(), kHugeResult, std::strlen(kHugeResult)), 0);
  // The server produces 200 MB as fast as weir takes it; give it time to fill every buffer.
  long peak = before;
  for (int i = 0; i < 30; ++i) {
    std::this_thread::sleep_for(100ms);
    peak = std::max(peak, rss_kib(weir.pid()));
  }
  // Other clients are served meanwhile.
  Mysql other = open_mysql(weir.port(), {});
  ASSERT_NE(other, nullptr);
  EXPECT_EQ(scalar_of(other.get(), "SELECT 'served'"), "served");
  peak = std::max(peak, rss_kib(weir.pid()));
  EXPECT_LT(peak - before, 32 * 1024) << "VmRSS grew from " << before << " KiB to " << peak
                                      << " KiB while a client did not read a 200 MB result";
  // The slow client reads a little: the result is intact so far.
  MYSQL_RES* res = nullptr;
  ASSERT_EQ(mysql_read_query_result(slow.get()), 0) << mysql_error(slow.get());
  res = mysql_use_result(slow.get());
  ASSERT_NE(res, nullptr);
  MYSQL_ROW row = mysql_fetch_row(res);
  ASSERT_NE(row, nullptr);
  EXPECT_EQ(std::strlen(row[4]), 20000U);
  slow.reset();  // gone without reading the rest
  EXPECT_TRUE(weir.running());
  Mysql again = open_mysql(weir.port(), {});
  ASSERT_NE(again, nullptr);
  EXPECT_EQ(scalar_of(again.get(), "SELECT 2"), "2");
  // The dropped result does not leave the memory behind either.
  EXPECT_LT(rss_kib(weir.pid()) - before, 32 * 1024);
  mysql_free_result(res);
}

TEST(ProxyFaults, SigtermLetsTheRunningStatementFinishThenExitsZero) {
  MariadbServer server;
  prepare_server(server);
  WeirProcess weir(weir_for(server));
  Mysql idle = open_mysql(weir.port(), {});
  Mysql busy = open_mysql(weir.port(), {});
  ASSERT_TRUE(idle && busy);
  auto result = std::async(std::launch::async, [m = busy.get()] { return scalar_of(m, "SELECT SLEEP(3) + 40"); });
  bool started = false;
  for (int i = 0; i < 200 && !started; ++i) {
    started =
        server.scalar("SELECT COUNT(*) FROM information_schema.processlist WHERE info LIKE 'SELECT SLEEP(3)%'") == "1";
    if (!started) std::this_thread::sleep_for(20ms);
  }
  ASSERT_TRUE(started);
  weir.signal(SIGTERM);
  ASSERT_TRUE(weir.wait_for_log("draining", 5s)) << weir.log();
  std::this_thread::sleep_for(300ms);
  // New connections are refused while the statement runs.
  std::string error;
  EXPECT_EQ(open_mysql(weir.port(), {}, &error), nullptr) << "a new connection was accepted while draining";
  EXPECT_TRUE(weir.running());
  // The statement finishes with its result.
  ASSERT_EQ(result.wait_for(20s), std::future_status::ready);
  EXPECT_EQ(result.get(), "40");
  const auto code = weir.wait_exit(15s);
  ASSERT_TRUE(code.has_value()) << "weir still runs after the statement ended\n" << weir.log();
  EXPECT_EQ(*code, 0) << weir.log();
  EXPECT_NE(weir.log().find("msg=stopped"), std::string::npos) << weir.log();
}

TEST(ProxyFaults, SighupWithABrokenConfigKeepsServingAndSaysWhy) {
  MariadbServer server;
  prepare_server(server);
  server.create_user("late", "late-pw");
  WeirProcess weir(weir_for(server));
  Mysql kept = open_mysql(weir.port(), {});
  ASSERT_NE(kept, nullptr);

  const std::string good = WeirProcess::render_config(weir.options());
  const auto lines = static_cast<int>(std::count(good.begin(), good.end(), '\n'));
  // An unknown key: the file, line and key path are in the log.
  std::size_t mark = weir.log().size();
  weir.write_config(good + "timeouts:\n  conect: 1s\n");
  weir.signal(SIGHUP);
  ASSERT_TRUE(weir.wait_for_log("configuration reload rejected", 10s, mark)) << weir.log();
  std::string log = weir.log().substr(mark);
  EXPECT_NE(log.find(weir.config_path() + ":" + std::to_string(lines + 2) + ":"), std::string::npos) << log;
  EXPECT_NE(log.find("timeouts.conect: unknown key"), std::string::npos) << log;
  EXPECT_NE(log.find("connect"), std::string::npos) << log;
  // A value without its unit.
  mark = weir.log().size();
  weir.write_config(good + "timeouts:\n  connect: 5\n");
  weir.signal(SIGHUP);
  ASSERT_TRUE(weir.wait_for_log("configuration reload rejected", 10s, mark)) << weir.log();
  log = weir.log().substr(mark);
  EXPECT_NE(log.find(":" + std::to_string(lines + 2) + ":"), std::string::npos) << log;
  EXPECT_NE(log.find("timeouts.connect"), std::string::npos) << log;
  // Not YAML at all.
  mark = weir.log().size();
  weir.write_config("listen: [unclosed\n");
  weir.signal(SIGHUP);
  ASSERT_TRUE(weir.wait_for_log("configuration reload rejected", 10s, mark)) << weir.log();

  EXPECT_TRUE(weir.running());
  EXPECT_EQ(scalar_of(kept.get(), "SELECT 'kept'"), "kept");
  Mysql fresh = open_mysql(weir.port(), {});
  ASSERT_NE(fresh, nullptr);
  EXPECT_EQ(scalar_of(fresh.get(), "SELECT 'fresh'"), "fresh");
  std::string error;
  EXPECT_EQ(open_mysql(weir.port(), ConnectOptions{}.as("late", "late-pw"), &error), nullptr);

  // A good file afterwards is taken: the new account logs in.
  WeirOptions more = weir.options();
  more.users.push_back({"late", "late-pw"});
  mark = weir.log().size();
  weir.write_config(WeirProcess::render_config(more));
  weir.signal(SIGHUP);
  ASSERT_TRUE(weir.wait_for_log("msg=\"configuration reloaded\"", 10s, mark)) << weir.log();
  Mysql late = open_mysql(weir.port(), ConnectOptions{}.as("late", "late-pw"), &error);
  ASSERT_NE(late, nullptr) << error;
  EXPECT_EQ(scalar_of(late.get(), "SELECT CURRENT_USER()"), "late@%");
}

// `listen.port: 0` (pick a free port) passes the configuration check; WeirProcess relies on it.
TEST(ProxyConfig, ListenPortZeroIsAccepted) {
  MariadbServer server;
  WeirOptions options = weir_for(server);
  options.listen_port = 0;
  const std::string path = server.dir() + "/port0.yaml";
  {
    std::ofstream out(path);
    out << WeirProcess::render_config(options);
  }
  const std::string out_path = server.dir() + "/check.out";
  const int rc = run_program({weir_binary(), "proxy", "--check", "--config", path}, out_path);
  std::ifstream in(out_path);
  std::ostringstream text;
  text << in.rdbuf();
  EXPECT_EQ(rc, 0) << text.str();
}

}  // namespace
}  // namespace weir::testing::proxy_tests
