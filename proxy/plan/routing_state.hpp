#pragma once
// What a session's routing depends on, apart from the statement and the topology: the server's
// view of the session (transaction, autocommit, locks, how it lexes), the temporary tables it
// created, whether state that cannot be replayed keeps it on the primary, whether the previous
// statement ran on a replica, and read-your-writes. Pure: the session feeds it the classifier's
// effects and the servers' status flags, and plan() reads it.
#include <cstddef>
#include <vector>

#include "plan/read_your_writes.hpp"
#include "weir/route/classify.hpp"

namespace weir::plan {

struct SessionRoutingState {
  route::SessionView view;                    // its temp_tables span is set by for_classifier()
  std::vector<route::TableName> temp_tables;  // created by the session, in order
  bool pinned_to_primary = false;             // state that cannot be replayed: every statement there
  bool previous_on_replica = false;           // the previous statement ran on a replica link
  ReadYourWrites read_your_writes;

  // A statement's effects, in the order the classifier reported them.
  void apply(const route::Effects& effects);
  // The view the classifier needs (temporary tables included).
  const route::SessionView& for_classifier() {
    view.temp_tables = temp_tables;
    return view;
  }
  // Whether the primary's connection holds state a new connection would not have: a transaction,
  // autocommit off, locked tables, diverged user variables, temporary tables, unreplayable state,
  // prepared statements (`prepared_statements`) or a session-command history that overflowed.
  bool primary_holds_state(bool prepared_statements, bool history_full) const;
  // COM_RESET_CONNECTION, COM_CHANGE_USER: the server forgot the session; so does routing (the
  // read-your-writes history stays: the session's writes happened).
  void forget();
};

}  // namespace weir::plan
