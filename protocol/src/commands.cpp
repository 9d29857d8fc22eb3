#include "weir/protocol/commands.hpp"

namespace weir::protocol {

namespace {

Error error_at(Errc code, const char* field, std::size_t offset) { return Error{code, field, offset}; }

std::uint8_t byte_of(Command c) { return static_cast<std::uint8_t>(c); }

// Reads the command byte and checks it is `expected`.
void expect_command(Reader& r, Command expected) {
  const std::uint8_t b = r.int1("command");
  if (r.ok() && b != byte_of(expected)) r.fail(Errc::bad_value, "command");
}

// expect_command leaves the offset after the byte; report a wrong command at offset 0.
template <class T>
Result<T> finish(Reader& r, T value) {
  if (!r.ok()) {
    Error e = r.error();
    if (e.code == Errc::bad_value && e.field == std::string_view("command")) e.offset = 0;
    return e;
  }
  return value;
}

void write_id(std::span<std::uint8_t> p, std::size_t at, std::uint32_t id) {
  for (std::size_t i = 0; i < 4; ++i) p[at + i] = static_cast<std::uint8_t>(id >> (8 * i));
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Identification

const char* command_name(Command command) {
  switch (command) {
    case Command::sleep: return "COM_SLEEP";
    case Command::quit: return "COM_QUIT";
    case Command::init_db: return "COM_INIT_DB";
    case Command::query: return "COM_QUERY";
    case Command::field_list: return "COM_FIELD_LIST";
    case Command::create_db: return "COM_CREATE_DB";
    case Command::drop_db: return "COM_DROP_DB";
    case Command::refresh: return "COM_REFRESH";
    case Command::shutdown: return "COM_SHUTDOWN";
    case Command::statistics: return "COM_STATISTICS";
    case Command::process_info: return "COM_PROCESS_INFO";
    case Command::connect: return "COM_CONNECT";
    case Command::process_kill: return "COM_PROCESS_KILL";
    case Command::debug: return "COM_DEBUG";
    case Command::ping: return "COM_PING";
    case Command::time: return "COM_TIME";
    case Command::delayed_insert: return "COM_DELAYED_INSERT";
    case Command::change_user: return "COM_CHANGE_USER";
    case Command::binlog_dump: return "COM_BINLOG_DUMP";
    case Command::table_dump: return "COM_TABLE_DUMP";
    case Command::connect_out: return "COM_CONNECT_OUT";
    case Command::register_slave: return "COM_REGISTER_SLAVE";
    case Command::stmt_prepare: return "COM_STMT_PREPARE";
    case Command::stmt_execute: return "COM_STMT_EXECUTE";
    case Command::stmt_send_long_data: return "COM_STMT_SEND_LONG_DATA";
    case Command::stmt_close: return "COM_STMT_CLOSE";
    case Command::stmt_reset: return "COM_STMT_RESET";
    case Command::set_option: return "COM_SET_OPTION";
    case Command::stmt_fetch: return "COM_STMT_FETCH";
    case Command::daemon: return "COM_DAEMON";
    case Command::binlog_dump_gtid: return "COM_BINLOG_DUMP_GTID";
    case Command::reset_connection: return "COM_RESET_CONNECTION";
    case Command::stmt_bulk_execute: return "COM_STMT_BULK_EXECUTE";
    case Command::multi: return "COM_MULTI";
  }
  return "COM_UNKNOWN";
}

std::optional<Command> to_command(std::uint8_t first_byte) {
  if (first_byte <= byte_of(Command::reset_connection) || first_byte == byte_of(Command::stmt_bulk_execute) ||
      first_byte == byte_of(Command::multi)) {
    return static_cast<Command>(first_byte);
  }
  return std::nullopt;
}

Result<Command> parse_command(Bytes payload) {
  if (payload.empty()) return error_at(Errc::truncated, "command", 0);
  const auto command = to_command(payload[0]);
  if (!command) return error_at(Errc::bad_value, "command", 0);
  return *command;
}

ResponseKind response_kind(Command command) {
  switch (command) {
    case Command::quit:
    case Command::stmt_close:
    case Command::stmt_send_long_data: return ResponseKind::none;
    case Command::query:
    case Command::process_info:
    case Command::stmt_execute:
    case Command::stmt_bulk_execute: return ResponseKind::result_set;
    case Command::set_option:
    case Command::debug:
    case Command::shutdown: return ResponseKind::eof_or_err;
    case Command::stmt_prepare: return ResponseKind::prepare;
    case Command::field_list: return ResponseKind::column_list;
    case Command::statistics: return ResponseKind::raw_string;
    case Command::stmt_fetch: return ResponseKind::rows;
    case Command::change_user: return ResponseKind::auth_exchange;
    case Command::binlog_dump:
    case Command::binlog_dump_gtid: return ResponseKind::binlog_stream;
    case Command::multi: return ResponseKind::multi;
    case Command::sleep:
    case Command::init_db:
    case Command::create_db:
    case Command::drop_db:
    case Command::refresh:
    case Command::connect:
    case Command::process_kill:
    case Command::ping:
    case Command::time:
    case Command::delayed_insert:
    case Command::table_dump:
    case Command::connect_out:
    case Command::register_slave:
    case Command::stmt_reset:
    case Command::daemon:
    case Command::reset_connection: return ResponseKind::ok_or_err;
  }
  return ResponseKind::ok_or_err;
}

const char* response_kind_name(ResponseKind kind) {
  switch (kind) {
    case ResponseKind::none: return "none";
    case ResponseKind::ok_or_err: return "ok_or_err";
    case ResponseKind::eof_or_err: return "eof_or_err";
    case ResponseKind::result_set: return "result_set";
    case ResponseKind::prepare: return "prepare";
    case ResponseKind::column_list: return "column_list";
    case ResponseKind::raw_string: return "raw_string";
    case ResponseKind::rows: return "rows";
    case ResponseKind::auth_exchange: return "auth_exchange";
    case ResponseKind::binlog_stream: return "binlog_stream";
    case ResponseKind::multi: return "multi";
  }
  return "unknown";
}

// ---------------------------------------------------------------------------------------------
// Statement ids

std::optional<std::size_t> statement_id_offset(Command command) {
  switch (command) {
    case Command::stmt_execute:
    case Command::stmt_fetch:
    case Command::stmt_close:
    case Command::stmt_reset:
    case Command::stmt_send_long_data:
    case Command::stmt_bulk_execute: return std::size_t{1};
    default: return std::nullopt;
  }
}

std::optional<std::uint32_t> read_statement_id(Bytes payload) {
  if (payload.empty()) return std::nullopt;
  const auto command = to_command(payload[0]);
  if (!command) return std::nullopt;
  const auto at = statement_id_offset(*command);
  if (!at || payload.size() < *at + 4) return std::nullopt;
  Reader r(payload.subspan(*at, 4));
  return r.int4("statement_id");
}

bool rewrite_statement_id(std::span<std::uint8_t> payload, std::uint32_t new_id) {
  if (payload.empty()) return false;
  const auto command = to_command(payload[0]);
  if (!command) return false;
  const auto at = statement_id_offset(*command);
  if (!at || payload.size() < *at + 4) return false;
  write_id(payload, *at, new_id);
  return true;
}

bool rewrite_prepare_ok_statement_id(std::span<std::uint8_t> payload, std::uint32_t new_id) {
  if (payload.size() < 5 || payload[0] != 0x00) return false;
  write_id(payload, 1, new_id);
  return true;
}

// ---------------------------------------------------------------------------------------------
// COM_QUERY and query attributes

namespace {

// Field types of the binary protocol whose values have a fixed size.
int fixed_value_size(std::uint8_t type) {
  switch (type) {
    case 0x06: return 0;  // NULL
    case 0x01: return 1;  // TINY
    case 0x02:
    case 0x0d: return 2;  // SHORT, YEAR
    case 0x03:
    case 0x04:
    case 0x09: return 4;  // LONG, FLOAT, INT24
    case 0x05:
    case 0x08: return 8;  // DOUBLE, LONGLONG
    default: return -1;
  }
}

bool is_temporal(std::uint8_t type) {
  return type == 0x07 || type == 0x0a || type == 0x0b || type == 0x0c;  // TIMESTAMP DATE TIME DATETIME
}

std::string_view read_binary_value(Reader& r, std::uint8_t type) {
  const int size = fixed_value_size(type);
  if (size >= 0) return r.fixed_str(static_cast<std::size_t>(size), "attribute_value");
  if (is_temporal(type)) {
    const std::uint8_t length = r.int1("attribute_value_length");
    return r.fixed_str(length, "attribute_value");
  }
  return r.lenenc_str("attribute_value");
}

// Walks the attribute block after the two counts; calls visit(QueryAttribute) for each.
template <class Visit>
void walk_attributes(Reader& r, std::uint64_t count, Visit&& visit) {
  if (count == 0 || !r.ok()) return;
  // Each attribute takes at least 3 bytes (type and name length): a larger count is truncated.
  if (count > r.remaining()) {
    r.fail(Errc::truncated, "query_attributes");
    return;
  }
  const auto n = static_cast<std::size_t>(count);
  const std::string_view null_bitmap = r.fixed_str((n + 7) / 8, "null_bitmap");
  const std::uint8_t bind_flag = r.int1("new_params_bind_flag");
  if (r.ok() && bind_flag != 1) {
    r.fail(Errc::bad_value, "new_params_bind_flag");
    return;
  }
  Reader types = r;  // walks the types and names again in step with the values
  for (std::size_t i = 0; i < n && r.ok(); ++i) {
    r.int2("attribute_type");
    r.lenenc_str("attribute_name");
  }
  for (std::size_t i = 0; i < n && r.ok(); ++i) {
    QueryAttribute a;
    const std::uint16_t type_and_flags = types.int2("attribute_type");
    a.type = static_cast<std::uint8_t>(type_and_flags & 0xff);
    a.is_unsigned = (type_and_flags & 0x8000) != 0;
    a.name = types.lenenc_str("attribute_name");
    a.is_null = (static_cast<std::uint8_t>(null_bitmap[i / 8]) >> (i % 8) & 1) != 0;
    if (!a.is_null) a.value = read_binary_value(r, a.type);
    if (r.ok()) visit(a);
  }
}

}  // namespace

Result<ComQuery> parse_com_query(Bytes payload, CapabilityFlags caps) {
  Reader r(payload);
  expect_command(r, Command::query);
  ComQuery q;
  if (has(caps, cap::kQueryAttributes)) {
    q.parameter_count = r.lenenc_int("parameter_count");
    q.parameter_set_count = r.lenenc_int("parameter_set_count");
    if (r.ok() && q.parameter_set_count != 1) r.fail(Errc::bad_value, "parameter_set_count");
    const std::size_t start = r.offset();
    walk_attributes(r, q.parameter_count, [](const QueryAttribute&) {});
    if (r.ok()) q.attributes = as_string(payload.subspan(start, r.offset() - start));
  }
  q.query = r.rest();
  return finish(r, q);
}

void serialize(const ComQuery& command, CapabilityFlags caps, Buffer& out) {
  Writer w(out);
  w.int1(byte_of(Command::query));
  if (has(caps, cap::kQueryAttributes)) {
    w.lenenc_int(command.parameter_count).lenenc_int(command.parameter_set_count).raw(command.attributes);
  }
  w.raw(command.query);
}

Result<std::size_t> query_text_offset(Bytes payload, CapabilityFlags caps) {
  auto q = parse_com_query(payload, caps);
  if (!q) return q.error();
  return payload.size() - q->query.size();
}

Result<std::vector<QueryAttribute>> parse_query_attributes(const ComQuery& command) {
  std::vector<QueryAttribute> out;
  Reader r(command.attributes);
  walk_attributes(r, command.parameter_count, [&out](const QueryAttribute& a) { out.push_back(a); });
  r.expect_end("query_attributes");
  if (!r.ok()) return r.error();
  return out;
}

void serialize_string_query_attributes(std::span<const QueryAttribute> attributes, Buffer& out) {
  if (attributes.empty()) return;
  Writer w(out);
  std::vector<std::uint8_t> bitmap((attributes.size() + 7) / 8, 0);
  for (std::size_t i = 0; i < attributes.size(); ++i) {
    if (attributes[i].is_null) bitmap[i / 8] = static_cast<std::uint8_t>(bitmap[i / 8] | (1U << (i % 8)));
  }
  w.raw(Bytes(bitmap)).int1(1);
  constexpr std::uint8_t kTypeString = 0xfe;
  for (const auto& a : attributes) w.int1(kTypeString).int1(0).lenenc_str(a.name);
  for (const auto& a : attributes) {
    if (!a.is_null) w.lenenc_str(a.value);
  }
}

// ---------------------------------------------------------------------------------------------
// Text-protocol commands

Result<ComInitDb> parse_com_init_db(Bytes payload) {
  Reader r(payload);
  expect_command(r, Command::init_db);
  ComInitDb c;
  c.schema = r.rest();
  return finish(r, c);
}
void serialize(const ComInitDb& command, Buffer& out) {
  Writer(out).int1(byte_of(Command::init_db)).raw(command.schema);
}

Result<ComFieldList> parse_com_field_list(Bytes payload) {
  Reader r(payload);
  expect_command(r, Command::field_list);
  ComFieldList c;
  c.table = r.nul_str("table");
  c.wildcard = r.rest();
  return finish(r, c);
}
void serialize(const ComFieldList& command, Buffer& out) {
  Writer(out).int1(byte_of(Command::field_list)).nul_str(command.table).raw(command.wildcard);
}

Result<ComProcessKill> parse_com_process_kill(Bytes payload) {
  Reader r(payload);
  expect_command(r, Command::process_kill);
  ComProcessKill c;
  c.connection_id = r.int4("connection_id");
  r.expect_end("com_process_kill");
  return finish(r, c);
}
void serialize(const ComProcessKill& command, Buffer& out) {
  Writer(out).int1(byte_of(Command::process_kill)).int4(command.connection_id);
}

Result<ComSetOption> parse_com_set_option(Bytes payload) {
  Reader r(payload);
  expect_command(r, Command::set_option);
  ComSetOption c;
  c.option = r.int2("option");
  r.expect_end("com_set_option");
  return finish(r, c);
}
void serialize(const ComSetOption& command, Buffer& out) {
  Writer(out).int1(byte_of(Command::set_option)).int2(command.option);
}

void serialize_simple_command(Command command, Buffer& out) { Writer(out).int1(byte_of(command)); }

// ---------------------------------------------------------------------------------------------
// Prepared statements

Result<ComStmtPrepare> parse_com_stmt_prepare(Bytes payload) {
  Reader r(payload);
  expect_command(r, Command::stmt_prepare);
  ComStmtPrepare c;
  c.query = r.rest();
  return finish(r, c);
}
void serialize(const ComStmtPrepare& command, Buffer& out) {
  Writer(out).int1(byte_of(Command::stmt_prepare)).raw(command.query);
}

Result<StmtPrepareOk> parse_stmt_prepare_ok(Bytes payload, CapabilityFlags caps) {
  Reader r(payload);
  const std::uint8_t header = r.int1("prepare_ok_header");
  if (!r.ok()) return r.error();
  if (header != 0x00) return error_at(Errc::bad_value, "prepare_ok_header", 0);
  StmtPrepareOk p;
  p.statement_id = r.int4("statement_id");
  p.num_columns = r.int2("num_columns");
  p.num_params = r.int2("num_params");
  r.skip(1, "reserved");
  p.warnings = r.int2("warnings");
  if (has(caps, cap::kOptionalResultsetMetadata)) p.metadata_follows = r.int1("metadata_follows");
  r.expect_end("stmt_prepare_ok");
  if (!r.ok()) return r.error();
  return p;
}
void serialize(const StmtPrepareOk& response, CapabilityFlags caps, Buffer& out) {
  Writer w(out);
  w.int1(0x00).int4(response.statement_id).int2(response.num_columns).int2(response.num_params);
  w.int1(0).int2(response.warnings);
  if (has(caps, cap::kOptionalResultsetMetadata)) w.int1(response.metadata_follows);
}

Result<ComStmtExecute> parse_com_stmt_execute(Bytes payload) {
  Reader r(payload);
  expect_command(r, Command::stmt_execute);
  ComStmtExecute c;
  c.statement_id = r.int4("statement_id");
  c.flags = r.int1("flags");
  c.iteration_count = r.int4("iteration_count");
  c.parameters = r.rest();
  return finish(r, c);
}
void serialize(const ComStmtExecute& command, Buffer& out) {
  Writer(out)
      .int1(byte_of(Command::stmt_execute))
      .int4(command.statement_id)
      .int1(command.flags)
      .int4(command.iteration_count)
      .raw(command.parameters);
}

Result<ComStmtFetch> parse_com_stmt_fetch(Bytes payload) {
  Reader r(payload);
  expect_command(r, Command::stmt_fetch);
  ComStmtFetch c;
  c.statement_id = r.int4("statement_id");
  c.num_rows = r.int4("num_rows");
  r.expect_end("com_stmt_fetch");
  return finish(r, c);
}
void serialize(const ComStmtFetch& command, Buffer& out) {
  Writer(out).int1(byte_of(Command::stmt_fetch)).int4(command.statement_id).int4(command.num_rows);
}

Result<ComStmtClose> parse_com_stmt_close(Bytes payload) {
  Reader r(payload);
  expect_command(r, Command::stmt_close);
  ComStmtClose c;
  c.statement_id = r.int4("statement_id");
  r.expect_end("com_stmt_close");
  return finish(r, c);
}
void serialize(const ComStmtClose& command, Buffer& out) {
  Writer(out).int1(byte_of(Command::stmt_close)).int4(command.statement_id);
}

Result<ComStmtReset> parse_com_stmt_reset(Bytes payload) {
  Reader r(payload);
  expect_command(r, Command::stmt_reset);
  ComStmtReset c;
  c.statement_id = r.int4("statement_id");
  r.expect_end("com_stmt_reset");
  return finish(r, c);
}
void serialize(const ComStmtReset& command, Buffer& out) {
  Writer(out).int1(byte_of(Command::stmt_reset)).int4(command.statement_id);
}

Result<ComStmtSendLongData> parse_com_stmt_send_long_data(Bytes payload) {
  Reader r(payload);
  expect_command(r, Command::stmt_send_long_data);
  ComStmtSendLongData c;
  c.statement_id = r.int4("statement_id");
  c.param_id = r.int2("param_id");
  c.data = r.rest();
  return finish(r, c);
}
void serialize(const ComStmtSendLongData& command, Buffer& out) {
  Writer(out)
      .int1(byte_of(Command::stmt_send_long_data))
      .int4(command.statement_id)
      .int2(command.param_id)
      .raw(command.data);
}

Result<ComStmtBulkExecute> parse_com_stmt_bulk_execute(Bytes payload) {
  Reader r(payload);
  expect_command(r, Command::stmt_bulk_execute);
  ComStmtBulkExecute c;
  c.statement_id = r.int4("statement_id");
  c.flags = r.int2("flags");
  c.parameters = r.rest();
  return finish(r, c);
}
void serialize(const ComStmtBulkExecute& command, Buffer& out) {
  Writer(out)
      .int1(byte_of(Command::stmt_bulk_execute))
      .int4(command.statement_id)
      .int2(command.flags)
      .raw(command.parameters);
}

}  // namespace weir::protocol
