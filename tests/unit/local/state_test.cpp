#include "weir/local/state.hpp"

#include <gtest/gtest.h>

namespace weir::local {
namespace {

TEST(State, JsonRoundTrip) {
  State s;
  s.supervisor_pid = 4242;
  s.proxy_pid = 77;
  s.base_port = 13306;
  s.proxy_port = 6033;
  s.replicas = 2;
  s.desired = 3;
  s.handled_request = 1234567890123ULL;
  s.last_error = "node-1: \"quoted\"";
  s.nodes = {{0, 13306, 13307, 100, 101, 0}, {1, 13316, 13317, 200, 201, 3}};
  std::string error;
  const auto back = state_from_json(to_json(s), error);
  ASSERT_TRUE(back.has_value()) << error;
  EXPECT_EQ(*back, s);
}

TEST(State, BrokenJsonSaysWhy) {
  std::string error;
  EXPECT_FALSE(state_from_json("{", error).has_value());
  EXPECT_FALSE(error.empty());
  EXPECT_FALSE(state_from_json(R"({"supervisor_pid": 1})", error).has_value());
  EXPECT_NE(error.find("proxy_pid"), std::string::npos);
}

TEST(ScaleRequest, JsonRoundTrip) {
  const ScaleRequest r{99, 5, true};
  std::string error;
  EXPECT_EQ(scale_request_from_json(to_json(r), error), r);
  EXPECT_FALSE(scale_request_from_json(R"({"id": 1, "replicas": 2})", error).has_value());
}

}  // namespace
}  // namespace weir::local
