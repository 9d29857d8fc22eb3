#include "weir/pod/change_master.hpp"

namespace weir::pod {
namespace {

std::string source_clause(const ReplicationSource& source) {
  return "MASTER_HOST=" + sql_quote(source.host) + ", MASTER_PORT=" + std::to_string(source.port) +
         ", MASTER_USER=" + sql_quote(source.user) + ", MASTER_PASSWORD=" + sql_quote(source.password) +
         ", MASTER_CONNECT_RETRY=" + std::to_string(source.connect_retry_s);
}

std::string position_clause(const Coordinates& at) {
  return "MASTER_LOG_FILE=" + sql_quote(at.log_file) + ", MASTER_LOG_POS=" + std::to_string(at.log_pos.value_or(4));
}

}  // namespace

std::string sql_quote(std::string_view value) {
  std::string out = "'";
  for (char ch : value) {
    if (ch == '\'' || ch == '\\') out += '\\';
    out += ch;
  }
  out += '\'';
  return out;
}

std::vector<std::string> change_master_statements(Flavour flavour, const Coordinates& at,
                                                  const ReplicationSource& source) {
  std::vector<std::string> sql{"STOP SLAVE", "RESET SLAVE ALL"};
  if (at.gtid && flavour == Flavour::mariadb) {
    sql.emplace_back("SET GLOBAL gtid_slave_pos = " + sql_quote(*at.gtid));
    sql.emplace_back("CHANGE MASTER TO " + source_clause(source) + ", MASTER_USE_GTID=slave_pos");
  } else if (at.gtid && flavour == Flavour::mysql) {
    sql.emplace_back("RESET MASTER");
    sql.emplace_back("SET GLOBAL gtid_purged = " + sql_quote(*at.gtid));
    sql.emplace_back("CHANGE MASTER TO " + source_clause(source) + ", MASTER_AUTO_POSITION=1");
  } else {
    sql.emplace_back("CHANGE MASTER TO " + position_clause(at) + ", " + source_clause(source));
  }
  sql.emplace_back("START SLAVE");
  return sql;
}

std::vector<std::string> replication_user_statements(std::string_view user, std::string_view password) {
  const std::string account = sql_quote(user) + "@'%'";
  return {
      "CREATE USER IF NOT EXISTS " + account + " IDENTIFIED BY " + sql_quote(password),
      "ALTER USER " + account + " IDENTIFIED BY " + sql_quote(password),
      "GRANT REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO " + account,
  };
}

}  // namespace weir::pod
