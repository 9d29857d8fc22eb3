// KILL [HARD|SOFT] [CONNECTION|QUERY] n and COM_PROCESS_KILL: find the target session, learn from
// the server what kill_decision needs (the server kills the target's backend thread or refuses;
// for a target without one, whether the caller holds the privilege), answer as the server would,
// and end the target only when the kill was allowed.
#include "backend/simple_query.hpp"
#include "log/log.hpp"
#include "session/error_codes.hpp"
#include "session/kill_decision.hpp"
#include "session/session.hpp"

namespace weir::session {

namespace asio = boost::asio;

namespace {

// Outside the coroutine: GCC 12 warns (mismatched-new-delete) on a log call's field list in it.
void log_refusal(std::uint32_t session, const std::string& user, std::uint32_t target) {
  log::info("KILL refused: not the owner and no privilege to kill others' threads",
            {{"session", session}, {"user", user}, {"target", target}});
}

}  // namespace

asio::awaitable<bool> Session::kill(KillStatement request, std::uint8_t seq) {
  std::optional<SessionHandle> handle;
  std::uint32_t target_id = 0;
  if (request.id <= 0xffffffffULL) {
    target_id = static_cast<std::uint32_t>(request.id);
    handle = worker_.shared.sessions.find(target_id);
  }
  if (!handle && request.id <= 0xffffffffULL) {
    // CONNECTION_ID()'s form: the server's thread id of the target's backend connection.
    if (auto by_thread = worker_.shared.sessions.find_by_backend_thread(static_cast<std::uint32_t>(request.id))) {
      target_id = by_thread->first;
      handle = by_thread->second;
    }
  }
  const auto reply_seq = static_cast<std::uint8_t>(seq + 1);
  if (!handle) {
    co_await send_error(reply_seq, errors::kUnknownThread, "HY000", "Unknown thread id: " + std::to_string(request.id));
    co_return true;
  }
  const PublishedBackend::Value target_backend = handle->backend ? handle->backend->read() : PublishedBackend::Value{};
  KillFacts facts;
  facts.target_is_caller = target_id == id_;
  facts.caller_user = identity_.user;
  facts.target_logged_in = handle->logged_in;
  facts.target_user = handle->user;
  facts.target_has_backend = target_backend.thread_id != 0;
  facts.query_only = request.query_only;
  facts.id = request.id;
  const KillQuestion question = kill_question(facts);
  ServerAnswer answer;
  bool alive = true;
  if (question == KillQuestion::kill_on_server) {
    // The server applies its own rule to the caller's account, on a connection that carries the
    // caller's session state (an active role counts).
    const std::string sql = render_kill_statement(request, target_backend.thread_id);
    const auto result = co_await run_as_caller(target_backend.host, target_backend.port, sql, alive);
    answer.answered = result.ok || result.error_code != 0;
    answer.allowed = result.ok;
    answer.error_code = result.error_code;
    answer.sql_state = result.sql_state;
    answer.error = result.error;
  } else if (question == KillQuestion::caller_privilege) {
    answer = co_await ask_kill_privilege(alive);
  }
  const KillOutcome outcome = decide_kill(facts, question, answer);
  if (outcome.ok) {
    co_await send_ok(reply_seq);
  } else {
    co_await send_error(reply_seq, outcome.error_code, outcome.sql_state, outcome.message);
  }
  if (!outcome.ok && outcome.error_code == errors::kKillDenied) log_refusal(id_, identity_.user, target_id);
  if (outcome.close_target && facts.target_is_caller) alive = false;  // the server ends its own thread, too
  if (outcome.close_target && !facts.target_is_caller) handle->close();
  co_return alive;
}

asio::awaitable<backend::SimpleResult> Session::run_as_caller(std::string host, std::uint16_t port, std::string sql,
                                                              bool& alive) {
  backend::SimpleResult result;
  BackendLink* own = links_.find(host, port);
  if (own != nullptr) {
    result = co_await backend::run_simple_query(own->backend(), sql, identity_.capabilities);
    if (result.connection_lost && own == links_.primary()) alive = false;
    co_return result;
  }
  backend::LoginFailure failure;
  const backend::Endpoint endpoint{host + ":" + std::to_string(port), host, port};
  auto link = co_await links_.open(endpoint, false, failure);
  if (!link) {
    result.error = "cannot reach " + endpoint.name + ": " + failure.reason;
    co_return result;
  }
  const bool current = co_await links_.bring_up_to_date(*link);
  if (!current) {
    link->stream().close();
    result.error = "a session command weir replays failed on " + endpoint.name;
    co_return result;
  }
  result = co_await backend::run_simple_query(link->backend(), sql, identity_.capabilities);
  co_await links_.release(std::move(link));
  co_return result;
}

asio::awaitable<ServerAnswer> Session::ask_kill_privilege(bool& alive) {
  ServerAnswer answer;
  backend::LoginFailure failure;
  BackendLink* link = co_await links_.ensure_primary(failure);
  if (link == nullptr) {
    answer.error = failure.reason.empty() ? "the primary refused the login" : failure.reason;
    co_return answer;
  }
  // SHOW GRANTS lists the account's grants, the active role's and those of the roles it holds,
  // and PUBLIC's: together, the global privileges the server checks a KILL against.
  const auto result = co_await backend::run_simple_query(link->backend(), "SHOW GRANTS", identity_.capabilities);
  if (result.connection_lost) alive = false;
  if (!result.ok) {
    answer.error = result.error;
    co_return answer;
  }
  answer.answered = true;
  answer.allowed = grants_allow_kill(result.first_column);
  co_return answer;
}

}  // namespace weir::session
