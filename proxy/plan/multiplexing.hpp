#pragma once
// Multiplexing (pool.multiplexing): after each statement a session lends its backend connections
// to the worker's pool unless something on them is still its own. This decides, from the
// classifier's verdict and what the response reported, what a statement left there: state the
// session needs for the rest of its life (pins, until COM_RESET_CONNECTION or COM_CHANGE_USER),
// or state only its next statement may ask about (warnings, ROW_COUNT(), FOUND_ROWS() after
// SQL_CALC_FOUND_ROWS), which keeps the connection until that statement is done. (A statement
// that only reads such state, SHOW WARNINGS or FOUND_ROWS(), leaves nothing new of its own.) Anything weir
// cannot see into (a stored routine, an unknown statement) pins: it may have changed the session.
// Pure and table-tested.
#include <string_view>

#include "plan/routing_state.hpp"
#include "weir/route/classify.hpp"

namespace weir::plan {

struct Leftovers {
  Pins pins;                          // for the session's life
  bool until_next_statement = false;  // for the session's next statement
  void add(const Leftovers& other) {
    pins.add(other.pins);
    until_next_statement = until_next_statement || other.until_next_statement;
  }
};

// What a statement (its text `sql`, classified as `verdict`) leaves by what it is.
Leftovers leftovers_of_statement(const route::Classification& verdict, std::string_view sql);

// What a response left, from its OK, EOF and ERR packets.
struct ResponseFacts {
  bool warnings = false;        // an OK or EOF counted warnings (SHOW WARNINGS lists them)
  bool error = false;           // an ERR packet (SHOW ERRORS lists it)
  bool affected_rows = false;   // ROW_COUNT() answers them
  bool last_insert_id = false;  // an AUTO_INCREMENT value: LAST_INSERT_ID() answers it from now on
};
Leftovers leftovers_of_response(const ResponseFacts& response);

// Whether a statement asks about the previous statement or about the connection (SHOW WARNINGS,
// FOUND_ROWS(), ROW_COUNT(), LAST_INSERT_ID(), @@warning_count, ...): on a connection that another
// session used last it would read that session's answer, so such a connection is reset first.
bool reads_previous_statement(const route::Classification& verdict);
// Whether the statement may read LAST_INSERT_ID() (LAST_INSERT_ID(), @@last_insert_id,
// @@identity anywhere in its text: a false match costs a round trip, never a wrong answer).
bool reads_last_insert_id(std::string_view sql);

}  // namespace weir::plan
