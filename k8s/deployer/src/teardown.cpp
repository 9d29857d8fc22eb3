// teardown_objects: delete in reverse order of apply; PVCs only when asked.
#include "weir/deployer/deployer.hpp"
#include "weir/deployer/resources.hpp"

namespace weir::deployer {

TeardownReport teardown_objects(std::span<const Object> objects, Client& client, const Progress& progress,
                                bool delete_pvcs) {
  TeardownReport report;
  const nlohmann::json options = {{"kind", "DeleteOptions"}, {"apiVersion", "v1"}, {"propagationPolicy", "Foreground"}};
  for (auto it = objects.rbegin(); it != objects.rend(); ++it) {
    const auto& o = *it;
    ObjectResult r;
    r.object = object_label(o.kind, o.namespace_name, o.name);
    auto res = resource_for(o.api_version, o.kind);
    if (!res) {
      r.outcome = Outcome::failed;
      r.detail = res.error().message;
      if (!report.error) {
        report.error = res.error();
        report.error->object = r.object;
      }
      report.objects.push_back(r);
      continue;
    }
    // The Secret with the passwords goes with the data: the kept claims hold servers whose
    // accounts use them, and a new deploy would otherwise generate new ones.
    if (!delete_pvcs && is_create_only(o)) {
      r.outcome = Outcome::skipped;
      r.detail = "kept with the data (--delete-pvcs deletes both)";
      progress("kept " + r.object + ": " + r.detail);
      report.objects.push_back(r);
      continue;
    }
    const auto path = object_path(*res, res->namespaced ? o.namespace_name : std::string(), o.name);
    // Foreground only where there are dependents (pods, ReplicaSets): it leaves the object in
    // place, marked, until the garbage collector has removed them.
    const bool has_dependents = o.kind == "StatefulSet" || o.kind == "Deployment";
    auto answer = client.request("DELETE", path, has_dependents ? options.dump() : std::string(), "application/json");
    if (answer && (answer->status == 200 || answer->status == 202)) {
      r.outcome = Outcome::configured;
      progress("deleted " + r.object);
    } else if (answer && answer->status == 404) {
      r.outcome = Outcome::unchanged;  // absent already (or its CRD is not installed)
      progress("absent " + r.object);
    } else {
      // Go on with the others: a teardown should remove as much as it can, and report the rest.
      r.outcome = Outcome::failed;
      Error e = answer ? api_error(*answer, r.object) : answer.error();
      e.object = r.object;
      r.detail = e.to_string();
      progress("failed " + r.detail);
      if (!report.error) report.error = e;
    }
    report.objects.push_back(r);
  }
  if (!delete_pvcs) return report;
  const auto pvc = *resource_for("v1", "PersistentVolumeClaim");
  for (const auto& o : objects) {
    if (o.kind != "StatefulSet" || !o.body.contains("spec") || !o.body["spec"].contains("volumeClaimTemplates"))
      continue;
    auto list = client.get(collection_path(pvc, o.namespace_name), "PersistentVolumeClaims in " + o.namespace_name);
    if (!list) {
      if (!report.error) report.error = list.error();
      continue;
    }
    for (const auto& t : o.body["spec"]["volumeClaimTemplates"]) {
      // A claim of ordinal N is named <template>-<statefulset>-N.
      const std::string prefix = t["metadata"].value("name", "") + "-" + o.name + "-";
      for (const auto& item : (*list)["items"]) {
        const auto name = item["metadata"].value("name", "");
        if (name.rfind(prefix, 0) != 0 || name.size() == prefix.size() ||
            name.find_first_not_of("0123456789", prefix.size()) != std::string::npos) {
          continue;
        }
        const auto label = object_label("PersistentVolumeClaim", o.namespace_name, name);
        auto answer = client.request("DELETE", object_path(pvc, o.namespace_name, name));
        if (answer && (answer->status == 200 || answer->status == 202 || answer->status == 404)) {
          report.pvcs.push_back(name);
          progress("deleted " + label);
        } else {
          Error e = answer ? api_error(*answer, label) : answer.error();
          e.object = label;
          progress("failed " + e.to_string());
          if (!report.error) report.error = e;
        }
      }
    }
  }
  return report;
}

}  // namespace weir::deployer
