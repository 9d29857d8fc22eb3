#pragma once
// Replication lag from weir's heartbeat row. Pure: the writer records every timestamp it wrote on
// the primary (microseconds, system clock, the value stored in the row); a check that reads
// timestamp T on a replica asks for the lag at `now`.
//
// The replica has applied every write up to T and none after it, so it has been behind since
// the first write after T was made: lag = now - (first recorded timestamp after T). A replica
// that shows the newest write is not behind (0). Only the last `capacity` writes are kept; a T
// older than all of them gives now - T (the newest thing known applied), which overstates the
// lag by at most one heartbeat interval.
#include <chrono>
#include <cstddef>
#include <deque>
#include <optional>

namespace weir::health {

using WallMicros = std::chrono::sys_time<std::chrono::microseconds>;

class HeartbeatLag {
 public:
  explicit HeartbeatLag(std::size_t capacity = 4096);

  // A heartbeat write committed on the primary with this timestamp. Timestamps should grow; one
  // that does not (the system clock stepped back) starts the record over.
  void record(WallMicros written);

  // The lag of a replica whose heartbeat row shows `applied`, at `now`; never negative.
  // nullopt while nothing has been recorded (weir has not written yet: nothing to compare with).
  std::optional<std::chrono::microseconds> lag(WallMicros applied, WallMicros now) const;

  // The lag of a replica that has no heartbeat row yet: it has applied none of the recorded
  // writes, so it is behind since the first one. nullopt when the first one is no longer kept.
  std::optional<std::chrono::microseconds> lag_without_row(WallMicros now) const;

  std::optional<WallMicros> newest() const;
  std::size_t size() const { return written_.size(); }
  std::size_t capacity() const { return capacity_; }

 private:
  std::size_t capacity_;
  std::deque<WallMicros> written_;  // ascending
  bool dropped_ = false;            // writes were dropped (capacity, clock step): the first is gone
};

}  // namespace weir::health
