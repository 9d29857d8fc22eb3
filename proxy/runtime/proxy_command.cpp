// `weir proxy`: load the configuration, listen, relay until SIGTERM.
#include <cstdio>
#include <exception>
#include <optional>
#include <string>

#include "log/log.hpp"
#include "net/io_backend.hpp"
#include "runtime/proxy.hpp"
#include "weir/cli/help.hpp"

namespace weir::runtime {

cli::Command proxy_command() {
  cli::Command c;
  c.name = "proxy";
  c.summary = "run the proxy: writes to the primary, reads to caught-up replicas";
  c.description =
      "Runs the data plane: applications connect to it as to one MySQL/MariaDB server; writes go to\n"
      "the primary, reads to the replicas that are healthy and caught up.";
  c.option_groups = {
      {"options",
       {{"config", '\0', "FILE", "the YAML configuration (every key: examples/weir.yaml)"},
        {"check", '\0', "", "validate the configuration, print the effective one (secrets redacted) and exit"}}}};
  c.notes = "Signals: SIGTERM/SIGINT drain and stop, SIGHUP reloads the configuration.";
  c.run = proxy_main;
  return c;
}

int proxy_main(const cli::Invocation& inv) {
  const std::string path = inv.args.get_or("config", "");
  if (path.empty()) return cli::usage_error(inv, "--config FILE is required");
  auto loaded = config::load_config_file(path);
  for (const auto& warning : loaded.warnings) std::fprintf(stderr, "warning: %s\n", warning.to_string().c_str());
  if (!loaded.ok()) {
    std::fprintf(stderr, "%s", loaded.error_text().c_str());
    if (!loaded.error_text().empty() && loaded.error_text().back() != '\n') std::fputc('\n', stderr);
    return 1;
  }
  if (inv.args.has("check")) {
    std::printf("%s", config::render_redacted(*loaded.config).c_str());
    return 0;
  }
  std::optional<Proxy> proxy;
  try {
    proxy.emplace(path, loaded.config);
  } catch (const std::exception& e) {
    // Asio throws when the kernel refuses the event loop: with io_uring that is a kernel built
    // without it, kernel.io_uring_disabled, or a container's seccomp profile.
    log::error("cannot start the workers' event loops", {{"io", net::kIoBackend}, {"error", e.what()}});
    return 1;
  }
  if (!proxy->open()) return 1;
  return proxy->run();
}

}  // namespace weir::runtime
