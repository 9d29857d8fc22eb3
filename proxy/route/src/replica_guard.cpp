#include "weir/route/replica_guard.hpp"

#include <array>

#include "weir/route/lexer.hpp"

namespace weir::route {
namespace {

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool matches_at(std::string_view sql, std::size_t at, std::string_view lower_needle) {
  if (at + lower_needle.size() > sql.size()) return false;
  for (std::size_t i = 0; i < lower_needle.size(); ++i) {
    if (lower(sql[at + i]) != lower_needle[i]) return false;
  }
  return true;
}

// Bytes the server's lexer reads as part of an identifier (>= 0x80 too: a multibyte character).
bool word_boundary(std::string_view sql, std::size_t at) { return at >= sql.size() || !is_identifier_byte(sql[at]); }

}  // namespace

bool may_lift_read_only(std::string_view sql) {
  static constexpr std::array<std::string_view, 4> kWords{"write", "execute", "prepare", "call"};
  for (std::size_t i = 0; i < sql.size(); ++i) {
    const char c = lower(sql[i]);
    if (c == 'r' && matches_at(sql, i, "read_only")) return true;
    if (c != 'w' && c != 'e' && c != 'p' && c != 'c') continue;
    if (i > 0 && !word_boundary(sql, i - 1)) continue;
    for (const std::string_view word : kWords) {
      if (word.front() == c && matches_at(sql, i, word) && word_boundary(sql, i + word.size())) return true;
    }
  }
  return false;
}

}  // namespace weir::route
