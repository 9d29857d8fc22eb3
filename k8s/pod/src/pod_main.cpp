#include "weir/pod/pod_main.hpp"

#include <unistd.h>

#include <cstdio>
#include <exception>
#include <string>
#include <vector>

#include "weir/pod/log.hpp"
#include "weir/pod/steps.hpp"

namespace weir::pod {
namespace {

std::string this_hostname() {
  char buf[256] = {};
  gethostname(buf, sizeof buf - 1);
  return buf;
}

int run_step(const std::string& step, const OptionsResult& parsed) {
  const PodOptions& o = parsed.options;
  if (step == "init") {
    run_init(o);
  } else if (step == "clone") {
    run_clone(o);
  } else if (step == "serve-backup") {
    run_serve_backup(o);
  } else if (step == "sidecar") {
    run_sidecar(o);
  } else if (step == "probe") {
    const std::string kind = parsed.positional.empty() ? "" : parsed.positional.front();
    if (kind != "liveness" && kind != "readiness") {
      std::fprintf(stderr, "weir pod probe: say 'liveness' or 'readiness'\n");
      return 2;
    }
    const auto problem = probe(o, kind == "liveness" ? ProbeKind::kLiveness : ProbeKind::kReadiness);
    if (problem) {
      std::fprintf(stderr, "weir pod probe %s: not %s: %s\n", kind.c_str(),
                   kind == "liveness" ? "alive" : "ready", problem->c_str());
      return 1;
    }
    return 0;
  } else {
    std::fprintf(stderr, "weir pod: unknown step '%s'\n\n%s", step.c_str(), pod_usage().c_str());
    return 2;
  }
  return 0;
}

}  // namespace

int pod_main(std::span<char*> args) {
  std::vector<std::string> words(args.begin() + (args.empty() ? 0 : 1), args.end());
  if (words.empty() || words.front() == "--help" || words.front() == "-h" || words.front() == "help") {
    std::fputs(pod_usage().c_str(), words.empty() ? stderr : stdout);
    return words.empty() ? 2 : 0;
  }
  const std::string step = words.front();
  words.erase(words.begin());
  install_stop_signals();
  try {
    const OptionsResult parsed = parse_pod_options(words, this_hostname());
    if (!parsed.error.empty()) {
      std::fprintf(stderr, "weir pod %s: %s\n", step.c_str(), parsed.error.c_str());
      return 2;
    }
    return run_step(step, parsed);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "weir pod %s: %s\n", step.c_str(), e.what());
    return 1;
  }
}

}  // namespace weir::pod
