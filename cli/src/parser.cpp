#include "weir/cli/parser.hpp"

#include <algorithm>

namespace weir::cli {
namespace {

const Option* find_long(const Command& command, std::string_view name) {
  for (const Option* option : all_options(command)) {
    if (option->name == name) return option;
  }
  return nullptr;
}

const Option* find_short(const Command& command, char name) {
  for (const Option* option : all_options(command)) {
    if (option->short_name == name) return option;
  }
  return nullptr;
}

bool asks_for_help(const std::vector<std::string>& words) {
  for (const auto& word : words) {
    if (word == "--") return false;
    if (word == "--help" || word == "-h") return true;
  }
  return false;
}

// The positional words against the command's declared arguments.
std::string check_positionals(const Command& command, const std::vector<std::string>& words) {
  std::size_t required = 0;
  bool variadic = false;
  for (const auto& p : command.positionals) {
    if (p.required) ++required;
    variadic = variadic || p.variadic;
  }
  if (words.size() < required) return "missing " + command.positionals[words.size()].name;
  if (!variadic && words.size() > command.positionals.size()) {
    return "unexpected argument '" + words[command.positionals.size()] + "'";
  }
  return {};
}

}  // namespace

ParseResult parse(const Command& command, const std::vector<std::string>& words) {
  ParseResult out;
  if (asks_for_help(words)) {
    out.help = true;
    return out;
  }
  std::vector<std::string> positional;
  bool options_ended = false;
  for (std::size_t i = 0; i < words.size(); ++i) {
    const std::string& word = words[i];
    if (options_ended || word.size() < 2 || word[0] != '-') {
      positional.push_back(word);
      continue;
    }
    if (word == "--") {
      options_ended = true;
      continue;
    }
    const Option* option = nullptr;
    std::string shown;  // the option as the user wrote it, for errors
    std::optional<std::string> inline_value;
    if (word[1] == '-') {
      const auto eq = word.find('=');
      const std::string name = word.substr(2, eq == std::string::npos ? std::string::npos : eq - 2);
      if (eq != std::string::npos) inline_value = word.substr(eq + 1);
      shown = "--" + name;
      option = find_long(command, name);
    } else {
      shown = word.substr(0, 2);
      if (word.size() > 2) inline_value = word.substr(2);
      option = find_short(command, word[1]);
    }
    if (option == nullptr) {
      out.error = "unknown option '" + shown + "'";
      return out;
    }
    if (option->value.empty() || option->optional_value) {
      if (inline_value && !option->optional_value) {
        out.error = "option '" + shown + "' takes no value, got '" + *inline_value + "'";
        return out;
      }
      out.args.add(option->name, inline_value.value_or(""));
    } else if (inline_value) {
      out.args.add(option->name, *inline_value);
    } else if (i + 1 < words.size()) {
      out.args.add(option->name, words[++i]);
    } else {
      out.error = "option '" + shown + "' needs a value (" + option->value + ")";
      return out;
    }
  }
  out.error = check_positionals(command, positional);
  for (auto& word : positional) out.args.add_positional(std::move(word));
  return out;
}

}  // namespace weir::cli
