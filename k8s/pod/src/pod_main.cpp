#include "weir/pod/pod_main.hpp"

#include <unistd.h>

#include <cstdio>
#include <exception>
#include <functional>
#include <string>

#include "weir/cli/help.hpp"
#include "weir/pod/steps.hpp"
#include "weir/pod/stop_signal.hpp"

namespace weir::pod {
namespace {

std::string this_hostname() {
  char buf[256] = {};
  gethostname(buf, sizeof buf - 1);
  return buf;
}

int run_probe(const cli::Invocation& inv, const PodOptions& o) {
  const std::string& kind = inv.args.positional().front();
  if (kind != "liveness" && kind != "readiness") return cli::usage_error(inv, "say 'liveness' or 'readiness'");
  const auto problem = probe(o, kind == "liveness" ? ProbeKind::liveness : ProbeKind::readiness);
  if (problem) {
    std::fprintf(stderr, "weir pod probe %s: not %s: %s\n", kind.c_str(), kind == "liveness" ? "alive" : "ready",
                 problem->c_str());
    return 1;
  }
  return 0;
}

using Step = std::function<int(const cli::Invocation&, const PodOptions&)>;

int run_step(const cli::Invocation& inv, const Step& step) {
  install_stop_signals();
  try {
    const OptionsResult parsed = pod_options_from(inv.args, this_hostname());
    if (!parsed.error.empty()) return cli::usage_error(inv, parsed.error);
    return step(inv, parsed.options);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s: %s\n", inv.path.c_str(), e.what());
    return 1;
  }
}

// A step that runs to its end (or throws): exit 0.
Step to_end(void (*run)(const PodOptions&)) {
  return [run](const cli::Invocation&, const PodOptions& o) {
    run(o);
    return 0;
  };
}

cli::Command step(std::string name, std::string summary, std::string description, Step run) {
  cli::Command c;
  c.name = std::move(name);
  c.summary = std::move(summary);
  c.description = std::move(description);
  c.option_groups = pod_option_groups();
  c.run = [run = std::move(run)](const cli::Invocation& inv) { return run_step(inv, run); };
  return c;
}

}  // namespace

cli::Command pod_command() {
  cli::Command pod;
  pod.name = "pod";
  pod.summary = "the steps that run inside a database pod (init, clone, sidecar, ...)";
  pod.description =
      "The containers of the database StatefulSet, as subcommands of the same binary: each step\n"
      "reads its ordinal from the hostname (mysql-2 -> 2) unless told, and its credentials from\n"
      "mounted Secrets or the environment.";
  pod.subcommands_title = "steps";
  pod.subcommands = {
      step("init", "write server-id.cnf and primary.cnf/replica.cnf into --conf-dir",
           "Writes server-id.cnf (server-id = 100 + ordinal) and primary.cnf (ordinal 0) or replica.cnf\n"
           "into --conf-dir.",
           to_end(run_init)),
      step("clone", "receive a backup from the previous pod unless data exists (ordinal > 0)",
           "Unless --data-dir holds data or the ordinal is 0, receives a backup stream from the previous\n"
           "pod (--peer-host:--peer-port), unpacks it aside, prepares it and only then moves it into place.",
           [](const cli::Invocation&, const PodOptions& o) {
             run_clone(o);
             return 0;
           }),
      step("serve-backup", "stream backups to the next pod, one at a time, on --backup-port",
           "Serves a hot backup stream of the local server to each peer that connects to\n"
           "--backup-bind:--backup-port, one at a time, and only to a peer that proves it holds\n"
           "the replication password (an HMAC of a fresh nonce); others get nothing.",
           to_end(run_serve_backup)),
      step("sidecar", "start replication from the clone's coordinates once, then serve-backup",
           "Once the local server answers, sets up replication from the primary at the coordinates the\n"
           "clone recorded (once), then serves backups as serve-backup does.",
           to_end(run_sidecar)),
      step("probe", "liveness or readiness of the local server (exit 0 when it is)",
           "liveness: the server answers a ping. readiness: it answers a query, and with\n"
           "--require-replication its replication threads run. Exit 0 when it is, 1 when not.",
           run_probe),
  };
  pod.subcommands.back().positionals = {{"liveness|readiness", "which probe"}};
  pod.notes =
      "environment: WEIR_ROOT_PASSWORD[_FILE], WEIR_REPL_USER, WEIR_REPL_PASSWORD[_FILE] (and the\n"
      "images' MARIADB_ROOT_PASSWORD, MYSQL_ROOT_PASSWORD, MARIADB_REPLICATION_*) when no flag says.";
  for (auto& s : pod.subcommands) s.notes = pod.notes;
  return pod;
}

}  // namespace weir::pod
