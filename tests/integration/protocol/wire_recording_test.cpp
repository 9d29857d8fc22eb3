// Records real conversations through the wire recorder against a fresh mariadbd, checks that the
// clients did what they should, and parses the recording. Set WEIR_RECORD_DIR to also copy the
// recordings there (that is how tests/unit/protocol/data/*.txt are made).
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>

#include "weir/testing/conversation.hpp"
#include "weir/testing/files.hpp"
#include "weir/testing/mariadb_server.hpp"
#include "weir/testing/recording.hpp"
#include "weir/testing/wire_recorder.hpp"

namespace weir::testing {
namespace {

namespace fs = std::filesystem;

// Runs the client through a recorder in front of `server`; returns the recording's path.
struct Recorded {
  std::string path;
  int exit_code = -1;
  std::string output;
};

Recorded record(MariadbServer& server, const std::string& name,
                const std::function<std::vector<std::string>(std::uint16_t port)>& client_argv,
                const std::string& stdin_path = "") {
  Recorded r;
  r.path = server.dir() + "/" + name;
  WireRecorder recorder(server.port(), r.path);
  const std::string out = server.dir() + "/" + name + ".client.out";
  Process client = Process::spawn({client_argv(recorder.port()), stdin_path, out, "", ""});
  const auto code = client.wait_for(std::chrono::seconds(60));
  if (!code) client.terminate(std::chrono::seconds(5));
  r.exit_code = code.value_or(-1);
  r.output = read_file(out);
  recorder.wait();
  if (const char* dir = std::getenv("WEIR_RECORD_DIR"); dir != nullptr && *dir != '\0') {
    fs::copy_file(r.path, std::string(dir) + "/" + name, fs::copy_options::overwrite_existing);
  }
  return r;
}

// The live conversation must walk cleanly and match the committed recording message for message
// (greeting and handshake response differ in nonces, connection ids and client pids only).
void expect_same_as_committed(const std::string& live_path, const std::string& name) {
  const Recording live = load_recording(live_path);
  ASSERT_EQ(live.connections.size(), 1U);
  const Conversation now = walk_conversation(live.connections[0]);
  ASSERT_TRUE(now.ok()) << describe(now);
  const Recording committed = load_recording(std::string(WEIR_RECORDINGS_DIR) + "/" + name);
  ASSERT_EQ(committed.connections.size(), 1U);
  const Conversation then = walk_conversation(committed.connections[0]);
  ASSERT_TRUE(then.ok()) << describe(then);
  // COM_STATISTICS text (uptime, counters) differs from run to run.
  auto without_statistics = [](std::vector<Exchange> exchanges) {
    for (auto& e : exchanges) {
      for (auto& r : e.results) {
        if (r.kind == Reply::Kind::statistics) r.error_message.clear();
      }
    }
    return exchanges;
  };
  EXPECT_EQ(now.trace, then.trace) << "live:\n" << describe(now) << "committed:\n" << describe(then);
  EXPECT_TRUE(without_statistics(now.exchanges) == without_statistics(then.exchanges))
      << "live:\n"
      << describe(now) << "committed:\n"
      << describe(then);
  EXPECT_EQ(now.capabilities, then.capabilities);
  EXPECT_EQ(now.auth_steps, then.auth_steps);
  EXPECT_EQ(now.login.kind, then.login.kind);
  EXPECT_EQ(now.handshake_response.username, then.handshake_response.username);
  EXPECT_EQ(now.handshake_response.database, then.handshake_response.database);
}

TEST(WireRecording, MariadbCommandLineClient) {
  MariadbServer server;
  server.execute("CREATE DATABASE rec");
  const Recorded r = record(
      server, "mariadb_cli.txt",
      [&](std::uint16_t port) {
        return std::vector<std::string>{"mariadb",
                                        "--no-defaults",
                                        "--skip-ssl",
                                        "--force",
                                        "--batch",
                                        "--host=127.0.0.1",
                                        "--port=" + std::to_string(port),
                                        "--user=" + server.user(),
                                        "--password=" + server.password(),
                                        "rec"};
      },
      test_tools_dir() + "/cli_session.sql");
  // --force carries on after the error (and then exits with 0).
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("Table 'rec.no_such_table' doesn't exist"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("42\thello"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("Truncated incorrect INTEGER value"), std::string::npos) << r.output;

  const Recording rec = load_recording(r.path);
  ASSERT_EQ(rec.connections.size(), 1U);
  EXPECT_GT(rec.connections[0].size(), 10U);
  EXPECT_EQ(rec.connections[0].front().from, Direction::server);  // the greeting comes first
  expect_same_as_committed(r.path, "mariadb_cli.txt");
}

TEST(WireRecording, LibmariadbCApiClient) {
  MariadbServer server;
  server.execute("CREATE DATABASE rec");
  const Recorded r = record(server, "capi_client.txt", [&](std::uint16_t port) {
    return std::vector<std::string>{WEIR_CAPI_CLIENT, "127.0.0.1",       std::to_string(port),
                                    server.user(),    server.password(), "rec"};
  });
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("prepared select: 2 rows"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("multi-statement: 3 results, 4 rows"), std::string::npos) << r.output;

  const Recording rec = load_recording(r.path);
  ASSERT_EQ(rec.connections.size(), 1U);
  EXPECT_EQ(rec.connections[0].front().from, Direction::server);
  expect_same_as_committed(r.path, "capi_client.txt");
}

TEST(WireRecording, LibmariadbSessionCommands) {
  MariadbServer server;
  server.execute("CREATE DATABASE rec");
  server.create_user("second", "second-pw", "ALL PRIVILEGES", "rec.*");
  const Recorded r = record(server, "capi_session.txt", [&](std::uint16_t port) {
    return std::vector<std::string>{WEIR_CAPI_SESSION, "127.0.0.1",       std::to_string(port),
                                    server.user(),     server.password(), "rec",
                                    "second",          "second-pw"};
  });
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("long data: long data!"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("changed to second@%"), std::string::npos) << r.output;
  expect_same_as_committed(r.path, "capi_session.txt");
}

}  // namespace
}  // namespace weir::testing
