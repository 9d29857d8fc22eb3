// Client command packets: parse_command, then the command's own parser (as a proxy does). Parsed
// commands serialize and parse back equal; statement ids read, parsed and rewritten agree.
#include "fuzz_input.hpp"
#include "weir/protocol/commands.hpp"

using namespace weir::protocol;

namespace {

template <class Parse, class Write>
void round_trip(Bytes payload, Parse parse, Write write) {
  auto parsed = parse(payload);
  if (!parsed) return;
  Buffer out;
  write(*parsed, out);
  auto again = parse(Bytes(out));
  WEIR_FUZZ_CHECK(again.ok());
  WEIR_FUZZ_CHECK(*again == *parsed);
}

#define WEIR_ROUND_TRIP(parser) \
  round_trip(                   \
      payload, [](Bytes p) { return parser(p); }, [](const auto& v, Buffer& out) { serialize(v, out); })

void check_statement_id(Bytes payload, Command command) {
  const auto id = read_statement_id(payload);
  const auto offset = statement_id_offset(command);
  WEIR_FUZZ_CHECK(id.has_value() == (offset.has_value() && payload.size() >= *offset + 4));
  if (!id) return;
  Buffer copy(payload.begin(), payload.end());
  WEIR_FUZZ_CHECK(rewrite_statement_id(copy, *id ^ 0x5a5a5a5aU));
  WEIR_FUZZ_CHECK(read_statement_id(copy) == (*id ^ 0x5a5a5a5aU));
  for (std::size_t i = 0; i < copy.size(); ++i) {
    if (i < *offset || i >= *offset + 4) WEIR_FUZZ_CHECK(copy[i] == payload[i]);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  weir::fuzz::FuzzInput in(data, size);
  const CapabilityFlags caps = in.caps();
  const Bytes payload = in.rest();
  auto command = parse_command(payload);
  if (!command) return 0;
  (void)command_name(*command);
  (void)response_kind_name(response_kind(*command));
  check_statement_id(payload, *command);

  switch (*command) {
    case Command::query: {
      auto q = parse_com_query(payload, caps);
      auto offset = query_text_offset(payload, caps);
      WEIR_FUZZ_CHECK(q.ok() == offset.ok());
      if (!q) break;
      WEIR_FUZZ_CHECK(*offset + q->query.size() == payload.size());
      (void)parse_query_attributes(*q);
      round_trip(
          payload, [caps](Bytes p) { return parse_com_query(p, caps); },
          [caps](const ComQuery& v, Buffer& out) { serialize(v, caps, out); });
      break;
    }
    case Command::init_db: WEIR_ROUND_TRIP(parse_com_init_db); break;
    case Command::field_list: WEIR_ROUND_TRIP(parse_com_field_list); break;
    case Command::process_kill: WEIR_ROUND_TRIP(parse_com_process_kill); break;
    case Command::set_option: WEIR_ROUND_TRIP(parse_com_set_option); break;
    case Command::stmt_prepare: WEIR_ROUND_TRIP(parse_com_stmt_prepare); break;
    case Command::stmt_execute: {
      WEIR_ROUND_TRIP(parse_com_stmt_execute);
      auto e = parse_com_stmt_execute(payload);
      if (e) WEIR_FUZZ_CHECK(read_statement_id(payload) == e->statement_id);
      break;
    }
    case Command::stmt_fetch: WEIR_ROUND_TRIP(parse_com_stmt_fetch); break;
    case Command::stmt_close: WEIR_ROUND_TRIP(parse_com_stmt_close); break;
    case Command::stmt_reset: WEIR_ROUND_TRIP(parse_com_stmt_reset); break;
    case Command::stmt_send_long_data: WEIR_ROUND_TRIP(parse_com_stmt_send_long_data); break;
    case Command::stmt_bulk_execute: WEIR_ROUND_TRIP(parse_com_stmt_bulk_execute); break;
    default: break;
  }
  return 0;
}
