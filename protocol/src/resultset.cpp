#include "weir/protocol/resultset.hpp"

namespace weir::protocol {

namespace {

constexpr std::uint8_t kOk = 0x00;
constexpr std::uint8_t kTerminator = 0xfe;
constexpr std::uint8_t kErr = 0xff;
constexpr std::uint8_t kInfile = 0xfb;
constexpr std::uint32_t kEofMaxPayload = 8;  // a longer 0xfe packet is a text row

// Column definitions always start with the catalog, which both servers send as "def".
bool looks_like_column_definition(Bytes head) {
  return head.size() >= 4 && head[0] == 3 && head[1] == 'd' && head[2] == 'e' && head[3] == 'f';
}

}  // namespace

ExpectedResponse expected_response(std::uint8_t command) {
  switch (command) {
    case 0x01:  // COM_QUIT
    case 0x18:  // COM_STMT_SEND_LONG_DATA
    case 0x19:  // COM_STMT_CLOSE
      return ExpectedResponse::none;
    case 0x03:  // COM_QUERY
    case 0x0a:  // COM_PROCESS_INFO
      return ExpectedResponse::query;
    case 0x04: return ExpectedResponse::field_list;
    case 0x09: return ExpectedResponse::statistics;
    case 0x16: return ExpectedResponse::prepare;
    case 0x17:  // COM_STMT_EXECUTE
    case 0xfa:  // COM_STMT_BULK_EXECUTE (MariaDB)
      return ExpectedResponse::execute;
    case 0x1c: return ExpectedResponse::fetch;
    case 0x11:  // COM_CHANGE_USER
    case 0x12:  // COM_BINLOG_DUMP
    case 0x1e:  // COM_BINLOG_DUMP_GTID
    case 0xfe:  // COM_MULTI (MariaDB, never used by clients)
      return ExpectedResponse::unsupported;
    default: return ExpectedResponse::ok;
  }
}

const char* expected_response_name(ExpectedResponse expected) {
  switch (expected) {
    case ExpectedResponse::none: return "none";
    case ExpectedResponse::ok: return "ok";
    case ExpectedResponse::query: return "query";
    case ExpectedResponse::execute: return "execute";
    case ExpectedResponse::prepare: return "prepare";
    case ExpectedResponse::fetch: return "fetch";
    case ExpectedResponse::field_list: return "field_list";
    case ExpectedResponse::statistics: return "statistics";
    case ExpectedResponse::unsupported: return "unsupported";
  }
  return "unknown";
}

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

void ResponseTracker::start(ExpectedResponse expected, CapabilityFlags caps) {
  expected_ = expected;
  caps_ = caps;
  deprecate_eof_ = has(caps, cap::kDeprecateEof);
  row_first_byte_max_ = 0xfd;
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
  switch (expected) {
    case ExpectedResponse::none: state_ = State::idle; break;
    case ExpectedResponse::ok: state_ = State::simple; break;
    case ExpectedResponse::query:
    case ExpectedResponse::execute: state_ = State::first; break;
    case ExpectedResponse::prepare: state_ = State::prepare_first; break;
    case ExpectedResponse::fetch:
      state_ = State::rows;
      row_first_byte_max_ = 0x00;
      ++result_sets_;
      break;
    case ExpectedResponse::field_list: state_ = State::field_list; break;
    case ExpectedResponse::statistics: state_ = State::statistics; break;
    case ExpectedResponse::unsupported:
      state_ = State::idle;
      fail(Errc::unexpected_message, "a command whose reply the tracker does not follow");
      break;
  }
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
  if (first != kTerminator) return false;
  // Under CLIENT_DEPRECATE_EOF the terminator is an OK packet with 0xfe that may carry info and
  // session state; a text row starting with 0xfe holds a value of 2^24 bytes or more and so
  // always fills a whole frame.
  return deprecate_eof_ ? payload_length < kMaxFramePayload : payload_length <= kEofMaxPayload;
}

bool ResponseTracker::is_progress(std::uint32_t payload_length, Bytes head) const {
  return has(caps_, cap::kMariadbProgress) && payload_length >= 3 && head.size() >= 3 && head[0] == kErr &&
         head[1] == 0xff && head[2] == 0xff;
}

bool ResponseTracker::read_eof(std::uint32_t payload_length, Bytes head) {
  // 0xfe, warnings int2, status int2
  if (payload_length < 5 || head.size() < 5) {
    fail(Errc::truncated, "EOF packet (warnings, status flags)", head.size());
    return false;
  }
  warnings_ = static_cast<std::uint16_t>(head[1] | (head[2] << 8));
  status_ = static_cast<StatusFlags>(head[3] | (head[4] << 8));
  return true;
}

ResponseEvent ResponseTracker::on_ok(std::uint32_t payload_length, Bytes head, ResponseEvent event, bool may_continue) {
  // header, affected rows (lenenc), last insert id (lenenc), status int2, warnings int2
  Reader r(head);
  r.int1("OK packet header");
  r.lenenc_int("OK packet affected_rows");
  r.lenenc_int("OK packet last_insert_id");
  const StatusFlags status = r.int2("OK packet status_flags");
  const std::uint16_t warnings = r.int2("OK packet warnings");
  if (!r.ok()) {
    const Error e = r.error();
    // A short head of a long packet is the caller's doing; say so.
    const char* what = payload_length > head.size() ? "OK packet (head shorter than its fixed fields)" : e.field;
    return fail(e.code, what, e.offset);
  }
  status_ = status;
  warnings_ = warnings;
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
  row_first_byte_max_ = expected_ == ExpectedResponse::execute ? 0x00 : 0xfd;
  enter_metadata();
  return ResponseEvent::result_set_header;
}

ResponseEvent ResponseTracker::on_first(std::uint32_t payload_length, Bytes head) {
  switch (head[0]) {
    case kOk: return on_ok(payload_length, head, ResponseEvent::ok, true);
    case kErr: state_ = State::idle; return ResponseEvent::err;
    case kInfile:
      if (expected_ != ExpectedResponse::query) return fail(Errc::unexpected_message, "LOCAL INFILE request to a prepared statement");
      state_ = State::infile_client;
      return ResponseEvent::local_infile_request;
    case kTerminator: return fail(Errc::unexpected_message, "0xfe packet where a response starts");
    default: return on_column_count(payload_length, head);
  }
}

ResponseEvent ResponseTracker::on_definition(Bytes head, ResponseEvent event) {
  if (head[0] == kErr) {
    state_ = State::idle;
    return ResponseEvent::err;
  }
  if (head[0] == kTerminator) return fail(Errc::unexpected_message, "terminator before all column definitions");
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
  // 0x00, statement id int4, columns int2, params int2, filler int1, [warnings int2,
  // [metadata_follows int1 with CLIENT_OPTIONAL_RESULTSET_METADATA]]
  if (payload_length > head.size()) return fail(Errc::too_long, "COM_STMT_PREPARE_OK", head.size());
  Reader r(head);
  r.int1("COM_STMT_PREPARE_OK header");
  statement_id_ = r.int4("COM_STMT_PREPARE_OK statement_id");
  prepared_columns_ = r.int2("COM_STMT_PREPARE_OK num_columns");
  prepared_params_ = r.int2("COM_STMT_PREPARE_OK num_params");
  r.int1("COM_STMT_PREPARE_OK filler");
  if (!r.at_end()) warnings_ = r.int2("COM_STMT_PREPARE_OK warnings");
  metadata_follows_ = true;
  if (!r.at_end() && has(caps_, cap::kOptionalResultsetMetadata)) {
    metadata_follows_ = r.int1("COM_STMT_PREPARE_OK metadata_follows") != 0;
  }
  r.expect_end("COM_STMT_PREPARE_OK");
  if (!r.ok()) return fail(r.error().code, r.error().field, r.error().offset);
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
    if (first == kErr) return fail(Errc::unexpected_message, "ERR packet of 16 MiB");
    if (row_first_byte_max_ == 0 && first != 0) return fail(Errc::bad_value, "binary row header", 0);
    ++rows_;
    resume_ = State::rows;
    state_ = State::continuation;
    return ResponseEvent::row;
  }
  if (first == kErr) {
    if (is_progress(payload_length, head)) return ResponseEvent::progress;
    state_ = State::idle;
    return ResponseEvent::err;
  }
  if (is_terminator(first, payload_length)) {
    if (deprecate_eof_) return on_ok(payload_length, head, ResponseEvent::result_set_end, expected_ != ExpectedResponse::fetch);
    if (!read_eof(payload_length, head)) return ResponseEvent::protocol_error;
    state_ = (more_results() && expected_ != ExpectedResponse::fetch) ? State::first : State::idle;
    return ResponseEvent::result_set_end;
  }
  if (row_first_byte_max_ == 0) return fail(Errc::bad_value, "binary row header", 0);
  if (first == kTerminator) {  // a text row with a value of 2^24 bytes or more, yet shorter than that
    return fail(Errc::truncated, "text row (0xfe length prefix in a short packet)", 0);
  }
  ++rows_;
  return ResponseEvent::row;
}

