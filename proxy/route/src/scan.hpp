#pragma once
// Looks at every token of a statement (or of a SET expression) and records what would keep it
// off a replica. The rules read as a list; the order of checks in decide_read is the priority of
// the reasons reported.
#include "cursor.hpp"

namespace weir::route {

struct Features {
  bool write = false;                     // UPDATE / DELETE / INSERT / REPLACE (WITH ... UPDATE)
  bool select_into = false;               // ... INTO OUTFILE / DUMPFILE / @v
  bool into_user_variable = false;        // ... INTO @v
  bool user_variable_assignment = false;  // @v := expr
  bool user_variable_read = false;        // @v
  bool locking_read = false;              // FOR UPDATE, FOR SHARE, LOCK IN SHARE MODE
  bool lock_function = false;
  bool sequence = false;
  bool session_function = false;    // LAST_INSERT_ID(), CONNECTION_ID(), @@identity, ...
  bool previous_statement = false;  // FOUND_ROWS(), ROW_COUNT(), @@warning_count
  bool primary_only_function = false;
  bool stored_function = false;
  bool volatile_value = false;   // NOW(), RAND(), CURRENT_TIMESTAMP, @@timestamp
  bool server_variable = false;  // @@server_id, @@hostname, @@gtid_*: differs per server
  bool subquery = false;         // a SELECT inside (only meaningful inside SET)
  bool temporary_table = false;  // names a temporary table of the session
};

class FeatureScanner {
 public:
  FeatureScanner(const ClassifyOptions& options, const SessionView& session) : options_(options), session_(session) {}

  // In a SET value, CURRENT_TIMESTAMP without parentheses matters too (it cannot be replayed);
  // a read does not need to look those up.
  void look_for_volatile_keywords() { volatile_keywords_ = true; }

  // Records the features of the cursor's current token, using lookahead; may step the cursor over
  // a token that belongs to the current one (FOR UPDATE). The caller advances afterwards.
  void scan_token(Cursor& c);
  // scan_token for every token up to the end of the statement.
  void scan_rest(Cursor& c) {
    for (; !c.at_end(); c.advance()) scan_token(c);
  }
  const Features& features() const { return features_; }

 private:
  void scan_word(Cursor& c);
  void scan_call(Cursor& c);
  void scan_system_variable(const Token& t);
  void check_temporary_table(const Cursor& c, const Token& t);

  const ClassifyOptions& options_;
  const SessionView& session_;
  Features features_;
  bool volatile_keywords_ = false;
};

// True when a statement with these features, run on the primary, may give user variables values
// the replicas do not have (@v := ..., INTO @v, a stored function).
bool sets_user_variables(const Features& f);

// The target, reason and effects of a statement that is a read unless its features say otherwise.
Classification decide_read(const Features& f, const ClassifyOptions& options, const SessionView& session);

}  // namespace weir::route
