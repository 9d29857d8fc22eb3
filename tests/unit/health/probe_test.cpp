// The pure parts of a check: SHOW SLAVE STATUS fields, session tracking lists, heartbeat SQL.
#include "health/probe.hpp"

#include <gtest/gtest.h>

namespace weir::health {
namespace {

QueryResult slave_status(std::optional<std::string> io, std::optional<std::string> sql,
                         std::optional<std::string> sbm) {
  QueryResult r;
  r.columns = {"Slave_IO_State", "Master_Host", "Slave_IO_Running", "Slave_SQL_Running", "Seconds_Behind_Master"};
  r.rows.push_back({"Waiting for master to send event", "127.0.0.1", std::move(io), std::move(sql), std::move(sbm)});
  return r;
}

struct SlaveCase {
  std::optional<std::string> io, sql, sbm;
  bool io_running, sql_running;
  std::optional<long long> seconds;
};

TEST(ParseSlaveStatus, Table) {
  const SlaveCase cases[] = {
      {"Yes", "Yes", "0", true, true, 0},
      {"Yes", "Yes", "17", true, true, 17},
      {"Yes", "No", std::nullopt, true, false, std::nullopt},  // NULL: unknown, never 0
      {"No", "Yes", std::nullopt, false, true, std::nullopt},
      {"Connecting", "Yes", std::nullopt, false, true, std::nullopt},
      {"No", "No", std::nullopt, false, false, std::nullopt},
      {"yes", "YES", "3", false, false, 3},  // the server writes "Yes" exactly
      {"Yes", "Yes", "abc", true, true, std::nullopt},
      {"Yes", "Yes", "-1", true, true, std::nullopt},
      {"Yes", "Yes", "", true, true, std::nullopt},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.io.value_or("NULL") + "/" + c.sql.value_or("NULL") + "/" + c.sbm.value_or("NULL"));
    const auto s = parse_slave_status(slave_status(c.io, c.sql, c.sbm));
    EXPECT_EQ(s.io_running, c.io_running);
    EXPECT_EQ(s.sql_running, c.sql_running);
    ASSERT_EQ(s.seconds_behind_master.has_value(), c.seconds.has_value());
    if (c.seconds) {
      EXPECT_EQ(s.seconds_behind_master->count(), *c.seconds);
    }
  }
}

TEST(ParseSlaveStatus, NoRowIsNotReplicating) {
  QueryResult empty;
  empty.columns = {"Slave_IO_Running", "Slave_SQL_Running", "Seconds_Behind_Master"};
  const auto s = parse_slave_status(empty);
  EXPECT_FALSE(s.io_running);
  EXPECT_FALSE(s.sql_running);
  EXPECT_FALSE(s.seconds_behind_master.has_value());
}

TEST(TracksLastGtid, Table) {
  const std::pair<const char*, bool> cases[] = {
      {"", false},
      {"autocommit,character_set_client,character_set_connection,character_set_results,time_zone", false},
      {"last_gtid", true},
      {"autocommit,last_gtid", true},
      {"last_gtid,autocommit", true},
      {"autocommit, last_gtid ", true},
      {"LAST_GTID", true},
      {"*", true},
      {"last_gtid_x", false},
      {"xlast_gtid", false},
      {"last_gti", false},
      {"autocommit,,", false},
  };
  for (const auto& [text, expected] : cases) EXPECT_EQ(tracks_last_gtid(text), expected) << text;
}

TEST(Quoting, IdentifiersAndStrings) {
  EXPECT_EQ(quote_identifier("weir"), "`weir`");
  EXPECT_EQ(quote_identifier("a`b"), "`a``b`");
  EXPECT_EQ(quote_string("host:6033"), "'host:6033'");
  EXPECT_EQ(quote_string("it's"), "'it\\'s'");
  EXPECT_EQ(quote_string("a\\b"), "'a\\\\b'");
}

TEST(HeartbeatSql, Statements) {
  const HeartbeatTable t{"weir", "heartbeat", "vm:6033"};
  EXPECT_EQ(heartbeat_create_schema_sql(t), "CREATE DATABASE IF NOT EXISTS `weir`");
  EXPECT_EQ(heartbeat_create_table_sql(t),
            "CREATE TABLE IF NOT EXISTS `weir`.`heartbeat` (instance VARCHAR(255) NOT NULL PRIMARY KEY, ts BIGINT NOT "
            "NULL) ENGINE=InnoDB");
  EXPECT_EQ(heartbeat_write_sql(t, WallMicros(std::chrono::microseconds(1764134400123456))),
            "INSERT INTO `weir`.`heartbeat` (instance, ts) VALUES ('vm:6033', 1764134400123456) ON DUPLICATE KEY "
            "UPDATE ts = 1764134400123456");
  EXPECT_EQ(heartbeat_read_sql(t), "SELECT ts FROM `weir`.`heartbeat` WHERE instance = 'vm:6033'");
}

TEST(QueryResultFirst, ByColumnName) {
  QueryResult r;
  EXPECT_FALSE(r.first("a").has_value());
  r.columns = {"a", "b"};
  EXPECT_FALSE(r.first("a").has_value());
  r.rows.push_back({"1", std::nullopt});
  r.rows.push_back({"2", "3"});
  EXPECT_EQ(r.first("a"), "1");
  EXPECT_FALSE(r.first("b").has_value());
  EXPECT_FALSE(r.first("c").has_value());
}

}  // namespace
}  // namespace weir::health
