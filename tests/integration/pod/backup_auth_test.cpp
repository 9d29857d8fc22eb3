// `weir pod serve-backup` sends a backup only to a peer that proves it holds the replication
// password: `weir pod clone` with the right one clones (real mariadbd, real mariabackup, real
// mbstream), with the root password never on mariabackup's command line; a wrong password, a
// socket that sends nothing and one that sends garbage get the greeting and not one byte more,
// and each refusal is logged with the peer's address.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "weir/testing/files.hpp"
#include "weir/testing/mariadb_server.hpp"
#include "weir/testing/process.hpp"
#include "weir/testing/weir_process.hpp"

namespace weir::testing {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

constexpr std::size_t kGreetingSize = 19 + 32;  // "WEIR-BACKUP-AUTH-1\n" + nonce

int connect_to(std::uint16_t port) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(port);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

// Everything the server sends until it closes the connection (at most `limit`).
std::string read_until_closed(int fd, std::chrono::seconds limit) {
  std::string out;
  char buf[65536];
  const auto until = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < until) {
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, 200) <= 0) continue;
    const auto n = read(fd, buf, sizeof buf);
    if (n <= 0) return out;
    out.append(buf, static_cast<std::size_t>(n));
  }
  return out + "<still open>";
}

// The command lines of every running mariabackup, gathered until `stop`.
class BackupToolWatcher {
 public:
  BackupToolWatcher() : thread_([this] { watch(); }) {}
  ~BackupToolWatcher() { stop(); }
  void stop() {
    done_ = true;
    if (thread_.joinable()) thread_.join();
  }
  const std::vector<std::string>& seen() const { return seen_; }

 private:
  void watch() {
    while (!done_) {
      for (const auto& entry : fs::directory_iterator("/proc", fs::directory_options::skip_permission_denied)) {
        std::string cmdline = read_file(entry.path() / "cmdline");
        if (cmdline.find("mariabackup") == std::string::npos || cmdline.find("--backup") == std::string::npos) continue;
        for (auto& c : cmdline) c = c == '\0' ? ' ' : c;
        if (std::find(seen_.begin(), seen_.end(), cmdline) == seen_.end()) seen_.push_back(cmdline);
      }
      std::this_thread::sleep_for(5ms);
    }
  }
  std::atomic<bool> done_{false};
  std::vector<std::string> seen_;
  std::thread thread_;
};

class BackupAuth : public ::testing::Test {
 protected:
  void SetUp() override {
    source_ = std::make_unique<MariadbServer>(MariadbOptions::primary(100));
    source_->execute("CREATE DATABASE shop");
    source_->execute("CREATE TABLE shop.items (id INT PRIMARY KEY, name VARCHAR(20))");
    source_->execute("INSERT INTO shop.items VALUES (1, 'cloned')");
    dir_ = source_->dir() + "/backup-auth";
    fs::create_directories(dir_);
    write(dir_ + "/root-password", source_->password() + "\n");
    write(dir_ + "/repl-password", "the-cluster-secret\n");
    write(dir_ + "/wrong-password", "not-the-secret\n");
    // serve-backup's temporary option files go here, where the test can see them.
    tmp_ = dir_ + "/tmp";
    fs::create_directories(tmp_);
    setenv("TMPDIR", tmp_.c_str(), 1);
    backup_port_ = free_loopback_port();
    log_ = dir_ + "/serve-backup.log";
    server_ = Process::spawn(
        {{weir_binary(), "pod", "serve-backup", "--ordinal", "0", "--port", std::to_string(source_->port()),
          "--defaults-file", source_->dir() + "/my.cnf", "--backup-bind", "127.0.0.1", "--backup-port",
          std::to_string(backup_port_), "--root-password-file", dir_ + "/root-password", "--repl-password-file",
          dir_ + "/repl-password"},
         "",
         log_,
         "",
         ""});
    const auto until = std::chrono::steady_clock::now() + 20s;
    while (read_file(log_).find("listening on") == std::string::npos && std::chrono::steady_clock::now() < until) {
      std::this_thread::sleep_for(20ms);
    }
    ASSERT_NE(read_file(log_).find("listening on"), std::string::npos) << read_file(log_);
  }
  void TearDown() override {
    server_.terminate(5s);
    unsetenv("TMPDIR");
  }

  static void write(const std::string& path, const std::string& text) { std::ofstream(path) << text; }

