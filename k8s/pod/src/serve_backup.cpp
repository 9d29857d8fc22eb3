// `weir pod serve-backup`: the sidecar's `ncat --listen --max-conns=1 3307 -c "xtrabackup --backup
// ..."`, with the byte count, the duration and the tool's status logged and sent as a trailer, and
// sent only to a peer that proves it holds the replication password (backup_auth.hpp).
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <optional>
#include <stdexcept>
#include <vector>

#include "log/log.hpp"
#include "process/child.hpp"
#include "weir/pod/backup_auth.hpp"
#include "weir/pod/command_line.hpp"
#include "weir/pod/net.hpp"
#include "weir/pod/private_file.hpp"
#include "weir/pod/steps.hpp"
#include "weir/pod/stop_signal.hpp"
#include "weir/pod/stream_trailer.hpp"

namespace weir::pod {
namespace {

constexpr const char* kWho = "weir pod serve-backup";
// A peer has this long to answer the greeting; one client is served at a time, so a silent one
// must not hold the port.
constexpr int kProofTimeoutMs = 10'000;

std::string peer_name(const sockaddr_in& addr) {
  char ip[INET_ADDRSTRLEN] = "?";
  inet_ntop(AF_INET, &addr.sin_addr, ip, sizeof ip);
  return std::string(ip) + ":" + std::to_string(ntohs(addr.sin_port));
}

// Copies the tool's stdout to the client; false when the client went away.
bool relay(int from, int to, std::uint64_t& bytes) {
  std::vector<char> buf(1 << 16);
  for (;;) {
    const auto n = read(from, buf.data(), buf.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return true;
    if (!write_all(to, buf.data(), static_cast<std::size_t>(n))) return false;
    bytes += static_cast<std::uint64_t>(n);
  }
}

// Sends the greeting and checks the answer; on failure logs why, naming the peer.
bool peer_authenticated(const PodOptions& o, int client, const std::string& who) {
  const BackupNonce nonce = make_backup_nonce();
  const auto greeting = encode_backup_greeting(nonce);
  if (!write_all(client, greeting.data(), greeting.size())) {
    log::warn("refused a backup to " + who + ": it went away before the authentication", {{"command", kWho}});
    return false;
  }
  BackupProof proof{};
  switch (read_full(client, proof.data(), proof.size(), kProofTimeoutMs)) {
    case ReadOutcome::complete: break;
    case ReadOutcome::timed_out:
      log::warn(
          "refused a backup to " + who + ": no authentication within " + std::to_string(kProofTimeoutMs / 1000) + " s",
          {{"command", kWho}});
      return false;
    case ReadOutcome::closed:
    case ReadOutcome::failed:
      log::warn("refused a backup to " + who + ": the connection ended before its authentication", {{"command", kWho}});
      return false;
  }
  if (!backup_proof_matches(o.credentials.repl_password, nonce, proof)) {
    log::warn(
        "refused a backup to " + who + ": wrong authentication (it does not hold this cluster's replication password)",
        {{"command", kWho}});
    return false;
  }
  return true;
}

void serve_one(const PodOptions& o, int client, const std::string& who) {
  if (!peer_authenticated(o, client, who)) return;
  std::optional<PasswordOptionFile> password_file;
  if (!o.credentials.root_password.empty()) password_file.emplace(o.credentials.root_password, o.defaults_file);
  BackupSource source{"127.0.0.1", o.port, o.credentials.root_user, password_file ? password_file->path() : "",
                      o.defaults_file};
  const auto cmd = backup_command(o.flavour, source);
  int pipe_fds[2];
  if (pipe2(pipe_fds, O_CLOEXEC) != 0)
    throw std::runtime_error("serve-backup: pipe: " + std::string(std::strerror(errno)));
  Fd read_end(pipe_fds[0]);
  Fd write_end(pipe_fds[1]);
  log::info("sending a backup to " + who + ": " + join_command(cmd), {{"command", kWho}});
  const auto start = std::chrono::steady_clock::now();
  process::SpawnOptions spawn_options;
  spawn_options.stdout_fd = write_end.get();
  process::Child tool = process::Child::spawn(cmd, spawn_options);
  write_end.reset();
  std::uint64_t bytes = 0;
  if (!relay(read_end.get(), client, bytes)) {
    tool.terminate(std::chrono::seconds(5));
    log::info(who + " went away after " + human_bytes(bytes) + "; backup abandoned", {{"command", kWho}});
    return;
  }
  const int rc = tool.wait();
  const auto trailer = encode_trailer({bytes, static_cast<std::uint8_t>(rc > 255 ? 255 : rc)});
  write_all(client, trailer.data(), trailer.size());
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  char line[160];
  std::snprintf(line, sizeof line, "sent %s to %s in %.1f s (backup tool exit %d)", human_bytes(bytes).c_str(),
                who.c_str(), secs, rc);
  log::info(line, {{"command", kWho}});
}

}  // namespace

void run_serve_backup(const PodOptions& o) {
  if (o.credentials.repl_password.empty()) {
    throw std::runtime_error(
        "serve-backup: no replication password (--repl-password-file, WEIR_REPL_PASSWORD_FILE "
        "or WEIR_REPL_PASSWORD): a backup is sent only to a peer that proves it holds it");
  }
  Fd listener = listen_tcp(o.backup_bind, o.backup_port);
  log::info("listening on " + o.backup_bind + ":" + std::to_string(o.backup_port) + " (one client at a time)",
            {{"command", kWho}});
  while (!stop_requested()) {
    pollfd p{listener.get(), POLLIN, 0};
    if (poll(&p, 1, 500) <= 0) continue;
    sockaddr_in addr{};
    socklen_t len = sizeof addr;
    Fd client(accept4(listener.get(), reinterpret_cast<sockaddr*>(&addr), &len, SOCK_CLOEXEC));
    if (!client) continue;
    serve_one(o, client.get(), peer_name(addr));
  }
  log::info("stopping", {{"command", kWho}});
}

}  // namespace weir::pod
