#pragma once
// One node of the local topology, driven like a pod: init -> clone -> server -> sidecar, using
// the same `weir pod` steps Kubernetes runs. The server and the sidecar are child processes.
#include <sys/types.h>

#include <chrono>

#include "process/child.hpp"
#include "weir/local/context.hpp"
#include "weir/local/state.hpp"
#include "weir/pod/pod_options.hpp"

namespace weir::local {

class Node {
 public:
  Node(const Context& ctx, int ordinal);

  // Brings the node up; returns once it is ready (a replica: replicating). Throws on failure,
  // leaving nothing of this node running.
  void bring_up();
  // After the server died: start it again on the same data (no clone) and wait until ready.
  void restart_server();
  // A sidecar that keeps failing is started again at most every 5 s (a crash-loop back-off).
  void restart_sidecar_when_due();
  // Stops the sidecar, then the server (SIGTERM: a clean shutdown).
  void stop();

  // The supervisor reaps children; it tells the node which of its processes ended.
  bool owns(pid_t pid) const { return pid > 0 && (pid == server_.pid() || pid == sidecar_.pid()); }
  void on_exit(pid_t pid);
  bool server_down() const { return server_.pid() <= 0; }
  bool sidecar_down() const { return sidecar_.pid() <= 0; }

  int ordinal() const { return ordinal_; }
  NodeState state() const;

 private:
  pod::PodOptions pod_options() const;
  void check_ports() const;
  void prepare_data(bool& first_boot);
  void initialize_primary_data();
  void clone_from_peer();
  void start_server(bool first_boot);
  void wait_ready(bool require_replication, std::chrono::seconds timeout);
  void start_sidecar();
  void wait_backup_port(std::chrono::seconds timeout);

  const Context& ctx_;
  int ordinal_;
  NodePorts ports_;
  process::Child server_;
  process::Child sidecar_;
  int restarts_ = 0;
  std::chrono::steady_clock::time_point sidecar_started_{};
};

}  // namespace weir::local
