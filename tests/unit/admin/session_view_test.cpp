// GET /sessions: every session once, sorted by id, plain and TLS clients, with and without a
// backend connection, and names that need escaping; parsed back with a JSON parser.
#include "admin/session_view.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace weir::admin {
namespace {

TEST(SessionsJson, NoSessionsIsAnEmptyArray) {
  EXPECT_EQ(nlohmann::json::parse(sessions_json({})), nlohmann::json::array());
}

TEST(SessionsJson, EachSessionWithItsClientAndBackendSide) {
  std::vector<SessionRow> rows;
  rows.push_back({1073741826, "app", "127.0.0.1", "TLSv1.3", "TLS_AES_256_GCM_SHA384", "10.0.0.5", 3306, 77});
  rows.push_back({1073741825, "", "::1", "", "", "", 0, 0});
  rows.push_back({1073741827, "we\"ird\\user", "127.0.0.2", "", "", "db-1", 3307, 9});
  const auto parsed = nlohmann::json::parse(sessions_json(rows));
  ASSERT_EQ(parsed.size(), 3U);
  // Sorted by id; a session still logging in has no user and no backend yet.
  EXPECT_EQ(parsed[0]["id"], 1073741825U);
  EXPECT_TRUE(parsed[0]["user"].is_null());
  EXPECT_EQ(parsed[0]["client"]["address"], "::1");
  EXPECT_TRUE(parsed[0]["client"]["tls"].is_null());
  EXPECT_TRUE(parsed[0]["backend"].is_null());
  EXPECT_EQ(parsed[1]["user"], "app");
  EXPECT_EQ(parsed[1]["client"]["tls"]["version"], "TLSv1.3");
  EXPECT_EQ(parsed[1]["client"]["tls"]["cipher"], "TLS_AES_256_GCM_SHA384");
  EXPECT_EQ(parsed[1]["backend"]["address"], "10.0.0.5:3306");
  EXPECT_EQ(parsed[1]["backend"]["thread_id"], 77U);
  EXPECT_EQ(parsed[2]["user"], "we\"ird\\user");
  EXPECT_TRUE(parsed[2]["client"]["tls"].is_null());
  EXPECT_EQ(parsed[2]["backend"]["address"], "db-1:3307");
}

}  // namespace
}  // namespace weir::admin
