#pragma once
// One client session: login, then the command loop that routes each command to the primary or a
// replica and streams the response back. Lives on one worker for its whole life.
//
// Its backend connections are BackendLinks' (at most one per backend: the primary's, opened at
// login, and replicas' opened when a read is first routed there); the session asks it for a link
// and relays the response. Session commands (SET, USE, ...) run on the primary and are replayed
// on every other connection before its next statement.
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "backend/backend_connection.hpp"
#include "backend/simple_query.hpp"
#include "metrics/metrics.hpp"
#include "net/deadline_list.hpp"
#include "net/packet_stream.hpp"
#include "plan/multiplexing.hpp"
#include "plan/plan.hpp"
#include "session/backend_link.hpp"
#include "session/backend_links.hpp"
#include "session/client_columns.hpp"
#include "session/client_login.hpp"
#include "session/kill_decision.hpp"
#include "session/kill_statement.hpp"
#include "session/prepared_statement_map.hpp"
#include "session/response_relay.hpp"
#include "session/session_command_history.hpp"
#include "session/worker_context.hpp"
#include "weir/route/classify.hpp"

namespace weir::session {

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(boost::asio::ip::tcp::socket socket, WorkerContext& worker);
  ~Session();

  // Starts the session on its socket's executor; it keeps itself alive until it ends.
  static void start(std::shared_ptr<Session> session);

 private:
  // How a command relayed to one backend ended.
  enum class Relayed : std::uint8_t {
    done,               // the response went to the client; the backend is idle again
    lost_before_reply,  // the backend failed before a byte reached the client: may be retried
    lost_mid_reply,     // the backend failed after part of the response went out
    client_gone,
    refused_as_write,  // a read-only replica link answered ERROR 1792 and nothing reached the client
  };
  // How a read offered to the replicas ended.
  enum class ReplicaRead : std::uint8_t { served, not_served, session_over };

