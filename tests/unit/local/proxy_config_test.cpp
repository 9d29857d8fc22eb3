#include "weir/local/proxy_launcher.hpp"

#include <gtest/gtest.h>

namespace weir::local {
namespace {

TEST(ProxyConfig, NodeZeroIsThePrimaryTheRestReplicas) {
  Context ctx;
  ctx.layout = Layout("/w");
  ctx.options.proxy_port = 6033;
  const std::string yaml = render_proxy_config(ctx, {{0, 13306, 13307, 1, 2, 0}, {1, 13316, 13317, 3, 4, 0}});
  EXPECT_NE(yaml.find("listen:\n  address: 127.0.0.1\n  port: 6033\n"), std::string::npos);
  EXPECT_NE(yaml.find("admin:\n  address: 127.0.0.1\n  port: 9033\n"), std::string::npos);
  EXPECT_NE(yaml.find("password_file: /w/secrets/monitor-password\n"), std::string::npos);
  EXPECT_NE(yaml.find("users:\n  - name: app\n    password_file: /w/secrets/app-password\n"), std::string::npos);
  EXPECT_NE(yaml.find("    - name: node-0\n      host: 127.0.0.1\n      port: 13306\n      role: primary\n"),
            std::string::npos);
  EXPECT_NE(yaml.find("    - name: node-1\n      host: 127.0.0.1\n      port: 13316\n      role: replica\n"),
            std::string::npos);
}

}  // namespace
}  // namespace weir::local
