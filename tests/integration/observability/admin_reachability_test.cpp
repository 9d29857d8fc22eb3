// The kubelet's probes reach a running weir whatever else holds the admin endpoint: idle sockets
// in every connection slot do not keep /healthz and /readyz out, and running out of descriptors
// (a lowered RLIMIT_NOFILE on the weir process) makes the admin accept loop pause instead of
// spinning a core, logged once, and it accepts again once descriptors are free.
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

#include "observability_support.hpp"

namespace weir::testing::observability_tests {
namespace {

using admin::testing::request;

// utime + stime of a process, in seconds (/proc/<pid>/stat fields 14 and 15).
double cpu_seconds(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  const std::string stat((std::istreambuf_iterator<char>(in)), {});
  std::istringstream fields(stat.substr(stat.rfind(')') + 2));
  std::vector<std::string> f;
  for (std::string v; fields >> v;) f.push_back(v);
  if (f.size() < 13) throw std::runtime_error("cannot parse /proc/" + std::to_string(pid) + "/stat: " + stat);
  // After "pid (comm) ": state is field 3, utime 14, stime 15.
  return static_cast<double>(std::stoull(f[11]) + std::stoull(f[12])) / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

// The descriptor limit that leaves `spare` numbers free for `pid` to open (descriptors take the
// lowest free number below the limit, holes included).
rlim_t limit_leaving(pid_t pid, int spare) {
  std::vector<int> open;
  for (const auto& entry : std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/fd")) {
    open.push_back(std::stoi(entry.path().filename().string()));
  }
  std::sort(open.begin(), open.end());
  int limit = 0;
  int free = 0;
  std::size_t next = 0;
  while (free < spare || (next < open.size() && open[next] == limit)) {
    if (next < open.size() && open[next] == limit) {
      ++next;
    } else {
      ++free;
    }
    ++limit;
  }
  return static_cast<rlim_t>(limit);
}

std::size_t count_of(const std::string& text, const std::string& needle) {
  std::size_t n = 0;
  for (auto pos = text.find(needle); pos != std::string::npos; pos = text.find(needle, pos + 1)) ++n;
  return n;
}

class AdminReachability : public ::testing::Test {
 protected:
  void SetUp() override {
    primary_ = std::make_unique<MariadbServer>(MariadbOptions::primary(100));
    prepare_primary(*primary_);
    WeirOptions options = weir_for(*primary_);
    options.admin_yaml = admin_yaml(kToken);
    weir_ = std::make_unique<WeirProcess>(options);
    port_ = admin_port_of(*weir_);
    const auto ready = get_until(
        port_, "/readyz", [](const HttpResponse& r) { return r.status == 200; }, std::nullopt);
    ASSERT_EQ(ready.status, 200) << ready.raw;
  }
  void TearDown() override {
    for (const int fd : idle_) ::close(fd);
    if (HasFailure() && weir_) std::cerr << "weir log:\n" << weir_->log();
  }

  std::unique_ptr<MariadbServer> primary_;
  std::unique_ptr<WeirProcess> weir_;
  std::uint16_t port_ = 0;
  std::vector<int> idle_;
};

TEST_F(AdminReachability, IdleSocketsInEveryAdminSlotDoNotKeepTheProbesOut) {
  // More than the 32 connection slots and the 4 reserved for probes, none sending a byte; weir
  // would wait 10 s for each one's request.
  for (int i = 0; i < 48; ++i) {
    idle_.push_back(connect_to(port_));
    ASSERT_GE(idle_.back(), 0);
  }
  std::this_thread::sleep_for(300ms);
  for (int round = 0; round < 5; ++round) {
    const auto health = request(port_, "GET", "/healthz");
    EXPECT_EQ(health.status, 200) << health.raw;
    const auto ready = request(port_, "GET", "/readyz");
    EXPECT_EQ(ready.status, 200) << ready.raw;
    const auto backends = request(port_, "GET", "/backends", std::string(kToken));
    EXPECT_EQ(backends.status, 200) << backends.raw;
  }
  EXPECT_TRUE(weir_->wait_for_log("msg=\"admin connection closed to make room\"", 5s)) << weir_->log();
}

TEST_F(AdminReachability, OutOfDescriptorsTheAcceptLoopPausesAndRecovers) {
  const pid_t pid = weir_->pid();
  // weir's start-up read of the primary's greeting first: the connection it closes after the limit
  // is lowered would let one pending connection in and start a second streak of refusals (seen
  // under ThreadSanitizer, whose slower start put that close inside the streak).
  ASSERT_TRUE(weir_->wait_for_log("msg=\"primary answered\"", 10s)) << weir_->log();
  // Room for three more descriptors.
  rlimit before{};
  ASSERT_EQ(::prlimit(pid, RLIMIT_NOFILE, nullptr, &before), 0) << std::strerror(errno);
  rlimit lowered = before;
  lowered.rlim_cur = limit_leaving(pid, 3);
  ASSERT_EQ(::prlimit(pid, RLIMIT_NOFILE, &lowered, nullptr), 0) << std::strerror(errno);

  // The first few are accepted and hold the last descriptors (waiting for a request for 10 s);
  // the rest stay in the listen queue, and every accept() fails with EMFILE.
  for (int i = 0; i < 20; ++i) {
    idle_.push_back(connect_to(port_));
    ASSERT_GE(idle_.back(), 0);
  }
  ASSERT_TRUE(weir_->wait_for_log("msg=\"admin server cannot accept; retrying with pauses up to 1s\"", 5s))
      << weir_->log();
  // A resource assertion, not a speed one: retrying at once would burn a whole core for as long
  // as the shortage lasts; pausing costs next to nothing.
  const double cpu_before = cpu_seconds(pid);
  const auto wall_before = std::chrono::steady_clock::now();
  std::this_thread::sleep_for(3s);
  const double cpu = cpu_seconds(pid) - cpu_before;
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_before).count();
  std::cout << "weir used " << cpu << " s of CPU in " << wall << " s of wall time without descriptors\n";
  EXPECT_LT(cpu, 0.2 * wall) << "weir used " << cpu << " s of CPU in " << wall << " s while it could not accept";
  EXPECT_EQ(count_of(weir_->log(), "admin server cannot accept"), 1U) << "logged once per streak\n" << weir_->log();

  // Descriptors back: the pending connections are accepted and probes answer again.
  ASSERT_EQ(::prlimit(pid, RLIMIT_NOFILE, &before, nullptr), 0) << std::strerror(errno);
  for (const int fd : idle_) ::close(fd);
  idle_.clear();
  const auto health = get_until(
      port_, "/healthz", [](const HttpResponse& r) { return r.status == 200; }, std::nullopt, 10s);
  EXPECT_EQ(health.status, 200) << health.raw;
  EXPECT_TRUE(weir_->wait_for_log("msg=\"admin server accepting again\"", 5s)) << weir_->log();
}

}  // namespace
}  // namespace weir::testing::observability_tests
