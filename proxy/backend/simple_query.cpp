#include "backend/simple_query.hpp"

#include "weir/protocol/commands.hpp"
#include "weir/protocol/response.hpp"
#include "weir/protocol/resultset.hpp"

namespace weir::backend {

namespace proto = weir::protocol;

namespace {

constexpr std::size_t kMaxReply = 1 << 20;

std::optional<std::string> first_text_value(proto::Bytes row) {
  if (row.empty() || row[0] == 0xfb) return std::nullopt;  // NULL
  proto::Reader reader(row);
  const auto value = reader.lenenc_str("first column");
  if (!reader.ok()) return std::nullopt;
  return std::string(value);
}

}  // namespace

boost::asio::awaitable<SimpleResult> run_simple_command(BackendConnection& connection, proto::Bytes packet,
                                                        proto::CapabilityFlags caps) {
  SimpleResult result;
  auto& stream = connection.stream();
  boost::system::error_code error;
  co_await stream.write_packet(packet, 0, error);
  proto::ResponseTracker tracker;
  tracker.start_command(packet[0], caps);
  bool seen_row = false;
  std::uint32_t columns_due = 0;  // of a COM_STMT_PREPARE
  while (!error && !tracker.done()) {
    proto::Bytes reply;
    std::uint8_t seq = 0;
    co_await stream.read_packet(reply, seq, kMaxReply, error);
    if (error) break;
    const auto event = tracker.on_packet(static_cast<std::uint32_t>(reply.size()), reply);
    if (event == proto::ResponseEvent::err) {
      if (const auto err = proto::parse_err(reply, caps)) {
        result.error_code = err->code;
        result.sql_state = std::string(err->sql_state);
        result.error = std::string(err->message);
      }
    } else if (event == proto::ResponseEvent::prepare_ok) {
      result.statement_id = tracker.statement_id();
      columns_due = tracker.prepared_columns();
      if (columns_due == 0) result.columns.finish();
    } else if (event == proto::ResponseEvent::column_definition && columns_due > 0) {
      result.columns.append(reply);
      if (--columns_due == 0) result.columns.finish();
    } else if (event == proto::ResponseEvent::row) {
      auto value = first_text_value(reply);
      if (!seen_row) result.first_value = value;
      seen_row = true;
      if (value) result.first_column.push_back(std::move(*value));
    } else if (event == proto::ResponseEvent::protocol_error || tracker.awaiting_client() || tracker.failed()) {
      break;
    }
  }
  if (error || !tracker.done()) {
    connection.mark_broken();
    result.connection_lost = true;
    result.error = error ? "connection lost: " + error.message() : "unexpected reply";
    co_return result;
  }
  result.ok = result.error_code == 0;
  co_return result;
}

boost::asio::awaitable<SimpleResult> run_simple_query(BackendConnection& connection, std::string_view sql,
                                                      proto::CapabilityFlags caps) {
  proto::Buffer packet;
  packet.reserve(sql.size() + 1);
  packet.push_back(static_cast<std::uint8_t>(proto::Command::query));
  packet.insert(packet.end(), sql.begin(), sql.end());
  auto result = co_await run_simple_command(connection, packet, caps);
  co_return result;
}

}  // namespace weir::backend
