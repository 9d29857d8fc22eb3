#pragma once
// `weir pod <step> ...`: the command table the app's tree holds, one subcommand per step.
#include "weir/cli/command.hpp"

namespace weir::pod {

cli::Command pod_command();

}  // namespace weir::pod
