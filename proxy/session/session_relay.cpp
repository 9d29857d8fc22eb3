// Relaying a command's response from a backend link to the client. It stays in the session: it
// writes to the client's stream under the client's write deadline, reads the client's LOAD DATA
// LOCAL packets, arms the statement's timeouts.query (whose KILL needs the session alive) and
// learns what the relay tracked (the link's database, the metrics, the slow-query log).
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>

#include "log/log.hpp"
#include "session/database_change.hpp"
#include "session/error_codes.hpp"
#include "session/session.hpp"
#include "weir/protocol/commands.hpp"
#include "weir/protocol/response.hpp"
#include "weir/route/digest.hpp"

namespace weir::session {

namespace asio = boost::asio;
namespace proto = weir::protocol;
using proto::Command;

namespace {

// Whether the first packet in `data` (header included) is an ERR packet.
bool starts_with_err(proto::Bytes data) { return data.size() > 4 && data[4] == proto::kErrHeader; }

}  // namespace

asio::awaitable<bool> Session::claim_link(BackendLink& link) {
  // Multiplexing: when the link's last statement was another session's, a statement about the
  // previous statement must not read that one's answer: the link is reset for it first. And
  // the session's LAST_INSERT_ID() is set on the connection before a statement that asks for it
  // or may leave it as it was (an INSERT with its own ids, read afterwards as the session's),
  // only then: setting it replaces what the previous statement left (warnings, FOUND_ROWS()).
  const bool restore = carried_insert_id_ != 0 && may_set_insert_id_ && (link.borrowed || !insert_id_set_);
  bool ready = true;
  if (must_reset_before(link)) {
    columns_.forget();  // the reset forgets the connection's statements
    ready = co_await links_.make_own(link);
  }
  if (ready && restore) ready = co_await restore_last_insert_id(link);
  co_return ready;
}

// One coroutine from the command to the end of its response: the relay loop is not a coroutine
// of its own (a frame and a resumption per statement).
asio::awaitable<Session::Relayed> Session::relay_command(BackendLink& link, proto::Bytes packet, std::uint8_t seq,
                                                         bool hold_write_refusal) {
  if (reads_previous_statement_ || may_set_insert_id_) {
    const bool ready = co_await claim_link(link);
    if (!ready) co_return Relayed::lost_before_reply;
  }
  link.borrowed = false;
  links_.publish(link);
  const auto started = std::chrono::steady_clock::now();
  boost::system::error_code error;
  link.idle = false;
  // Written at once in the usual case (no coroutine): the rest of it only when the socket is full.
  if (!link.stream().try_write_packet(packet, seq, error)) co_await link.stream().write_rest(error);
  if (error) {
    link.backend().mark_broken();
    co_return Relayed::lost_before_reply;
  }
  const std::uint8_t command = packet[0];
  if (!proto::expects_response(static_cast<Command>(command))) {
    link.idle = true;
    co_return Relayed::done;
  }
  // Captures two pointers only: stored without allocating (the kill is rare, the arm is not).
  query_deadline_.arm(worker_.config.current()->timeouts.query, [this, target = &link] {
    asio::co_spawn(
        client_.stream().socket().get_executor(),
        kill_slow_query(shared_from_this(), target->key.host, target->key.port, target->backend().thread_id()),
        asio::detached);
  });
  // The response, relayed frame by frame as it arrives (see ResponseRelay).
  auto& backend = link.stream();
  relay_.start(command, identity_.capabilities);
  if (prepare_client_id_ != 0 && command == static_cast<std::uint8_t>(Command::stmt_prepare)) {
    relay_.rewrite_statement_id();
  }
  columns_.begin(relay_, command, identity_.capabilities);
  std::size_t forwarded = 0;
  Relayed outcome = Relayed::done;
  while (true) {
    const auto step = relay_.scan(backend.buffered_writable());
    if (step.statement_id_at != 0) {
      // The client knows the statement by weir's id (see prepare_statement).
      const std::array<std::uint8_t, 4> id{
          static_cast<std::uint8_t>(prepare_client_id_), static_cast<std::uint8_t>(prepare_client_id_ >> 8),
          static_cast<std::uint8_t>(prepare_client_id_ >> 16), static_cast<std::uint8_t>(prepare_client_id_ >> 24)};
      backend.overwrite_buffered(step.statement_id_at, id);
    }
    if (hold_write_refusal && forwarded == 0 && step.outcome == ResponseRelay::Outcome::done &&
        relay_.tracked().error_code == errors::kReadOnlyTransaction && starts_with_err(backend.buffered())) {
      // The whole response is the read-only link's refusal: nothing reached the client.
      backend.consume(step.forward);
      outcome = Relayed::refused_as_write;
      break;
    }
    if (step.forward > 0) {
      // The kernel usually takes it all at once: no deadline to arm, no suspension. Only a client
      // whose socket is full gets the rest written under timeouts.client_write.
      const proto::Bytes bytes = backend.buffered().first(step.forward);
      const std::size_t written = client_.try_write_raw(bytes, error);
      if (!error && written < bytes.size()) {
        guard_client_write();
        co_await client_.write_raw(bytes.subspan(written), error);
        unguard_client();
      }
      if (error) {
        outcome = Relayed::client_gone;
        break;
      }
      worker_.metrics->bytes_to_client(step.forward);
      backend.consume(step.forward);
      forwarded += step.forward;
    }
    if (step.outcome == ResponseRelay::Outcome::done) {
      std::vector<std::uint32_t> evicted;
      columns_.end(relay_, link.backend().prepared(), evicted);
      if (!evicted.empty()) co_await close_server_statements(link, std::move(evicted));
      outcome = Relayed::done;
      break;
    }
    if (step.outcome == ResponseRelay::Outcome::columns_left_out) {
      // MariaDB's metadata cache left out definitions this client statement does not have: the
      // client gets the server statement's in their place.
      const proto::Bytes buffered = backend.buffered();
      const std::size_t frame = proto::kFrameHeaderSize + proto::decode_frame_header(buffered.data()).payload_length;
      given_columns_.clear();
      const auto count = columns_.give(buffered.first(frame), relay_.sequence_shift(), given_columns_);
      if (!count) {
        log::error("backend left out column definitions weir does not have",
                   {{"session", id_}, {"backend", link.name}});
        link.backend().mark_broken();
        outcome = forwarded == 0 ? Relayed::lost_before_reply : Relayed::lost_mid_reply;
        break;
      }
      guard_client_write();
      co_await client_.write_raw(given_columns_, error);
      unguard_client();
      if (error) {
        outcome = Relayed::client_gone;
        break;
      }
      worker_.metrics->bytes_to_client(given_columns_.size());
      backend.consume(frame);
      forwarded += frame;
      relay_.columns_given(*count);
      continue;
    }
    if (step.outcome == ResponseRelay::Outcome::local_infile) {
      const bool relayed = co_await relay_local_infile(link);
      if (!relayed) {
        outcome = Relayed::lost_mid_reply;
        break;
      }
      continue;
    }
    if (step.outcome == ResponseRelay::Outcome::failed) {
      log::error("backend broke the protocol",
                 {{"session", id_}, {"backend", link.name}, {"detail", relay_.tracker().error().message()}});
      link.backend().mark_broken();
      outcome = forwarded == 0 ? Relayed::lost_before_reply : Relayed::lost_mid_reply;
      break;
    }
    if (backend.plain()) {
      // The read itself awaited: no coroutine frame of fill's per read (see PacketStream::plain).
      std::size_t n = 0;
      std::tie(error, n) = co_await backend.stream().plain_read_some(backend.fill_buffer(step.min_capacity));
      backend.filled(n);
    } else {
      co_await backend.fill(step.min_capacity, error);
    }
    if (error) {
      log::warn("backend connection lost mid-response",
                {{"session", id_}, {"backend", link.name}, {"error", error.message()}});
      link.backend().mark_broken();
      outcome = forwarded == 0 ? Relayed::lost_before_reply : Relayed::lost_mid_reply;
      break;
    }
  }
  query_deadline_.cancel();
  note_relayed(link, packet, outcome, started);
  co_return outcome;
}

void Session::note_relayed(BackendLink& link, proto::Bytes packet, Relayed outcome,
                           std::chrono::steady_clock::time_point started) {
  // A refusal held back from the client is a complete response too: the link is ready for the next.
  link.idle = (outcome == Relayed::done || outcome == Relayed::refused_as_write) && relay_.tracker().done();
  if (outcome != Relayed::done) return;
  if (links_.multiplexing()) {
    const auto& tracked = relay_.tracked();
    note_leftovers(
        plan::leftovers_of_response({tracked.warnings, tracked.error, tracked.affected_rows, tracked.last_insert_id}));
  }
  track_database(link, packet[0], packet);
  replied_at_ = std::chrono::steady_clock::now();
  const auto elapsed = replied_at_ - started;
  worker_.metrics->query(link.name, !link.primary, packet[0], elapsed);
  log_if_slow(link, packet, elapsed);
}

asio::awaitable<bool> Session::relay_local_infile(BackendLink& link) {
  // The client sends the file as packets and ends with an empty one; relay them verbatim, one at
  // a time (weir holds one packet of the file, never the file). Each is bounded like a statement
  // by the primary's max_allowed_packet, which the server applies to them too.
  boost::system::error_code error;
  const std::size_t max_packet = max_client_packet();
  while (true) {
    proto::Bytes packet;
    std::uint8_t seq = 0;
    guard_client_read();
    co_await client_.read_packet(packet, seq, max_packet, error);
    unguard_client();
    if (error == boost::system::errc::message_size) {
      log::info("client LOAD DATA LOCAL packet over the primary's max_allowed_packet; closing",
                {{"session", id_}, {"peer", peer_host_}, {"max_allowed_packet", max_packet}});
      link.backend().mark_broken();  // mid-statement: never pooled
      co_await refuse_oversized_packet();
      co_return false;
    }
    if (!error) co_await link.stream().write_packet(packet, seq, error);
    if (error) co_return false;
    if (packet.empty()) co_return relay_.client_infile_done();
  }
}

void Session::log_if_slow(const BackendLink& link, proto::Bytes packet, std::chrono::steady_clock::duration elapsed) {
  const auto threshold = worker_.config.current()->log.slow_query;
  if (threshold <= config::Duration::zero() || elapsed < threshold) return;
  const auto command = static_cast<Command>(packet[0]);
  std::string statement;
  if (command == Command::query) {
    statement = route::digest(proto::as_string(packet.subspan(1))).text;
  } else if (const auto id = proto::read_statement_id(packet); id && command == Command::stmt_execute) {
    // The id in the packet is the connection's.
    const auto text = link.connection->prepared().text_of(*id);
    statement = text.empty() ? std::string("EXECUTE of a prepared statement") : route::digest(text).text;
  } else {
    statement = std::string(proto::command_name(command));
  }
  log::warn("slow query", {{"session", id_},
                           {"user", identity_.user},
                           {"backend", link.name},
                           {"ms", std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count()},
                           {"digest", statement}});
}

void Session::track_database(BackendLink& link, std::uint8_t command, proto::Bytes packet) {
  if (command == static_cast<std::uint8_t>(Command::set_option)) link.options_changed = true;
  if (const auto& schema = relay_.tracked().schema) {
    link.database = *schema;
    link.database_known = true;
    return;
  }
  // Without session state tracking a change of database cannot be seen: stop trusting it.
  if (command_may_change_database(packet)) link.database_known = false;
}

}  // namespace weir::session
