#pragma once
// Entry points of `weir up | status | scale | down` (args[0] is the command name).
#include <span>

namespace weir::local {

int up_main(std::span<char*> args);
int status_main(std::span<char*> args);
int scale_main(std::span<char*> args);
int down_main(std::span<char*> args);

}  // namespace weir::local
