// Where each statement goes: the classifier's verdict (route/), the session's state (transaction,
// temporary tables, session commands, read-your-writes) and the monitor's topology.
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
#include "weir/route/replica_guard.hpp"

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
    case 1: case 84:    // big5
    case 95: case 96:   // cp932
    case 28: case 87:   // gbk
    case 13: case 88:   // sjis
    case 248: case 249: case 250:  // gb18030 (MySQL)
      return true;
    default:
      return false;
  }
}

// Statements that are reads (or change nothing the binary log records) when the primary runs them.
bool writes_nothing(route::Reason reason) {
  switch (reason) {
    case route::Reason::ReadOnlyStatement:
    case route::Reason::Empty:
    case route::Reason::SessionCommand:
    case route::Reason::PreviousStatementState:
    case route::Reason::ServerState:
    case route::Reason::Kill:
      return true;
    default:
      return false;
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
  read_your_writes_.set_mode(config->routing.consistency);
  const auto identity = worker_.shared.identity.load();
  view_.server_version = parse_server_version(identity->server_version);
  view_.client_charset_backslash_trail_bytes = backslash_trail_charset(identity_.character_set);
  // Replica links run without CLIENT_MULTI_STATEMENTS (one statement per COM_QUERY, enforced by
  // the server), so a multi-statement always goes to the primary.
  classify_options_.multi_statement_reads_to_replica = false;
}

void Session::apply_effects(const route::Effects& effects) {
  for (const auto& change : effects.temp_tables) {
    if (change.created) {
      temp_tables_.push_back(change.table);
    } else {
      std::erase_if(temp_tables_, [&](const route::TableName& t) {
        return t.name == change.table.name && (t.schema.empty() || change.table.schema.empty() ||
                                               t.schema == change.table.schema);
      });
    }
  }
  if (effects.locks_tables) view_.tables_locked = true;
  if (effects.unlocks_tables) view_.tables_locked = false;
  if (effects.user_variables_diverged) view_.user_variables_diverged = true;
  if (effects.pin_session_to_primary) pinned_to_primary_ = true;
  if (effects.autocommit) view_.autocommit = *effects.autocommit;
  if (effects.transaction == route::TransactionChange::Begin ||
      effects.transaction == route::TransactionChange::Restart) {
    view_.in_transaction = true;
  }
  if (effects.lexing_changed) view_.sql_mode_known = false;
}

void Session::record_session_command(proto::Bytes packet, BackendLink& ran_on) {
  if (!history_.add(packet)) {
    if (!pinned_to_primary_) {
      log::info("session command history full: the session stays on the primary",
                {{"session", id_}, {"commands", history_.last()}});
    }
    pinned_to_primary_ = true;
    return;
  }
  ran_on.applied = history_.last();
}

asio::awaitable<bool> Session::route_query(proto::Bytes packet, std::uint8_t seq) {
  const auto sql = proto::as_string(packet.subspan(1));
  view_.temp_tables = temp_tables_;
  route::Classification verdict = route::classify(sql, classify_options_, view_);
  apply_effects(verdict.effects);
  std::string_view reason = route::to_string(verdict.reason);
  if (force_replica_hook_enabled() && sql.find(kForceReplicaMarker) != std::string_view::npos) {
    verdict.target = route::Target::Replica;
    reason = "test_force_replica";
  }
  if (verdict.target == route::Target::Replica && !pinned_to_primary_) {
    const ReplicaRead read = co_await read_on_replica(packet, seq, false);
    if (read == ReplicaRead::served) {
      if (worker_.metrics != nullptr) worker_.metrics->routing_decision("replica", reason);
      co_return true;
    }
    if (read == ReplicaRead::session_over) co_return false;
    reason = not_on_replica_because_;
  } else if (verdict.target == route::Target::Replica) {
    reason = "session_pinned_to_primary";
  }
  if (worker_.metrics != nullptr) worker_.metrics->routing_decision("primary", reason);
  if (verdict.effects.follows_previous_statement && last_link_ != nullptr && !last_link_->primary) {
    // SHOW WARNINGS, FOUND_ROWS(), ...: about the previous statement, which ran on a replica.
    BackendLink& link = *last_link_;
    const Relayed outcome = co_await relay_command(link, packet, seq);
    if (outcome == Relayed::done) co_return true;
    if (outcome != Relayed::lost_before_reply) co_return false;
    drop_replica_link(link);
  }
  const bool session_command = verdict.target == route::Target::AllSessionConnections;
  const bool alive = co_await run_on_primary(packet, seq, !writes_nothing(verdict.reason), session_command);
  if (alive && verdict.effects.lexing_changed && primary_) {
    // SET NAMES, SET sql_mode, ...: ask the server how it lexes this session's text from now on.
    const auto state = co_await backend::run_simple_query(primary_->backend(), kLexingStateQuery, identity_.capabilities);
    apply_lexing_state(view_, state.ok ? state.first_value : std::nullopt);
  }
  co_return alive;
}

asio::awaitable<bool> Session::run_on_primary(proto::Bytes packet, std::uint8_t seq, bool may_write,
                                              bool session_command) {
  backend::LoginFailure failure;
  BackendLink* link = co_await ensure_primary(failure);
  const auto reply_seq = static_cast<std::uint8_t>(seq + 1);
  if (link == nullptr) {
    if (static_cast<Command>(packet[0]) == Command::ping) {
      co_await send_ok(reply_seq);  // weir answers: reads still work
      co_return true;
    }
    if (session_command) {
      // Without a primary the session's state lives on the replicas: run it on one and replay.
      const ReplicaRead read = co_await read_on_replica(packet, seq, true);
      if (read == ReplicaRead::session_over) co_return false;
      if (read == ReplicaRead::served) {
        if (!relay_.tracked().error && last_link_ != nullptr) record_session_command(packet, *last_link_);
        co_return true;
      }
    }
    boost::system::error_code ignored;
    if (!failure.server_error.empty()) {
      co_await client_.write_packet(failure.server_error, reply_seq, ignored);
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
  const Relayed outcome = co_await relay_command(*link, packet, seq);
  if (outcome == Relayed::lost_before_reply) {
    if (worker_.metrics != nullptr) worker_.metrics->error("backend_lost");
    co_await send_error(reply_seq, errors::kBackendLost, "08S01",
                        "weir: lost connection to the primary " + link->name + " during the statement");
    co_return false;
  }
  if (outcome != Relayed::done) co_return false;
  last_link_ = link;
  route::apply_status_flags(view_, relay_.tracker().status_flags());
  const auto topology = worker_.shared.topology.load();
  const bool tracking = proto::has(identity_.capabilities, proto::cap::kSessionTrack) && topology &&
                        topology->primary_tracks_last_gtid;
  std::optional<std::string_view> gtid;
  if (relay_.tracked().last_gtid) gtid = *relay_.tracked().last_gtid;
  read_your_writes_.on_primary_statement(may_write, gtid, tracking, std::chrono::steady_clock::now());
  if (session_command && !relay_.tracked().error) record_session_command(packet, *link);
  co_return true;
}

asio::awaitable<Session::ReplicaRead> Session::read_on_replica(proto::Bytes packet, std::uint8_t seq,
                                                               bool any_replica,
                                                               PreparedStatementMap::Statement* statement) {
  const auto topology = worker_.shared.topology.load();
  not_on_replica_because_ = "no_topology_yet";
  if (!topology) co_return ReplicaRead::not_served;
  const std::string_view text = statement != nullptr          ? std::string_view(statement->sql)
                                : !packet.empty() && static_cast<Command>(packet[0]) == Command::query
                                    ? proto::as_string(packet.subspan(1))
                                    : std::string_view();
  if (route::may_lift_read_only(text)) {
    // A replica link must stay read-only: whatever the classifier thought, this text could lift it.
    not_on_replica_because_ = "replica_guard";
    co_return ReplicaRead::not_served;
  }
  const auto config = worker_.shared.config.load();
  const ReadRequirement requirement = any_replica ? ReadRequirement{} : read_your_writes_.requirement(*topology);
  std::vector<std::size_t> excluded;
  for (int attempt = 0; attempt < 3; ++attempt) {
    random_state_ = random_state_ * 1103515245U + 12345U;
    ChoiceOptions options;
    options.when_no_replica = config->routing.when_no_replica;
    options.may_wait = config->routing.causal_wait > config::Duration::zero();
    options.excluded = excluded;
    options.random = random_state_ >> 8;
    const ReplicaChoice choice = choose_replica(*topology, requirement, options);
    if (choice.outcome == ReplicaChoice::Outcome::primary) {
      not_on_replica_because_ = choice.why;
      co_return ReplicaRead::not_served;
    }
    if (choice.outcome == ReplicaChoice::Outcome::error) {
      if (any_replica) co_return ReplicaRead::not_served;
      co_await send_error(static_cast<std::uint8_t>(seq + 1), errors::kBackendUnavailable, "HY000",
                          "weir: no replica is usable for reads and routing.when_no_replica is 'error'");
      co_return ReplicaRead::served;
    }
    const auto& status = topology->backends[choice.index];
    BackendLink* link = co_await ensure_replica(status);
    if (link == nullptr) {
      excluded.push_back(choice.index);
      continue;
    }
    if (choice.outcome == ReplicaChoice::Outcome::replica_wait) {
      // Usable, but not yet known to have the session's last write: wait for it a little.
      const GtidWait waited = co_await wait_for_gtid(*link, *requirement.after, config->routing.causal_wait);
      if (waited == GtidWait::connection_lost) {
        give_up_replica(*link, status.name, excluded, choice.index);
        continue;
      }
      if (waited == GtidWait::not_applied) {
        not_on_replica_because_ = "gtid_wait_timeout";
        co_return ReplicaRead::not_served;
      }
    }
    if (packet.empty()) co_return ReplicaRead::served;  // only a connection was wanted
    std::optional<proto::Buffer> execution;
    if (statement != nullptr) {
      bool lost = false;
      execution = co_await execution_for(*link, *statement, packet, lost);
      if (lost) {
        give_up_replica(*link, status.name, excluded, choice.index);
        continue;
      }
      if (!execution) {
        not_on_replica_because_ = "replica_cannot_prepare";
        co_return ReplicaRead::not_served;
      }
    }
    const proto::Bytes to_send = execution ? proto::Bytes(*execution) : packet;
    const auto load = link->load;
    if (load) load->outstanding.fetch_add(1, std::memory_order_relaxed);
    const Relayed outcome = co_await relay_command(*link, to_send, seq, true);
    if (load) load->outstanding.fetch_sub(1, std::memory_order_relaxed);
    if (outcome == Relayed::refused_as_write) {
      // The server caught a write the classifier missed; nothing was written and nothing reached
      // the client, so the primary runs it.
      note_write_refusal(status.name, text, metrics::WriteRefusal::retried_on_primary);
      not_on_replica_because_ = "replica_refused_write";
      co_return ReplicaRead::not_served;
    }
    if (outcome == Relayed::done) {
      if (relay_.tracked().error_code == errors::kReadOnlyTransaction) {
        note_write_refusal(status.name, text, metrics::WriteRefusal::reached_client);
      }
      last_link_ = link;
      co_return ReplicaRead::served;
    }
    if (outcome != Relayed::lost_before_reply) co_return ReplicaRead::session_over;
    // Nothing reached the client: the read is retried elsewhere.
    log::warn("replica failed a read; retrying elsewhere", {{"session", id_}, {"backend", status.name}});
    if (worker_.metrics != nullptr) worker_.metrics->error("replica_read_retried");
    give_up_replica(*link, status.name, excluded, choice.index);
  }
  not_on_replica_because_ = "replicas_failed";
  co_return ReplicaRead::not_served;
}

asio::awaitable<Session::GtidWait> Session::wait_for_gtid(BackendLink& link, const health::GtidPosition& position,
                                                          config::Duration timeout) {
  const std::string wait =
      "SELECT MASTER_GTID_WAIT('" + position.to_string() + "', " + seconds_text(timeout) + ")";
  const auto waited = co_await backend::run_simple_query(link.backend(), wait, identity_.capabilities);
  const GtidWait outcome = waited.connection_lost              ? GtidWait::connection_lost
                           : waited.ok && waited.first_value == "0" ? GtidWait::applied
                                                                    : GtidWait::not_applied;
  if (worker_.metrics != nullptr) {
    worker_.metrics->gtid_wait(!waited.ok || waited.connection_lost ? metrics::GtidWaitOutcome::error
                               : outcome == GtidWait::applied      ? metrics::GtidWaitOutcome::applied
                                                                    : metrics::GtidWaitOutcome::timeout);
  }
  co_return outcome;
}

void Session::note_write_refusal(const std::string& backend, std::string_view sql, metrics::WriteRefusal outcome) {
  // The digest names the statement without its values.
  log::warn("a replica refused a statement as a write: the classifier let a write through",
            {{"session", id_},
             {"backend", backend},
             {"outcome", metrics::to_string(outcome)},
             {"digest", sql.empty() ? std::string("(not a text statement)") : route::digest(sql).text}});
  if (worker_.metrics != nullptr) worker_.metrics->replica_write_refused(outcome);
}

void Session::give_up_replica(BackendLink& link, const std::string& backend, std::vector<std::size_t>& excluded,
                              std::size_t index) {
  worker_.shared.backend_failures.report(backend);
  drop_replica_link(link);
  excluded.push_back(index);
}

asio::awaitable<bool> Session::connect_any_replica() {
  const ReplicaRead read = co_await read_on_replica({}, 0, true);
  co_return read == ReplicaRead::served;
}

}  // namespace weir::session
