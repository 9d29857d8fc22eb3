#pragma once
// A bash completion script for a Command tree: command names, then the options of the command
// being typed; files after options whose value is a FILE, DIR or PATH, the choices after
// options whose value is "a|b".
#include <string>

#include "weir/cli/command.hpp"

namespace weir::cli {

std::string bash_completion(const Command& root);

}  // namespace weir::cli
