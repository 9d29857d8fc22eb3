// `weir pod sidecar`: the tutorial's xtrabackup container. Replication is configured from the
// clone's coordinates exactly once: the info files are removed and a marker written only after
// START SLAVE succeeded, so a restarted sidecar does not redo it.
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "log/log.hpp"
#include "weir/pod/change_master.hpp"
#include "weir/pod/steps.hpp"

namespace weir::pod {
namespace {

namespace fs = std::filesystem;
constexpr const char* kWho = "weir pod sidecar";
constexpr const char* kMarker = "weir_replication_configured";

std::optional<std::string> read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

bool already_configured(const PodOptions& o) {
  // The marker names its node: a clone copied from a peer that has one must not count.
  auto text = read_text(fs::path(o.data_dir) / kMarker);
  return text && *text == "ordinal=" + std::to_string(o.ordinal) + "\n";
}

void ensure_replication_user(const PodOptions& o) {
  auto conn = wait_for_server(local_root(o), std::chrono::hours(24 * 365), kWho);
  if (!conn) throw std::runtime_error("sidecar: stopped while waiting for the local server");
  for (const auto& sql : replication_user_statements(o.credentials.repl_user, o.credentials.repl_password)) {
    if (!conn->execute(sql)) {
      throw std::runtime_error("sidecar: creating the replication user: " + conn->error().describe());
    }
  }
  log::info("replication account '" + o.credentials.repl_user + "' is present on the primary", {{"command", kWho}});
}

void start_replication(const PodOptions& o, const FoundCoordinates& found) {
  auto conn = wait_for_server(local_root(o), std::chrono::hours(24 * 365), kWho);
  if (!conn) throw std::runtime_error("sidecar: stopped while waiting for the local server");
  ReplicationSource source{o.primary_host, o.primary_port, o.credentials.repl_user, o.credentials.repl_password};
  for (const auto& sql : change_master_statements(o.flavour, found.at, source)) {
    if (!conn->execute(sql)) {
      // The statement itself may hold a password: the message names only its start and the error.
      sqlclient::Error error = conn->error();
      error.operation = "'" + sql.substr(0, sql.find("MASTER_PASSWORD")) + "...'";
      throw std::runtime_error("sidecar: " + error.describe());
    }
  }
  std::error_code ec;
  for (auto names : {slave_info_files(), binlog_info_files()}) {
    for (auto name : names) fs::remove(fs::path(o.data_dir) / name, ec);
  }
  std::ofstream(fs::path(o.data_dir) / kMarker) << "ordinal=" << o.ordinal << "\n";
  log::info("replicating from " + o.primary_host + ":" + std::to_string(o.primary_port) + " starting at " +
                (found.at.gtid ? "GTID '" + *found.at.gtid + "'"
                               : found.at.log_file + ":" + std::to_string(found.at.log_pos.value_or(0))) +
                " (from " + found.file + ")",
            {{"command", kWho}});
}

}  // namespace

std::optional<FoundCoordinates> find_coordinates(const std::string& data_dir) {
  // A clone from a replica carries the primary's coordinates in slave_info; binlog_info would be
  // the replica's own log (or a stale copy) and is ignored then, as in the tutorial.
  for (auto name : slave_info_files()) {
    auto text = read_text(fs::path(data_dir) / name);
    if (!text || text->find_first_not_of(" \t\r\n") == std::string::npos) continue;
    auto at = parse_slave_info(*text);
    if (!at)
      throw std::runtime_error("sidecar: cannot read replication coordinates from " + std::string(name) + ": '" +
                               *text + "'");
    return FoundCoordinates{*at, std::string(name)};
  }
  for (auto name : binlog_info_files()) {
    auto text = read_text(fs::path(data_dir) / name);
    if (!text) continue;
    auto at = parse_binlog_info(*text);
    if (!at)
      throw std::runtime_error("sidecar: cannot read replication coordinates from " + std::string(name) + ": '" +
                               *text + "'");
    return FoundCoordinates{*at, std::string(name)};
  }
  return std::nullopt;
}

void run_sidecar(const PodOptions& o) {
  if (o.ordinal == 0) {
    ensure_replication_user(o);
  } else if (already_configured(o)) {
    log::info("replication was configured before: leaving it as it is", {{"command", kWho}});
  } else if (auto found = find_coordinates(o.data_dir)) {
    start_replication(o, *found);
  } else {
    log::info("no clone coordinates in " + o.data_dir + ": replication left as it is", {{"command", kWho}});
  }
  run_serve_backup(o);
}

}  // namespace weir::pod
