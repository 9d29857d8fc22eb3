// `weir proxy`: load the configuration, listen, relay until SIGTERM.
#include <cstdio>
#include <cstring>
#include <string>

#include "log/log.hpp"
#include "runtime/proxy.hpp"

namespace weir::runtime {

namespace {

void usage(std::FILE* out) {
  std::fputs(
      "usage: weir proxy --config FILE [--check]\n\n"
      "  --config FILE   the YAML configuration (see examples/weir.yaml)\n"
      "  --check         validate the configuration, print the effective one (secrets redacted) and exit\n\n"
      "Signals: SIGTERM/SIGINT drain and stop, SIGHUP reloads the configuration.\n",
      out);
}

}  // namespace

int proxy_main(std::span<char*> args) {
  std::string path;
  bool check = false;
  for (std::size_t i = 1; i < args.size(); ++i) {
    const std::string arg = args[i];
    if (arg == "--config" && i + 1 < args.size()) {
      path = args[++i];
    } else if (arg.rfind("--config=", 0) == 0) {
      path = arg.substr(9);
    } else if (arg == "--check") {
      check = true;
    } else if (arg == "--help" || arg == "-h") {
      usage(stdout);
      return 0;
    } else {
      std::fprintf(stderr, "weir proxy: unknown argument '%s'\n", arg.c_str());
      usage(stderr);
      return 2;
    }
  }
  if (path.empty()) {
    std::fprintf(stderr, "weir proxy: --config FILE is required\n");
    usage(stderr);
    return 2;
  }
  auto loaded = config::load_config_file(path);
  for (const auto& warning : loaded.warnings) std::fprintf(stderr, "warning: %s\n", warning.to_string().c_str());
  if (!loaded.ok()) {
    std::fprintf(stderr, "%s", loaded.error_text().c_str());
    if (!loaded.error_text().empty() && loaded.error_text().back() != '\n') std::fputc('\n', stderr);
    return 1;
  }
  if (check) {
    std::printf("%s", config::render_redacted(*loaded.config).c_str());
    return 0;
  }
  Proxy proxy(path, loaded.config);
  if (!proxy.open()) return 1;
  return proxy.run();
}

}  // namespace weir::runtime
