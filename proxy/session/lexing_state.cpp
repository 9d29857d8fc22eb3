#include "session/lexing_state.hpp"

#include <array>
#include <optional>
#include <string>

namespace weir::session {
namespace {

bool equals_ci(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const auto lower = [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

}  // namespace

bool charset_has_ascii_trail_bytes(std::string_view charset) {
  // Single-byte character sets, UTF-8 and the EUC family (every byte of a multibyte character is
  // >= 0x80): a byte below 0x80 is always that ASCII character.
  static constexpr std::array<std::string_view, 33> kSafe{
      "armscii8", "ascii",   "binary",  "cp1250",  "cp1251", "cp1256",   "cp1257",  "cp850",  "cp852",
      "cp866",    "dec8",    "geostd8", "greek",   "hebrew", "hp8",      "keybcs2", "koi8r",  "koi8u",
      "latin1",   "latin2",  "latin5",  "latin7",  "macce",  "macroman", "swe7",    "tis620", "utf8",
      "utf8mb3",  "utf8mb4", "ujis",    "eucjpms", "euckr",  "gb2312"};
  for (const std::string_view safe : kSafe) {
    if (equals_ci(charset, safe)) return false;
  }
  return true;
}

void apply_lexing_state(route::SessionView& view, const std::optional<std::string>& answer) {
  const std::string_view text = answer ? std::string_view(*answer) : std::string_view();
  const std::size_t bar = text.rfind('|');
  if (bar == std::string_view::npos) {
    view.sql_mode_known = false;
    view.client_charset_backslash_trail_bytes = true;
    return;
  }
  const route::SqlModeLexing mode = route::lexing_of_sql_mode(text.substr(0, bar));
  view.sql_mode_known = true;
  view.ansi_quotes = mode.ansi_quotes;
  view.mssql_brackets = mode.mssql_brackets;
  view.no_backslash_escapes = mode.no_backslash_escapes;
  view.client_charset_backslash_trail_bytes = charset_has_ascii_trail_bytes(text.substr(bar + 1));
}

}  // namespace weir::session
