// The monitor against a real primary and two replicas: usability, lag, transitions, the
// heartbeat rows, a stopped primary and failure reports, read from the published snapshots.
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "health/monitor.hpp"
#include "weir/testing/mariadb_server.hpp"

namespace weir::health {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using testing::MariadbOptions;
using testing::MariadbServer;

constexpr milliseconds kCheckInterval{100};
constexpr seconds kPatience{30};  // how long a test waits for a state before it fails

// Every snapshot the monitor published, in order.
class Snapshots {
 public:
  Monitor::Publish publisher() {
    return [this](std::shared_ptr<const Topology> t) {
      {
        std::lock_guard lock(mutex_);
        all_.push_back(std::move(t));
      }
      cv_.notify_all();
    };
  }

  // The first snapshot after `after_version` that satisfies `pred`; nullptr after kPatience.
  std::shared_ptr<const Topology> wait(const std::function<bool(const Topology&)>& pred,
                                       std::uint64_t after_version = 0) {
    std::unique_lock lock(mutex_);
    std::shared_ptr<const Topology> found;
    cv_.wait_for(lock, kPatience, [&] {
      for (const auto& t : all_) {
        if (t->version > after_version && pred(*t)) {
          found = t;
          return true;
        }
      }
      return false;
    });
    return found;
  }

  // The snapshot with exactly this version (waits for it); nullptr after kPatience.
  std::shared_ptr<const Topology> version(std::uint64_t v) {
    return wait([v](const Topology& t) { return t.version == v; }, v - 1);
  }

  std::uint64_t latest_version() {
    std::lock_guard lock(mutex_);
    return all_.empty() ? 0 : all_.back()->version;
  }

  std::vector<std::shared_ptr<const Topology>> since(std::uint64_t version) {
    std::lock_guard lock(mutex_);
    std::vector<std::shared_ptr<const Topology>> out;
    for (const auto& t : all_) {
      if (t->version > version) out.push_back(t);
    }
    return out;
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  std::vector<std::shared_ptr<const Topology>> all_;
};

const BackendStatus& backend(const Topology& t, const std::string& name) {
  for (const auto& b : t.backends) {
    if (b.name == name) return b;
  }
  throw std::runtime_error("no backend " + name + " in snapshot " + std::to_string(t.version));
}

std::string describe(const Topology& t) {
  std::string out = "v" + std::to_string(t.version) + ":";
  for (const auto& b : t.backends) {
    out += " " + b.name + (b.reachable ? "" : "(down)") + (b.usable_for_reads ? "[usable]" : "[" + b.reason + "]") +
           " lag=" + (b.lag ? std::to_string(b.lag->count()) + "us" : "?") + " t=" + std::to_string(b.transitions);
  }
  return out;
}

// A primary and two replicas, a monitor account on all three, and a monitor over them.
class MonitorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    primary_ = std::make_unique<MariadbServer>(MariadbOptions::primary(100));
    r1_ = std::make_unique<MariadbServer>(MariadbOptions::replica(101));
    r2_ = std::make_unique<MariadbServer>(MariadbOptions::replica(102));
    r1_->replicate_from(*primary_);
    r2_->replicate_from(*primary_);
    // Created on the primary, replicated to the replicas: the grants the monitor needs.
    primary_->create_user("weir_monitor", "monitor-pw", "SELECT, SLAVE MONITOR", "*.*");
    primary_->execute("GRANT CREATE, INSERT, UPDATE ON `weir`.* TO 'weir_monitor'@'%'");
    ASSERT_TRUE(r1_->wait_caught_up(*primary_));
    ASSERT_TRUE(r2_->wait_caught_up(*primary_));
  }

  void TearDown() override {
    if (monitor_) monitor_->stop();
  }

