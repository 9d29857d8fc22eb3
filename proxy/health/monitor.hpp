#pragma once
// The health monitor: every monitor.check_interval it checks every discovered backend over one
// kept connection each (read_only, GTID position, replication threads, heartbeat row), decides
// which replicas may take reads (replica_policy) and publishes a new immutable Topology.
//
// Three threads. The check thread runs the rounds. The heartbeat thread writes weir's heartbeat
// row on the primary every heartbeat.interval over its own connection: a slow or hung replica
// delays a round (each step is bounded by a deadline) but never a heartbeat, so the lag it
// measures stays exact. The discovery thread keeps the backend list current: a DNS lookup that
// hangs for seconds must not stop the checks of the backends already known.
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "health/discovery.hpp"
#include "health/heartbeat_lag.hpp"
#include "health/probe.hpp"
#include "health/topology.hpp"
#include "plan/replica_policy.hpp"
#include "weir/config/config.hpp"

namespace weir::health {

class Monitor {
 public:
  using Publish = std::function<void(std::shared_ptr<const Topology>)>;

  // `publish` is called on the check thread after every round (it must not call stop());
  // `reports` must outlive the monitor.
  Monitor(std::shared_ptr<const config::Config> config, Publish publish, FailureReports& reports);
  ~Monitor();  // stop()
  Monitor(const Monitor&) = delete;
  Monitor& operator=(const Monitor&) = delete;

  void start();
  void stop();  // joins the threads, closes the connections; idempotent
  // A reloaded configuration (SIGHUP): backends, credentials, intervals and the routing policy
  // take effect at the next round. Thread-safe. Returns a ticket for wait_applied.
  std::uint64_t reconfigure(std::shared_ptr<const config::Config> config);
  // True once a round checked with the configuration of `ticket` (or a later one) has been
  // published; false when `timeout` passes first or the monitor stops.
  bool wait_applied(std::uint64_t ticket, std::chrono::milliseconds timeout);
  // True once a snapshot has been published (at once if one was).
  bool wait_first_round(std::chrono::milliseconds timeout);

  // The last published snapshot (nullptr before the first round). Thread-safe.
  std::shared_ptr<const Topology> latest() const;
  // This weir's key in the heartbeat table: host name + ":" + listen port (stable across restarts,
  // distinct for several weir processes on one host).
  const std::string& instance_id() const { return instance_id_; }
  static std::string default_instance_id(const config::Config& config);

 private:
  struct BackendState {
    DiscoveredBackend info;
    sqlclient::Connection connection;
    plan::ReplicaUsability usability;
    std::shared_ptr<BackendLoad> load = std::make_shared<BackendLoad>();
    std::optional<bool> reachable;  // as last logged
  };

  void check_loop();
  void heartbeat_loop();
  void discovery_loop();
  // One heartbeat write (creating the table first when needed); false when it failed.
  bool write_heartbeat(sqlclient::Connection& connection, std::optional<HeartbeatTable>& created,
                       const DiscoveredBackend& primary, const config::Config& config);
  // The discovery thread's latest list, once it matches `config` (or after a short wait, the
  // previous one). nullopt when stopping.
  std::optional<std::vector<DiscoveredBackend>> current_backends(const config::Config& config);
  // `generation`: the check thread's view of generation_, advanced when the round itself bumps it.
  void round(const std::shared_ptr<const config::Config>& config, std::uint64_t serial, std::uint64_t& generation);
  void share_primary(const std::vector<DiscoveredBackend>& backends, std::uint64_t& generation);
  void drop_unlisted(const std::vector<DiscoveredBackend>& backends);
  void apply_failure_reports(std::chrono::steady_clock::time_point now);
  bool heartbeat_trusted(const config::Config& config, std::chrono::steady_clock::time_point now);
  BackendStatus check_backend(BackendState& state, const config::Config& config, const plan::ReplicaPolicy& policy,
                              bool heartbeat_trusted, bool& tracks_last_gtid);
  void check_primary(BackendState& state, const config::Config& config, BackendStatus& s, bool& tracks_last_gtid);
  void check_replica(BackendState& state, const config::Config& config, const plan::ReplicaPolicy& policy,
                     bool heartbeat_trusted, BackendStatus& s);
  std::optional<std::chrono::microseconds> replica_lag(const Probe& probe, bool heartbeat_trusted);
  // Sleeps until `until`, a stop, or a new configuration; false on stop.
  bool sleep_until(std::chrono::steady_clock::time_point until, std::uint64_t& generation);
  // The configuration to use now, its generation and its serial; nullptr once stopping.
  std::shared_ptr<const config::Config> current_config(std::uint64_t& generation,
                                                       std::uint64_t* serial = nullptr) const;

  std::string instance_id_;
  Publish publish_;
  FailureReports& reports_;

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::shared_ptr<const config::Config> config_;
  std::uint64_t generation_ = 0;        // grows with every new configuration and every new primary
  std::uint64_t config_serial_ = 0;     // grows with every reconfigure()
  std::uint64_t published_serial_ = 0;  // the serial of the configuration of the latest snapshot
  bool stopping_ = false;
  bool started_ = false;
  std::shared_ptr<const Topology> latest_;
  std::optional<DiscoveredBackend> primary_;                  // for the heartbeat thread
  std::optional<std::vector<DiscoveredBackend>> discovered_;  // from the discovery thread
  std::optional<config::BackendsConfig> discovered_for_;      // the settings it was found with

  // Heartbeat thread -> check thread.
  mutable std::mutex heartbeat_mutex_;
  HeartbeatLag written_;
  std::optional<std::chrono::steady_clock::time_point> last_heartbeat_ok_;

  // Check thread only.
  std::shared_ptr<const config::Config> connections_config_;  // credentials the connections use
  std::map<std::string, BackendState> states_;
  std::uint64_t version_ = 0;
  bool heartbeat_trusted_ = false;
  bool primary_down_ = false;  // the primary's check of this round failed (checked before the replicas)

  std::thread check_thread_;
  std::thread heartbeat_thread_;
  std::thread discovery_thread_;
};

}  // namespace weir::health
