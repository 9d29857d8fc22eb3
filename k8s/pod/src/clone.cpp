// `weir pod clone`: the tutorial's clone-mysql container. The stream is unpacked into
// <data>/.weir-clone and moved into place only once it is complete and prepared, so a half-received
// clone is never mistaken for data.
#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <thread>
#include <vector>

#include "log/log.hpp"
#include "process/child.hpp"
#include "weir/pod/backup_auth.hpp"
#include "weir/pod/command_line.hpp"
#include "weir/pod/net.hpp"
#include "weir/pod/steps.hpp"
#include "weir/pod/stop_signal.hpp"
#include "weir/pod/stream_trailer.hpp"

namespace weir::pod {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
constexpr const char* kWho = "weir pod clone";
constexpr int kIdleTimeoutMs = 120'000;
constexpr const char* kIncoming = ".weir-clone";

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

std::string seconds_text(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f s", s);
  return buf;
}

std::string tool_log_hint(const PodOptions& o) {
  return o.tool_log_fd >= 0 ? " (its output is in the clone log)" : " (its output is above)";
}

// The peer may not be up yet (it starts only when the previous pod is ready): back off and retry.
Fd connect_with_backoff(const PodOptions& o) {
  const std::string where = o.peer_host + ":" + std::to_string(o.peer_port);
  const auto deadline = Clock::now() + std::chrono::seconds(o.clone_timeout_s);
  auto delay = std::chrono::milliseconds(200);
  std::string error;
  for (int attempt = 1;; ++attempt) {
    if (Fd fd = connect_tcp(o.peer_host, o.peer_port, error)) return fd;
    if (attempt == 1 || attempt % 10 == 0) {
      std::string message = "waiting for the backup server at " + where;
      message.append(" (").append(error).append(")");
      log::info(message, {{"command", kWho}});
    }
    const auto now = Clock::now();
    if (now >= deadline || stop_requested()) break;
    std::this_thread::sleep_for(std::min<Clock::duration>(delay, deadline - now));  // one last try at the deadline
    delay = std::min(delay * 2, std::chrono::milliseconds(5000));
  }
  throw std::runtime_error("clone: no backup server answered at " + where + " within " +
                           std::to_string(o.clone_timeout_s) + " s (last error: " + error +
                           "); is the previous pod running its sidecar?");
}

// Answers serve-backup's greeting with the proof that this pod holds the replication password.
void authenticate(const PodOptions& o, int sock) {
  const std::string where = o.peer_host + ":" + std::to_string(o.peer_port);
  if (o.credentials.repl_password.empty()) {
    throw std::runtime_error(
        "clone: no replication password (--repl-password-file, WEIR_REPL_PASSWORD_FILE or "
        "WEIR_REPL_PASSWORD): the backup server at " +
        where + " sends nothing without it");
  }
  std::array<std::uint8_t, kBackupGreetingSize> greeting{};
  const auto outcome = read_full(sock, greeting.data(), greeting.size(), kIdleTimeoutMs);
  if (outcome != ReadOutcome::complete) {
    throw std::runtime_error("clone: the backup server at " + where + " sent no authentication greeting (" +
                             (outcome == ReadOutcome::timed_out ? "nothing for 120 s" : "connection closed") + ")");
  }
  const auto nonce = parse_backup_greeting(greeting);
  if (!nonce) {
    throw std::runtime_error("clone: " + where +
                             " is not a weir backup server of this version (it did not start "
                             "with the authentication greeting)");
  }
  const BackupProof proof = backup_proof(o.credentials.repl_password, *nonce);
  if (!write_all(sock, proof.data(), proof.size())) {
    throw std::runtime_error("clone: the backup server at " + where +
                             " closed the connection during the authentication");
  }
}

// Reads the socket until EOF, hands the payload to the unpacker, checks the trailer.
std::uint64_t receive_stream(int sock, int unpacker_stdin, const ProgressFn& progress) {
  TrailerSplitter splitter;
  std::vector<std::uint8_t> buf(1 << 16);
  std::vector<std::uint8_t> payload;
  std::uint64_t received = 0;
  for (;;) {
    if (stop_requested()) throw std::runtime_error("clone: stopped");
    pollfd p{sock, POLLIN, 0};
    const int ready = poll(&p, 1, kIdleTimeoutMs);
    if (ready == 0) throw std::runtime_error("clone: the peer sent nothing for 120 s");
    if (ready < 0 && errno == EINTR) continue;
    const auto n = read(sock, buf.data(), buf.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw std::runtime_error("clone: reading the stream: " + std::string(std::strerror(errno)));
    if (n == 0) break;
    received += static_cast<std::uint64_t>(n);
    payload.clear();
    splitter.feed(std::span(buf.data(), static_cast<std::size_t>(n)), payload);
    if (!write_all(unpacker_stdin, payload.data(), payload.size())) {
      throw std::runtime_error("clone: the unpacker stopped reading (see its messages above)");
    }
    if (progress) progress(splitter.payload_bytes());
  }
  const auto end = splitter.finish();
  if (received == 0) {
    throw std::runtime_error(
        "clone: the backup server closed the connection without sending a backup: it refused "
        "the authentication (is the replication password the same on both pods? see the peer's "
        "sidecar log)");
  }
  if (!end) {
    throw std::runtime_error("clone: the stream ended after " + human_bytes(splitter.payload_bytes()) +
                             " without its end marker: the peer stopped mid-backup");
  }
  if (end->status != 0) {
    throw std::runtime_error("clone: the peer's backup tool failed (exit " + std::to_string(end->status) +
                             "); see the peer's sidecar log");
  }
  return end->bytes;
}

std::uint64_t receive_into(const PodOptions& o, const fs::path& incoming, const ProgressFn& progress) {
  Fd sock = connect_with_backoff(o);
  authenticate(o, sock.get());
  int pipe_fds[2];
  if (pipe2(pipe_fds, O_CLOEXEC) != 0) throw std::runtime_error("clone: pipe: " + std::string(std::strerror(errno)));
  Fd read_end(pipe_fds[0]);
  Fd write_end(pipe_fds[1]);
  const auto unpack = unpack_command(o.flavour, incoming.string());
  process::SpawnOptions spawn_options;
  spawn_options.stdin_fd = read_end.get();
  spawn_options.stdout_fd = o.tool_log_fd >= 0 ? o.tool_log_fd : 2;
  spawn_options.stderr_fd = o.tool_log_fd;
  process::Child unpacker = process::Child::spawn(unpack, spawn_options);
  read_end.reset();
  std::uint64_t bytes = 0;
  try {
    bytes = receive_stream(sock.get(), write_end.get(), progress);
  } catch (...) {
    write_end.reset();
    unpacker.terminate(std::chrono::seconds(5));
    throw;
  }
  write_end.reset();
  if (const int rc = unpacker.wait(); rc != 0) {
    throw std::runtime_error("clone: '" + join_command(unpack) + "' failed with exit " + std::to_string(rc));
  }
  return bytes;
}

// Moves the prepared files up into the data dir; the `mysql` schema goes last because its
// presence is what marks the data dir as holding data.
void move_into_place(const fs::path& incoming, const fs::path& data_dir) {
  std::vector<fs::path> entries;
  for (const auto& entry : fs::directory_iterator(incoming)) entries.push_back(entry.path());
  std::stable_partition(entries.begin(), entries.end(), [](const fs::path& p) { return p.filename() != "mysql"; });
  for (const auto& from : entries) fs::rename(from, data_dir / from.filename());
  fs::remove(incoming);
}

}  // namespace

bool has_data(const std::string& data_dir) { return fs::is_directory(fs::path(data_dir) / "mysql"); }

bool run_clone(const PodOptions& o, const ProgressFn& progress) {
  if (has_data(o.data_dir)) {
    log::info("data already present in " + o.data_dir + ": skipping the clone", {{"command", kWho}});
    return false;
  }
  if (o.ordinal == 0) {
    log::info("ordinal 0 is the primary: nothing to clone", {{"command", kWho}});
    return false;
  }
  const fs::path incoming = fs::path(o.data_dir) / kIncoming;
  fs::remove_all(incoming);
  fs::create_directories(incoming);
  try {
    const auto start = Clock::now();
    const std::uint64_t bytes = receive_into(o, incoming, progress);
    const double received_s = seconds_since(start);
    const auto prepare = prepare_command(o.flavour, incoming.string());
    const auto prepare_start = Clock::now();
    process::SpawnOptions to_stderr;
    to_stderr.stdout_fd = o.tool_log_fd >= 0 ? o.tool_log_fd : 2;  // stdout stays the step's own
    to_stderr.stderr_fd = o.tool_log_fd;
    const int rc = process::run(prepare, to_stderr);
    if (rc != 0) {
      throw std::runtime_error("clone: '" + join_command(prepare) + "' failed with exit " + std::to_string(rc) +
                               tool_log_hint(o));
    }
    move_into_place(incoming, o.data_dir);
    log::info("received " + human_bytes(bytes) + " from " + o.peer_host + ":" + std::to_string(o.peer_port) + " in " +
                  seconds_text(received_s) + ", prepared in " + seconds_text(seconds_since(prepare_start)),
              {{"command", kWho}});
  } catch (...) {
    std::error_code ec;
    fs::remove_all(incoming, ec);  // never leave half a clone behind
    throw;
  }
  return true;
}

}  // namespace weir::pod
