#include "weir/local/status_table.hpp"

#include <gtest/gtest.h>

namespace weir::local {
namespace {

TEST(StatusTable, AlignedColumnsLagAndReasons) {
  NodeStatus primary{0, "primary", 100, 13306, 4001, true, "", std::nullopt};
  NodeStatus replica{1, "replica", 101, 13316, 4002, true, "", 0};
  NodeStatus broken{2, "replica", 102, 13326, 4003, false, "replication IO No, SQL No", std::nullopt};
  NodeStatus kept{3, "-", std::nullopt, 0, 0, false, "stopped, data kept in /w/node-3", std::nullopt};
  EXPECT_EQ(format_status_table({primary, replica, broken, kept}),
            "NODE    ROLE     SERVER-ID  PORT   PID   READY  LAG\n"
            "node-0  primary  100        13306  4001  yes    -\n"
            "node-1  replica  101        13316  4002  yes    0s\n"
            "node-2  replica  102        13326  4003  no     unknown  (replication IO No, SQL No)\n"
            "node-3  -        -          -      -     no     -  (stopped, data kept in /w/node-3)\n");
}

TEST(StatusTable, HeaderOnlyWhenEmpty) {
  EXPECT_EQ(format_status_table({}), "NODE  ROLE  SERVER-ID  PORT  PID  READY  LAG\n");
}

}  // namespace
}  // namespace weir::local
