#pragma once
// `weir up | status | scale | down`: the tables of their command lines and what they run.
// `weir status` and `weir scale` also act on a cluster; the app adds the cluster's options to the
// tables below and sends a command line that names a cluster there.
#include "weir/cli/command.hpp"

namespace weir::local {

cli::Command up_command();
cli::Command status_command();
cli::Command scale_command();
cli::Command down_command();

}  // namespace weir::local
