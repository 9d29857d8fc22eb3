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

#include "weir/testing/mariadb_server.hpp"
#include "weir/testing/recording.hpp"
#include "weir/testing/wire_recorder.hpp"

namespace weir::testing {
namespace {

namespace fs = std::filesystem;

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

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

TEST(WireRecording, MariadbCommandLineClient) {
  MariadbServer server;
  server.execute("CREATE DATABASE rec");
  const Recorded r = record(
      server, "mariadb_cli.txt",
      [&](std::uint16_t port) {
        return std::vector<std::string>{"mariadb", "--no-defaults", "--skip-ssl", "--force", "--batch",
                                        "--host=127.0.0.1", "--port=" + std::to_string(port),
                                        "--user=" + server.user(), "--password=" + server.password(), "rec"};
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
}

TEST(WireRecording, LibmariadbCApiClient) {
  MariadbServer server;
  server.execute("CREATE DATABASE rec");
  const Recorded r = record(server, "capi_client.txt", [&](std::uint16_t port) {
    return std::vector<std::string>{WEIR_CAPI_CLIENT, "127.0.0.1", std::to_string(port), server.user(),
                                    server.password(), "rec"};
  });
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("prepared select: 2 rows"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("multi-statement: 3 results, 4 rows"), std::string::npos) << r.output;

  const Recording rec = load_recording(r.path);
  ASSERT_EQ(rec.connections.size(), 1U);
  EXPECT_EQ(rec.connections[0].front().from, Direction::server);
}

}  // namespace
}  // namespace weir::testing
