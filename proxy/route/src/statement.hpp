#pragma once
#include "cursor.hpp"

namespace weir::route {

// Classifies one statement (the cursor is at its first token) without looking at the session's
// transaction state; classify() applies that afterwards.
Classification classify_statement(Cursor c, const ClassifyOptions& options, const SessionView& session);

// SET ...: session command, transaction characteristics, global state. In set_statement.cpp.
Classification classify_set(Cursor c, const ClassifyOptions& options, const SessionView& session);

}  // namespace weir::route
