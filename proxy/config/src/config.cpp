// Entry points: text or file in, ConfigResult out. No exception leaves this file.
#include <cerrno>
#include <cstring>
#include <exception>
#include <fstream>
#include <sstream>
#include <thread>

#include <yaml-cpp/depthguard.h>

#include "names.hpp"
#include "parse.hpp"

namespace weir::config {
namespace {

using namespace detail;

ConfigResult failure(std::string origin, int line, int column, std::string message) {
  ConfigResult result;
  result.errors.push_back(ConfigError{std::move(origin), line, column, "", std::move(message)});
  return result;
}

// Reads every section in document order of the schema; the root reader's destructor then
// reports the unknown top-level keys.
void parse_root(MapReader& root, const YAML::Node& node, Config& config) {
  parse_listen(root, config.listen);
  parse_workers(root, config.workers);
  parse_admin(root, config.admin, config.listen);
  parse_tls(root, config.tls);
  parse_users(root, config.users);
  parse_monitor(root, config.monitor);
  parse_load_users(root, config.load_users_from_backend, config.monitor);
  parse_backends(root, config.backends);
  parse_routing(root, config.routing);
  parse_timeouts(root, config.timeouts);
  parse_pool(root, config.pool);
  parse_log(root, config.log);
  parse_metrics(root, config.metrics);
  if (config.users.empty() && !config.load_users_from_backend.enabled) {
    const YAML::Node users = node.IsMap() ? node["users"] : YAML::Node();
    const YAML::Mark mark = users.IsDefined() && !users.IsNull() ? users.Mark() : root.mark();
    root.diag().error(mark, "users", "expected at least one user, or load_users_from_backend.enabled: true");
  }
}

ConfigResult parse_document(std::string_view text, std::string_view origin_name) {
  std::vector<YAML::Node> documents;
  try {
    documents = YAML::LoadAll(std::string(text));
  } catch (const YAML::DeepRecursion&) {
    // yaml-cpp's own message for this is "bad file".
    return failure(std::string(origin_name), 0, 0, "invalid YAML: nested too deeply");
  } catch (const YAML::Exception& e) {
    return failure(std::string(origin_name), e.mark.line >= 0 ? e.mark.line + 1 : 0,
                   e.mark.line >= 0 ? e.mark.column + 1 : 0, "invalid YAML: " + e.msg);
  }
  if (documents.size() > 1) {
    const YAML::Mark mark = documents[1].Mark();
    return failure(std::string(origin_name), mark.line + 1, mark.column + 1,
                   "expected one YAML document, found " + std::to_string(documents.size()));
  }
  const YAML::Node root = documents.empty() ? YAML::Node() : documents.front();
  Diagnostics diag{std::string(origin_name)};
  auto config = std::make_shared<Config>();
  config->origin = origin_name;
  {
    YAML::Mark start;  // line 0, column 0: the top of the file
    MapReader reader(diag, Field{root, "", root.Mark().line >= 0 ? root.Mark() : start});
    parse_root(reader, root, *config);
  }
  ConfigResult result;
  result.warnings = diag.take_warnings();
  result.errors = diag.take_errors();
  if (result.errors.empty()) result.config = std::move(config);
  return result;
}

}  // namespace

std::string ConfigError::to_string() const {
  std::string out = origin;
  if (line > 0) out += ":" + std::to_string(line) + ":" + std::to_string(column);
  out += ": ";
  if (!path.empty()) out += path + ": ";
  out += message;
  return out;
}

std::string ConfigResult::error_text() const {
  std::string out;
  for (const auto& e : errors) out += e.to_string() + "\n";
  return out;
}

ConfigResult parse_config(std::string_view yaml_text, std::string_view origin_name) {
  try {
    return parse_document(yaml_text, origin_name);
  } catch (const std::exception& e) {
    return failure(std::string(origin_name), 0, 0, std::string("cannot load the configuration: ") + e.what());
  }
}

ConfigResult load_config_file(const std::string& path) {
  try {
    std::ifstream in(path, std::ios::binary);
    if (!in) return failure(path, 0, 0, std::string("cannot read the file: ") + std::strerror(errno));
    std::ostringstream text;
    text << in.rdbuf();
    if (in.bad()) return failure(path, 0, 0, std::string("cannot read the file: ") + std::strerror(errno));
    return parse_document(text.str(), path);
  } catch (const std::exception& e) {
    return failure(path, 0, 0, std::string("cannot load the configuration: ") + e.what());
  }
}

std::uint32_t worker_count(const WorkersConfig& workers) {
  if (workers.count != 0) return workers.count;
  const unsigned cores = std::thread::hardware_concurrency();
  return cores == 0 ? 1 : cores;
}

std::string_view to_string(Role role) { return kRoleNames[static_cast<std::size_t>(role)]; }
std::string_view to_string(BackendTlsConfig::Verify verify) { return kVerifyNames[static_cast<std::size_t>(verify)]; }
std::string_view to_string(BackendsConfig::Discovery discovery) {
  return kDiscoveryNames[static_cast<std::size_t>(discovery)];
}
std::string_view to_string(RoutingConfig::WhenNoReplica policy) {
  return kWhenNoReplicaNames[static_cast<std::size_t>(policy)];
}
std::string_view to_string(RoutingConfig::Consistency consistency) {
  return kConsistencyNames[static_cast<std::size_t>(consistency)];
}
std::string_view to_string(RoutingConfig::StoredFunctions target) {
  return kStoredFunctionsNames[static_cast<std::size_t>(target)];
}
std::string_view to_string(LogConfig::Format format) { return kLogFormatNames[static_cast<std::size_t>(format)]; }
std::string_view to_string(LogConfig::Level level) { return kLogLevelNames[static_cast<std::size_t>(level)]; }

}  // namespace weir::config
