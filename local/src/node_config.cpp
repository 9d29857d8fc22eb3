#include "weir/local/node_config.hpp"

#include "weir/pod/change_master.hpp"

namespace weir::local {

std::string render_option_file(const Layout& layout, int ordinal, const NodePorts& ports) {
  std::string cnf = "# Written by weir up; the role's settings are in conf.d (weir pod init).\n[mysqld]\n";
  cnf += "datadir=" + layout.data_dir(ordinal).string() + "\n";
  cnf += "tmpdir=" + layout.tmp_dir(ordinal).string() + "\n";
  cnf += "port=" + std::to_string(ports.server) + "\n";
  cnf += "bind-address=127.0.0.1\n";
  cnf += "socket=" + layout.socket(ordinal).string() + "\n";
  cnf += "pid-file=" + (layout.node_dir(ordinal) / "mysqld.pid").string() + "\n";
  cnf += "log-error=" + layout.server_log(ordinal).string() + "\n";
  // Small footprint: several servers share one machine.
  cnf +=
      "skip-name-resolve\n"
      "innodb_buffer_pool_size=128M\n"
      "innodb_log_file_size=64M\n"
      "max_connections=200\n"
      "performance_schema=OFF\n";
  cnf += "!includedir " + layout.conf_dir(ordinal).string() + "\n";
  return cnf;
}

std::string render_bootstrap_sql(const pod::Credentials& credentials, const BootstrapAccounts& accounts,
                                 const std::string& hostname) {
  const std::string root_pw = pod::sql_quote(credentials.root_password);
  const std::string root_local = pod::sql_quote(credentials.root_user) + "@'localhost'";
  const std::string root_tcp = pod::sql_quote(credentials.root_user) + "@'127.0.0.1'";
  std::string sql;
  sql += "ALTER USER " + root_local + " IDENTIFIED BY " + root_pw + ";\n";
  sql += "CREATE USER IF NOT EXISTS " + root_tcp + " IDENTIFIED BY " + root_pw + ";\n";
  sql += "ALTER USER " + root_tcp + " IDENTIFIED BY " + root_pw + ";\n";
  sql += "GRANT ALL PRIVILEGES ON *.* TO " + root_tcp + " WITH GRANT OPTION;\n";
  sql += "DROP USER IF EXISTS 'root'@'::1';\n";
  if (!hostname.empty() && hostname != "localhost")
    sql += "DROP USER IF EXISTS 'root'@" + pod::sql_quote(hostname) + ";\n";
  sql += "CREATE USER IF NOT EXISTS 'weir_monitor'@'127.0.0.1' IDENTIFIED BY " +
         pod::sql_quote(accounts.monitor_password) + ";\n";
  sql += "GRANT PROCESS, REPLICATION CLIENT, SLAVE MONITOR ON *.* TO 'weir_monitor'@'127.0.0.1';\n";
  sql += "GRANT SELECT ON mysql.* TO 'weir_monitor'@'127.0.0.1';\n";
  sql += "CREATE DATABASE IF NOT EXISTS weir;\n";
  sql += "GRANT ALL PRIVILEGES ON weir.* TO 'weir_monitor'@'127.0.0.1';\n";
  sql += "CREATE USER IF NOT EXISTS 'app'@'127.0.0.1' IDENTIFIED BY " + pod::sql_quote(accounts.app_password) + ";\n";
  sql +=
      "GRANT SELECT, INSERT, UPDATE, DELETE, CREATE, DROP, INDEX, ALTER, CREATE TEMPORARY TABLES, LOCK TABLES, "
      "EXECUTE, CREATE VIEW, SHOW VIEW, CREATE ROUTINE, ALTER ROUTINE, EVENT, TRIGGER, REFERENCES, SHOW DATABASES "
      "ON *.* TO 'app'@'127.0.0.1';\n";
  return sql;
}

std::vector<std::string> server_command(const std::string& server_binary, const Layout& layout, int ordinal,
                                        bool first_boot, bool running_as_root) {
  std::vector<std::string> cmd{server_binary, "--defaults-file=" + layout.option_file(ordinal).string()};
  if (running_as_root) cmd.emplace_back("--user=root");
  if (first_boot) cmd.push_back("--init-file=" + layout.bootstrap_file(ordinal).string());
  return cmd;
}

}  // namespace weir::local
