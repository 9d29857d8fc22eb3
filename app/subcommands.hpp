#pragma once
// The table of `weir` subcommands. Each subsystem provides an entry point with this signature;
// main() only dispatches.
#include <span>
#include <string_view>

namespace weir::app {

using SubcommandMain = int (*)(std::span<char*> args);  // args[0] is the subcommand name

struct Subcommand {
  std::string_view name;
  std::string_view summary;
  SubcommandMain run;
};

std::span<const Subcommand> subcommands();

}  // namespace weir::app