ResponseEvent ResponseTracker::on_packet_slow(std::uint32_t payload_length, Bytes head) {
  if (state_ == State::continuation) {
    if (payload_length < kMaxFramePayload) state_ = resume_;
    return ResponseEvent::row_continuation;
  }
  if (state_ == State::failed) return ResponseEvent::protocol_error;
  if (state_ == State::idle) return fail(Errc::unexpected_message, "packet after the response was complete");
  if (state_ == State::infile_client) return fail(Errc::unexpected_message, "server packet while the client sends LOCAL INFILE data");
  if (payload_length == 0 || head.empty()) return fail(Errc::truncated, "empty packet in a response", 0);
  if (head.size() < kMinHead && head.size() < payload_length) return fail(Errc::truncated, "packet head shorter than 16 bytes", head.size());
  if (payload_length >= kMaxFramePayload && state_ != State::rows) {
    return fail(Errc::too_long, "packet of 16 MiB or more outside the rows of a result set");
  }
  if (state_ != State::rows && state_ != State::statistics && is_progress(payload_length, head)) return ResponseEvent::progress;

  const std::uint8_t first = head[0];
  switch (state_) {
    case State::rows: return on_rows_other(payload_length, head);
    case State::first: return on_first(payload_length, head);
    case State::columns: return on_definition(head, ResponseEvent::column_definition);
    case State::columns_eof:
      if (first == kErr) {
        state_ = State::idle;
        return ResponseEvent::err;
      }
      if (!is_terminator(first, payload_length)) return fail(Errc::unexpected_message, "EOF after the column definitions");
      if (!read_eof(payload_length, head)) return ResponseEvent::protocol_error;
      // COM_STMT_EXECUTE that opened a cursor: the metadata is all; rows come with COM_STMT_FETCH.
      if (expected_ == ExpectedResponse::execute && cursor_exists()) {
        state_ = more_results() ? State::first : State::idle;
        return ResponseEvent::result_set_end;
      }
      state_ = State::rows;
      return ResponseEvent::columns_end;
    case State::simple:
      if (first == kOk) return on_ok(payload_length, head, ResponseEvent::ok, false);
      if (first == kErr) {
        state_ = State::idle;
        return ResponseEvent::err;
      }
      if (is_terminator(first, payload_length)) {
        if (deprecate_eof_) return on_ok(payload_length, head, ResponseEvent::ok, false);
        if (!read_eof(payload_length, head)) return ResponseEvent::protocol_error;
        state_ = State::idle;
        return ResponseEvent::ok;
      }
      return fail(Errc::unexpected_message, "OK or ERR packet");
    case State::statistics:
      state_ = State::idle;
      if (first == kErr) return ResponseEvent::err;
      return ResponseEvent::statistics;
    case State::infile_response:
      if (first == kOk) return on_ok(payload_length, head, ResponseEvent::ok, true);
      if (first == kErr) {
        state_ = State::idle;
        return ResponseEvent::err;
      }
      return fail(Errc::unexpected_message, "OK or ERR packet after LOCAL INFILE data");
    case State::prepare_first:
      if (first == kErr) {
        state_ = State::idle;
        return ResponseEvent::err;
      }
      if (first != kOk) return fail(Errc::unexpected_message, "COM_STMT_PREPARE_OK or ERR packet");
      return on_prepare_ok(payload_length, head);
    case State::params: return on_definition(head, ResponseEvent::param_definition);
    case State::prepare_columns: return on_definition(head, ResponseEvent::column_definition);
    case State::params_eof:
    case State::prepare_columns_eof: {
      if (!is_terminator(first, payload_length)) return fail(Errc::unexpected_message, "EOF after the definitions of a prepared statement");
      if (!read_eof(payload_length, head)) return ResponseEvent::protocol_error;
      if (state_ == State::params_eof) {
        after_columns_of_prepare();
        return ResponseEvent::params_end;
      }
      state_ = State::idle;
      return ResponseEvent::columns_end;
    }
    case State::field_list:
      if (first == kErr) {
        state_ = State::idle;
        return ResponseEvent::err;
      }
      if (is_terminator(first, payload_length)) {
        if (deprecate_eof_) return on_ok(payload_length, head, ResponseEvent::columns_end, false);
        if (!read_eof(payload_length, head)) return ResponseEvent::protocol_error;
        state_ = State::idle;
        return ResponseEvent::columns_end;
      }
      if (!looks_like_column_definition(head)) return fail(Errc::unexpected_message, "column definition (catalog \"def\")");
      return ResponseEvent::column_definition;
    case State::idle:
    case State::infile_client:
    case State::continuation:
    case State::failed: break;
  }
  return fail(Errc::unexpected_message, "packet in an unknown state");
}

}  // namespace weir::protocol
