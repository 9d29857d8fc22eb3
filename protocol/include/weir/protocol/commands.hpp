#pragma once
// Client commands (the first byte of a command-phase packet), what the server answers to each,
// and codecs for the commands a proxy looks into. Parsed structs hold string_views into the
// payload: valid while the payload is.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "weir/protocol/bytes.hpp"
#include "weir/protocol/capabilities.hpp"
#include "weir/protocol/error.hpp"

namespace weir::protocol {

enum class Command : std::uint8_t {
  sleep = 0x00,
  quit = 0x01,
  init_db = 0x02,
  query = 0x03,
  field_list = 0x04,
  create_db = 0x05,
  drop_db = 0x06,
  refresh = 0x07,
  shutdown = 0x08,
  statistics = 0x09,
  process_info = 0x0a,
  connect = 0x0b,
  process_kill = 0x0c,
  debug = 0x0d,
  ping = 0x0e,
  time = 0x0f,
  delayed_insert = 0x10,
  change_user = 0x11,
  binlog_dump = 0x12,
  table_dump = 0x13,
  connect_out = 0x14,
  register_slave = 0x15,
  stmt_prepare = 0x16,
  stmt_execute = 0x17,
  stmt_send_long_data = 0x18,
  stmt_close = 0x19,
  stmt_reset = 0x1a,
  set_option = 0x1b,
  stmt_fetch = 0x1c,
  daemon = 0x1d,
  binlog_dump_gtid = 0x1e,
  reset_connection = 0x1f,
  stmt_bulk_execute = 0xfa,  // MariaDB
  multi = 0xfe,              // MariaDB (MARIADB_CLIENT_COM_MULTI)
};

// "COM_QUERY", ...; "COM_UNKNOWN" for a value outside the enum.
const char* command_name(Command command);
// The command for a first byte, nullopt for bytes no server knows.
std::optional<Command> to_command(std::uint8_t first_byte);
// Identifies a command packet: truncated when empty, bad_value ("command") for an unknown byte.
Result<Command> parse_command(Bytes payload);

// What the server sends back, i.e. how the proxy knows where the response ends.
enum class ResponseKind : std::uint8_t {
  none,           // COM_QUIT, COM_STMT_CLOSE, COM_STMT_SEND_LONG_DATA: nothing at all
  ok_or_err,      // one OK or ERR packet (also the server's ERR for internal/unknown commands)
  eof_or_err,     // COM_SET_OPTION, COM_DEBUG, COM_SHUTDOWN: EOF, which is an OK packet with
                  // header 0xfe under CLIENT_DEPRECATE_EOF, or ERR
  result_set,     // COM_QUERY, COM_PROCESS_INFO, COM_STMT_EXECUTE, COM_STMT_BULK_EXECUTE: OK, ERR,
                  // a LOCAL INFILE request (COM_QUERY), or result sets while MORE_RESULTS is set.
                  // COM_STMT_EXECUTE with a cursor: column definitions only, ended by EOF (0xfe
                  // OK) with SERVER_STATUS_CURSOR_EXISTS; the rows come with COM_STMT_FETCH
  prepare,        // COM_STMT_PREPARE: StmtPrepareOk + param and column definitions, or ERR
  column_list,    // COM_FIELD_LIST: column definitions ended by EOF (0xfe OK), or ERR
  raw_string,     // COM_STATISTICS: one packet of plain text, or ERR
  rows,           // COM_STMT_FETCH: binary rows ended by EOF (0xfe OK), or ERR
  auth_exchange,  // COM_CHANGE_USER: the authentication exchange, ending in OK or ERR
  binlog_stream,  // COM_BINLOG_DUMP, COM_BINLOG_DUMP_GTID: events until the connection ends
  multi,          // COM_MULTI: one response per enclosed command
};

ResponseKind response_kind(Command command);
const char* response_kind_name(ResponseKind kind);
inline bool expects_response(Command command) { return response_kind(command) != ResponseKind::none; }

// ---------------------------------------------------------------------------------------------
// Statement ids. The proxy maps the ids it gives clients to the backends' ids; these commands
// carry the id as int4 right after the command byte. MariaDB lets a client send 0xffffffff to
// mean "the statement prepared last on this connection" (pipelined prepare+execute): map that
// value only if the mapping is meant to, it is not a real id.

inline constexpr std::uint32_t kLastPreparedStatementId = 0xffffffff;

// Offset of the statement id in the payload of EXECUTE, FETCH, CLOSE, RESET, SEND_LONG_DATA and
// BULK_EXECUTE; nullopt for other commands.
std::optional<std::size_t> statement_id_offset(Command command);
// The statement id of a command packet, nullopt when it carries none or is too short.
std::optional<std::uint32_t> read_statement_id(Bytes payload);
// Overwrites the statement id in a command packet in place. False (payload untouched) when the
// command carries none or the payload is too short.
bool rewrite_statement_id(std::span<std::uint8_t> payload, std::uint32_t new_id);
// The same for the server's COM_STMT_PREPARE OK packet (header 0x00, id at offset 1).
bool rewrite_prepare_ok_statement_id(std::span<std::uint8_t> payload, std::uint32_t new_id);

// ---------------------------------------------------------------------------------------------
// COM_QUERY. With CLIENT_QUERY_ATTRIBUTES (MySQL 8.0.23+) the SQL text is preceded by
// parameter_count and parameter_set_count (lenenc) and, when parameter_count > 0, a null bitmap,
// new_params_bind_flag (1), type and name of each attribute and the values in the binary
// protocol. A proxy whose backend lacks the capability forwards only the text: see
// query_text_offset.

struct ComQuery {
  std::uint64_t parameter_count = 0;  // query attributes; only with CLIENT_QUERY_ATTRIBUTES
  std::uint64_t parameter_set_count = 1;
  std::string_view attributes;  // raw bytes between the counts and the SQL text
  std::string_view query;

