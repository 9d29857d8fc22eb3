// How weir's own SQL connections report rows and errors.
#include "weir/sqlclient/result.hpp"
#include "weir/sqlclient/connect_options.hpp"
#include "weir/sqlclient/error.hpp"

#include <gtest/gtest.h>

namespace weir::sqlclient {
namespace {

TEST(SqlclientResult, ValuesByColumnName) {
  Result r;
  r.columns = {"a", "b"};
  r.rows = {{"1", std::nullopt}, {"2", "x"}};
  EXPECT_EQ(r.first("a"), "1");
  EXPECT_EQ(r.first("b"), std::nullopt);
  EXPECT_EQ(r.value(1, "b"), "x");
  EXPECT_EQ(r.value(2, "a"), std::nullopt);
  EXPECT_EQ(r.first("c"), std::nullopt);
  EXPECT_TRUE(r.has_column("b"));
  EXPECT_FALSE(r.has_column("c"));
  EXPECT_EQ(r.scalar(), "1");
  EXPECT_EQ(Result{}.scalar(), std::nullopt);
}

TEST(SqlclientError, DescribeNamesTheOperationTheServerAndTheCode) {
  Error e{1045, "28000", "Access denied for user 'x'@'127.0.0.1'", "127.0.0.1:3306", "connect", false};
  EXPECT_EQ(e.describe(), "connect on 127.0.0.1:3306: 1045 (28000) Access denied for user 'x'@'127.0.0.1'");
  EXPECT_TRUE(e.from_server());
  Error timeout{0, "", "timed out after 100ms", "db:3306", "query \"SELECT 1\"", true};
  EXPECT_EQ(timeout.describe(), "query \"SELECT 1\" on db:3306: timed out after 100ms");
  EXPECT_FALSE(timeout.from_server());
  const Error lost{2013, "HY000", "Lost connection", "db:3306", "query", false};
  EXPECT_FALSE(lost.from_server());
}

TEST(SqlclientEndpoint, Ipv6InBrackets) {
  EXPECT_EQ(endpoint_name("::1", 3306), "[::1]:3306");
  EXPECT_EQ(endpoint_name("mysql-0.mysql", 3306), "mysql-0.mysql:3306");
}

}  // namespace
}  // namespace weir::sqlclient
