#pragma once
// weir with its admin server on, in front of a real primary (and optionally a replica that
// replicates from it for real); the admin port read from weir's log; the exposition parsed.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <regex>
#include <stdexcept>
#include <string>
#include <thread>

#include "http_client.hpp"
#include "proxy_support.hpp"

namespace weir::testing::observability_tests {

using namespace proxy_tests;
using namespace std::chrono_literals;
using admin::testing::HttpResponse;

inline constexpr const char* kToken = "obs-admin-token";

inline std::string admin_yaml(const std::string& token) {
  std::string y = "admin:\n  enabled: true\n  address: 127.0.0.1\n  port: 0\n";
  if (!token.empty()) y += "  token: \"" + token + "\"\n";
  return y;
}

// The port of weir's `msg="admin listening" address=127.0.0.1:PORT` line.
inline std::uint16_t admin_port_of(const WeirProcess& weir) {
  if (!weir.wait_for_log("msg=\"admin listening\"", 10s)) {
    throw std::runtime_error("weir did not log 'admin listening':\n" + weir.log());
  }
  static const std::regex line_re(R"(msg="admin listening" address=127\.0\.0\.1:([0-9]+))");
  std::smatch m;
  const std::string log = weir.log();
  if (!std::regex_search(log, m, line_re)) throw std::runtime_error("no admin address in:\n" + log);
  return static_cast<std::uint16_t>(std::stoul(m[1]));
}

// A primary with the test accounts and the monitor account, optionally one replica of it.
inline void prepare_primary(MariadbServer& primary) {
  prepare_server(primary);
  primary.create_user("weir_monitor", "weir-monitor-pw", "SELECT, SLAVE MONITOR", "*.*");
  primary.execute("GRANT CREATE, INSERT, UPDATE ON weir.* TO 'weir_monitor'@'%'");
}

inline MariadbOptions replica_options(std::uint32_t server_id) {
  auto options = MariadbOptions::replica(server_id);
  options.log_bin = true;
  options.log_slave_updates = true;
  return options;
}

// The sum of the samples of `name` whose label set contains every `fragment` ("route=\"replica\"");
// nullopt when there is none. `name` is matched exactly (weir_queries_total, ..._bucket).
inline std::optional<double> sample_sum(const std::string& exposition, const std::string& name,
                                        std::initializer_list<std::string> fragments = {}) {
  std::optional<double> sum;
  std::size_t pos = 0;
  while (pos < exposition.size()) {
    auto end = exposition.find('\n', pos);
    if (end == std::string::npos) end = exposition.size();
    const std::string line = exposition.substr(pos, end - pos);
    pos = end + 1;
    if (line.empty() || line[0] == '#') continue;
    if (line.compare(0, name.size(), name) != 0) continue;
    if (line.size() <= name.size() || (line[name.size()] != '{' && line[name.size()] != ' ')) continue;
    bool all = true;
    for (const auto& f : fragments) all = all && line.find(f) != std::string::npos;
    if (!all) continue;
    const auto space = line.rfind(' ');
    sum = sum.value_or(0.0) + std::stod(line.substr(space + 1));
  }
  return sum;
}

// A plain TCP connection to 127.0.0.1:port (receives time out after 10 s); -1 when it fails.
inline int connect_to(std::uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  ::inet_pton(AF_INET, "127.0.0.1", &address.sin_addr);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    ::close(fd);
    return -1;
  }
  timeval limit{10, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
  return fd;
}

// GETs `target` until `accept(response)` or the deadline; returns the last response.
template <class Accept>
HttpResponse get_until(std::uint16_t port, const std::string& target, Accept accept,
                       const std::optional<std::string>& token = kToken, std::chrono::seconds deadline = 30s) {
  const auto until = std::chrono::steady_clock::now() + deadline;
  HttpResponse r;
  while (std::chrono::steady_clock::now() < until) {
    r = admin::testing::request(port, "GET", target, token);
    if (accept(r)) return r;
    std::this_thread::sleep_for(100ms);
  }
  return r;
}

}  // namespace weir::testing::observability_tests
