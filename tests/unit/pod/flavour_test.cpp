#include "weir/pod/flavour.hpp"

#include <gtest/gtest.h>

namespace weir::pod {
namespace {

using V = std::vector<std::string>;

TEST(Flavour, Names) {
  EXPECT_EQ(parse_flavour("mysql"), Flavour::kMysql);
  EXPECT_EQ(parse_flavour("mariadb"), Flavour::kMariadb);
  EXPECT_EQ(parse_flavour("MariaDB"), std::nullopt);
  EXPECT_EQ(parse_flavour("percona"), std::nullopt);
  EXPECT_EQ(flavour_name(Flavour::kMysql), "mysql");
  EXPECT_EQ(flavour_name(Flavour::kMariadb), "mariadb");
}

TEST(BackupCommand, MysqlIsTheTutorialsXtrabackup) {
  EXPECT_EQ(backup_command(Flavour::kMysql, {"127.0.0.1", 3306, "root", "", ""}),
            (V{"xtrabackup", "--backup", "--slave-info", "--stream=xbstream", "--host=127.0.0.1", "--port=3306",
               "--user=root"}));
}

TEST(BackupCommand, MariadbWithPasswordAndOptionFile) {
  EXPECT_EQ(backup_command(Flavour::kMariadb, {"127.0.0.1", 13316, "root", "s3cret", "/x/my.cnf"}),
            (V{"mariabackup", "--defaults-file=/x/my.cnf", "--backup", "--slave-info", "--stream=xbstream",
               "--host=127.0.0.1", "--port=13316", "--user=root", "--password=s3cret"}));
}

TEST(UnpackCommand, PerFlavour) {
  EXPECT_EQ(unpack_command(Flavour::kMysql, "/var/lib/mysql"), (V{"xbstream", "-x", "-C", "/var/lib/mysql"}));
  EXPECT_EQ(unpack_command(Flavour::kMariadb, "/d/.weir-clone"), (V{"mbstream", "-x", "-C", "/d/.weir-clone"}));
}

TEST(PrepareCommand, PerFlavour) {
  EXPECT_EQ(prepare_command(Flavour::kMysql, "/var/lib/mysql"),
            (V{"xtrabackup", "--prepare", "--target-dir=/var/lib/mysql"}));
  EXPECT_EQ(prepare_command(Flavour::kMariadb, "/d"), (V{"mariabackup", "--prepare", "--target-dir=/d"}));
}

}  // namespace
}  // namespace weir::pod
