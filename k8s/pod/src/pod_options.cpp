#include "weir/pod/pod_options.hpp"

#include "weir/pod/args.hpp"
#include "weir/pod/ordinal.hpp"

namespace weir::pod {
namespace {

const std::set<std::string_view> kValued{
    "flavour",       "ordinal",          "hostname",      "service",        "conf-dir",
    "data-dir",      "port",             "backup-bind",   "backup-port",    "peer-host",
    "peer-port",     "primary-host",     "primary-port",  "defaults-file",  "clone-timeout",
    "repl-user",     "root-password-file", "repl-password-file"};
const std::set<std::string_view> kBooleans{"require-replication"};

bool read_port(const ParsedArgs& a, std::string_view name, std::uint16_t& out, std::string& error) {
  auto text = a.get(name);
  if (!text) return true;
  auto value = parse_int(*text, 1, 65535);
  if (!value) {
    error = "--" + std::string(name) + " must be a port number (1-65535), got '" + *text + "'";
    return false;
  }
  out = static_cast<std::uint16_t>(*value);
  return true;
}

// Ordinal and peer names: from flags first, else from the pod's hostname.
bool fill_identity(const ParsedArgs& a, const std::string& hostname, PodOptions& o, std::string& error) {
  const std::string host = a.get_or("hostname", hostname);
  const auto pod = parse_pod_name(host);
  if (auto text = a.get("ordinal")) {
    auto value = parse_int(*text, 0, 999999);
    if (!value) {
      error = "--ordinal must be a non-negative number, got '" + *text + "'";
      return false;
    }
    o.ordinal = *value;
  } else if (pod) {
    o.ordinal = pod->ordinal;
  } else {
    error = "cannot tell the ordinal: hostname '" + host + "' does not end in -<number>; pass --ordinal";
    return false;
  }
  const std::string set = pod ? pod->set : "mysql";
  const std::string service = a.get_or("service", set);
  o.peer_host = a.get_or("peer-host", o.ordinal > 0 ? peer_dns_name(set, o.ordinal - 1, service) : "");
  o.primary_host = a.get_or("primary-host", peer_dns_name(set, 0, service));
  return true;
}

}  // namespace

OptionsResult parse_pod_options(const std::vector<std::string>& words, const std::string& hostname) {
  OptionsResult out;
  auto parsed = parse_args(words, kValued, kBooleans);
  if (!parsed.error.empty()) {
    out.error = parsed.error;
    return out;
  }
  const ParsedArgs& a = parsed.args;
  PodOptions& o = out.options;
  out.positional = a.positional;
  const std::string flavour = a.get_or("flavour", "mariadb");
  if (auto f = parse_flavour(flavour)) {
    o.flavour = *f;
  } else {
    out.error = "--flavour must be 'mysql' or 'mariadb', got '" + flavour + "'";
    return out;
  }
  if (!fill_identity(a, hostname, o, out.error)) return out;
  o.conf_dir = a.get_or("conf-dir", o.conf_dir);
  o.data_dir = a.get_or("data-dir", o.data_dir);
  o.backup_bind = a.get_or("backup-bind", o.backup_bind);
  o.defaults_file = a.get_or("defaults-file", "");
  for (auto [name, port] : {std::pair{"port", &o.port}, {"backup-port", &o.backup_port},
                            {"peer-port", &o.peer_port}, {"primary-port", &o.primary_port}}) {
    if (!read_port(a, name, *port, out.error)) return out;
  }
  if (auto text = a.get("clone-timeout")) {
    auto value = parse_int(*text, 1, 86400);
    if (!value) {
      out.error = "--clone-timeout must be a number of seconds, got '" + *text + "'";
      return out;
    }
    o.clone_timeout_s = *value;
  }
  o.require_replication = a.has("require-replication");
  CredentialSources sources{a.get_or("root-password-file", ""), a.get_or("repl-password-file", ""),
                            a.get_or("repl-user", "")};
  o.credentials = load_credentials(sources);
  return out;
}

std::string pod_usage() {
  return "usage: weir pod <step> [options]\n\n"
         "steps (the StatefulSet's containers):\n"
         "  init            write server-id.cnf and primary.cnf/replica.cnf into --conf-dir\n"
         "  clone           receive a backup from the previous pod unless data exists (ordinal > 0)\n"
         "  serve-backup    stream backups to the next pod, one at a time, on --backup-port, only to a peer\n"
         "                  that proves it holds the replication password\n"
         "  sidecar         start replication from the clone's coordinates once, then serve-backup\n"
         "  probe liveness|readiness [--require-replication]\n\n"
         "options:\n"
         "  --flavour mariadb|mysql       (default mariadb)\n"
         "  --ordinal N | --hostname H    (default: this machine's hostname, e.g. mysql-2)\n"
         "  --service NAME                headless Service (default: the StatefulSet name)\n"
         "  --conf-dir DIR                (default /etc/mysql/conf.d)\n"
         "  --data-dir DIR                (default /var/lib/mysql)\n"
         "  --port N                      local server port (default 3306)\n"
         "  --backup-bind IP --backup-port N   serve-backup address (default 0.0.0.0:3307)\n"
         "  --peer-host H --peer-port N   clone source (default <set>-<n-1>.<service>:3307)\n"
         "  --primary-host H --primary-port N  replication source (default <set>-0.<service>:3306)\n"
         "  --clone-timeout S             how long clone waits for the peer (default 300)\n"
         "  --defaults-file FILE          option file for the backup tool\n"
         "credentials (files are mounted Secrets):\n"
         "  --root-password-file F, --repl-user U, --repl-password-file F\n"
         "  env WEIR_ROOT_PASSWORD[_FILE], WEIR_REPL_USER, WEIR_REPL_PASSWORD[_FILE]\n";
}

}  // namespace weir::pod
