#include "apiserver_fixture.hpp"

#include <sys/wait.h>
#include <unistd.h>
#include <array>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <optional>

#include "weir/deployer/kube.hpp"
#include "weir/testing/temp_dir.hpp"

namespace weir::deployer::testing {
namespace {

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

struct Holder {
  std::optional<weir::testing::TempDir> dir;  // removed after the server is down
  ApiServer server;
  ~Holder() {
    if (dir && server.error.empty()) {
      std::string out;
      run_command(std::string(WEIR_APISERVER_SH) + " down " + server.dir, out);
    }
  }
};

}  // namespace

int run_command(const std::string& command, std::string& out, bool merge) {
  out.clear();
  FILE* p = popen((command + (merge ? " 2>&1" : "")).c_str(), "r");
  if (p == nullptr) return -1;
  std::array<char, 4096> buf{};
  size_t n = 0;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) out.append(buf.data(), n);
  const int status = pclose(p);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

const ApiServer& api_server() {
  static Holder holder;
  static bool tried = false;
  if (tried) return holder.server;
  tried = true;
  auto& server = holder.server;
  std::string out;
  if (run_command(std::string(WEIR_APISERVER_SH) + " build", out, false) != 0) {
    server.error = "apiserver.sh build failed (is Go installed and the module proxy reachable?):\n" + out;
    return server;
  }
  server.bin = trim(out);
  try {
    holder.dir.emplace("weir-k8s-api-");
  } catch (const std::exception& e) {
    server.error = e.what();
    return server;
  }
  server.dir = holder.dir->path();
  if (run_command(std::string(WEIR_APISERVER_SH) + " up " + server.dir, out, false) != 0) {
    server.error = "apiserver.sh up failed: " + out;
    return server;
  }
  server.server = trim(out);
  return server;
}

void ApiServerTest::SetUp() {
  const auto& s = api_server();
  ASSERT_TRUE(s.error.empty()) << s.error;
  static std::atomic<int> counter{0};
  ns_ = "t" + std::to_string(getpid()) + "-" + std::to_string(counter++);
  auto client = admin();
  const nlohmann::json body = {{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", ns_}}}};
  auto created = client.send("POST", "/api/v1/namespaces", body, "application/json");
  ASSERT_TRUE(created.ok()) << created.error().to_string();
  // What kube-controller-manager (not running here) would add: pods need a default ServiceAccount.
  const nlohmann::json sa = {{"apiVersion", "v1"}, {"kind", "ServiceAccount"}, {"metadata", {{"name", "default"}}}};
  auto account = client.send("POST", "/api/v1/namespaces/" + ns_ + "/serviceaccounts", sa, "application/json");
  ASSERT_TRUE(account.ok()) << account.error().to_string();
}

Client ApiServerTest::admin(const std::string& kubeconfig_name) {
  auto config = load_kubeconfig(kubeconfig(kubeconfig_name));
  EXPECT_TRUE(config.ok()) << config.error().to_string();
  auto client = Client::create(config.ok() ? *config : ClusterConfig{});
  EXPECT_TRUE(client.ok()) << client.error().to_string();
  return std::move(*client);
}

}  // namespace weir::deployer::testing
