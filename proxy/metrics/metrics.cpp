#include "metrics/metrics.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>
#include <stdexcept>

namespace weir::metrics {

namespace {

void append_double(std::string& out, double v, std::chars_format format = std::chars_format::general) {
  if (std::isnan(v)) {
    out += "NaN";
  } else if (std::isinf(v)) {
    out += v > 0 ? "+Inf" : "-Inf";
  } else {
    char buffer[64];
    const auto result = std::to_chars(buffer, buffer + sizeof buffer, v, format);
    out.append(buffer, result.ptr);
  }
}

void append_escaped(std::string& out, std::string_view text, bool quotes) {
  for (const char c : text) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '"' && quotes) {
      out += "\\\"";
    } else {
      out += c;
    }
  }
}

// `{a="x",b="y"` without the closing brace, so a histogram can add `le`; empty when no labels.
void append_labels(std::string& out, const Definition& def, const std::vector<std::string>& values) {
  for (std::size_t i = 0; i < values.size(); ++i) {
    out += i == 0 ? '{' : ',';
    out += def.labels[i];
    out += "=\"";
    append_escaped(out, values[i], true);
    out += '"';
  }
}

std::string series_key(std::initializer_list<std::string_view> labels) {
  std::string key;
  for (const auto label : labels) {
    key += label;
    key += '\x1f';  // a separator no label value of weir contains
  }
  return key;
}

}  // namespace

std::string_view to_string(Type type) {
  switch (type) {
    case Type::counter: return "counter";
    case Type::gauge: return "gauge";
    case Type::histogram: return "histogram";
  }
  return "untyped";
}

std::string_view to_string(Route route) { return route == Route::primary ? "primary" : "replica"; }

std::string_view to_string(GtidWaitOutcome outcome) {
  switch (outcome) {
    case GtidWaitOutcome::applied: return "applied";
    case GtidWaitOutcome::timeout: return "timeout";
    case GtidWaitOutcome::error: return "error";
  }
  return "error";
}

std::string_view to_string(WriteRefusal outcome) {
  return outcome == WriteRefusal::retried_on_primary ? "retried_on_primary" : "reached_client";
}

std::string_view command_label(std::uint8_t command) {
  switch (command) {
    case 0x01: return "quit";
    case 0x02: return "init_db";
    case 0x03: return "query";
    case 0x04: return "field_list";
    case 0x08: return "shutdown";
    case 0x09: return "statistics";
    case 0x0a: return "process_info";
    case 0x0c: return "process_kill";
    case 0x0d: return "debug";
    case 0x0e: return "ping";
    case 0x11: return "change_user";
    case 0x12: return "binlog_dump";
    case 0x16: return "stmt_prepare";
    case 0x17: return "stmt_execute";
    case 0x18: return "stmt_send_long_data";
    case 0x19: return "stmt_close";
    case 0x1a: return "stmt_reset";
    case 0x1b: return "set_option";
    case 0x1c: return "stmt_fetch";
    case 0x1f: return "reset_connection";
    case 0xfa: return "stmt_bulk_execute";
    default: return "other";
  }
}

void Gauge::add(double delta) noexcept { value_.fetch_add(delta, std::memory_order_relaxed); }

void set_thread_shard(std::size_t worker) noexcept { detail::thread_shard = worker < kShards - 1 ? 1 + worker : 0; }

std::uint64_t Counter::value() const noexcept {
  std::uint64_t total = 0;
  for (const Cell& cell : cells_) total += cell.value.load(std::memory_order_relaxed);
  return total;
}

Histogram::Histogram(std::shared_ptr<const std::vector<std::int64_t>> bounds)
    : bounds_(std::move(bounds)),
      lines_per_shard_((bounds_->size() + 2 + kSlotsPerLine - 1) / kSlotsPerLine),
      lines_(kShards * lines_per_shard_) {}

void Histogram::observe(std::chrono::nanoseconds duration) noexcept {
  const std::int64_t ns = std::max<std::int64_t>(duration.count(), 0);
  const auto& bounds = *bounds_;
  // le semantics: a value equal to a bound belongs to that bound's bucket.
  const auto index = static_cast<std::size_t>(std::lower_bound(bounds.begin(), bounds.end(), ns) - bounds.begin());
  const std::size_t shard = thread_shard();
  detail::add(slot(shard, 1 + index), 1);
  detail::add(slot(shard, 0), static_cast<std::uint64_t>(ns));
}

