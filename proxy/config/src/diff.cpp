// What a reload changes, section by section.
#include "weir/config/config.hpp"

namespace weir::config {

ConfigDiff diff(const Config& before, const Config& after) {
  ConfigDiff out;
  auto section = [&](const char* name, bool changed) {
    if (changed) out.changed_sections.emplace_back(name);
  };
  section("listen", before.listen != after.listen);
  section("workers", before.workers != after.workers);
  section("admin", before.admin != after.admin);
  section("tls", before.tls != after.tls);
  section("users", before.users != after.users);
  section("load_users_from_backend", before.load_users_from_backend != after.load_users_from_backend);
  section("monitor", before.monitor != after.monitor);
  section("backends", before.backends != after.backends);
  section("routing", before.routing != after.routing);
  section("timeouts", before.timeouts != after.timeouts);
  section("pool", before.pool != after.pool);
  section("log", before.log != after.log);
  section("metrics", before.metrics != after.metrics);

  // The sockets and threads are made once at startup; everything else is read per decision or
  // per new connection and so applies to the new Config as soon as it is published.
  auto restart = [&](const char* name, bool changed) {
    if (changed) out.restart_required.emplace_back(name);
  };
  restart("listen.address", before.listen.address != after.listen.address);
  restart("listen.port", before.listen.port != after.listen.port);
  restart("listen.backlog", before.listen.backlog != after.listen.backlog);
  restart("workers.count", before.workers.count != after.workers.count);
  restart("admin.enabled", before.admin.enabled != after.admin.enabled);
  restart("admin.address", before.admin.address != after.admin.address);
  restart("admin.port", before.admin.port != after.admin.port);
  restart("metrics.histogram_buckets", before.metrics.histogram_buckets != after.metrics.histogram_buckets);
  return out;
}

}  // namespace weir::config
