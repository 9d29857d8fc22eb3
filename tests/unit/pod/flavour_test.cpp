#include "weir/pod/flavour.hpp"

#include <gtest/gtest.h>

namespace weir::pod {
namespace {

using V = std::vector<std::string>;

TEST(Flavour, Names) {
  EXPECT_EQ(parse_flavour("mysql"), Flavour::mysql);
  EXPECT_EQ(parse_flavour("mariadb"), Flavour::mariadb);
  EXPECT_EQ(parse_flavour("MariaDB"), std::nullopt);
  EXPECT_EQ(parse_flavour("percona"), std::nullopt);
  EXPECT_EQ(flavour_name(Flavour::mysql), "mysql");
  EXPECT_EQ(flavour_name(Flavour::mariadb), "mariadb");
}

TEST(BackupCommand, MysqlIsTheTutorialsXtrabackup) {
  EXPECT_EQ(backup_command(Flavour::mysql, {"127.0.0.1", 3306, "root", "", ""}),
            (V{"xtrabackup", "--backup", "--slave-info", "--stream=xbstream", "--host=127.0.0.1", "--port=3306",
               "--user=root"}));
}

// The password reaches the tool through an option file, never on its command line (`ps` shows it).
// The password file includes the defaults file and stands in for it (one option-file flag only).
TEST(BackupCommand, MariadbWithPasswordFileAndOptionFile) {
  const auto cmd = backup_command(Flavour::mariadb, {"127.0.0.1", 13316, "root", "/tmp/weir-client-x", "/x/my.cnf"});
  EXPECT_EQ(cmd, (V{"mariabackup", "--defaults-file=/tmp/weir-client-x", "--backup", "--slave-info",
                    "--stream=xbstream", "--host=127.0.0.1", "--port=13316", "--user=root"}));
  for (const auto& word : cmd) EXPECT_EQ(word.find("--password"), std::string::npos) << word;
}

TEST(BackupCommand, PasswordFileAloneIsAnExtraFile) {
  EXPECT_EQ(backup_command(Flavour::mariadb, {"127.0.0.1", 3306, "root", "/tmp/weir-client-x", ""}),
            (V{"mariabackup", "--defaults-extra-file=/tmp/weir-client-x", "--backup", "--slave-info",
               "--stream=xbstream", "--host=127.0.0.1", "--port=3306", "--user=root"}));
  EXPECT_EQ(backup_command(Flavour::mariadb, {"127.0.0.1", 3306, "root", "", "/x/my.cnf"}),
            (V{"mariabackup", "--defaults-file=/x/my.cnf", "--backup", "--slave-info", "--stream=xbstream",
               "--host=127.0.0.1", "--port=3306", "--user=root"}));
}

TEST(UnpackCommand, PerFlavour) {
  EXPECT_EQ(unpack_command(Flavour::mysql, "/var/lib/mysql"), (V{"xbstream", "-x", "-C", "/var/lib/mysql"}));
  EXPECT_EQ(unpack_command(Flavour::mariadb, "/d/.weir-clone"), (V{"mbstream", "-x", "-C", "/d/.weir-clone"}));
}

TEST(PrepareCommand, PerFlavour) {
  EXPECT_EQ(prepare_command(Flavour::mysql, "/var/lib/mysql"),
            (V{"xtrabackup", "--prepare", "--target-dir=/var/lib/mysql"}));
  EXPECT_EQ(prepare_command(Flavour::mariadb, "/d"), (V{"mariabackup", "--prepare", "--target-dir=/d"}));
}

}  // namespace
}  // namespace weir::pod
