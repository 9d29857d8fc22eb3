#include "plan/routing_state.hpp"

#include <algorithm>

namespace weir::plan {

void SessionRoutingState::apply(const route::Effects& effects) {
  for (const auto& change : effects.temp_tables) {
    if (change.created) {
      temp_tables.push_back(change.table);
    } else {
      std::erase_if(temp_tables, [&](const route::TableName& t) {
        return t.name == change.table.name &&
               (t.schema.empty() || change.table.schema.empty() || t.schema == change.table.schema);
      });
    }
  }
  if (effects.locks_tables) view.tables_locked = true;
  if (effects.unlocks_tables) view.tables_locked = false;
  if (effects.user_variables_diverged) view.user_variables_diverged = true;
  if (effects.pin_session_to_primary) pinned_to_primary = true;
  if (effects.autocommit) view.autocommit = *effects.autocommit;
  if (effects.transaction == route::TransactionChange::begin ||
      effects.transaction == route::TransactionChange::restart) {
    view.in_transaction = true;
  }
  if (effects.lexing_changed) view.sql_mode_known = false;
}

std::string_view to_string(Pin pin) {
  switch (pin) {
    case Pin::transaction: return "transaction";
    case Pin::autocommit_off: return "autocommit_off";
    case Pin::locked_tables: return "locked_tables";
    case Pin::user_variables: return "user_variables";
    case Pin::unreplayable_state: return "unreplayable_state";
    case Pin::temporary_tables: return "temporary_tables";
    case Pin::prepared_statements: return "prepared_statements";
    case Pin::history_overflow: return "history_overflow";
    case Pin::user_locks: return "user_locks";
    case Pin::last_insert_id: return "last_insert_id";
    case Pin::connection_id: return "connection_id";
    case Pin::unseen_state: return "unseen_state";
  }
  return "unknown";
}

std::string to_string(Pins pins) {
  std::string out;
  for (const Pin pin : kAllPins) {
    if (!pins.has(pin)) continue;
    if (!out.empty()) out += ", ";
    out += to_string(pin);
  }
  return out;
}

Pins SessionRoutingState::pins(bool prepared_statements, bool history_full) const {
  Pins out;
  if (view.in_transaction) out.add(Pin::transaction);
  if (!view.autocommit) out.add(Pin::autocommit_off);
  if (view.tables_locked) out.add(Pin::locked_tables);
  if (view.user_variables_diverged) out.add(Pin::user_variables);
  if (pinned_to_primary) out.add(Pin::unreplayable_state);
  if (!temp_tables.empty()) out.add(Pin::temporary_tables);
  if (prepared_statements) out.add(Pin::prepared_statements);
  if (history_full) out.add(Pin::history_overflow);
  return out;
}

void SessionRoutingState::forget() {
  view = {};
  temp_tables.clear();
  pinned_to_primary = false;
  previous_on_replica = false;
}

}  // namespace weir::plan
