// weir's one JSON string escaper, byte for byte: what it escapes and how, what it passes through,
// and that the JSON log lines use it.
#include <gtest/gtest.h>

#include <cstdio>
#include <string>

#include "json/json_string.hpp"
#include "log/log.hpp"

namespace weir::json {
namespace {

std::string bytes(std::initializer_list<int> values) {
  std::string s;
  for (const int v : values) s += static_cast<char>(v);
  return s;
}

TEST(JsonString, QuotesAndEscapesQuoteAndBackslash) {
  EXPECT_EQ(string_literal(""), "\"\"");
  EXPECT_EQ(string_literal("plain text"), "\"plain text\"");
  EXPECT_EQ(string_literal("a\"b\\c"), R"("a\"b\\c")");
  EXPECT_EQ(string_literal("\\\\\"\""), R"("\\\\\"\"")");
  EXPECT_EQ(string_literal("/"), "\"/\"");  // a slash may stay as it is
}

TEST(JsonString, NamedEscapesForNewlineReturnAndTab) {
  EXPECT_EQ(string_literal("\t\r\n"), R"("\t\r\n")");
  EXPECT_EQ(string_literal("line one\nline two"), R"("line one\nline two")");
}

TEST(JsonString, EveryOtherControlCharacterAndDelAsUnicodeEscapes) {
  for (int c = 0; c < 0x20; ++c) {
    if (c == '\n' || c == '\r' || c == '\t') continue;
    char expected[16];
    std::snprintf(expected, sizeof expected, "\"\\u%04x\"", c);
    EXPECT_EQ(string_literal(bytes({c})), expected) << "byte " << c;
  }
  EXPECT_EQ(string_literal(bytes({0x00, 0x1f, 0x7f})), R"("\u0000\u001f\u007f")");
  EXPECT_EQ(string_literal(bytes({0x08, 0x0c, 0x1b})), R"("\u0008\u000c\u001b")");  // \b \f ESC, lowercase hex
  EXPECT_EQ(string_literal(std::string("a\0b", 3)), R"("a\u0000b")");               // NUL inside, not the end
}

TEST(JsonString, PrintableAsciiPassesThrough) {
  for (int c = 0x20; c < 0x7f; ++c) {
    if (c == '"' || c == '\\') continue;
    EXPECT_EQ(string_literal(bytes({c})), std::string("\"") + static_cast<char>(c) + "\"") << "byte " << c;
  }
}

TEST(JsonString, BytesFrom0x80PassThroughSoUtf8StaysUtf8) {
  EXPECT_EQ(string_literal("\xe2\x82\xac"), "\"\xe2\x82\xac\"");  // EURO SIGN
  // 2- and 4-byte sequences
  EXPECT_EQ(string_literal("caf\xc3\xa9 \xf0\x9f\x90\x9f"), "\"caf\xc3\xa9 \xf0\x9f\x90\x9f\"");
  for (int c = 0x80; c <= 0xff; ++c) {
    EXPECT_EQ(string_literal(bytes({c})), "\"" + bytes({c}) + "\"") << "byte " << c;
  }
}

TEST(JsonString, AppendAddsToWhatIsThere) {
  std::string out = "{\"k\":";
  append_string(out, "v\x7f");
  out += '}';
  EXPECT_EQ(out, R"({"k":"v\u007f"})");
}

TEST(JsonString, TheJsonLogFormatUsesIt) {
  const std::string line =
      log::format_line(log::Format::json, log::Level::warn, "m\"\x7f", {{"key\n", "caf\xc3\xa9\x01"}});
  EXPECT_NE(line.find(R"("msg":"m\"\u007f")"), std::string::npos) << line;
  EXPECT_NE(line.find(R"("key\n":"caf)"
                      "\xc3\xa9"
                      R"(\u0001")"),
            std::string::npos)
      << line;
}

}  // namespace
}  // namespace weir::json