  // The coroutine owns the session through its parameter (lambda coroutines with captures are a
  // lifetime trap).
  static boost::asio::awaitable<void> run_owned(std::shared_ptr<Session> self);
  boost::asio::awaitable<void> run();
  boost::asio::awaitable<bool> login();
  boost::asio::awaitable<void> command_loop();
  // pool.multiplexing, after a statement: the links go to the worker's pool unless the session
  // still needs something on them (pins(), or what its next statement may ask about).
  boost::asio::awaitable<void> share_links();
  // Reads LAST_INSERT_ID() from the connection that has it (carried_insert_id_), so that the
  // session no longer needs that connection; false when it could not.
  boost::asio::awaitable<bool> carry_last_insert_id();
  // Sets the carried LAST_INSERT_ID() on `link`'s connection (DO LAST_INSERT_ID(v)).
  boost::asio::awaitable<bool> restore_last_insert_id(BackendLink& link);
  void note_leftovers(const plan::Leftovers& leftovers);
  std::size_t max_client_packet() const;  // the largest command packet a client may send
  enum class Wake : std::uint8_t {
    client,        // the client sent something
    primary_lost,  // the primary closed (or spoke) first
    idle_timeout,  // timeouts.client_idle passed
    backend_idle,  // timeouts.backend_idle passed: give the backend connections back
  };
  boost::asio::awaitable<Wake> wait_for_client(bool watch_backend_idle);
  // While the session waits for its client (see wait_for_client for when) a one-byte read on the
  // primary's link notices the server closing it (KILL, a restart, wait_timeout) or speaking unasked at once;
  // unwatch_primary ends the watch and says whether that happened first.
  void watch_primary();
  bool unwatch_primary();
  // Without a watch (plain TCP, the hot wait): whether the primary spoke or closed since its last
  // reply, as the watch would have said (backend_spoke_, primary_reset_).
  bool primary_spoke_meanwhile();
  // One look at the primary's plain TCP socket: bytes, a close or a reset waiting there set
  // backend_spoke_ (and primary_reset_) and answer true.
  bool primary_socket_spoke(boost::asio::ip::tcp::socket& socket);
  // A deadline ending the wait for the client: sets `reason` and cancels the client's pending read
  // or wait (only while the session is idle).
  void wake_idle_wait(bool& reason);
  // The primary's connection holds state a new connection would not have (transaction, locks,
  // temporary tables, prepared statements, unreplayable variables).
  // (CONNECTION_ID() aside: it keeps a multiplexed session from lending its connection, but it is
  // not state, and a connection given back after timeouts.backend_idle changes it anyway.)
  bool primary_holds_state() const {
    plan::Pins held = pins();
    held.bits = static_cast<std::uint16_t>(held.bits & ~static_cast<std::uint16_t>(plan::Pin::connection_id));
    return held.any();
  }
  plan::Pins pins() const;  // ... and what that state is
  // timeouts.query passed for the statement running on `link`: KILL QUERY it from a side connection.
  static boost::asio::awaitable<void> kill_slow_query(std::shared_ptr<Session> self, std::string host,
                                                      std::uint16_t port, std::uint32_t thread_id);
  // Each returns false when the session must end.
  boost::asio::awaitable<bool> dispatch(protocol::Bytes packet, std::uint8_t sequence_id);
  // --- KILL (session_kill.cpp) ---
  boost::asio::awaitable<bool> kill(KillStatement request, std::uint8_t sequence_id);
  // `sql` as this session's user with its session state (roles included) on that server: on the
  // session's link to it, or on one opened and brought up to date for it. `alive` turns false
  // when the session's primary connection was lost.
  boost::asio::awaitable<backend::SimpleResult> run_as_caller(std::string host, std::uint16_t port, std::string sql,
                                                              bool& alive);
  // Whether this session's user holds, right now, a privilege that lets it kill any thread.
  boost::asio::awaitable<ServerAnswer> ask_kill_privilege(bool& alive);
  // `sql` on a pooled or new connection to that server (KILL of a thread this session cannot reach).
  boost::asio::awaitable<backend::SimpleResult> run_on_server(std::string host, std::uint16_t port, std::string sql);
  // Whether the session keeps nothing on the primary's connection that a new one would not
  // have (transaction, locks, temporary tables, prepared statements, unreplayable variables),
  // and replicas can serve its reads meanwhile.
  bool can_lose_primary() const;
  boost::asio::awaitable<bool> change_user(protocol::Bytes packet, std::uint8_t sequence_id);
  boost::asio::awaitable<bool> reset_connection(protocol::Bytes packet, std::uint8_t sequence_id);
  boost::asio::awaitable<void> send_error(std::uint8_t sequence_id, std::uint16_t code, std::string_view state,
                                          std::string_view message);
  boost::asio::awaitable<void> send_ok(std::uint8_t sequence_id);
  boost::asio::awaitable<void> send_login_failure(const backend::LoginFailure& failure, std::uint8_t sequence_id);
  // COM_CHANGE_USER, COM_RESET_CONNECTION: the server forgot the session; so does weir.
  void forget_session_state();
  void close();

