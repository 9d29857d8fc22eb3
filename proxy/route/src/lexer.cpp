#include "weir/route/lexer.hpp"

namespace weir::route {
namespace {

char upper(char c) { return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

bool contains_ci(std::string_view haystack, std::string_view needle) {
  if (needle.size() > haystack.size()) return false;
  for (std::size_t i = 0; i + needle.size() <= haystack.size(); ++i) {
    std::size_t j = 0;
    while (j < needle.size() && upper(haystack[i + j]) == upper(needle[j])) ++j;
    if (j == needle.size()) return true;
  }
  return false;
}

}  // namespace

std::string_view to_string(TokenKind kind) {
  switch (kind) {
    case TokenKind::end: return "end";
    case TokenKind::word: return "word";
    case TokenKind::quoted_ident: return "quoted_ident";
    case TokenKind::string: return "string";
    case TokenKind::number: return "number";
    case TokenKind::user_var: return "user_var";
    case TokenKind::sys_var: return "sys_var";
    case TokenKind::param: return "param";
    case TokenKind::l_paren: return "lparen";
    case TokenKind::r_paren: return "rparen";
    case TokenKind::comma: return "comma";
    case TokenKind::dot: return "dot";
    case TokenKind::semicolon: return "semicolon";
    case TokenKind::assign: return "assign";
    case TokenKind::equals: return "equals";
    case TokenKind::operator_: return "operator";
  }
  return "?";
}

std::string_view to_string(LexError error) {
  switch (error) {
    case LexError::none: return "none";
    case LexError::unterminated_string: return "unterminated string";
    case LexError::unterminated_identifier: return "unterminated quoted identifier";
    case LexError::unterminated_comment: return "unterminated comment";
    case LexError::ambiguous_quoting: return "ambiguous quoting";
    case LexError::ambiguous_comment: return "ambiguous comment";
    case LexError::ambiguous_byte: return "ambiguous byte";
  }
  return "?";
}

bool identifier_equals(const Token& token, std::string_view name) {
  if (token.kind == TokenKind::word) {
    if (token.text.size() != name.size()) return false;
    for (std::size_t i = 0; i < name.size(); ++i) {
      if (upper(token.text[i]) != upper(name[i])) return false;
    }
    return true;
  }
  if (token.kind != TokenKind::quoted_ident || token.text.size() < 2) return false;
  const char quote = token.text.back();
  const std::string_view inner = token.text.substr(1, token.text.size() - 2);
  std::size_t n = 0;
  for (std::size_t i = 0; i < inner.size(); ++i, ++n) {
    if (n >= name.size() || upper(inner[i]) != upper(name[n])) return false;
    if (inner[i] == quote) ++i;  // a doubled quote stands for one
  }
  return n == name.size();
}

std::string identifier_name(const Token& token) {
  if (token.kind != TokenKind::quoted_ident || token.text.size() < 2) return std::string(token.text);
  const char quote = token.text.back();
  const std::string_view inner = token.text.substr(1, token.text.size() - 2);
  std::string out;
  out.reserve(inner.size());
  for (std::size_t i = 0; i < inner.size(); ++i) {
    out.push_back(inner[i]);
    if (inner[i] == quote) ++i;
  }
  return out;
}

Token Lexer::fail(LexError error, std::size_t at) {
  error_ = error;
  error_offset_ = at;
  pos_ = sql_.size();
  return Token{TokenKind::end, {}, at};
}

void Lexer::note_comment(std::size_t begin, std::size_t end) {
  if (contains_ci(sql_.substr(begin, end - begin), kPrimaryHint)) saw_primary_hint_ = true;
}

bool Lexer::skip_line_comment() {
  const std::size_t begin = pos_;
  while (pos_ < sql_.size() && sql_[pos_] != '\n') {
    // The server ends a line comment at a NUL byte too, and then reads the NUL as a token.
    if (sql_[pos_] == '\0') {
      fail(LexError::ambiguous_comment, pos_);
      return false;
    }
    ++pos_;
  }
  note_comment(begin, pos_);
  return true;
}

// Where a comment the server skips ends: after the first "*/", except that a skipped versioned
// comment may hold one plain comment (`/*!99999 /* */ still skipped */`, the server's
// consume_comment with one level of nesting). npos when unterminated.
std::size_t Lexer::comment_end(std::size_t i, int nesting) const {
  while (i < sql_.size()) {
    const char c = sql_[i++];
    if (nesting > 0 && c == '/' && at(i, '*')) {
      i = comment_end(i + 1, nesting - 1);
      if (i == std::string_view::npos) return i;
    } else if (c == '*' && at(i, '/')) {
      return i + 1;
    }
  }
  return std::string_view::npos;
}

bool Lexer::skip_block_comment() {
  const std::size_t begin = pos_;
  // Executable comments: /*! ... */, /*!50100 ... */, /*M! ... */, /*M!100100 ... */. Their
  // content is SQL the server runs, so it is lexed like the text around it.
  std::size_t marker = pos_ + 2;
  const bool mariadb_only = at(marker, 'M') && at(marker + 1, '!');
  if (mariadb_only) ++marker;
  int nesting = 0;
  if (at(marker, '!')) {
    // A version is 5 or 6 digits (6 when a sixth follows); fewer digits are SQL, not a version.
    std::size_t p = marker + 1;
    int digits = 0;
    while (digits < 6 && p + digits < sql_.size() && is_digit(sql_[p + digits])) ++digits;
    if (digits < 5) digits = 0;
    std::uint32_t version = 0;
    for (int i = 0; i < digits; ++i, ++p) version = version * 10 + static_cast<std::uint32_t>(sql_[p] - '0');
    const bool conditional = mariadb_only || digits > 0;
    bool executed = true;
    if (conditional && options_.conditional_as_comments) {
      executed = false;
    } else if (conditional && options_.server_version == 0) {
      saw_conditional_comment_ = true;
    } else if (conditional) {
      // MariaDB skips 5-digit versions from 50700 on (MySQL 5.7+), but not in /*M!50700 */.
      const bool mysql_57_plus = options_.mariadb && !mariadb_only && digits == 5 && version >= 50700;
      executed =
          (!mariadb_only || options_.mariadb) && !mysql_57_plus && (digits == 0 || version <= options_.server_version);
    }
    if (executed) {
      pos_ = p;
      in_executable_comment_ = true;
      return true;
    }
    // MySQL does not know /*M!: there it is a plain comment, without nesting.
    nesting = (!mariadb_only || options_.mariadb) ? 1 : 0;
  }
  const std::size_t end = comment_end(pos_ + 2, nesting);
  if (end == std::string_view::npos) {
    fail(LexError::unterminated_comment, begin);
    return false;
  }
  note_comment(begin, end);
  pos_ = end;
  return true;
}

void Lexer::skip_space_and_comments() {
  while (pos_ < sql_.size()) {
    const char c = sql_[pos_];
    if (is_space(c)) {
      ++pos_;
    } else if (c == '#') {
      if (!skip_line_comment()) return;
    } else if (c == '-' && at(pos_ + 1, '-')) {
      // The server starts a comment at "--" followed by a space or control character of the client
      // charset: 0x00-0x20 in all of them; 0x7f, 0xa0, 0xff and others in some (measured on
      // MariaDB 10.11 for every client charset), so those are ambiguous.
      const auto next = pos_ + 2 < sql_.size() ? static_cast<unsigned char>(sql_[pos_ + 2]) : 0;
      if (next == 0x7f || next >= 0x80) {
        fail(LexError::ambiguous_comment, pos_);
        return;
      }
      if (next > 0x20) return;
      if (!skip_line_comment()) return;
    } else if (c == '/' && at(pos_ + 1, '*')) {
      if (!skip_block_comment()) return;
    } else if (in_executable_comment_ && c == '*' && at(pos_ + 1, '/')) {
      in_executable_comment_ = false;
      pos_ += 2;
    } else {
      return;
    }
  }
}

// 0xA0 and 0xFF are spaces in latin1, cp1250, cp850 and other single-byte client charsets, and bytes
// of a character in utf8mb4: the server may end a word there. In big5, gbk, sjis, cp932 and
// gb18030 a byte >= 0x80 may start a character whose second byte is ASCII (0x40-0x7e): the server
// keeps a following `\`, `` ` ``, `[`, `@`, ... inside the word.
bool Lexer::ambiguous_in_word(std::size_t i) const {
  const auto b = static_cast<unsigned char>(sql_[i]);
  if (b == 0xa0 || b == 0xff) return true;
  if (!options_.backslash_trail_bytes || b < 0x80 || i + 1 >= sql_.size()) return false;
  const char next = sql_[i + 1];
  return next >= 0x40 && next < 0x7f && !is_identifier_byte(next);
}

Token Lexer::quoted(TokenKind kind, char close, LexError on_unterminated) {
  const std::size_t begin = pos_;
  const bool backslash = kind == TokenKind::string && !options_.no_backslash_escapes;
  const bool ambiguous_backslash = backslash && close == '"' && options_.sql_mode_unknown;
  std::size_t i = pos_ + 1;
  while (true) {
    if (i >= sql_.size()) return fail(on_unterminated, begin);
    const char c = sql_[i];
    // In big5, gbk, sjis, cp932 and gb18030 a byte >= 0x80 may start a character whose second
    // byte is the `\` or the closing quote weir would see next ('"' and '\'' are never second bytes).
    if (options_.backslash_trail_bytes && static_cast<unsigned char>(c) >= 0x80 &&
        ((backslash && at(i + 1, '\\')) || (close >= 0x40 && at(i + 1, close)))) {
      return fail(LexError::ambiguous_quoting, i);
    }
    // The server reads a quoted identifier up to a NUL byte (a string, not).
    if (kind == TokenKind::quoted_ident && c == '\0') return fail(LexError::ambiguous_quoting, i);
    if (backslash && c == '\\') {
      if (ambiguous_backslash) return fail(LexError::ambiguous_quoting, i);
      i += 2;
    } else if (c == close) {
      if (!at(i + 1, close)) break;
      i += 2;
    } else {
      ++i;
    }
  }
  pos_ = i + 1;
  return Token{kind, sql_.substr(begin, pos_ - begin), begin};
}

Token Lexer::quoted_at(char open) {
  switch (open) {
    case '\'': return quoted(TokenKind::string, '\'', LexError::unterminated_string);
    case '"':
      return options_.ansi_quotes ? quoted(TokenKind::quoted_ident, '"', LexError::unterminated_identifier)
                                  : quoted(TokenKind::string, '"', LexError::unterminated_string);
    case '[': return quoted(TokenKind::quoted_ident, ']', LexError::unterminated_identifier);
    default: return quoted(TokenKind::quoted_ident, '`', LexError::unterminated_identifier);
  }
}

Token Lexer::word_or_number() {
  const std::size_t begin = pos_;
  const Token t = word_or_number_unchecked();
  for (std::size_t i = begin; i < pos_; ++i) {
    if (ambiguous_in_word(i)) return fail(LexError::ambiguous_byte, i);
  }
  return t;
}

Token Lexer::word_or_number_unchecked() {
  const std::size_t begin = pos_;
  while (pos_ < sql_.size() && is_digit(sql_[pos_])) ++pos_;
  if (pos_ == begin ||
      (pos_ < sql_.size() && is_identifier_byte(sql_[pos_]) && sql_[pos_] != 'e' && sql_[pos_] != 'E')) {
    // A keyword or identifier; MariaDB allows identifiers that start with digits (1abc, 0x1F).
    while (pos_ < sql_.size() && is_identifier_byte(sql_[pos_])) ++pos_;
    return Token{TokenKind::word, sql_.substr(begin, pos_ - begin), begin};
  }
  if (at(pos_, '.')) {
    ++pos_;
    while (pos_ < sql_.size() && is_digit(sql_[pos_])) ++pos_;
  }
  if (at(pos_, 'e') || at(pos_, 'E')) {
    std::size_t i = pos_ + 1;
    if (at(i, '+') || at(i, '-')) ++i;
    if (i < sql_.size() && is_digit(sql_[i])) {
      pos_ = i;
      while (pos_ < sql_.size() && is_digit(sql_[pos_])) ++pos_;
    }
  }
  // Digits directly followed by identifier bytes (1e, 12abc) still form one identifier.
  if (pos_ < sql_.size() && is_identifier_byte(sql_[pos_])) {
    while (pos_ < sql_.size() && is_identifier_byte(sql_[pos_])) ++pos_;
    return Token{TokenKind::word, sql_.substr(begin, pos_ - begin), begin};
  }
  return Token{TokenKind::number, sql_.substr(begin, pos_ - begin), begin};
}

Token Lexer::variable() {
  const std::size_t begin = pos_;
  const bool system = at(pos_ + 1, '@');
  std::size_t i = pos_ + (system ? 2 : 1);
  if (!system && i < sql_.size() && (sql_[i] == '\'' || sql_[i] == '"' || sql_[i] == '`')) {
    // @'name', @"name", @`name`: the server lexes the quoted part as it would on its own (a
    // backtick or an ANSI_QUOTES double quote takes no backslash escapes).
    pos_ = i;
    const Token name = quoted_at(sql_[i]);
    if (error_ != LexError::none) return name;
    return Token{TokenKind::user_var, sql_.substr(begin, pos_ - begin), begin};
  }
  while (i < sql_.size()) {
    if (is_identifier_byte(sql_[i]) || sql_[i] == '.') {
      if (ambiguous_in_word(i)) return fail(LexError::ambiguous_byte, i);
      ++i;
    } else if (system && sql_[i] == '`') {
      pos_ = i;
      quoted(TokenKind::quoted_ident, '`', LexError::unterminated_identifier);
      if (error_ != LexError::none) return Token{TokenKind::end, {}, begin};
      i = pos_;
    } else {
      break;
    }
  }
  pos_ = i;
  const std::size_t prefix = system ? 2 : 1;
  if (i == begin + prefix) return Token{TokenKind::operator_, sql_.substr(begin, i - begin), begin};
  return Token{system ? TokenKind::sys_var : TokenKind::user_var, sql_.substr(begin, i - begin), begin};
}

Token Lexer::next() {
  if (error_ != LexError::none) return Token{TokenKind::end, {}, sql_.size()};
  skip_space_and_comments();
  if (error_ != LexError::none) return Token{TokenKind::end, {}, sql_.size()};
  if (pos_ >= sql_.size()) {
    if (in_executable_comment_) return fail(LexError::unterminated_comment, sql_.size());
    return Token{TokenKind::end, {}, sql_.size()};
  }
  const std::size_t begin = pos_;
  const char c = sql_[pos_];
  auto single = [&](TokenKind kind) {
    ++pos_;
    return Token{kind, sql_.substr(begin, 1), begin};
  };
  switch (c) {
    case '\'':
    case '"':
    case '`': return quoted_at(c);
    case '[':
      // MariaDB's MSSQL mode quotes identifiers in brackets; while sql_mode is unknown, a bracket
      // may open an identifier that hides everything up to the next ']'.
      if (options_.mssql_brackets) return quoted_at(c);
      if (options_.sql_mode_unknown) return fail(LexError::ambiguous_byte, begin);
      return single(TokenKind::operator_);
    case '\0': return fail(LexError::ambiguous_byte, begin);  // the server may take it for the end
    case '@': return variable();
    case '(': return single(TokenKind::l_paren);
    case ')': return single(TokenKind::r_paren);
    case ',': return single(TokenKind::comma);
    case ';':
      // Measured on MariaDB 10.11: a ';' inside /*! */ is a syntax error, and a statement after it
      // would start outside the comment (so a later "*/" is not its end).
      if (in_executable_comment_) return fail(LexError::ambiguous_byte, begin);
      return single(TokenKind::semicolon);
    case '?': return single(TokenKind::param);
    case '=': return single(TokenKind::equals);
    case ':':
      if (at(pos_ + 1, '=')) {
        pos_ += 2;
        return Token{TokenKind::assign, sql_.substr(begin, 2), begin};
      }
      return single(TokenKind::operator_);
    case '.':
      if (pos_ + 1 < sql_.size() && is_digit(sql_[pos_ + 1])) {
        ++pos_;
        while (pos_ < sql_.size() && is_digit(sql_[pos_])) ++pos_;
        return Token{TokenKind::number, sql_.substr(begin, pos_ - begin), begin};
      }
      return single(TokenKind::dot);
    default: break;
  }
  if (is_identifier_byte(c)) return word_or_number();
  return single(TokenKind::operator_);
}

}  // namespace weir::route
