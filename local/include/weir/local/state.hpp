#pragma once
// state.json: what `weir up` runs, for `weir status | scale | down` (and for stale-pid checks).
#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace weir::local {

struct NodeState {
  int ordinal = 0;
  std::uint16_t port = 0;
  std::uint16_t backup_port = 0;
  pid_t server_pid = 0;  // 0: not running
  pid_t sidecar_pid = 0;
  int restarts = 0;  // servers restarted by the supervisor after they died

  bool operator==(const NodeState&) const = default;
};

struct State {
  pid_t supervisor_pid = 0;  // the `weir up` process; 0 once it stopped
  pid_t proxy_pid = 0;
  std::uint16_t base_port = 0;
  std::uint16_t proxy_port = 0;
  int replicas = 0;                   // nodes running now
  int desired = 0;                    // nodes wanted (differs from replicas while scaling)
  std::uint64_t handled_request = 0;  // id of the last scale request the supervisor finished
  std::string last_error;             // why the last scale failed, if it did
  std::vector<NodeState> nodes;

  bool operator==(const State&) const = default;
};

struct ScaleRequest {
  std::uint64_t id = 0;
  int replicas = 0;
  bool delete_data = false;

  bool operator==(const ScaleRequest&) const = default;
};

std::string to_json(const State& state);
std::optional<State> state_from_json(const std::string& text, std::string& error);
std::string to_json(const ScaleRequest& request);
std::optional<ScaleRequest> scale_request_from_json(const std::string& text, std::string& error);

// File access: written to a temporary name and renamed, so readers never see half a file.
void write_file_atomically(const std::filesystem::path& path, const std::string& content);
// The last `lines` lines of a text file (a log), "" when it cannot be read.
std::string file_tail(const std::filesystem::path& path, std::size_t lines);
std::optional<std::string> read_file(const std::filesystem::path& path);
// nullopt when the file does not exist; throws when it exists but cannot be parsed.
std::optional<State> load_state(const std::filesystem::path& path);

}  // namespace weir::local
