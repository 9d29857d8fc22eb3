// The SQL classifier on arbitrary text and session states. Beyond "no crash": a statement routed
// to a replica must have been proven a plain read, and every token lies inside the input.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "weir/route/classify.hpp"
#include "weir/route/lexer.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::uint8_t mode = data[0];
  const std::string_view sql(reinterpret_cast<const char*>(data + 1), size - 1);
  weir::route::SessionView session;
  session.no_backslash_escapes = (mode & 1) != 0;
  session.ansi_quotes = (mode & 2) != 0;
  session.user_variables_diverged = (mode & 4) != 0;
  session.server_version = (mode & 16) != 0 ? 101106 : 0;
  session.sql_mode_known = (mode & 32) != 0;
  session.client_charset_backslash_trail_bytes = (mode & 64) != 0;
  session.mssql_brackets = (mode & 6) == 6;  // MSSQL implies ANSI_QUOTES
  const std::vector<weir::route::TableName> temp_tables{{"", "t"}};
  if ((mode & 128) != 0) session.temp_tables = temp_tables;
  weir::route::ClassifyOptions options;
  options.stored_functions_to_replica = (mode & 8) != 0;
  const auto decision = weir::route::classify(sql, options, session);
  if (decision.target == weir::route::Target::replica && decision.reason != weir::route::Reason::read_only_statement) {
    __builtin_trap();
  }
  weir::route::Lexer lexer(sql);
  for (auto token = lexer.next(); token.kind != weir::route::TokenKind::end; token = lexer.next()) {
    if (token.offset + token.text.size() > sql.size()) __builtin_trap();
  }
  (void)weir::route::classify_prepare(sql, options, session);
  return 0;
}
