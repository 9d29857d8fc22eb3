#pragma once
// The operations of the built-in deployer on a cluster: apply (server-side, field manager weir),
// wait for the database pods in order and then the proxy, scale, status, teardown.
#include <chrono>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "weir/deployer/kube.hpp"
#include "weir/manifests/manifests.hpp"

namespace weir::deployer {

inline constexpr std::string_view kFieldManager = "weir";
// Objects with this annotation set to "true" are created when missing and never overwritten.
using manifests::kCreateOnlyAnnotation;

// The deployer applies the objects k8s/manifests builds; `body` is the whole object (apiVersion,
// kind and metadata are filled from the other fields when missing).
using manifests::Object;

// Carries kCreateOnlyAnnotation: "true".
bool is_create_only(const Object& object);

// One line per event: "applied StatefulSet default/mysql (created)", "mysql-1: ready (2/3)".
using Progress = std::function<void(const std::string& line)>;

enum class Outcome { created, configured, unchanged, skipped, failed, not_attempted };
std::string_view to_string(Outcome outcome);

struct [[nodiscard]] ObjectResult {
  std::string object;  // "StatefulSet default/mysql"
  Outcome outcome = Outcome::not_attempted;
  std::string detail;  // why skipped / failed
};

struct ApplyOptions {
  bool wait = true;                                          // wait for the pods (false: apply only)
  std::chrono::seconds timeout = std::chrono::seconds(600);  // for the whole wait
  std::chrono::milliseconds poll = std::chrono::milliseconds(1000);
  bool dry_run = false;  // server-side dry run (dryRun=All)
};

struct ApplyReport {
  std::vector<ObjectResult> objects;  // in order; after a failure the rest are not_attempted
  std::optional<Error> error;         // the first failure (apply or wait)
  bool ok() const { return !error; }
  // "applied 8 (created 3, configured 1, unchanged 4), skipped 1, failed: StatefulSet default/mysql: ..."
  std::string summary() const;
};

// Applies `objects` in order with server-side apply (fieldManager=weir, force=true). Objects of a
// CRD that is not installed (ServiceMonitor without the Prometheus operator) are skipped with a
// message; any other failure stops the run and the report says which objects were applied and
// which were not. Then, with `wait`, the StatefulSets' pods must become ready in ordinal order,
// then the Deployments.
ApplyReport apply_objects(std::span<const Object> objects, Client& client, const Progress& progress,
                          const ApplyOptions& options = {});

// Sets the StatefulSet's spec.replicas through its scale subresource.
Result<Done> scale_statefulset(Client& client, std::string_view namespace_name, std::string_view name, int replicas);

struct PodStatus {
  std::string name;
  int ordinal = -1;
  std::string role;   // "primary" (ordinal 0) or "replica"
  std::string phase;  // Pending, Running, ...
  bool ready = false;
  std::optional<double> lag_seconds;  // from the proxy's /backends
};

struct ClusterStatus {
  std::string statefulset;
  int desired = 0;
  int ready = 0;
  std::vector<PodStatus> pods;
  std::string proxy;  // Deployment name
  int proxy_desired = 0;
  int proxy_ready = 0;
  std::string lag_note;  // why lag is unknown, when it is
};

// The StatefulSet `statefulset` and its pods, the proxy Deployment `proxy`, and the lag each
// backend has according to the proxy's /backends, reached through the API server's service proxy
// at services/`admin_service` ("<service>:<port name>"; empty: "<proxy>-admin:admin").
Result<ClusterStatus> cluster_status(Client& client, std::string_view namespace_name, std::string_view statefulset,
                                     std::string_view proxy, std::string_view admin_service = {});
std::string format_status(const ClusterStatus& status);

struct TeardownReport {
  std::vector<ObjectResult> objects;  // deleted (configured = deleted, unchanged = was absent)
  std::vector<std::string> pvcs;      // PersistentVolumeClaims deleted
  std::optional<Error> error;
  bool ok() const { return !error; }
};

// Deletes `objects` in reverse order (absent ones are fine), and with `delete_pvcs` the
// PersistentVolumeClaims of their StatefulSets' volumeClaimTemplates. Without it the claims are
// kept (as on scale-down) and so are the create-only objects (the Secret whose passwords the kept
// data needs): those are reported as skipped.
TeardownReport teardown_objects(std::span<const Object> objects, Client& client, const Progress& progress,
                                bool delete_pvcs);

}  // namespace weir::deployer
