#pragma once
// The man page of a Command tree in roff (man(7) macros): every visible command with its usage,
// description, arguments and options.
#include <string>

#include "weir/cli/command.hpp"

namespace weir::cli {

std::string man_page(const Command& root);

}  // namespace weir::cli
