#include "weir/protocol/response.hpp"

namespace weir::protocol {

namespace {

Error error_at(Errc code, const char* field, std::size_t offset) { return Error{code, field, offset}; }

// Offset of `inner` inside `outer` (inner is a view into outer).
std::size_t offset_in(Bytes outer, std::string_view inner) {
  return static_cast<std::size_t>(reinterpret_cast<const std::uint8_t*>(inner.data()) - outer.data());
}

constexpr std::string_view kDefaultSqlState = "HY000";

}  // namespace

// ---------------------------------------------------------------------------------------------
// Session state

const char* session_track_type_name(std::uint8_t type) {
  switch (type) {
    case 0: return "SESSION_TRACK_SYSTEM_VARIABLES";
    case 1: return "SESSION_TRACK_SCHEMA";
    case 2: return "SESSION_TRACK_STATE_CHANGE";
    case 3: return "SESSION_TRACK_GTIDS";
    case 4: return "SESSION_TRACK_TRANSACTION_CHARACTERISTICS";
    case 5: return "SESSION_TRACK_TRANSACTION_STATE";
    default: return "SESSION_TRACK_UNKNOWN";
  }
}

Result<std::optional<SessionStateEntry>> SessionStateReader::next() {
  if (!reader_.ok()) return reader_.error();
  if (reader_.at_end()) return std::optional<SessionStateEntry>{};
  SessionStateEntry entry;
  entry.type = reader_.int1("session_state_type");
  entry.data = reader_.lenenc_str("session_state_data");
  if (!reader_.ok()) return reader_.error();
  const std::size_t data_start = reader_.offset() - entry.data.size();

  Reader d(entry.data);
  switch (entry.type) {
    case static_cast<std::uint8_t>(SessionTrackType::system_variables):
      entry.name = d.lenenc_str("system_variable_name");
      entry.value = d.lenenc_str("system_variable_value");
      break;
    case static_cast<std::uint8_t>(SessionTrackType::schema): entry.value = d.lenenc_str("schema"); break;
    case static_cast<std::uint8_t>(SessionTrackType::state_change):
      // The data is the flag itself ("1"), not a length-encoded string.
      entry.value = entry.data;
      if (entry.data.empty()) d.fail(Errc::truncated, "state_change");
      break;
    case static_cast<std::uint8_t>(SessionTrackType::gtids):
      entry.gtid_encoding = d.int1("gtid_encoding");
      entry.value = d.lenenc_str("gtids");
      break;
    case static_cast<std::uint8_t>(SessionTrackType::transaction_characteristics):
      entry.value = d.lenenc_str("transaction_characteristics");
      break;
    case static_cast<std::uint8_t>(SessionTrackType::transaction_state):
      entry.value = d.lenenc_str("transaction_state");
      break;
    default: break;  // unknown type: carried by its length only
  }
  if (!d.ok()) {
    Error e = d.error();
    e.offset += data_start;
    // Make the failure sticky: the outer reader must not continue past a malformed entry.
    reader_.fail(e.code, e.field);
    return e;
  }
  return std::optional<SessionStateEntry>{entry};
}

Result<std::vector<SessionStateEntry>> parse_session_state(std::string_view block) {
  std::vector<SessionStateEntry> entries;
  SessionStateReader reader(block);
  for (;;) {
    auto next = reader.next();
    if (!next) return next.error();
    const std::optional<SessionStateEntry>& entry = next.value();
    if (!entry.has_value()) return entries;
    entries.push_back(*entry);
  }
}

void serialize(const SessionStateEntry& entry, Buffer& out) {
  Buffer data;
  Writer d(data);
  switch (entry.type) {
    case static_cast<std::uint8_t>(SessionTrackType::system_variables):
      d.lenenc_str(entry.name).lenenc_str(entry.value);
      break;
    case static_cast<std::uint8_t>(SessionTrackType::gtids): d.int1(entry.gtid_encoding).lenenc_str(entry.value); break;
    case static_cast<std::uint8_t>(SessionTrackType::state_change): d.raw(entry.value); break;
    case static_cast<std::uint8_t>(SessionTrackType::schema):
    case static_cast<std::uint8_t>(SessionTrackType::transaction_characteristics):
    case static_cast<std::uint8_t>(SessionTrackType::transaction_state): d.lenenc_str(entry.value); break;
    default: d.raw(entry.data); break;
  }
  Writer(out).int1(entry.type).lenenc_str(as_string(data));
}

namespace {
SessionStateEntry typed_entry(SessionTrackType type, std::string_view value) {
  SessionStateEntry e;
  e.type = static_cast<std::uint8_t>(type);
  e.value = value;
  return e;
}
}  // namespace

SessionStateEntry system_variable_entry(std::string_view name, std::string_view value) {
  SessionStateEntry e = typed_entry(SessionTrackType::system_variables, value);
  e.name = name;
  return e;
}
SessionStateEntry schema_entry(std::string_view schema) { return typed_entry(SessionTrackType::schema, schema); }
SessionStateEntry state_change_entry() { return typed_entry(SessionTrackType::state_change, "1"); }
SessionStateEntry gtids_entry(std::string_view gtid_set) { return typed_entry(SessionTrackType::gtids, gtid_set); }
SessionStateEntry transaction_characteristics_entry(std::string_view text) {
  return typed_entry(SessionTrackType::transaction_characteristics, text);
}
SessionStateEntry transaction_state_entry(std::string_view state) {
  return typed_entry(SessionTrackType::transaction_state, state);
}

// ---------------------------------------------------------------------------------------------
// OK

namespace {
// The value of the last entry of `type` (and, for system variables, `name`).
std::optional<std::string_view> find_last(std::string_view block, SessionTrackType type, std::string_view name = {}) {
  std::optional<std::string_view> found;
  SessionStateReader reader(block);
  for (;;) {
    auto next = reader.next();
    if (!next) return found;
    const std::optional<SessionStateEntry>& entry = next.value();
    if (!entry.has_value()) return found;
    const SessionStateEntry& e = *entry;
    if (e.is(type) && (type != SessionTrackType::system_variables || e.name == name)) found = e.value;
  }
}
}  // namespace

std::optional<std::string_view> OkPacket::system_variable(std::string_view name) const {
  return find_last(session_state, SessionTrackType::system_variables, name);
}
std::optional<std::string_view> OkPacket::schema() const { return find_last(session_state, SessionTrackType::schema); }
std::optional<std::string_view> OkPacket::gtids() const { return find_last(session_state, SessionTrackType::gtids); }
std::optional<std::string_view> OkPacket::transaction_state() const {
  return find_last(session_state, SessionTrackType::transaction_state);
}
std::optional<std::string_view> OkPacket::transaction_characteristics() const {
  return find_last(session_state, SessionTrackType::transaction_characteristics);
}
bool OkPacket::state_changed() const { return find_last(session_state, SessionTrackType::state_change).has_value(); }

Result<OkPacket> parse_ok(Bytes payload, CapabilityFlags caps) {
  Reader r(payload);
  OkPacket ok;
  ok.header = r.int1("ok_header");
  if (!r.ok()) return r.error();
  if (ok.header != kOkHeader && ok.header != kEofHeader) return error_at(Errc::bad_value, "ok_header", 0);
  ok.affected_rows = r.lenenc_int("affected_rows");
  ok.last_insert_id = r.lenenc_int("last_insert_id");
  if (has(caps, cap::kProtocol41)) {
    ok.status = r.int2("status_flags");
    ok.warnings = r.int2("warnings");
  } else if (has(caps, cap::kTransactions)) {
    ok.status = r.int2("status_flags");
  }
  if (has(caps, cap::kSessionTrack)) {
    // Servers leave the info out when it is empty and no session state follows; with
    // SERVER_SESSION_STATE_CHANGED both are always written (the block possibly empty).
    const bool state_changed = (ok.status & status::kSessionStateChanged) != 0;
    if (state_changed || !r.at_end()) {
      ok.info = r.lenenc_str("info");
      if (state_changed) {
        ok.session_state = r.lenenc_str("session_state");
        if (r.ok()) {
          const std::size_t block_offset = offset_in(payload, ok.session_state);
          SessionStateReader entries(ok.session_state);
          for (;;) {
            auto next = entries.next();
            if (!next) {
              Error e = next.error();
              e.offset += block_offset;
              return e;
            }
            if (!next->has_value()) break;
          }
        }
      }
    }
  } else {
    ok.info = r.rest();
  }
  r.expect_end("ok_packet");
  if (!r.ok()) return r.error();
  return ok;
}

void serialize(const OkPacket& ok, CapabilityFlags caps, Buffer& out) {
  Writer w(out);
  w.int1(ok.header).lenenc_int(ok.affected_rows).lenenc_int(ok.last_insert_id);
  if (has(caps, cap::kProtocol41)) {
    w.int2(ok.status).int2(ok.warnings);
  } else if (has(caps, cap::kTransactions)) {
    w.int2(ok.status);
  }
  if (has(caps, cap::kSessionTrack)) {
    const bool state_changed = (ok.status & status::kSessionStateChanged) != 0;
    if (state_changed || !ok.info.empty()) w.lenenc_str(ok.info);
    if (state_changed) w.lenenc_str(ok.session_state);
  } else {
    w.raw(ok.info);
  }
}

// ---------------------------------------------------------------------------------------------
// ERR and progress reports

bool is_progress_report(Bytes payload, CapabilityFlags caps) {
  return has(caps, cap::kMariadbProgress) && payload.size() >= 3 && payload[0] == kErrHeader && payload[1] == 0xff &&
         payload[2] == 0xff;
}

Result<ErrPacket> parse_err(Bytes payload, CapabilityFlags caps) {
  Reader r(payload);
  ErrPacket err;
  const std::uint8_t header = r.int1("err_header");
  if (!r.ok()) return r.error();
  if (header != kErrHeader) return error_at(Errc::bad_value, "err_header", 0);
  err.code = r.int2("error_code");
  if (!r.ok()) return r.error();
  if (err.code == kProgressReportCode && has(caps, cap::kMariadbProgress)) {
    return error_at(Errc::unexpected_message, "progress_report", 0);
  }
  if (has(caps, cap::kProtocol41) && !r.at_end() && r.peek() == '#') {
    r.skip(1, "sql_state_marker");
    err.sql_state = r.fixed_str(5, "sql_state");
  }
  err.message = r.rest();
  if (!r.ok()) return r.error();
  return err;
}

void serialize(const ErrPacket& err, CapabilityFlags caps, Buffer& out) {
  Writer w(out);
  w.int1(kErrHeader).int2(err.code);
  if (has(caps, cap::kProtocol41) && !err.sql_state.empty()) {
    w.int1('#').raw(err.sql_state.size() == 5 ? err.sql_state : kDefaultSqlState);
  }
  w.raw(err.message);
}

Buffer make_err(std::uint16_t code, std::string_view sql_state, std::string_view message, CapabilityFlags caps) {
  Buffer out;
  out.reserve(9 + message.size());
  serialize(ErrPacket{code, sql_state.empty() ? kDefaultSqlState : sql_state, message}, caps, out);
  return out;
}

Result<ProgressReport> parse_progress_report(Bytes payload) {
  Reader r(payload);
  const std::uint8_t header = r.int1("err_header");
  if (!r.ok()) return r.error();
  if (header != kErrHeader) return error_at(Errc::bad_value, "err_header", 0);
  const std::uint16_t code = r.int2("error_code");
  if (r.ok() && code != kProgressReportCode) return error_at(Errc::bad_value, "error_code", 1);
  ProgressReport p;
  r.int1("progress_string_count");  // room for later extensions; always 1 today
  p.stage = r.int1("progress_stage");
  p.max_stage = r.int1("progress_max_stage");
  p.progress = r.int3("progress");
  p.info = r.lenenc_str("progress_info");
  if (!r.ok()) return r.error();
  return p;
}

void serialize(const ProgressReport& report, Buffer& out) {
  Writer(out)
      .int1(kErrHeader)
      .int2(kProgressReportCode)
      .int1(1)
      .int1(report.stage)
      .int1(report.max_stage)
      .int3(report.progress)
      .lenenc_str(report.info);
}

// ---------------------------------------------------------------------------------------------
// EOF and result set terminators

Result<EofPacket> parse_eof(Bytes payload, CapabilityFlags caps) {
  Reader r(payload);
  const std::uint8_t header = r.int1("eof_header");
  if (!r.ok()) return r.error();
  if (header != kEofHeader) return error_at(Errc::bad_value, "eof_header", 0);
  if (payload.size() > kMaxEofPayload) return error_at(Errc::too_long, "eof_packet", 0);
  EofPacket eof;
  if (has(caps, cap::kProtocol41)) {
    eof.warnings = r.int2("warnings");
    eof.status = r.int2("status_flags");
  }
  r.expect_end("eof_packet");
  if (!r.ok()) return r.error();
  return eof;
}

void serialize(const EofPacket& eof, CapabilityFlags caps, Buffer& out) {
  Writer w(out);
  w.int1(kEofHeader);
  if (has(caps, cap::kProtocol41)) w.int2(eof.warnings).int2(eof.status);
}

ResultPacketKind classify_result_packet(std::uint8_t first_byte, std::size_t payload_length, CapabilityFlags caps) {
  if (first_byte == kErrHeader) return ResultPacketKind::error;
  if (first_byte == kEofHeader) {
    const std::size_t limit = has(caps, cap::kDeprecateEof) ? std::size_t{0xffffff} : kMaxEofPayload + 1;
    if (payload_length < limit) return ResultPacketKind::terminator;
  }
  return ResultPacketKind::row;
}

Result<StatusFlags> parse_terminator_status(Bytes payload, CapabilityFlags caps) {
  if (has(caps, cap::kDeprecateEof)) {
    auto ok = parse_ok(payload, caps);
    if (!ok) return ok.error();
    return ok->status;
  }
  auto eof = parse_eof(payload, caps);
  if (!eof) return eof.error();
  return eof->status;
}

// ---------------------------------------------------------------------------------------------
// LOCAL INFILE

Result<LocalInfileRequest> parse_local_infile_request(Bytes payload) {
  Reader r(payload);
  const std::uint8_t header = r.int1("local_infile_header");
  if (!r.ok()) return r.error();
  if (header != kLocalInfileHeader) return error_at(Errc::bad_value, "local_infile_header", 0);
  return LocalInfileRequest{r.rest()};
}

void serialize(const LocalInfileRequest& request, Buffer& out) {
  Writer(out).int1(kLocalInfileHeader).raw(request.filename);
}

}  // namespace weir::protocol