  // --- routing (session_routing.cpp) ---
  void refresh_routing_options();
  boost::asio::awaitable<bool> route_query(protocol::Bytes packet, std::uint8_t sequence_id);
  // How a statement planned for the replicas went: `plan` is the last plan executed (served), or
  // where the statement goes instead and why (not_served).
  struct PlannedRead {
    ReplicaRead read = ReplicaRead::not_served;
    plan::Plan plan;
  };
  // The first plan for `facts`, made without suspending. A plan for the primary (a write, a
  // pinned session, no usable replica) needs nothing more: only a replica's (or a refusal) goes on
  // to run_planned_read, so most statements pay no coroutine and no topology copy for planning.
  plan::Plan plan_first(const plan::StatementFacts& facts);
  static bool plan_needs_run(const plan::Plan& planned) {
    return planned.target == plan::Target::replica || planned.target == plan::Target::refuse;
  }
  // Plans `facts` and runs it on a replica when the plan says so, planning again without a
  // replica that failed. `any_replica`: a session command while the primary is unreachable.
  // `statement`: the packet is a COM_STMT_EXECUTE of it (prepared on the replica on demand).
  // `first`: plan_first()'s plan, made just before (no suspension since), for the first attempt.
  // An empty packet only connects a replica.
  boost::asio::awaitable<PlannedRead> run_planned_read(const plan::StatementFacts& facts, bool any_replica,
                                                       protocol::Bytes packet, std::uint8_t sequence_id,
                                                       PreparedStatementMap::Statement* statement = nullptr,
                                                       const plan::Plan* first = nullptr);
  // One planning attempt (any_replica: plan::plan_any_replica); advances the tie-breaking random.
  plan::Plan plan_attempt(const plan::StatementFacts& facts, bool any_replica, const health::Topology* topology,
                          std::span<const std::size_t> excluded);
  enum class GtidWait : std::uint8_t { applied, not_applied, connection_lost };
  // MASTER_GTID_WAIT on the replica behind `link` for at most `timeout` (counted in the metrics).
  boost::asio::awaitable<GtidWait> wait_for_gtid(BackendLink& link, const health::GtidPosition& position,
                                                 config::Duration timeout);
  // A replica refused a statement with ERROR 1792 (logged by digest and counted).
  void note_write_refusal(const std::string& backend, std::string_view sql, metrics::WriteRefusal outcome);
  // The replica failed this session: reported to the monitor, its link closed, not tried again.
  void give_up_replica(BackendLink& link, const std::string& backend, std::vector<std::size_t>& excluded,
                       std::size_t index);
  // --- prepared statements (session_prepared.cpp) ---
  boost::asio::awaitable<bool> prepared_command(protocol::Bytes packet, std::uint8_t sequence_id);
  // The session's statement a COM_STMT_* packet is about (MariaDB's -1: the last prepared), and
  // its id in `client_id`; null when the id is not one of the session's.
  PreparedStatementMap::Statement* statement_of(protocol::Bytes packet, std::uint32_t& client_id);
  // COM_STMT_PREPARE on the primary; the client gets weir's id for the statement.
  boost::asio::awaitable<bool> prepare_statement(protocol::Bytes packet, std::uint8_t sequence_id);
  boost::asio::awaitable<void> close_statement(std::uint32_t id);
  // Once a statement's cursor is done and its long data used, the server statement it held on the
  // primary may serve its other statements of the same text again.
  void release_when_done(PreparedStatementMap::Statement& statement);
  // COM_STMT_CLOSE of the server's `ids` on `link` (no reply).
  boost::asio::awaitable<void> close_server_statements(BackendLink& link, std::vector<std::uint32_t> ids);
  // An execution's first step, without I/O: the client's parameter types noted, the routing
  // verdict applied, the plan made.
  struct ExecutionStart {
    plan::StatementFacts facts;
    plan::Plan first;
    bool cursor = false;     // the client asked for a cursor
    bool may_write = false;  // not a read-only statement
  };
  ExecutionStart start_execution(protocol::Bytes packet, PreparedStatementMap::Statement& statement);
  // The rest is the command loop's: a replica's plan tried (run_planned_read), else the primary
  // (run_on_primary, then note_execution).
  // After the primary ran it: whether it left a cursor open.
  void note_execution(PreparedStatementMap::Statement& statement, const ExecutionStart& start, bool alive);
  // The packet to send to `link` for the client's `packet` about `statement` (an execution, a
  // fetch, ...), written into execution_: that connection's id for it, prepared there first when
  // it lacks it, and the parameter types it lacks. False when the link cannot prepare it (`lost`
  // when the connection failed; `failure`, when given, says why otherwise).
  boost::asio::awaitable<bool> execution_for(BackendLink& link, PreparedStatementMap::Statement& statement,
                                             protocol::Bytes packet, bool& lost, backend::SimpleResult* failure);
  // execution_for's path without suspending (its first step): true when `link`'s connection has
  // the statement prepared (execution_ is then made), false when execution_for must prepare it.
  bool execution_if_prepared(BackendLink& link, PreparedStatementMap::Statement& statement, protocol::Bytes packet);
  // execution_ for `packet` on the server statement `on` (holding it for a cursor or long data).
  void make_execution(BackendLink& link, PreparedStatementMap::Statement& statement, protocol::Bytes packet,
                      const std::optional<ExecuteLayout>& layout, backend::PreparedStatements::Entry& on);
  // execution_for on the primary's link; when it fails the client has its error (false).
  boost::asio::awaitable<bool> execution_on_primary(BackendLink& link, PreparedStatementMap::Statement& statement,
                                                    protocol::Bytes packet, std::uint8_t reply_sequence_id);
  // The scope a statement prepared now is resolved in (backend::PreparedStatements).
  std::string statement_scope() const;
  // A command for the primary: connects it if needed, relays, learns from the reply. With
  // `statement`, the packet is the client's command about it, sent as execution_for makes it.
  boost::asio::awaitable<bool> run_on_primary(protocol::Bytes packet, std::uint8_t sequence_id, bool may_write,
                                              bool session_command,
                                              PreparedStatementMap::Statement* statement = nullptr);
  // A connection to any usable replica (login while the primary is down). False when none.
  boost::asio::awaitable<bool> connect_any_replica();
  void record_session_command(protocol::Bytes packet, BackendLink& ran_on);

