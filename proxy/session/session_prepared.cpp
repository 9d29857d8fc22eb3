// Prepared statements: prepared on the primary, known to the client by weir's id, executed where
// route_execute allows on any connection, which prepares the statement first when it lacks it
// (each connection keeps its statements, shared by the sessions that use it).
#include <string>

#include "backend/simple_query.hpp"
#include "log/log.hpp"
#include "session/error_codes.hpp"
#include "session/session.hpp"
#include "weir/protocol/commands.hpp"

namespace weir::session {

namespace asio = boost::asio;
namespace proto = weir::protocol;
using proto::Command;

namespace {

// Open statements per client: the server's default max_prepared_stmt_count.
constexpr std::size_t kMaxStatementsPerSession = 16382;

// The name the server gives each command in ER_UNKNOWN_STMT_HANDLER.
std::string_view server_function_name(Command command) {
  switch (command) {
    case Command::stmt_execute: return "mysqld_stmt_execute";
    case Command::stmt_fetch: return "mysqld_stmt_fetch";
    case Command::stmt_reset: return "mysqld_stmt_reset";
    case Command::stmt_bulk_execute: return "mysqld_stmt_bulk_execute";
    default: return "mysqld_stmt_execute";
  }
}

}  // namespace

std::string Session::statement_scope() const {
  // What the server resolves a statement's text against: the login database, then every session
  // command (USE, SET sql_mode, ...) in order. Length-prefixed so that no two differ only in where
  // one part ends.
  std::string scope = std::to_string(identity_.database.size()) + ":" + identity_.database;
  scope += history_.state();
  return scope;
}

PreparedStatementMap::Statement* Session::statement_of(proto::Bytes packet, std::uint32_t& client_id) {
  auto id = proto::read_statement_id(packet);
  // MariaDB's -1: the statement prepared last (a prepare and its execution sent together).
  if (id && *id == proto::kLastPreparedStatementId) id = last_prepared_;
  client_id = id.value_or(0);
  return id ? prepared_.find(client_id) : nullptr;
}

asio::awaitable<bool> Session::prepared_command(proto::Bytes packet, std::uint8_t seq) {
  const auto command = static_cast<Command>(packet[0]);
  if (command == Command::stmt_prepare) {
    const bool alive = co_await prepare_statement(packet, seq);
    co_return alive;
  }
  std::uint32_t client_id = 0;
  PreparedStatementMap::Statement* statement = statement_of(packet, client_id);
  if (statement == nullptr) {
    // Not one of this session's statements: its id means nothing on a connection (or another
    // session's statement there), so weir answers as the server does for an unknown id.
    if (command == Command::stmt_close || command == Command::stmt_send_long_data) co_return true;  // no reply
    const auto sent_id = proto::read_statement_id(packet);
    const std::string shown = sent_id ? std::to_string(*sent_id) : std::string("?");
    co_await send_error(
        static_cast<std::uint8_t>(seq + 1), errors::kUnknownStatement, "HY000",
        "Unknown prepared statement handler (" + shown + ") given to " + std::string(server_function_name(command)));
    co_return true;
  }
  switch (command) {
    case Command::stmt_close: co_await close_statement(client_id); co_return true;
    case Command::stmt_execute:
      // The command loop runs the executions of the session's statements; not reached. Were it
      // reached, the session ends rather than guess.
      log::error("an execution of a known statement reached prepared_command; closing the session", {{"session", id_}});
      co_return false;
    case Command::stmt_send_long_data: {
      // No reply: on the primary, which then runs the execution (long data keeps it there).
      statement->long_data = true;
      backend::LoginFailure failure;
      BackendLink* primary = co_await links_.ensure_primary(failure);
      if (primary == nullptr) co_return true;  // the execution reports the primary's absence
      bool lost = false;
      const bool ready = co_await execution_for(*primary, *statement, packet, lost, nullptr);
      if (!ready) co_return true;
      boost::system::error_code ignored;
      co_await primary->stream().write_packet(execution_, seq, ignored);
      co_return true;
    }
    case Command::stmt_fetch: {
      const bool alive = co_await run_on_primary(packet, seq, false, false, statement);
      if (alive && (relay_.tracked().error || relay_.tracker().last_row_sent())) statement->cursor = false;
      release_when_done(*statement);
      co_return alive;
    }
    case Command::stmt_reset: {
      const bool alive = co_await run_on_primary(packet, seq, false, false, statement);
      statement->long_data = false;
      statement->cursor = false;
      release_when_done(*statement);
      co_return alive;
    }
    default: {  // COM_STMT_BULK_EXECUTE
      const bool alive = co_await run_on_primary(packet, seq, true, false, statement);
      co_return alive;
    }
  }
}

asio::awaitable<bool> Session::prepare_statement(proto::Bytes packet, std::uint8_t seq) {
  if (prepared_.size() >= kMaxStatementsPerSession) {
    // weir keeps each open statement's text: bounded per client as the server bounds them all
    // (multiplexed, the server holds only what the connections keep, so it would not refuse).
    co_await send_error(static_cast<std::uint8_t>(seq + 1), errors::kTooManyStatements, "42000",
                        "Can't create more than max_prepared_stmt_count statements (current value: " +
                            std::to_string(kMaxStatementsPerSession) + ")");
    co_return true;
  }
  const std::uint32_t id = prepared_.next_id();
  prepare_client_id_ = id;  // written into the PREPARE_OK the client gets (relay_command)
  const bool alive = co_await run_on_primary(packet, seq, false, false);
  prepare_client_id_ = 0;
  const auto& tracker = relay_.tracker();
  BackendLink* primary = links_.primary();
  if (!alive || primary == nullptr || relay_.tracked().error || tracker.statement_id() == 0) co_return alive;
  PreparedStatementMap::Statement statement;
  statement.sql = proto::as_string(packet.subspan(1));
  statement.scope = statement_scope();
  statement.commands = history_.last();
  statement.routing = route::classify_prepare(statement.sql, classify_options_, routing_.for_classifier());
  statement.params = tracker.prepared_params();
  statement.holder = (std::uint64_t{id_} << 32) | id;
  std::vector<std::uint32_t> to_close;
  auto& cache = primary->backend().prepared();
  cache.set_capacity(worker_.config.current()->pool.prepared_statements_per_connection);
  auto& entry = cache.add(statement.sql, statement.scope, tracker.statement_id(), to_close);
  if (relay_.columns_kept()) {
    // MariaDB's metadata cache: what the client got is what the server last sent for it.
    cache.set_columns(entry, columns_.kept(), to_close);
    statement.columns_seen = entry.columns.fingerprint();
  }
  prepared_.add(id, std::move(statement));
  last_prepared_ = id;
  co_await close_server_statements(*primary, to_close);
  co_return alive;
}

void Session::release_when_done(PreparedStatementMap::Statement& statement) {
  if (!statement.holds || statement.cursor || statement.long_data) return;
  statement.holds = false;
  if (BackendLink* primary = links_.primary(); primary != nullptr && primary->connection) {
    primary->backend().prepared().release(statement.holder);
  }
}

asio::awaitable<void> Session::close_statement(std::uint32_t id) {
  PreparedStatementMap::Statement* statement = prepared_.find(id);
  if (statement == nullptr) co_return;
  statement->cursor = false;
  statement->long_data = false;
  if (statement->holds) {
    // Its cursor is open or its long data unused on the server statement it held: closed on the
    // server with it (as the server does with a client's statement), so that no other statement
    // of the text, this client's or, multiplexed, another's, inherits them.
    statement->holds = false;
    BackendLink* primary = links_.primary();
    if (primary != nullptr && primary->connection) {
      std::vector<std::uint32_t> ids;
      if (const std::uint32_t server_id =
              primary->backend().prepared().remove(statement->sql, statement->scope, statement->holder)) {
        ids.push_back(server_id);
      }
      if (!ids.empty()) co_await close_server_statements(*primary, std::move(ids));
    }
  } else if (!links_.multiplexing() && !prepared_.shares_server_statement(id, *statement)) {
    // Multiplexed, the server statement stays with its connection for the next session that
    // prepares the same text (the connection's cache bounds them). Otherwise it is this session's
    // alone: closed on each of its connections unless another of its statements uses it.
    std::vector<BackendLink*> links;
    if (BackendLink* primary = links_.primary()) links.push_back(primary);
    for (const auto& replica : links_.replicas()) links.push_back(replica.get());
    for (BackendLink* link : links) {
      if (!link->connection) continue;
      std::vector<std::uint32_t> ids;
      if (const std::uint32_t server_id = link->backend().prepared().remove(statement->sql, statement->scope)) {
        ids.push_back(server_id);
      }
      if (!ids.empty()) co_await close_server_statements(*link, std::move(ids));
    }
  }
  prepared_.remove(id);
  if (last_prepared_ == id) last_prepared_ = 0;
}

asio::awaitable<void> Session::close_server_statements(BackendLink& link, std::vector<std::uint32_t> ids) {
  for (const std::uint32_t server_id : ids) {
    proto::Buffer close;
    proto::serialize(proto::ComStmtClose{server_id}, close);
    boost::system::error_code error;
    co_await link.stream().write_packet(close, 0, error);  // no reply
    if (error) {
      link.backend().mark_broken();
      co_return;
    }
  }
}

Session::ExecutionStart Session::start_execution(proto::Bytes packet, PreparedStatementMap::Statement& statement) {
  const auto layout = read_execute_layout(packet, statement.params);
  if (layout && layout->types_included) {
    PreparedStatementMap::note_types(statement, types_of(packet, *layout, statement.params));
  }
  // A cursor is read with COM_STMT_FETCH on the connection that opened it; long data was sent
  // to the primary: both keep the execution there.
  ExecutionStart start;
  start.cursor = layout && layout->opens_cursor();
  const route::Classification verdict = route::route_execute(statement.routing, routing_.view);
  routing_.apply(verdict.effects);
  if (links_.multiplexing()) {
    reads_previous_statement_ = plan::reads_previous_statement(verdict);
    may_set_insert_id_ =
        verdict.reason != route::Reason::read_only_statement || plan::reads_last_insert_id(statement.sql);
  }
  start.facts = plan::facts_of(verdict, statement.sql);
  start.facts.replica_allowed = layout && !start.cursor && !statement.long_data;
  start.facts.may_lift_read_only = statement.routing.may_lift_read_only;
  start.first = plan_first(start.facts);
  start.may_write = verdict.reason != route::Reason::read_only_statement;
  return start;
}

void Session::note_execution(PreparedStatementMap::Statement& statement, const ExecutionStart& start, bool alive) {
  statement.cursor = alive && start.cursor && !relay_.tracked().error && relay_.tracker().cursor_exists();
}

asio::awaitable<bool> Session::execution_for(BackendLink& link, PreparedStatementMap::Statement& statement,
                                             proto::Bytes packet, bool& lost, backend::SimpleResult* failure) {
  if (execution_if_prepared(link, statement, packet)) co_return true;
  const auto layout = read_execute_layout(packet, statement.params);
  if (!layout && !link.primary) co_return false;  // a replica runs only what weir can rewrite
  // The connection lacks the statement: prepared there first.
  if (statement.commands != history_.last()) {
    // Session commands ran since the client prepared it: preparing it now would resolve it in
    // another scope. (The session keeps its connections while such a statement is open.)
    if (failure != nullptr) {
      failure->error_code = errors::kBackendUnavailable;
      failure->sql_state = "HY000";
      failure->error =
          "weir: the connection this prepared statement lived on was lost, and session commands ran "
          "since it was prepared; prepare it again";
    }
    co_return false;
  }
  proto::Buffer prepare;
  prepare.reserve(statement.sql.size() + 1);
  prepare.push_back(static_cast<std::uint8_t>(Command::stmt_prepare));
  prepare.insert(prepare.end(), statement.sql.begin(), statement.sql.end());
  auto result = co_await backend::run_simple_command(link.backend(), prepare, identity_.capabilities);
  if (result.connection_lost) {
    lost = true;
    co_return false;
  }
  if (!result.ok || !result.statement_id) {
    log::info("a connection could not prepare a statement again",
              {{"session", id_}, {"backend", link.name}, {"error", result.error}});
    if (failure != nullptr) *failure = std::move(result);
    co_return false;
  }
  auto& cache = link.backend().prepared();
  std::vector<std::uint32_t> to_close;
  cache.set_capacity(worker_.config.current()->pool.prepared_statements_per_connection);
  auto& added = cache.add(statement.sql, statement.scope, *result.statement_id, to_close);
  // The server sent the statement's column definitions to weir: MariaDB's metadata cache may
  // leave them out of its executions, for clients that have others (see ClientColumns).
  cache.set_columns(added, result.columns, to_close);
  co_await close_server_statements(link, std::move(to_close));
  backend::PreparedStatements::Entry* on =
      cache.find(statement.sql, statement.scope, statement.holder, statement.found);
  if (on == nullptr || link.backend().broken()) {
    lost = true;
    co_return false;
  }
  make_execution(link, statement, packet, layout, *on);
  co_return true;
}

bool Session::execution_if_prepared(BackendLink& link, PreparedStatementMap::Statement& statement,
                                    proto::Bytes packet) {
  const auto layout = read_execute_layout(packet, statement.params);
  if (!layout && !link.primary) return false;  // execution_for refuses it too
  backend::PreparedStatements::Entry* on =
      link.backend().prepared().find(statement.sql, statement.scope, statement.holder, statement.found);
  if (on == nullptr) return false;
  make_execution(link, statement, packet, layout, *on);
  return true;
}

void Session::make_execution(BackendLink& link, PreparedStatementMap::Statement& statement, proto::Bytes packet,
                             const std::optional<ExecuteLayout>& layout, backend::PreparedStatements::Entry& on) {
  // Long data, or an execution that may open a cursor: what it leaves on the server statement is
  // this statement's (released when its cursor is done and its long data used).
  const auto command = static_cast<Command>(packet[0]);
  const bool opens_cursor = command == Command::stmt_execute && layout && layout->opens_cursor();
  if (command == Command::stmt_execute || command == Command::stmt_bulk_execute) {
    columns_.expect(on, statement.columns_seen);
  }
  if (link.primary && (command == Command::stmt_send_long_data || opens_cursor)) {
    link.backend().prepared().hold(on, statement.holder);
    statement.holds = true;
  }
  if (!layout) {
    // Not an execution weir rewrites (COM_STMT_FETCH, RESET, SEND_LONG_DATA, BULK_EXECUTE, or an
    // execution in a layout it does not parse): only the id changes.
    execution_.assign(packet.begin(), packet.end());
    proto::rewrite_statement_id(execution_, on.id);
    return;
  }
  const bool has_types = layout->types_included;
  const auto* types = PreparedStatementMap::types_to_add(
      statement, on, has_types, has_types ? types_of(packet, *layout, statement.params) : proto::Bytes{});
  execute_for_backend(packet, *layout, on.id, types, execution_);
}

asio::awaitable<bool> Session::execution_on_primary(BackendLink& link, PreparedStatementMap::Statement& statement,
                                                    proto::Bytes packet, std::uint8_t reply_seq) {
  bool lost = false;
  backend::SimpleResult failure;
  const bool ready = co_await execution_for(link, statement, packet, lost, &failure);
  if (ready) co_return true;
  if (lost) {
    const std::string message =
        "weir: lost connection to the primary (" + link.name + ") while preparing the statement on it";
    links_.drop_primary();  // `link` is gone with it
    co_await send_error(reply_seq, errors::kBackendLost, "08S01", message);
  } else {
    co_await send_error(reply_seq, failure.error_code != 0 ? failure.error_code : errors::kBackendUnavailable,
                        failure.sql_state.empty() ? "HY000" : failure.sql_state, failure.error);
  }
  co_return false;
}

}  // namespace weir::session
