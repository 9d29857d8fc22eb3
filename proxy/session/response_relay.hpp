#pragma once
// Decides which of the bytes received from a backend can go to the client now, frame by frame,
// without copying or buffering whole packets: a row of any size streams through as it arrives,
// and only a packet the tracker must read (OK, EOF, column count; at most 64 KiB) is waited for
// whole. Pure: no I/O, tested on byte streams split at every offset.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "backend/column_definitions.hpp"
#include "weir/protocol/bytes.hpp"
#include "weir/protocol/resultset.hpp"

namespace weir::session {

// What the session learns from the OK packets of a response (session state tracking).
struct TrackedState {
  std::optional<std::string> last_gtid;  // MariaDB `last_gtid` / MySQL GTIDs of the last write
  std::optional<std::string> schema;     // the current database after USE / COM_INIT_DB
  bool error = false;                    // an ERR packet ended the response (or one of its results)
  std::uint16_t error_code = 0;          // that ERR packet's code
  // What the statement left for the next one to ask about (SHOW WARNINGS, ROW_COUNT(),
  // LAST_INSERT_ID()), from its OK and EOF packets: a multiplexed session keeps its connection
  // while it is there (see Session::share_links).
  bool warnings = false;        // an OK or EOF packet counted warnings
  bool affected_rows = false;   // an OK packet reported affected rows
  bool last_insert_id = false;  // an OK packet reported an AUTO_INCREMENT value
};

class ResponseRelay {
 public:
  enum class Outcome : std::uint8_t {
    need_more,     // read more from the backend (the buffer must hold min_capacity bytes)
    done,          // the response is complete: the backend is idle
    local_infile,  // the server waits for the client's LOCAL INFILE data
    failed,        // the backend sent what the protocol does not allow: drop the connection
    // With stop_where_columns_left_out: the frame after `forward` is a result set header whose
    // column definitions the server left out (MariaDB's metadata cache). The session sends the
    // client that header with metadata_follows = 1 and the definitions in their place, skips the
    // frame, and calls columns_given().
    columns_left_out,
  };
  struct Step {
    std::size_t forward = 0;  // leading bytes of the scanned data to send to the client
    Outcome outcome = Outcome::need_more;
    std::size_t min_capacity = 0;  // with need_more: bytes, counted from `forward`, to buffer
    // With rewrite_statement_id: where in the scanned data the COM_STMT_PREPARE_OK's statement id
    // is (4 bytes, within `forward`), to overwrite before forwarding; 0 when not in this step.
    std::size_t statement_id_at = 0;
  };

  void start(std::uint8_t command, protocol::CapabilityFlags caps);
  // The client knows the statement this COM_STMT_PREPARE prepares by weir's id, not the server's:
  // the step that forwards the PREPARE_OK says where the server's id is (see Step).
  void rewrite_statement_id() { rewrite_statement_id_ = true; }
  // MariaDB's metadata cache (see backend::ColumnDefinitions): the column definitions the server
  // sends with this response (COM_STMT_PREPARE_OK's, or the first result set's) go to `into`;
  // columns_kept() says whether they came, complete or not (into->known()).
  void keep_columns(backend::ColumnDefinitions* into) { columns_ = into; }
  void stop_where_columns_left_out() { stop_where_left_out_ = true; }
  // After columns_left_out: `count` definitions were sent in front of the rest of the response,
  // whose sequence ids are shifted by as much from now on (sequence_shift()).
  // (Sequence ids count modulo 256.)
  void columns_given(std::size_t count) { sequence_shift_ = static_cast<std::uint8_t>(sequence_shift_ + count); }
  std::uint8_t sequence_shift() const { return sequence_shift_; }
  bool columns_kept() const { return columns_kept_; }

  // Scans `data` (received, not yet forwarded). Call again with the unforwarded rest plus new bytes.
  // After columns_given() the frame headers scanned are renumbered in place: the writable form.
  Step scan(std::span<std::uint8_t> data) { return scan_frames(data, data.data()); }
  Step scan(protocol::Bytes data) { return scan_frames(data, nullptr); }
  // After local_infile: the client's closing empty packet has been relayed.
  bool client_infile_done() { return tracker_.on_client_infile_done(); }

  const protocol::ResponseTracker& tracker() const { return tracker_; }
  // Session state reported by this response's OK packets (cleared by start()).
  const TrackedState& tracked() const { return tracked_; }

 private:
  Step scan_frames(protocol::Bytes data, std::uint8_t* writable);
  template <bool kRenumber>
  Step scan_frames(protocol::Bytes data, std::uint8_t* writable);
  void note_ok(protocol::Bytes packet);
  void note_columns(protocol::ResponseEvent event, std::uint32_t payload_length, protocol::Bytes head);

  protocol::ResponseTracker tracker_;
  protocol::CapabilityFlags caps_ = 0;
  std::uint64_t frame_left_ = 0;  // body bytes of the current frame not yet scanned
  TrackedState tracked_;
  bool rewrite_statement_id_ = false;
  backend::ColumnDefinitions* columns_ = nullptr;
  std::uint64_t columns_expected_ = 0;  // definitions still to come into columns_
  bool keeping_columns_ = false;
  bool columns_kept_ = false;
  bool stop_where_left_out_ = false;
  std::uint8_t sequence_shift_ = 0;
};

}  // namespace weir::session
