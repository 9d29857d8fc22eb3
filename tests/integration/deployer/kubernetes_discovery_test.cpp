// weir's `discovery: kubernetes` against a real kube-apiserver: EndpointSlices written through the
// API (no controller runs here, so they stay as written) point at real mariadbd servers; weir
// lists and watches them, routes reads to the serving replica, and follows every change without a
// restart and without dropping a client session.
//
// The API refuses loopback addresses in EndpointSlices, so each server also listens on an address
// of TEST-NET-1 (192.0.2.0/24, reserved for documentation, never routed) added to `lo` (and left
// there: see LoopbackAddress).
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <regex>
#include <set>
#include <thread>

#include "apiserver_fixture.hpp"
#include "weir/deployer/deployer.hpp"
#include "weir/deployer/resources.hpp"
#include "weir/manifests/manifests.hpp"
#include "weir/testing/mariadb_server.hpp"
#include "weir/testing/weir_process.hpp"

namespace weir::deployer::testing {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
using weir::testing::MariadbConnection;
using weir::testing::MariadbOptions;
using weir::testing::MariadbServer;
using weir::testing::WeirOptions;
using weir::testing::WeirProcess;

constexpr const char* kApp = "app";
constexpr const char* kAppPassword = "app-pw";

// An address on lo, added when missing and left there: the tests of this file run in parallel
// (ctest -j), and one that removed the address it had added took it from another still using it
// ("No route to host"). TEST-NET-1 addresses on lo reach nothing else.
class LoopbackAddress {
 public:
  explicit LoopbackAddress(std::string address) : address_(std::move(address)) {
    std::string out;
    run_command("ip -4 addr show dev lo", out);
    if (out.find(" " + address_ + "/") != std::string::npos) return;
    if (run_command("ip addr add " + address_ + "/32 dev lo", out) == 0) return;
    std::string now;
    run_command("ip -4 addr show dev lo", now);  // another test may have added it meanwhile
    if (now.find(" " + address_ + "/") == std::string::npos) error_ = "cannot add " + address_ + " to lo: " + out;
  }
  ~LoopbackAddress() = default;
  LoopbackAddress(const LoopbackAddress&) = delete;
  LoopbackAddress& operator=(const LoopbackAddress&) = delete;
  const std::string& error() const { return error_; }
  const std::string& address() const { return address_; }

 private:
  std::string address_;
  std::string error_;
};

MariadbOptions listening_also_on(MariadbOptions options, const std::string& address) {
  options.cnf_lines.push_back("bind-address=127.0.0.1," + address);
  return options;
}

// One EndpointSlice per pod: each test server has its own port, and a slice has one port list.
json slice_for(const std::string& pod, const std::string& address, std::uint16_t port, bool serving) {
  return {
      {"apiVersion", "discovery.k8s.io/v1"},
      {"kind", "EndpointSlice"},
      {"metadata", {{"name", "mysql-" + pod}, {"labels", {{"kubernetes.io/service-name", "mysql"}}}}},
      {"addressType", "IPv4"},
      {"ports", json::array({{{"name", "mysql"}, {"port", port}, {"protocol", "TCP"}}})},
      {"endpoints", json::array({{{"addresses", {address}},
                                  {"conditions", {{"ready", serving}, {"serving", serving}, {"terminating", false}}},
                                  {"hostname", pod},
                                  {"targetRef", {{"kind", "Pod"}, {"name", pod}}}}})}};
}

std::string admin_port_of(const WeirProcess& weir) {
  EXPECT_TRUE(weir.wait_for_log("msg=\"admin listening\"", 10s)) << weir.log();
  static const std::regex line_re(R"(msg="admin listening" address=127\.0\.0\.1:([0-9]+))");
  std::smatch m;
  const std::string log = weir.log();
  return std::regex_search(log, m, line_re) ? m[1].str() : std::string();
}

class KubernetesDiscovery : public ApiServerTest {
 protected:
  void SetUp() override {
    ApiServerTest::SetUp();
    if (HasFatalFailure()) return;
    for (const auto* a : {"192.0.2.10", "192.0.2.11", "192.0.2.12"}) {
      addresses_.push_back(std::make_unique<LoopbackAddress>(a));
      ASSERT_TRUE(addresses_.back()->error().empty()) << addresses_.back()->error();
    }
  }

