// SessionRoutingState::apply as a table: effects in -> routing state out.
#include <gtest/gtest.h>

#include <functional>
#include <string>

#include "plan/routing_state.hpp"

namespace weir::plan {
namespace {

route::TempTableChange created(std::string name, std::string schema = "") {
  return route::TempTableChange{true, route::TableName{std::move(schema), std::move(name)}};
}
route::TempTableChange dropped(std::string name, std::string schema = "") {
  return route::TempTableChange{false, route::TableName{std::move(schema), std::move(name)}};
}

TEST(RoutingState, TemporaryTablesComeAndGoInOrder) {
  SessionRoutingState s;
  route::Effects e;
  e.temp_tables = {created("t"), created("u", "app"), dropped("t")};
  s.apply(e);
  ASSERT_EQ(s.temp_tables.size(), 1u);
  EXPECT_EQ(s.temp_tables[0].name, "u");
  // A drop without a schema drops the table of any schema; with one, only that schema's.
  route::Effects other;
  other.temp_tables = {dropped("u", "other")};
  s.apply(other);
  EXPECT_EQ(s.temp_tables.size(), 1u);
  route::Effects any;
  any.temp_tables = {dropped("u")};
  s.apply(any);
  EXPECT_TRUE(s.temp_tables.empty());
  EXPECT_FALSE(s.primary_holds_state(false, false));
}

struct FlagCase {
  const char* name;
  std::function<void(route::Effects&)> effects;
  std::function<bool(const SessionRoutingState&)> expect;
};
void PrintTo(const FlagCase& c, std::ostream* os) { *os << c.name; }
class RoutingStateFlags : public ::testing::TestWithParam<FlagCase> {};

TEST_P(RoutingStateFlags, Apply) {
  SessionRoutingState s;
  s.view.sql_mode_known = true;
  route::Effects e;
  GetParam().effects(e);
  s.apply(e);
  EXPECT_TRUE(GetParam().expect(s));
  EXPECT_TRUE(s.primary_holds_state(false, false) || GetParam().name == std::string("lexing changed"));
}

INSTANTIATE_TEST_SUITE_P(
    Effects, RoutingStateFlags,
    ::testing::Values(FlagCase{"lock tables", [](route::Effects& e) { e.locks_tables = true; },
                               [](const SessionRoutingState& s) { return s.view.tables_locked; }},
                      FlagCase{"user variables diverged", [](route::Effects& e) { e.user_variables_diverged = true; },
                               [](const SessionRoutingState& s) { return s.view.user_variables_diverged; }},
                      FlagCase{"pin", [](route::Effects& e) { e.pin_session_to_primary = true; },
                               [](const SessionRoutingState& s) { return s.pinned_to_primary; }},
                      FlagCase{"autocommit off", [](route::Effects& e) { e.autocommit = false; },
                               [](const SessionRoutingState& s) { return !s.view.autocommit; }},
                      FlagCase{"begin", [](route::Effects& e) { e.transaction = route::TransactionChange::begin; },
                               [](const SessionRoutingState& s) { return s.view.in_transaction; }},
                      FlagCase{"restart", [](route::Effects& e) { e.transaction = route::TransactionChange::restart; },
                               [](const SessionRoutingState& s) { return s.view.in_transaction; }},
                      FlagCase{"lexing changed", [](route::Effects& e) { e.lexing_changed = true; },
                               [](const SessionRoutingState& s) { return !s.view.sql_mode_known; }}));

TEST(RoutingState, UnlockAndAutocommitOnUndoTheirOpposites) {
  SessionRoutingState s;
  route::Effects lock;
  lock.locks_tables = true;
  lock.autocommit = false;
  s.apply(lock);
  route::Effects unlock;
  unlock.unlocks_tables = true;
  unlock.autocommit = true;
  s.apply(unlock);
  EXPECT_FALSE(s.view.tables_locked);
  EXPECT_TRUE(s.view.autocommit);
  EXPECT_FALSE(s.primary_holds_state(false, false));
  EXPECT_TRUE(s.primary_holds_state(true, false));  // prepared statements
  EXPECT_TRUE(s.primary_holds_state(false, true));  // a history that overflowed
}

TEST(RoutingState, ForgetKeepsOnlyReadYourWrites) {
  SessionRoutingState s;
  route::Effects e;
  e.temp_tables = {created("t")};
  e.pin_session_to_primary = true;
  s.apply(e);
  s.previous_on_replica = true;
  s.read_your_writes.on_primary_statement(true, "0-1-5", true, {});
  s.forget();
  EXPECT_TRUE(s.temp_tables.empty());
  EXPECT_FALSE(s.pinned_to_primary);
  EXPECT_FALSE(s.previous_on_replica);
  EXPECT_FALSE(s.primary_holds_state(false, false));
  EXPECT_EQ(s.read_your_writes.position().to_string(), "0-1-5");
}

// Each source of state names its own pin, and only its own.
struct PinCase {
  const char* name;
  std::function<void(SessionRoutingState&)> make;
  bool prepared;
  bool history_full;
  Pin expected;
};
void PrintTo(const PinCase& c, std::ostream* os) { *os << c.name; }
class RoutingStatePins : public ::testing::TestWithParam<PinCase> {};

TEST_P(RoutingStatePins, NameTheirReason) {
  SessionRoutingState s;
  GetParam().make(s);
  const Pins pins = s.pins(GetParam().prepared, GetParam().history_full);
  for (const Pin pin : kAllPins) {
    EXPECT_EQ(pins.has(pin), pin == GetParam().expected) << to_string(pin);
  }
  EXPECT_EQ(to_string(GetParam().expected), std::string(GetParam().name));
  EXPECT_TRUE(s.primary_holds_state(GetParam().prepared, GetParam().history_full));
}

INSTANTIATE_TEST_SUITE_P(
    Sources, RoutingStatePins,
    ::testing::Values(PinCase{"transaction", [](SessionRoutingState& s) { s.view.in_transaction = true; }, false, false,
                              Pin::transaction},
                      PinCase{"autocommit_off", [](SessionRoutingState& s) { s.view.autocommit = false; }, false, false,
                              Pin::autocommit_off},
                      PinCase{"locked_tables", [](SessionRoutingState& s) { s.view.tables_locked = true; }, false,
                              false, Pin::locked_tables},
                      PinCase{"user_variables", [](SessionRoutingState& s) { s.view.user_variables_diverged = true; },
                              false, false, Pin::user_variables},
                      PinCase{"unreplayable_state", [](SessionRoutingState& s) { s.pinned_to_primary = true; }, false,
                              false, Pin::unreplayable_state},
                      PinCase{"temporary_tables",
                              [](SessionRoutingState& s) {
                                s.temp_tables.push_back({"", "t"});
                              },
                              false, false, Pin::temporary_tables},
                      PinCase{"prepared_statements", [](SessionRoutingState&) {}, true, false,
                              Pin::prepared_statements},
                      PinCase{"history_overflow", [](SessionRoutingState&) {}, false, true, Pin::history_overflow}));

TEST(RoutingState, AFreshSessionHasNoPinAndPinsAccumulate) {
  SessionRoutingState s;
  EXPECT_FALSE(s.pins(false, false).any());
  s.view.in_transaction = true;
  s.temp_tables.push_back({"", "t"});
  const Pins pins = s.pins(true, false);
  EXPECT_TRUE(pins.has(Pin::transaction));
  EXPECT_TRUE(pins.has(Pin::temporary_tables));
  EXPECT_TRUE(pins.has(Pin::prepared_statements));
  EXPECT_FALSE(pins.has(Pin::locked_tables));
  EXPECT_EQ(to_string(pins), "transaction, temporary_tables, prepared_statements");
  EXPECT_EQ(to_string(Pins{}), "");
}

TEST(RoutingState, TheClassifierSeesTheTemporaryTables) {
  SessionRoutingState s;
  route::Effects e;
  e.temp_tables = {created("t")};
  s.apply(e);
  EXPECT_EQ(s.for_classifier().temp_tables.size(), 1u);
}

}  // namespace
}  // namespace weir::plan
