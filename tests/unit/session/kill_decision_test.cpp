// kill_question and decide_kill as a table: who kills whom, what the server answered -> what the
// client gets and whether weir ends the target; grants_allow_kill on SHOW GRANTS rows.
#include <gtest/gtest.h>

#include "session/kill_decision.hpp"

namespace weir::session {
namespace {

constexpr std::uint64_t kId = 1073741830;

struct Row {
  const char* name;
  KillFacts facts;
  KillQuestion question;
  ServerAnswer answer;
  bool ok;
  std::uint16_t code;
  const char* state;
  const char* message;
  bool close_target;
};

KillFacts facts(const char* caller, bool logged_in, const char* target, bool backend, bool query_only,
                bool self = false) {
  KillFacts f;
  f.target_is_caller = self;
  f.caller_user = caller;
  f.target_logged_in = logged_in;
  f.target_user = target;
  f.target_has_backend = backend;
  f.query_only = query_only;
  f.id = kId;
  return f;
}

ServerAnswer killed() { return {true, true, 0, "", ""}; }
ServerAnswer refused_by_server() { return {true, false, 1095, "HY000", "You are not owner of thread 12"}; }
ServerAnswer unknown_to_server() { return {true, false, 1094, "HY000", "Unknown thread id: 12"}; }
ServerAnswer other_error() { return {true, false, 1205, "HY000", "Lock wait timeout exceeded"}; }
ServerAnswer privileged() { return {true, true, 0, "", ""}; }
ServerAnswer unprivileged() { return {true, false, 0, "", ""}; }
ServerAnswer unreachable() { return {false, false, 0, "", "connection refused"}; }
ServerAnswer none() { return {}; }

const char* const kNotOwner = "You are not owner of thread 1073741830";

const Row kRows[] = {
    // A target with a backend thread: the server decides, weir follows.
    {"other user, server refuses", facts("bob", true, "alice", true, false), KillQuestion::kill_on_server,
     refused_by_server(), false, 1095, "HY000", kNotOwner, false},
    {"other user, server refuses KILL QUERY", facts("bob", true, "alice", true, true), KillQuestion::kill_on_server,
     refused_by_server(), false, 1095, "HY000", kNotOwner, false},
    {"admin, server kills", facts("admin", true, "bob", true, false), KillQuestion::kill_on_server, killed(), true, 0,
     "", "", true},
    {"admin, server kills the query", facts("admin", true, "bob", true, true), KillQuestion::kill_on_server, killed(),
     true, 0, "", "", false},
    {"same user still asks the server to kill the thread", facts("alice", true, "alice", true, false),
     KillQuestion::kill_on_server, killed(), true, 0, "", "", true},
    {"thread gone meanwhile", facts("alice", true, "alice", true, false), KillQuestion::kill_on_server,
     unknown_to_server(), false, 1094, "HY000", "Unknown thread id: 1073741830", false},
    {"other server error passes through", facts("alice", true, "alice", true, true), KillQuestion::kill_on_server,
     other_error(), false, 1205, "HY000", "Lock wait timeout exceeded", false},
    {"server unreachable: never killed", facts("admin", true, "alice", true, false), KillQuestion::kill_on_server,
     unreachable(), false, 1105, "HY000", "weir could not ask the server to kill thread 1073741830: connection refused",
     false},
    // No backend thread: the owner without asking, anyone else by the privilege the server reports.
    {"owner, no backend", facts("alice", true, "alice", false, false), KillQuestion::none, none(), true, 0, "", "",
     true},
    {"owner, no backend, KILL QUERY", facts("alice", true, "alice", false, true), KillQuestion::none, none(), true, 0,
     "", "", false},
    {"other user without privilege", facts("bob", true, "alice", false, false), KillQuestion::caller_privilege,
     unprivileged(), false, 1095, "HY000", kNotOwner, false},
    {"other user without privilege, KILL QUERY", facts("bob", true, "alice", false, true),
     KillQuestion::caller_privilege, unprivileged(), false, 1095, "HY000", kNotOwner, false},
    {"other user with privilege", facts("admin", true, "bob", false, false), KillQuestion::caller_privilege,
     privileged(), true, 0, "", "", true},
    {"privilege unknown: never killed", facts("admin", true, "bob", false, false), KillQuestion::caller_privilege,
     unreachable(), false, 1105, "HY000",
     "weir could not learn whether you may kill thread 1073741830: connection refused", false},
    {"target still in its handshake", facts("bob", false, "", false, false), KillQuestion::caller_privilege,
     unprivileged(), false, 1095, "HY000", kNotOwner, false},
    {"target still in its handshake, admin", facts("admin", false, "", false, false), KillQuestion::caller_privilege,
     privileged(), true, 0, "", "", true},
    {"user names compare exactly", facts("Alice", true, "alice", false, false), KillQuestion::caller_privilege,
     unprivileged(), false, 1095, "HY000", kNotOwner, false},
    // A session killing itself, as the server answers it.
    {"self KILL CONNECTION", facts("alice", true, "alice", true, false, true), KillQuestion::none, none(), false, 1927,
     "70100", "Connection was killed", true},
    {"self KILL QUERY", facts("alice", true, "alice", true, true, true), KillQuestion::none, none(), false, 1317,
     "70100", "Query execution was interrupted", false},
};

TEST(KillDecision, Table) {
  for (const Row& row : kRows) {
    SCOPED_TRACE(row.name);
    EXPECT_EQ(kill_question(row.facts), row.question);
    const KillOutcome outcome = decide_kill(row.facts, row.question, row.answer);
    EXPECT_EQ(outcome.ok, row.ok);
    EXPECT_EQ(outcome.error_code, row.code);
    EXPECT_EQ(outcome.sql_state, row.state);
    EXPECT_EQ(outcome.message, row.message);
    EXPECT_EQ(outcome.close_target, row.close_target);
  }
}

TEST(KillDecision, NeverClosesATargetTheServerDidNotAllow) {
  const ServerAnswer answers[] = {refused_by_server(), unknown_to_server(), other_error(),
                                  unprivileged(),      unreachable(),       none()};
  for (const bool query_only : {false, true}) {
    for (const bool backend : {false, true}) {
      const KillFacts f = facts("bob", true, "alice", backend, query_only);
      for (const ServerAnswer& answer : answers) {
        const KillOutcome outcome = decide_kill(f, kill_question(f), answer);
        EXPECT_FALSE(outcome.ok);
        EXPECT_FALSE(outcome.close_target);
      }
    }
  }
}

struct GrantsRow {
  const char* name;
  std::vector<std::string> rows;
  bool allowed;
};

const GrantsRow kGrants[] = {
    {"usage only", {"GRANT USAGE ON *.* TO `bob`@`%` IDENTIFIED BY PASSWORD '*F33A'"}, false},
    {"connection admin", {"GRANT CONNECTION ADMIN ON *.* TO `adm`@`%` IDENTIFIED BY PASSWORD '*FDD3'"}, true},
    {"super in a list", {"GRANT SELECT, SUPER, PROCESS ON *.* TO `sup`@`%`"}, true},
    {"all privileges", {"GRANT ALL PRIVILEGES ON *.* TO `root`@`localhost` WITH GRANT OPTION"}, true},
    {"process is not enough", {"GRANT PROCESS, RELOAD ON *.* TO `p`@`%`"}, false},
    {"on a database only", {"GRANT ALL PRIVILEGES ON `app`.* TO `bob`@`%`"}, false},
    {"on a table only", {"GRANT SELECT, INSERT ON `app`.`super` TO `bob`@`%`"}, false},
    {"role granted, not active", {"GRANT `killer` TO `rol`@`%`", "GRANT USAGE ON *.* TO `rol`@`%`"}, false},
    {"active role (nested) holds it",
     {"GRANT `outer_r` TO `rol`@`%`", "GRANT USAGE ON *.* TO `rol`@`%`", "GRANT `killer` TO `outer_r`",
      "GRANT USAGE ON *.* TO `outer_r`", "GRANT CONNECTION ADMIN ON *.* TO `killer`"},
     true},
    {"PUBLIC holds it", {"GRANT USAGE ON *.* TO `bob`@`%`", "GRANT CONNECTION ADMIN ON *.* TO PUBLIC"}, true},
    {"role named like a privilege", {"GRANT `SUPER ON *.* TO x` TO `bob`@`%`"}, false},
    {"MySQL dynamic privilege", {"GRANT CONNECTION_ADMIN,SYSTEM_VARIABLES_ADMIN ON *.* TO `u`@`%`"}, true},
    {"proxy grant", {"GRANT PROXY ON ''@'%' TO `bob`@`%`"}, false},
    {"no rows", {}, false},
};

TEST(KillDecision, GrantsAllowKill) {
  for (const GrantsRow& row : kGrants) {
    SCOPED_TRACE(row.name);
    EXPECT_EQ(grants_allow_kill(row.rows), row.allowed);
  }
}

}  // namespace
}  // namespace weir::session