  void put_slice(const json& slice) {
    auto client = admin();
    const std::string name = slice["metadata"]["name"];
    const std::string path = "/apis/discovery.k8s.io/v1/namespaces/" + ns_ + "/endpointslices/" + name +
                             "?fieldManager=weir-test&force=true";
    auto applied = client.send("PATCH", path, slice, "application/apply-patch+yaml");
    ASSERT_TRUE(applied.ok()) << applied.error().to_string();
  }

  void delete_slice(const std::string& name) {
    auto client = admin();
    auto deleted = client.send("DELETE", "/apis/discovery.k8s.io/v1/namespaces/" + ns_ + "/endpointslices/" + name,
                               json(), "application/json");
    ASSERT_TRUE(deleted.ok()) << deleted.error().to_string();
  }

  static std::string backends_yaml(const std::string& kubeconfig, const std::string& ns) {
    return "backends:\n  discovery: kubernetes\n  kubernetes:\n    service: mysql\n    namespace: " + ns +
           "\n    kubeconfig: " + kubeconfig + "\n";
  }

  static json backends(const std::string& admin_port) {
    std::string out;
    run_command("curl -sS --max-time 5 http://127.0.0.1:" + admin_port + "/backends", out, false);
    auto parsed = json::parse(out, nullptr, false);
    return parsed.is_array() ? parsed : json::array();
  }

  // "mysql-0:primary:usable mysql-1:replica:usable" (usable_for_reads for replicas), sorted as listed.
  static std::string summary(const json& list) {
    std::string s;
    for (const auto& b : list) {
      if (!s.empty()) s += ' ';
      s += b.value("name", "?") + ":" + b.value("role", "?");
      if (b.value("role", "") == "replica") s += b.value("usable_for_reads", false) ? ":usable" : ":unusable";
    }
    return s;
  }

  static std::string wait_for_summary(const std::string& admin_port, const std::string& expected,
                                      std::chrono::seconds timeout = 20s) {
    const auto until = std::chrono::steady_clock::now() + timeout;
    std::string last;
    while (std::chrono::steady_clock::now() < until) {
      last = summary(backends(admin_port));
      if (last == expected) return last;
      std::this_thread::sleep_for(100ms);
    }
    return last;
  }

