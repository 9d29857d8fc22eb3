#pragma once
// A command line as logs and error messages show it: a --password=... argument is masked.
#include <string>
#include <vector>

namespace weir::pod {

std::string join_command(const std::vector<std::string>& argv);

}  // namespace weir::pod
