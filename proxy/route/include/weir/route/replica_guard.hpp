#pragma once
// The last check before a statement goes to a replica, independent of the classifier.
//
// weir's replica links run in a read-only session (`SET SESSION TRANSACTION READ ONLY`) and
// without CLIENT_MULTI_STATEMENTS, so the server itself refuses any write the classifier missed
// (ERROR 1792) and never runs a second, hidden statement. That holds only while the link stays
// read-only, and a single statement can lift it: `SET SESSION TRANSACTION READ WRITE`,
// `SET [STATEMENT] tx_read_only=0 [FOR ...]`, `START TRANSACTION READ WRITE`, a procedure that
// does so (`CALL`), or dynamic SQL built from pieces (`EXECUTE IMMEDIATE 'READ WR' 'ITE'`,
// `PREPARE`/`EXECUTE`). Each of them must carry one of a few words in its raw bytes, whatever
// quoting or comments surround them; a text that contains one never goes to a replica. The scan is
// of bytes, not tokens, so no disagreement between weir's lexer and the server's can hide a word.
#include <string_view>

namespace weir::route {

// True when `sql` contains `read_only` (any case, anywhere: tx_read_only, transaction_read_only)
// or one of the words WRITE, EXECUTE, PREPARE, CALL (any case, not part of a longer identifier).
// A read that trips it only costs a trip to the primary.
bool may_lift_read_only(std::string_view sql);

}  // namespace weir::route
