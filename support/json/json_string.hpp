#pragma once
// A byte string as a JSON string literal. Escaped: `"` and `\`, \n \r \t by name, every other
// control character (0x00-0x1f) and DEL (0x7f) as \u00XX, so that no raw control byte reaches a
// log line or a terminal. Bytes from 0x80 pass through unchanged: UTF-8 stays UTF-8 (and is not
// validated; weir's strings come from its configuration, the servers and its own messages).
#include <string>
#include <string_view>

namespace weir::json {

// Appends `text` to `out` as a JSON string literal, quotes included.
void append_string(std::string& out, std::string_view text);

// `text` as a JSON string literal, quotes included.
std::string string_literal(std::string_view text);

}  // namespace weir::json
