#include "weir/route/digest.hpp"

#include "weir/route/lexer.hpp"

namespace weir::route {

namespace {

std::uint64_t fnv1a(std::string_view text) {
  std::uint64_t hash = 14695981039346656037ULL;
  for (const char c : text) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 1099511628211ULL;
  }
  return hash;
}

bool is_literal(TokenKind kind) { return kind == TokenKind::string || kind == TokenKind::number; }

// No space before these, none after an opening parenthesis or a dot.
bool glues_left(TokenKind kind) {
  return kind == TokenKind::comma || kind == TokenKind::r_paren || kind == TokenKind::dot ||
         kind == TokenKind::semicolon;
}

}  // namespace

Digest digest(std::string_view sql, std::size_t max_length) {
  LexOptions options;
  options.conditional_as_comments = false;
  Lexer lexer(sql, options);
  Digest out;
  TokenKind previous = TokenKind::end;
  std::size_t previous_end = 0;  // source offset after the previous token
  bool in_list = false;          // after "(?" or "(?, ?": further literals of the list are folded
  while (true) {
    const Token token = lexer.next();
    if (token.kind == TokenKind::end) break;
    if (is_literal(token.kind) || token.kind == TokenKind::param) {
      if (in_list) continue;
      if (previous == TokenKind::comma && out.text.size() >= 3 &&
          out.text.compare(out.text.size() - 3, 3, "?, ") == 0) {
        // "?, ?" inside a list: the list becomes "?..."
        out.text.resize(out.text.size() - 2);
        out.text += "...";
        in_list = true;
        previous = TokenKind::param;
        continue;
      }
    }
    if (in_list && token.kind == TokenKind::comma) continue;
    in_list = false;
    // A call keeps its parenthesis on the name, as written: COUNT(*), f(?).
    const bool call = token.kind == TokenKind::l_paren && previous == TokenKind::word && token.offset == previous_end;
    if (!out.text.empty() && !glues_left(token.kind) && !call && previous != TokenKind::l_paren &&
        previous != TokenKind::dot) {
      out.text += ' ';
    }
    if (is_literal(token.kind) || token.kind == TokenKind::param) {
      out.text += '?';
    } else if (token.kind == TokenKind::comma) {
      out.text += ",";
    } else {
      out.text += token.text;
    }
    if (token.kind == TokenKind::comma) out.text += ' ';
    previous = token.kind;
    previous_end = token.offset + token.text.size();
    if (out.text.size() > max_length) {
      out.text.resize(max_length);
      out.text += "...";
      break;
    }
  }
  // A comma adds its space eagerly; drop spaces before what glues left.
  std::string cleaned;
  cleaned.reserve(out.text.size());
  for (std::size_t i = 0; i < out.text.size(); ++i) {
    if (out.text[i] == ' ' &&
        (i + 1 == out.text.size() || out.text[i + 1] == ' ' || out.text[i + 1] == ')' || out.text[i + 1] == ',')) {
      continue;
    }
    cleaned += out.text[i];
  }
  out.text = std::move(cleaned);
  out.hash = fnv1a(out.text);
  return out;
}

}  // namespace weir::route