  // --- relaying a response (session_relay.cpp) ---
  // Writes a command and relays its response to the client.
  // `hold_write_refusal`: a response that is only ERROR 1792 is not relayed (refused_as_write).
  boost::asio::awaitable<Relayed> relay_command(BackendLink& link, protocol::Bytes packet, std::uint8_t sequence_id,
                                                bool hold_write_refusal = false);
  // Before a statement on `link` (multiplexing): the link reset when the statement asks about the
  // previous one and it was another session's, the session's LAST_INSERT_ID() set on it when
  // needed. False when the link was lost meanwhile.
  boost::asio::awaitable<bool> claim_link(BackendLink& link);
  // The statement asks about the previous one, and `link`'s previous statement was another
  // session's (multiplexing): the link must be reset before the statement, and before a prepared
  // statement's execution is made for it (the reset closes the statements on it).
  bool must_reset_before(const BackendLink& link) const { return link.borrowed && reads_previous_statement_; }
  // After a response: the link's state, the metrics and the slow-query log.
  void note_relayed(BackendLink& link, protocol::Bytes packet, Relayed outcome,
                    std::chrono::steady_clock::time_point started);
  boost::asio::awaitable<bool> relay_local_infile(BackendLink& link);
  void track_database(BackendLink& link, std::uint8_t command, protocol::Bytes packet);
  // log.slow_query: a statement that took longer is logged with its digest (no values in it).
  void log_if_slow(const BackendLink& link, protocol::Bytes packet, std::chrono::steady_clock::duration elapsed);
  // --- client I/O ---
  // Client I/O under a deadline: a started packet must arrive whole within timeouts.client_read
  // (or client_idle if shorter), a write must progress within timeouts.client_write; past it the
  // client is closed and the operation fails. Plain functions around the stream's coroutines.
  void guard_client_read();
  void guard_client_write();
  void unguard_client() { client_io_.cancel(); }
  // A client packet over its limit: ERROR 1153 and a bounded drain (see packet_refusal.hpp); the
  // session ends after it.
  boost::asio::awaitable<void> refuse_oversized_packet();

