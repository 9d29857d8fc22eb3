// The monitor follows tls.backend like every other link to a server (weir/sqlclient/tls_policy.hpp),
// against a real server with TLS and a monitor account that must use it: none = encrypted only,
// ca = + the chain (the name not checked), full = + the host name.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <chrono>
#include <memory>
#include <string>

#include "health/monitor.hpp"
#include "weir/testing/mariadb_server.hpp"
#include "weir/testing/tls_certificates.hpp"

namespace weir::health {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using testing::MariadbServer;
using testing::TestCertificates;
using Verify = config::BackendTlsConfig::Verify;

class MonitorTls : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    certs_ = new TestCertificates();
    server_ = new MariadbServer(certs_->server_options("server"));
    misnamed_ = new MariadbServer(certs_->server_options("misnamed"));
    for (MariadbServer* s : {server_, misnamed_}) {
      s->create_user("weir_monitor", "monitor-pw", "SELECT, SLAVE MONITOR", "*.*");
      s->execute("ALTER USER 'weir_monitor'@'%' REQUIRE SSL");
    }
    server_->create_user("weir_monitor_x509", "monitor-pw", "SELECT, SLAVE MONITOR", "*.*");
    server_->execute("ALTER USER 'weir_monitor_x509'@'%' REQUIRE X509");
  }
  static void TearDownTestSuite() {
    delete misnamed_;
    delete server_;
    delete certs_;
  }

  // One round of a monitor over `server` alone: whether it reached the server.
  static bool reaches(const MariadbServer& server, bool enabled, Verify verify, const std::string& ca_file,
                      const std::string& user = "weir_monitor", const std::string& client_cert = "") {
    auto c = std::make_shared<config::Config>();
    c->monitor.user = user;
    c->monitor.password.value = "monitor-pw";
    c->monitor.check_interval = milliseconds(200);
    c->monitor.heartbeat.enabled = false;
    c->timeouts.connect = seconds(3);
    c->tls.backend.enabled = enabled;
    c->tls.backend.verify = verify;
    c->tls.backend.ca_file = ca_file;
    if (!client_cert.empty()) {
      c->tls.backend.cert_file = certs_->cert(client_cert);
      c->tls.backend.key_file = certs_->key(client_cert);
    }
    c->backends.static_backends = {{"primary", server.host(), server.port(), config::Role::primary, 1}};
    FailureReports reports;
    Monitor monitor(
        c, [](const std::shared_ptr<const Topology>&) {}, reports);
    monitor.start();
    const bool checked = monitor.wait_first_round(seconds(30));
    const auto topology = monitor.latest();
    monitor.stop();
    if (!checked || !topology || topology->backends.empty()) throw std::runtime_error("no round finished");
    return topology->backends.front().reachable;
  }

  static TestCertificates* certs_;
  static MariadbServer* server_;
  static MariadbServer* misnamed_;
};

TestCertificates* MonitorTls::certs_ = nullptr;
MariadbServer* MonitorTls::server_ = nullptr;
MariadbServer* MonitorTls::misnamed_ = nullptr;

TEST_F(MonitorTls, WithoutTlsTheAccountIsRefused) {
  EXPECT_FALSE(reaches(*server_, false, Verify::full, certs_->ca()));
}

TEST_F(MonitorTls, NoneAcceptsAnyCertificate) {
  EXPECT_TRUE(reaches(*misnamed_, true, Verify::none, ""));
  EXPECT_TRUE(reaches(*server_, true, Verify::none, certs_->other_ca()));
}

TEST_F(MonitorTls, CaAcceptsTheRightCaWhateverTheName) {
  EXPECT_TRUE(reaches(*server_, true, Verify::ca, certs_->ca()));
  EXPECT_TRUE(reaches(*misnamed_, true, Verify::ca, certs_->ca()));
}

TEST_F(MonitorTls, CaRefusesAnotherCa) { EXPECT_FALSE(reaches(*server_, true, Verify::ca, certs_->other_ca())); }

TEST_F(MonitorTls, CaWithoutAFileUsesTheSystemCasWhichDoNotHoldTheTestCa) {
  EXPECT_FALSE(reaches(*server_, true, Verify::ca, ""));
}

TEST_F(MonitorTls, CaWithoutAFileTrustsWhatTheSystemStoreHolds) {
  // SSL_CERT_FILE names the system's trust store to OpenSSL (and to weir) in place of its default.
  ::setenv("SSL_CERT_FILE", certs_->ca().c_str(), 1);
  const bool reached = reaches(*server_, true, Verify::ca, "");
  ::unsetenv("SSL_CERT_FILE");
  EXPECT_TRUE(reached);
}

TEST_F(MonitorTls, FullAcceptsAMatchingName) { EXPECT_TRUE(reaches(*server_, true, Verify::full, certs_->ca())); }

TEST_F(MonitorTls, FullRefusesAMismatchingName) { EXPECT_FALSE(reaches(*misnamed_, true, Verify::full, certs_->ca())); }

TEST_F(MonitorTls, AClientCertificateIsPresentedWhenConfigured) {
  EXPECT_FALSE(reaches(*server_, true, Verify::full, certs_->ca(), "weir_monitor_x509"));
  EXPECT_TRUE(reaches(*server_, true, Verify::full, certs_->ca(), "weir_monitor_x509", "client"));
}

}  // namespace
}  // namespace weir::health
