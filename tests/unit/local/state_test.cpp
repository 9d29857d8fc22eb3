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

// One line with the keys in a fixed order: the e2e walk-through reads pids out of it with grep.
TEST(State, JsonIsOneLineWithKeysInTheirFixedOrder) {
  State s;
  s.supervisor_pid = 1;
  s.proxy_pid = 2;
  s.base_port = 13306;
  s.proxy_port = 6033;
  s.replicas = 1;
  s.desired = 1;
  s.handled_request = 0;
  s.last_error = "a\tb";
  s.nodes = {{0, 13306, 13307, 100, 101, 0}};
  EXPECT_EQ(to_json(s),
            R"({"supervisor_pid":1,"proxy_pid":2,"base_port":13306,"proxy_port":6033,"replicas":1,"desired":1,)"
            R"("handled_request":0,"last_error":"a\tb","nodes":[{"ordinal":0,"port":13306,"backup_port":13307,)"
            R"("server_pid":100,"sidecar_pid":101,"restarts":0}]})"
            "\n");
  EXPECT_EQ(to_json(ScaleRequest{7, 3, false}), "{\"id\":7,\"replicas\":3,\"delete_data\":false}\n");
}

TEST(State, NumbersOutOfRangeAreRejected) {
  std::string error;
  State s;
  s.nodes = {{0, 13306, 13307, 100, 101, 0}};
  std::string text = to_json(s);
  text.replace(text.find("\"port\":13306"), 12, "\"port\":99999");
  EXPECT_FALSE(state_from_json(text, error).has_value());
  EXPECT_NE(error.find("port"), std::string::npos) << error;
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