  WorkerContext& worker_;
  net::PacketStream client_;
  ResponseRelay relay_;
  ClientColumns columns_;           // MariaDB's metadata cache (see client_columns.hpp)
  protocol::Buffer given_columns_;  // the definitions given in place of those the server left out
  // When the last relayed response was complete (relay_command): one clock read serves the
  // latency metric and read-your-writes.
  std::chrono::steady_clock::time_point replied_at_{};
  ClientIdentity identity_;
  std::string nonce_;
  std::string peer_host_;
  std::uint32_t id_;
  bool idle_ = false;           // between commands, waiting for the client
  bool backend_spoke_ = false;  // the primary became readable while the session was idle
  bool primary_reset_ = false;  // ... and it was a reset: how the server ends a link idle past wait_timeout
  bool closing_ = false;
  bool over_connection_limit_ = false;  // opened beyond listen.max_connections: refused at once
  bool idle_timed_out_ = false;         // set by the idle deadline
  bool backend_idle_due_ = false;       // set by the backend-idle deadline
  net::Deadline deadline_;              // handshake, then the idle limits between statements
  net::Deadline query_deadline_;        // timeouts.query while a statement runs
  net::Deadline client_io_;             // timeouts.client_read / client_write around client I/O
  // Starts the primary's watch kWatchAfter into a hot wait for the next statement (plain TCP), and
  // ends the wait after kHotIdle. Left armed: each hot wait only notes when it began (a clock read
  // instead of an arm and a cancel per statement); when it comes due, on_cool_due() starts the
  // watch or cools the wait that has lasted long enough, re-arms for the rest of a younger one, and
  // ends (unarmed until the next hot wait) while a statement runs.
  net::Deadline cool_;
  std::chrono::steady_clock::time_point cool_due_{};  // when cool_ comes due, while armed
  std::chrono::steady_clock::time_point hot_since_{};
  bool hot_waiting_ = false;
  bool hot_watch_ = false;      // the hot wait watches the primary (see wait_for_client)
  bool hot_watch_due_ = false;  // ... from kWatchAfter on, and has not started yet
  bool cooling_ = false;        // set by cool_: the hot wait lasted kHotIdle
  void on_cool_due();
  void arm_cool(std::chrono::steady_clock::time_point due, std::chrono::steady_clock::time_point now);
  std::array<char, 1> primary_watch_byte_{};  // the idle wait's read on the primary lands here
  // How long an idle session keeps its read waiting with a buffer before it gives the buffers
  // back and waits without one (see wait_for_client).
  static constexpr std::chrono::milliseconds kHotIdle{500};
  // How long a hot wait over plain TCP goes without a watch of the primary: a statement that comes
  // sooner (a busy client's) pays none, and a primary that closes is noticed within this (or at
  // the next statement, before it is sent).
  static constexpr std::chrono::milliseconds kWatchAfter{20};

  // Multiplexing state (pool.multiplexing only; see plan/multiplexing.hpp).
  plan::Pins link_pins_;  // what the session keeps on its links for its life
  // LAST_INSERT_ID() of the session, read when it lent the connection that had it (0: none): set
  // again on the connection of a statement that asks for it, unless set there since the session
  // last lent its connections (insert_id_set_).
  std::uint64_t carried_insert_id_ = 0;
  bool insert_id_set_ = false;
  bool keep_links_ = false;                // ... and until its next statement
  bool reads_previous_statement_ = false;  // this statement asks about the previous one
  bool may_set_insert_id_ = false;         // ... reads LAST_INSERT_ID() or may leave it as it was (a write)
  // Routing state.
  route::ClassifyOptions classify_options_;
  plan::SessionRoutingState routing_;
  SessionCommandHistory history_;
  PreparedStatementMap prepared_;
  std::uint32_t last_prepared_ = 0;      // the id MariaDB's -1 stands for
  std::uint32_t prepare_client_id_ = 0;  // while a COM_STMT_PREPARE runs: the id the client gets
  // The client's COM_STMT_EXECUTE rewritten for the connection that runs it (that connection's
  // statement id, the parameter types it lacks); reused by every execution.
  protocol::Buffer execution_;
  std::uint32_t random_state_ = 0;
  // The backend connections; after what they read (identity_, history_, prepared_, id_).
  BackendLinks links_;
};

}  // namespace weir::session
