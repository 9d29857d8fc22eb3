// Whatever the input, the API returns a config or errors with places; it never throws or crashes.
#include <gtest/gtest.h>

#include <fstream>
#include <random>
#include <sstream>

#include "test_support.hpp"
#include "weir/config/config.hpp"

namespace weir::config {
namespace {

void expect_well_formed(const ConfigResult& r, const std::string& input) {
  ASSERT_NE(r.ok(), !r.errors.empty()) << input;
  for (const auto& e : r.errors) {
    EXPECT_FALSE(e.message.empty()) << input;
    EXPECT_GE(e.line, 0);
    EXPECT_GE(e.column, 0);
  }
}

TEST(Robustness, DeepNestingIsAnError) {
  const std::string deep = std::string(5000, '[') + std::string(5000, ']');
  const ConfigResult r = parse_config(deep, "weir.yaml");
  ASSERT_EQ(r.errors.size(), 1U);
  EXPECT_EQ(r.errors[0].to_string(), "weir.yaml: invalid YAML: nested too deeply");
}

TEST(Robustness, OddInputs) {
  for (const std::string& input :
       {std::string("\0\0\0", 3), std::string("~"), std::string("!!binary aGk="), std::string("? [a]\n: b\n"),
        std::string("a: &x [*x]\n"), std::string("monitor: *undefined\n"), std::string("\xff\xfe"), std::string("{{{{"),
        std::string("users: [[[]]]\n")}) {
    expect_well_formed(parse_config(input, "weir.yaml"), input);
  }
}

// Random byte edits of the example: a crude fuzzer that runs with the unit tests.
TEST(Robustness, MutatedExample) {
  testing::ScopedEnv app("WEIR_APP_PASSWORD", "a");
  testing::ScopedEnv monitor("WEIR_MONITOR_PASSWORD", "m");
  std::ifstream in(WEIR_EXAMPLE_CONFIG);
  std::stringstream buffer;
  buffer << in.rdbuf();
  const std::string example = buffer.str();
  ASSERT_FALSE(example.empty());
  std::mt19937 random(12345);  // fixed: a failure reproduces
  const char alphabet[] = " \n:-[]{}#&*!|>'\"%@`,?0a9.";
  for (int round = 0; round < 300; ++round) {
    std::string text = example;
    const int edits = 1 + static_cast<int>(random() % 4);
    for (int i = 0; i < edits; ++i) {
      const std::size_t at = random() % text.size();
      switch (random() % 3) {
        case 0: text.erase(at, 1 + random() % 8); break;
        case 1: text.insert(at, 1, alphabet[random() % (sizeof alphabet - 1)]); break;
        default: text[at] = alphabet[random() % (sizeof alphabet - 1)]; break;
      }
    }
    expect_well_formed(parse_config(text, "weir.yaml"), text);
  }
}

}  // namespace
}  // namespace weir::config
