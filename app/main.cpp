// weir: subcommand dispatch, nothing else.
#include <span>

#include "subcommands.hpp"
#include "weir/cli/dispatch.hpp"

int main(int argc, char** argv) {
  return weir::cli::dispatch(weir::app::root_command(), std::span<char*>(argv, static_cast<std::size_t>(argc)));
}
