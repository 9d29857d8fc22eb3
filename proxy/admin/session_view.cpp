#include "admin/session_view.hpp"

#include <algorithm>

#include "json/json_string.hpp"

namespace weir::admin {

std::string sessions_json(std::vector<SessionRow> rows) {
  std::sort(rows.begin(), rows.end(), [](const SessionRow& a, const SessionRow& b) { return a.id < b.id; });
  std::string out = "[";
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const SessionRow& row = rows[i];
    if (i > 0) out += ",";
    out += "\n  {\"id\": " + std::to_string(row.id);
    out += ", \"user\": " + (row.user.empty() ? std::string("null") : json::string_literal(row.user));
    out += ", \"client\": {\"address\": " + json::string_literal(row.client_address) + ", \"tls\": ";
    if (row.client_tls_version.empty()) {
      out += "null";
    } else {
      out += "{\"version\": " + json::string_literal(row.client_tls_version) +
             ", \"cipher\": " + json::string_literal(row.client_tls_cipher) + "}";
    }
    out += "}, \"backend\": ";
    if (row.backend_host.empty()) {
      out += "null";
    } else {
      out += "{\"address\": " + json::string_literal(row.backend_host + ":" + std::to_string(row.backend_port)) +
             ", \"thread_id\": " + std::to_string(row.backend_thread_id) + "}";
    }
    out += "}";
  }
  out += rows.empty() ? "]" : "\n]";
  return out;
}

}  // namespace weir::admin
