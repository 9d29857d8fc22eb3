#include "weir/cli/help.hpp"

#include <cstdio>

namespace weir::cli {
namespace {

constexpr std::size_t kColumn = 30;  // where the help of an option or a command starts

std::string option_label(const Option& option) {
  std::string label = option.short_name != '\0' ? std::string("-") + option.short_name + ", " : "    ";
  label += "--" + option.name;
  if (!option.value.empty()) label += option.optional_value ? "[=" + option.value + "]" : " " + option.value;
  return label;
}

void append_row(std::string& out, const std::string& label, const std::string& text) {
  std::string row = "  " + label;
  if (row.size() + 1 > kColumn) {
    out += row + "\n";
    row.clear();
  }
  row.resize(kColumn, ' ');
  out += row + text + "\n";
}

std::string positional_synopsis(const Command& command) {
  std::string out;
  for (const auto& p : command.positionals) {
    std::string word = p.variadic ? p.name + "..." : p.name;
    out += " " + (p.required ? word : "[" + word + "]");
  }
  return out;
}

bool has_visible_subcommands(const Command& command) {
  for (const auto& sub : command.subcommands) {
    if (!sub.hidden) return true;
  }
  return false;
}

}  // namespace

std::string option_text(const Option& option) {
  std::string text = option.help;
  if (!option.default_value.empty()) text += " (default: " + option.default_value + ")";
  if (option.repeatable) text += " (repeatable)";
  return text;
}

std::string subcommand_word(const Command& command) {
  const std::string& title = command.subcommands_title;
  return title.ends_with('s') ? title.substr(0, title.size() - 1) : title;
}

std::string usage_line(const Command& command, const std::string& path) {
  std::string line = "usage: " + path;
  if (!command.subcommands.empty()) line += " <" + subcommand_word(command) + ">";
  line += positional_synopsis(command);
  line += " [options]";
  return line;
}

std::string help_text(const Command& command, const std::string& path) {
  std::string out = usage_line(command, path) + "\n";
  if (!command.description.empty()) out += "\n" + command.description + "\n";
  bool described = false;
  for (const auto& p : command.positionals) {
    if (p.help.empty()) continue;
    if (!described) out += "\narguments:\n";
    described = true;
    append_row(out, p.name, p.help);
  }
  if (has_visible_subcommands(command)) {
    out += "\n" + command.subcommands_title + ":\n";
    for (const auto& sub : command.subcommands) {
      if (!sub.hidden) append_row(out, sub.name, sub.summary);
    }
  }
  for (const auto& group : command.option_groups) {
    if (group.options.empty()) continue;
    out += "\n" + group.title + ":\n";
    for (const auto& option : group.options) append_row(out, option_label(option), option_text(option));
  }
  out += "\n";
  append_row(out, "-h, --help", "show this help and exit");
  if (has_visible_subcommands(command)) {
    out += "\nRun '" + path + " <" + subcommand_word(command) + "> --help' for the options of each.\n";
  }
  if (!command.notes.empty()) out += "\n" + command.notes + "\n";
  return out;
}

int usage_error(const Command& command, const std::string& path, const std::string& error) {
  std::fprintf(stderr, "%s: %s\n%s\nRun '%s --help' for more.\n", path.c_str(), error.c_str(),
               usage_line(command, path).c_str(), path.c_str());
  return 2;
}

}  // namespace weir::cli
