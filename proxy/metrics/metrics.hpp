#pragma once
// weir's Prometheus metrics: every metric is declared once in kDefinitions (definitions.hpp);
// `Metrics` holds their series and renders them in the Prometheus text format.
//
// Hot path: a session resolves a series once (a map lookup under the family's mutex) and keeps
// the returned reference; series are never freed while the Metrics object lives, so references
// stay valid. Counting is then one relaxed atomic add: no lock, no allocation.
//
//   metrics::Counter& accepted = metrics.client_connections_accepted();  // once
//   accepted.inc();                                                       // per event
//
// Queries go through BackendMetrics (one per backend per worker), which resolves the
// (route, command) counters lazily and caches them in a flat array; labelled counters whose
// values vary per event (routing decisions by reason, errors by kind) through a CounterCache.
#include <array>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "metrics/definitions.hpp"

namespace weir::metrics {

// Counters and histograms keep one cell per shard, each on its own cache line, and a thread adds
// to its own shard's: the workers count every statement, and an atomic add on a line the other
// core wrote last waits for the line to move over (tens of nanoseconds, several times per
// statement). Reading sums the shards. The first kShards - 1 workers each take a shard of their
// own (set_thread_shard, first thing on the thread) and, as its only writer, add to it with a
// plain load and store, no locked instruction; every other thread (further workers included)
// shares shard 0 and adds atomically.
inline constexpr std::size_t kShards = 8;
inline constexpr std::size_t kCacheLine = 64;
namespace detail {
inline thread_local std::size_t thread_shard = 0;
// Adds `n` to a cell of the calling thread's shard.
inline void add(std::atomic<std::uint64_t>& cell, std::uint64_t n) noexcept {
  if (thread_shard != 0) {
    cell.store(cell.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);  // the only writer
  } else {
    cell.fetch_add(n, std::memory_order_relaxed);
  }
}
}  // namespace detail
// The calling thread is worker `worker` (0-based): it counts into shard 1 + worker, its own, when
// there is one left (worker < kShards - 1), else into the shared shard 0.
void set_thread_shard(std::size_t worker) noexcept;
inline std::size_t thread_shard() noexcept { return detail::thread_shard; }

// A monotonically growing count.
class Counter {
 public:
  void inc(std::uint64_t n = 1) noexcept { detail::add(cells_[thread_shard()].value, n); }
  std::uint64_t value() const noexcept;

 private:
  struct alignas(kCacheLine) Cell {
    std::atomic<std::uint64_t> value{0};
  };
  std::array<Cell, kShards> cells_{};
};

// A value that goes up and down.
class Gauge {
 public:
  void set(double v) noexcept { value_.store(v, std::memory_order_relaxed); }
  void add(double delta) noexcept;  // compare-and-swap loop: for per-connection, not per-query, use
  void inc() noexcept { add(1.0); }
  void dec() noexcept { add(-1.0); }
  double value() const noexcept { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0.0};
};

// Durations in buckets. Each bucket is its own atomic (not cumulative; rendering sums them), so
// an observation is a short search over the bounds plus two adds (see detail::add), in the calling
// thread's shard (its sum and buckets, on cache lines of their own).
class Histogram {
 public:
  // `bounds`: ascending upper bounds in nanoseconds, shared by every series of a family.
  explicit Histogram(std::shared_ptr<const std::vector<std::int64_t>> bounds);

  void observe(std::chrono::nanoseconds duration) noexcept;

  struct Snapshot {
    std::vector<std::uint64_t> cumulative;  // one per bound, then +Inf (== count)
    std::uint64_t count = 0;
    double sum_seconds = 0;
  };
  Snapshot snapshot() const;
  const std::vector<std::int64_t>& bounds() const { return *bounds_; }

 private:
  // A shard: the sum in nanoseconds, then one count per bucket (bounds_->size() + 1, with +Inf).
  struct alignas(kCacheLine) Line {
    std::array<std::atomic<std::uint64_t>, kCacheLine / sizeof(std::uint64_t)> slots{};
  };
  std::atomic<std::uint64_t>& slot(std::size_t shard, std::size_t index) noexcept {
    return lines_[shard * lines_per_shard_ + index / kSlotsPerLine].slots[index % kSlotsPerLine];
  }
  const std::atomic<std::uint64_t>& slot(std::size_t shard, std::size_t index) const noexcept {
    return lines_[shard * lines_per_shard_ + index / kSlotsPerLine].slots[index % kSlotsPerLine];
  }
  static constexpr std::size_t kSlotsPerLine = kCacheLine / sizeof(std::uint64_t);

