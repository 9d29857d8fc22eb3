#pragma once
// Finding the `weir up` that owns a directory, for status, scale and down.
#include <optional>
#include <string>
#include <vector>

#include "weir/local/layout.hpp"
#include "weir/local/state.hpp"

namespace weir::local {

// The directory from --dir (default ./.weir); throws when it holds no state.json.
Layout layout_from_dir(const std::string& dir);
// True when the supervisor pid in the state is alive and is a weir process (not a reused pid).
bool supervisor_running(const State& state);

}  // namespace weir::local
