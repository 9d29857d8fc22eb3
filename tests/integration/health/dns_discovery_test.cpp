// DNS discovery through the system resolver, with the names this machine resolves itself
// (localhost, from /etc/hosts).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "health/discovery.hpp"

namespace weir::health {
namespace {

config::DnsDiscovery settings(const std::string& primary, const std::string& replicas) {
  config::DnsDiscovery s;
  s.primary_host = primary;
  s.primary_port = 3306;
  s.replicas = replicas;
  s.replica_port = 3306;
  return s;
}

TEST(DnsDiscoveryIntegration, SystemResolverFindsLocalhost) {
  const auto found = Resolver::system().addresses("localhost");
  EXPECT_EQ(found.error, "");
  ASSERT_FALSE(found.addresses.empty());
  EXPECT_NE(std::find(found.addresses.begin(), found.addresses.end(), "127.0.0.1"), found.addresses.end());
}

TEST(DnsDiscoveryIntegration, ReplicasByAddressRecords) {
  // The primary is elsewhere: every address of localhost is a replica.
  DnsDiscovery discovery(settings("192.0.2.1", "localhost"));
  const auto list = discovery.backends(std::chrono::steady_clock::now());
  EXPECT_EQ(discovery.last_error(), "");
  ASSERT_GE(list.size(), 2U);
  EXPECT_EQ(list[0].role, config::Role::primary);
  EXPECT_EQ(list[0].host, "192.0.2.1");
  bool loopback = false;
  for (std::size_t i = 1; i < list.size(); ++i) {
    EXPECT_EQ(list[i].role, config::Role::replica);
    EXPECT_EQ(list[i].port, 3306);
    loopback = loopback || list[i].host == "127.0.0.1";
  }
  EXPECT_TRUE(loopback);
}

TEST(DnsDiscoveryIntegration, ThePrimarysAddressIsSkippedAmongTheReplicas) {
  // localhost and 127.0.0.1 are the same server: it is listed once, as the primary.
  DnsDiscovery discovery(settings("127.0.0.1", "localhost"));
  const auto list = discovery.backends(std::chrono::steady_clock::now());
  EXPECT_EQ(discovery.last_error(), "");
  ASSERT_FALSE(list.empty());
  EXPECT_EQ(list[0].name, "127.0.0.1:3306");
  for (std::size_t i = 1; i < list.size(); ++i) EXPECT_NE(list[i].host, "127.0.0.1");
}

TEST(DnsDiscoveryIntegration, AnUnknownNameIsAnErrorNamingIt) {
  DnsDiscovery discovery(settings("127.0.0.1", "no-such-host.invalid"));
  const auto list = discovery.backends(std::chrono::steady_clock::now());
  EXPECT_EQ(list.size(), 1U);
  EXPECT_NE(discovery.last_error().find("no-such-host.invalid"), std::string::npos) << discovery.last_error();
}

TEST(DnsDiscoveryIntegration, AnUnanswerableSrvNameIsAnErrorNamingIt) {
  // No DNS server answers SRV for .invalid here (or anywhere): the error says which name.
  DnsDiscovery discovery(settings("127.0.0.1", "_mysql._tcp.weir-test.invalid"));
  const auto list = discovery.backends(std::chrono::steady_clock::now());
  EXPECT_EQ(list.size(), 1U);
  EXPECT_NE(discovery.last_error().find("_mysql._tcp.weir-test.invalid"), std::string::npos) << discovery.last_error();
}

}  // namespace
}  // namespace weir::health
