#pragma once
// ResponseTracker: follows a server's response to one command, packet by packet, so the proxy
// can stream result sets through without buffering them and knows when the backend is idle
// again (and whether it is inside a transaction) from the last status flags.
//
// Sans-I/O and allocation-free: the proxy walks the frames it relays and feeds each one with
// on_packet(payload_length, head). Rows are classified from their first byte and length only.
//
// Driving it:
//   tracker.start(command, caps);   // when the command is sent
//   for each frame from the backend:
//     ev = tracker.on_packet(frame.payload_length, first bytes of the payload);
//     relay the frame; if (tracker.done()) the backend is idle.
//   LOCAL INFILE: after local_infile_request the server waits for the client. Relay the client's
//   data packets to the server; when the client's empty packet has been relayed, call
//   on_client_infile_done(); the server then replies OK or ERR (fed as usual).
//
// `head` must be the whole payload when payload_length <= kFullHeadLimit (64 KiB), else at least
// its first kMinHead bytes. OK and EOF packets are parsed from `head` (status flags, warnings);
// on `ok` and on `result_set_end` under CLIENT_DEPRECATE_EOF, `head` is the OK packet itself, for
// parse_ok() when session state tracking matters. A payload_length of 0xffffff means the logical
// packet continues in the next frame: such a packet is a row (or an error), and its further
// frames are reported as row_continuation until the one shorter than 0xffffff.
#include <cstddef>
#include <cstdint>
#include <optional>

#include "weir/protocol/bytes.hpp"
#include "weir/protocol/capabilities.hpp"
#include "weir/protocol/commands.hpp"
#include "weir/protocol/error.hpp"
#include "weir/protocol/framing.hpp"
#include "weir/protocol/response.hpp"
#include "weir/protocol/status_flags.hpp"

namespace weir::protocol {

enum class ResponseEvent : std::uint8_t {
  ok,                    // OK packet; status_flags(), warnings(); `head` is the packet
  err,                   // ERR packet: the response is complete
  progress,              // MariaDB progress report (only with MARIADB_CLIENT_PROGRESS); not an error
  local_infile_request,  // 0xfb: the server wants a file from the client (see above)
  result_set_header,     // column count: column_count(), metadata_follows()
  column_definition,
  columns_end,  // EOF after the column definitions (not under CLIENT_DEPRECATE_EOF);
                // for COM_FIELD_LIST and COM_STMT_PREPARE: the end of the columns
  row,
  row_continuation,  // a further frame of a row of 16 MiB or more
  result_set_end,    // EOF / 0xfe OK after the rows: status_flags(), more_results(),
                     // cursor_exists(); also the metadata EOF that opens a cursor
  prepare_ok,        // statement_id(), prepared_columns(), prepared_params()
  param_definition,
  params_end,      // EOF after the parameter definitions (not under CLIENT_DEPRECATE_EOF)
  statistics,      // the COM_STATISTICS string is the payload
  protocol_error,  // a packet the state cannot have: error(); the tracker stays failed
};

const char* response_event_name(ResponseEvent event);

class ResponseTracker {
 public:
  static constexpr std::size_t kFullHeadLimit = 64 * 1024;
  static constexpr std::size_t kMinHead = 16;
  // Both servers cap a result set at 4096 columns; the limit here only rejects nonsense.
  static constexpr std::uint64_t kMaxColumns = 0xffff;

  // An idle tracker: done() until start().
  ResponseTracker() = default;

  // Call when the command is sent. `caps` are the negotiated capabilities (the client's flags
  // that the server also has); CLIENT_DEPRECATE_EOF, MARIADB_CLIENT_CACHE_METADATA,
  // CLIENT_OPTIONAL_RESULTSET_METADATA and MARIADB_CLIENT_PROGRESS change the packet sequences.
  // Whether COM_STMT_EXECUTE opened a cursor needs no flag: the server says so in the status of
  // the packet that ends the metadata (SERVER_STATUS_CURSOR_EXISTS), after which no rows follow;
  // the rows then come in reply to COM_STMT_FETCH.
  // Commands whose reply is not a response in this sense (COM_CHANGE_USER, the binlog dumps,
  // COM_MULTI) leave the tracker failed at once; commands without a reply leave it done.
  void start(Command command, CapabilityFlags caps);
  // For a command byte no server knows: the server answers it with ERR.
  void start_command(std::uint8_t command_byte, CapabilityFlags caps);
  void reset() { state_ = State::idle; }

