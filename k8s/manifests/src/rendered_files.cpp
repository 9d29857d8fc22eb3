#include "weir/manifests/rendered_files.hpp"

namespace weir::manifests {

std::string render_proxy_config(const std::string& name, int mysql_port, int admin_port) {
  const std::string port = std::to_string(mysql_port);
  return "# weir proxy in Kubernetes; see examples/weir.yaml for every key.\n"
         "listen:\n"
         "  address: 0.0.0.0\n"
         "  port: " +
         port +
         "\n"
         "admin:\n"
         "  address: 0.0.0.0\n"
         "  port: " +
         std::to_string(admin_port) +
         "\n"
         "  # /healthz and /readyz (the probes) stay open; every other endpoint needs this bearer token.\n"
         "  token_file: /etc/weir/admin/token\n"
         "load_users_from_backend:\n"
         "  enabled: true\n"
         "monitor:\n"
         "  user: weir_monitor\n"
         "  password_file: /etc/weir/secrets/monitor-password\n"
         "backends:\n"
         "  # The pods of the headless Service, from its EndpointSlices (this pod's namespace and\n"
         "  # service account): " +
         name +
         "-0 is the primary, the other ready pods are replicas.\n"
         "  discovery: kubernetes\n"
         "  kubernetes:\n"
         "    service: " +
         name +
         "\n"
         "    port: " +
         port + "\n";
}

std::string render_accounts_script(const std::string& flavour) {
  const bool mysql = flavour == "mysql";
  const std::string identified = mysql ? "IDENTIFIED WITH mysql_native_password BY" : "IDENTIFIED BY";
  const std::string grants = mysql ? "PROCESS, REPLICATION CLIENT" : "PROCESS, REPLICATION CLIENT, SLAVE MONITOR";
  return "# Sourced by the image's entrypoint when it creates the data directory (the primary's first\n"
         "# start; replicas are cloned). The password comes from the Secret, never from this file.\n"
         "docker_process_sql --database=mysql <<EOSQL\n"
         "CREATE USER IF NOT EXISTS 'weir_monitor'@'%' " +
         identified +
         " '${WEIR_MONITOR_PASSWORD}';\n"
         "GRANT " +
         grants +
         " ON *.* TO 'weir_monitor'@'%';\n"
         "GRANT SELECT ON mysql.* TO 'weir_monitor'@'%';\n"
         "CREATE DATABASE IF NOT EXISTS weir;\n"
         "GRANT ALL PRIVILEGES ON weir.* TO 'weir_monitor'@'%';\n"
         "EOSQL\n";
}

}  // namespace weir::manifests
