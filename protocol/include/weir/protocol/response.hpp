#pragma once
// Generic server responses: OK (with session state tracking), ERR (with MariaDB progress reports),
// EOF, the LOCAL INFILE request, and the rule that tells a result set's terminator from a row.
//
// Lifetime: the parsed structs hold std::string_view into the payload they were parsed from (the
// proxy parses an OK packet for every statement and must not allocate for it). They are valid
// only while that payload is; copy what must outlive it.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "weir/protocol/bytes.hpp"
#include "weir/protocol/capabilities.hpp"
#include "weir/protocol/error.hpp"
#include "weir/protocol/status_flags.hpp"

namespace weir::protocol {

inline constexpr std::uint8_t kOkHeader = 0x00;
inline constexpr std::uint8_t kEofHeader = 0xfe;  // also the OK terminator under CLIENT_DEPRECATE_EOF
inline constexpr std::uint8_t kErrHeader = 0xff;
inline constexpr std::uint8_t kLocalInfileHeader = 0xfb;

// ---------------------------------------------------------------------------------------------
// Session state tracking (OK packets with CLIENT_SESSION_TRACK and SERVER_SESSION_STATE_CHANGED)

enum class SessionTrackType : std::uint8_t {
  system_variables = 0,             // data: name lenenc, value lenenc (one variable per entry)
  schema = 1,                       // data: schema lenenc
  state_change = 2,                 // data: "1" (the data itself, no inner length)
  gtids = 3,                        // data: encoding spec int1 (0), GTID set lenenc (MySQL)
  transaction_characteristics = 4,  // data: SQL text lenenc, e.g. "START TRANSACTION READ ONLY;"
  transaction_state = 5,            // data: 8 characters lenenc, e.g. "T___W___"
};

const char* session_track_type_name(std::uint8_t type);

// One entry of the session state block. Unknown types keep their raw data and leave the typed
// fields empty: a newer server's entries are carried, never an error.
struct SessionStateEntry {
  std::uint8_t type = 0;
  std::string_view data;           // the entry's data, after its length
  std::string_view name;           // system_variables: the variable's name
  std::string_view value;          // the variable's value, the schema, "1", the GTID set, the text
  std::uint8_t gtid_encoding = 0;  // gtids only

  bool is(SessionTrackType t) const { return type == static_cast<std::uint8_t>(t); }
  friend bool operator==(const SessionStateEntry&, const SessionStateEntry&) = default;
};

// Walks the entries of a session state block (the bytes after the block's own length) without
// allocating. next() returns nullopt at the end; after an error it keeps returning it.
class SessionStateReader {
 public:
  explicit SessionStateReader(std::string_view block) : reader_(block) {}
  Result<std::optional<SessionStateEntry>> next();

 private:
  Reader reader_;
};

// All entries, in order (allocates; for tests, logs and slow paths).
Result<std::vector<SessionStateEntry>> parse_session_state(std::string_view block);

// Appends one entry with its type and length. `data`/`gtid_encoding`/`name` are used according to
// the type; unknown types write `data` as is.
void serialize(const SessionStateEntry& entry, Buffer& out);
// Builders for the common entries (the value is what the server would send).
SessionStateEntry system_variable_entry(std::string_view name, std::string_view value);
SessionStateEntry schema_entry(std::string_view schema);
SessionStateEntry state_change_entry();
SessionStateEntry gtids_entry(std::string_view gtid_set);
SessionStateEntry transaction_characteristics_entry(std::string_view text);
SessionStateEntry transaction_state_entry(std::string_view state);

// ---------------------------------------------------------------------------------------------
// OK packet

struct OkPacket {
  std::uint8_t header = kOkHeader;  // 0x00, or 0xfe when it ends a result set (CLIENT_DEPRECATE_EOF)
  std::uint64_t affected_rows = 0;
  std::uint64_t last_insert_id = 0;
  StatusFlags status = 0;
  std::uint16_t warnings = 0;
  std::string_view info;           // human-readable, e.g. "Rows matched: 1  Changed: 1  Warnings: 0"
  std::string_view session_state;  // the block's content (validated by parse_ok), empty if none

  bool in_transaction() const { return (status & status::kInTrans) != 0; }
  bool more_results() const { return (status & status::kMoreResultsExist) != 0; }

  // Lookups in the session state block. When a name or type appears more than once, the last
  // entry wins (that is the state after the statement).
  std::optional<std::string_view> system_variable(std::string_view name) const;
  std::optional<std::string_view> schema() const;
  std::optional<std::string_view> gtids() const;
  std::optional<std::string_view> transaction_state() const;
  std::optional<std::string_view> transaction_characteristics() const;
  bool state_changed() const;  // a STATE_CHANGE entry is present

