// Prepared statements: prepared on the primary (the client keeps the primary's ids), executed
// where route_execute allows, prepared lazily on a replica connection the first time an
// execution goes there.
#include "backend/simple_query.hpp"
#include "log/log.hpp"
#include "session/session.hpp"
#include "weir/protocol/commands.hpp"

namespace weir::session {

namespace asio = boost::asio;
namespace proto = weir::protocol;
using proto::Command;

asio::awaitable<bool> Session::prepared_command(proto::Bytes packet, std::uint8_t seq) {
  const auto command = static_cast<Command>(packet[0]);
  if (command == Command::stmt_prepare) {
    const bool alive = co_await run_on_primary(packet, seq, false, false);
    const auto& tracker = relay_.tracker();
    const BackendLink* primary = links_.primary();
    if (alive && primary != nullptr && !relay_.tracked().error && tracker.statement_id() != 0) {
      const auto sql = proto::as_string(packet.subspan(1));
      prepared_.add(tracker.statement_id(), std::string(sql),
                    route::classify_prepare(sql, classify_options_, routing_.for_classifier()),
                    tracker.prepared_params(), primary->id());
    }
    co_return alive;
  }
  const auto id = proto::read_statement_id(packet);
  PreparedStatementMap::Statement* statement = id ? prepared_.find(*id) : nullptr;
  if (command == Command::stmt_close && id && statement != nullptr) {
    // COM_STMT_CLOSE has no reply: close the replicas' copies the same way.
    for (const auto& prepared : statement->prepared) {
      for (const auto& link : links_.replicas()) {
        if (link->id() != prepared.link) continue;
        proto::Buffer close(packet.begin(), packet.end());
        proto::rewrite_statement_id(close, prepared.backend_id);
        boost::system::error_code ignored;
        co_await link->stream().write_packet(close, 0, ignored);
      }
    }
    prepared_.remove(*id);
  }
  if (statement != nullptr && command == Command::stmt_send_long_data) statement->long_data = true;
  if (statement != nullptr && command == Command::stmt_reset) statement->long_data = false;
  if (command == Command::stmt_execute && statement != nullptr) {
    const bool alive = co_await execute_prepared(packet, seq, *statement);
    co_return alive;
  }
  const bool alive = co_await run_on_primary(packet, seq, command == Command::stmt_execute, false);
  co_return alive;
}

asio::awaitable<bool> Session::execute_prepared(proto::Bytes packet, std::uint8_t seq,
                                                PreparedStatementMap::Statement& statement) {
  const auto layout = read_execute_layout(packet, statement.params);
  if (!layout) {
    const bool alive = co_await run_on_primary(packet, seq, true, false);
    co_return alive;
  }
  if (layout->types_included) PreparedStatementMap::note_types(statement, types_of(packet, *layout, statement.params));
  // A cursor is read with COM_STMT_FETCH on the connection that opened it; long data was sent
  // to the primary: both keep the execution there.
  const bool cursor =
      (layout->flags & (proto::cursor::kReadOnly | proto::cursor::kForUpdate | proto::cursor::kScrollable)) != 0;
  const route::Classification verdict = route::route_execute(statement.routing, routing_.view);
  routing_.apply(verdict.effects);
  plan::StatementFacts facts = plan::facts_of(verdict, statement.sql);
  facts.replica_allowed = !cursor && !statement.long_data;
  const PlannedRead planned = co_await run_planned_read(facts, false, packet, seq, &statement);
  if (planned.read == ReplicaRead::served) co_return true;
  if (planned.read == ReplicaRead::session_over) co_return false;
  statement.long_data = false;
  const bool may_write = verdict.reason != route::Reason::read_only_statement;
  const BackendLink* primary = links_.primary();
  auto* on_primary = primary != nullptr ? PreparedStatementMap::on(statement, primary->id()) : nullptr;
  if (on_primary == nullptr) {
    const bool alive = co_await run_on_primary(packet, seq, may_write, false);
    co_return alive;
  }
  execute_for_backend(packet, *layout, on_primary->backend_id,
                      PreparedStatementMap::types_to_add(statement, *on_primary, layout->types_included), execution_);
  const bool alive = co_await run_on_primary(execution_, seq, may_write, false);
  co_return alive;
}

asio::awaitable<bool> Session::execution_for(BackendLink& link, PreparedStatementMap::Statement& statement,
                                             proto::Bytes packet, bool& lost) {
  const auto layout = read_execute_layout(packet, statement.params);
  if (!layout) co_return false;
  auto* prepared = PreparedStatementMap::on(statement, link.id());
  if (prepared == nullptr) {
    proto::Buffer prepare;
    prepare.reserve(statement.sql.size() + 1);
    prepare.push_back(static_cast<std::uint8_t>(Command::stmt_prepare));
    prepare.insert(prepare.end(), statement.sql.begin(), statement.sql.end());
    const auto result = co_await backend::run_simple_command(link.backend(), prepare, identity_.capabilities);
    if (result.connection_lost) {
      lost = true;
      co_return false;
    }
    if (!result.ok || !result.statement_id) {
      log::info("a replica could not prepare a statement; it runs on the primary",
                {{"session", id_}, {"backend", link.name}, {"error", result.error}});
      co_return false;
    }
    statement.prepared.push_back({link.id(), *result.statement_id, 0});
    prepared = &statement.prepared.back();
  }
  execute_for_backend(packet, *layout, prepared->backend_id,
                      PreparedStatementMap::types_to_add(statement, *prepared, layout->types_included), execution_);
  co_return true;
}

}  // namespace weir::session
