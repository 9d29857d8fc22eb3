#include "admin/topology_view.hpp"

#include <charconv>
#include <cmath>

#include "json/json_string.hpp"

namespace weir::admin {

namespace {

void append_number(std::string& out, double v) {
  if (!std::isfinite(v)) {
    out += "null";
    return;
  }
  char buffer[64];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, v);
  out.append(buffer, result.ptr);
}

const char* boolean(bool b) { return b ? "true" : "false"; }

}  // namespace

std::string backends_json(const health::Topology& topology) {
  std::string out = "[";
  bool first = true;
  for (const auto& b : topology.backends) {
    out += first ? "\n  {" : ",\n  {";
    first = false;
    out += "\"name\": " + json::string_literal(b.name);
    out += ", \"host\": " + json::string_literal(b.host);
    out += ", \"port\": " + std::to_string(b.port);
    out += ", \"role\": " + json::string_literal(config::to_string(b.role));
    out += std::string(", \"reachable\": ") + boolean(b.reachable);
    out += std::string(", \"usable_for_reads\": ") + boolean(b.usable_for_reads);
    out += ", \"reason\": " + json::string_literal(b.reason);
    out += ", \"lag_seconds\": ";
    if (b.lag) {
      append_number(out, static_cast<double>(b.lag->count()) / 1e6);
    } else {
      out += "null";
    }
    out += ", \"gtid\": " + json::string_literal(b.gtid.to_string());
    out += ", \"outstanding\": " + std::to_string(b.load ? b.load->outstanding.load(std::memory_order_relaxed) : 0);
    out += ", \"transitions\": " + std::to_string(b.transitions);
    out += std::string(", \"read_only\": ") + boolean(b.read_only);
    out += '}';
  }
  out += first ? "]" : "\n]";
  return out;
}

std::vector<metrics::BackendSample> backend_samples(const health::Topology& topology, std::string_view lag_method) {
  std::vector<metrics::BackendSample> samples;
  samples.reserve(topology.backends.size());
  for (const auto& b : topology.backends) {
    metrics::BackendSample s;
    s.name = b.name;
    s.role = std::string(config::to_string(b.role));
    s.up = b.reachable;
    s.read_only = b.read_only;
    // The primary's lag is zero by definition: no series for it.
    if (b.lag && b.role == config::Role::replica) {
      const double seconds = static_cast<double>(b.lag->count()) / 1e6;
      if (lag_method == "seconds_behind_master") {
        s.seconds_behind_master = seconds;
      } else {
        s.heartbeat_lag_seconds = seconds;
      }
    }
    samples.push_back(std::move(s));
  }
  return samples;
}

Readiness primary_readiness(const health::Topology* topology) {
  if (topology == nullptr) return {false, "no health check has completed yet"};
  const auto* primary = topology->primary();
  if (primary == nullptr) return {false, "no primary in the topology"};
  if (!primary->reachable) {
    std::string reason = "primary " + primary->name + " is unreachable";
    if (!primary->reason.empty()) reason += ": " + primary->reason;
    return {false, reason};
  }
  return {true, ""};
}

}  // namespace weir::admin
