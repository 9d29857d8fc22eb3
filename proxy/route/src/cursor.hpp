#pragma once
// A cursor over the tokens of ONE statement: it ends at ';' or at the end of input. Copying it is
// cheap (a lexer is a position and a few flags), which gives unbounded lookahead without buffers.
#include <optional>

#include "weir/route/classify.hpp"
#include "weir/route/lexer.hpp"

namespace weir::route {

class Cursor {
 public:
  explicit Cursor(Lexer lexer) : lexer_(lexer), next_lexer_(lexer) { cur_ = read(lexer_); }

  const Token& cur() const { return cur_; }
  const Token& prev() const { return prev_; }
  const Token& prev2() const { return prev2_; }
  bool at_end() const { return cur_.kind == TokenKind::end; }
  bool is(std::string_view upper_keyword) const { return cur_.is(upper_keyword); }
  bool is(TokenKind kind) const { return cur_.kind == kind; }

  void advance() {
    prev2_ = prev_;
    prev_ = cur_;
    if (has_next_) {
      cur_ = next_;
      lexer_ = next_lexer_;
      has_next_ = false;
    } else {
      cur_ = read(lexer_);
    }
  }
  // Advances if the current token is the keyword.
  bool accept(std::string_view upper_keyword) {
    if (!cur_.is(upper_keyword)) return false;
    advance();
    return true;
  }
  // The token after the current one (lexed once, kept for advance()).
  const Token& peek() const {
    if (!has_next_) {
      next_lexer_ = lexer_;
      next_ = read(next_lexer_);
      has_next_ = true;
    }
    return next_;
  }
  // Skips a parenthesised group when at '(' (nesting counted); at ')' or the end otherwise.
  void skip_group() {
    int depth = 0;
    while (!at_end()) {
      if (is(TokenKind::l_paren)) ++depth;
      if (is(TokenKind::r_paren) && --depth <= 0) {
        advance();
        return;
      }
      advance();
    }
  }

 private:
  static Token read(Lexer& lexer) {
    Token t = lexer.next();
    if (t.kind == TokenKind::semicolon) return Token{TokenKind::end, {}, t.offset};
    return t;
  }

  Lexer lexer_;  // positioned after cur_
  Token cur_;
  Token prev_;
  Token prev2_;
  mutable Lexer next_lexer_;  // positioned after next_, when has_next_
  mutable Token next_;
  mutable bool has_next_ = false;
};

inline bool is_identifier(const Token& t) { return t.kind == TokenKind::word || t.kind == TokenKind::quoted_ident; }

// name or schema.name at the cursor; advances past it.
inline std::optional<TableName> read_table_name(Cursor& c) {
  if (!is_identifier(c.cur())) return std::nullopt;
  TableName table{{}, identifier_name(c.cur())};
  c.advance();
  if (c.is(TokenKind::dot) && is_identifier(c.peek())) {
    c.advance();
    table.schema = std::move(table.name);
    table.name = identifier_name(c.cur());
    c.advance();
  }
  return table;
}

}  // namespace weir::route
