#include "weir/cli/arguments.hpp"

namespace weir::cli {

std::optional<std::string> Arguments::get(std::string_view name) const {
  for (auto it = given_.rbegin(); it != given_.rend(); ++it) {
    if (it->first == name) return it->second;
  }
  return std::nullopt;
}

std::string Arguments::get_or(std::string_view name, std::string_view fallback) const {
  return get(name).value_or(std::string(fallback));
}

std::vector<std::string> Arguments::all(std::string_view name) const {
  std::vector<std::string> out;
  for (const auto& [option, value] : given_) {
    if (option == name) out.push_back(value);
  }
  return out;
}

}  // namespace weir::cli
