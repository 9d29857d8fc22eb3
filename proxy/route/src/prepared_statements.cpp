#include "weir/route/prepared_statements.hpp"

#include <algorithm>

namespace weir::route {

std::uint32_t PreparedStatements::add(std::string sql, PreparedRouting routing) {
  // Ids wrap after 2^32 - 1 statements; skip 0 and ids still open.
  while (next_id_ == 0 || statements_.contains(next_id_)) ++next_id_;
  const std::uint32_t id = next_id_++;
  statements_.emplace(id, Statement{std::move(sql), routing, {}});
  return id;
}

const PreparedStatements::Statement* PreparedStatements::find(std::uint32_t client_id) const {
  const auto it = statements_.find(client_id);
  return it == statements_.end() ? nullptr : &it->second;
}

bool PreparedStatements::bind(std::uint32_t client_id, BackendConnectionId backend,
                              std::uint32_t backend_statement_id) {
  const auto it = statements_.find(client_id);
  if (it == statements_.end()) return false;
  auto& ids = it->second.backend_ids;
  const auto found = std::find_if(ids.begin(), ids.end(), [&](const auto& p) { return p.first == backend; });
  if (found != ids.end()) {
    found->second = backend_statement_id;
  } else {
    ids.emplace_back(backend, backend_statement_id);
  }
  return true;
}

std::optional<std::uint32_t> PreparedStatements::backend_id(std::uint32_t client_id,
                                                            BackendConnectionId backend) const {
  const Statement* statement = find(client_id);
  if (statement == nullptr) return std::nullopt;
  for (const auto& [connection, id] : statement->backend_ids) {
    if (connection == backend) return id;
  }
  return std::nullopt;
}

std::vector<std::pair<BackendConnectionId, std::uint32_t>> PreparedStatements::close(std::uint32_t client_id) {
  const auto it = statements_.find(client_id);
  if (it == statements_.end()) return {};
  auto ids = std::move(it->second.backend_ids);
  statements_.erase(it);
  return ids;
}

void PreparedStatements::forget_backend(BackendConnectionId backend) {
  for (auto& [client_id, statement] : statements_) {
    std::erase_if(statement.backend_ids, [&](const auto& p) { return p.first == backend; });
  }
}

}  // namespace weir::route
