#include "session/response_relay.hpp"

#include <algorithm>

#include "weir/protocol/framing.hpp"
#include "weir/protocol/response.hpp"

namespace weir::session {

namespace proto = weir::protocol;
using proto::ResponseEvent;
using proto::ResponseTracker;

void ResponseRelay::start(std::uint8_t command, proto::CapabilityFlags caps) {
  tracker_.start_command(command, caps);
  caps_ = caps;
  frame_left_ = 0;
  tracked_ = {};
  rewrite_statement_id_ = false;
  columns_ = nullptr;
  columns_expected_ = 0;
  keeping_columns_ = false;
  columns_kept_ = false;
  stop_where_left_out_ = false;
  sequence_shift_ = 0;
}

void ResponseRelay::note_columns(ResponseEvent event, std::uint32_t payload_length, proto::Bytes head) {
  std::uint64_t expected = 0;
  if (event == ResponseEvent::prepare_ok) {
    expected = tracker_.prepared_columns();
  } else if (event == ResponseEvent::result_set_header && tracker_.result_sets() == 1 && tracker_.metadata_follows()) {
    expected = tracker_.column_count();
  } else if (event == ResponseEvent::column_definition && keeping_columns_) {
    columns_->append(head, head.size() == payload_length);
    if (--columns_expected_ == 0) {
      columns_->finish();
      keeping_columns_ = false;
      columns_kept_ = true;
    }
    return;
  } else {
    return;
  }
  columns_->clear();
  columns_expected_ = expected;
  keeping_columns_ = expected > 0;
  if (!keeping_columns_) {
    columns_->finish();
    columns_kept_ = true;
  }
}

void ResponseRelay::note_ok(proto::Bytes packet) {
  // An EOF packet (5 bytes) carries warnings and status only; OK packets are at least 7 bytes.
  if (packet.size() < 7) {
    // The tracker has just read it: its warnings are the tracker's.
    if (tracker_.warnings() != 0) tracked_.warnings = true;
    return;
  }
  auto ok = proto::parse_ok(packet, caps_);
  if (!ok) return;
  if (ok->warnings != 0) tracked_.warnings = true;
  if (ok->affected_rows != 0) tracked_.affected_rows = true;
  if (ok->last_insert_id != 0) tracked_.last_insert_id = true;
  if (!proto::has(caps_, proto::cap::kSessionTrack) || ok->session_state.empty()) return;
  if (auto gtid = ok->system_variable("last_gtid"); gtid && !gtid->empty()) tracked_.last_gtid = std::string(*gtid);
  if (auto gtids = ok->gtids(); gtids && !gtids->empty()) tracked_.last_gtid = std::string(*gtids);
  if (auto schema = ok->schema()) tracked_.schema = std::string(*schema);
}

ResponseRelay::Step ResponseRelay::scan_frames(proto::Bytes data, std::uint8_t* writable) {
  // The sequence ids change only between scans (columns_given): the common case, no renumbering,
  // gets a loop without it.
  if (sequence_shift_ == 0) return scan_frames<false>(data, nullptr);
  // Only the writable form renumbers (the session's); a read-only scan cannot.
  if (writable == nullptr) return Step{0, Outcome::failed, 0, 0};
  return scan_frames<true>(data, writable);
}

template <bool kRenumber>
ResponseRelay::Step ResponseRelay::scan_frames(proto::Bytes data, std::uint8_t* writable) {
  std::size_t pos = 0;
  std::size_t id_at = 0;
  const auto step = [&id_at](std::size_t forward, Outcome outcome, std::size_t min_capacity) {
    return Step{forward, outcome, min_capacity, id_at};
  };
  while (true) {
    if (frame_left_ > 0) {
      const std::size_t take = static_cast<std::size_t>(std::min<std::uint64_t>(frame_left_, data.size() - pos));
      pos += take;
      frame_left_ -= take;
      if (frame_left_ > 0) return step(pos, Outcome::need_more, 1);
    }
    // Rows wholly received stream through in one tight loop; the frame after them is looked at
    // below. (Renumbered frames are rewritten one by one.)
    if constexpr (!kRenumber) pos += tracker_.skip_rows(data.subspan(pos));
    if (tracker_.done()) return step(pos, Outcome::done, 0);
    if (tracker_.failed()) return step(pos, Outcome::failed, 0);
    if (tracker_.awaiting_client()) return step(pos, Outcome::local_infile, 0);
    const std::size_t available = data.size() - pos;
    if (available < proto::kFrameHeaderSize) return step(pos, Outcome::need_more, proto::kFrameHeaderSize);
    const auto header = proto::decode_frame_header(data.data() + pos);
    const std::size_t head_needed =
        header.payload_length <= ResponseTracker::kFullHeadLimit ? header.payload_length : ResponseTracker::kMinHead;
    if (available - proto::kFrameHeaderSize < head_needed) {
      return step(pos, Outcome::need_more, proto::kFrameHeaderSize + head_needed);
    }
    const std::size_t head_size = std::min<std::size_t>(header.payload_length, available - proto::kFrameHeaderSize);
    const proto::Bytes head(data.data() + pos + proto::kFrameHeaderSize, head_size);
    const ResponseEvent event = tracker_.on_packet(header.payload_length, head);
    // A row (the hot path) only streams through; the other packets may say something.
    if (event != ResponseEvent::row) {
      if (event == ResponseEvent::protocol_error) return step(pos, Outcome::failed, 0);
      if (columns_ != nullptr &&
          (keeping_columns_ || event == ResponseEvent::result_set_header || event == ResponseEvent::prepare_ok)) {
        note_columns(event, header.payload_length, head);
      }
      if (event == ResponseEvent::result_set_header && stop_where_left_out_ && !tracker_.metadata_follows()) {
        return step(pos, Outcome::columns_left_out, 0);
      }
      if (event == ResponseEvent::prepare_ok && rewrite_statement_id_) {
        id_at = pos + proto::kFrameHeaderSize + 1;  // after the 0x00 status byte
      }
      if (event == ResponseEvent::err) {
        tracked_.error = true;
        if (head.size() >= 3) tracked_.error_code = static_cast<std::uint16_t>(head[1] | (head[2] << 8));
      }
      if ((event == ResponseEvent::ok || event == ResponseEvent::result_set_end) &&
          head_size == header.payload_length && !head.empty() &&
          (head[0] == proto::kOkHeader || head[0] == proto::kEofHeader)) {
        note_ok(head);
      }
    }
    if constexpr (kRenumber) writable[pos + 3] = static_cast<std::uint8_t>(header.sequence_id + sequence_shift_);
    pos += proto::kFrameHeaderSize;
    frame_left_ = header.payload_length;
  }
}

}  // namespace weir::session