  // Feeds one frame of the response (see the file comment for `head`).
  ResponseEvent on_packet(std::uint32_t payload_length, Bytes head) {
    // The hot path: a row in the middle of a result set.
    if (state_ == State::rows && !head.empty() && plain_row(payload_length, head[0])) {
      ++rows_;
      return ResponseEvent::row;
    }
    return on_packet_slow(payload_length, head);
  }

  // The hot path over a run of rows, without a call per row: `frames` is received bytes at a frame
  // boundary. Counts the frames at its start that on_packet would report as `row` one by one, each
  // wholly there (header and payload), and returns the bytes they take (0 outside the rows of a
  // result set). The frame after them, not a row or not wholly there, goes to on_packet.
  std::size_t skip_rows(Bytes frames) {
    if (state_ != State::rows) return 0;
    const std::uint8_t* const data = frames.data();
    const std::size_t size = frames.size();
    std::size_t pos = 0;
    std::uint64_t rows = 0;
    while (size - pos > kFrameHeaderSize) {
      const std::uint32_t length = decode_frame_header(data + pos).payload_length;
      if (length == 0 || size - pos - kFrameHeaderSize < length || !plain_row(length, data[pos + kFrameHeaderSize])) {
        break;
      }
      pos += kFrameHeaderSize + length;
      ++rows;
    }
    rows_ += rows;
    return pos;
  }

  // The client's empty packet that ends LOCAL INFILE data has been relayed to the server. Returns
  // false (and fails the tracker) when no LOCAL INFILE request was pending.
  bool on_client_infile_done();

  bool done() const { return state_ == State::idle; }
  bool failed() const { return state_ == State::failed; }
  // The server waits for the client's LOCAL INFILE data.
  bool awaiting_client() const { return state_ == State::infile_client; }
  Command command() const { return command_; }
  ResponseKind kind() const { return kind_; }

  // From the last OK / EOF of this response (or of an earlier one while none arrived yet).
  StatusFlags status_flags() const { return status_; }
  std::uint16_t warnings() const { return warnings_; }
  bool in_transaction() const { return (status_ & status::kInTrans) != 0; }
  bool more_results() const { return (status_ & status::kMoreResultsExist) != 0; }
  bool cursor_exists() const { return (status_ & status::kCursorExists) != 0; }
  // COM_STMT_FETCH: the cursor is exhausted (the statement's cursor is closed by the server).
  bool last_row_sent() const { return (status_ & status::kLastRowSent) != 0; }

  // The whole OK packet behind an `ok` event (or a `result_set_end` under CLIENT_DEPRECATE_EOF),
  // parsed with the negotiated capabilities, for its session state (GTIDs, schema, variables).
  // `payload` must be the whole packet; the result refers into it.
  Result<OkPacket> ok_packet(Bytes payload) const { return parse_ok(payload, caps_); }

  // The current result set (or prepared statement's result) column count, and whether its
  // column definitions are sent (false when MariaDB's metadata cache or MySQL's optional
  // metadata left them out).
  std::uint64_t column_count() const { return column_count_; }
  bool metadata_follows() const { return metadata_follows_; }
  // Rows and result sets seen since start().
  std::uint64_t rows() const { return rows_; }
  std::uint32_t result_sets() const { return result_sets_; }

  std::uint32_t statement_id() const { return statement_id_; }
  std::uint16_t prepared_columns() const { return prepared_columns_; }
  std::uint16_t prepared_params() const { return prepared_params_; }

