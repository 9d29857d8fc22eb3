#pragma once
// The texts a user sees: the one-line usage, the full --help, and the answer to a mistake.
#include <string>

#include "weir/cli/command.hpp"

namespace weir::cli {

// What one of the command's subcommands is called in texts: "command", "step".
std::string subcommand_word(const Command& command);
// An option's help with its default and "(repeatable)".
std::string option_text(const Option& option);
// "usage: weir scale N [options]"
std::string usage_line(const Command& command, const std::string& path);
// What `<path> --help` prints: usage, description, arguments, commands, options, notes.
std::string help_text(const Command& command, const std::string& path);
// Prints "<path>: <error>", the usage line and where to read more on stderr; returns 2, the exit
// status of every command-line mistake.
int usage_error(const Command& command, const std::string& path, const std::string& error);
inline int usage_error(const Invocation& inv, const std::string& error) {
  return usage_error(*inv.command, inv.path, error);
}

}  // namespace weir::cli
