#pragma once
// How the server lexes this session's statements, as the server itself reports it: after a
// statement that may change it (SET NAMES, SET CHARACTER SET, SET sql_mode, ...), the session asks
// the primary for `@@sql_mode` and `@@character_set_client` and feeds the classifier the answer.
// Pure: the parsing of that answer.
#include <optional>
#include <string>
#include <string_view>

#include "weir/route/classify.hpp"

namespace weir::session {

// The query whose single value apply_lexing_state reads.
inline constexpr std::string_view kLexingStateQuery =
    "SELECT CONCAT(@@session.sql_mode, '|', @@session.character_set_client)";

// Whether a client character set lets a byte of a multibyte character be `\`, `'`, `"` or `` ` ``
// (big5, cp932, gbk, sjis, gb18030), or is not one weir knows to be free of that (true: cautious).
bool charset_has_ascii_trail_bytes(std::string_view charset);

// Sets sql_mode_known, ansi_quotes, mssql_brackets, no_backslash_escapes and
// client_charset_backslash_trail_bytes from the answer to
// kLexingStateQuery ("<sql_mode>|<charset>"); nullopt (no answer) leaves the cautious reading:
// sql_mode unknown, charset unsafe.
void apply_lexing_state(route::SessionView& view, const std::optional<std::string>& answer);

}  // namespace weir::session
