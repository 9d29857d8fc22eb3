#include "weir/protocol/resultset.hpp"

#include "weir/protocol/response.hpp"
#include "weir/protocol/rows.hpp"

namespace weir::protocol {

namespace {

// Column definitions always start with the catalog, which both servers send as "def".
bool looks_like_column_definition(Bytes head) {
  return head.size() >= 4 && head[0] == 3 && head[1] == 'd' && head[2] == 'e' && head[3] == 'f';
}

}  // namespace

const char* response_event_name(ResponseEvent event) {
  switch (event) {
    case ResponseEvent::ok: return "ok";
    case ResponseEvent::err: return "err";
    case ResponseEvent::progress: return "progress";
    case ResponseEvent::local_infile_request: return "local_infile_request";
    case ResponseEvent::result_set_header: return "result_set_header";
    case ResponseEvent::column_definition: return "column_definition";
    case ResponseEvent::columns_end: return "columns_end";
    case ResponseEvent::row: return "row";
    case ResponseEvent::row_continuation: return "row_continuation";
    case ResponseEvent::result_set_end: return "result_set_end";
    case ResponseEvent::prepare_ok: return "prepare_ok";
    case ResponseEvent::param_definition: return "param_definition";
    case ResponseEvent::params_end: return "params_end";
    case ResponseEvent::statistics: return "statistics";
    case ResponseEvent::protocol_error: return "protocol_error";
  }
  return "unknown";
}

void ResponseTracker::start(Command command, CapabilityFlags caps) {
  command_ = command;
  kind_ = response_kind(command);
  caps_ = caps;
  deprecate_eof_ = has(caps, cap::kDeprecateEof);
  binary_ = command == Command::stmt_execute || command == Command::stmt_bulk_execute || command == Command::stmt_fetch;
  row_first_byte_max_ = binary_ ? 0x00 : 0xfd;
  metadata_follows_ = true;
  warnings_ = 0;
  column_count_ = 0;
  remaining_ = 0;
  rows_ = 0;
  result_sets_ = 0;
  statement_id_ = 0;
  prepared_columns_ = 0;
  prepared_params_ = 0;
  error_ = Error{};
  switch (kind_) {
    case ResponseKind::none: state_ = State::idle; break;
    case ResponseKind::ok_or_err: state_ = State::ok_or_err; break;
    case ResponseKind::eof_or_err: state_ = State::eof_or_err; break;
    case ResponseKind::result_set: state_ = State::first; break;
    case ResponseKind::prepare: state_ = State::prepare_first; break;
    case ResponseKind::rows:
      state_ = State::rows;
      ++result_sets_;
      break;
    case ResponseKind::column_list: state_ = State::field_list; break;
    case ResponseKind::raw_string: state_ = State::statistics; break;
    case ResponseKind::auth_exchange:
    case ResponseKind::binlog_stream:
    case ResponseKind::multi:
      fail(Errc::unexpected_message, "a command whose reply the tracker does not follow");
      break;
  }
}

void ResponseTracker::start_command(std::uint8_t command_byte, CapabilityFlags caps) {
  if (const auto command = to_command(command_byte)) {
    start(*command, caps);
    return;
  }
  start(Command::sleep, caps);  // unknown to the server as well: it answers with ERR
}

ResponseEvent ResponseTracker::fail(Errc code, const char* what, std::size_t offset) {
  state_ = State::failed;
  error_ = Error{code, what, offset};
  return ResponseEvent::protocol_error;
}

bool ResponseTracker::on_client_infile_done() {
  if (state_ != State::infile_client) {
    fail(Errc::unexpected_message, "end of LOCAL INFILE data without a pending request");
    return false;
  }
  state_ = State::infile_response;
  return true;
}

bool ResponseTracker::is_terminator(std::uint8_t first, std::uint32_t payload_length) const {
  return classify_result_packet(first, payload_length, caps_) == ResultPacketKind::terminator;
}

bool ResponseTracker::is_progress(std::uint32_t payload_length, Bytes head) const {
  return payload_length >= 3 && is_progress_report(head, caps_);
}

bool ResponseTracker::read_eof(Bytes head) {
  const auto eof = parse_eof(head, caps_);
  if (!eof) {
    fail(eof.error().code, "EOF packet", eof.error().offset);
    return false;
  }
  warnings_ = eof->warnings;
  status_ = eof->status;
  return true;
}

ResponseEvent ResponseTracker::on_ok(std::uint32_t payload_length, Bytes head, ResponseEvent event, bool may_continue) {
  if (payload_length <= head.size()) {
    const auto ok = parse_ok(head.first(payload_length), caps_);
    if (!ok) return fail(ok.error().code, "OK packet", ok.error().offset);
    status_ = ok->status;
    warnings_ = ok->warnings;
  } else {
    // Only the head of a long OK packet (a large info or session state block): its fixed fields
    // come first.
    Reader r(head);
    r.int1("OK packet header");
    r.lenenc_int("OK packet affected_rows");
    r.lenenc_int("OK packet last_insert_id");
    const StatusFlags status = r.int2("OK packet status_flags");
    const std::uint16_t warnings = r.int2("OK packet warnings");
    if (!r.ok()) return fail(r.error().code, "OK packet (head shorter than its fixed fields)", r.error().offset);
    status_ = status;
    warnings_ = warnings;
  }
  state_ = (may_continue && more_results()) ? State::first : State::idle;
  return event;
}

ResponseEvent ResponseTracker::on_terminator(std::uint32_t payload_length, Bytes head, ResponseEvent event,
                                             bool may_continue) {
  if (deprecate_eof_) return on_ok(payload_length, head, event, may_continue);
  if (!read_eof(head)) return ResponseEvent::protocol_error;
  state_ = (may_continue && more_results()) ? State::first : State::idle;
  return event;
}

void ResponseTracker::enter_metadata() {
  ++result_sets_;
  remaining_ = metadata_follows_ ? column_count_ : 0;
  if (remaining_ > 0) {
    state_ = State::columns;
  } else {
    state_ = deprecate_eof_ ? State::rows : State::columns_eof;
  }
}

ResponseEvent ResponseTracker::on_column_count(std::uint32_t payload_length, Bytes head) {
  if (payload_length > head.size()) return fail(Errc::too_long, "column count packet", head.size());
  Reader r(head);
  const std::uint64_t count = r.lenenc_int("column count");
  if (!r.ok()) return fail(r.error().code, r.error().field, r.error().offset);
  if (count == 0) return fail(Errc::bad_value, "column count (0 columns in a result set header)", 0);
  if (count > kMaxColumns) return fail(Errc::too_long, "column count", 0);
  metadata_follows_ = true;
  // MariaDB's metadata cache and MySQL's optional metadata add one byte after the count; some
  // servers leave it out even then, which means "metadata follows".
  if (has(caps_, cap::kMariadbCacheMetadata | cap::kOptionalResultsetMetadata) && !r.at_end()) {
    const std::size_t at = r.offset();
    const std::uint8_t follows = r.int1("metadata_follows");
    if (follows > 1) return fail(Errc::bad_value, "metadata_follows", at);
    metadata_follows_ = follows == 1;
  }
  if (!r.at_end()) return fail(Errc::trailing_bytes, "column count packet", r.offset());
  column_count_ = count;
  enter_metadata();
  return ResponseEvent::result_set_header;
}

ResponseEvent ResponseTracker::on_first(std::uint32_t payload_length, Bytes head) {
  switch (head[0]) {
    case kOkHeader: return on_ok(payload_length, head, ResponseEvent::ok, true);
    case kErrHeader: return end_with_err();
    case kLocalInfileHeader:
      if (command_ != Command::query)
        return fail(Errc::unexpected_message, "LOCAL INFILE request to a prepared statement");
      state_ = State::infile_client;
      return ResponseEvent::local_infile_request;
    case kEofHeader: return fail(Errc::unexpected_message, "0xfe packet where a response starts");
    default: return on_column_count(payload_length, head);
  }
}

ResponseEvent ResponseTracker::on_definition(Bytes head, ResponseEvent event) {
  if (head[0] == kErrHeader) return end_with_err();
  if (head[0] == kEofHeader) return fail(Errc::unexpected_message, "terminator before all column definitions");
  if (!looks_like_column_definition(head)) return fail(Errc::unexpected_message, "column definition (catalog \"def\")");
  if (--remaining_ > 0) return event;
  switch (state_) {
    case State::columns: state_ = deprecate_eof_ ? State::rows : State::columns_eof; break;
    case State::params:
      if (deprecate_eof_) {
        after_columns_of_prepare();
      } else {
        state_ = State::params_eof;
      }
      break;
    case State::prepare_columns: state_ = deprecate_eof_ ? State::idle : State::prepare_columns_eof; break;
    default: break;
  }
  return event;
}

// Sets up the column part of a prepare reply after the parameters (or at once when there are none).
void ResponseTracker::after_columns_of_prepare() {
  remaining_ = metadata_follows_ ? prepared_columns_ : 0;
  if (remaining_ > 0) {
    state_ = State::prepare_columns;
  } else if (prepared_columns_ > 0 && !deprecate_eof_) {
    state_ = State::prepare_columns_eof;
  } else {
    state_ = State::idle;
  }
}

ResponseEvent ResponseTracker::on_prepare_ok(std::uint32_t payload_length, Bytes head) {
  if (payload_length > head.size()) return fail(Errc::too_long, "COM_STMT_PREPARE_OK", head.size());
  const auto ok = parse_stmt_prepare_ok(head, caps_);
  if (!ok) return fail(ok.error().code, "COM_STMT_PREPARE_OK", ok.error().offset);
  statement_id_ = ok->statement_id;
  prepared_columns_ = ok->num_columns;
  prepared_params_ = ok->num_params;
  warnings_ = ok->warnings;
  // With MySQL's optional metadata the definitions may be left out; the EOFs stay.
  metadata_follows_ = ok->metadata_follows != 0;
  column_count_ = prepared_columns_;
  remaining_ = metadata_follows_ ? prepared_params_ : 0;
  if (remaining_ > 0) {
    state_ = State::params;
  } else if (prepared_params_ > 0 && !deprecate_eof_) {
    state_ = State::params_eof;
  } else {
    after_columns_of_prepare();
  }
  return ResponseEvent::prepare_ok;
}

// Packets in the rows state that the inline fast path did not take.
ResponseEvent ResponseTracker::on_rows_other(std::uint32_t payload_length, Bytes head) {
  const std::uint8_t first = head[0];
  if (payload_length == kMaxFramePayload) {
    if (first == kErrHeader) return fail(Errc::unexpected_message, "ERR packet of 16 MiB");
    if (binary_ && first != kBinaryRowHeader) return fail(Errc::bad_value, "binary row header", 0);
    ++rows_;
    resume_ = State::rows;
    state_ = State::continuation;
    return ResponseEvent::row;
  }
  switch (classify_result_packet(first, payload_length, caps_)) {
    case ResultPacketKind::error:
      if (is_progress(payload_length, head)) return ResponseEvent::progress;
      return end_with_err();
    case ResultPacketKind::terminator:
      return on_terminator(payload_length, head, ResponseEvent::result_set_end, command_ != Command::stmt_fetch);
    case ResultPacketKind::row: break;
  }
  if (binary_) return fail(Errc::bad_value, "binary row header", 0);
  // A text row starting with 0xfe holds a value of 2^24 bytes or more, yet its packet is shorter.
  return fail(Errc::truncated, "text row (0xfe length prefix in a short packet)", 0);
}

ResponseEvent ResponseTracker::on_columns_eof(std::uint32_t payload_length, Bytes head) {
  if (head[0] == kErrHeader) return end_with_err();
  if (!is_terminator(head[0], payload_length))
    return fail(Errc::unexpected_message, "EOF after the column definitions");
  if (!read_eof(head)) return ResponseEvent::protocol_error;
  // COM_STMT_EXECUTE that opened a cursor: the metadata is all; rows come with COM_STMT_FETCH.
  if (binary_ && cursor_exists()) {
    state_ = more_results() ? State::first : State::idle;
    return ResponseEvent::result_set_end;
  }
  state_ = State::rows;
  return ResponseEvent::columns_end;
}

ResponseEvent ResponseTracker::on_prepare_eof(std::uint32_t payload_length, Bytes head) {
  if (!is_terminator(head[0], payload_length)) {
    return fail(Errc::unexpected_message, "EOF after the definitions of a prepared statement");
  }
  if (!read_eof(head)) return ResponseEvent::protocol_error;
  if (state_ == State::params_eof) {
    after_columns_of_prepare();
    return ResponseEvent::params_end;
  }
  state_ = State::idle;
  return ResponseEvent::columns_end;
}

ResponseEvent ResponseTracker::on_field_list(std::uint32_t payload_length, Bytes head) {
  if (head[0] == kErrHeader) return end_with_err();
  if (is_terminator(head[0], payload_length))
    return on_terminator(payload_length, head, ResponseEvent::columns_end, false);
  if (!looks_like_column_definition(head)) return fail(Errc::unexpected_message, "column definition (catalog \"def\")");
  return ResponseEvent::column_definition;
}

// OK / ERR (ok_or_err, infile_response) or EOF / ERR (eof_or_err).
ResponseEvent ResponseTracker::on_single(std::uint32_t payload_length, Bytes head) {
  const std::uint8_t first = head[0];
  if (first == kErrHeader) return end_with_err();
  switch (state_) {
    case State::ok_or_err:
      if (first == kOkHeader) return on_ok(payload_length, head, ResponseEvent::ok, false);
      return fail(Errc::unexpected_message, "OK or ERR packet");
    case State::infile_response:
      if (first == kOkHeader) return on_ok(payload_length, head, ResponseEvent::ok, true);
      return fail(Errc::unexpected_message, "OK or ERR packet after LOCAL INFILE data");
    default:
      if (is_terminator(first, payload_length)) return on_terminator(payload_length, head, ResponseEvent::ok, false);
      return fail(Errc::unexpected_message, "EOF or ERR packet");
  }
}

// Refuses what no state can take; nullopt lets the packet through to its state.
std::optional<ResponseEvent> ResponseTracker::refuse(std::uint32_t payload_length, Bytes head) {
  if (state_ == State::failed) return ResponseEvent::protocol_error;
  if (state_ == State::idle) return fail(Errc::unexpected_message, "packet after the response was complete");
  if (state_ == State::infile_client) {
    return fail(Errc::unexpected_message, "server packet while the client sends LOCAL INFILE data");
  }
  if (payload_length == 0 || head.empty()) return fail(Errc::truncated, "empty packet in a response", 0);
  if (head.size() < kMinHead && head.size() < payload_length) {
    return fail(Errc::truncated, "packet head (shorter than 16 bytes and than the payload)", head.size());
  }
  if (payload_length >= kMaxFramePayload && state_ != State::rows) {
    return fail(Errc::too_long, "packet of 16 MiB or more outside the rows of a result set");
  }
  return std::nullopt;
}

ResponseEvent ResponseTracker::on_packet_slow(std::uint32_t payload_length, Bytes head) {
  if (state_ == State::continuation) {
    if (payload_length < kMaxFramePayload) state_ = resume_;
    return ResponseEvent::row_continuation;
  }
  if (const auto refused = refuse(payload_length, head)) return *refused;
  if (state_ == State::rows) return on_rows_other(payload_length, head);
  if (state_ != State::statistics && is_progress(payload_length, head)) return ResponseEvent::progress;

  switch (state_) {
    case State::first: return on_first(payload_length, head);
    case State::columns: return on_definition(head, ResponseEvent::column_definition);
    case State::columns_eof: return on_columns_eof(payload_length, head);
    case State::ok_or_err:
    case State::eof_or_err:
    case State::infile_response: return on_single(payload_length, head);
    case State::statistics:
      if (head[0] == kErrHeader) return end_with_err();
      state_ = State::idle;
      return ResponseEvent::statistics;
    case State::prepare_first:
      if (head[0] == kErrHeader) return end_with_err();
      if (head[0] != kOkHeader) return fail(Errc::unexpected_message, "COM_STMT_PREPARE_OK or ERR packet");
      return on_prepare_ok(payload_length, head);
    case State::params: return on_definition(head, ResponseEvent::param_definition);
    case State::prepare_columns: return on_definition(head, ResponseEvent::column_definition);
    case State::params_eof:
    case State::prepare_columns_eof: return on_prepare_eof(payload_length, head);
    case State::field_list: return on_field_list(payload_length, head);
    case State::idle:
    case State::rows:
    case State::infile_client:
    case State::continuation:
    case State::failed: break;
  }
  return fail(Errc::unexpected_message, "packet in an unknown state");
}

}  // namespace weir::protocol
