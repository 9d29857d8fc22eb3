#include "weir/pod/command_line.hpp"

namespace weir::pod {

std::string join_command(const std::vector<std::string>& argv) {
  std::string out;
  for (const auto& a : argv) {
    if (!out.empty()) out += ' ';
    out += a.starts_with("--password=") ? std::string("--password=***") : a;
  }
  return out;
}

}  // namespace weir::pod
