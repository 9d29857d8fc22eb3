#pragma once
// MariaDB's metadata cache between one client and the server statements weir runs its prepared
// statements on (see backend::ColumnDefinitions for why they differ).
//
// Each client statement remembers the fingerprint of the column definitions the client last got
// for it (PreparedStatementMap::Statement::columns_seen); each server statement keeps the
// definitions the server last sent for it. For one command:
//   expect(entry, seen)   the execution goes to server statement `entry` (make_execution);
//   begin(relay, ...)     when the command is sent: the relay keeps the definitions the server
//                         sends, and stops where it leaves out definitions the client lacks;
//   give(...)             at that stop: the header with metadata_follows = 1 and the definitions;
//   end(...)              once the response is complete: the server statement keeps what the
//                         server sent, the client statement notes what the client got.
// A COM_STMT_PREPARE's definitions are kept the same way (prepare_statement takes them).
// Pure: no I/O.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "backend/column_definitions.hpp"
#include "backend/prepared_statements.hpp"
#include "session/response_relay.hpp"
#include "weir/protocol/bytes.hpp"
#include "weir/protocol/capabilities.hpp"

namespace weir::session {

class ClientColumns {
 public:
  // The next COM_STMT_EXECUTE (or BULK_EXECUTE) goes to `entry` for the client statement whose
  // columns_seen is `seen`.
  void expect(backend::PreparedStatements::Entry& entry, std::uint64_t& seen) {
    entry_ = &entry;
    seen_ = &seen;
  }
  // The server statement expected may be gone (its connection was reset before the command).
  void forget() {
    entry_ = nullptr;
    seen_ = nullptr;
  }
  // The command `command` is sent on a connection that negotiated `caps`.
  void begin(ResponseRelay& relay, std::uint8_t command, protocol::CapabilityFlags caps);
  // At Outcome::columns_left_out: `header` is the result set header's frame (header included)
  // and `shift` the relay's sequence_shift(). Appends to `out` the header to send instead and the
  // definitions after it; returns how many definitions, or nullopt when the server statement's
  // are unknown or do not match the header's column count (the connection must then be dropped).
  std::optional<std::size_t> give(protocol::Bytes header, std::uint8_t shift, protocol::Buffer& out);
  // The response is complete (`relay` relayed it): updates the server statement `cache` holds and
  // the client statement. Appends to `to_close` statements evicted for room (COM_STMT_CLOSE them).
  void end(const ResponseRelay& relay, backend::PreparedStatements& cache, std::vector<std::uint32_t>& to_close);

  // The definitions the last response came with (while kept: relay.columns_kept()).
  backend::ColumnDefinitions& kept() { return kept_; }

 private:
  backend::PreparedStatements::Entry* entry_ = nullptr;
  std::uint64_t* seen_ = nullptr;
  bool tracking_ = false;  // this command's entry_ and seen_ are followed
  bool given_ = false;     // give() sent the client the entry's definitions
  backend::ColumnDefinitions kept_;
};

}  // namespace weir::session
