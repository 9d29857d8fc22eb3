// The ports `weir up` checks before it starts anything: every node's two, the proxy's two, named;
// a real socket bound by the test is reported with its port and purpose.
#include "weir/local/port_plan.hpp"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "weir/pod/net.hpp"

namespace weir::local {
namespace {

UpOptions options_with(int replicas, std::uint16_t base, std::uint16_t proxy) {
  UpOptions o;
  o.replicas = replicas;
  o.base_port = base;
  o.proxy_port = proxy;
  return o;
}

TEST(PortPlan, EveryNodesServerAndBackupPortThenTheProxysTwo) {
  const auto plan = plan_ports(options_with(2, 13306, 6033));
  ASSERT_EQ(plan.size(), 6U);
  EXPECT_EQ(plan[0].port, 13306);
  EXPECT_EQ(plan[0].purpose, "node-0 server");
  EXPECT_EQ(plan[1].port, 13307);
  EXPECT_EQ(plan[1].purpose, "node-0 backup server");
  EXPECT_EQ(plan[3].port, 13317);
  EXPECT_EQ(plan[4].port, 6033);
  EXPECT_EQ(plan[4].purpose, "proxy");
  EXPECT_EQ(plan[5].port, 9033);
  EXPECT_EQ(plan[5].purpose, "proxy admin");
}

TEST(PortPlan, CollisionsAndOverflowsAreRefusedNamingThePorts) {
  try {
    plan_ports(options_with(3, 13306, 13316));
    FAIL() << "no error";
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(
        e.what(),
        "port 13316 would serve both the node-1 server and the proxy; choose other ports with --port or --base-port");
  }
  EXPECT_THROW(plan_ports(options_with(1, 13306, 63000)), std::invalid_argument);
  EXPECT_THROW(plan_ports(options_with(10, 65500, 6033)), std::invalid_argument);
}

TEST(PortPlan, ATakenPortIsNamedWithWhatItIsFor) {
  // A real listener on a port the kernel picks, planned as the proxy's.
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  ASSERT_GE(fd, 0);
  pod::Fd owner(fd);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(listen(fd, 1), 0);
  socklen_t len = sizeof addr;
  ASSERT_EQ(getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  const auto port = ntohs(addr.sin_port);
  try {
    check_ports_free({{port, "proxy", "--port"}});
    FAIL() << "no error";
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()),
              "port 127.0.0.1:" + std::to_string(port) +
                  " (proxy) is already in use; stop what holds it or choose another with --port");
  }
}

}  // namespace
}  // namespace weir::local