  friend bool operator==(const ComQuery&, const ComQuery&) = default;
};

Result<ComQuery> parse_com_query(Bytes payload, CapabilityFlags caps);
void serialize(const ComQuery& command, CapabilityFlags caps, Buffer& out);
// Byte offset of the SQL text in a COM_QUERY payload.
Result<std::size_t> query_text_offset(Bytes payload, CapabilityFlags caps);

struct QueryAttribute {
  std::uint8_t type = 0;  // MYSQL_TYPE_*
  bool is_unsigned = false;
  std::string_view name;
  bool is_null = false;
  // String-like types: the content. Integers and floating point: the little-endian bytes.
  // Temporal types: the bytes after their length byte.
  std::string_view value;

  friend bool operator==(const QueryAttribute&, const QueryAttribute&) = default;
};

// The attributes of a parsed ComQuery (allocates; not for the hot path).
Result<std::vector<QueryAttribute>> parse_query_attributes(const ComQuery& command);
// Appends the attribute block (what ComQuery::attributes holds) for string-valued attributes,
// as MySQL's client sends them (MYSQL_TYPE_STRING). Writes nothing for an empty list.
void serialize_string_query_attributes(std::span<const QueryAttribute> attributes, Buffer& out);

// ---------------------------------------------------------------------------------------------
// Other text-protocol commands

struct ComInitDb {
  std::string_view schema;
  friend bool operator==(const ComInitDb&, const ComInitDb&) = default;
};
Result<ComInitDb> parse_com_init_db(Bytes payload);
void serialize(const ComInitDb& command, Buffer& out);

struct ComFieldList {
  std::string_view table;     // NUL-terminated on the wire
  std::string_view wildcard;  // rest of the packet
  friend bool operator==(const ComFieldList&, const ComFieldList&) = default;
};
Result<ComFieldList> parse_com_field_list(Bytes payload);
void serialize(const ComFieldList& command, Buffer& out);

struct ComProcessKill {
  std::uint32_t connection_id = 0;
  friend bool operator==(const ComProcessKill&, const ComProcessKill&) = default;
};
Result<ComProcessKill> parse_com_process_kill(Bytes payload);
void serialize(const ComProcessKill& command, Buffer& out);

inline constexpr std::uint16_t kMultiStatementsOn = 0;
inline constexpr std::uint16_t kMultiStatementsOff = 1;

struct ComSetOption {
  std::uint16_t option = kMultiStatementsOn;
  friend bool operator==(const ComSetOption&, const ComSetOption&) = default;
};
Result<ComSetOption> parse_com_set_option(Bytes payload);
void serialize(const ComSetOption& command, Buffer& out);

// Commands without arguments (COM_PING, COM_QUIT, COM_RESET_CONNECTION, COM_STATISTICS, ...).
void serialize_simple_command(Command command, Buffer& out);

// ---------------------------------------------------------------------------------------------
// Prepared statements

struct ComStmtPrepare {
  std::string_view query;
  friend bool operator==(const ComStmtPrepare&, const ComStmtPrepare&) = default;
};
Result<ComStmtPrepare> parse_com_stmt_prepare(Bytes payload);
void serialize(const ComStmtPrepare& command, Buffer& out);

// The first packet of a successful COM_STMT_PREPARE response. num_params parameter definitions
// and then num_columns column definitions follow as packets, each group ended by an EOF packet
// unless CLIENT_DEPRECATE_EOF. (MariaDB's MARIADB_CLIENT_CACHE_METADATA does not remove them
// here; it lets COM_STMT_EXECUTE's result set skip column definitions already sent: that is the
// result set's concern.)
struct StmtPrepareOk {
  std::uint32_t statement_id = 0;
  std::uint16_t num_columns = 0;
  std::uint16_t num_params = 0;
  std::uint16_t warnings = 0;
  std::uint8_t metadata_follows = 1;  // only on the wire with CLIENT_OPTIONAL_RESULTSET_METADATA
  friend bool operator==(const StmtPrepareOk&, const StmtPrepareOk&) = default;
};
Result<StmtPrepareOk> parse_stmt_prepare_ok(Bytes payload, CapabilityFlags caps);
void serialize(const StmtPrepareOk& response, CapabilityFlags caps, Buffer& out);

// COM_STMT_EXECUTE flags.
namespace cursor {
inline constexpr std::uint8_t kNoCursor = 0x00;
inline constexpr std::uint8_t kReadOnly = 0x01;
inline constexpr std::uint8_t kForUpdate = 0x02;
inline constexpr std::uint8_t kScrollable = 0x04;
inline constexpr std::uint8_t kParameterCountAvailable = 0x08;  // MySQL: a lenenc count follows
}  // namespace cursor

// The header of COM_STMT_EXECUTE; decoding the parameters needs the statement's parameter count
// and types, which the proxy does not need to look at.
struct ComStmtExecute {
  std::uint32_t statement_id = 0;
  std::uint8_t flags = cursor::kNoCursor;
  std::uint32_t iteration_count = 1;
  std::string_view parameters;  // rest of the packet: null bitmap, types, values
  friend bool operator==(const ComStmtExecute&, const ComStmtExecute&) = default;
};
Result<ComStmtExecute> parse_com_stmt_execute(Bytes payload);
void serialize(const ComStmtExecute& command, Buffer& out);

struct ComStmtFetch {
  std::uint32_t statement_id = 0;
  std::uint32_t num_rows = 0;
  friend bool operator==(const ComStmtFetch&, const ComStmtFetch&) = default;
};
Result<ComStmtFetch> parse_com_stmt_fetch(Bytes payload);
void serialize(const ComStmtFetch& command, Buffer& out);

struct ComStmtClose {
  std::uint32_t statement_id = 0;
  friend bool operator==(const ComStmtClose&, const ComStmtClose&) = default;
};
Result<ComStmtClose> parse_com_stmt_close(Bytes payload);
void serialize(const ComStmtClose& command, Buffer& out);

struct ComStmtReset {
  std::uint32_t statement_id = 0;
  friend bool operator==(const ComStmtReset&, const ComStmtReset&) = default;
};
Result<ComStmtReset> parse_com_stmt_reset(Bytes payload);
void serialize(const ComStmtReset& command, Buffer& out);

struct ComStmtSendLongData {
  std::uint32_t statement_id = 0;
  std::uint16_t param_id = 0;
  std::string_view data;
  friend bool operator==(const ComStmtSendLongData&, const ComStmtSendLongData&) = default;
};
Result<ComStmtSendLongData> parse_com_stmt_send_long_data(Bytes payload);
void serialize(const ComStmtSendLongData& command, Buffer& out);

// MariaDB's COM_STMT_BULK_EXECUTE (MARIADB_CLIENT_STMT_BULK_OPERATIONS).
namespace bulk {
inline constexpr std::uint16_t kSendUnitResults = 64;
inline constexpr std::uint16_t kSendTypes = 128;
}  // namespace bulk

struct ComStmtBulkExecute {
  std::uint32_t statement_id = 0;
  std::uint16_t flags = 0;
  std::string_view parameters;  // rest of the packet
  friend bool operator==(const ComStmtBulkExecute&, const ComStmtBulkExecute&) = default;
};
Result<ComStmtBulkExecute> parse_com_stmt_bulk_execute(Bytes payload);
void serialize(const ComStmtBulkExecute& command, Buffer& out);

}  // namespace weir::protocol
