#include "admin/status_view.hpp"

#include <cmath>
#include <map>

#include "json/json_string.hpp"

namespace weir::admin {

std::string status_json(const StatusFacts& facts, const metrics::Metrics& metrics, std::string_view backends_json,
                        std::string_view history_json) {
  double clients = 0;
  for (const auto& s : metrics.series(metrics::Id::client_connections)) clients += s.value;
  std::map<std::string, std::pair<long long, long long>> connections;  // active, idle
  for (const auto& s : metrics.series(metrics::Id::backend_connections)) {
    auto& c = connections[s.labels.at(0)];
    (s.labels.at(1) == "idle" ? c.second : c.first) += std::llround(s.value);
  }
  std::string out = "{\"version\": " + json::string_literal(facts.version);
  out += ", \"config_generation\": " + std::to_string(facts.config_generation);
  out += ", \"uptime_seconds\": " + std::to_string(std::llround(facts.uptime_seconds));
  out += ", \"lag_method\": " + json::string_literal(facts.lag_method);
  out += ", \"clients\": " + std::to_string(std::llround(clients));
  out += ", \"backend_connections\": {";
  bool first = true;
  for (const auto& [name, c] : connections) {
    out += first ? "" : ", ";
    first = false;
    out += json::string_literal(name) + ": {\"active\": " + std::to_string(c.first) +
           ", \"idle\": " + std::to_string(c.second) + "}";
  }
  out += "}, \"backends\": ";
  out += backends_json;
  out += ", \"history\": ";
  out += history_json;
  out += "}";
  return out;
}

}  // namespace weir::admin
