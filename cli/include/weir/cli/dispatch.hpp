#pragma once
// main() of a program described by a Command tree: finds the subcommand the words name, parses
// its options, answers --help and mistakes the same way everywhere, then runs it.
#include <span>

#include "weir/cli/command.hpp"

namespace weir::cli {

int dispatch(const Command& root, std::span<char*> argv);

// `help [COMMAND...]` (with the hidden `--man`) and `completion bash`, for any tree.
Command help_command();
Command completion_command();

}  // namespace weir::cli
