#pragma once
// The one command-line convention of weir: `--name value`, `--name=value`, `-n value`, `-nvalue`,
// flags `--flag`, `--` ends the options; `-h`/`--help` anywhere before `--` asks for help.
// Anything else that starts with '-' is an error naming it.
#include <string>
#include <vector>

#include "weir/cli/command.hpp"

namespace weir::cli {

struct [[nodiscard]] ParseResult {
  Arguments args;
  bool help = false;
  std::string error;  // non-empty: what was wrong, naming the word
};

// Parses the words after the command's name against its table.
ParseResult parse(const Command& command, const std::vector<std::string>& words);

}  // namespace weir::cli
