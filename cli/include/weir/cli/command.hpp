#pragma once
// A command of `weir` described as data: its options, positional arguments, subcommands and
// texts. The parser, --help, the man page and the bash completion all read these tables, so a
// command cannot answer one way and be documented another.
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "weir/cli/arguments.hpp"

namespace weir::cli {

struct Option {
  Option(std::string name_, char short_name_, std::string value_, std::string help_, std::string default_value_ = {},
         bool repeatable_ = false, bool optional_value_ = false)
      : name(std::move(name_)),
        short_name(short_name_),
        value(std::move(value_)),
        help(std::move(help_)),
        default_value(std::move(default_value_)),
        repeatable(repeatable_),
        optional_value(optional_value_) {}

  std::string name;             // the long name without "--": "dir"
  char short_name = '\0';       // 'n' for -n; '\0': none
  std::string value;            // the value's placeholder ("DIR", "yaml|json"); empty: a flag
  std::string help;             // one sentence
  std::string default_value;    // shown as "(default ...)"; empty: none to show
  bool repeatable = false;      // every occurrence counts (Arguments::all), in order
  bool optional_value = false;  // a flag that also takes "--name=value"
};

struct OptionGroup {
  std::string title;  // "options", "a cluster (any of these selects it)"
  std::vector<Option> options;
};

struct Positional {
  Positional(std::string name_, std::string help_, bool required_ = true, bool variadic_ = false)
      : name(std::move(name_)), help(std::move(help_)), required(required_), variadic(variadic_) {}

  std::string name;  // "N", "liveness|readiness"
  std::string help;
  bool required = true;
  bool variadic = false;  // takes every remaining word
};

struct Command;

// What a command's run function receives: where it sits in the tree and its parsed arguments.
struct Invocation {
  const Command* root = nullptr;
  const Command* command = nullptr;
  std::string path;  // "weir pod clone"
  Arguments args;
};

struct Command {
  std::string name;
  std::string summary;      // one line, in the list of the parent's commands
  std::string description;  // paragraphs (blank-line separated) for --help and the man page
  std::vector<Positional> positionals;
  std::vector<OptionGroup> option_groups;
  std::vector<Command> subcommands;
  std::string subcommands_title = "commands";  // "steps" for `weir pod`
  std::string notes;                           // after the options: environment, signals, exit status
  std::function<int(const Invocation&)> run;   // empty: a group that needs a subcommand
  bool hidden = false;                         // left out of --help's lists; still in the man page and completed
  std::string version;                         // the root's: the program's version, for the man page
};

// The subcommand called `name`, or nullptr.
const Command* find_subcommand(const Command& parent, const std::string& name);
// Every option of the command, group after group.
std::vector<const Option*> all_options(const Command& command);

}  // namespace weir::cli
