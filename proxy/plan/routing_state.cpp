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
  if (effects.transaction == route::TransactionChange::Begin ||
      effects.transaction == route::TransactionChange::Restart) {
    view.in_transaction = true;
  }
  if (effects.lexing_changed) view.sql_mode_known = false;
}

bool SessionRoutingState::primary_holds_state(bool prepared_statements, bool history_full) const {
  return view.in_transaction || !view.autocommit || view.tables_locked || view.user_variables_diverged ||
         pinned_to_primary || !temp_tables.empty() || prepared_statements || history_full;
}

void SessionRoutingState::forget() {
  view = {};
  temp_tables.clear();
  pinned_to_primary = false;
  previous_on_replica = false;
}

}  // namespace weir::plan
