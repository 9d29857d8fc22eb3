#include "weir/local/node_config.hpp"

#include <gtest/gtest.h>

namespace weir::local {
namespace {

TEST(OptionFile, OwnDirsLoopbackPortAndTheConfDir) {
  const Layout l("/w");
  EXPECT_EQ(render_option_file(l, 1, ports_for(13306, 1)),
            "# Written by weir up; the role's settings are in conf.d (weir pod init).\n"
            "[mysqld]\n"
            "datadir=/w/node-1/data\n"
            "tmpdir=/w/node-1/tmp\n"
            "port=13316\n"
            "bind-address=127.0.0.1\n"
            "socket=/w/node-1/mysqld.sock\n"
            "pid-file=/w/node-1/mysqld.pid\n"
            "log-error=/w/node-1/server.log\n"
            "skip-name-resolve\n"
            "innodb_buffer_pool_size=128M\n"
            "innodb_log_file_size=64M\n"
            "max_connections=200\n"
            "performance_schema=OFF\n"
            "!includedir /w/node-1/conf.d\n");
}

TEST(ServerCommand, OptionFileOnlyRootAndFirstBoot) {
  const Layout l("/w");
  using V = std::vector<std::string>;
  EXPECT_EQ(server_command("/usr/sbin/mariadbd", l, 0, true, true),
            (V{"/usr/sbin/mariadbd", "--defaults-file=/w/node-0/my.cnf", "--user=root",
               "--init-file=/w/node-0/bootstrap.sql"}));
  EXPECT_EQ(server_command("mariadbd", l, 2, false, false), (V{"mariadbd", "--defaults-file=/w/node-2/my.cnf"}));
}

TEST(BootstrapSql, RootPasswordOverSocketAndLoopbackAndTheMonitorAccount) {
  pod::Credentials c;
  c.root_password = "r'1";
  const std::string sql = render_bootstrap_sql(c, {"m2", "a3"}, "vm");
  EXPECT_NE(sql.find("ALTER USER 'root'@'localhost' IDENTIFIED BY 'r\\'1';\n"), std::string::npos);
  EXPECT_NE(sql.find("CREATE USER IF NOT EXISTS 'root'@'127.0.0.1' IDENTIFIED BY 'r\\'1';\n"), std::string::npos);
  EXPECT_NE(sql.find("GRANT ALL PRIVILEGES ON *.* TO 'root'@'127.0.0.1' WITH GRANT OPTION;\n"), std::string::npos);
  EXPECT_NE(sql.find("DROP USER IF EXISTS 'root'@'vm';\n"), std::string::npos);
  EXPECT_NE(sql.find("'weir_monitor'@'127.0.0.1' IDENTIFIED BY 'm2'"), std::string::npos);
  EXPECT_NE(sql.find("CREATE USER IF NOT EXISTS 'app'@'127.0.0.1' IDENTIFIED BY 'a3';\n"), std::string::npos);
  EXPECT_EQ(sql.find("SUPER"), std::string::npos);  // the app account must not bypass read-only
  EXPECT_EQ(render_bootstrap_sql(c, {"m", "a"}, "localhost").find("DROP USER IF EXISTS 'root'@'localhost'"),
            std::string::npos);
}

}  // namespace
}  // namespace weir::local
