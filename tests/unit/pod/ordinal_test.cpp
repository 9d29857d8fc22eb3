#include "weir/pod/ordinal.hpp"

#include <gtest/gtest.h>

namespace weir::pod {
namespace {

struct OrdinalCase {
  const char* hostname;
  bool ok;
  const char* set;
  int ordinal;
};

class ParsePodName : public testing::TestWithParam<OrdinalCase> {};

TEST_P(ParsePodName, Table) {
  const auto& c = GetParam();
  const auto got = parse_pod_name(c.hostname);
  ASSERT_EQ(got.has_value(), c.ok) << c.hostname;
  if (!c.ok) return;
  EXPECT_EQ(got->set, c.set);
  EXPECT_EQ(got->ordinal, c.ordinal);
}

INSTANTIATE_TEST_SUITE_P(
    Hostnames, ParsePodName,
    testing::Values(OrdinalCase{"mysql-0", true, "mysql", 0}, OrdinalCase{"mysql-2", true, "mysql", 2},
                    OrdinalCase{"mysql-12", true, "mysql", 12}, OrdinalCase{"my-sql-db-3", true, "my-sql-db", 3},
                    OrdinalCase{"mysql-2.mysql.default.svc.cluster.local", true, "mysql", 2},
                    OrdinalCase{"mysql", false, "", 0}, OrdinalCase{"mysql-", false, "", 0},
                    OrdinalCase{"-3", false, "", 0}, OrdinalCase{"mysql-x", false, "", 0},
                    OrdinalCase{"mysql-1a", false, "", 0}, OrdinalCase{"mysql--1", true, "mysql-", 1},
                    OrdinalCase{"mysql-+1", false, "", 0}, OrdinalCase{"mysql-12345678", false, "", 0},
                    OrdinalCase{"", false, "", 0}, OrdinalCase{"mysql.svc-1", false, "", 0}));

TEST(PeerDnsName, HeadlessServiceName) {
  EXPECT_EQ(peer_dns_name("mysql", 1, "mysql"), "mysql-1.mysql");
  EXPECT_EQ(peer_dns_name("db", 0, "db-headless"), "db-0.db-headless");
  EXPECT_EQ(peer_dns_name("mysql", 3, ""), "mysql-3");
}

TEST(ServerId, OffsetOfHundred) {
  EXPECT_EQ(server_id_for(0), 100);
  EXPECT_EQ(server_id_for(4), 104);
}

}  // namespace
}  // namespace weir::pod
