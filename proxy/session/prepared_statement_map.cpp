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

void PreparedStatementMap::add(std::uint32_t id, std::string sql, const route::PreparedRouting& routing,
                               std::uint16_t params, LinkId primary_link) {
  Statement statement;
  statement.sql = std::move(sql);
  statement.routing = routing;
  statement.params = params;
  statement.prepared.push_back({primary_link, id, 0});
  statements_[id] = std::move(statement);
}

PreparedStatementMap::Statement* PreparedStatementMap::find(std::uint32_t id) {
  const auto it = statements_.find(id);
  return it == statements_.end() ? nullptr : &it->second;
}

PreparedStatementMap::Prepared* PreparedStatementMap::on(Statement& statement, LinkId link) {
  for (auto& p : statement.prepared) {
    if (p.link == link) return &p;
  }
  return nullptr;
}

void PreparedStatementMap::forget_link(LinkId link) {
  for (auto& [id, statement] : statements_) {
    std::erase_if(statement.prepared, [link](const Prepared& p) { return p.link == link; });
  }
}

void PreparedStatementMap::note_types(Statement& statement, proto::Bytes types) {
  statement.types.assign(types.begin(), types.end());
  ++statement.types_version;
}

const proto::Buffer* PreparedStatementMap::types_to_add(Statement& statement, Prepared& on_link,
                                                        bool packet_has_types) {
  const bool current = on_link.types_version == statement.types_version;
  on_link.types_version = statement.types_version;
  if (packet_has_types || current || statement.types_version == 0) return nullptr;
  return &statement.types;
}

}  // namespace weir::session
