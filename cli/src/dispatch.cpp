#include "weir/cli/dispatch.hpp"

#include <cstdio>
#include <string>
#include <vector>

#include "weir/cli/bash_completion.hpp"
#include "weir/cli/help.hpp"
#include "weir/cli/man_page.hpp"
#include "weir/cli/parser.hpp"

namespace weir::cli {
namespace {

// The command that `words` name from `root` (consumed from the front), with its path.
struct Found {
  const Command* command;
  std::string path;
  std::size_t used = 0;
  std::string error;  // a word that names no subcommand
};

Found walk(const Command& root, const std::vector<std::string>& words) {
  Found found{&root, root.name, 0, {}};
  while (!found.command->subcommands.empty() && found.used < words.size() && !words[found.used].starts_with('-')) {
    const std::string& word = words[found.used];
    const Command* sub = find_subcommand(*found.command, word);
    if (sub == nullptr && word == "help") return found;  // `weir pod help clone`: see dispatch()
    if (sub == nullptr) {
      found.error = "unknown " + subcommand_word(*found.command) + " '" + word + "'";
      return found;
    }
    found.command = sub;
    found.path += " " + word;
    ++found.used;
  }
  return found;
}

int print(const std::string& text) {
  std::fwrite(text.data(), 1, text.size(), stdout);
  return 0;
}

}  // namespace

int dispatch(const Command& root, std::span<char*> argv) {
  const std::vector<std::string> all(argv.begin() + (argv.empty() ? 0 : 1), argv.end());
  if (all.empty()) {
    const std::string text = help_text(root, root.name);
    std::fwrite(text.data(), 1, text.size(), stderr);
    return 2;
  }
  Found found = walk(root, all);
  if (!found.error.empty()) return usage_error(*found.command, found.path, found.error);
  std::vector<std::string> rest(all.begin() + static_cast<std::ptrdiff_t>(found.used), all.end());
  // `weir pod help clone` reads as `weir pod clone --help`, as `weir help pod clone` does.
  if (found.command != &root && !found.command->subcommands.empty() && !rest.empty() && rest.front() == "help") {
    rest.erase(rest.begin());
    Found inner = walk(*found.command, rest);
    if (!inner.error.empty()) return usage_error(*inner.command, found.path, inner.error);
    return print(help_text(*inner.command, found.path + inner.path.substr(found.command->name.size())));
  }
  const Command& command = *found.command;
  ParseResult parsed = parse(command, rest);
  if (parsed.help) return print(help_text(command, found.path));
  if (!parsed.error.empty()) return usage_error(command, found.path, parsed.error);
  if (!command.run) {
    const std::string text = help_text(command, found.path);
    std::fwrite(text.data(), 1, text.size(), stderr);
    return 2;
  }
  return command.run(Invocation{&root, &command, found.path, std::move(parsed.args)});
}

Command help_command() {
  Command help;
  help.name = "help";
  help.summary = "show the help of weir or of a command (the same as <command> --help)";
  help.description = "Prints what '<command> --help' prints; without a command, the list of commands.";
  help.positionals = {{"COMMAND", "a command, or a command and its subcommand (help pod clone)", false, true}};
  help.option_groups = {{"options", {{"man", '\0', "", "print the man page weir(1) in roff instead"}}}};
  help.run = [](const Invocation& inv) {
    if (inv.args.has("man")) return print(man_page(*inv.root));
    const Found found = walk(*inv.root, inv.args.positional());
    if (!found.error.empty()) return usage_error(inv, found.error);
    if (found.used < inv.args.positional().size()) {
      return usage_error(inv, "'" + found.path + "' has no command '" + inv.args.positional()[found.used] + "'");
    }
    return print(help_text(*found.command, found.path));
  };
  return help;
}

Command completion_command() {
  Command completion;
  completion.name = "completion";
  completion.summary = "print the bash completion script";
  completion.description =
      "Prints a bash completion script for every command and option: source it, or install it as\n"
      "/usr/share/bash-completion/completions/weir (the Debian package and cmake --install do).";
  completion.positionals = {{"bash", "the shell (only bash)"}};
  completion.hidden = true;
  completion.run = [](const Invocation& inv) {
    if (inv.args.positional().front() != "bash") return usage_error(inv, "only 'bash' is supported");
    return print(bash_completion(*inv.root));
  };
  return completion;
}

}  // namespace weir::cli
