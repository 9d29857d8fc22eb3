#pragma once
// `KILL [HARD|SOFT] [CONNECTION|QUERY] n` as clients write it. Clients see weir's connection
// ids, so the id must be mapped to the target's backend thread before the server sees it.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace weir::session {

struct KillStatement {
  bool query_only = false;  // KILL QUERY: stop the statement, keep the connection
  std::string modifier;     // "HARD " / "SOFT " as written (MariaDB), kept when rewriting
  std::uint64_t id = 0;
};

// nullopt for anything else (including `KILL QUERY ID n` and `KILL USER u`, which need no mapping).
std::optional<KillStatement> parse_kill_statement(std::string_view sql);
// The statement for the server, with the backend thread id.
std::string render_kill_statement(const KillStatement& kill, std::uint32_t backend_thread_id);

}  // namespace weir::session