  std::shared_ptr<const std::vector<std::int64_t>> bounds_;
  std::size_t lines_per_shard_;
  std::vector<Line> lines_;  // kShards * lines_per_shard_
};

// Which way a statement went.
enum class Route : std::uint8_t { primary, replica };
std::string_view to_string(Route route);

enum class GtidWaitOutcome : std::uint8_t { applied, timeout, error };
std::string_view to_string(GtidWaitOutcome outcome);

// What became of a statement a replica refused as a write (a classifier miss the server caught).
enum class WriteRefusal : std::uint8_t { retried_on_primary, reached_client };
std::string_view to_string(WriteRefusal outcome);

// The `command` label of a MySQL command byte: "query", "stmt_execute", ...; "other" for unknown.
std::string_view command_label(std::uint8_t command);

// What the health monitor publishes per backend, for the backend gauges.
struct BackendSample {
  std::string name;
  std::string role;  // "primary" | "replica"
  bool up = false;
  bool read_only = false;
  std::optional<double> heartbeat_lag_seconds;  // nullopt: unknown, no sample
  std::optional<double> seconds_behind_master;  // nullopt: unknown, no sample
};

// The default buckets of weir_query_duration_seconds: 100us .. 10s.
std::vector<std::chrono::nanoseconds> default_duration_buckets();

class Metrics {
 public:
  // Empty `duration_buckets`: the default buckets. Buckets are sorted and deduplicated.
  explicit Metrics(std::vector<std::chrono::nanoseconds> duration_buckets = {});
  ~Metrics();
  Metrics(const Metrics&) = delete;
  Metrics& operator=(const Metrics&) = delete;

  // Handles: each call looks the series up (creating it at zero); keep the reference.
  Gauge& client_connections();
  Counter& client_connections_accepted();
  Counter& client_connections_rejected(std::string_view reason);                 // "max_connections", "shutdown", ...
  Gauge& backend_connections(std::string_view backend, std::string_view state);  // "active" | "idle"
  Counter& queries(std::string_view backend, Route route, std::string_view command);
  Histogram& query_duration(std::string_view backend);
  Counter& routing_decisions(std::string_view target, std::string_view reason);
  Counter& gtid_waits(GtidWaitOutcome outcome);
  Counter& replica_write_refusals(WriteRefusal outcome);
  Counter& errors(std::string_view kind);
  Counter& client_received_bytes();
  Counter& client_sent_bytes();
  Counter& config_reloads(bool success);
  Gauge& backend_up(std::string_view backend, std::string_view role);
  Gauge& backend_read_only(std::string_view backend);
  Gauge& replication_lag(std::string_view backend, std::string_view method);  // "heartbeat" | "seconds_behind_master"

  // build_info{version} 1 (a second call replaces the version).
  void set_build_info(std::string_view version);

  // Sets backend_up, backend_read_only and replication_lag_seconds from the monitor's view, and
  // hides the series of backends no longer listed (their counters come back if they return).
  void update_backends(const std::vector<BackendSample>& backends);

  // The exposition: Prometheus text format 0.0.4, families in table order, series sorted.
  std::string render() const;

  // The visible series of one metric, for readers other than the exposition (the status page's
  // history): label values in the order of the definition and the current value.
  struct SeriesValue {
    std::vector<std::string> labels;
    double value = 0;                              // counter or gauge
    std::optional<Histogram::Snapshot> histogram;  // histograms
  };
  std::vector<SeriesValue> series(Id id) const;
  // The upper bounds of weir_query_duration_seconds' buckets, in nanoseconds.
  const std::vector<std::int64_t>& duration_bounds() const { return *bounds_; }

  // Generic access by id; labels in the order of the definition. Wrong type or label count:
  // std::logic_error (a programming error, found by the first test that takes the path).
  Counter& counter(Id id, std::initializer_list<std::string_view> labels);
  Gauge& gauge(Id id, std::initializer_list<std::string_view> labels);
  Histogram& histogram(Id id, std::initializer_list<std::string_view> labels);

 private:
  class Family;
  Family& family(Id id, Type type, std::size_t label_count);

  std::shared_ptr<const std::vector<std::int64_t>> bounds_;
  std::vector<std::unique_ptr<Family>> families_;  // indexed by Id
  std::mutex build_info_mutex_;
  // Client-wide series, resolved once.
  Gauge* client_connections_ = nullptr;
  Counter* accepted_ = nullptr;
  Counter* received_ = nullptr;
  Counter* sent_ = nullptr;
};

// The query metrics of one backend, for one worker (or one session): not thread-safe, cheap to
// use. The first query of a (route, command) resolves its counter; later ones are an array index
// and an atomic add.
class BackendMetrics {
 public:
  BackendMetrics(Metrics& metrics, std::string backend);

  // A finished statement: queries_total{backend,route,command} += 1 and its duration.
  void query(Route route, std::uint8_t command, std::chrono::nanoseconds duration) {
    queries(route, command).inc();
    duration_->observe(duration);
  }
  Counter& queries(Route route, std::uint8_t command);
  Histogram& duration() { return *duration_; }
  const std::string& backend() const { return backend_; }

 private:
  Metrics* metrics_;
  std::string backend_;
  Histogram* duration_;
  std::array<std::array<Counter*, 256>, 2> queries_{};
};

// Counters of one family with a small, open set of label values (routing decisions by target and
// reason, errors by kind), resolved on first use and found again without the family's lock: a
// hash of the label values and a scan of a short array. One per worker (or session): not
// thread-safe. For label values known in advance, keep the Counter& itself instead.
class CounterCache {
 public:
  CounterCache(Metrics& metrics, Id id) : metrics_(&metrics), id_(id) {}
  Counter& get(std::initializer_list<std::string_view> labels);

 private:
  struct Entry {
    std::uint64_t hash;
    std::vector<std::string> labels;
    Counter* counter;
  };
  Metrics* metrics_;
  Id id_;
  std::vector<Entry> entries_;
};

}  // namespace weir::metrics
