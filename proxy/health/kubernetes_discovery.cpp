#include "health/kubernetes_discovery.hpp"

#include <algorithm>

#include "health/endpoint_slices.hpp"
#include "log/log.hpp"
#include "weir/kube/client.hpp"
#include "weir/kube/kubeconfig.hpp"

namespace weir::health {

namespace {

using nlohmann::json;
using namespace std::chrono_literals;

constexpr auto kRetryFirst = 500ms;
constexpr auto kRetryMost = 10s;
// The server ends a watch after this long (we start the next one from the same version); no byte
// for longer than that plus a margin means the connection is dead.
constexpr int kWatchSeconds = 240;
constexpr auto kIdleLimit = std::chrono::seconds(kWatchSeconds + 30);

std::string slice_name(const json& object) {
  if (!object.is_object() || !object.contains("metadata") || !object["metadata"].is_object()) return {};
  return object["metadata"].value("name", "");
}

std::string resource_version(const json& object) {
  if (!object.is_object() || !object.contains("metadata") || !object["metadata"].is_object()) return {};
  return object["metadata"].value("resourceVersion", "");
}

}  // namespace

KubernetesDiscovery::KubernetesDiscovery(config::KubernetesDiscovery settings)
    : settings_(std::move(settings)), thread_([this] { run(); }) {}

KubernetesDiscovery::~KubernetesDiscovery() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  thread_.join();
}

std::vector<DiscoveredBackend> KubernetesDiscovery::backends(std::chrono::steady_clock::time_point) {
  std::unique_lock lock(mutex_);
  changed_.wait_for(lock, 5s, [&] { return answered_ || stopping_; });
  return backends_;
}

std::string KubernetesDiscovery::last_error() const {
  std::lock_guard lock(mutex_);
  return error_;
}

bool KubernetesDiscovery::wait_for_stop(std::chrono::milliseconds delay) {
  std::unique_lock lock(mutex_);
  return changed_.wait_for(lock, delay, [&] { return stopping_; });
}

void KubernetesDiscovery::fail(std::string error) {
  {
    std::lock_guard lock(mutex_);
    error_ = "kubernetes discovery of service " + settings_.service + ": " + std::move(error);
    answered_ = true;
  }
  changed_.notify_all();
}

void KubernetesDiscovery::publish() {
  std::vector<SliceEndpoint> endpoints;
  for (const auto& [name, slice] : slices_) {
    auto some = endpoints_of_slice(slice, settings_);
    endpoints.insert(endpoints.end(), some.begin(), some.end());
  }
  {
    std::lock_guard lock(mutex_);
    backends_ = backends_from_endpoints(endpoints, settings_, last_primary_);
    if (!backends_.empty() && backends_.front().role == config::Role::primary) last_primary_ = backends_.front();
    error_.clear();
    answered_ = true;
  }
  changed_.notify_all();
}

void KubernetesDiscovery::run() {
  auto retry = std::chrono::milliseconds(kRetryFirst);
  while (true) {
    {
      std::lock_guard lock(mutex_);
      if (stopping_) return;
    }
    // Read the configuration each time: a rotated service-account CA or a fixed kubeconfig counts.
    auto cluster = settings_.kubeconfig.empty() ? kube::resolve_cluster_config({}, settings_.context)
                                                : kube::load_kubeconfig(settings_.kubeconfig, settings_.context);
    if (!cluster) {
      fail(cluster.error().to_string());
    } else {
      const std::string ns = settings_.namespace_name.empty() ? cluster->namespace_name : settings_.namespace_name;
      const std::string path = "/apis/discovery.k8s.io/v1/namespaces/" + ns +
                               "/endpointslices?labelSelector=kubernetes.io%2Fservice-name%3D" + settings_.service;
      auto client = kube::Client::create(std::move(*cluster), 10s);
      if (!client) {
        fail(client.error().to_string());
      } else {
        if (!list_and_watch(*client, path)) return;
        retry = kRetryFirst;  // it worked for a while: the next failure starts the back-off anew
      }
    }
    if (wait_for_stop(retry)) return;
    retry = std::min<std::chrono::milliseconds>(retry * 2, kRetryMost);
  }
}

bool KubernetesDiscovery::list_and_watch(kube::Client& client, const std::string& path) {
  const std::string object = "EndpointSlices of Service " + settings_.service;
  auto list = client.get(path, object);
  if (!list) {
    fail(list.error().to_string());
    return true;
  }
  slices_.clear();
  if (list->contains("items") && (*list)["items"].is_array()) {
    for (auto& item : (*list)["items"]) {
      const auto name = slice_name(item);
      if (!name.empty()) slices_[name] = std::move(item);
    }
  }
  resource_version_ = resource_version(*list);
  publish();

  const auto stop = [this] {
    std::lock_guard lock(mutex_);
    return stopping_;
  };
  while (!stop()) {
    bool relist = false;
    const std::string watch = path +
                              "&watch=1&allowWatchBookmarks=true&timeoutSeconds=" + std::to_string(kWatchSeconds) +
                              "&resourceVersion=" + resource_version_;
    auto done = client.watch(
        watch, [&](const json& event) { apply_event(event, relist); }, [&] { return relist || stop(); }, kIdleLimit);
    if (!done) {
      auto error = done.error();
      error.object = object;
      fail(error.to_string());
      return true;
    }
    if (relist) return true;  // the version is too old (410 Gone) or the server said ERROR: list again
  }
  return false;
}

void KubernetesDiscovery::apply_event(const json& event, bool& relist) {
  const std::string type = event.is_object() ? event.value("type", "") : "";
  const json& object = event.is_object() && event.contains("object") ? event["object"] : json();
  if (type == "ERROR") {
    // Usually 410 Gone: the resourceVersion we watch from was compacted away.
    relist = true;
    return;
  }
  if (const auto version = resource_version(object); !version.empty()) resource_version_ = version;
  if (type == "BOOKMARK") return;
  const auto name = slice_name(object);
  if (name.empty()) return;
  if (type == "DELETED") {
    slices_.erase(name);
  } else if (type == "ADDED" || type == "MODIFIED") {
    slices_[name] = object;
  } else {
    return;
  }
  publish();
}

}  // namespace weir::health
