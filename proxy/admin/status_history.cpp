#include "admin/status_history.hpp"

#include <charconv>
#include <cmath>
#include <set>

#include "json/json_string.hpp"

namespace weir::admin {

namespace {

std::uint64_t delta(std::uint64_t before, std::uint64_t after) { return after >= before ? after - before : after; }

template <class Map>
typename Map::mapped_type value_or_zero(const Map& map, const std::string& key) {
  const auto it = map.find(key);
  return it == map.end() ? typename Map::mapped_type{} : it->second;
}

void append_number(std::string& out, double v) {
  if (!std::isfinite(v) || v < 0) {
    out += "null";
    return;
  }
  char buffer[64];
  // Three decimals are plenty for a chart and keep 900 samples small.
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, std::round(v * 1000) / 1000);
  out.append(buffer, result.ptr);
}

template <class Value>
void append_series(std::string& out, const metrics::RingBuffer<StatusSample>& samples, Value value) {
  out += '[';
  for (std::size_t i = 0; i < samples.size(); ++i) {
    if (i > 0) out += ',';
    append_number(out, value(samples[i]));
  }
  out += ']';
}

}  // namespace

MetricTotals read_totals(const metrics::Metrics& metrics) {
  MetricTotals t;
  for (const auto& s : metrics.series(metrics::Id::client_connections)) t.clients += s.value;
  for (const auto& s : metrics.series(metrics::Id::queries)) {
    t.queries[s.labels.at(0)] += static_cast<std::uint64_t>(s.value);
  }
  for (auto& s : metrics.series(metrics::Id::query_duration)) {
    if (s.histogram) t.duration[s.labels.at(0)] = std::move(*s.histogram);
  }
  for (const auto& s : metrics.series(metrics::Id::routing_decisions)) {
    t.routing[s.labels.at(0) + " " + s.labels.at(1)] += static_cast<std::uint64_t>(s.value);
  }
  t.bounds_ns = metrics.duration_bounds();
  return t;
}

double quantile_ms(const std::vector<std::uint64_t>& cumulative, const std::vector<std::int64_t>& bounds_ns, double q) {
  if (cumulative.empty() || cumulative.back() == 0) return -1;
  const double rank = q * static_cast<double>(cumulative.back());
  for (std::size_t i = 0; i < cumulative.size(); ++i) {
    if (static_cast<double>(cumulative[i]) < rank) continue;
    if (i >= bounds_ns.size()) return bounds_ns.empty() ? -1 : static_cast<double>(bounds_ns.back()) / 1e6;
    const double lower = i == 0 ? 0 : static_cast<double>(bounds_ns[i - 1]);
    const double upper = static_cast<double>(bounds_ns[i]);
    const double below = i == 0 ? 0 : static_cast<double>(cumulative[i - 1]);
    const double in_bucket = static_cast<double>(cumulative[i]) - below;
    const double fraction = in_bucket > 0 ? (rank - below) / in_bucket : 1;
    return (lower + (upper - lower) * fraction) / 1e6;
  }
  return -1;
}

StatusSample sample_between(const MetricTotals& before, const MetricTotals& after, double seconds,
                            std::int64_t unix_ms) {
  if (!(seconds > 0)) seconds = 1;
  StatusSample s;
  s.unix_ms = unix_ms;
  s.clients = after.clients;
  for (const auto& [name, count] : after.queries) {
    StatusSample::Backend b;
    b.name = name;
    b.queries_per_second = static_cast<double>(delta(value_or_zero(before.queries, name), count)) / seconds;
    const auto now = after.duration.find(name);
    if (now != after.duration.end()) {
      const auto was = value_or_zero(before.duration, name);
      std::vector<std::uint64_t> cumulative(now->second.cumulative.size());
      for (std::size_t i = 0; i < cumulative.size(); ++i) {
        cumulative[i] = delta(i < was.cumulative.size() ? was.cumulative[i] : 0, now->second.cumulative[i]);
      }
      const auto finished = cumulative.empty() ? 0 : cumulative.back();
      if (finished > 0) {
        b.mean_ms = (now->second.sum_seconds - was.sum_seconds) * 1e3 / static_cast<double>(finished);
        b.p95_ms = quantile_ms(cumulative, after.bounds_ns, 0.95);
      }
    }
    s.backends.push_back(std::move(b));
  }
  for (const auto& [key, count] : after.routing) {
    s.routing.emplace_back(key, static_cast<double>(delta(value_or_zero(before.routing, key), count)) / seconds);
  }
  return s;
}

void StatusHistory::record(std::int64_t unix_ms, MetricTotals totals) {
  const std::lock_guard lock(mutex_);
  if (have_baseline_) {
    samples_.push(sample_between(baseline_, totals, static_cast<double>(unix_ms - baseline_ms_) / 1e3, unix_ms));
  }
  baseline_ = std::move(totals);
  baseline_ms_ = unix_ms;
  have_baseline_ = true;
}

std::size_t StatusHistory::size() const {
  const std::lock_guard lock(mutex_);
  return samples_.size();
}

std::string StatusHistory::json() const {
  const std::lock_guard lock(mutex_);
  std::set<std::string> backends;
  std::set<std::string> routes;
  for (std::size_t i = 0; i < samples_.size(); ++i) {
    for (const auto& b : samples_[i].backends) backends.insert(b.name);
    for (const auto& r : samples_[i].routing) routes.insert(r.first);
  }
  std::string out = "{\"interval_seconds\": 1, \"t\": [";
  for (std::size_t i = 0; i < samples_.size(); ++i) {
    if (i > 0) out += ',';
    out += std::to_string(samples_[i].unix_ms);
  }
  out += "], \"clients\": ";
  append_series(out, samples_, [](const StatusSample& s) { return s.clients; });
  out += ", \"backends\": {";
  bool first = true;
  for (const auto& name : backends) {
    out += first ? "" : ", ";
    first = false;
    const auto field = [&name](double StatusSample::Backend::*member) {
      return [&name, member](const StatusSample& s) {
        for (const auto& b : s.backends) {
          if (b.name == name) return b.*member;
        }
        return -1.0;
      };
    };
    out += json::string_literal(name) + ": {\"qps\": ";
    append_series(out, samples_, field(&StatusSample::Backend::queries_per_second));
    out += ", \"mean_ms\": ";
    append_series(out, samples_, field(&StatusSample::Backend::mean_ms));
    out += ", \"p95_ms\": ";
    append_series(out, samples_, field(&StatusSample::Backend::p95_ms));
    out += '}';
  }
  out += "}, \"routing\": {";
  first = true;
  for (const auto& key : routes) {
    out += first ? "" : ", ";
    first = false;
    out += json::string_literal(key) + ": ";
    append_series(out, samples_, [&key](const StatusSample& s) {
      for (const auto& r : s.routing) {
        if (r.first == key) return r.second;
      }
      return 0.0;
    });
  }
  out += "}}";
  return out;
}

}  // namespace weir::admin
