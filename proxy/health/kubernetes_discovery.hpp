#pragma once
// Discovery `kubernetes`: the EndpointSlices of a headless Service, listed and then watched through
// the Kubernetes API on a thread of its own, so that a pod turning ready or unready, or a pod
// coming or going, changes the list within one check interval and without any restart.
#include <condition_variable>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "health/discovery.hpp"
#include "weir/config/config.hpp"

namespace weir::kube {
class Client;
}

namespace weir::health {

class KubernetesDiscovery final : public Discovery {
 public:
  explicit KubernetesDiscovery(config::KubernetesDiscovery settings);
  ~KubernetesDiscovery() override;
  KubernetesDiscovery(const KubernetesDiscovery&) = delete;
  KubernetesDiscovery& operator=(const KubernetesDiscovery&) = delete;

  // The latest list. The first call waits up to 5 s for the first answer of the API.
  std::vector<DiscoveredBackend> backends(std::chrono::steady_clock::time_point now) override;
  std::string last_error() const override;

 private:
  void run();
  // One list, then watch until the stream fails or ends; false when stopping.
  bool list_and_watch(kube::Client& client, const std::string& path);
  void apply_event(const nlohmann::json& event, bool& relist);
  void publish();
  void fail(std::string error);
  bool wait_for_stop(std::chrono::milliseconds delay);

  const config::KubernetesDiscovery settings_;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  bool stopping_ = false;
  bool answered_ = false;  // a list or an error came
  std::string error_;
  std::vector<DiscoveredBackend> backends_;
  std::optional<DiscoveredBackend> last_primary_;
  // Touched by the watch thread only.
  std::map<std::string, nlohmann::json> slices_;  // by the slice's name
  std::string resource_version_;
  std::thread thread_;
};

}  // namespace weir::health
