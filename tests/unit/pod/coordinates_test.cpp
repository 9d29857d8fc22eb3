#include "weir/pod/coordinates.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "weir/pod/steps.hpp"

namespace weir::pod {
namespace {

Coordinates primary(std::string file, std::uint64_t pos, std::optional<std::string> gtid) {
  return {CloneSource::primary, std::move(file), pos, std::move(gtid)};
}
Coordinates replica_gtid(std::string gtid) { return {CloneSource::replica, "", std::nullopt, std::move(gtid)}; }

struct BinlogCase {
  const char* text;
  std::optional<Coordinates> want;
};

class ParseBinlogInfo : public testing::TestWithParam<BinlogCase> {};

TEST_P(ParseBinlogInfo, Table) { EXPECT_EQ(parse_binlog_info(GetParam().text), GetParam().want) << GetParam().text; }

INSTANTIATE_TEST_SUITE_P(
    Variants, ParseBinlogInfo,
    testing::Values(BinlogCase{"mysqld-bin.000001\t2512\t0-100-12", primary("mysqld-bin.000001", 2512, "0-100-12")},
                    BinlogCase{"mysqld-bin.000001\t2512\t0-100-12\n", primary("mysqld-bin.000001", 2512, "0-100-12")},
                    BinlogCase{"mysql-bin.000001\t2512\n", primary("mysql-bin.000001", 2512, std::nullopt)},
                    BinlogCase{"mysql-bin.000002\t4\t\n", primary("mysql-bin.000002", 4, "")},
                    BinlogCase{"mysql-bin.000003\t154\tuuid-a:1-5,\nuuid-b:1-3\n",
                               primary("mysql-bin.000003", 154, "uuid-a:1-5,uuid-b:1-3")},
                    BinlogCase{"mysql-bin.000001\t0-100-12", std::nullopt},  // position missing
                    BinlogCase{"mysql-bin.000001", std::nullopt}, BinlogCase{"", std::nullopt},
                    BinlogCase{"\t2512\t0-1-1", std::nullopt}, BinlogCase{"f\t12x", std::nullopt},
                    BinlogCase{"a\t1\tb\tc", std::nullopt}));

struct SlaveCase {
  const char* text;
  std::optional<Coordinates> want;
};

class ParseSlaveInfo : public testing::TestWithParam<SlaveCase> {};

TEST_P(ParseSlaveInfo, Table) { EXPECT_EQ(parse_slave_info(GetParam().text), GetParam().want) << GetParam().text; }

INSTANTIATE_TEST_SUITE_P(
    Variants, ParseSlaveInfo,
    testing::Values(
        SlaveCase{"SET GLOBAL gtid_slave_pos = '0-100-12';\nCHANGE MASTER TO master_use_gtid = slave_pos;\n",
                  replica_gtid("0-100-12")},
        SlaveCase{"SET GLOBAL gtid_slave_pos='0-100-12,1-101-3';", replica_gtid("0-100-12,1-101-3")},
        SlaveCase{"SET GLOBAL gtid_slave_pos = '';\nCHANGE MASTER TO master_use_gtid = slave_pos;", replica_gtid("")},
        SlaveCase{"SET GLOBAL gtid_purged='uuid-a:1-5';\nCHANGE MASTER TO MASTER_AUTO_POSITION=1;",
                  replica_gtid("uuid-a:1-5")},
        SlaveCase{"CHANGE MASTER TO MASTER_LOG_FILE='mysql-bin.000003', MASTER_LOG_POS=1234;",
                  Coordinates{CloneSource::replica, "mysql-bin.000003", 1234, std::nullopt}},
        SlaveCase{"change master to master_log_file = 'b.000009' , master_log_pos = 77",
                  Coordinates{CloneSource::replica, "b.000009", 77, std::nullopt}},
        SlaveCase{"CHANGE MASTER TO MASTER_LOG_FILE='mysql-bin.000003';", std::nullopt},
        SlaveCase{"CHANGE MASTER TO MASTER_LOG_POS=1234;", std::nullopt},
        SlaveCase{"SET GLOBAL gtid_slave_pos = '0-100-12", std::nullopt}, SlaveCase{"", std::nullopt},
        SlaveCase{"CHANGE MASTER TO master_use_gtid = slave_pos;", std::nullopt}));

std::string fixture(const std::string& path) {
  std::ifstream in(std::string(WEIR_POD_FIXTURES) + "/" + path);
  std::ostringstream text;
  text << in.rdbuf();
  EXPECT_TRUE(in.good() || in.eof()) << path;
  return text.str();
}

TEST(CoordinatesFixtures, RealMariadbBackupOfThePrimary) {
  EXPECT_EQ(parse_binlog_info(fixture("mariadb-10.11-from-primary/xtrabackup_binlog_info")),
            primary("mysql-bin.000001", 3196, "0-100-17"));
}

TEST(CoordinatesFixtures, RealMariadbBackupOfAReplica) {
  EXPECT_EQ(parse_slave_info(fixture("mariadb-10.11-from-replica/xtrabackup_slave_info")), replica_gtid("0-100-17"));
}

TEST(CoordinatesFixtures, XtrabackupFormats) {
  EXPECT_EQ(parse_binlog_info(fixture("xtrabackup-from-primary/xtrabackup_binlog_info")),
            primary("mysql-bin.000003", 154, "3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5"));
  EXPECT_EQ(parse_binlog_info(fixture("xtrabackup-2.4-from-primary/xtrabackup_binlog_info")),
            primary("mysql-bin.000001", 2512, std::nullopt));
  EXPECT_EQ(parse_slave_info(fixture("xtrabackup-from-replica-gtid/xtrabackup_slave_info")),
            replica_gtid("3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5"));
  EXPECT_EQ(parse_slave_info(fixture("xtrabackup-from-replica-position/xtrabackup_slave_info")),
            (Coordinates{CloneSource::replica, "mysql-bin.000003", 1234, std::nullopt}));
}

// find_coordinates reads a data dir: slave info wins over binlog info, as in the tutorial.
TEST(FindCoordinates, PrefersSlaveInfoAndKnowsBothToolsNames) {
  EXPECT_EQ(find_coordinates(std::string(WEIR_POD_FIXTURES) + "/mariadb-10.11-from-replica")->file,
            "xtrabackup_slave_info");
  EXPECT_EQ(find_coordinates(std::string(WEIR_POD_FIXTURES) + "/mariadb-10.11-from-primary")->file,
            "xtrabackup_binlog_info");
  EXPECT_FALSE(find_coordinates(std::string(WEIR_POD_FIXTURES) + "/no-such-dir").has_value());
  EXPECT_EQ(slave_info_files().size(), 2u);
  EXPECT_EQ(binlog_info_files()[1], "mariadb_backup_binlog_info");
}

}  // namespace
}  // namespace weir::pod
