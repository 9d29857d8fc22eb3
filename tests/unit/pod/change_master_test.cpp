#include "weir/pod/change_master.hpp"

#include <gtest/gtest.h>

namespace weir::pod {
namespace {

using V = std::vector<std::string>;
const ReplicationSource kSource{"mysql-0.mysql", 3306, "repl", "p'w", 10};
const char* kClause =
    "MASTER_HOST='mysql-0.mysql', MASTER_PORT=3306, MASTER_USER='repl', MASTER_PASSWORD='p\\'w', "
    "MASTER_CONNECT_RETRY=10";

TEST(SqlQuote, EscapesQuotesAndBackslashes) {
  EXPECT_EQ(sql_quote("abc"), "'abc'");
  EXPECT_EQ(sql_quote("a'b"), "'a\\'b'");
  EXPECT_EQ(sql_quote("a\\b"), "'a\\\\b'");
  EXPECT_EQ(sql_quote(""), "''");
}

TEST(ChangeMaster, MariadbFromGtid) {
  const Coordinates at{CloneSource::primary, "mysql-bin.000001", 2512, "0-100-12"};
  EXPECT_EQ(change_master_statements(Flavour::mariadb, at, kSource),
            (V{"STOP SLAVE", "RESET SLAVE ALL", "SET GLOBAL gtid_slave_pos = '0-100-12'",
               std::string("CHANGE MASTER TO ") + kClause + ", MASTER_USE_GTID=slave_pos", "START SLAVE"}));
}

TEST(ChangeMaster, MariadbFromAReplicasEmptyGtidStillUsesGtid) {
  const Coordinates at{CloneSource::replica, "", std::nullopt, ""};
  const auto sql = change_master_statements(Flavour::mariadb, at, kSource);
  EXPECT_EQ(sql[2], "SET GLOBAL gtid_slave_pos = ''");
}

TEST(ChangeMaster, MysqlFromGtidSet) {
  const Coordinates at{CloneSource::replica, "", std::nullopt, "uuid:1-5"};
  EXPECT_EQ(change_master_statements(Flavour::mysql, at, kSource),
            (V{"STOP SLAVE", "RESET SLAVE ALL", "RESET MASTER", "SET GLOBAL gtid_purged = 'uuid:1-5'",
               std::string("CHANGE MASTER TO ") + kClause + ", MASTER_AUTO_POSITION=1", "START SLAVE"}));
}

TEST(ChangeMaster, FilePositionWithoutGtid) {
  const Coordinates at{CloneSource::primary, "mysql-bin.000001", 2512, std::nullopt};
  for (auto flavour : {Flavour::mysql, Flavour::mariadb}) {
    EXPECT_EQ(change_master_statements(flavour, at, kSource),
              (V{"STOP SLAVE", "RESET SLAVE ALL",
                 std::string("CHANGE MASTER TO MASTER_LOG_FILE='mysql-bin.000001', MASTER_LOG_POS=2512, ") + kClause,
                 "START SLAVE"}));
  }
}

TEST(ReplicationUser, IdempotentStatements) {
  EXPECT_EQ(replication_user_statements("repl", "x"),
            (V{"CREATE USER IF NOT EXISTS 'repl'@'%' IDENTIFIED BY 'x'", "ALTER USER 'repl'@'%' IDENTIFIED BY 'x'",
               "GRANT REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO 'repl'@'%'"}));
}

}  // namespace
}  // namespace weir::pod
