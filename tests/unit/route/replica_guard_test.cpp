#include "weir/route/replica_guard.hpp"

#include <gtest/gtest.h>

#include <string>

namespace weir::route {
namespace {

struct GuardCase {
  const char* sql;
  bool trips;
};

void PrintTo(const GuardCase& c, std::ostream* os) { *os << c.sql; }

class ReplicaGuardTable : public ::testing::TestWithParam<GuardCase> {};

TEST_P(ReplicaGuardTable, Trips) { EXPECT_EQ(may_lift_read_only(GetParam().sql), GetParam().trips) << GetParam().sql; }

// Every statement measured to lift a read-only session on MariaDB 10.11 trips it, however written.
INSTANTIATE_TEST_SUITE_P(
    LiftsReadOnly, ReplicaGuardTable,
    ::testing::Values(
        GuardCase{"SET SESSION TRANSACTION READ WRITE", true}, GuardCase{"set session transaction read/**/write", true},
        GuardCase{"SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED, READ\nWRITE", true},
        GuardCase{"SET tx_read_only = 0", true}, GuardCase{"SET @@session.TX_READ_ONLY=OFF", true},
        GuardCase{"SET `tx_read_only`=0", true}, GuardCase{"SET transaction_read_only=0", true},
        GuardCase{"SET STATEMENT tx_read_only=0 FOR INSERT INTO t VALUES (1)", true},
        GuardCase{"START TRANSACTION READ WRITE", true}, GuardCase{"CALL p()", true}, GuardCase{"call`p`()", true},
        GuardCase{"EXECUTE IMMEDIATE 'SET SESSION TRANSACTION READ WR' 'ITE'", true},
        GuardCase{"PREPARE s FROM @q", true}, GuardCase{"EXECUTE s", true},
        GuardCase{"SELECT 1 /*!99999 */ ; CALL p()", true}, GuardCase{"SELECT 1 -- '\x01; SET tx_read_only=0", true},
        GuardCase{"SELECT 'x' FROM t WHERE a='write'", true},  // a false positive: costs a trip
        GuardCase{"/*M!100000 EXECUTE s */ SELECT 1", true}));

INSTANTIATE_TEST_SUITE_P(PlainReads, ReplicaGuardTable,
                         ::testing::Values(GuardCase{"SELECT 1", false},
                                           GuardCase{"SELECT write_count, called_at FROM t", false},
                                           GuardCase{"SELECT * FROM t ORDER BY a LIMIT 10 OFFSET 20", false},
                                           GuardCase{"SELECT `rewrite`, prepared, executed FROM recall", false},
                                           GuardCase{"SELECT readonly FROM t", false},
                                           GuardCase{"SELECT read_onl FROM t", false},
                                           GuardCase{"SELECT \xc3\xa9write FROM t", false}, GuardCase{"", false},
                                           GuardCase{"SELECT @@tx_isolation", false}, GuardCase{"SHOW TABLES", false}));

TEST(ReplicaGuard, EndsOfText) {
  EXPECT_TRUE(may_lift_read_only("write"));
  EXPECT_TRUE(may_lift_read_only("x call"));
  EXPECT_FALSE(may_lift_read_only("writ"));
  EXPECT_FALSE(may_lift_read_only("read_onl"));
  EXPECT_TRUE(may_lift_read_only(std::string("SELECT 1\0CALL", 13)));
}

}  // namespace
}  // namespace weir::route
