#include "weir/pod/pod_options.hpp"

#include "weir/cli/numbers.hpp"
#include "weir/pod/ordinal.hpp"

namespace weir::pod {
namespace {

bool read_port(const cli::Arguments& a, std::string_view name, std::uint16_t& out, std::string& error) {
  auto text = a.get(name);
  if (!text) return true;
  auto value = cli::parse_int(*text, 1, 65535);
  if (!value) {
    error = "--" + std::string(name) + " must be a port number (1-65535), got '" + *text + "'";
    return false;
  }
  out = static_cast<std::uint16_t>(*value);
  return true;
}

// Ordinal and peer names: from flags first, else from the pod's hostname.
bool fill_identity(const cli::Arguments& a, const std::string& hostname, PodOptions& o, std::string& error) {
  const std::string host = a.get_or("hostname", hostname);
  const auto pod = parse_pod_name(host);
  if (auto text = a.get("ordinal")) {
    auto value = cli::parse_int(*text, 0, 999999);
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

std::vector<cli::OptionGroup> pod_option_groups() {
  return {
      {"options",
       {{"flavour", '\0', "mariadb|mysql", "the server and its backup tool (mariadb-backup or XtraBackup)", "mariadb"},
        {"ordinal", '\0', "N", "this pod's ordinal", "the number at the end of the hostname"},
        {"hostname", '\0', "NAME", "the pod's name, e.g. mysql-2", "this machine's hostname"},
        {"service", '\0', "NAME", "the headless Service of the peers' names", "the StatefulSet's name"},
        {"conf-dir", '\0', "DIR", "where init writes server-id.cnf and primary.cnf/replica.cnf", "/etc/mysql/conf.d"},
        {"data-dir", '\0', "DIR", "the server's data directory", "/var/lib/mysql"},
        {"port", '\0', "N", "the local server's port", "3306"},
        {"backup-bind", '\0', "IP", "the address serve-backup listens on", "0.0.0.0"},
        {"backup-port", '\0', "N", "the port serve-backup listens on", "3307"},
        {"peer-host", '\0', "HOST", "the clone source", "<set>-<n-1>.<service>"},
        {"peer-port", '\0', "N", "the clone source's backup port", "3307"},
        {"primary-host", '\0', "HOST", "the replication source", "<set>-0.<service>"},
        {"primary-port", '\0', "N", "the replication source's port", "3306"},
        {"clone-timeout", '\0', "S", "how long clone waits for the peer to answer, in seconds", "300"},
        {"defaults-file", '\0', "FILE", "an option file for the backup tool"},
        {"require-replication", '\0', "", "probe readiness: the replication threads must run too"}}},
      {"credentials (files are mounted Secrets)",
       {{"root-password-file", '\0', "FILE", "the root password", "$WEIR_ROOT_PASSWORD[_FILE]"},
        {"repl-user", '\0', "USER", "the replication account", "$WEIR_REPL_USER, else repl"},
        {"repl-password-file", '\0', "FILE", "the replication account's password", "$WEIR_REPL_PASSWORD[_FILE]"}}},
  };
}

OptionsResult pod_options_from(const cli::Arguments& a, const std::string& hostname) {
  OptionsResult out;
  PodOptions& o = out.options;
  out.positional = a.positional();
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
  for (auto [name, port] : {std::pair{"port", &o.port},
                            {"backup-port", &o.backup_port},
                            {"peer-port", &o.peer_port},
                            {"primary-port", &o.primary_port}}) {
    if (!read_port(a, name, *port, out.error)) return out;
  }
  if (auto text = a.get("clone-timeout")) {
    auto value = cli::parse_int(*text, 1, 86400);
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

}  // namespace weir::pod
