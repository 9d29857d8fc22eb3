#include "weir/cli/command.hpp"

namespace weir::cli {

const Command* find_subcommand(const Command& parent, const std::string& name) {
  for (const auto& sub : parent.subcommands) {
    if (sub.name == name) return &sub;
  }
  return nullptr;
}

std::vector<const Option*> all_options(const Command& command) {
  std::vector<const Option*> out;
  for (const auto& group : command.option_groups) {
    for (const auto& option : group.options) out.push_back(&option);
  }
  return out;
}

}  // namespace weir::cli