  std::shared_ptr<config::Config> make_config() const {
    auto c = std::make_shared<config::Config>();
    c->listen.port = 0;
    c->monitor.user = "weir_monitor";
    c->monitor.password.value = "monitor-pw";
    c->monitor.check_interval = kCheckInterval;
    c->monitor.heartbeat.interval = milliseconds(100);
    c->backends.static_backends = {
        {"primary", primary_->host(), primary_->port(), config::Role::primary, 1},
        {"r1", r1_->host(), r1_->port(), config::Role::replica, 1},
        {"r2", r2_->host(), r2_->port(), config::Role::replica, 1},
    };
    c->routing.max_replica_lag = seconds(1);
    c->routing.readmit_lag = milliseconds(800);
    c->routing.min_dwell = milliseconds(500);
    return c;
  }

  void start(std::shared_ptr<const config::Config> config) {
    monitor_ = std::make_unique<Monitor>(std::move(config), snapshots_.publisher(), reports_);
    monitor_->start();
    ASSERT_TRUE(monitor_->wait_first_round(kPatience));
  }

  std::shared_ptr<const Topology> wait_both_usable() {
    return snapshots_.wait(
        [](const Topology& t) { return backend(t, "r1").usable_for_reads && backend(t, "r2").usable_for_reads; });
  }

  std::unique_ptr<MariadbServer> primary_, r1_, r2_;
  Snapshots snapshots_;
  FailureReports reports_;
  std::unique_ptr<Monitor> monitor_;
};

TEST_F(MonitorTest, BothReplicasUsableWithSmallLagAndHeartbeatRows) {
  start(make_config());
  const auto first = monitor_->latest();
  ASSERT_NE(first, nullptr);
  ASSERT_EQ(first->backends.size(), 3U);
  EXPECT_EQ(first->backends[0].name, "primary");  // primary first

  const auto t = wait_both_usable();
  ASSERT_NE(t, nullptr) << describe(*monitor_->latest());
  const auto& p = backend(*t, "primary");
  EXPECT_TRUE(p.reachable);
  EXPECT_FALSE(p.read_only);
  EXPECT_FALSE(p.usable_for_reads);  // the primary takes reads by other rules
  EXPECT_FALSE(p.gtid.empty());      // the heartbeat writes are binlogged
  for (const char* name : {"r1", "r2"}) {
    SCOPED_TRACE(name);
    const auto& r = backend(*t, name);
    EXPECT_TRUE(r.reachable);
    EXPECT_TRUE(r.read_only);
    EXPECT_TRUE(r.io_thread_running);
    EXPECT_TRUE(r.sql_thread_running);
    ASSERT_TRUE(r.lag.has_value());
    EXPECT_LT(*r.lag, milliseconds(1000));
    EXPECT_EQ(r.reason, "");
    EXPECT_EQ(r.transitions, 0U);  // the first admission is not a transition
    EXPECT_FALSE(r.gtid.empty());
  }

  // Heartbeat rows: written on the primary, replicated to both replicas, with growing timestamps.
  const std::string read_row = "SELECT ts FROM weir.heartbeat WHERE instance = '" + monitor_->instance_id() + "'";
  std::optional<std::string> on_primary;
  for (auto until = std::chrono::steady_clock::now() + kPatience;
       !on_primary && std::chrono::steady_clock::now() < until;) {
    if (primary_->scalar("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'weir'") == "1") {
      on_primary = primary_->scalar(read_row);
    }
    if (!on_primary) std::this_thread::sleep_for(milliseconds(20));
  }
  ASSERT_TRUE(on_primary.has_value()) << "no heartbeat row for " << monitor_->instance_id();
  ASSERT_TRUE(r1_->wait_caught_up(*primary_));
  ASSERT_TRUE(r2_->wait_caught_up(*primary_));
  for (auto* replica : {r1_.get(), r2_.get()}) {
    const auto ts = replica->scalar(read_row);
    ASSERT_TRUE(ts.has_value());
    EXPECT_GE(std::stoll(*ts), std::stoll(*on_primary));
  }
  EXPECT_EQ(primary_->scalar("SELECT COUNT(*) FROM weir.heartbeat"), "1");  // one row per weir

  // Versions grow by one; each backend keeps one BackendLoad across snapshots.
  const auto later = snapshots_.wait([&](const Topology& x) { return x.version >= t->version + 3; });
  ASSERT_NE(later, nullptr);
  for (std::size_t i = 0; i < 3; ++i) EXPECT_EQ(later->backends[i].load, first->backends[i].load);
  // What the replicas had applied, the primary had binlogged by its next check.
  EXPECT_TRUE(backend(*later, "primary").gtid.covers(backend(*t, "r1").gtid));
  EXPECT_TRUE(backend(*later, "primary").gtid.covers(backend(*t, "r2").gtid));
  auto all = snapshots_.since(0);
  for (std::size_t i = 0; i < all.size(); ++i) EXPECT_EQ(all[i]->version, i + 1);

  // checked_at is when the position query was sent: a write acknowledged before it is in the
  // primary's position of that snapshot.
  primary_->execute("CREATE DATABASE acked");
  const auto acked = GtidPosition::parse(primary_->scalar("SELECT @@gtid_binlog_pos").value_or(""));
  const auto acked_at = std::chrono::steady_clock::now();
  ASSERT_TRUE(acked.has_value());
  const auto checked = snapshots_.wait([&](const Topology& x) { return backend(x, "primary").checked_at > acked_at; });
  ASSERT_NE(checked, nullptr);
  EXPECT_TRUE(backend(*checked, "primary").gtid.covers(*acked)) << backend(*checked, "primary").gtid.to_string();

  // Session tracking of last_gtid on the primary shows in the snapshot.
  EXPECT_FALSE(later->primary_tracks_last_gtid);
  primary_->execute("SET GLOBAL session_track_system_variables = 'autocommit,last_gtid'");
  EXPECT_NE(snapshots_.wait([](const Topology& x) { return x.primary_tracks_last_gtid; }, later->version), nullptr);
}

