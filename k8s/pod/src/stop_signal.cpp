#include "weir/pod/stop_signal.hpp"

#include <signal.h>

#include <csignal>

namespace weir::pod {
namespace {

volatile std::sig_atomic_t g_stop = 0;

void on_stop_signal(int /*sig*/) { g_stop = 1; }
void on_ignored_signal(int /*sig*/) {}

}  // namespace

void install_stop_signals() {
  struct sigaction sa {};
  sa.sa_handler = on_stop_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  // An empty handler rather than SIG_IGN: a peer that goes away must give EPIPE, not kill us,
  // and children get the default action back at exec.
  struct sigaction ignore {};
  ignore.sa_handler = on_ignored_signal;
  sigemptyset(&ignore.sa_mask);
  sigaction(SIGPIPE, &ignore, nullptr);
}

bool stop_requested() { return g_stop != 0; }
void request_stop() { g_stop = 1; }

}  // namespace weir::pod
