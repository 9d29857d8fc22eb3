#pragma once
// What a session's routing depends on, apart from the statement and the topology: the server's
// view of the session (transaction, autocommit, locks, how it lexes), the temporary tables it
// created, whether state that cannot be replayed keeps it on the primary, whether the previous
// statement ran on a replica, and read-your-writes. Pure: the session feeds it the classifier's
// effects and the servers' status flags, and plan() reads it.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "plan/read_your_writes.hpp"
#include "weir/route/classify.hpp"

namespace weir::plan {

// Why a session's primary link holds state a new link would not have (it cannot be given back,
// shared or replaced while one holds): a set of these. Names are stable (metrics labels, logs).
enum class Pin : std::uint16_t {
  transaction = 1U << 0,          // the server's status flags say a transaction is open
  autocommit_off = 1U << 1,       // every statement opens a transaction
  locked_tables = 1U << 2,        // LOCK TABLES (or FLUSH TABLES WITH READ LOCK) until UNLOCK TABLES
  user_variables = 1U << 3,       // a user variable computed on the primary (@v := ..., SELECT ... INTO @v)
  unreplayable_state = 1U << 4,   // GET_LOCK, a SET weir cannot replay, a temporary table it cannot name, ...
  temporary_tables = 1U << 5,     // CREATE TEMPORARY TABLE
  prepared_statements = 1U << 6,  // statements prepared on the link
  history_overflow = 1U << 7,     // more session commands than weir keeps to replay
  // Kept only with pool.multiplexing (without it the session keeps its links anyway):
  user_locks = 1U << 8,      // GET_LOCK (any lock function: weir does not count what is held)
  last_insert_id = 1U << 9,  // the session's LAST_INSERT_ID() lives on its connection
  connection_id = 1U << 10,  // the client asked CONNECTION_ID(): it stays the answer
  unseen_state = 1U << 11,   // a stored routine, sequence, HANDLER, SQL PREPARE or unknown statement ran
};
struct Pins {
  std::uint16_t bits = 0;
  bool any() const { return bits != 0; }
  bool has(Pin pin) const { return (bits & static_cast<std::uint16_t>(pin)) != 0; }
  void add(Pin pin) { bits = static_cast<std::uint16_t>(bits | static_cast<std::uint16_t>(pin)); }
  void add(Pins pins) { bits = static_cast<std::uint16_t>(bits | pins.bits); }
  void remove(Pin pin) { bits = static_cast<std::uint16_t>(bits & ~static_cast<std::uint16_t>(pin)); }
};
std::string_view to_string(Pin pin);
// "transaction, temporary_tables"; "" when none.
std::string to_string(Pins pins);
// Every pin, in declaration order (to walk a Pins set).
inline constexpr Pin kAllPins[] = {Pin::transaction,         Pin::autocommit_off,     Pin::locked_tables,
                                   Pin::user_variables,      Pin::unreplayable_state, Pin::temporary_tables,
                                   Pin::prepared_statements, Pin::history_overflow,   Pin::user_locks,
                                   Pin::last_insert_id,      Pin::connection_id,      Pin::unseen_state};

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
  bool primary_holds_state(bool prepared_statements, bool history_full) const {
    return pins(prepared_statements, history_full).any();
  }
  // The same, with the reasons.
  Pins pins(bool prepared_statements, bool history_full) const;
  // COM_RESET_CONNECTION, COM_CHANGE_USER: the server forgot the session; so does routing (the
  // read-your-writes history stays: the session's writes happened).
  void forget();
};

}  // namespace weir::plan
