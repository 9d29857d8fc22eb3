// `weir up`: checks everything it needs before starting anything, then runs the supervisor.
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <stdexcept>

#include "process/child.hpp"
#include "weir/cli/help.hpp"
#include "weir/cli/numbers.hpp"
#include "weir/local/commands.hpp"
#include "weir/local/port_plan.hpp"
#include "weir/local/supervisor.hpp"
#include "weir/pod/stop_signal.hpp"

namespace weir::local {
namespace {

UpOptions up_options_from(const cli::Arguments& a) {
  UpOptions o;
  auto number = [&](const char* name, int min, int max, int fallback) {
    auto text = a.get(name);
    if (!text) return fallback;
    auto value = cli::parse_int(*text, min, max);
    if (!value)
      throw std::invalid_argument("--" + std::string(name) + " must be a number from " + std::to_string(min) + " to " +
                                  std::to_string(max) + ", got '" + *text + "'");
    return *value;
  };
  o.replicas = number("replicas", 1, 99, o.replicas);
  o.proxy_port = static_cast<std::uint16_t>(number("port", 1, 65535, o.proxy_port));
  o.base_port = static_cast<std::uint16_t>(number("base-port", 1, 65000, o.base_port));
  o.clone_timeout_s = number("clone-timeout", 1, 3600, o.clone_timeout_s);
  o.dir = a.get_or("dir", o.dir);
  o.server_binary = a.get_or("server-binary", o.server_binary);
  return o;
}

std::string require_program(const std::string& name, const std::string& hint) {
  std::string path = process::find_program(name);
  if (path.empty()) throw std::runtime_error("'" + name + "' not found in PATH or /usr/sbin: " + hint);
  return path;
}

// Refuses to start over a topology that is still running; forgets pids that are gone.
void check_previous_run(const Layout& layout) {
  auto state = load_state(layout.state_file());
  if (!state) return;
  if (process::pid_alive(state->supervisor_pid) &&
      process::pid_cmdline(state->supervisor_pid).find("weir") != std::string::npos) {
    throw std::runtime_error("weir up is already running for " + layout.root().string() + " (pid " +
                             std::to_string(state->supervisor_pid) + "); see weir status, or stop it with weir down");
  }
  for (const auto& n : state->nodes) {
    for (pid_t pid : {n.server_pid, n.sidecar_pid}) {
      if (process::pid_alive(pid)) {
        throw std::runtime_error("node-" + std::to_string(n.ordinal) + " of an earlier run is still running (pid " +
                                 std::to_string(pid) + ", " + process::pid_cmdline(pid) + "); run weir down --dir " +
                                 layout.root().string() + " first");
      }
    }
  }
  if (state->supervisor_pid != 0)
    say("weir up: the state of an earlier run was stale (its processes are gone); starting again");
}

Context make_context(const UpOptions& o) {
  Context ctx;
  ctx.options = o;
  ctx.server_binary =
      require_program(o.server_binary, "install mariadb-server (bash scripts/setup.sh) or pass --server-binary");
  ctx.install_db = require_program("mariadb-install-db", "install mariadb-server (bash scripts/setup.sh)");
  require_program("mariabackup", "install mariadb-backup (bash scripts/setup.sh)");
  require_program("mbstream", "install mariadb-backup (bash scripts/setup.sh)");
  ctx.self = process::self_executable();
  ctx.as_root = geteuid() == 0;
  char host[256] = {};
  gethostname(host, sizeof host - 1);
  ctx.hostname = host;
  std::filesystem::create_directories(o.dir);
  ctx.layout = Layout(std::filesystem::canonical(o.dir));
  check_previous_run(ctx.layout);
  load_or_create_secrets(ctx);
  return ctx;
}

int up_main(const cli::Invocation& inv) {
  try {
    const UpOptions options = up_options_from(inv.args);
    const auto ports = plan_ports(options);
    Context ctx = make_context(options);
    check_ports_free(ports);  // after make_context: a run still going is named as such first
    pod::install_stop_signals();
    install_scale_signal();
    say("weir up: " + std::to_string(ctx.options.replicas) + " node(s) in " + ctx.layout.root().string() +
        " (node n on 127.0.0.1:" + std::to_string(ctx.options.base_port) + "+10n)");
    Supervisor supervisor(std::move(ctx));
    return supervisor.run();
  } catch (const std::invalid_argument& e) {
    return cli::usage_error(inv, e.what());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "weir up: %s\n", e.what());
    return 1;
  }
}

}  // namespace

cli::Command up_command() {
  cli::Command c;
  c.name = "up";
  c.summary = "run a primary and replicas on this machine, cloned and replicating";
  c.description =
      "Runs a primary and N-1 replicas as local mariadbd processes on loopback, each replica cloned\n"
      "from its previous peer, and the proxy in front; supervises them until Ctrl+C or weir down.\n"
      "Data, logs, state and generated passwords live in --dir.";
  c.option_groups = {
      {"options",
       {{"replicas", '\0', "N", "nodes, the primary included", "3"},
        {"dir", '\0', "DIR", "data, logs and state", ".weir"},
        {"port", '\0', "N", "the proxy's port", "6033"},
        {"base-port", '\0', "N", "node n listens on N+10n, its backup server on N+10n+1", "13306"},
        {"server-binary", '\0', "PATH", "the MariaDB server", "mariadbd"},
        {"clone-timeout", '\0', "S", "how long a new node waits for its peer's backup, in seconds", "120"}}}};
  c.run = up_main;
  return c;
}

}  // namespace weir::local
