#include "session/client_columns.hpp"

#include "weir/protocol/commands.hpp"
#include "weir/protocol/framing.hpp"

namespace weir::session {

namespace proto = weir::protocol;
using proto::Command;

void ClientColumns::begin(ResponseRelay& relay, std::uint8_t command, proto::CapabilityFlags caps) {
  tracking_ = false;
  given_ = false;
  const bool execution = command == static_cast<std::uint8_t>(Command::stmt_execute) ||
                         command == static_cast<std::uint8_t>(Command::stmt_bulk_execute);
  const bool expected = entry_ != nullptr && execution;
  auto* entry = entry_;
  auto* seen = seen_;
  forget();
  if (!proto::has(caps, proto::cap::kMariadbCacheMetadata)) return;
  if (command == static_cast<std::uint8_t>(Command::stmt_prepare)) {
    relay.keep_columns(&kept_);
    return;
  }
  if (!expected) return;
  entry_ = entry;
  seen_ = seen;
  tracking_ = true;
  relay.keep_columns(&kept_);
  // What the client has is known and is what the server statement has: a header without
  // definitions goes through as it is. Otherwise the relay stops at one.
  if (*seen_ == 0 || *seen_ != entry_->columns.fingerprint()) relay.stop_where_columns_left_out();
}

std::optional<std::size_t> ClientColumns::give(proto::Bytes header, std::uint8_t shift, proto::Buffer& out) {
  if (!tracking_ || header.size() <= proto::kFrameHeaderSize) return std::nullopt;
  const auto& columns = entry_->columns;
  proto::Reader reader(header.subspan(proto::kFrameHeaderSize));
  const std::uint64_t count = reader.lenenc_int("column count");
  if (!reader.ok() || !columns.known() || columns.count() != count) return std::nullopt;
  const std::size_t at = out.size();
  out.insert(out.end(), header.begin(), header.end());
  out[at + 3] = static_cast<std::uint8_t>(out[at + 3] + shift);
  out.back() = 1;  // metadata_follows, the header's last byte
  columns.write_frames(static_cast<std::uint8_t>(out[at + 3] + 1), out);
  given_ = true;
  return columns.count();
}

void ClientColumns::end(const ResponseRelay& relay, backend::PreparedStatements& cache,
                        std::vector<std::uint32_t>& to_close) {
  if (!tracking_) return;
  tracking_ = false;
  if (relay.columns_kept()) {
    // The server sent definitions: they are what it last sent for the statement, and what the
    // client now has.
    if (kept_.fingerprint() != entry_->columns.fingerprint() || !kept_.known()) {
      cache.set_columns(*entry_, kept_, to_close);
    }
    *seen_ = entry_->columns.fingerprint();
  } else if (given_) {
    *seen_ = entry_->columns.fingerprint();
  }
  entry_ = nullptr;
  seen_ = nullptr;
}

}  // namespace weir::session