  std::vector<std::unique_ptr<LoopbackAddress>> addresses_;
};

TEST_F(KubernetesDiscovery, FollowsTheEndpointSlicesOfTheServiceWithoutRestartOrDroppedSessions) {
  MariadbServer primary(listening_also_on(MariadbOptions::primary(100), "192.0.2.10"));
  primary.create_user(kApp, kAppPassword);
  primary.create_user("weir_monitor", "weir-monitor-pw", "SELECT, SLAVE MONITOR", "*.*");
  primary.execute("GRANT CREATE, INSERT, UPDATE ON weir.* TO 'weir_monitor'@'%'");
  primary.execute("CREATE DATABASE app");
  primary.execute("CREATE TABLE app.t (id INT PRIMARY KEY)");
  auto replica_options = [](std::uint32_t id, const char* address) {
    auto o = listening_also_on(MariadbOptions::replica(id), address);
    o.log_bin = true;
    o.log_slave_updates = true;
    return o;
  };
  MariadbServer replica1(replica_options(101, "192.0.2.11"));
  replica1.replicate_from(primary);
  MariadbServer replica2(replica_options(102, "192.0.2.12"));
  replica2.replicate_from(primary);
  ASSERT_TRUE(replica1.wait_caught_up(primary));
  ASSERT_TRUE(replica2.wait_caught_up(primary));

  put_slice(slice_for("mysql-0", "192.0.2.10", primary.port(), true));
  put_slice(slice_for("mysql-1", "192.0.2.11", replica1.port(), true));

  WeirOptions options;
  options.users = {{kApp, kAppPassword}};
  options.monitor_yaml = "  check_interval: 100ms\n";
  options.admin_yaml = "admin:\n  enabled: true\n  address: 127.0.0.1\n  port: 0\n";
  options.backends_yaml = backends_yaml(kubeconfig(), ns_);
  options.extra_yaml =
      "routing:\n  max_replica_lag: 5s\nload_users_from_backend:\n  enabled: true\n  refresh_interval: 1s\n";
  WeirProcess weir(options);
  const std::string admin_port = admin_port_of(weir);
  ASSERT_FALSE(admin_port.empty());

  EXPECT_EQ(wait_for_summary(admin_port, "mysql-0:primary mysql-1:replica:usable"),
            "mysql-0:primary mysql-1:replica:usable")
      << weir.log();
  const json first = backends(admin_port);
  ASSERT_EQ(first.size(), 2u) << first.dump();
  EXPECT_EQ(first[0].value("host", ""), "192.0.2.10");
  EXPECT_EQ(first[0].value("port", 0), primary.port());
  EXPECT_EQ(first[1].value("host", ""), "192.0.2.11");

  // An account only the server has: weir loads it from the primary the discovery found (the
  // configuration names no primary).
  primary.create_user("server_only", "so-pw");
  MariadbConnection::Params only_on_server;
  only_on_server.port = weir.port();
  only_on_server.user = "server_only";
  only_on_server.password = "so-pw";
  std::optional<std::string> loaded;
  for (int i = 0; i < 50 && !loaded; ++i) {
    try {
      loaded = MariadbConnection(only_on_server).scalar("SELECT CURRENT_USER()");
    } catch (const std::exception&) {
      std::this_thread::sleep_for(200ms);
    }
  }
  EXPECT_EQ(loaded, "server_only@%") << weir.log();

  MariadbConnection::Params params;
  params.port = weir.port();
  params.user = kApp;
  params.password = kAppPassword;
  // A session kept open across every change below: it must never notice one.
  MariadbConnection kept(params);
  kept.execute("INSERT INTO app.t VALUES (1)");
  MariadbConnection reader(params);
  EXPECT_EQ(reader.scalar("SELECT @@server_id"), "101");

  // mysql-1 stops serving (its readiness probe failed): out of the read pool; reads on the primary.
  put_slice(slice_for("mysql-1", "192.0.2.11", replica1.port(), false));
  EXPECT_EQ(wait_for_summary(admin_port, "mysql-0:primary"), "mysql-0:primary") << weir.log();
  EXPECT_EQ(reader.scalar("SELECT @@server_id"), "100");
  EXPECT_EQ(kept.scalar("SELECT COUNT(*) FROM app.t"), "1");

  // mysql-2 comes up, and mysql-1 serves again: both replicas, reads go to them, not the primary.
  put_slice(slice_for("mysql-2", "192.0.2.12", replica2.port(), true));
  put_slice(slice_for("mysql-1", "192.0.2.11", replica1.port(), true));
  EXPECT_EQ(wait_for_summary(admin_port, "mysql-0:primary mysql-1:replica:usable mysql-2:replica:usable"),
            "mysql-0:primary mysql-1:replica:usable mysql-2:replica:usable")
      << weir.log();
  std::set<std::string> seen;
  for (int i = 0; i < 40; ++i) seen.insert(reader.scalar("SELECT @@server_id").value_or("?"));
  EXPECT_EQ(seen, (std::set<std::string>{"101", "102"}));

  // The slice of mysql-2 goes away (the pod was deleted): it leaves the list.
  delete_slice("mysql-mysql-2");
  EXPECT_EQ(wait_for_summary(admin_port, "mysql-0:primary mysql-1:replica:usable"),
            "mysql-0:primary mysql-1:replica:usable")
      << weir.log();

  // Through all of it the first session went on, on the same connection to the primary.
  kept.execute("INSERT INTO app.t VALUES (2)");
  EXPECT_EQ(kept.scalar("SELECT COUNT(*) FROM app.t"), "2");
  EXPECT_EQ(weir.log().find("backend discovery failed"), std::string::npos) << weir.log();
}

// The proxy runs as the ServiceAccount `weir deploy` creates, with the Role it binds: a token of
// that account (TokenRequest, as the kubelet mounts one) must be enough for discovery.
TEST_F(KubernetesDiscovery, TheProxysServiceAccountFromTheDeployedObjectsMayListAndWatch) {
  auto client = admin();
  weir::manifests::DeploySettings settings;
  settings.namespace_name = ns_;
  settings.service_monitor = false;
  ApplyOptions apply;
  apply.wait = false;
  const auto report = apply_objects(
      weir::manifests::build_objects(settings), client, [](const std::string&) {}, apply);
  ASSERT_TRUE(report.ok()) << report.summary();

  const json request = {
      {"apiVersion", "authentication.k8s.io/v1"}, {"kind", "TokenRequest"}, {"spec", {{"expirationSeconds", 3600}}}};
  auto token = client.send("POST", "/api/v1/namespaces/" + ns_ + "/serviceaccounts/" + settings.proxy_name + "/token",
                           request, "application/json");
  ASSERT_TRUE(token.ok()) << token.error().to_string();
  const std::string value = (*token)["status"]["token"];
  std::string ca;
  run_command("base64 -w0 " + api_server().dir + "/ca.crt", ca, false);
  const std::string path = api_server().dir + "/kubeconfig-proxy-" + ns_;
  std::ofstream(path) << "apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n    server: "
                      << api_server().server << "\n    certificate-authority-data: " << ca
                      << "\nusers:\n- name: proxy\n  user:\n    token: " << value
                      << "\ncontexts:\n- name: x\n  context: {cluster: c, user: proxy, namespace: " << ns_
                      << "}\ncurrent-context: x\n";

  put_slice(slice_for("mysql-0", "192.0.2.10", 3306, true));
  put_slice(slice_for("mysql-1", "192.0.2.11", 3306, true));
  WeirOptions options;
  options.users = {{kApp, kAppPassword}};
  options.admin_yaml = "admin:\n  enabled: true\n  address: 127.0.0.1\n  port: 0\n";
  // No namespace: the context's, as in a pod the service account's.
  options.backends_yaml =
      "backends:\n  discovery: kubernetes\n  kubernetes:\n    service: mysql\n    kubeconfig: " + path + "\n";
  WeirProcess weir(options);
  const std::string admin_port = admin_port_of(weir);
  // Nothing answers on those addresses: listed, the replica not usable.
  EXPECT_EQ(wait_for_summary(admin_port, "mysql-0:primary mysql-1:replica:unusable"),
            "mysql-0:primary mysql-1:replica:unusable")
      << weir.log();
  // The watch works too: a change arrives.
  put_slice(slice_for("mysql-1", "192.0.2.11", 3306, false));
  EXPECT_EQ(wait_for_summary(admin_port, "mysql-0:primary"), "mysql-0:primary") << weir.log();
  EXPECT_EQ(weir.log().find("backend discovery failed"), std::string::npos) << weir.log();
  std::filesystem::remove(path);
}

TEST_F(KubernetesDiscovery, AnAccountWithoutRightsIsReportedAndNothingIsListed) {
  WeirOptions options;
  options.users = {{kApp, kAppPassword}};
  options.admin_yaml = "admin:\n  enabled: true\n  address: 127.0.0.1\n  port: 0\n";
  options.backends_yaml = backends_yaml(kubeconfig("kubeconfig-nobody"), ns_);
  WeirProcess weir(options);
  const std::string admin_port = admin_port_of(weir);
  ASSERT_TRUE(weir.wait_for_log("backend discovery failed", 20s)) << weir.log();
  const std::string log = weir.log();
  EXPECT_NE(log.find("EndpointSlices of Service mysql: Forbidden (403)"), std::string::npos) << log;
  EXPECT_TRUE(backends(admin_port).empty());
  std::string out;
  run_command("curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:" + admin_port + "/readyz", out, false);
  EXPECT_EQ(out, "503");
}

TEST_F(KubernetesDiscovery, AMissingKubeconfigIsReportedWithItsPath) {
  WeirOptions options;
  options.users = {{kApp, kAppPassword}};
  options.backends_yaml = backends_yaml("/nonexistent/kubeconfig", ns_);
  WeirProcess weir(options);
  ASSERT_TRUE(weir.wait_for_log("backend discovery failed", 20s)) << weir.log();
  EXPECT_NE(weir.log().find("/nonexistent/kubeconfig"), std::string::npos) << weir.log();
}

}  // namespace
}  // namespace weir::deployer::testing
