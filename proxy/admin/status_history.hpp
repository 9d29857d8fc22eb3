#pragma once
// The last 15 minutes of weir, one sample per second, for the status page's charts: client
// connections, and per backend the statements per second with their mean and 95th-percentile
// latency, and routing decisions per second by target and reason. Samples are rates computed
// from two readings of the counters weir keeps anyway (the Prometheus registry): the history adds
// no work to the data path, only a reading per second. Bounded: at most `capacity` samples
// (900 = 15 minutes), each with one entry per backend and per routing reason seen.
//
//   StatusHistory history;                     // thread-safe
//   history.record(unix_ms, read_totals(metrics));   // once per second, from a timer
//   history.json();                            // {"interval_seconds": 1, "t": [...], ...}
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "metrics/metrics.hpp"
#include "metrics/ring_buffer.hpp"

namespace weir::admin {

// The counters' values at one moment (cumulative since start).
struct MetricTotals {
  double clients = 0;                                            // open client connections (a gauge)
  std::map<std::string, std::uint64_t> queries;                  // per backend, every route and command
  std::map<std::string, metrics::Histogram::Snapshot> duration;  // per backend
  std::map<std::string, std::uint64_t> routing;                  // per "target reason"
  std::vector<std::int64_t> bounds_ns;                           // the histogram's bucket bounds
};

MetricTotals read_totals(const metrics::Metrics& metrics);

// One second (or whatever passed between two readings) as rates.
struct StatusSample {
  std::int64_t unix_ms = 0;
  double clients = 0;
  struct Backend {
    std::string name;
    double queries_per_second = 0;
    double mean_ms = -1;  // -1: no statement finished in the interval
    double p95_ms = -1;
  };
  std::vector<Backend> backends;
  std::vector<std::pair<std::string, double>> routing;  // "target reason" -> decisions per second
};

// The rates between two readings `seconds` apart.
StatusSample sample_between(const MetricTotals& before, const MetricTotals& after, double seconds,
                            std::int64_t unix_ms);

// The q-quantile (0..1) of the observations counted in `cumulative` (one cumulative count per
// bound, then +Inf), in milliseconds, interpolated linearly inside its bucket as Prometheus'
// histogram_quantile does; -1 without observations; the last bound when it lies in +Inf.
double quantile_ms(const std::vector<std::uint64_t>& cumulative, const std::vector<std::int64_t>& bounds_ns, double q);

class StatusHistory {
 public:
  static constexpr std::size_t kDefaultCapacity = 900;  // 15 minutes, one sample per second

  explicit StatusHistory(std::size_t capacity = kDefaultCapacity) : samples_(capacity) {}

  // A new reading: the first one only sets the baseline; each later one adds a sample.
  void record(std::int64_t unix_ms, MetricTotals totals);

  // {"interval_seconds": 1, "t": [unix ms...], "clients": [...],
  //  "backends": {"<name>": {"qps": [...], "mean_ms": [...], "p95_ms": [...]}},
  //  "routing": {"<target> <reason>": [...]}}; one entry per sample, oldest first, null where a
  // series has no value (a backend not yet listed, a latency without statements).
  std::string json() const;

  std::size_t size() const;

 private:
  mutable std::mutex mutex_;
  metrics::RingBuffer<StatusSample> samples_;
  bool have_baseline_ = false;
  MetricTotals baseline_;
  std::int64_t baseline_ms_ = 0;
};

}  // namespace weir::admin