  // `weir pod clone` of ordinal 1 into `data`, with `password_file`; its exit code, output in output_.
  int clone(const std::string& data, const std::string& password_file) {
    const std::string out = dir_ + "/clone.out";
    const int rc = run_program({weir_binary(), "pod", "clone", "--ordinal", "1", "--peer-host", "127.0.0.1",
                                "--peer-port", std::to_string(backup_port_), "--data-dir", data, "--clone-timeout",
                                "10", "--repl-password-file", password_file},
                               out, 120s);
    output_ = read_file(out);
    return rc;
  }
  // Waits for the serve-backup log to hold `needle` `count` times.
  bool log_has(const std::string& needle, std::size_t count = 1) const {
    const auto until = std::chrono::steady_clock::now() + 20s;
    while (std::chrono::steady_clock::now() < until) {
      const std::string text = read_file(log_);
      std::size_t found = 0;
      for (auto pos = text.find(needle); pos != std::string::npos; pos = text.find(needle, pos + 1)) ++found;
      if (found >= count) return true;
      std::this_thread::sleep_for(50ms);
    }
    return false;
  }

  std::unique_ptr<MariadbServer> source_;
  std::string dir_;
  std::string tmp_;
  std::string log_;
  std::string output_;
  std::uint16_t backup_port_ = 0;
  Process server_;
};

TEST_F(BackupAuth, RawSocketsGetTheGreetingAndNotOneByteOfBackup) {
  // Sends nothing and closes its side.
  const int quiet = connect_to(backup_port_);
  ASSERT_GE(quiet, 0);
  shutdown(quiet, SHUT_WR);
  const std::string to_quiet = read_until_closed(quiet, 30s);
  close(quiet);
  EXPECT_EQ(to_quiet.size(), kGreetingSize) << to_quiet;
  EXPECT_EQ(to_quiet.substr(0, 19), "WEIR-BACKUP-AUTH-1\n");
  EXPECT_TRUE(log_has("refused a backup to 127.0.0.1:")) << read_file(log_);
  EXPECT_TRUE(log_has("the connection ended before its authentication")) << read_file(log_);

  // Garbage in place of the proof.
  const int noisy = connect_to(backup_port_);
  ASSERT_GE(noisy, 0);
  const std::string garbage(64, 'x');
  ASSERT_EQ(::write(noisy, garbage.data(), garbage.size()), static_cast<ssize_t>(garbage.size()));
  const std::string to_noisy = read_until_closed(noisy, 30s);
  close(noisy);
  EXPECT_EQ(to_noisy.size(), kGreetingSize);
  EXPECT_TRUE(log_has("wrong authentication")) << read_file(log_);

  // Silent and open: dropped after the proof's time limit, with nothing sent.
  const int silent = connect_to(backup_port_);
  ASSERT_GE(silent, 0);
  const std::string to_silent = read_until_closed(silent, 30s);
  close(silent);
  EXPECT_EQ(to_silent.size(), kGreetingSize);
  EXPECT_TRUE(log_has("no authentication within 10 s")) << read_file(log_);
  EXPECT_TRUE(log_has("refused a backup to 127.0.0.1:", 3)) << read_file(log_);
  EXPECT_EQ(read_file(log_).find("sending a backup"), std::string::npos) << read_file(log_);
}

TEST_F(BackupAuth, AWrongPasswordGetsNothingTheRightOneClones) {
  const std::string wrong_data = dir_ + "/wrong-data";
  EXPECT_NE(clone(wrong_data, dir_ + "/wrong-password"), 0);
  EXPECT_NE(output_.find("refused the authentication"), std::string::npos) << output_;
  EXPECT_TRUE(!fs::exists(wrong_data) || fs::is_empty(wrong_data)) << "something was received";
  EXPECT_TRUE(log_has("wrong authentication")) << read_file(log_);
  EXPECT_EQ(read_file(log_).find("sending a backup"), std::string::npos) << read_file(log_);

  const std::string data = dir_ + "/data";
  BackupToolWatcher watcher;
  ASSERT_EQ(clone(data, dir_ + "/repl-password"), 0) << output_ << "\nserve-backup:\n" << read_file(log_);
  watcher.stop();
  EXPECT_TRUE(fs::exists(data + "/shop/items.ibd")) << output_;
  EXPECT_TRUE(log_has("sent ")) << read_file(log_);
  ASSERT_FALSE(watcher.seen().empty()) << "mariabackup was never seen running";
  for (const auto& cmdline : watcher.seen()) {
    EXPECT_EQ(cmdline.find(source_->password()), std::string::npos) << cmdline;
    EXPECT_EQ(cmdline.find("--password"), std::string::npos) << cmdline;
    EXPECT_NE(cmdline.find("--defaults-file=" + tmp_ + "/weir-client-"), std::string::npos) << cmdline;
  }
  // The option file that held the password is gone with the backup.
  EXPECT_TRUE(fs::is_empty(tmp_)) << fs::directory_iterator(tmp_)->path();
}

}  // namespace
}  // namespace weir::testing
