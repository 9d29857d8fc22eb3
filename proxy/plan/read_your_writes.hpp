#pragma once
// Read-your-writes for one session: remembers what the session wrote on the primary and turns it
// into what a replica must have applied before it may serve the session's next read. Pure.
//
// With session state tracking of `last_gtid` (the client negotiated CLIENT_SESSION_TRACK and the
// primary tracks last_gtid), each write's GTID arrives in its OK packet. Without it, weir only
// knows when a write was acknowledged: reads go to the primary until the monitor has read the
// primary's position after that instant; that position then contains the write.
#include <chrono>
#include <optional>
#include <string_view>

#include "health/topology.hpp"
#include "plan/replica_choice.hpp"
#include "weir/config/config.hpp"

namespace weir::plan {

class ReadYourWrites {
 public:
  using Clock = std::chrono::steady_clock;
  using Consistency = config::RoutingConfig::Consistency;

  explicit ReadYourWrites(Consistency mode = Consistency::session) : mode_(mode) {}
  void set_mode(Consistency mode) { mode_ = mode; }

  // A statement finished on the primary. `may_write`: it was not a proven read. `last_gtid`: the
  // GTID its OK packet reported. `tracking`: GTIDs of writes are reported to this session.
  void on_primary_statement(bool may_write, std::optional<std::string_view> last_gtid, bool tracking,
                            Clock::time_point acknowledged_at);

  // What the next read needs, valid until the next call. Not const: a pending write becomes a
  // position once the topology shows the primary read after it.
  const ReadRequirement& requirement(const health::Topology& topology);

  const health::GtidPosition& position() const { return after_; }

 private:
  Consistency mode_;
  bool wrote_ = false;                              // strong: any write so far
  health::GtidPosition after_;                      // session: GTIDs the session wrote
  std::optional<Clock::time_point> pending_since_;  // session: a write without a known GTID
  // What requirement() returns, kept: copying the position into the previous copy reuses its
  // nodes, so that the reads of a session that wrote allocate nothing.
  ReadRequirement requirement_;
};

}  // namespace weir::plan
