// apply_objects: server-side apply in order, then the wait for the pods.
#include <thread>

#include "weir/deployer/deployer.hpp"
#include "weir/deployer/resources.hpp"

namespace weir::deployer {
namespace {

using nlohmann::json;

std::string dry_run_query(const ApplyOptions& options) { return options.dry_run ? "&dryRun=All" : ""; }

// The body as the API must see it: apiVersion, kind, metadata.name/namespace from the fields.
json apply_body(const Object& o, const Resource& r) {
  json body = o.body.is_object() ? o.body : json::object();
  body["apiVersion"] = o.api_version;
  body["kind"] = o.kind;
  body["metadata"]["name"] = o.name;
  if (r.namespaced) body["metadata"]["namespace"] = o.namespace_name;
  // Fields the server owns would make the apply claim them; an object read back and applied
  // again must not carry them.
  for (const char* key : {"resourceVersion", "uid", "managedFields", "creationTimestamp", "generation"}) {
    body["metadata"].erase(key);
  }
  body.erase("status");
  return body;
}

// Is the resource served? A missing CRD answers 404 on the collection, with a Status whose
// details do not name the object (the collection itself is unknown).
bool resource_missing(Client& client, const Resource& r, const std::string& ns) {
  auto res = client.request("GET", collection_path(r, ns) + "?limit=1");
  return res && res->status == 404;
}

// One object: apply, and say whether it changed (resourceVersion before and after).
ObjectResult apply_one(const Object& o, Client& client, const ApplyOptions& options, std::optional<Error>& error) {
  ObjectResult result;
  result.object = object_label(o.kind, o.namespace_name, o.name);
  auto resource = resource_for(o.api_version, o.kind);
  if (!resource) {
    Error e = resource.error();
    e.object = result.object;
    error = e;
    result.outcome = Outcome::failed;
    result.detail = e.to_string();
    return result;
  }
  const auto ns = resource->namespaced ? o.namespace_name : std::string();
  const auto path = object_path(*resource, ns, o.name);

  std::string before;
  auto current = client.request("GET", path);
  if (current && current->status == 200) {
    const auto j = json::parse(current->body, nullptr, false);
    if (j.is_object()) before = j["metadata"].value("resourceVersion", "");
    // Objects marked create-only (the Secret with generated passwords) are never overwritten: a
    // second apply would replace the passwords with new random ones and lock the servers out.
    if (!before.empty() && is_create_only(o)) {
      result.outcome = Outcome::unchanged;
      result.detail = "exists; created only when missing (" + std::string(kCreateOnlyAnnotation) + ")";
      return result;
    }
  } else if (current && current->status == 404 && resource->from_crd && resource_missing(client, *resource, ns)) {
    result.outcome = Outcome::skipped;
    result.detail = "the API server does not serve " + resource->plural + "." + resource->api_version +
                    " (is the CustomResourceDefinition installed?); skipped, it is optional";
    return result;
  }

  const auto target = path + "?fieldManager=" + std::string(kFieldManager) + "&force=true" + dry_run_query(options);
  auto applied = client.send("PATCH", target, apply_body(o, *resource), "application/apply-patch+yaml", result.object);
  if (!applied) {
    error = applied.error();
    result.outcome = Outcome::failed;
    result.detail = applied.error().to_string();
    return result;
  }
  const auto after = (*applied)["metadata"].value("resourceVersion", "");
  if (before.empty()) {
    result.outcome = Outcome::created;
  } else {
    result.outcome = after == before ? Outcome::unchanged : Outcome::configured;
  }
  return result;
}

int json_int(const json& j, const char* a, const char* b) {
  if (!j.contains(a) || !j[a].is_object()) return 0;
  const auto& v = j[a];
  return v.contains(b) && v[b].is_number_integer() ? v[b].get<int>() : 0;
}

bool pod_ready(const json& pod) {
  if (!pod.contains("status") || !pod["status"].contains("conditions")) return false;
  for (const auto& c : pod["status"]["conditions"]) {
    if (c.value("type", "") == "Ready") return c.value("status", "") == "True";
  }
  return false;
}

using Clock = std::chrono::steady_clock;

Error timeout_error(const std::string& object, const std::string& what, std::chrono::seconds timeout) {
  Error e;
  e.object = object;
  e.reason = "Timeout";
  e.message = what + " after " + std::to_string(timeout.count()) + " s (all objects were applied; the cluster goes on)";
  return e;
}

// The StatefulSet's pods become ready in ordinal order (OrderedReady starts them one by one).
std::optional<Error> wait_statefulset(const Object& o, Client& client, const Progress& progress,
                                      const ApplyOptions& options, Clock::time_point deadline) {
  const auto label = object_label(o.kind, o.namespace_name, o.name);
  const auto sts = *resource_for("apps/v1", "StatefulSet");
  const auto pods = *resource_for("v1", "Pod");
  int reported = -1;
  std::string last_line;
  while (true) {
    auto s = client.get(object_path(sts, o.namespace_name, o.name), label);
    if (!s) return s.error();
    const int desired = json_int(*s, "spec", "replicas");
    int ready_in_order = 0;
    std::string waiting_on;
    for (int i = 0; i < desired; ++i) {
      const auto pod_name = o.name + "-" + std::to_string(i);
      auto p = client.request("GET", object_path(pods, o.namespace_name, pod_name));
      if (p && p->status == 200 && pod_ready(json::parse(p->body, nullptr, false))) {
        ++ready_in_order;
        continue;
      }
      waiting_on = pod_name;
      if (p && p->status == 200) {
        const auto j = json::parse(p->body, nullptr, false);
        waiting_on +=
            " (" + (j.contains("status") ? j["status"].value("phase", "Pending") : std::string("Pending")) + ")";
      } else {
        waiting_on += " (not created yet)";
      }
      break;
    }
    if (ready_in_order != reported) {
      reported = ready_in_order;
      progress(label + ": " + std::to_string(ready_in_order) + "/" + std::to_string(desired) + " pods ready" +
               (waiting_on.empty() ? "" : ", waiting for " + waiting_on));
    }
    if (ready_in_order >= desired) return std::nullopt;
    if (Clock::now() >= deadline) {
      return timeout_error(label,
                           std::to_string(ready_in_order) + "/" + std::to_string(desired) +
                               " pods ready, still waiting for " + waiting_on,
                           options.timeout);
    }
    std::this_thread::sleep_for(options.poll);
  }
}

std::optional<Error> wait_deployment(const Object& o, Client& client, const Progress& progress,
                                     const ApplyOptions& options, Clock::time_point deadline) {
  const auto label = object_label(o.kind, o.namespace_name, o.name);
  const auto dep = *resource_for("apps/v1", "Deployment");
  int reported = -1;
  while (true) {
    auto d = client.get(object_path(dep, o.namespace_name, o.name), label);
    if (!d) return d.error();
    const int desired = json_int(*d, "spec", "replicas");
    const int ready = json_int(*d, "status", "readyReplicas");
    const int updated = json_int(*d, "status", "updatedReplicas");
    const int now = std::min(ready, updated);
    if (now != reported) {
      reported = now;
      progress(label + ": " + std::to_string(now) + "/" + std::to_string(desired) + " replicas ready");
    }
    if (now >= desired) return std::nullopt;
    if (Clock::now() >= deadline) {
      return timeout_error(label, std::to_string(now) + "/" + std::to_string(desired) + " replicas ready",
                           options.timeout);
    }
    std::this_thread::sleep_for(options.poll);
  }
}

}  // namespace

bool is_create_only(const Object& o) {
  if (!o.body.is_object() || !o.body.contains("metadata")) return false;
  const auto& m = o.body["metadata"];
  if (!m.contains("annotations") || !m["annotations"].is_object()) return false;
  const auto& a = m["annotations"];
  return a.contains(kCreateOnlyAnnotation) && a[kCreateOnlyAnnotation] == "true";
}

std::string_view to_string(Outcome outcome) {
  switch (outcome) {
    case Outcome::created: return "created";
    case Outcome::configured: return "configured";
    case Outcome::unchanged: return "unchanged";
    case Outcome::skipped: return "skipped";
    case Outcome::failed: return "failed";
    case Outcome::not_attempted: return "not applied";
  }
  return "?";
}

std::string ApplyReport::summary() const {
  int created = 0, configured = 0, unchanged = 0, skipped = 0, not_attempted = 0;
  for (const auto& o : objects) {
    switch (o.outcome) {
      case Outcome::created: ++created; break;
      case Outcome::configured: ++configured; break;
      case Outcome::unchanged: ++unchanged; break;
      case Outcome::skipped: ++skipped; break;
      case Outcome::not_attempted: ++not_attempted; break;
      case Outcome::failed: break;
    }
  }
  std::string out = "applied " + std::to_string(created + configured + unchanged) + " (created " +
                    std::to_string(created) + ", configured " + std::to_string(configured) + ", unchanged " +
                    std::to_string(unchanged) + ")";
  if (skipped > 0) out += ", skipped " + std::to_string(skipped);
  if (not_attempted > 0) out += ", not applied " + std::to_string(not_attempted);
  if (error) out += "; failed: " + error->to_string();
  return out;
}

ApplyReport apply_objects(std::span<const Object> objects, Client& client, const Progress& progress,
                          const ApplyOptions& options) {
  ApplyReport report;
  for (const auto& o : objects) {
    if (report.error) {
      report.objects.push_back(
          ObjectResult{object_label(o.kind, o.namespace_name, o.name), Outcome::not_attempted, {}});
      continue;
    }
    auto r = apply_one(o, client, options, report.error);
    std::string line = std::string(to_string(r.outcome)) + " " + r.object;
    if (!r.detail.empty()) line += ": " + r.detail;
    progress(line);
    report.objects.push_back(std::move(r));
  }
  if (report.error) {
    std::string applied, pending;
    for (const auto& r : report.objects) {
      if (r.outcome == Outcome::created || r.outcome == Outcome::configured || r.outcome == Outcome::unchanged) {
        applied += (applied.empty() ? "" : ", ") + r.object;
      } else if (r.outcome == Outcome::not_attempted) {
        pending += (pending.empty() ? "" : ", ") + r.object;
      }
    }
    progress("stopped: " + report.error->to_string());
    progress("  applied before the failure: " + (applied.empty() ? std::string("none") : applied));
    progress("  not applied: " + (pending.empty() ? std::string("none") : pending));
    return report;
  }
  if (!options.wait || options.dry_run) return report;
  const auto deadline = Clock::now() + options.timeout;
  // The database first (pods in order), then the proxy in front of it.
  for (const auto& o : objects) {
    if (o.kind != "StatefulSet") continue;
    if (auto e = wait_statefulset(o, client, progress, options, deadline)) {
      report.error = *e;
      return report;
    }
  }
  for (const auto& o : objects) {
    if (o.kind != "Deployment") continue;
    if (auto e = wait_deployment(o, client, progress, options, deadline)) {
      report.error = *e;
      return report;
    }
  }
  return report;
}

Result<Done> scale_statefulset(Client& client, std::string_view namespace_name, std::string_view name, int replicas) {
  const auto label = object_label("StatefulSet", namespace_name, name);
  if (replicas < 0) {
    Error e;
    e.object = label;
    e.reason = "Invalid";
    e.message = "replicas must be 0 or more, not " + std::to_string(replicas);
    return e;
  }
  const auto sts = *resource_for("apps/v1", "StatefulSet");
  const json patch = {{"spec", {{"replicas", replicas}}}};
  auto r =
      client.send("PATCH", object_path(sts, namespace_name, name) + "/scale?fieldManager=" + std::string(kFieldManager),
                  patch, "application/merge-patch+json", label);
  if (!r) return r.error();
  return Done{};
}

}  // namespace weir::deployer
