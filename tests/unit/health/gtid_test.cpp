// GTID text as the server prints it -> GtidPosition, and the comparisons read-your-writes needs.
#include "health/gtid.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <string>

namespace weir::health {
namespace {

struct GtidCase {
  const char* text;
  bool ok;
  Gtid expected;
};

TEST(ParseGtid, Table) {
  const GtidCase cases[] = {
      {"0-100-12", true, {0, 100, 12}},
      {"1-101-7", true, {1, 101, 7}},
      {"4294967295-4294967295-18446744073709551615", true, {4294967295U, 4294967295U, 18446744073709551615ULL}},
      {"0-0-0", true, {0, 0, 0}},
      {"", false, {}},
      {"0", false, {}},
      {"0-100", false, {}},
      {"0-100-", false, {}},
      {"-100-12", false, {}},
      {"0--12", false, {}},
      {"0-100-12-1", false, {}},
      {"a-100-12", false, {}},
      {"0-100-1x", false, {}},
      {" 0-100-12", false, {}},       // entries are trimmed by GtidPosition::parse, not here
      {"4294967296-1-1", false, {}},  // domain is 32 bits
      {"0-4294967296-1", false, {}},  // server id is 32 bits
      {"0-1-18446744073709551616", false, {}},
      {"0-+1-1", false, {}},
      {"0--1-1", false, {}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.text);
    const auto gtid = parse_gtid(c.text);
    ASSERT_EQ(gtid.has_value(), c.ok);
    if (c.ok) {
      EXPECT_EQ(*gtid, c.expected);
    }
  }
}

struct PositionCase {
  const char* text;
  const char* canonical;  // nullptr = rejected
};

TEST(GtidPositionParse, Table) {
  const PositionCase cases[] = {
      {"", ""},
      {"   ", ""},
      {"0-100-12", "0-100-12"},
      {"0-100-12,1-101-7", "0-100-12,1-101-7"},
      {"1-101-7,0-100-12", "0-100-12,1-101-7"},    // domains in ascending order
      {"0-100-12,\n1-101-7", "0-100-12,1-101-7"},  // as SHOW SLAVE STATUS prints long lists
      {" 0-100-12 , 1-101-7 ", "0-100-12,1-101-7"},
      {"\t0-100-12\r\n", "0-100-12"},
      {"0-100-12,", nullptr},
      {"0-100-12, ", nullptr},
      {",0-100-12", nullptr},
      {"0-100-12,,1-101-7", nullptr},
      {"0-100-12,0-101-13", nullptr},  // a domain repeats
      {"0-100-12;1-101-7", nullptr},
      {"0-100", nullptr},
      {"garbage", nullptr},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(std::string("\"") + c.text + "\"");
    const auto position = GtidPosition::parse(c.text);
    ASSERT_EQ(position.has_value(), c.canonical != nullptr);
    if (c.canonical != nullptr) {
      EXPECT_EQ(position->to_string(), c.canonical);
      EXPECT_EQ(position->empty(), std::string(c.canonical).empty());
      // to_string() parses back to the same position.
      EXPECT_EQ(GtidPosition::parse(position->to_string()), position);
    }
  }
}

struct ContainsCase {
  const char* position;
  const char* gtid;
  bool contains;
};

TEST(GtidPositionContains, Table) {
  const ContainsCase cases[] = {
      {"0-100-12", "0-100-12", true},        {"0-100-12", "0-100-11", true},         {"0-100-12", "0-100-13", false},
      {"0-100-12", "0-101-12", true},  // another server id in the same domain: sequence decides
      {"0-100-12", "0-101-13", false},       {"0-100-12", "1-100-1", false},  // the domain is unknown here
      {"0-100-12,1-101-7", "1-101-7", true}, {"0-100-12,1-101-7", "1-101-8", false}, {"", "0-100-1", false},
      {"0-100-0", "0-100-0", true},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(std::string(c.position) + " contains " + c.gtid);
    const auto position = GtidPosition::parse(c.position);
    const auto gtid = parse_gtid(c.gtid);
    ASSERT_TRUE(position && gtid);
    EXPECT_EQ(position->contains(*gtid), c.contains);
  }
}

struct CoversCase {
  const char* position;
  const char* other;
  bool covers;
};

TEST(GtidPositionCovers, Table) {
  const CoversCase cases[] = {
      {"0-100-12", "0-100-12", true},
      {"0-100-12", "0-100-11", true},
      {"0-100-11", "0-100-12", false},
      {"0-100-12", "", true},  // nothing to apply
      {"", "", true},
      {"", "0-100-1", false},
      {"0-100-12,1-101-7", "0-100-12", true},
      {"0-100-12,1-101-7", "0-100-10,1-101-7", true},
      {"0-100-12,1-101-7", "0-100-10,1-101-8", false},
      {"0-100-12", "0-100-12,1-101-1", false},  // a domain the replica has not seen
      {"0-100-12,1-101-7,2-102-3", "2-102-3,0-100-1", true},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(std::string(c.position) + " covers " + c.other);
    const auto position = GtidPosition::parse(c.position);
    const auto other = GtidPosition::parse(c.other);
    ASSERT_TRUE(position && other);
    EXPECT_EQ(position->covers(*other), c.covers);
  }
}

TEST(GtidPositionAdd, KeepsTheHighestSequencePerDomain) {
  struct Step {
    const char* gtid;
    const char* after;
  };
  const Step steps[] = {
      {"0-100-5", "0-100-5"},         {"0-100-7", "0-100-7"}, {"0-100-6", "0-100-7"},  // older: ignored
      {"0-101-7", "0-100-7"},  // same sequence: the first one stays
      {"0-101-8", "0-101-8"},  // a new server id after a failover
      {"1-100-1", "0-101-8,1-100-1"},
  };
  GtidPosition position;
  EXPECT_TRUE(position.empty());
  for (const auto& step : steps) {
    SCOPED_TRACE(step.gtid);
    const auto gtid = parse_gtid(step.gtid);
    ASSERT_TRUE(gtid);
    position.add(*gtid);
    EXPECT_EQ(position.to_string(), step.after);
  }
  EXPECT_FALSE(position.empty());
}

}  // namespace
}  // namespace weir::health

namespace weir::health {
namespace {

TEST(GtidPositionMerge, Table) {
  struct Case {
    const char* into;
    const char* other;
    const char* after;
  };
  const Case cases[] = {
      {"", "", ""},
      {"", "0-100-5", "0-100-5"},
      {"0-100-5", "", "0-100-5"},
      {"0-100-5", "0-100-7", "0-100-7"},
      {"0-100-7", "0-100-5", "0-100-7"},
      {"0-100-5,2-102-9", "1-101-3,2-102-4", "0-100-5,1-101-3,2-102-9"},
      {"0-100-5", "0-101-6", "0-101-6"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(std::string(c.into) + " + " + c.other);
    auto into = GtidPosition::parse(c.into);
    const auto other = GtidPosition::parse(c.other);
    ASSERT_TRUE(into && other);
    into->merge(*other);
    EXPECT_EQ(into->to_string(), c.after);
    EXPECT_TRUE(into->covers(*other));
  }
}

}  // namespace
}  // namespace weir::health
