// What a statement and its response leave on a multiplexed connection, as tables: statement text
// through the real classifier in, pins and "keep until the next statement" out.
#include <gtest/gtest.h>

#include <string>

#include "plan/multiplexing.hpp"

namespace weir::plan {
namespace {

struct StatementCase {
  const char* sql;
  std::uint16_t pins;  // Pin bits
  bool until_next;
};

std::ostream& operator<<(std::ostream& out, const StatementCase& c) { return out << c.sql; }

class StatementLeftovers : public ::testing::TestWithParam<StatementCase> {};

TEST_P(StatementLeftovers, AsTheTableSays) {
  const auto& c = GetParam();
  route::SessionView view;
  view.sql_mode_known = true;
  view.server_version = 101100;
  const auto verdict = route::classify(c.sql, route::ClassifyOptions{}, view);
  const Leftovers left = leftovers_of_statement(verdict, c.sql);
  EXPECT_EQ(left.pins.bits, c.pins) << to_string(left.pins) << " (reason " << route::to_string(verdict.reason) << ")";
  EXPECT_EQ(left.until_next_statement, c.until_next);
}

constexpr auto bit(Pin p) { return static_cast<std::uint16_t>(p); }

INSTANTIATE_TEST_SUITE_P(
    Table, StatementLeftovers,
    ::testing::Values(
        // Nothing left: plain reads and writes, session commands (replayed from the history).
        StatementCase{"SELECT c FROM sbtest1 WHERE id = 5", 0, false},
        StatementCase{"UPDATE t SET a = 1 WHERE id = 2", 0, false},
        StatementCase{"INSERT INTO t (a) VALUES (1)", 0, false}, StatementCase{"SET NAMES utf8mb4", 0, false},
        StatementCase{"SET SESSION sql_mode = 'ANSI'", 0, false}, StatementCase{"USE app", 0, false},
        StatementCase{"/* weir:primary */ SELECT 1", 0, false},
        // Reading what the previous statement left leaves nothing new.
        StatementCase{"SELECT LAST_INSERT_ID()", 0, false}, StatementCase{"SHOW WARNINGS", 0, false},
        StatementCase{"SELECT FOUND_ROWS()", 0, false}, StatementCase{"SELECT ROW_COUNT()", 0, false},
        StatementCase{"SELECT @@warning_count", 0, false},
        // FOUND_ROWS() is for the next statement: the connection stays until it is done.
        StatementCase{"SELECT SQL_CALC_FOUND_ROWS * FROM t LIMIT 1", 0, true},
        // For the session's life.
        StatementCase{"SELECT GET_LOCK('a', 0)", bit(Pin::user_locks), false},
        StatementCase{"UPDATE t SET a = GET_LOCK('a', 0)", bit(Pin::user_locks), false},
        StatementCase{"SELECT LAST_INSERT_ID(42)", bit(Pin::last_insert_id), false},
        StatementCase{"UPDATE t SET id = last_insert_id (id + 1)", bit(Pin::last_insert_id), false},
        StatementCase{"SELECT CONNECTION_ID()", bit(Pin::connection_id), false},
        StatementCase{"CALL p()", bit(Pin::unseen_state), false},
        StatementCase{"PREPARE s FROM 'SELECT 1'", bit(Pin::unseen_state), false},
        StatementCase{"HANDLER t OPEN", bit(Pin::unseen_state), false},
        StatementCase{"INSERT INTO t VALUES (NEXTVAL(s))", bit(Pin::unseen_state), false},
        StatementCase{"SELECT NEXT VALUE FOR s", bit(Pin::unseen_state), false},
        StatementCase{"DO 1", bit(Pin::unseen_state), false},
        StatementCase{"FROBNICATE THE SERVER", bit(Pin::unseen_state), false},
        StatementCase{"SELECT 'unterminated", bit(Pin::unseen_state), false}));

TEST(ResponseLeftovers, WhatTheNextStatementMayAskKeepsTheConnectionUntilThen) {
  EXPECT_FALSE(leftovers_of_response({}).until_next_statement);
  EXPECT_FALSE(leftovers_of_response({}).pins.any());
  EXPECT_TRUE(leftovers_of_response({.warnings = true}).until_next_statement);
  EXPECT_TRUE(leftovers_of_response({.error = true}).until_next_statement);
  EXPECT_TRUE(leftovers_of_response({.affected_rows = true}).until_next_statement);
  const auto inserted = leftovers_of_response({.last_insert_id = true});
  EXPECT_TRUE(inserted.pins.has(Pin::last_insert_id));
}

TEST(ReadsPreviousStatement, DiagnosticsAndSessionFunctions) {
  route::SessionView view;
  view.sql_mode_known = true;
  const auto reads = [&](const char* sql) {
    return reads_previous_statement(route::classify(sql, route::ClassifyOptions{}, view));
  };
  EXPECT_TRUE(reads("SHOW WARNINGS"));
  EXPECT_TRUE(reads("SHOW ERRORS"));
  EXPECT_TRUE(reads("SELECT FOUND_ROWS()"));
  EXPECT_TRUE(reads("SELECT ROW_COUNT()"));
  EXPECT_TRUE(reads("SELECT LAST_INSERT_ID()"));
  EXPECT_TRUE(reads("SELECT @@identity"));
  EXPECT_FALSE(reads("SELECT 1"));
  EXPECT_FALSE(reads("INSERT INTO t VALUES (1)"));
}

}  // namespace
}  // namespace weir::plan