Histogram::Snapshot Histogram::snapshot() const {
  Snapshot s;
  s.cumulative.reserve(bounds_->size() + 1);
  std::uint64_t running = 0;
  std::uint64_t sum_ns = 0;
  for (std::size_t i = 0; i <= bounds_->size(); ++i) {
    for (std::size_t shard = 0; shard < kShards; ++shard) running += slot(shard, 1 + i).load(std::memory_order_relaxed);
    s.cumulative.push_back(running);
  }
  for (std::size_t shard = 0; shard < kShards; ++shard) sum_ns += slot(shard, 0).load(std::memory_order_relaxed);
  // The count is the +Inf bucket, so the two always agree; the sum may be a moment ahead.
  s.count = running;
  s.sum_seconds = static_cast<double>(sum_ns) / 1e9;
  return s;
}

std::vector<std::chrono::nanoseconds> default_duration_buckets() {
  using std::chrono::microseconds;
  using std::chrono::milliseconds;
  return {microseconds(100),
          microseconds(250),
          microseconds(500),
          milliseconds(1),
          milliseconds(2) + microseconds(500),
          milliseconds(5),
          milliseconds(10),
          milliseconds(25),
          milliseconds(50),
          milliseconds(100),
          milliseconds(250),
          milliseconds(500),
          milliseconds(1000),
          milliseconds(2500),
          milliseconds(5000),
          milliseconds(10000)};
}

// The series of one metric, keyed by their label values. The mutex guards the map only; the
// values are atomics that hot paths touch without it.
class Metrics::Family {
 public:
  struct Series {
    std::vector<std::string> labels;
    std::atomic<bool> hidden{false};
    std::unique_ptr<Counter> counter;
    std::unique_ptr<Gauge> gauge;
    std::unique_ptr<Histogram> histogram;
  };

  Family(const Definition& def, std::shared_ptr<const std::vector<std::int64_t>> bounds)
      : def_(def), bounds_(std::move(bounds)) {}

  const Definition& definition() const { return def_; }

  Series& get(std::initializer_list<std::string_view> labels) {
    std::string key = series_key(labels);
    const std::lock_guard lock(mutex_);
    auto it = series_.find(key);
    if (it == series_.end()) {
      auto series = std::make_unique<Series>();
      series->labels.assign(labels.begin(), labels.end());
      switch (def_.type) {
        case Type::counter: series->counter = std::make_unique<Counter>(); break;
        case Type::gauge: series->gauge = std::make_unique<Gauge>(); break;
        case Type::histogram: series->histogram = std::make_unique<Histogram>(bounds_); break;
      }
      it = series_.emplace(std::move(key), std::move(series)).first;
    }
    it->second->hidden.store(false, std::memory_order_relaxed);
    return *it->second;
  }

  void collect(std::vector<Metrics::SeriesValue>& out) const {
    const std::lock_guard lock(mutex_);
    for (const auto& [key, series] : series_) {
      if (series->hidden.load(std::memory_order_relaxed)) continue;
      Metrics::SeriesValue v;
      v.labels = series->labels;
      if (series->counter) v.value = static_cast<double>(series->counter->value());
      if (series->gauge) v.value = series->gauge->value();
      if (series->histogram) v.histogram = series->histogram->snapshot();
      out.push_back(std::move(v));
    }
  }

  template <class Predicate>
  void hide_if(Predicate predicate) {
    const std::lock_guard lock(mutex_);
    for (auto& [key, series] : series_) {
      if (predicate(series->labels)) series->hidden.store(true, std::memory_order_relaxed);
    }
  }

  void render(std::string& out) const {
    out += "# HELP ";
    out += def_.name;
    out += ' ';
    append_escaped(out, def_.help, false);
    out += "\n# TYPE ";
    out += def_.name;
    out += ' ';
    out += to_string(def_.type);
    out += '\n';
    const std::lock_guard lock(mutex_);
    for (const auto& [key, series] : series_) {
      if (series->hidden.load(std::memory_order_relaxed)) continue;
      if (series->histogram) {
        render_histogram(out, *series);
      } else {
        out += def_.name;
        append_labels(out, def_, series->labels);
        if (!series->labels.empty()) out += '}';
        out += ' ';
        if (series->counter) {
          out += std::to_string(series->counter->value());
        } else {
          append_double(out, series->gauge->value());
        }
        out += '\n';
      }
    }
  }

