#pragma once
// MariaDB GTID positions ("0-100-12,1-101-7"): one sequence number per replication domain.
// Pure: parsing and comparison for read-your-writes ("has this replica applied that write?").
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace weir::health {

struct Gtid {
  std::uint32_t domain = 0;
  std::uint32_t server_id = 0;
  std::uint64_t sequence = 0;
  friend bool operator==(const Gtid&, const Gtid&) = default;
};

// "0-100-12"; nullopt when malformed.
std::optional<Gtid> parse_gtid(std::string_view text);

class GtidPosition {
 public:
  // "0-100-12,1-101-7" (spaces and newlines around entries allowed, as the server prints them);
  // an empty text is the empty position. nullopt when malformed or a domain repeats.
  static std::optional<GtidPosition> parse(std::string_view text);

  void add(const Gtid& gtid);             // keeps the highest sequence number of the domain
  void merge(const GtidPosition& other);  // add() of every domain of `other`
  bool empty() const { return domains_.empty(); }

  // Whether a server at this position has applied `gtid` (sequence numbers grow within a domain).
  bool contains(const Gtid& gtid) const;
  // Whether this position has applied everything of `other` (every domain of `other` at least
  // as far here).
  bool covers(const GtidPosition& other) const;

  std::string to_string() const;  // domains in ascending order
  friend bool operator==(const GtidPosition&, const GtidPosition&) = default;

 private:
  std::map<std::uint32_t, Gtid> domains_;
};

}  // namespace weir::health
