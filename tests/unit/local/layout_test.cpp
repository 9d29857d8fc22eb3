#include "weir/local/layout.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

namespace weir::local {
namespace {

TEST(Ports, TenApartWithTheBackupPortNextToTheServer) {
  EXPECT_EQ(ports_for(13306, 0).server, 13306);
  EXPECT_EQ(ports_for(13306, 0).backup, 13307);
  EXPECT_EQ(ports_for(13306, 4).server, 13346);
  EXPECT_EQ(ports_for(13306, 4).backup, 13347);
  EXPECT_EQ(ports_for(3306, 1).server, 3316);
}

TEST(Ports, BeyondTheLastPortIsAnError) {
  EXPECT_EQ(ports_for(65000, 53).backup, 65531);
  EXPECT_THROW(ports_for(65000, 54), std::out_of_range);
  EXPECT_THROW(ports_for(13306, -1), std::out_of_range);
}

TEST(Layout, PodVolumesPerNode) {
  const Layout l("/w/.weir");
  EXPECT_EQ(l.state_file(), "/w/.weir/state.json");
  EXPECT_EQ(l.data_dir(2), "/w/.weir/node-2/data");
  EXPECT_EQ(l.conf_dir(2), "/w/.weir/node-2/conf.d");
  EXPECT_EQ(l.option_file(0), "/w/.weir/node-0/my.cnf");
  EXPECT_EQ(l.secret("root"), "/w/.weir/secrets/root-password");
}

}  // namespace
}  // namespace weir::local