 private:
  void render_histogram(std::string& out, const Series& series) const {
    const auto snapshot = series.histogram->snapshot();
    const auto& bounds = *bounds_;
    for (std::size_t i = 0; i <= bounds.size(); ++i) {
      out += def_.name;
      out += "_bucket";
      append_labels(out, def_, series.labels);
      out += series.labels.empty() ? "{le=\"" : ",le=\"";
      if (i < bounds.size()) {
        // Fixed notation ("0.0001", not "1e-04"): the le values people type in queries.
        append_double(out, static_cast<double>(bounds[i]) / 1e9, std::chars_format::fixed);
      } else {
        out += "+Inf";
      }
      out += "\"} ";
      out += std::to_string(snapshot.cumulative[i]);
      out += '\n';
    }
    for (const char* suffix : {"_sum", "_count"}) {
      out += def_.name;
      out += suffix;
      append_labels(out, def_, series.labels);
      if (!series.labels.empty()) out += '}';
      out += ' ';
      if (suffix[1] == 's') {
        append_double(out, snapshot.sum_seconds);
      } else {
        out += std::to_string(snapshot.count);
      }
      out += '\n';
    }
  }

  const Definition& def_;
  std::shared_ptr<const std::vector<std::int64_t>> bounds_;
  mutable std::mutex mutex_;
  std::map<std::string, std::unique_ptr<Series>> series_;  // sorted: a stable exposition
};

Metrics::Metrics(std::vector<std::chrono::nanoseconds> duration_buckets) {
  if (duration_buckets.empty()) duration_buckets = default_duration_buckets();
  std::vector<std::int64_t> bounds;
  for (const auto b : duration_buckets) {
    if (b.count() > 0) bounds.push_back(b.count());
  }
  std::sort(bounds.begin(), bounds.end());
  bounds.erase(std::unique(bounds.begin(), bounds.end()), bounds.end());
  bounds_ = std::make_shared<const std::vector<std::int64_t>>(std::move(bounds));
  for (const auto& def : kDefinitions) families_.push_back(std::make_unique<Family>(def, bounds_));
  client_connections_ = &gauge(Id::client_connections, {});
  accepted_ = &counter(Id::client_connections_accepted, {});
  received_ = &counter(Id::client_received_bytes, {});
  sent_ = &counter(Id::client_sent_bytes, {});
  for (const auto outcome : {GtidWaitOutcome::applied, GtidWaitOutcome::timeout, GtidWaitOutcome::error}) {
    gtid_waits(outcome);
  }
  replica_write_refusals(WriteRefusal::retried_on_primary);
  replica_write_refusals(WriteRefusal::reached_client);
  config_reloads(true);
  config_reloads(false);
}

Metrics::~Metrics() = default;

Metrics::Family& Metrics::family(Id id, Type type, std::size_t label_count) {
  Family& f = *families_[static_cast<std::size_t>(id)];
  const Definition& def = f.definition();
  if (def.type != type || def.label_count() != label_count) {
    throw std::logic_error("metric " + std::string(def.name) + " is a " + std::string(to_string(def.type)) + " with " +
                           std::to_string(def.label_count()) + " labels; asked for a " + std::string(to_string(type)) +
                           " with " + std::to_string(label_count));
  }
  return f;
}

Counter& Metrics::counter(Id id, std::initializer_list<std::string_view> labels) {
  return *family(id, Type::counter, labels.size()).get(labels).counter;
}
Gauge& Metrics::gauge(Id id, std::initializer_list<std::string_view> labels) {
  return *family(id, Type::gauge, labels.size()).get(labels).gauge;
}
Histogram& Metrics::histogram(Id id, std::initializer_list<std::string_view> labels) {
  return *family(id, Type::histogram, labels.size()).get(labels).histogram;
}

std::vector<Metrics::SeriesValue> Metrics::series(Id id) const {
  std::vector<SeriesValue> out;
  families_[static_cast<std::size_t>(id)]->collect(out);
  return out;
}

