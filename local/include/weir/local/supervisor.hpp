#pragma once
// `weir up`'s long-running part: brings nodes up in order (node n only once n-1 is ready, as the
// StatefulSet controller does), then acts like a kubelet: restarts a server or sidecar that died,
// on the same data, until Ctrl+C or `weir down`. `weir scale` reaches it with SIGHUP. A component
// that fails CrashLoop::kMaxFailures times within CrashLoop::kWindow is given up: the end of its
// log is printed, everything is stopped and `weir up` exits 1.
#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "process/child.hpp"
#include "weir/local/context.hpp"
#include "weir/local/crash_loop.hpp"
#include "weir/local/node.hpp"
#include "weir/local/state.hpp"

namespace weir::local {

class Supervisor {
 public:
  explicit Supervisor(Context ctx) : ctx_(std::move(ctx)) {}
  ~Supervisor();
  Supervisor(const Supervisor&) = delete;
  Supervisor& operator=(const Supervisor&) = delete;

  int run();  // the exit code of `weir up`

 private:
  void scale_to(int replicas, bool delete_data);
  void reap_and_restart();
  void restart_proxy_when_due();
  void handle_scale_request();
  void stop_all();
  // Counts a failure of `component`; true (and gave_up_ set) when it is one too many.
  bool failed(const std::string& component, const std::filesystem::path& log);
  int give_up();
  void save_state();
  void print_summary() const;
  void print_endpoints() const;
  std::vector<NodeState> node_states() const;

  Context ctx_;
  std::vector<std::unique_ptr<Node>> nodes_;
  process::Child proxy_;
  bool proxy_wanted_ = false;  // this build has a proxy: keep it running
  std::chrono::steady_clock::time_point proxy_restart_at_{};
  State state_;
  std::map<std::string, CrashLoop> crash_loops_;  // per component: "proxy", "node-1 server", ...
  std::string gave_up_;                           // why weir up stops on its own, with the log's end
};

// SIGHUP sets this flag (a scale request waits in scale-request.json).
void install_scale_signal();

}  // namespace weir::local
