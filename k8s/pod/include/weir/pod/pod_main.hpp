#pragma once
// `weir pod <step> ...`: the entry point the app's subcommand table calls.
#include <span>

namespace weir::pod {

int pod_main(std::span<char*> args);  // args[0] is "pod"

}  // namespace weir::pod
