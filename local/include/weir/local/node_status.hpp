#pragma once
// Asks a running local server what `weir status` shows: role, server-id, readiness, lag.
#include "weir/local/state.hpp"
#include "weir/local/status_table.hpp"
#include "weir/pod/credentials.hpp"

namespace weir::local {

NodeStatus query_node_status(const NodeState& node, const pod::Credentials& credentials);

}  // namespace weir::local
