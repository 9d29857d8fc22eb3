// /backends JSON from a Topology, read back by a real JSON parser (python3's json module).
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "admin/topology_view.hpp"
#include "weir/testing/process.hpp"
#include "weir/testing/temp_dir.hpp"

namespace weir::admin {
namespace {

health::Topology sample_topology() {
  health::Topology t;
  t.version = 7;
  health::BackendStatus primary;
  primary.name = "db-0";
  primary.host = "10.0.0.1";
  primary.port = 3306;
  primary.role = config::Role::primary;
  primary.reachable = true;
  primary.read_only = false;
  primary.gtid = *health::GtidPosition::parse("0-100-12,1-101-7");
  primary.load->outstanding = 3;
  t.backends.push_back(primary);

  health::BackendStatus replica;
  replica.name = "db-1 \"quoted\" \\ \x01 ctl \xc3\xa9";
  replica.host = "10.0.0.2";
  replica.port = 3307;
  replica.role = config::Role::replica;
  replica.reachable = true;
  replica.usable_for_reads = false;
  replica.reason = "lag 2.5s over max_replica_lag 1s\nsecond line";
  replica.read_only = true;
  replica.lag = std::chrono::milliseconds(2500);
  replica.gtid = *health::GtidPosition::parse("0-100-10");
  replica.transitions = 4;
  t.backends.push_back(replica);

  health::BackendStatus unknown;  // never checked: lag unknown
  unknown.name = "db-2";
  unknown.host = "db-2.example";
  t.backends.push_back(unknown);
  return t;
}

// Parses `json` with python3, checks the keys of every object, and prints it back canonically.
std::string python_roundtrip(const std::string& json, int& status) {
  const weir::testing::TempDir dir("weir-backends-json-");
  std::ofstream(dir / "in.json") << json;
  std::ofstream(dir / "check.py") << R"(import json, sys
data = json.load(open(sys.argv[1]))
assert isinstance(data, list), "not an array"
keys = {"name", "host", "port", "role", "reachable", "usable_for_reads", "reason", "lag_seconds",
        "gtid", "outstanding", "transitions", "read_only"}
for b in data:
    assert set(b) == keys, sorted(set(b) ^ keys)
    assert isinstance(b["port"], int) and isinstance(b["outstanding"], int) and isinstance(b["transitions"], int)
    assert isinstance(b["reachable"], bool) and isinstance(b["usable_for_reads"], bool) and isinstance(b["read_only"], bool)
    assert b["lag_seconds"] is None or isinstance(b["lag_seconds"], (int, float))
    assert b["role"] in ("primary", "replica")
print(json.dumps(data, sort_keys=True, ensure_ascii=True))
)";
  status = weir::testing::run_program({"python3", (dir / "check.py").string(), (dir / "in.json").string()},
                                      (dir / "out.txt").string());
  std::ifstream in(dir / "out.txt");
  std::string out((std::istreambuf_iterator<char>(in)), {});
  return out;
}

TEST(BackendsJson, ParsesWithEveryKeyAndEscapesStrings) {
  const std::string json = backends_json(sample_topology());
  int status = -1;
  const std::string canonical = python_roundtrip(json, status);
  ASSERT_EQ(status, 0) << canonical << "\n" << json;
  EXPECT_EQ(
      canonical,
      R"([{"gtid": "0-100-12,1-101-7", "host": "10.0.0.1", "lag_seconds": null, "name": "db-0", )"
      R"("outstanding": 3, "port": 3306, "reachable": true, "read_only": false, "reason": "", "role": "primary", )"
      R"("transitions": 0, "usable_for_reads": false}, )"
      R"({"gtid": "0-100-10", "host": "10.0.0.2", "lag_seconds": 2.5, )"
      R"("name": "db-1 \"quoted\" \\ \u0001 ctl \u00e9", "outstanding": 0, "port": 3307, "reachable": true, )"
      R"("read_only": true, "reason": "lag 2.5s over max_replica_lag 1s\nsecond line", "role": "replica", )"
      R"("transitions": 4, "usable_for_reads": false}, )"
      R"({"gtid": "", "host": "db-2.example", "lag_seconds": null, "name": "db-2", "outstanding": 0, )"
      R"("port": 3306, "reachable": false, "read_only": false, "reason": "", "role": "replica", )"
      R"("transitions": 0, "usable_for_reads": false}])"
      "\n");
}

TEST(BackendsJson, EmptyTopologyIsAnEmptyArray) {
  int status = -1;
  EXPECT_EQ(backends_json(health::Topology{}), "[]");
  EXPECT_EQ(python_roundtrip("[]", status), "[]\n");
  EXPECT_EQ(status, 0);
}

TEST(BackendsJson, TheCheckerRejectsAMissingKey) {
  int status = -1;
  python_roundtrip(R"([{"name": "x"}])", status);
  EXPECT_NE(status, 0);
}

TEST(BackendSamples, FollowTheTopology) {
  const auto samples = backend_samples(sample_topology());
  ASSERT_EQ(samples.size(), 3U);
  EXPECT_EQ(samples[0].name, "db-0");
  EXPECT_EQ(samples[0].role, "primary");
  EXPECT_TRUE(samples[0].up);
  EXPECT_FALSE(samples[0].heartbeat_lag_seconds.has_value());
  EXPECT_EQ(samples[1].role, "replica");
  EXPECT_TRUE(samples[1].read_only);
  EXPECT_EQ(samples[1].heartbeat_lag_seconds, 2.5);
  EXPECT_FALSE(samples[2].up);

  metrics::Metrics m;
  m.update_backends(samples);
  const std::string text = m.render();
  EXPECT_NE(text.find("weir_backend_up{backend=\"db-0\",role=\"primary\"} 1\n"), std::string::npos) << text;
  EXPECT_NE(text.find("weir_backend_up{backend=\"db-2\",role=\"replica\"} 0\n"), std::string::npos) << text;
  EXPECT_NE(text.find("method=\"heartbeat\"} 2.5\n"), std::string::npos) << text;

  auto topology = sample_topology();
  topology.backends[0].lag = std::chrono::microseconds::zero();  // as the monitor reports a primary
  const auto sbm = backend_samples(topology, "seconds_behind_master");
  EXPECT_FALSE(sbm[0].heartbeat_lag_seconds || sbm[0].seconds_behind_master) << "no lag series for the primary";
  EXPECT_FALSE(sbm[1].heartbeat_lag_seconds.has_value());
  EXPECT_EQ(sbm[1].seconds_behind_master, 2.5);
}

}  // namespace
}  // namespace weir::admin

namespace weir::admin {
namespace {

TEST(PrimaryReadiness, NeedsASnapshotWithAReachablePrimary) {
  EXPECT_FALSE(primary_readiness(nullptr).ready);
  health::Topology empty;
  EXPECT_EQ(primary_readiness(&empty).reason, "no primary in the topology");
  auto t = sample_topology();
  EXPECT_TRUE(primary_readiness(&t).ready);
  t.backends[0].reachable = false;
  t.backends[0].reason = "connect: connection refused";
  const auto r = primary_readiness(&t);
  EXPECT_FALSE(r.ready);
  EXPECT_EQ(r.reason, "primary db-0 is unreachable: connect: connection refused");
}

}  // namespace
}  // namespace weir::admin
