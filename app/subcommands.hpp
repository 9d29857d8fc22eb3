#pragma once
// The tree of `weir` commands: each subsystem describes its own commands (weir::cli tables); the
// app puts them together, joins `status` and `scale` of this machine and of a cluster, and adds
// help, version and completion.
#include "weir/cli/command.hpp"

namespace weir::app {

const cli::Command& root_command();

}  // namespace weir::app