  friend bool operator==(const OkPacket&, const OkPacket&) = default;
};

// Parses an OK packet with header 0x00 or 0xfe. The session state block is walked once to
// validate it, so the lookups above cannot meet a malformed block.
Result<OkPacket> parse_ok(Bytes payload, CapabilityFlags caps);

// As the server writes it: with CLIENT_SESSION_TRACK the info is length-encoded and left out when
// it is empty and no session state follows; the session state block is written when
// SERVER_SESSION_STATE_CHANGED is set.
void serialize(const OkPacket& ok, CapabilityFlags caps, Buffer& out);

// ---------------------------------------------------------------------------------------------
// ERR packet and MariaDB progress reports

struct ErrPacket {
  std::uint16_t code = 0;
  std::string_view sql_state;  // 5 characters, or empty when the packet carried none
  std::string_view message;

  friend bool operator==(const ErrPacket&, const ErrPacket&) = default;
};

inline constexpr std::uint16_t kProgressReportCode = 0xffff;

// MariaDB sends these (0xff, 0xffff, ...) during long statements when the client set
// MARIADB_CLIENT_PROGRESS; they are not errors and the real response still follows.
struct ProgressReport {
  std::uint8_t stage = 0;
  std::uint8_t max_stage = 0;
  std::uint32_t progress = 0;  // thousandths of a percent: 0 .. 100000
  std::string_view info;       // e.g. "End bulk insert"

  friend bool operator==(const ProgressReport&, const ProgressReport&) = default;
};

// True for an 0xff packet whose code is 0xffff, when the client asked for progress reports.
bool is_progress_report(Bytes payload, CapabilityFlags caps);

// Fails with unexpected_message on a progress report (when caps allow them): ask
// is_progress_report first. The SQL state is read only with CLIENT_PROTOCOL_41 and the '#' marker
// (servers omit it in errors sent before the handshake completes).
Result<ErrPacket> parse_err(Bytes payload, CapabilityFlags caps);
// Writes the '#' marker and state with CLIENT_PROTOCOL_41 when sql_state is not empty; a state
// that is not 5 characters long is written as HY000 so that the packet stays well-formed.
void serialize(const ErrPacket& err, CapabilityFlags caps, Buffer& out);
// The payload of an ERR packet weir sends itself, e.g.
// make_err(1045, "28000", "Access denied for user 'u'@'h' (using password: YES)").
Buffer make_err(std::uint16_t code, std::string_view sql_state, std::string_view message,
                CapabilityFlags caps = cap::kProtocol41);

Result<ProgressReport> parse_progress_report(Bytes payload);
void serialize(const ProgressReport& report, Buffer& out);

// ---------------------------------------------------------------------------------------------
// EOF packet (without CLIENT_DEPRECATE_EOF; 0xfe and fewer than 9 bytes)

struct EofPacket {
  std::uint16_t warnings = 0;
  StatusFlags status = 0;

  bool more_results() const { return (status & status::kMoreResultsExist) != 0; }
  friend bool operator==(const EofPacket&, const EofPacket&) = default;
};

inline constexpr std::size_t kMaxEofPayload = 8;  // a 0xfe packet longer than this is a row

Result<EofPacket> parse_eof(Bytes payload, CapabilityFlags caps);
void serialize(const EofPacket& eof, CapabilityFlags caps, Buffer& out);

// ---------------------------------------------------------------------------------------------
// Inside a result set (after the column definitions) and in COM_STMT_FETCH replies: is this
// packet a row, the terminator (EOF, or OK with header 0xfe under CLIENT_DEPRECATE_EOF), or an
// error? `payload_length` is the logical packet's length. A text row can start with 0xfe only
// for a value of 2^24 bytes or more, so its packet is never shorter than 0xffffff bytes.
enum class ResultPacketKind : std::uint8_t { row, terminator, error };

ResultPacketKind classify_result_packet(std::uint8_t first_byte, std::size_t payload_length, CapabilityFlags caps);
inline bool is_result_terminator(std::uint8_t first_byte, std::size_t payload_length, CapabilityFlags caps) {
  return classify_result_packet(first_byte, payload_length, caps) == ResultPacketKind::terminator;
}

// The terminator's status flags (EOF or 0xfe OK), which tell about more results and transactions.
Result<StatusFlags> parse_terminator_status(Bytes payload, CapabilityFlags caps);

// ---------------------------------------------------------------------------------------------
// LOCAL INFILE request: the server asks the client for a file's content in reply to COM_QUERY.

struct LocalInfileRequest {
  std::string_view filename;
  friend bool operator==(const LocalInfileRequest&, const LocalInfileRequest&) = default;
};

Result<LocalInfileRequest> parse_local_infile_request(Bytes payload);
void serialize(const LocalInfileRequest& request, Buffer& out);

}  // namespace weir::protocol
