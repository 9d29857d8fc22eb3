// `weir pod probe readiness --require-replication` against a real replica: ready while both
// replication threads run, and while the IO thread keeps trying to reach a primary that is gone
// (the replica still serves what it has); not ready once replication is stopped.
#include <gtest/gtest.h>

#include <fstream>
#include <memory>
#include <thread>

#include "weir/testing/mariadb_server.hpp"
#include "weir/testing/process.hpp"
#include "weir/testing/weir_process.hpp"

namespace weir::testing {
namespace {

using namespace std::chrono_literals;

class ReadinessProbe : public ::testing::Test {
 protected:
  // The probe's exit status; its output in `output_`.
  int probe(const MariadbServer& replica) {
    const std::string password_file = replica.dir() + "/root-password";
    std::ofstream(password_file) << replica.password() << "\n";
    const std::string out = replica.dir() + "/probe.out";
    const int rc =
        run_program({weir_binary(), "pod", "probe", "readiness", "--ordinal", "1", "--port",
                     std::to_string(replica.port()), "--require-replication", "--root-password-file", password_file},
                    out, 30s);
    output_ = file_tail(out, 20);
    return rc;
  }
  // Until the IO thread shows `state` (Yes, Connecting, No).
  static bool wait_io_state(MariadbServer& replica, const std::string& state) {
    const auto until = std::chrono::steady_clock::now() + 30s;
    while (std::chrono::steady_clock::now() < until) {
      const auto rows = replica.query("SHOW SLAVE STATUS");
      constexpr std::size_t kSlaveIoRunning = 10;  // the column's place in SHOW SLAVE STATUS
      if (!rows.empty() && rows.front().size() > kSlaveIoRunning && rows.front()[kSlaveIoRunning] == state) return true;
      std::this_thread::sleep_for(100ms);
    }
    return false;
  }
  std::string output_;
};

TEST_F(ReadinessProbe, ReadyWhileReplicatingAndWhileThePrimaryIsAwayNotOnceStopped) {
  auto primary = std::make_unique<MariadbServer>(MariadbOptions::primary(100));
  MariadbServer replica(MariadbOptions::replica(101));
  replica.replicate_from(*primary);
  ASSERT_TRUE(wait_io_state(replica, "Yes"));
  EXPECT_EQ(probe(replica), 0) << output_;

  // The primary goes away: the IO thread retries ("Connecting"); the replica stays ready.
  replica.execute("STOP SLAVE");
  replica.execute("CHANGE MASTER TO MASTER_CONNECT_RETRY=1");
  replica.execute("START SLAVE");
  ASSERT_TRUE(wait_io_state(replica, "Yes"));
  primary.reset();
  ASSERT_TRUE(wait_io_state(replica, "Connecting")) << "the IO thread never showed Connecting";
  EXPECT_EQ(probe(replica), 0) << output_;

  // Replication stopped: not ready, and the probe says why.
  replica.execute("STOP SLAVE");
  EXPECT_NE(probe(replica), 0);
  EXPECT_NE(output_.find("replication is not running (IO No, SQL No)"), std::string::npos) << output_;
}

}  // namespace
}  // namespace weir::testing
