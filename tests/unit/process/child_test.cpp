// process::Child against real programs (sh, true, sleep): exit statuses, stopping, ownership.
#include "process/child.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>

#include "weir/testing/temp_dir.hpp"

namespace weir::process {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

TEST(Child, ReportsTheExitCode) {
  EXPECT_EQ(run({"true"}), 0);
  EXPECT_EQ(run({"sh", "-c", "exit 7"}), 7);
}

TEST(Child, AProgramThatCannotRunIsAnErrorNamingIt) {
  try {
    const Child child = Child::spawn({"weir-no-such-program"});
    FAIL() << "spawn did not throw";
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()), "cannot run 'weir-no-such-program': No such file or directory");
  }
}

TEST(Child, TerminateStopsItWithSigterm) {
  Child child = Child::spawn({"sleep", "60"});
  EXPECT_TRUE(child.running());
  EXPECT_EQ(child.wait_for(milliseconds(50)), std::nullopt);
  EXPECT_EQ(child.terminate(seconds(10)), 128 + 15);
  EXPECT_FALSE(child.running());
  EXPECT_EQ(child.exit_code(), 128 + 15);
  EXPECT_EQ(child.terminate(), 128 + 15);  // idempotent
}

TEST(Child, ASigtermIgnoredEndsInSigkillAfterTheGrace) {
  const testing::TempDir dir("weir-child-");
  const auto ready = dir / "ready";
  // An ignored signal stays ignored across exec: sleep ignores SIGTERM.
  Child child = Child::spawn({"sh", "-c", "trap '' TERM; touch " + ready.string() + "; exec sleep 60"});
  while (!std::filesystem::exists(ready)) ASSERT_EQ(child.wait_for(milliseconds(10)), std::nullopt);
  EXPECT_EQ(child.terminate(milliseconds(200)), 128 + 9);
}

TEST(Child, GoingOutOfScopeStopsIt) {
  pid_t pid = -1;
  {
    Child child = Child::spawn({"sleep", "60"});
    pid = child.pid();
    EXPECT_TRUE(pid_alive(pid));
  }
  EXPECT_FALSE(pid_alive(pid));
}

TEST(Child, AMovedHandleOwnsTheProcess) {
  Child first = Child::spawn({"sleep", "60"});
  const pid_t pid = first.pid();
  Child second = std::move(first);
  EXPECT_EQ(first.pid(), -1);  // NOLINT(bugprone-use-after-move): a moved-from handle is empty
  EXPECT_EQ(second.pid(), pid);
  EXPECT_TRUE(second.running());
  second.terminate(seconds(10));
  EXPECT_FALSE(pid_alive(pid));
}

TEST(Child, AReleasedPidIsNoLongerStopped) {
  pid_t pid = -1;
  {
    Child child = Child::spawn({"sleep", "60"});
    pid = child.release();
    EXPECT_EQ(child.pid(), -1);
  }
  EXPECT_TRUE(pid_alive(pid));
  EXPECT_TRUE(stop_foreign(pid, seconds(10)));
  EXPECT_FALSE(pid_alive(pid));
}

TEST(Child, RedirectsOutputAndRunsInTheGivenDirectory) {
  const testing::TempDir dir("weir-child-");
  const std::string out = (dir / "out").string();
  std::FILE* file = std::fopen(out.c_str(), "w");
  ASSERT_NE(file, nullptr);
  SpawnOptions options;
  options.stdout_fd = ::fileno(file);
  options.working_dir = dir.path();
  options.extra_env = {"WEIR_CHILD_TEST=value"};
  EXPECT_EQ(run({"sh", "-c", "pwd; echo $WEIR_CHILD_TEST"}, options), 0);
  std::fclose(file);
  std::ifstream in(out);
  const std::string text((std::istreambuf_iterator<char>(in)), {});
  EXPECT_EQ(text, dir.path() + "\nvalue\n");
}

TEST(Child, CommandLineOfAPid) {
  Child child = Child::spawn({"sleep", "60"});
  EXPECT_EQ(pid_cmdline(child.pid()), "sleep 60");
  EXPECT_EQ(pid_cmdline(-1), "");
}

TEST(Child, FindsProgramsInPathAndTheSbinDirectories) {
  EXPECT_NE(find_program("sh"), "");
  EXPECT_EQ(find_program("weir-no-such-program"), "");
  EXPECT_EQ(find_program("/bin/sh"), "/bin/sh");
}

}  // namespace
}  // namespace weir::process
