// The admin server over real loopback sockets: every endpoint, the errors, the token.
#include "admin/admin_server.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <random>
#include <regex>
#include <stdexcept>
#include <thread>
#include <vector>

#include "http_client.hpp"
#include "metrics/metrics.hpp"
#include "weir/testing/process.hpp"
#include "weir/testing/temp_dir.hpp"

namespace weir::admin {
namespace {

using testing::exchange;
using testing::request;

config::AdminConfig admin_config(std::optional<std::string> token = std::nullopt) {
  config::AdminConfig c;
  c.address = "127.0.0.1";
  c.port = 0;
  if (token) c.token = config::Secret{*token, config::Secret::Source::inline_value, ""};
  return c;
}

struct AdminServerTest : ::testing::Test {
  metrics::Metrics metrics;
  std::atomic<bool> ready{true};
  std::atomic<int> reloads{0};
  std::atomic<bool> reload_fails{false};

  AdminHandlers handlers() {
    AdminHandlers h;
    h.metrics = [this] { return metrics.render(); };
    h.readiness = [this] { return ready ? Readiness{true, ""} : Readiness{false, "no primary reachable"}; };
    h.backends = [] { return std::string(R"([{"name": "db-0"}])"); };
    h.sessions = [] { return std::string(R"([{"id": 1073741825}])"); };
    h.config = [] { return std::string("listen:\n  port: 6033\nmonitor:\n  password: <redacted>\n"); };
    h.reload = [this] {
      ++reloads;
      if (reload_fails) return ReloadOutcome{false, "weir.yaml:3:9: listen.port: expected an integer 1..65535"};
      return ReloadOutcome{true, "reloaded: routing"};
    };
    return h;
  }
};

TEST_F(AdminServerTest, PortZeroPicksAFreePortAndEveryEndpointAnswers) {
  metrics.set_build_info("9.9.9");
  AdminServer server(admin_config(), handlers());
  ASSERT_EQ(server.start(), std::nullopt);
  ASSERT_NE(server.port(), 0);

  auto r = request(server.port(), "GET", "/healthz");
  EXPECT_EQ(r.status, 200) << r.raw;
  EXPECT_EQ(r.body, "ok\n");

  r = request(server.port(), "GET", "/readyz");
  EXPECT_EQ(r.status, 200) << r.raw;
  EXPECT_EQ(r.body, "ready\n");

  r = request(server.port(), "GET", "/metrics");
  EXPECT_EQ(r.status, 200) << r.raw;
  EXPECT_EQ(r.headers["content-type"], "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_NE(r.body.find("weir_build_info{version=\"9.9.9\"} 1\n"), std::string::npos) << r.body;

  r = request(server.port(), "GET", "/metrics?name=x");  // a query string does not change the path
  EXPECT_EQ(r.status, 200) << r.raw;

  r = request(server.port(), "GET", "/backends");
  EXPECT_EQ(r.status, 200) << r.raw;
  EXPECT_EQ(r.headers["content-type"], "application/json");
  EXPECT_EQ(r.body, "[{\"name\": \"db-0\"}]\n");

  r = request(server.port(), "GET", "/sessions");
  EXPECT_EQ(r.status, 200) << r.raw;
  EXPECT_EQ(r.headers["content-type"], "application/json");
  EXPECT_EQ(r.body, "[{\"id\": 1073741825}]\n");

  r = request(server.port(), "GET", "/config");
  EXPECT_EQ(r.status, 200) << r.raw;
  EXPECT_NE(r.body.find("password: <redacted>"), std::string::npos);
  server.stop();
}

TEST_F(AdminServerTest, NotReadyIs503WithTheReason) {
  AdminServer server(admin_config(), handlers());
  ASSERT_EQ(server.start(), std::nullopt);
  ready = false;
  const auto r = request(server.port(), "GET", "/readyz");
  EXPECT_EQ(r.status, 503) << r.raw;
  EXPECT_EQ(r.body, "not ready: no primary reachable\n");
}

TEST_F(AdminServerTest, ReloadGoesThroughTheCallback) {
  AdminServer server(admin_config(), handlers());
  ASSERT_EQ(server.start(), std::nullopt);
  auto r = request(server.port(), "POST", "/reload");
  EXPECT_EQ(r.status, 200) << r.raw;
  EXPECT_EQ(r.body, "reloaded: routing\n");
  EXPECT_EQ(reloads, 1);

  reload_fails = true;
  r = request(server.port(), "POST", "/reload");
  EXPECT_EQ(r.status, 400) << r.raw;
  EXPECT_EQ(r.body, "weir.yaml:3:9: listen.port: expected an integer 1..65535\n");
  EXPECT_EQ(reloads, 2);

  r = request(server.port(), "GET", "/reload");  // a GET must not reload
  EXPECT_EQ(r.status, 405) << r.raw;
  EXPECT_EQ(r.headers["allow"], "POST");
  EXPECT_EQ(reloads, 2);
}

TEST_F(AdminServerTest, UnknownPathIs404AndWrongMethodIs405) {
  AdminServer server(admin_config(), handlers());
  ASSERT_EQ(server.start(), std::nullopt);
  auto r = request(server.port(), "GET", "/nothing");
  EXPECT_EQ(r.status, 404) << r.raw;
  r = request(server.port(), "GET", "/metrics/");
  EXPECT_EQ(r.status, 404) << r.raw;
  r = request(server.port(), "DELETE", "/metrics");
  EXPECT_EQ(r.status, 405) << r.raw;
  EXPECT_EQ(r.headers["allow"], "GET");
  r = request(server.port(), "POST", "/healthz");
  EXPECT_EQ(r.status, 405) << r.raw;
}

TEST_F(AdminServerTest, GarbageIs400AndOversizedRequestsAreRefused) {
  AdminLimits limits;
  limits.max_header_bytes = 2048;
  limits.max_body_bytes = 1024;
  AdminServer server(admin_config(), handlers(), limits);
  ASSERT_EQ(server.start(), std::nullopt);

  auto r = exchange(server.port(), "this is not http\r\n\r\n");
  EXPECT_EQ(r.status, 400) << r.raw;
  r = exchange(server.port(), std::string("GET /metrics HTTP/1.1\r\nHost: x\r\nBad Header Without Colon\r\n\r\n"));
  EXPECT_EQ(r.status, 400) << r.raw;
  r = exchange(server.port(), std::string("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 11) + std::string(64, '\0'));
  EXPECT_EQ(r.status, 400) << r.raw;  // a TLS ClientHello

  r = exchange(server.port(), "GET /metrics HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(4096, 'a') + "\r\n\r\n");
  EXPECT_EQ(r.status, 431) << r.raw;
  r = exchange(server.port(),
               "POST /reload HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\n" + std::string(5000, 'b'));
  EXPECT_EQ(r.status, 413) << r.raw;
  EXPECT_EQ(reloads, 0);

  // The server still serves after all that.
  r = request(server.port(), "GET", "/healthz");
  EXPECT_EQ(r.status, 200) << r.raw;
}

TEST_F(AdminServerTest, TokenIsRequiredEverywhereButHealthAndReadiness) {
  AdminServer server(admin_config("s3cret-token"), handlers());
  ASSERT_EQ(server.start(), std::nullopt);
  for (const std::string path : {"/metrics", "/backends", "/sessions", "/config"}) {
    SCOPED_TRACE(path);
    auto r = request(server.port(), "GET", path);
    EXPECT_EQ(r.status, 401) << r.raw;
    EXPECT_NE(r.headers["www-authenticate"].find("Bearer"), std::string::npos);
    r = request(server.port(), "GET", path, "s3cret-tokeX");
    EXPECT_EQ(r.status, 401) << r.raw;
    r = request(server.port(), "GET", path, "s3cret-token-longer");
    EXPECT_EQ(r.status, 401) << r.raw;
    r = request(server.port(), "GET", path, "s3cret-token");
    EXPECT_EQ(r.status, 200) << r.raw;
  }
  auto r = request(server.port(), "POST", "/reload");
  EXPECT_EQ(r.status, 401) << r.raw;
  EXPECT_EQ(reloads, 0);
  r = request(server.port(), "POST", "/reload", "s3cret-token");
  EXPECT_EQ(r.status, 200) << r.raw;
  EXPECT_EQ(reloads, 1);

  EXPECT_EQ(request(server.port(), "GET", "/healthz").status, 200);
  EXPECT_EQ(request(server.port(), "GET", "/readyz").status, 200);

  // Other schemes and a lower-case scheme.
  r = exchange(
      server.port(),
      "GET /metrics HTTP/1.1\r\nHost: x\r\nAuthorization: Basic czNjcmV0LXRva2Vu\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(r.status, 401) << r.raw;
  r = exchange(server.port(),
               "GET /metrics HTTP/1.1\r\nHost: x\r\nAuthorization: bearer s3cret-token\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(r.status, 200) << r.raw;

  // The token in X-Weir-Admin-Token (what passes the Kubernetes API server's proxy), right or wrong.
  r = exchange(server.port(),
               "GET /backends HTTP/1.1\r\nHost: x\r\nX-Weir-Admin-Token: s3cret-token\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(r.status, 200) << r.raw;
  r = exchange(server.port(),
               "GET /backends HTTP/1.1\r\nHost: x\r\nX-Weir-Admin-Token: s3cret-tokeX\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(r.status, 401) << r.raw;

  // A reload changes the token.
  server.set_token(config::Secret{"new-token", config::Secret::Source::inline_value, ""});
  EXPECT_EQ(request(server.port(), "GET", "/metrics", "s3cret-token").status, 401);
  EXPECT_EQ(request(server.port(), "GET", "/metrics", "new-token").status, 200);
  server.set_token(std::nullopt);
  EXPECT_EQ(request(server.port(), "GET", "/metrics").status, 200);
}

TEST(ConstantTimeEqual, ComparesWholeStrings) {
  EXPECT_TRUE(constant_time_equal("abc", "abc"));
  EXPECT_FALSE(constant_time_equal("abd", "abc"));
  EXPECT_FALSE(constant_time_equal("ab", "abc"));
  EXPECT_FALSE(constant_time_equal("abcd", "abc"));
  EXPECT_FALSE(constant_time_equal("", "abc"));
  EXPECT_TRUE(constant_time_equal("", ""));
  EXPECT_FALSE(constant_time_equal(std::string_view("abc\0", 4), "abc"));
}

TEST_F(AdminServerTest, ACallbackThatThrowsIs500AndMissingCallbacksAre404) {
  AdminHandlers h;
  h.metrics = []() -> std::string { throw std::runtime_error("registry gone"); };
  AdminServer server(admin_config(), h);
  ASSERT_EQ(server.start(), std::nullopt);
  auto r = request(server.port(), "GET", "/metrics");
  EXPECT_EQ(r.status, 500) << r.raw;
  EXPECT_EQ(r.body, "internal error: registry gone\n");
  EXPECT_EQ(request(server.port(), "GET", "/backends").status, 404);
  EXPECT_EQ(request(server.port(), "POST", "/reload").status, 404);
  EXPECT_EQ(request(server.port(), "GET", "/readyz").status, 200);  // no readiness rule: ready
}

TEST_F(AdminServerTest, KeepAliveServesSeveralRequestsOnOneConnection) {
  AdminServer server(admin_config(), handlers());
  ASSERT_EQ(server.start(), std::nullopt);
  // Two pipelined requests; the second closes the connection.
  const auto r = exchange(server.port(),
                          "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
                          "GET /readyz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(r.status, 200) << r.raw;
  // exchange() stops after the first response; ask for both by reading the raw stream again.
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(server.port());
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address), 0);
  const std::string both =
      "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\nGET /readyz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
  ASSERT_EQ(::send(fd, both.data(), both.size(), 0), static_cast<ssize_t>(both.size()));
  std::string raw;
  char buffer[4096];
  for (;;) {
    const auto n = ::recv(fd, buffer, sizeof buffer, 0);
    if (n <= 0) break;
    raw.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(fd);
  EXPECT_NE(raw.find("ok\n"), std::string::npos) << raw;
  EXPECT_NE(raw.find("ready\n"), std::string::npos) << raw;
}

TEST_F(AdminServerTest, AStalledClientLosesItsConnection) {
  AdminLimits limits;
  limits.read_timeout = std::chrono::milliseconds(300);
  AdminServer server(admin_config(), handlers(), limits);
  ASSERT_EQ(server.start(), std::nullopt);
  // Half a request line, then nothing: the server closes without an answer.
  const auto started = std::chrono::steady_clock::now();
  const auto r = exchange(server.port(), "GET /metr");
  EXPECT_EQ(r.status, 0) << r.raw;
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(14)) << "closed by the client's poll";
  EXPECT_EQ(request(server.port(), "GET", "/healthz").status, 200);
}

int connect_loopback(std::uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

// Every slot held by a socket that sends nothing (what once kept the kubelet's probes out for the
// whole read timeout): each new connection pushes out the one that has waited longest.
TEST_F(AdminServerTest, IdleSocketsInEverySlotDoNotKeepProbesOut) {
  AdminLimits limits;
  limits.read_timeout = std::chrono::seconds(30);  // far longer than the test: nothing times out
  AdminServer server(admin_config("tok"), handlers(), limits);
  ASSERT_EQ(server.start(), std::nullopt);
  std::vector<int> idle;
  for (std::size_t i = 0; i < limits.max_connections + limits.probe_connections + 8; ++i) {
    idle.push_back(connect_loopback(server.port()));
    ASSERT_GE(idle.back(), 0);
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // all accepted, all waiting
  for (int round = 0; round < 3; ++round) {
    EXPECT_EQ(request(server.port(), "GET", "/healthz").status, 200);
    EXPECT_EQ(request(server.port(), "GET", "/readyz").status, 200);
    EXPECT_EQ(request(server.port(), "GET", "/metrics", "tok").status, 200);
  }
  // The oldest idle sockets were closed by the server; the newest are still open.
  char byte = 0;
  EXPECT_EQ(::recv(idle.front(), &byte, 1, 0), 0) << "the longest waiting socket was closed";
  for (const int fd : idle) ::close(fd);
}

// A client that asks for a large answer and never reads it keeps its connection busy (for the
// write timeout). With every slot busy like that, probes still get one of the reserved slots;
// other endpoints are refused there with 503.
TEST_F(AdminServerTest, WhenEverySlotIsBusyProbesStillAnswer) {
  AdminLimits limits;
  limits.max_connections = 2;
  limits.probe_connections = 1;
  limits.write_timeout = std::chrono::seconds(30);
  AdminHandlers h = handlers();
  h.backends = [] { return std::string(16 * 1024 * 1024, 'x'); };  // far more than socket buffers hold
  AdminServer server(admin_config(), h, limits);
  ASSERT_EQ(server.start(), std::nullopt);
  std::vector<int> busy;
  for (std::size_t i = 0; i < limits.max_connections; ++i) {
    busy.push_back(connect_loopback(server.port()));
    ASSERT_GE(busy.back(), 0);
    const int small = 4096;
    ::setsockopt(busy.back(), SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
    const std::string ask = "GET /backends HTTP/1.1\r\nHost: x\r\n\r\n";
    ASSERT_EQ(::send(busy.back(), ask.data(), ask.size(), 0), static_cast<ssize_t>(ask.size()));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(500));  // both answers stuck in the socket buffers
  for (int round = 0; round < 3; ++round) {
    auto r = request(server.port(), "GET", "/healthz");
    EXPECT_EQ(r.status, 200) << r.raw;
    r = request(server.port(), "GET", "/readyz");
    EXPECT_EQ(r.status, 200) << r.raw;
    r = request(server.port(), "GET", "/metrics");
    EXPECT_EQ(r.status, 503) << r.raw;
    EXPECT_NE(r.body.find("only /healthz and /readyz"), std::string::npos) << r.raw;
  }
  for (const int fd : busy) ::close(fd);
  // The busy connections end (their peers are gone); every endpoint answers again.
  auto r = request(server.port(), "GET", "/metrics");
  for (int i = 0; i < 50 && r.status != 200; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    r = request(server.port(), "GET", "/metrics");
  }
  EXPECT_EQ(r.status, 200) << r.raw;
}

TEST_F(AdminServerTest, BindErrorsNameTheAddress) {
  AdminServer first(admin_config(), handlers());
  ASSERT_EQ(first.start(), std::nullopt);
  auto taken = admin_config();
  taken.port = first.port();
  AdminServer second(taken, handlers());
  const auto error = second.start();
  ASSERT_TRUE(error.has_value());
  EXPECT_NE(error->find("127.0.0.1:" + std::to_string(first.port())), std::string::npos) << *error;

  auto bad = admin_config();
  bad.address = "not-an-address";
  AdminServer third(bad, handlers());
  const auto bad_error = third.start();
  ASSERT_TRUE(bad_error.has_value());
  EXPECT_NE(bad_error->find("not-an-address"), std::string::npos) << *bad_error;
}

TEST_F(AdminServerTest, StopClosesTheListenerAndOpenConnections) {
  auto server = std::make_unique<AdminServer>(admin_config(), handlers());
  ASSERT_EQ(server->start(), std::nullopt);
  const auto port = server->port();
  const int idle = connect_loopback(port);
  ASSERT_GE(idle, 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  server->stop();
  server->stop();  // idempotent
  char byte = 0;
  EXPECT_EQ(::recv(idle, &byte, 1, 0), 0) << "the open connection is closed";
  ::close(idle);
  EXPECT_THROW(request(port, "GET", "/healthz"), std::runtime_error);
  server.reset();
}

TEST_F(AdminServerTest, CurlReadsTheMetrics) {
  metrics.set_build_info("curl-check");
  AdminServer server(admin_config("tok"), handlers());
  ASSERT_EQ(server.start(), std::nullopt);
  const weir::testing::TempDir dir("weir-admin-curl-");
  const std::string out = (dir / "metrics").string();
  const int status =
      weir::testing::run_program({"curl", "-sS", "--fail", "--max-time", "10", "-H", "Authorization: Bearer tok",
                                  "http://127.0.0.1:" + std::to_string(server.port()) + "/metrics"},
                                 out, std::chrono::seconds(20));
  std::ifstream in(out);
  const std::string body((std::istreambuf_iterator<char>(in)), {});
  EXPECT_EQ(status, 0) << body;
  EXPECT_NE(body.find("weir_build_info{version=\"curl-check\"} 1"), std::string::npos) << body;
}

}  // namespace
}  // namespace weir::admin

namespace weir::admin {
namespace {

// The wiring the proxy uses: /config renders the current Config redacted, /reload loads the file
// again, swaps the Config on success and counts the outcome in weir_config_reloads_total.
TEST(AdminWithConfig, ConfigIsRedactedAndReloadLoadsTheFile) {
  const weir::testing::TempDir dir("weir-admin-config-");
  const auto path = (dir / "weir.yaml").string();
  const std::string good =
      "listen: {address: 127.0.0.1, port: 6033}\n"
      "users: [{name: app, password: app-password-123}]\n"
      "monitor: {user: monitor, password: monitor-password-456}\n"
      "backends: {static: [{name: db-0, host: 127.0.0.1, port: 3306, role: primary}]}\n";
  std::ofstream(path) << good;
  auto loaded = config::load_config_file(path);
  ASSERT_TRUE(loaded.ok()) << loaded.error_text();

  metrics::Metrics metrics;
  std::mutex mutex;
  std::shared_ptr<const config::Config> current = loaded.config;
  AdminHandlers handlers;
  handlers.metrics = [&] { return metrics.render(); };
  handlers.config = [&] {
    const std::lock_guard lock(mutex);
    return config::render_redacted(*current);
  };
  handlers.reload = [&] {
    auto result = config::load_config_file(path);
    metrics.config_reloads(result.ok()).inc();
    if (!result.ok()) return ReloadOutcome{false, result.error_text()};
    const std::lock_guard lock(mutex);
    current = result.config;
    return ReloadOutcome{true, "reloaded"};
  };
  AdminServer server(admin_config(), handlers);
  ASSERT_EQ(server.start(), std::nullopt);

  auto r = request(server.port(), "GET", "/config");
  ASSERT_EQ(r.status, 200) << r.raw;
  EXPECT_EQ(r.body.find("app-password-123"), std::string::npos) << r.body;
  EXPECT_EQ(r.body.find("monitor-password-456"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("<redacted>"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("port: 6033"), std::string::npos) << r.body;

  std::ofstream(path) << "listen: {port: not-a-port}\n";
  r = request(server.port(), "POST", "/reload");
  EXPECT_EQ(r.status, 400) << r.raw;
  EXPECT_NE(r.body.find("listen.port"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("weir.yaml"), std::string::npos) << r.body;

  std::ofstream(path) << std::regex_replace(good, std::regex("6033"), "6034");
  r = request(server.port(), "POST", "/reload");
  EXPECT_EQ(r.status, 200) << r.raw;
  r = request(server.port(), "GET", "/config");
  EXPECT_NE(r.body.find("port: 6034"), std::string::npos) << r.body;

  r = request(server.port(), "GET", "/metrics");
  EXPECT_NE(r.body.find("weir_config_reloads_total{result=\"success\"} 1\n"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("weir_config_reloads_total{result=\"failure\"} 1\n"), std::string::npos) << r.body;
  server.stop();
}

}  // namespace
}  // namespace weir::admin

namespace weir::admin {
namespace {

TEST(AdminRobustness, ARequestArrivingByteByByteIsServed) {
  AdminServer server(admin_config(), AdminHandlers{});
  ASSERT_EQ(server.start(), std::nullopt);
  const int fd = connect_loopback(server.port());
  ASSERT_GE(fd, 0);
  const std::string text = "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
  for (const char c : text) {
    ASSERT_EQ(::send(fd, &c, 1, MSG_NOSIGNAL), 1);
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  std::string raw;
  char buffer[1024];
  for (;;) {
    const auto n = ::recv(fd, buffer, sizeof buffer, 0);
    if (n <= 0) break;
    raw.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(fd);
  const auto parsed = testing::parse_response(raw);
  ASSERT_TRUE(parsed.has_value()) << raw;
  EXPECT_EQ(parsed->status, 200) << raw;
  EXPECT_EQ(parsed->body, "ok\n");
}

TEST(AdminRobustness, RandomBytesNeverGetA2xxAndNeverStopTheServer) {
  AdminLimits limits;
  limits.read_timeout = std::chrono::milliseconds(200);
  AdminServer server(admin_config(), AdminHandlers{}, limits);
  ASSERT_EQ(server.start(), std::nullopt);
  std::mt19937 random(20261126);
  int answered = 0;
  for (int i = 0; i < 200; ++i) {
    std::string junk(1 + random() % 300, '\0');
    for (auto& c : junk) c = static_cast<char>(random() % 256);
    if (i % 2 == 0) junk += "\r\n\r\n";  // end a "header" so the parser decides at once
    const auto r = exchange(server.port(), junk);
    if (r.status != 0) {
      ++answered;
      EXPECT_GE(r.status, 400) << ::testing::PrintToString(junk);
    }
  }
  EXPECT_GT(answered, 50);  // most garbage is refused with a status, not just dropped
  EXPECT_EQ(request(server.port(), "GET", "/healthz").status, 200);
}

}  // namespace
}  // namespace weir::admin
