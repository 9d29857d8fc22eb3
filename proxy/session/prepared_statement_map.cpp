#include "session/prepared_statement_map.hpp"

#include <algorithm>

#include "weir/protocol/commands.hpp"

namespace weir::session {

namespace proto = weir::protocol;

namespace {

// command (1) + statement id (4) + flags (1) + iteration count (4)
constexpr std::size_t kExecuteHeader = 10;

std::uint32_t read_u32(proto::Bytes p, std::size_t at) {
  return static_cast<std::uint32_t>(p[at]) | static_cast<std::uint32_t>(p[at + 1]) << 8 |
         static_cast<std::uint32_t>(p[at + 2]) << 16 | static_cast<std::uint32_t>(p[at + 3]) << 24;
}

}  // namespace

std::optional<ExecuteLayout> read_execute_layout(proto::Bytes packet, std::uint16_t params) {
  if (packet.size() < kExecuteHeader || packet[0] != static_cast<std::uint8_t>(proto::Command::stmt_execute)) {
    return std::nullopt;
  }
  ExecuteLayout layout;
  layout.statement_id = read_u32(packet, 1);
  layout.flags = packet[5];
  if ((layout.flags & proto::cursor::kParameterCountAvailable) != 0) return std::nullopt;
  if (params == 0) return layout;
  layout.bound_flag_offset = kExecuteHeader + (static_cast<std::size_t>(params) + 7) / 8;
  if (packet.size() <= layout.bound_flag_offset) return std::nullopt;
  layout.types_included = packet[layout.bound_flag_offset] == 1;
  if (layout.types_included && packet.size() < layout.bound_flag_offset + 1 + 2 * static_cast<std::size_t>(params)) {
    return std::nullopt;
  }
  return layout;
}

proto::Bytes types_of(proto::Bytes packet, const ExecuteLayout& layout, std::uint16_t params) {
  if (!layout.types_included) return {};
  return packet.subspan(layout.bound_flag_offset + 1, 2 * static_cast<std::size_t>(params));
}

void execute_for_backend(proto::Bytes packet, const ExecuteLayout& layout, std::uint32_t backend_id,
                         const proto::Buffer* types, proto::Buffer& out) {
  const bool add_types = types != nullptr && layout.bound_flag_offset != 0 && !layout.types_included;
  out.clear();
  out.reserve(packet.size() + (add_types ? types->size() : 0));
  if (!add_types) {
    out.assign(packet.begin(), packet.end());
  } else {
    out.assign(packet.begin(), packet.begin() + static_cast<std::ptrdiff_t>(layout.bound_flag_offset));
    out.push_back(1);
    out.insert(out.end(), types->begin(), types->end());
    out.insert(out.end(), packet.begin() + static_cast<std::ptrdiff_t>(layout.bound_flag_offset) + 1, packet.end());
  }
  proto::rewrite_statement_id(out, backend_id);
}

std::uint32_t PreparedStatementMap::next_id() {
  do {
    ++last_id_;
  } while (last_id_ == 0 || statements_.contains(last_id_));
  return last_id_;
}

void PreparedStatementMap::add(std::uint32_t id, Statement statement) { statements_[id] = std::move(statement); }

PreparedStatementMap::Statement* PreparedStatementMap::find(std::uint32_t id) {
  Recent& slot = recent_[id % kRecent];
  if (slot.id == id && id != 0) return slot.statement;
  const auto it = statements_.find(id);
  if (it == statements_.end()) return nullptr;
  slot = {id, &it->second};
  return &it->second;
}

void PreparedStatementMap::remove(std::uint32_t id) {
  Recent& slot = recent_[id % kRecent];
  if (slot.id == id) slot = {};
  statements_.erase(id);
}

void PreparedStatementMap::clear() {
  recent_ = {};
  statements_.clear();
}

bool PreparedStatementMap::shares_server_statement(std::uint32_t id, const Statement& statement) const {
  return std::any_of(statements_.begin(), statements_.end(), [&](const auto& entry) {
    return entry.first != id && entry.second.sql == statement.sql && entry.second.scope == statement.scope;
  });
}

bool PreparedStatementMap::holds_connection(std::uint64_t commands) const {
  return std::any_of(statements_.begin(), statements_.end(), [commands](const auto& entry) {
    return entry.second.long_data || entry.second.cursor || entry.second.commands != commands;
  });
}

void PreparedStatementMap::note_types(Statement& statement, proto::Bytes types) {
  statement.types.assign(types.begin(), types.end());
}

const proto::Buffer* PreparedStatementMap::types_to_add(const Statement& statement,
                                                        backend::PreparedStatements::Entry& on, bool packet_has_types,
                                                        proto::Bytes packet_types) {
  if (packet_has_types) {
    on.types.assign(packet_types.begin(), packet_types.end());
    return nullptr;
  }
  if (statement.types.empty() || on.types == statement.types) return nullptr;
  on.types = statement.types;
  return &statement.types;
}

}  // namespace weir::session