TEST_F(MonitorTest, StoppedSqlThreadTakesAReplicaOutAndBackExactlyOnce) {
  start(make_config());
  ASSERT_NE(wait_both_usable(), nullptr) << describe(*monitor_->latest());

  r1_->execute("STOP SLAVE SQL_THREAD");
  const auto v0 = snapshots_.latest_version();
  // The round in progress may have read r1 before the STOP; the one after it cannot have.
  const auto out = snapshots_.version(v0 + 2);
  ASSERT_NE(out, nullptr);
  EXPECT_FALSE(backend(*out, "r1").usable_for_reads) << describe(*out);
  EXPECT_EQ(backend(*out, "r1").reason, "sql thread stopped");
  EXPECT_FALSE(backend(*out, "r1").sql_thread_running);
  EXPECT_TRUE(backend(*out, "r1").io_thread_running);
  EXPECT_TRUE(backend(*out, "r2").usable_for_reads);

  // Writes go on meanwhile; after START SLAVE r1 catches up and comes back.
  primary_->execute("CREATE DATABASE app; CREATE TABLE app.t (id INT PRIMARY KEY); INSERT INTO app.t VALUES (1),(2)");
  r1_->execute("START SLAVE");
  ASSERT_TRUE(r1_->wait_caught_up(*primary_));
  const auto back = snapshots_.wait([](const Topology& t) { return backend(t, "r1").usable_for_reads; }, out->version);
  ASSERT_NE(back, nullptr) << describe(*monitor_->latest());
  EXPECT_EQ(backend(*back, "r1").transitions, 2U);

  // No flapping afterwards: ten more rounds, usable all along, still two transitions.
  const auto settled = snapshots_.version(back->version + 10);
  ASSERT_NE(settled, nullptr);
  for (const auto& t : snapshots_.since(back->version)) {
    if (t->version > settled->version) break;
    EXPECT_TRUE(backend(*t, "r1").usable_for_reads) << describe(*t);
    EXPECT_EQ(backend(*t, "r1").transitions, 2U) << describe(*t);
    EXPECT_EQ(backend(*t, "r2").transitions, 0U) << describe(*t);
  }
}

