// weir: subcommand dispatch, nothing else.
#include <cstdio>
#include <span>
#include <string_view>

#include "subcommands.hpp"
#include "weir/version.hpp"

namespace {

void print_help(std::FILE* out) {
  std::fprintf(out,
               "weir %s - a replication-aware MySQL/MariaDB proxy and the topology it fronts\n\n"
               "usage: weir <command> [options]\n\ncommands:\n",
               weir::kVersion);
  for (const auto& cmd : weir::app::subcommands()) {
    std::fprintf(out, "  %-14.*s %.*s\n", static_cast<int>(cmd.name.size()), cmd.name.data(),
                 static_cast<int>(cmd.summary.size()), cmd.summary.data());
  }
  std::fprintf(out,
               "  %-14s %s\n  %-14s %s\n\nRun 'weir <command> --help' for the options of a command.\n",
               "help", "show this help", "version", "print the version (also --version)");
}

}  // namespace

int main(int argc, char** argv) {
  std::span<char*> args(argv, static_cast<std::size_t>(argc));
  if (args.size() < 2) {
    print_help(stderr);
    return 2;
  }
  const std::string_view command = args[1];
  if (command == "help" || command == "--help" || command == "-h") {
    print_help(stdout);
    return 0;
  }
  if (command == "version" || command == "--version") {
    std::printf("weir %s\n", weir::kVersion);
    return 0;
  }
  for (const auto& cmd : weir::app::subcommands()) {
    if (cmd.name == command) return cmd.run(args.subspan(1));
  }
  std::fprintf(stderr, "weir: unknown command '%.*s'; run 'weir help' for the list\n",
               static_cast<int>(command.size()), command.data());
  return 2;
}