Gauge& Metrics::client_connections() { return *client_connections_; }
Counter& Metrics::client_connections_accepted() { return *accepted_; }
Counter& Metrics::client_connections_rejected(std::string_view reason) {
  return counter(Id::client_connections_rejected, {reason});
}
Gauge& Metrics::backend_connections(std::string_view backend, std::string_view state) {
  return gauge(Id::backend_connections, {backend, state});
}
Counter& Metrics::queries(std::string_view backend, Route route, std::string_view command) {
  return counter(Id::queries, {backend, to_string(route), command});
}
Histogram& Metrics::query_duration(std::string_view backend) { return histogram(Id::query_duration, {backend}); }
Counter& Metrics::routing_decisions(std::string_view target, std::string_view reason) {
  return counter(Id::routing_decisions, {target, reason});
}
Counter& Metrics::gtid_waits(GtidWaitOutcome outcome) { return counter(Id::gtid_waits, {to_string(outcome)}); }
Counter& Metrics::replica_write_refusals(WriteRefusal outcome) {
  return counter(Id::replica_write_refusals, {to_string(outcome)});
}
Counter& Metrics::errors(std::string_view kind) { return counter(Id::errors, {kind}); }
Counter& Metrics::client_received_bytes() { return *received_; }
Counter& Metrics::client_sent_bytes() { return *sent_; }
Counter& Metrics::config_reloads(bool success) {
  return counter(Id::config_reloads, {success ? "success" : "failure"});
}
Gauge& Metrics::backend_up(std::string_view backend, std::string_view role) {
  return gauge(Id::backend_up, {backend, role});
}
Gauge& Metrics::backend_read_only(std::string_view backend) { return gauge(Id::backend_read_only, {backend}); }
Gauge& Metrics::replication_lag(std::string_view backend, std::string_view method) {
  return gauge(Id::replication_lag, {backend, method});
}

void Metrics::set_build_info(std::string_view version) {
  const std::lock_guard lock(build_info_mutex_);
  auto& f = family(Id::build_info, Type::gauge, 1);
  f.hide_if([](const std::vector<std::string>&) { return true; });
  f.get({version}).gauge->set(1);
}

void Metrics::update_backends(const std::vector<BackendSample>& backends) {
  auto listed = [&](const std::vector<std::string>& labels) {
    return std::any_of(backends.begin(), backends.end(),
                       [&](const BackendSample& b) { return !labels.empty() && labels[0] == b.name; });
  };
  auto& up = family(Id::backend_up, Type::gauge, 2);
  auto& read_only = family(Id::backend_read_only, Type::gauge, 1);
  auto& lag = family(Id::replication_lag, Type::gauge, 2);
  for (const auto& b : backends) {
    // A backend whose role changed keeps only the series of its current role.
    up.hide_if([&](const std::vector<std::string>& l) { return l[0] == b.name && l[1] != b.role; });
    up.get({b.name, b.role}).gauge->set(b.up ? 1 : 0);
    read_only.get({b.name}).gauge->set(b.read_only ? 1 : 0);
    const std::pair<std::string_view, const std::optional<double>*> methods[] = {
        {"heartbeat", &b.heartbeat_lag_seconds}, {"seconds_behind_master", &b.seconds_behind_master}};
    for (const auto& [method, value] : methods) {
      const std::optional<double>& seconds = *value;
      if (seconds.has_value()) {
        lag.get({b.name, method}).gauge->set(*seconds);
      } else {
        // `method = method`: clang before 16 cannot capture a structured binding itself.
        lag.hide_if(
            [&, method = method](const std::vector<std::string>& l) { return l[0] == b.name && l[1] == method; });
      }
    }
  }
  for (Family* f : {&up, &read_only, &lag}) {
    f->hide_if([&](const std::vector<std::string>& labels) { return !listed(labels); });
  }
}

std::string Metrics::render() const {
  std::string out;
  out.reserve(8192);
  for (const auto& f : families_) f->render(out);
  return out;
}

BackendMetrics::BackendMetrics(Metrics& metrics, std::string backend)
    : metrics_(&metrics), backend_(std::move(backend)), duration_(&metrics.query_duration(backend_)) {}

Counter& BackendMetrics::queries(Route route, std::uint8_t command) {
  Counter*& slot = queries_[static_cast<std::size_t>(route)][command];
  if (slot == nullptr) {
    slot = &metrics_->queries(backend_, route, command_label(command));
  }
  return *slot;
}

Counter& CounterCache::get(std::initializer_list<std::string_view> labels) {
  std::uint64_t hash = 1469598103934665603ULL;  // FNV-1a over the values and their separators
  for (const auto label : labels) {
    for (const char c : label) hash = (hash ^ static_cast<unsigned char>(c)) * 1099511628211ULL;
    hash = (hash ^ 0x1fU) * 1099511628211ULL;
  }
  for (const auto& entry : entries_) {
    if (entry.hash == hash && std::equal(entry.labels.begin(), entry.labels.end(), labels.begin(), labels.end())) {
      return *entry.counter;
    }
  }
  Counter& counter = metrics_->counter(id_, labels);
  entries_.push_back(Entry{hash, std::vector<std::string>(labels.begin(), labels.end()), &counter});
  return counter;
}

}  // namespace weir::metrics