TEST_F(MonitorTest, DelayedReplicaShowsLagAboveTheLimit) {
  r2_->execute("STOP SLAVE; CHANGE MASTER TO MASTER_DELAY=2; START SLAVE");
  start(make_config());
  // The heartbeat is a write pending on r2 all the time: its lag is the delay, above 1 s.
  const auto lagging = snapshots_.wait([](const Topology& t) {
    const auto& r2 = backend(t, "r2");
    return r2.lag && *r2.lag > seconds(1);
  });
  ASSERT_NE(lagging, nullptr) << describe(*monitor_->latest());
  const auto& r2 = backend(*lagging, "r2");
  EXPECT_FALSE(r2.usable_for_reads);
  EXPECT_EQ(r2.reason.rfind("lag ", 0), 0U) << r2.reason;
  EXPECT_NE(r2.reason.find("above 1000ms"), std::string::npos) << r2.reason;
  EXPECT_LT(*r2.lag, seconds(5));
  EXPECT_TRUE(r2.sql_thread_running);
  // r1 is not delayed.
  EXPECT_NE(snapshots_.wait([](const Topology& t) { return backend(t, "r1").usable_for_reads; }), nullptr);
  // No snapshot ever had r2 usable with a lag above the limit.
  for (const auto& t : snapshots_.since(0)) {
    const auto& b = backend(*t, "r2");
    if (b.usable_for_reads) {
      ASSERT_TRUE(b.lag.has_value());
      EXPECT_LE(*b.lag, seconds(1)) << describe(*t);
    }
  }
}

TEST_F(MonitorTest, StoppedPrimaryIsUnreachableAndReplicasStillReported) {
  start(make_config());
  ASSERT_NE(wait_both_usable(), nullptr) << describe(*monitor_->latest());
  const auto v0 = snapshots_.latest_version();
  primary_->stop();
  const auto down = snapshots_.wait([](const Topology& t) { return !backend(t, "primary").reachable; }, v0);
  ASSERT_NE(down, nullptr) << describe(*monitor_->latest());
  EXPECT_EQ(backend(*down, "primary").reason, "unreachable");
  EXPECT_FALSE(backend(*down, "primary").lag.has_value());
  ASSERT_EQ(down->backends.size(), 3U);
  // The replicas are still checked, and keep serving reads while the primary is down: a stopped
  // I/O thread and an unknown lag are expected then, and they are all the reads there are.
  const auto later = snapshots_.wait([&](const Topology& t) { return t.version >= down->version + 5; }, v0);
  ASSERT_NE(later, nullptr) << describe(*monitor_->latest());
  for (const char* name : {"r1", "r2"}) {
    const auto& r = backend(*later, name);
    EXPECT_TRUE(r.reachable) << describe(*later);
    EXPECT_TRUE(r.usable_for_reads) << describe(*later);
  }
  // A replica whose SQL thread stops meanwhile is out all the same.
  r2_->execute("STOP SLAVE SQL_THREAD");
  const auto out =
      snapshots_.wait([](const Topology& t) { return !backend(t, "r2").usable_for_reads; }, later->version);
  ASSERT_NE(out, nullptr) << describe(*monitor_->latest());
  EXPECT_EQ(backend(*out, "r2").reason, "sql thread stopped");
  EXPECT_TRUE(backend(*out, "r1").usable_for_reads);
}

TEST_F(MonitorTest, FailureReportTakesAReplicaOutInTheNextSnapshot) {
  auto config = make_config();
  config->routing.min_dwell = seconds(1);
  start(config);
  ASSERT_NE(wait_both_usable(), nullptr) << describe(*monitor_->latest());
  const auto v0 = snapshots_.latest_version();
  reports_.report("r2");
  reports_.report("no-such-backend");  // ignored
  // The round in progress may have taken the reports before this one; the next takes it.
  const auto out = snapshots_.wait([](const Topology& t) { return !backend(t, "r2").usable_for_reads; }, v0);
  ASSERT_NE(out, nullptr);
  EXPECT_LE(out->version, v0 + 2) << describe(*out);
  EXPECT_EQ(backend(*out, "r2").reason.rfind("failed a connection or query", 0), 0U) << backend(*out, "r2").reason;
  EXPECT_TRUE(backend(*out, "r1").usable_for_reads);
  // Checked again over a new connection; back after min_dwell.
  const auto back = snapshots_.wait([](const Topology& t) { return backend(t, "r2").usable_for_reads; }, out->version);
  ASSERT_NE(back, nullptr) << describe(*monitor_->latest());
  EXPECT_EQ(backend(*back, "r2").transitions, 2U);
  EXPECT_GE(back->version - out->version, 5U) << "readmitted before min_dwell (1 s at 100 ms rounds)";
}

