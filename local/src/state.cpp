#include "weir/local/state.hpp"

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>
#include <utility>

namespace weir::local {
// Ordered: state.json keeps its keys in the order written here (scripts read it by position).
using json = nlohmann::ordered_json;
namespace {

// One line, no spaces. A message that is not UTF-8 (an error text) gets U+FFFD for its bad bytes
// rather than failing the write.
std::string dump(const json& value) { return value.dump(-1, ' ', false, json::error_handler_t::replace) + "\n"; }

json node_to_json(const NodeState& n) {
  return {{"ordinal", n.ordinal},         {"port", n.port},
          {"backup_port", n.backup_port}, {"server_pid", n.server_pid},
          {"sidecar_pid", n.sidecar_pid}, {"restarts", n.restarts}};
}

template <class T>
T number(const json& o, const char* key) {
  const auto v = o.find(key);
  if (v == o.end()) throw std::runtime_error(std::string("missing key '") + key + "'");
  const bool fits = v->is_number_unsigned()  ? std::in_range<T>(v->template get<std::uint64_t>())
                    : v->is_number_integer() ? std::in_range<T>(v->template get<std::int64_t>())
                                             : false;
  if (!fits) throw std::runtime_error(std::string("key '") + key + "' is not an integer that fits");
  return v->template get<T>();
}

json object_of(const std::string& text) {
  json o = json::parse(text);
  if (!o.is_object()) throw std::runtime_error("not a JSON object");
  return o;
}

NodeState node_from_json(const json& o) {
  NodeState n;
  n.ordinal = number<int>(o, "ordinal");
  n.port = number<std::uint16_t>(o, "port");
  n.backup_port = number<std::uint16_t>(o, "backup_port");
  n.server_pid = number<pid_t>(o, "server_pid");
  n.sidecar_pid = number<pid_t>(o, "sidecar_pid");
  n.restarts = number<int>(o, "restarts");
  return n;
}

}  // namespace

std::string to_json(const State& s) {
  json nodes = json::array();
  for (const auto& n : s.nodes) nodes.push_back(node_to_json(n));
  const json o{{"supervisor_pid", s.supervisor_pid},   {"proxy_pid", s.proxy_pid},   {"base_port", s.base_port},
               {"proxy_port", s.proxy_port},           {"replicas", s.replicas},     {"desired", s.desired},
               {"handled_request", s.handled_request}, {"last_error", s.last_error}, {"nodes", std::move(nodes)}};
  return dump(o);
}

std::optional<State> state_from_json(const std::string& text, std::string& error) {
  try {
    const json o = object_of(text);
    State s;
    s.supervisor_pid = number<pid_t>(o, "supervisor_pid");
    s.proxy_pid = number<pid_t>(o, "proxy_pid");
    s.base_port = number<std::uint16_t>(o, "base_port");
    s.proxy_port = number<std::uint16_t>(o, "proxy_port");
    s.replicas = number<int>(o, "replicas");
    s.desired = number<int>(o, "desired");
    s.handled_request = number<std::uint64_t>(o, "handled_request");
    s.last_error = o.at("last_error").get<std::string>();
    for (const auto& n : o.at("nodes")) s.nodes.push_back(node_from_json(n));
    return s;
  } catch (const std::exception& e) {
    error = e.what();
    return std::nullopt;
  }
}

std::string to_json(const ScaleRequest& r) {
  return dump(json{{"id", r.id}, {"replicas", r.replicas}, {"delete_data", r.delete_data}});
}

std::optional<ScaleRequest> scale_request_from_json(const std::string& text, std::string& error) {
  try {
    const json o = object_of(text);
    return ScaleRequest{number<std::uint64_t>(o, "id"), number<int>(o, "replicas"), o.at("delete_data").get<bool>()};
  } catch (const std::exception& e) {
    error = e.what();
    return std::nullopt;
  }
}

void write_file_atomically(const std::filesystem::path& path, const std::string& content) {
  const auto tmp = path.string() + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << content;
    if (!out.flush()) throw std::runtime_error("cannot write " + tmp);
  }
  std::filesystem::rename(tmp, path);
}

std::optional<std::string> read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string file_tail(const std::filesystem::path& path, std::size_t lines) {
  auto text = read_file(path).value_or("");
  std::size_t pos = text.size();
  for (std::size_t n = 0; n <= lines && pos > 0; ++n) pos = text.rfind('\n', pos - 1);
  return pos == std::string::npos ? text : text.substr(pos + 1);
}

std::optional<State> load_state(const std::filesystem::path& path) {
  auto text = read_file(path);
  if (!text) return std::nullopt;
  std::string error;
  auto state = state_from_json(*text, error);
  if (!state) throw std::runtime_error("cannot read " + path.string() + ": " + error);
  return state;
}

}  // namespace weir::local
