// The one command-line convention, word by word, and the numbers commands read from it.
#include "weir/cli/parser.hpp"

#include <gtest/gtest.h>

#include "weir/cli/numbers.hpp"

namespace weir::cli {
namespace {

Command example() {
  Command c;
  c.name = "example";
  c.positionals = {{"N", "a count"}};
  c.option_groups = {{"options",
                      {{"dir", '\0', "DIR", "a directory"},
                       {"namespace", 'n', "NS", "a namespace"},
                       {"values", 'f', "FILE", "a file", "", true},
                       {"delete-data", '\0', "", "a flag"},
                       {"wait", '\0', "true|false", "a flag with a value", "", false, true}}}};
  return c;
}

TEST(Parser, LongShortInlineAndSeparateValues) {
  const auto r = parse(example(), {"3", "--dir", "d", "-n", "db", "-fa.yaml", "--values=b.yaml", "--delete-data"});
  ASSERT_EQ(r.error, "");
  EXPECT_FALSE(r.help);
  EXPECT_EQ(r.args.positional(), std::vector<std::string>{"3"});
  EXPECT_EQ(r.args.get("dir"), "d");
  EXPECT_EQ(r.args.get("namespace"), "db");
  EXPECT_EQ(r.args.all("values"), (std::vector<std::string>{"a.yaml", "b.yaml"}));
  EXPECT_TRUE(r.args.has("delete-data"));
  EXPECT_FALSE(r.args.has("wait"));
  EXPECT_EQ(r.args.get_or("missing", "fallback"), "fallback");
}

TEST(Parser, TheLastValueWinsAndOrderIsKept) {
  const auto r = parse(example(), {"1", "--dir", "a", "--wait=false", "--dir", "b", "--wait"});
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.args.get("dir"), "b");
  EXPECT_EQ(r.args.get("wait"), "");
  ASSERT_EQ(r.args.given().size(), 4U);
  EXPECT_EQ(r.args.given()[1], (std::pair<std::string, std::string>{"wait", "false"}));
}

TEST(Parser, DoubleDashEndsTheOptions) {
  const auto r = parse(example(), {"--", "-5"});
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.args.positional(), std::vector<std::string>{"-5"});
}

TEST(Parser, HelpAnywhereBeforeDoubleDash) {
  EXPECT_TRUE(parse(example(), {"--help"}).help);
  EXPECT_TRUE(parse(example(), {"--bogus", "-h"}).help);
  EXPECT_TRUE(parse(example(), {"3", "--dir", "x", "--help"}).help);
  EXPECT_FALSE(parse(example(), {"--", "--help"}).help);
}

TEST(Parser, MistakesNameTheWord) {
  EXPECT_EQ(parse(example(), {"1", "--nope"}).error, "unknown option '--nope'");
  EXPECT_EQ(parse(example(), {"1", "--nope=3"}).error, "unknown option '--nope'");
  EXPECT_EQ(parse(example(), {"1", "-x"}).error, "unknown option '-x'");
  EXPECT_EQ(parse(example(), {"1", "--dir"}).error, "option '--dir' needs a value (DIR)");
  EXPECT_EQ(parse(example(), {"1", "-n"}).error, "option '-n' needs a value (NS)");
  EXPECT_EQ(parse(example(), {"1", "--delete-data=yes"}).error, "option '--delete-data' takes no value, got 'yes'");
  EXPECT_EQ(parse(example(), {}).error, "missing N");
  EXPECT_EQ(parse(example(), {"1", "2"}).error, "unexpected argument '2'");
}

TEST(Numbers, WholeDecimalWordsWithinBounds) {
  EXPECT_EQ(parse_int("3306", 1, 65535), 3306);
  EXPECT_EQ(parse_int("0", 1, 65535), std::nullopt);
  EXPECT_EQ(parse_int("70000", 1, 65535), std::nullopt);
  EXPECT_EQ(parse_int("12a", 0, 100), std::nullopt);
  EXPECT_EQ(parse_int("", 0, 100), std::nullopt);
}

}  // namespace
}  // namespace weir::cli
