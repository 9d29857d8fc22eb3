#include "session/lexing_state.hpp"

#include <gtest/gtest.h>

namespace weir::session {
namespace {

route::SessionView after(const std::optional<std::string>& answer) {
  route::SessionView view;
  apply_lexing_state(view, answer);
  return view;
}

TEST(LexingState, ReadsTheServersAnswer) {
  auto view =
      after("STRICT_TRANS_TABLES,ERROR_FOR_DIVISION_BY_ZERO,NO_AUTO_CREATE_USER,NO_ENGINE_SUBSTITUTION|utf8mb4");
  EXPECT_TRUE(view.sql_mode_known);
  EXPECT_FALSE(view.ansi_quotes);
  EXPECT_FALSE(view.client_charset_backslash_trail_bytes);

  view = after("REAL_AS_FLOAT,PIPES_AS_CONCAT,ANSI_QUOTES,IGNORE_SPACE,ANSI|latin1");  // SET sql_mode='ANSI'
  EXPECT_TRUE(view.sql_mode_known);
  EXPECT_TRUE(view.ansi_quotes);

  view = after("PIPES_AS_CONCAT,ANSI_QUOTES,IGNORE_SPACE,MSSQL|utf8mb4");  // SET sql_mode='MSSQL'
  EXPECT_TRUE(view.ansi_quotes);
  EXPECT_TRUE(view.mssql_brackets);
  EXPECT_FALSE(view.no_backslash_escapes);
  EXPECT_TRUE(after("NO_BACKSLASH_ESCAPES|utf8mb4").no_backslash_escapes);

  view = after("ANSI_QUOTES|gbk");
  EXPECT_TRUE(view.ansi_quotes);
  EXPECT_TRUE(view.client_charset_backslash_trail_bytes);

  view = after("|sjis");  // an empty sql_mode
  EXPECT_TRUE(view.sql_mode_known);
  EXPECT_FALSE(view.ansi_quotes);
  EXPECT_TRUE(view.client_charset_backslash_trail_bytes);
}

TEST(LexingState, NoAnswerIsTheCautiousReading) {
  route::SessionView view;
  view.sql_mode_known = true;
  apply_lexing_state(view, std::nullopt);
  EXPECT_FALSE(view.sql_mode_known);
  EXPECT_TRUE(view.client_charset_backslash_trail_bytes);
  apply_lexing_state(view, std::string("no bar in it"));
  EXPECT_FALSE(view.sql_mode_known);
}

TEST(LexingState, ANameThatOnlyContainsAFlagIsNotThatFlag) {
  EXPECT_FALSE(after("NOT_ANSI_QUOTES_REALLY|utf8mb4").ansi_quotes);
  EXPECT_TRUE(after("ansi_quotes|utf8mb4").ansi_quotes);
}

TEST(LexingState, CharsetsWhoseCharactersMayEndInAsciiBytes) {
  for (const char* unsafe : {"big5", "cp932", "gbk", "sjis", "gb18030", "BIG5", "some_future_charset"}) {
    EXPECT_TRUE(charset_has_ascii_trail_bytes(unsafe)) << unsafe;
  }
  for (const char* safe :
       {"utf8mb4", "utf8mb3", "utf8", "latin1", "binary", "ascii", "ujis", "euckr", "gb2312", "UTF8MB4"}) {
    EXPECT_FALSE(charset_has_ascii_trail_bytes(safe)) << safe;
  }
}

}  // namespace
}  // namespace weir::session
