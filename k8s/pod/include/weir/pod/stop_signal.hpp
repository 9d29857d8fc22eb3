#pragma once
// Process-wide stop request, set by SIGINT/SIGTERM; waiting loops check it.

namespace weir::pod {

void install_stop_signals();
bool stop_requested();
void request_stop();

}  // namespace weir::pod
