#include "subcommands.hpp"

#include <array>

namespace weir::app {

std::span<const Subcommand> subcommands() {
  // Filled as the subsystems land: proxy, up/scale/status/down, deploy/teardown, pod.
  static constexpr std::array<Subcommand, 0> kTable{};
  return kTable;
}

}  // namespace weir::app
