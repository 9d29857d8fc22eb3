#pragma once
// A small SQL lexer for routing decisions, not a parser. It knows exactly as much of the MariaDB /
// MySQL token grammar as is needed to never mistake a string, identifier or comment for a keyword.
// Tokens are views into the input: no allocation per token, no reads past the end. An unterminated
// string, quoted identifier or comment is an error (the statement cannot be proven read-safe).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace weir::route {

enum class TokenKind : std::uint8_t {
  end,           // end of input (or of the statement after an error)
  word,          // keyword or unquoted identifier: [A-Za-z0-9_$] and bytes >= 0x80
  quoted_ident,  // `name` ("name" under ANSI_QUOTES, [name] under MSSQL); text keeps the quotes
  string,        // 'text' or "text"; text keeps the quotes
  number,        // 12, 1.5, .5, 1e3
  user_var,      // @name, @'name', @`name`
  sys_var,       // @@name, @@session.name, @@global.name
  param,         // ? placeholder
  l_paren,
  r_paren,
  comma,
  dot,
  semicolon,
  assign,     // :=
  equals,     // =
  operator_,  // any other punctuation (one or more characters)
};

std::string_view to_string(TokenKind kind);

struct Token {
  TokenKind kind = TokenKind::end;
  std::string_view text;
  std::size_t offset = 0;

  // Case-insensitive comparison of a Word with an upper-case keyword.
  bool is(std::string_view upper_keyword) const {
    if (kind != TokenKind::word || text.size() != upper_keyword.size()) return false;
    for (std::size_t i = 0; i < text.size(); ++i) {
      const char c = text[i];
      if (((c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c) != upper_keyword[i]) return false;
    }
    return true;
  }
  bool is(TokenKind k) const { return kind == k; }
};

enum class LexError : std::uint8_t {
  none,
  unterminated_string,
  unterminated_identifier,
  unterminated_comment,
  ambiguous_quoting,  // the server may end this string elsewhere (sql_mode or charset unknown)
  ambiguous_comment,  // the server may start or end this comment elsewhere (`--` + 0x7f, a NUL byte)
  ambiguous_byte,     // a byte the server may read otherwise: NUL, 0xA0/0xFF, a byte of a multibyte
                      // character, `[` while sql_mode is unknown, `;` inside /*! */
};

std::string_view to_string(LexError error);

struct LexOptions {
  bool no_backslash_escapes = false;  // sql_mode NO_BACKSLASH_ESCAPES (server status flag)
  bool ansi_quotes = false;           // sql_mode ANSI_QUOTES: "x" is an identifier
  // Which executable comments the server runs: /*! ... */ always; /*!NNNNN ... */ (5 or 6 digits)
  // when NNNNN <= server_version (major*10000 + minor*100 + patch, 10.11.6 -> 101106), except that
  // MariaDB skips 5-digit versions >= 50700 (MySQL 5.7+); /*M! ... */ and /*M!NNNNNN ... */ only on
  // MariaDB. Those the server does not run are plain comments, ending at the first */.
  bool mariadb = true;
  std::uint32_t server_version = 0;      // 0: unknown, every executable comment is lexed as SQL
  bool conditional_as_comments = false;  // lex every versioned or /*M! comment as a plain comment
  // sql_mode is not known: under ANSI_QUOTES "a\" is an identifier, otherwise the \ escapes the
  // quote, so a double-quoted token with a backslash is ambiguous; under MSSQL `[` opens an
  // identifier, so `[` outside strings and comments is ambiguous.
  bool sql_mode_unknown = false;
  // character_set_client is big5, cp932, gbk, sjis or gb18030, where the second byte of a character
  // may be `\`, `` ` `` or another ASCII byte from 0x40: the server reads strings and identifiers
  // character by character, so a byte >= 0x80 followed by a byte that ends weir's word, string or
  // identifier there (or by a backslash in a string) is ambiguous.
  bool backslash_trail_bytes = false;
  bool mssql_brackets = false;  // sql_mode MSSQL (MariaDB): [x] is an identifier, ]] inside is ]
};

// The marker of the routing hint comment: /* weir:primary */ or -- weir:primary
inline constexpr std::string_view kPrimaryHint = "weir:primary";

class Lexer {
 public:
  explicit Lexer(std::string_view sql, LexOptions options = {}) : sql_(sql), options_(options) {}

  // The next token; End at the end of input and forever after an error.
  Token next();

  LexError error() const { return error_; }
  std::size_t error_offset() const { return error_offset_; }
  // True once a comment (not an executable one) containing kPrimaryHint was skipped.
  bool saw_primary_hint() const { return saw_primary_hint_; }
  // True once a versioned or /*M! comment was lexed as SQL without knowing the server version:
  // whether the server runs it is unknown.
  bool saw_conditional_comment() const { return saw_conditional_comment_; }
  std::size_t position() const { return pos_; }

 private:
  void skip_space_and_comments();
  bool skip_block_comment();  // at "/*"; false on error
  bool skip_line_comment();   // false on error
  std::size_t comment_end(std::size_t i, int nesting) const;
  void note_comment(std::size_t begin, std::size_t end);
  Token quoted(TokenKind kind, char close, LexError on_unterminated);
  Token quoted_at(char open);  // a string or quoted identifier opened by ' " ` or [
  bool ambiguous_in_word(std::size_t i) const;
  Token word_or_number();
  Token word_or_number_unchecked();
  Token variable();
  Token fail(LexError error, std::size_t at);
  bool at(std::size_t i, char c) const { return i < sql_.size() && sql_[i] == c; }

  std::string_view sql_;
  std::size_t pos_ = 0;
  LexOptions options_;
  LexError error_ = LexError::none;
  std::size_t error_offset_ = 0;
  bool in_executable_comment_ = false;
  bool saw_primary_hint_ = false;
  bool saw_conditional_comment_ = false;
};

// True for bytes that may appear in an unquoted identifier.
inline bool is_identifier_byte(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '$' ||
         static_cast<unsigned char>(c) >= 0x80;
}

// Compares an identifier token (Word, or QuotedIdent with its quotes and doubled quotes) with a
// plain name, ASCII case-insensitively, without allocating.
bool identifier_equals(const Token& token, std::string_view name);

// The plain name of an identifier token: quotes removed, doubled quotes undone.
std::string identifier_name(const Token& token);

}  // namespace weir::route