TEST_F(MonitorTest, WithoutHeartbeatLagComesFromSecondsBehindMaster) {
  auto config = make_config();
  config->monitor.heartbeat.enabled = false;
  start(config);
  const auto t = wait_both_usable();
  ASSERT_NE(t, nullptr) << describe(*monitor_->latest());
  for (const char* name : {"r1", "r2"}) {
    ASSERT_TRUE(backend(*t, name).lag.has_value());
    EXPECT_EQ(*backend(*t, name).lag, seconds(0));  // whole seconds, caught up
  }
  EXPECT_EQ(primary_->scalar("SELECT COUNT(*) FROM information_schema.schemata WHERE schema_name = 'weir'"), "0");
  // SQL thread stopped: Seconds_Behind_Master is NULL, the lag unknown.
  r1_->execute("STOP SLAVE SQL_THREAD");
  const auto out = snapshots_.wait([](const Topology& x) { return !backend(x, "r1").usable_for_reads; }, t->version);
  ASSERT_NE(out, nullptr);
  EXPECT_FALSE(backend(*out, "r1").lag.has_value());
}

TEST_F(MonitorTest, ReconfigureAppliesANewPolicyAndBackendList) {
  r2_->execute("STOP SLAVE; CHANGE MASTER TO MASTER_DELAY=2; START SLAVE");
  start(make_config());
  const auto lagging = snapshots_.wait([](const Topology& t) {
    const auto& r2 = backend(t, "r2");
    return !r2.usable_for_reads && r2.lag && *r2.lag > seconds(1);
  });
  ASSERT_NE(lagging, nullptr) << describe(*monitor_->latest());
  // A looser lag limit: r2 comes back.
  auto loose = make_config();
  loose->routing.max_replica_lag = seconds(10);
  loose->routing.readmit_lag = seconds(8);
  monitor_->reconfigure(loose);
  const auto back =
      snapshots_.wait([](const Topology& t) { return backend(t, "r2").usable_for_reads; }, lagging->version);
  ASSERT_NE(back, nullptr) << describe(*monitor_->latest());
  EXPECT_GT(*backend(*back, "r2").lag, seconds(1));
  // r1 leaves the list; r2 keeps its BackendLoad.
  auto fewer = loose;
  fewer = std::make_shared<config::Config>(*loose);
  fewer->backends.static_backends.erase(fewer->backends.static_backends.begin() + 1);
  monitor_->reconfigure(fewer);
  const auto two = snapshots_.wait([](const Topology& t) { return t.backends.size() == 2; }, back->version);
  ASSERT_NE(two, nullptr);
  EXPECT_EQ(two->backends[0].name, "primary");
  EXPECT_EQ(two->backends[1].name, "r2");
  EXPECT_EQ(two->backends[1].load, backend(*back, "r2").load);
}

