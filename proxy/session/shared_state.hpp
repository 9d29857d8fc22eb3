#pragma once
// What every worker reads and the control thread replaces: immutable snapshots (a reload or a user refresh swaps the pointer; sessions keep the snapshot they
// started a decision with), plus the registry of live sessions for KILL and draining.
#include <atomic>
#include <memory>

#include "auth/user_directory.hpp"
#include "session/session_registry.hpp"
#include "session/snapshot.hpp"
#include "session/client_login.hpp"
#include "weir/config/config.hpp"

namespace weir::session {

struct SharedState {
  Snapshot<config::Config> config;
  Snapshot<auth::UserDirectory> users;
  Snapshot<ServerIdentity> identity;
  std::atomic<bool> draining{false};
  SessionRegistry sessions;
};

}  // namespace weir::session
