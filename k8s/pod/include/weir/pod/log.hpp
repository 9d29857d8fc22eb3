#pragma once
// One-line, timestamped log messages on stderr ("2026-11-26T02:30:01Z weir pod clone: ...").
#include <string_view>

namespace weir::pod {

void log_line(std::string_view who, std::string_view message);

// Process-wide stop request, set by SIGINT/SIGTERM; waiting loops check it.
void install_stop_signals();
bool stop_requested();
void request_stop();

}  // namespace weir::pod