// A replica that hangs (SIGSTOP: connections accepted by the kernel, never answered) is
// unreachable once its check times out; the other replica and the heartbeat go on meanwhile.
TEST_F(MonitorTest, HungReplicaTimesOutWithoutHoldingUpTheOthers) {
  start(make_config());
  ASSERT_NE(wait_both_usable(), nullptr) << describe(*monitor_->latest());
  const std::string read_row = "SELECT ts FROM weir.heartbeat WHERE instance = '" + monitor_->instance_id() + "'";
  struct Resume {
    pid_t pid;
    ~Resume() { kill(pid, SIGCONT); }
  } resume{r1_->pid()};
  ASSERT_EQ(kill(r1_->pid(), SIGSTOP), 0);
  const auto v0 = snapshots_.latest_version();
  const auto hung = snapshots_.wait([](const Topology& t) { return !backend(t, "r1").reachable; }, v0);
  ASSERT_NE(hung, nullptr) << describe(*monitor_->latest());
  EXPECT_EQ(backend(*hung, "r1").reason, "unreachable");
  // Rounds keep coming while r1 hangs (each of its checks ends at its deadline); r2 stays in.
  const auto later = snapshots_.version(hung->version + 5);
  ASSERT_NE(later, nullptr);
  for (const auto& t : snapshots_.since(hung->version)) {
    if (t->version > later->version) break;
    EXPECT_FALSE(backend(*t, "r1").reachable) << describe(*t);
    EXPECT_TRUE(backend(*t, "r2").usable_for_reads) << describe(*t);
  }
  // The heartbeat is written all along.
  const auto before = primary_->scalar(read_row);
  ASSERT_NE(snapshots_.version(later->version + 3), nullptr);
  const auto after = primary_->scalar(read_row);
  ASSERT_TRUE(before && after);
  EXPECT_GT(std::stoll(*after), std::stoll(*before));
  // Resumed: reconnected and back after min_dwell.
  kill(r1_->pid(), SIGCONT);
  const auto back =
      snapshots_.wait([](const Topology& t) { return backend(t, "r1").usable_for_reads; }, later->version);
  ASSERT_NE(back, nullptr) << describe(*monitor_->latest());
  EXPECT_EQ(backend(*back, "r1").transitions, 2U);
}

// DNS discovery through the system resolver: the replicas' name is localhost (127.0.0.1 here),
// each replica told apart by replica_port.
TEST_F(MonitorTest, DnsDiscoveredReplica) {
  auto config = make_config();
  config->backends.discovery = config::BackendsConfig::Discovery::dns;
  config->backends.dns.primary_host = "127.0.0.1";
  config->backends.dns.primary_port = primary_->port();
  config->backends.dns.replicas = "localhost";
  config->backends.dns.replica_port = r1_->port();
  start(config);
  const std::string r1_name = "127.0.0.1:" + std::to_string(r1_->port());
  const std::string r2_name = "127.0.0.1:" + std::to_string(r2_->port());
  const auto t = snapshots_.wait(
      [&](const Topology& x) { return x.backends.size() == 2 && backend(x, r1_name).usable_for_reads; });
  ASSERT_NE(t, nullptr) << describe(*monitor_->latest());
  EXPECT_EQ(t->backends[0].name, "127.0.0.1:" + std::to_string(primary_->port()));
  EXPECT_TRUE(t->backends[0].reachable);
  EXPECT_EQ(t->backends[0].role, config::Role::primary);
  // Another replica port by reconfiguration: the list follows.
  auto other = std::make_shared<config::Config>(*config);
  other->backends.dns.replica_port = r2_->port();
  monitor_->reconfigure(other);
  const auto moved = snapshots_.wait(
      [&](const Topology& x) {
        return x.backends.size() == 2 && x.backends[1].name == r2_name && x.backends[1].usable_for_reads;
      },
      t->version);
  ASSERT_NE(moved, nullptr) << describe(*monitor_->latest());
}

TEST_F(MonitorTest, WrongPasswordMakesEveryBackendUnreachable) {
  auto config = make_config();
  config->monitor.password.value = "wrong";
  start(config);
  const auto t = snapshots_.version(2);
  ASSERT_NE(t, nullptr);
  for (const auto& b : t->backends) {
    EXPECT_FALSE(b.reachable) << b.name;
    EXPECT_FALSE(b.usable_for_reads) << b.name;
  }
  // The right password by reconfiguration: all reachable again.
  monitor_->reconfigure(make_config());
  EXPECT_NE(wait_both_usable(), nullptr) << describe(*monitor_->latest());
}

}  // namespace
}  // namespace weir::health
