// `weir up` refuses a taken port before starting anything, gives up (and stops everything) when a
// component keeps failing, and leaves no secret readable by others nor the bootstrap SQL behind.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "weir/testing/files.hpp"
#include "weir/testing/loopback_listener.hpp"
#include "weir/testing/process.hpp"
#include "weir/testing/temp_dir.hpp"
#include "weir/testing/weir_process.hpp"

namespace weir::testing {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

using Listener = LoopbackListener;

bool port_free(std::uint16_t port) {
  try {
    Listener probe(port);
    return true;
  } catch (const std::runtime_error&) {
    return false;
  }
}

// A base port whose node ports (base, base+1) are free. Below the kernel's ephemeral range
// (32768-60999 here), so that no client connection of a test running in parallel takes it as its
// source port between this check and its use, and so that base+5 (a proxy port) and its admin
// port (+3000) are below it too.
std::uint16_t free_base_port() {
  for (int tries = 0; tries < 200; ++tries) {
    const auto base = static_cast<std::uint16_t>(20000 + (std::rand() % 900) * 10);
    if (port_free(base) && port_free(base + 1)) return base;
  }
  throw std::runtime_error("no free base port");
}

// A proxy port for `base`'s topology: base+5, with its admin port (+3000), both free and below the
// ephemeral range (see free_base_port).
std::uint16_t proxy_port_for(std::uint16_t base) {
  const auto port = static_cast<std::uint16_t>(base + 5);
  if (!port_free(port) || !port_free(static_cast<std::uint16_t>(port + 3000))) {
    throw std::runtime_error("proxy port " + std::to_string(port) + " or its admin port is in use");
  }
  return port;
}

class WeirUp : public ::testing::Test {
 protected:
  void SetUp() override { std::srand(static_cast<unsigned>(getpid())); }
  std::vector<std::string> up_command(std::uint16_t proxy_port, std::uint16_t base_port) const {
    return {weir_binary(), "up",
            "--replicas",  "1",
            "--dir",       (dir_ / "topology").string(),
            "--port",      std::to_string(proxy_port),
            "--base-port", std::to_string(base_port)};
  }
  weir::testing::TempDir temp_{"weir-up-lockdown-"};
  fs::path dir_ = temp_.path();
};

TEST_F(WeirUp, ATakenProxyPortIsNamedBeforeAnythingStarts) {
  const Listener taken;
  const auto base = free_base_port();
  const std::string out = (dir_ / "up.out").string();
  const int rc = run_program(up_command(taken.port(), base), out, 60s);
  const std::string output = read_file(out);
  EXPECT_EQ(rc, 1) << output;
  EXPECT_NE(output.find("port 127.0.0.1:" + std::to_string(taken.port()) + " (proxy) is already in use"),
            std::string::npos)
      << output;
  EXPECT_FALSE(fs::exists(dir_ / "topology" / "node-0")) << "a node was started: " << output;
}

TEST_F(WeirUp, ATakenBackupPortIsNamedToo) {
  const auto base = free_base_port();
  const Listener taken(static_cast<std::uint16_t>(base + 1));
  const std::string out = (dir_ / "up.out").string();
  const int rc = run_program(up_command(proxy_port_for(base), base), out, 60s);
  const std::string output = read_file(out);
  EXPECT_EQ(rc, 1) << output;
  EXPECT_NE(output.find("port 127.0.0.1:" + std::to_string(base + 1) + " (node-0 backup server) is already in use"),
            std::string::npos)
      << output;
}

// The server cannot start: weir up fails, and the bootstrap SQL (every password) is not left behind.
TEST_F(WeirUp, AFailedFirstStartLeavesNoBootstrapSqlAndPrivateSecrets) {
  const auto base = free_base_port();
  auto cmd = up_command(proxy_port_for(base), base);
  cmd.insert(cmd.end(), {"--server-binary", "/bin/false"});
  const std::string out = (dir_ / "up.out").string();
  const int rc = run_program(cmd, out, 120s);
  const std::string output = read_file(out);
  EXPECT_EQ(rc, 1) << output;
  EXPECT_NE(output.find("the server exited"), std::string::npos) << output;
  const fs::path topology = dir_ / "topology";
  ASSERT_TRUE(fs::exists(topology / "node-0" / "data" / "mysql")) << "mariadb-install-db did not run: " << output;
  EXPECT_FALSE(fs::exists(topology / "node-0" / "bootstrap.sql"));
  EXPECT_FALSE(fs::exists(topology / "node-0" / "bootstrap.sql.tmp"));
  for (const char* name : {"root", "repl", "monitor", "app"}) {
    struct stat st {};
    const auto path = topology / "secrets" / (std::string(name) + "-password");
    ASSERT_EQ(stat(path.c_str(), &st), 0) << path;
    EXPECT_EQ(st.st_mode & 07777, 0600U) << path;
  }
}

// The proxy's port is taken after the check: the proxy exits at each start; weir up gives up after
// five failures, shows the proxy's log, stops the node it started and exits 1.
TEST_F(WeirUp, GivesUpOnAProxyThatKeepsFailingAndStopsEverything) {
  const auto base = free_base_port();
  const auto proxy_port = proxy_port_for(base);
  const std::string out = (dir_ / "up.out").string();
  Process up = Process::spawn({up_command(proxy_port, base), "", out, "", ""});
  // The check is done once weir up names its nodes; then the port is taken.
  const auto until = std::chrono::steady_clock::now() + 30s;
  while (read_file(out).find("node(s) in") == std::string::npos && std::chrono::steady_clock::now() < until) {
    std::this_thread::sleep_for(20ms);
  }
  ASSERT_NE(read_file(out).find("node(s) in"), std::string::npos) << read_file(out);
  const Listener taken(proxy_port);
  const auto rc = up.wait_for(180s);
  const std::string output = read_file(out);
  ASSERT_TRUE(rc.has_value()) << "weir up still runs: " << output;
  EXPECT_EQ(*rc, 1) << output;
  EXPECT_NE(output.find("the proxy failed 5 times within 60 s; giving up"), std::string::npos) << output;
  EXPECT_NE(output.find("cannot listen"), std::string::npos) << "the proxy's log is not shown: " << output;
  EXPECT_TRUE(port_free(base)) << "node-0's server still runs";
  EXPECT_TRUE(port_free(static_cast<std::uint16_t>(base + 1))) << "node-0's sidecar still runs";
}

}  // namespace
}  // namespace weir::testing
