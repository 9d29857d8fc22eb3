// Executing routing plans: the classifier's verdict (route/) and the session's routing state go
// to plan::plan() with the monitor's topology; the session runs the plan it gets (a replica, the
// primary, every link for a session command), plans again without a replica that failed, and
// learns from the replies (status flags, GTIDs of writes, session commands to replay).
#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include "backend/endpoints.hpp"
#include "backend/simple_query.hpp"
#include "log/log.hpp"
#include "session/error_codes.hpp"
#include "session/lexing_state.hpp"
#include "session/session.hpp"
#include "weir/protocol/commands.hpp"
#include "weir/route/digest.hpp"

namespace weir::session {

namespace asio = boost::asio;
namespace proto = weir::protocol;
using proto::Command;

namespace {

// "10.11.6-MariaDB-log" or "5.5.5-10.11.6-MariaDB" -> 101106; 0 when it cannot be read.
std::uint32_t parse_server_version(std::string_view text) {
  if (text.rfind("5.5.5-", 0) == 0) text.remove_prefix(6);
  std::uint32_t parts[3] = {0, 0, 0};
  std::size_t part = 0;
  bool digits = false;
  for (const char c : text) {
    if (c >= '0' && c <= '9') {
      parts[part] = parts[part] * 10 + static_cast<std::uint32_t>(c - '0');
      digits = true;
    } else if (c == '.' && digits && part < 2) {
      ++part;
      digits = false;
    } else {
      break;
    }
  }
  if (part != 2 || !digits) return 0;
  return parts[0] * 10000 + parts[1] * 100 + parts[2];
}

// Collations of big5, cp932, gbk, sjis and gb18030, whose multi-byte characters may end in a
// backslash byte.
bool backslash_trail_charset(std::uint8_t collation) {
  switch (collation) {
    case 1:
    case 84:  // big5
    case 95:
    case 96:  // cp932
    case 28:
    case 87:  // gbk
    case 13:
    case 88:  // sjis
    case 248:
    case 249:
    case 250:  // gb18030 (MySQL)
      return true;
    default: return false;
  }
}

// Statements that are reads (or change nothing the binary log records) when the primary runs them.
bool writes_nothing(route::Reason reason) {
  switch (reason) {
    case route::Reason::read_only_statement:
    case route::Reason::empty:
    case route::Reason::session_command:
    case route::Reason::previous_statement_state:
    case route::Reason::server_state:
    case route::Reason::kill: return true;
    default: return false;
  }
}

// Tests only: with WEIR_TEST_FORCE_REPLICA=1 in weir's environment, a statement whose text
// contains this marker skips the classifier and goes to a replica, so that a test can show the
// server refusing a write there. Read once; never set in production.
constexpr std::string_view kForceReplicaMarker = "weir:test_force_replica";
bool force_replica_hook_enabled() {
  static const bool enabled = [] {
    const char* value = std::getenv("WEIR_TEST_FORCE_REPLICA");
    return value != nullptr && std::string_view(value) == "1";
  }();
  return enabled;
}

std::string seconds_text(config::Duration duration) {
  char text[32];
  std::snprintf(text, sizeof text, "%.3f", std::chrono::duration<double>(duration).count());
  return text;
}

}  // namespace

void Session::refresh_routing_options() {
  const auto config = worker_.shared.config.load();
  classify_options_.stored_functions_to_replica =
      config->routing.stored_functions == config::RoutingConfig::StoredFunctions::replica;
  routing_.read_your_writes.set_mode(config->routing.consistency);
  const auto identity = worker_.shared.identity.load();
  routing_.view.server_version = parse_server_version(identity->server_version);
  routing_.view.client_charset_backslash_trail_bytes = backslash_trail_charset(identity_.character_set);
  // Replica links run without CLIENT_MULTI_STATEMENTS (one statement per COM_QUERY, enforced by
  // the server), so a multi-statement always goes to the primary.
  classify_options_.multi_statement_reads_to_replica = false;
}

void Session::record_session_command(proto::Bytes packet, BackendLink& ran_on) {
  if (!history_.add(packet)) {
    if (!routing_.pinned_to_primary) {
      log::info("session command history full: the session stays on the primary",
                {{"session", id_}, {"commands", history_.last()}});
    }
    routing_.pinned_to_primary = true;
    return;
  }
  ran_on.applied = history_.last();
}

asio::awaitable<bool> Session::route_query(proto::Bytes packet, std::uint8_t seq) {
  const auto sql = proto::as_string(packet.subspan(1));
  const route::Classification verdict = route::classify(sql, classify_options_, routing_.for_classifier());
  routing_.apply(verdict.effects);
  if (links_.multiplexing()) {
    note_leftovers(plan::leftovers_of_statement(verdict, sql));
    reads_previous_statement_ = plan::reads_previous_statement(verdict);
    may_set_insert_id_ = verdict.reason == route::Reason::write_statement || plan::reads_last_insert_id(sql);
  }
  plan::StatementFacts facts = plan::facts_of(verdict, sql);
  if (force_replica_hook_enabled() && sql.find(kForceReplicaMarker) != std::string_view::npos) {
    facts.target = route::Target::replica;
    facts.reason = "test_force_replica";
  }
  const plan::Plan first = plan_first(facts);
  PlannedRead planned{ReplicaRead::not_served, first};
  if (plan_needs_run(first)) planned = co_await run_planned_read(facts, false, packet, seq, nullptr, &first);
  if (planned.read == ReplicaRead::session_over) co_return false;
  if (planned.read == ReplicaRead::served) {
    worker_.metrics->routing_decision(plan::to_string(planned.plan.target), planned.plan.reason);
    co_return true;
  }
  worker_.metrics->routing_decision("primary", planned.plan.reason);
  if (BackendLink* last = links_.last();
      planned.plan.target == plan::Target::previous_link && last != nullptr && !last->primary) {
    // SHOW WARNINGS, FOUND_ROWS(), ...: about the previous statement, which ran on a replica.
    BackendLink& link = *last;
    const Relayed outcome = co_await relay_command(link, packet, seq);
    if (outcome == Relayed::done) co_return true;
    if (outcome != Relayed::lost_before_reply) co_return false;
    links_.drop_replica(link);
  }
  const bool session_command = planned.plan.target == plan::Target::all_connections;
  const bool alive = co_await run_on_primary(packet, seq, !writes_nothing(verdict.reason), session_command);
  if (alive && verdict.effects.lexing_changed && links_.primary() != nullptr) {
    // SET NAMES, SET sql_mode, ...: ask the server how it lexes this session's text from now on.
    const auto state =
        co_await backend::run_simple_query(links_.primary()->backend(), kLexingStateQuery, identity_.capabilities);
    apply_lexing_state(routing_.view, state.ok ? state.first_value : std::nullopt);
  }
  co_return alive;
}

asio::awaitable<bool> Session::run_on_primary(proto::Bytes packet, std::uint8_t seq, bool may_write,
                                              bool session_command, PreparedStatementMap::Statement* statement) {
  backend::LoginFailure failure;
  // The usual case first, without a coroutine: the primary's link is there.
  BackendLink* link = links_.primary();
  if (link == nullptr) link = co_await links_.ensure_primary(failure);
  const auto reply_seq = static_cast<std::uint8_t>(seq + 1);
  if (link == nullptr) {
    if (static_cast<Command>(packet[0]) == Command::ping) {
      co_await send_ok(reply_seq);  // weir answers: reads still work
      co_return true;
    }
    if (session_command) {
      // Without a primary the session's state lives on the replicas: run it on one and replay.
      const plan::StatementFacts facts{route::Target::replica,
                                       "session_command_without_primary",
                                       false,
                                       proto::as_string(packet.subspan(1)),
                                       true,
                                       std::nullopt};
      const PlannedRead planned = co_await run_planned_read(facts, true, packet, seq);
      if (planned.read == ReplicaRead::session_over) co_return false;
      if (planned.read == ReplicaRead::served) {
        if (!relay_.tracked().error && links_.last() != nullptr) record_session_command(packet, *links_.last());
        co_return true;
      }
    }
    boost::system::error_code ignored;
    if (!failure.server_error.empty()) {
      guard_client_write();
      co_await client_.write_packet(failure.server_error, reply_seq, ignored);
      unguard_client();
    } else {
      // Named before the co_await: GCC 12 mishandles temporaries of a conditional expression there.
      const auto primary = current_primary(worker_.shared);
      const std::string message = "weir: this statement needs the primary (" +
                                  (primary ? primary->name : std::string("not found")) +
                                  "), which cannot be reached: " + failure.reason;
      co_await send_error(reply_seq, errors::kBackendUnavailable, "HY000", message);
    }
    co_return true;
  }
  const plan::Pins held = pins();
  const bool held_state = held.any();
  proto::Bytes to_send = packet;
  if (statement != nullptr) {
    // A link that must be reset for the statement is, before the execution is made for it (the
    // reset closes the statements on it). A failed reset closed the link: the relay finds it lost.
    if (must_reset_before(*link)) {
      const bool claimed = co_await claim_link(*link);
      if (!claimed) link->backend().mark_broken();
    }
    if (!execution_if_prepared(*link, *statement, packet)) {
      const bool ready = co_await execution_on_primary(*link, *statement, packet, reply_seq);
      if (!ready) co_return true;
    }
    to_send = execution_;
  }
  Relayed outcome = co_await relay_command(*link, to_send, seq);
  if (outcome == Relayed::lost_before_reply && !held_state && !may_write) {
    // The primary's connection turned out closed (killed, wait_timeout, a restart, in the instant
    // before the statement, after the idle wait's watch ended) before a byte of the reply came
    // back, and nothing of the client's lived on it: a new connection, the session commands
    // replayed, and the read once more (a read may run twice). The client never sees the close.
    log::info("the primary's connection was closed; the read runs on a new one",
              {{"session", id_}, {"backend", link->name}});
    worker_.metrics->error("backend_lost_replaced");
    links_.drop_primary();
    link = co_await links_.ensure_primary(failure);
    if (link == nullptr) {
      // As if the server itself were gone: the client sees its connection lost.
      log::info("the primary cannot be reached again; closing the session",
                {{"session", id_}, {"reason", failure.reason}});
      co_return false;
    }
    if (statement != nullptr) {
      const bool ready = co_await execution_on_primary(*link, *statement, packet, reply_seq);
      if (!ready) co_return true;
      to_send = execution_;
    }
    outcome = co_await relay_command(*link, to_send, seq);
  }
  if (outcome == Relayed::lost_before_reply) {
    worker_.metrics->error("backend_lost");
    const std::string message =
        held_state
            ? "weir: the primary (" + link->name +
                  ") closed this session's connection, and with it the session state it held: " + plan::to_string(held)
            : "weir: lost connection to the primary (" + link->name +
                  ") before the statement's reply; it may or may not have run";
    co_await send_error(reply_seq, errors::kBackendLost, "08S01", message);
    co_return false;
  }
  if (outcome != Relayed::done) co_return false;
  links_.set_last(link);
  route::apply_status_flags(routing_.view, relay_.tracker().status_flags());
  const auto& topology = worker_.topology.current();
  const bool tracking =
      proto::has(identity_.capabilities, proto::cap::kSessionTrack) && topology && topology->primary_tracks_last_gtid;
  std::optional<std::string_view> gtid;
  if (const auto& last_gtid = relay_.tracked().last_gtid) gtid = *last_gtid;
  routing_.read_your_writes.on_primary_statement(may_write, gtid, tracking, replied_at_);
  if (session_command && !relay_.tracked().error) record_session_command(packet, *link);
  co_return true;
}

plan::Plan Session::plan_first(const plan::StatementFacts& facts) {
  routing_.previous_on_replica = links_.last() != nullptr && !links_.last()->primary;
  return plan_attempt(facts, false, worker_.topology.current().get(), {});
}

plan::Plan Session::plan_attempt(const plan::StatementFacts& facts, bool any_replica, const health::Topology* topology,
                                 std::span<const std::size_t> excluded) {
  const plan::Policy policy = plan::policy_of(worker_.config.current()->routing);
  random_state_ = random_state_ * 1103515245U + 12345U;
  const std::uint32_t random = random_state_ >> 8;
  return any_replica ? plan::plan_any_replica(topology, policy, facts.text, excluded, random)
                     : plan::plan(facts, routing_, topology, policy, excluded, random);
}

asio::awaitable<Session::PlannedRead> Session::run_planned_read(const plan::StatementFacts& facts, bool any_replica,
                                                                proto::Bytes packet, std::uint8_t seq,
                                                                PreparedStatementMap::Statement* statement,
                                                                const plan::Plan* first) {
  // A copy: held across the suspensions below (a copy takes no lock).
  const auto topology = worker_.topology.current();
  if (first == nullptr) routing_.previous_on_replica = links_.last() != nullptr && !links_.last()->primary;
  std::vector<std::size_t> excluded;
  for (int attempt = 0; attempt < 3; ++attempt) {
    const plan::Plan planned =
        attempt == 0 && first != nullptr ? *first : plan_attempt(facts, any_replica, topology.get(), excluded);
    if (planned.target == plan::Target::refuse) {
      co_await send_error(static_cast<std::uint8_t>(seq + 1), errors::kBackendUnavailable, "HY000",
                          "weir: no replica is usable for reads and routing.when_no_replica is 'error'");
      co_return PlannedRead{ReplicaRead::served, planned};
    }
    if (planned.target != plan::Target::replica) co_return PlannedRead{ReplicaRead::not_served, planned};
    const auto& status = topology->backends[planned.replica];
    BackendLink* link = co_await links_.ensure_replica(status);
    if (link == nullptr) {
      excluded.push_back(planned.replica);
      continue;
    }
    if (planned.gtid_wait) {
      // Usable, but not yet known to have the session's last write: wait for it a little.
      const GtidWait waited =
          co_await wait_for_gtid(*link, *planned.gtid_wait, worker_.config.current()->routing.causal_wait);
      if (waited == GtidWait::connection_lost) {
        give_up_replica(*link, status.name, excluded, planned.replica);
        continue;
      }
      if (waited == GtidWait::not_applied)
        co_return PlannedRead{ReplicaRead::not_served, plan::Plan::primary("gtid_wait_timeout")};
    }
    if (packet.empty()) co_return PlannedRead{ReplicaRead::served, planned};  // only a connection was wanted
    bool rewritten = false;  // a prepared statement's execution, in execution_
    if (statement != nullptr) {
      bool lost = false;
      // Reset first when the statement needs it (see run_on_primary).
      if (must_reset_before(*link)) {
        const bool claimed = co_await claim_link(*link);
        lost = !claimed;
      }
      if (!lost) rewritten = co_await execution_for(*link, *statement, packet, lost, nullptr);
      if (lost) {
        give_up_replica(*link, status.name, excluded, planned.replica);
        continue;
      }
      if (!rewritten) co_return PlannedRead{ReplicaRead::not_served, plan::Plan::primary("replica_cannot_prepare")};
    }
    const proto::Bytes to_send = rewritten ? proto::Bytes(execution_) : packet;
    const auto load = link->load;
    if (load) load->outstanding.fetch_add(1, std::memory_order_relaxed);
    const Relayed outcome = co_await relay_command(*link, to_send, seq, true);
    if (load) load->outstanding.fetch_sub(1, std::memory_order_relaxed);
    if (outcome == Relayed::refused_as_write) {
      // The server caught a write the classifier missed; nothing was written and nothing reached
      // the client, so the primary runs it.
      note_write_refusal(status.name, facts.text, metrics::WriteRefusal::retried_on_primary);
      co_return PlannedRead{ReplicaRead::not_served, plan::Plan::primary("replica_refused_write")};
    }
    if (outcome == Relayed::done) {
      if (relay_.tracked().error_code == errors::kReadOnlyTransaction) {
        note_write_refusal(status.name, facts.text, metrics::WriteRefusal::reached_client);
      }
      links_.set_last(link);
      co_return PlannedRead{ReplicaRead::served, planned};
    }
    if (outcome != Relayed::lost_before_reply) co_return PlannedRead{ReplicaRead::session_over, planned};
    // Nothing reached the client: the read is retried elsewhere.
    log::warn("replica failed a read; retrying elsewhere", {{"session", id_}, {"backend", status.name}});
    worker_.metrics->error("replica_read_retried");
    give_up_replica(*link, status.name, excluded, planned.replica);
  }
  co_return PlannedRead{ReplicaRead::not_served, plan::Plan::primary("replicas_failed")};
}

asio::awaitable<Session::GtidWait> Session::wait_for_gtid(BackendLink& link, const health::GtidPosition& position,
                                                          config::Duration timeout) {
  const std::string wait = "SELECT MASTER_GTID_WAIT('" + position.to_string() + "', " + seconds_text(timeout) + ")";
  const auto waited = co_await backend::run_simple_query(link.backend(), wait, identity_.capabilities);
  const GtidWait outcome = waited.connection_lost                   ? GtidWait::connection_lost
                           : waited.ok && waited.first_value == "0" ? GtidWait::applied
                                                                    : GtidWait::not_applied;
  worker_.metrics->gtid_wait(!waited.ok || waited.connection_lost ? metrics::GtidWaitOutcome::error
                             : outcome == GtidWait::applied       ? metrics::GtidWaitOutcome::applied
                                                                  : metrics::GtidWaitOutcome::timeout);
  co_return outcome;
}

void Session::note_write_refusal(const std::string& backend, std::string_view sql, metrics::WriteRefusal outcome) {
  // The digest names the statement without its values.
  log::warn("a replica refused a statement as a write: the classifier let a write through",
            {{"session", id_},
             {"backend", backend},
             {"outcome", metrics::to_string(outcome)},
             {"digest", sql.empty() ? std::string("(not a text statement)") : route::digest(sql).text}});
  worker_.metrics->replica_write_refused(outcome);
}

void Session::give_up_replica(BackendLink& link, const std::string& backend, std::vector<std::size_t>& excluded,
                              std::size_t index) {
  worker_.shared.backend_failures.report(backend);
  links_.drop_replica(link);
  excluded.push_back(index);
}

asio::awaitable<bool> Session::connect_any_replica() {
  const PlannedRead planned = co_await run_planned_read(plan::StatementFacts{}, true, {}, 0);
  co_return planned.read == ReplicaRead::served;
}

}  // namespace weir::session
