#include "plan/read_your_writes.hpp"

namespace weir::plan {

void ReadYourWrites::on_primary_statement(bool may_write, std::optional<std::string_view> last_gtid, bool tracking,
                                          Clock::time_point acknowledged_at) {
  if (last_gtid) {
    if (const auto gtid = health::parse_gtid(*last_gtid)) {
      after_.add(*gtid);
      wrote_ = true;
      return;
    }
  }
  if (!may_write) return;
  wrote_ = true;
  // With tracking, a statement that reported no GTID wrote nothing to the binary log.
  if (tracking) return;
  if (!pending_since_ || *pending_since_ < acknowledged_at) pending_since_ = acknowledged_at;
}

const ReadRequirement& ReadYourWrites::requirement(const health::Topology& topology) {
  ReadRequirement& requirement = requirement_;
  requirement.primary_only = false;
  if (mode_ == Consistency::eventual || mode_ == Consistency::strong) {
    requirement.primary_only = mode_ == Consistency::strong && wrote_;
    requirement.after.reset();
    return requirement;
  }
  if (pending_since_) {
    const auto* primary = topology.primary();
    if (primary == nullptr || !primary->reachable || primary->checked_at <= *pending_since_) {
      requirement.primary_only = true;
      requirement.after.reset();
      return requirement;
    }
    after_.merge(primary->gtid);
    pending_since_.reset();
  }
  if (after_.empty()) {
    requirement.after.reset();
  } else {
    requirement.after = after_;
  }
  return requirement;
}

}  // namespace weir::plan
