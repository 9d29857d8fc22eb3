#include "weir/pod/server_config.hpp"

#include <gtest/gtest.h>

namespace weir::pod {
namespace {

TEST(ServerIdFile, HundredPlusOrdinal) {
  EXPECT_EQ(render_server_id(0).name, "server-id.cnf");
  EXPECT_EQ(render_server_id(0).content, "[mysqld]\nserver-id=100\n");
  EXPECT_EQ(render_server_id(7).content, "[mysqld]\nserver-id=107\n");
}

TEST(RoleFor, OrdinalZeroIsThePrimary) {
  EXPECT_EQ(role_for(0), Role::primary);
  EXPECT_EQ(role_for(1), Role::replica);
  EXPECT_EQ(role_for(9), Role::replica);
}

struct RoleCase {
  Flavour flavour;
  Role role;
  const char* name;
  const char* content;
  const char* other;
};

class RenderRole : public testing::TestWithParam<RoleCase> {};

TEST_P(RenderRole, Table) {
  const auto& c = GetParam();
  const auto file = render_role(c.flavour, c.role);
  EXPECT_EQ(file.name, c.name);
  EXPECT_EQ(file.content, c.content);
  EXPECT_EQ(other_role_file(c.role), c.other);
}

INSTANTIATE_TEST_SUITE_P(
    FlavoursAndRoles, RenderRole,
    testing::Values(
        RoleCase{Flavour::mariadb, Role::primary, "primary.cnf",
                 "[mysqld]\nlog-bin=mysql-bin\nbinlog_format=ROW\ngtid_strict_mode=1\n"
                 "session_track_system_variables=autocommit,character_set_client,character_set_connection,"
                 "character_set_results,time_zone,last_gtid\n",
                 "replica.cnf"},
        RoleCase{Flavour::mariadb, Role::replica, "replica.cnf",
                 "[mysqld]\nread-only=1\nrelay-log=relay-bin\nrelay-log-index=relay-bin.index\ngtid_strict_mode=1\n",
                 "primary.cnf"},
        RoleCase{Flavour::mysql, Role::primary, "primary.cnf",
                 "[mysqld]\nlog-bin=mysql-bin\nbinlog_format=ROW\ngtid-mode=ON\nenforce-gtid-consistency=ON\n"
                 "session_track_gtids=OWN_GTID\n",
                 "replica.cnf"},
        RoleCase{Flavour::mysql, Role::replica, "replica.cnf",
                 "[mysqld]\nsuper-read-only\nrelay-log=relay-bin\nrelay-log-index=relay-bin.index\ngtid-mode=ON\n"
                 "enforce-gtid-consistency=ON\n",
                 "primary.cnf"}));

TEST(RenderRole, MariadbReplicaAvoidsSuperReadOnly) {
  // MariaDB refuses to start with super-read-only (it has no such option).
  EXPECT_EQ(render_role(Flavour::mariadb, Role::replica).content.find("super-read-only"), std::string::npos);
}

}  // namespace
}  // namespace weir::pod