  const Error& error() const { return error_; }

 private:
  enum class State : std::uint8_t {
    idle,
    first,  // the start of a (next) result: OK / ERR / LOCAL INFILE / column count
    ok_or_err,
    eof_or_err,  // EOF (0xfe OK under CLIENT_DEPRECATE_EOF) or ERR
    statistics,
    columns,      // column definitions, remaining_ left
    columns_eof,  // the EOF after them
    rows,
    infile_client,    // no server packet is due: the client sends the file
    infile_response,  // OK / ERR after the file
    prepare_first,
    params,
    params_eof,
    prepare_columns,
    prepare_columns_eof,
    field_list,
    continuation,  // further frames of a row of 16 MiB or more
    failed,
  };

  // In the rows state, a packet of one frame whose first byte only a row has (on_packet's and
  // skip_rows' test; every other packet goes to on_packet_slow).
  bool plain_row(std::uint32_t payload_length, std::uint8_t first) const {
    return payload_length < kMaxFramePayload && first <= row_first_byte_max_;
  }
  ResponseEvent on_packet_slow(std::uint32_t payload_length, Bytes head);
  ResponseEvent on_first(std::uint32_t payload_length, Bytes head);
  ResponseEvent on_column_count(std::uint32_t payload_length, Bytes head);
  std::optional<ResponseEvent> refuse(std::uint32_t payload_length, Bytes head);
  ResponseEvent on_rows_other(std::uint32_t payload_length, Bytes head);
  ResponseEvent on_columns_eof(std::uint32_t payload_length, Bytes head);
  ResponseEvent on_prepare_eof(std::uint32_t payload_length, Bytes head);
  ResponseEvent on_field_list(std::uint32_t payload_length, Bytes head);
  ResponseEvent on_single(std::uint32_t payload_length, Bytes head);
  ResponseEvent on_prepare_ok(std::uint32_t payload_length, Bytes head);
  ResponseEvent on_definition(Bytes head, ResponseEvent event);
  // OK (0x00 or 0xfe), then: more results -> next result, else done.
  ResponseEvent on_ok(std::uint32_t payload_length, Bytes head, ResponseEvent event, bool may_continue);
  // The terminator of rows or definitions: EOF, or OK with 0xfe under CLIENT_DEPRECATE_EOF.
  ResponseEvent on_terminator(std::uint32_t payload_length, Bytes head, ResponseEvent event, bool may_continue);
  // An EOF packet (without CLIENT_DEPRECATE_EOF): reads status and warnings.
  bool read_eof(Bytes head);
  bool is_terminator(std::uint8_t first, std::uint32_t payload_length) const;
  bool is_progress(std::uint32_t payload_length, Bytes head) const;
  ResponseEvent end_with_err() {
    state_ = State::idle;
    return ResponseEvent::err;
  }
  void enter_metadata();  // after a column count
  void after_columns_of_prepare();
  ResponseEvent fail(Errc code, const char* what, std::size_t offset = 0);

  State state_ = State::idle;
  State resume_ = State::idle;  // where continuation returns
  Command command_ = Command::sleep;
  ResponseKind kind_ = ResponseKind::none;
  bool binary_ = false;                  // rows of COM_STMT_EXECUTE / COM_STMT_FETCH
  std::uint8_t row_first_byte_max_ = 0;  // 0x00 for binary rows, 0xfd for text rows
  bool deprecate_eof_ = false;
  bool metadata_follows_ = true;
  CapabilityFlags caps_ = 0;
  StatusFlags status_ = 0;
  std::uint16_t warnings_ = 0;
  std::uint64_t column_count_ = 0;
  std::uint64_t remaining_ = 0;
  std::uint64_t rows_ = 0;
  std::uint32_t result_sets_ = 0;
  std::uint32_t statement_id_ = 0;
  std::uint16_t prepared_columns_ = 0;
  std::uint16_t prepared_params_ = 0;
  Error error_{};
};

}  // namespace weir::protocol
