#include "weir/route/lexer.hpp"

#include <gtest/gtest.h>

#include <string>

namespace weir::route {
namespace {

// "word(SELECT) number(1)" or "... error(unterminated string@7)"
std::string lex_all(std::string_view sql, LexOptions options) {
  Lexer lexer(sql, options);
  std::string out;
  for (Token t = lexer.next(); t.kind != TokenKind::end; t = lexer.next()) {
    if (!out.empty()) out += ' ';
    out += std::string(to_string(t.kind)) + "(" + std::string(t.text) + ")";
    if (sql.substr(t.offset, t.text.size()) != t.text) out += "<bad offset>";
  }
  if (lexer.error() != LexError::none) {
    if (!out.empty()) out += ' ';
    out += "error(" + std::string(to_string(lexer.error())) + "@" + std::to_string(lexer.error_offset()) + ")";
  }
  if (lexer.saw_primary_hint()) out += " +hint";
  return out;
}

struct LexCase {
  const char* name;
  const char* sql;
  LexOptions options;
  const char* tokens;
};

void PrintTo(const LexCase& c, std::ostream* os) { *os << c.sql; }

class LexerTable : public ::testing::TestWithParam<LexCase> {};

TEST_P(LexerTable, Tokens) {
  EXPECT_EQ(lex_all(GetParam().sql, GetParam().options), GetParam().tokens) << GetParam().sql;
}

constexpr LexOptions kDefault{};
constexpr LexOptions kNoBackslash{true, false};
constexpr LexOptions kAnsi{false, true};
constexpr LexOptions kMariaDb1011{false, false, true, 101106, false};
constexpr LexOptions kMariaDb55{false, false, true, 50500, false};
constexpr LexOptions kMySql80{false, false, false, 80035, false};
constexpr LexOptions kConditionalAsComments{false, false, true, 0, true};
constexpr LexOptions kAnsiUnknown{false, false, true, 0, false, true, false};
constexpr LexOptions kMultibyte{false, false, true, 0, false, false, true};
constexpr LexOptions kMssql{false, true, true, 0, false, false, false, true};
constexpr LexOptions kMssqlMultibyte{false, true, true, 0, false, false, true, true};

const LexCase kLexCases[] = {
    {"Empty", "", kDefault, ""},
    {"OnlySpace", " \t\r\n\f\v", kDefault, ""},
    {"Keywords", "SELECT a FROM t", kDefault, "word(SELECT) word(a) word(FROM) word(t)"},
    {"Punctuation", "f(a,b);", kDefault, "word(f) lparen(() word(a) comma(,) word(b) rparen()) semicolon(;)"},
    {"QualifiedName", "db.t.c", kDefault, "word(db) dot(.) word(t) dot(.) word(c)"},
    {"Numbers", "1 12.5 .5 1e3 1.5e-3", kDefault, "number(1) number(12.5) number(.5) number(1e3) number(1.5e-3)"},
    {"DigitLeadingIdentifier", "1abc 0x1F", kDefault, "word(1abc) word(0x1F)"},
    {"SingleQuoted", "'a b'", kDefault, "string('a b')"},
    {"DoubledQuote", "'it''s'", kDefault, "string('it''s')"},
    {"BackslashQuote", R"('a\'b')", kDefault, R"(string('a\'b'))"},
    {"BackslashBackslash", R"('a\\' x)", kDefault, R"(string('a\\') word(x))"},
    {"NoBackslashEscapes", R"('a\' x)", kNoBackslash, R"(string('a\') word(x))"},
    {"DoubleQuotedString", R"("a""b")", kDefault, R"(string("a""b"))"},
    {"AnsiQuotesIdentifier", R"("t")", kAnsi, R"(quoted_ident("t"))"},
    {"Backticks", "`a``b` `select`", kDefault, "quoted_ident(`a``b`) quoted_ident(`select`)"},
    {"BackslashInBackticksIsLiteral", R"(`a\` x)", kDefault, R"(quoted_ident(`a\`) word(x))"},
    {"UserVariables", "@a @a.b @'q w' @`b`", kDefault, "user_var(@a) user_var(@a.b) user_var(@'q w') user_var(@`b`)"},
    {"SystemVariables", "@@x @@session.y @@GLOBAL.z", kDefault,
     "sys_var(@@x) sys_var(@@session.y) sys_var(@@GLOBAL.z)"},
    {"LoneAt", "@ x", kDefault, "operator(@) word(x)"},
    {"AssignAndEquals", "@v:=1 = :", kDefault, "user_var(@v) assign(:=) number(1) equals(=) operator(:)"},
    {"Params", "a=? AND b=?", kDefault, "word(a) equals(=) param(?) word(AND) word(b) equals(=) param(?)"},
    {"Operators", "a<>b", kDefault, "word(a) operator(<) operator(>) word(b)"},
    {"DashDashComment", "a -- c\nb", kDefault, "word(a) word(b)"},
    {"DashDashTab", "a --\tc\nb", kDefault, "word(a) word(b)"},
    {"DashDashAtEnd", "a --", kDefault, "word(a)"},
    {"DashDashWithoutSpaceIsMinus", "a --b", kDefault, "word(a) operator(-) operator(-) word(b)"},
    {"HashComment", "a # c\nb", kDefault, "word(a) word(b)"},
    {"BlockComment", "a /* c */ b", kDefault, "word(a) word(b)"},
    {"BlockCommentsDoNotNest", "a /* /* */ b */", kDefault, "word(a) word(b) operator(*) operator(/)"},
    {"OptimizerHintIsComment", "SELECT /*+ NO_ICP(t) */ 1", kDefault, "word(SELECT) number(1)"},
    {"ExecutableComment", "a /*! b */ c", kDefault, "word(a) word(b) word(c)"},
    {"VersionedExecutableComment", "a /*!50100 b */ c", kDefault, "word(a) word(b) word(c)"},
    {"MariaDbExecutableComment", "a /*M!100100 b */ c", kDefault, "word(a) word(b) word(c)"},
    {"MariaDbExecutableNoVersion", "/*M! b*/", kDefault, "word(b)"},
    {"VersionRunByServer", "a /*!50100 b */ c", kMariaDb1011, "word(a) word(b) word(c)"},
    {"VersionNewerThanServer", "a /*!100100 b */ c", kMariaDb55, "word(a) word(c)"},
    {"SixDigitVersion", "a /*!101107 b */ c", kMariaDb1011, "word(a) word(c)"},
    {"MariaDbCommentOnMySql", "a /*M! b */ c", kMySql80, "word(a) word(c)"},
    {"MariaDbCommentOnMariaDb", "a /*M!100000 b */ c", kMariaDb1011, "word(a) word(b) word(c)"},
    {"UnversionedAlwaysRuns", "a /*! b */ c", kConditionalAsComments, "word(a) word(b) word(c)"},
    {"ConditionalAsComments", "a /*!40101 b */ /*M! d */ c", kConditionalAsComments, "word(a) word(c)"},
    {"NotRunCommentEndsAtFirstClose", "/*!99999 'x */ y", kMariaDb1011, "word(y)"},
    {"MySql57CommentSkippedByMariaDb", "a /*!50700 b */ c", kMariaDb1011, "word(a) word(c)"},
    {"MySql56CommentRunByMariaDb", "a /*!50699 b */ c", kMariaDb1011, "word(a) word(b) word(c)"},
    {"MySql57CommentRunByMySql", "a /*!50700 b */ c", kMySql80, "word(a) word(b) word(c)"},
    {"FourDigitsAreNotAVersion", "/*!5010 b */", kMariaDb1011, "number(5010) word(b)"},
    {"SevenDigitsVersionAndSql", "/*!1001001 b */", kMariaDb1011, "number(1) word(b)"},
    {"StringInsideExecutableComment", "/*! 'x */ y' */", kDefault, "string('x */ y')"},
    {"CommentInsideExecutableComment", "/*! a /* b */ c */ d", kDefault, "word(a) word(c) word(d)"},
    {"KeywordInString", "'FOR UPDATE'", kDefault, "string('FOR UPDATE')"},
    {"KeywordInComment", "x /* FOR UPDATE */", kDefault, "word(x)"},
    {"AmbiguousDoubleQuoteBackslash", R"("a\"b")", kAnsiUnknown, "error(ambiguous quoting@2)"},
    {"DoubleQuoteWithoutBackslashIsFine", R"("a""b" x)", kAnsiUnknown, R"(string("a""b") word(x))"},
    {"BackslashAfterMultibyteLead", "'a\xbf\\' x", kMultibyte, "error(ambiguous quoting@2)"},
    {"MultibyteWithoutBackslashIsFine", "'\xc3\xa9' x", kMultibyte, "string('\xc3\xa9') word(x)"},
    {"NoEscapesButBracket", "[\xa1]] x", kMssqlMultibyte, "error(ambiguous quoting@1)"},
    {"MultibyteCharacterMayEatABacktick", "`\xa1` x", kMultibyte, "error(ambiguous quoting@1)"},
    {"MultibyteCharacterInAWord", "a\xa1` x", kMultibyte, "error(ambiguous byte@1)"},
    {"MultibyteWordIsFine",
     "\xa1\xa1"
     "a \xa1",
     kMultibyte,
     "word(\xa1\xa1"
     "a) word(\xa1)"},
    {"MultibyteCharacterInAVariable", "@a\xa1` x", kMultibyte, "error(ambiguous byte@2)"},
    {"AsciiIsFineInBig5Family", "SELECT 'a\\'' x", kMultibyte, "word(SELECT) string('a\\'') word(x)"},
    {"HighByteInCommentIsFineInBig5Family", "a /* \xbf' */ # \xbf`\nb", kMultibyte, "word(a) word(b)"},
    {"UnterminatedString", "SELECT 'abc", kDefault, "word(SELECT) error(unterminated string@7)"},
    {"UnterminatedByBackslash", R"(SELECT 'abc\')", kDefault, "word(SELECT) error(unterminated string@7)"},
    {"UnterminatedDoubleQuoted", "SELECT \"abc", kDefault, "word(SELECT) error(unterminated string@7)"},
    {"UnterminatedBacktick", "SELECT `abc", kDefault, "word(SELECT) error(unterminated quoted identifier@7)"},
    {"UnterminatedComment", "SELECT /* abc", kDefault, "word(SELECT) error(unterminated comment@7)"},
    {"UnterminatedExecutableComment", "SELECT /*! abc", kDefault,
     "word(SELECT) word(abc) error(unterminated comment@14)"},
    {"UnterminatedUserVarName", "@'abc", kDefault, "error(unterminated string@1)"},
    {"TrailingBackslash", "'\\", kDefault, "error(unterminated string@0)"},
    {"Utf8Identifier", "SELECT \xc3\xa9t\xc3\xa9", kDefault, "word(SELECT) word(\xc3\xa9t\xc3\xa9)"},
    // Where the server reads comments, strings and identifiers otherwise (issue 15).
    {"DashDashNewline", "a --\nb", kDefault, "word(a) word(b)"},
    {"DashDashControlByte", "a --\x01 c\nb", kDefault, "word(a) word(b)"},
    {"DashDashDelIsAmbiguous", "a --\x7f c\nb", kDefault, "word(a) error(ambiguous comment@2)"},
    {"DashDashNbspIsAmbiguous", "a --\xa0 c\nb", kDefault, "word(a) error(ambiguous comment@2)"},
    {"DashDashHighByteIsAmbiguous", "a --\xc3\xa9\nb", kDefault, "word(a) error(ambiguous comment@2)"},
    {"NbspIsSpaceInLatin1", "FOR\xa0UPDATE", kDefault, "error(ambiguous byte@3)"},
    {"YdiaeresisIsSpaceInCp850", "a INTO\xff@v", kDefault, "word(a) error(ambiguous byte@6)"},
    {"NbspInAVariable",
     "@a\xa0"
     "b",
     kDefault, "error(ambiguous byte@2)"},
    {"OtherHighBytesFormWords", "\xc3\xa9 \xd7", kDefault, "word(\xc3\xa9) word(\xd7)"},
    {"NestedCommentInSkippedVersionedComment", "a /*!99999 /* */ 'x */ b", kMariaDb1011, "word(a) word(b)"},
    {"NestedCommentInConditionalAsComment", "a /*!99999 /* */ 'x */ b", kConditionalAsComments, "word(a) word(b)"},
    {"NestedSlashStarSlash", "a /*!99999 /*/ */ x */ b", kMariaDb1011, "word(a) word(b)"},
    {"OnlyOneNestingLevel", "a /*!99999 /* /* */ x */ b", kMariaDb1011, "word(a) word(b)"},
    {"UnterminatedNestedComment", "a /*!99999 /* */", kMariaDb1011, "word(a) error(unterminated comment@2)"},
    {"PlainCommentDoesNotNest", "a /* /* */ 'x */ b", kDefault, "word(a) error(unterminated string@11)"},
    {"MariaDbCommentOfMySql57VersionRuns", "a /*M!50700 b */ c", kMariaDb1011, "word(a) word(b) word(c)"},
    {"MariaDbCommentOnMySqlDoesNotNest", "a /*M! /* */ b", kMySql80, "word(a) word(b)"},
    {"SemicolonInExecutableComment", "/*! a; b */", kDefault, "word(a) error(ambiguous byte@5)"},
    {"ControlByteIsAnOperator", "a\x01 b", kDefault, "word(a) operator(\x01) word(b)"},
    {"BacktickUserVariableHasNoEscapes", "@`a\\` x `", kDefault,
     "user_var(@`a\\`) word(x) error(unterminated quoted identifier@8)"},
    {"AnsiUserVariableHasNoEscapes", "@\"a\\\" x", kAnsi, "user_var(@\"a\\\") word(x)"},
    {"QuotedUserVariableEscapes", "@'a\\'' x", kDefault, "user_var(@'a\\'') word(x)"},
    {"AmbiguousUserVariable", "@\"a\\\" x", kAnsiUnknown, "error(ambiguous quoting@3)"},
    {"MssqlBrackets", "[a;b] [c]]d] [e\\] x", kMssql,
     "quoted_ident([a;b]) quoted_ident([c]]d]) quoted_ident([e\\]) word(x)"},
    {"UnterminatedBracket", "[a", kMssql, "error(unterminated quoted identifier@0)"},
    {"BracketIsOperatorOutsideMssql", "[a;b]", kDefault, "operator([) word(a) semicolon(;) word(b) operator(])"},
    {"BracketWithSqlModeUnknown", "a [b]", kAnsiUnknown, "word(a) error(ambiguous byte@2)"},
    {"HintBlock", "/* weir:primary */ SELECT 1", kDefault, "word(SELECT) number(1) +hint"},
    {"HintLine", "-- WEIR:PRIMARY\nSELECT 1", kDefault, "word(SELECT) number(1) +hint"},
    {"HintHash", "# weir:primary\nSELECT 1", kDefault, "word(SELECT) number(1) +hint"},
    {"HintInStringIsNoHint", "SELECT '/* weir:primary */'", kDefault, "word(SELECT) string('/* weir:primary */')"},
};

INSTANTIATE_TEST_SUITE_P(Lexer, LexerTable, ::testing::ValuesIn(kLexCases),
                         [](const ::testing::TestParamInfo<LexCase>& param) { return std::string(param.param.name); });

TEST(Lexer, NulByte) {
  using namespace std::string_literals;
  // The server may take a NUL for the end of the statement, and ends line comments and quoted
  // identifiers there; in strings and block comments it is an ordinary byte.
  EXPECT_EQ(lex_all("a\0b"s, {}), "word(a) error(ambiguous byte@1)");
  EXPECT_EQ(lex_all("a # \0\nb"s, {}), "word(a) error(ambiguous comment@4)");
  EXPECT_EQ(lex_all("a --\0\nb"s, {}), "word(a) error(ambiguous comment@4)");
  EXPECT_EQ(lex_all("`a\0` b"s, {}), "error(ambiguous quoting@2)");
  EXPECT_EQ(lex_all("'a\0' /* \0 */ b"s, {}), "string('a\0'"s + ") word(b)");
}

TEST(Lexer, EndIsSticky) {
  Lexer lexer("x");
  EXPECT_EQ(lexer.next().kind, TokenKind::word);
  EXPECT_EQ(lexer.next().kind, TokenKind::end);
  EXPECT_EQ(lexer.next().kind, TokenKind::end);
}

TEST(Lexer, NeverReadsPastTheEndOfAView) {
  // The view ends inside the quotes and comments; bytes after it must not be consulted.
  const std::string backing = "SELECT 'ab' /* c */";
  for (std::size_t n = 0; n <= backing.size(); ++n) {
    Lexer lexer(std::string_view(backing).substr(0, n));
    std::size_t guard = 0;
    for (Token t = lexer.next(); t.kind != TokenKind::end && guard < 100; t = lexer.next(), ++guard) {
      EXPECT_LE(t.offset + t.text.size(), n);
    }
    EXPECT_LT(guard, 100u);
  }
}

TEST(IdentifierEquals, HandlesQuotesAndCase) {
  EXPECT_TRUE(identifier_equals(Token{TokenKind::word, "Orders", 0}, "orders"));
  EXPECT_TRUE(identifier_equals(Token{TokenKind::quoted_ident, "`a``b`", 0}, "a`b"));
  EXPECT_FALSE(identifier_equals(Token{TokenKind::quoted_ident, "`a``b`", 0}, "a``b"));
  EXPECT_FALSE(identifier_equals(Token{TokenKind::quoted_ident, "`ab`", 0}, "abc"));
  EXPECT_FALSE(identifier_equals(Token{TokenKind::string, "'t'", 0}, "t"));
  EXPECT_EQ(identifier_name(Token{TokenKind::quoted_ident, "`a``b`", 0}), "a`b");
  EXPECT_EQ(identifier_name(Token{TokenKind::word, "t1", 0}), "t1");
}

}  // namespace
}  // namespace weir::route
