// TLS between weir and its backend: with tls.backend enabled the backend session weir opens for a
// client is encrypted (the server's own Ssl_cipher, asked through weir, is set; without it, it
// is empty), and the verification modes do what they say: `full` refuses a certificate whose
// name is not the backend's address, `ca` refuses a certificate from another CA, `none` accepts
// any. A refused backend gives the client a login error naming the backend and weir's log the cause.
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "proxy_support.hpp"
#include "weir/testing/tls_certificates.hpp"

namespace weir::testing::proxy_tests {
namespace {

using namespace std::chrono_literals;

WeirOptions weir_with_backend_tls(const MariadbServer& server, const std::string& tls_yaml) {
  WeirOptions options = weir_for(server);
  options.extra_yaml = "timeouts:\n  connect: 3s\ntls:\n  backend:\n" + tls_yaml;
  return options;
}

std::string backend_tls(const std::string& verify, const std::string& ca_file) {
  std::string yaml = "    enabled: true\n    verify: " + verify + "\n";
  if (!ca_file.empty()) yaml += "    ca_file: " + ca_file + "\n";
  return yaml;
}

// The server's Ssl_cipher for the backend session serving this client ("" when plain).
std::string backend_cipher(MYSQL* m) {
  if (mysql_query(m, "SHOW SESSION STATUS LIKE 'Ssl_cipher'") != 0) {
    return "ERR " + std::to_string(mysql_errno(m)) + " " + mysql_error(m);
  }
  MYSQL_RES* res = mysql_store_result(m);
  if (res == nullptr) return "<no result>";
  MYSQL_ROW row = mysql_fetch_row(res);
  std::string value = row == nullptr ? "<no row>" : row[1] == nullptr ? "NULL" : row[1];
  mysql_free_result(res);
  return value;
}

TEST(BackendTls, VerifiedTlsEncryptsTheBackendSession) {
  const TestCertificates certs;
  MariadbServer server(certs.server_options("server"));
  prepare_server(server);
  WeirProcess weir(weir_with_backend_tls(server, backend_tls("full", certs.ca())));
  std::string error;
  Mysql m = open_mysql(weir.port(), {}, &error);
  ASSERT_NE(m, nullptr) << error << "\n" << weir.log();
  const std::string cipher = backend_cipher(m.get());
  EXPECT_FALSE(cipher.empty()) << "the backend session is not encrypted";
  EXPECT_EQ(cipher.rfind("ERR", 0), std::string::npos) << cipher;
  EXPECT_EQ(mysql_get_ssl_cipher(m.get()), nullptr) << "the client side stays plain: only the backend uses TLS";
  EXPECT_EQ(scalar_of(m.get(), "SELECT 40 + 2"), "42");
}

TEST(BackendTls, WithoutBackendTlsTheSessionIsPlain) {
  const TestCertificates certs;
  MariadbServer server(certs.server_options("server"));
  prepare_server(server);
  WeirProcess weir(weir_for(server));
  std::string error;
  Mysql m = open_mysql(weir.port(), {}, &error);
  ASSERT_NE(m, nullptr) << error;
  EXPECT_EQ(backend_cipher(m.get()), "");
}

TEST(BackendTls, FullVerificationRefusesACertificateForAnotherName) {
  const TestCertificates certs;
  MariadbServer server(certs.server_options("misnamed"));
  prepare_server(server);
  WeirProcess weir(weir_with_backend_tls(server, backend_tls("full", certs.ca())));
  std::string error;
  Mysql m = open_mysql(weir.port(), {}, &error);
  ASSERT_EQ(m, nullptr) << "a certificate for db.example.invalid was accepted for 127.0.0.1";
  EXPECT_NE(error.find("primary"), std::string::npos) << "the error names the backend: " << error;
  EXPECT_NE(error.find("TLS"), std::string::npos) << error;
  ASSERT_TRUE(weir.wait_for_log("backend login failed", 5s)) << weir.log();
  const std::string log = weir.log();
  EXPECT_NE(log.find("certificate verify failed"), std::string::npos) << log;
}

TEST(BackendTls, CaVerificationRefusesACertificateFromAnotherCa) {
  const TestCertificates certs;
  MariadbServer server(certs.server_options("server"));
  prepare_server(server);
  WeirProcess weir(weir_with_backend_tls(server, backend_tls("ca", certs.other_ca())));
  std::string error;
  Mysql m = open_mysql(weir.port(), {}, &error);
  ASSERT_EQ(m, nullptr) << "a certificate from an unknown CA was accepted";
  EXPECT_NE(error.find("primary"), std::string::npos) << error;
  ASSERT_TRUE(weir.wait_for_log("backend login failed", 5s)) << weir.log();
  EXPECT_NE(weir.log().find("certificate verify failed"), std::string::npos) << weir.log();
}

TEST(BackendTls, CaVerificationDoesNotCheckTheName) {
  const TestCertificates certs;
  MariadbServer server(certs.server_options("misnamed"));
  prepare_server(server);
  WeirProcess weir(weir_with_backend_tls(server, backend_tls("ca", certs.ca())));
  std::string error;
  Mysql m = open_mysql(weir.port(), {}, &error);
  ASSERT_NE(m, nullptr) << error << "\n" << weir.log();
  EXPECT_FALSE(backend_cipher(m.get()).empty());
}

TEST(BackendTls, NoVerificationAcceptsAnyCertificateAndStillEncrypts) {
  const TestCertificates certs;
  MariadbServer server(certs.server_options("misnamed"));
  prepare_server(server);
  WeirProcess weir(weir_with_backend_tls(server, backend_tls("none", "")));
  std::string error;
  Mysql m = open_mysql(weir.port(), {}, &error);
  ASSERT_NE(m, nullptr) << error << "\n" << weir.log();
  EXPECT_FALSE(backend_cipher(m.get()).empty());
  EXPECT_EQ(scalar_of(m.get(), "SELECT 1"), "1");
}

TEST(BackendTls, ABackendWithoutTlsIsRefusedWhenTlsIsOn) {
  MariadbServer server;  // no certificate: the server does not offer TLS
  prepare_server(server);
  WeirProcess weir(weir_with_backend_tls(server, backend_tls("none", "")));
  std::string error;
  Mysql m = open_mysql(weir.port(), {}, &error);
  ASSERT_EQ(m, nullptr) << "a plain backend session was used although tls.backend is enabled";
  EXPECT_NE(error.find("does not offer TLS"), std::string::npos) << error;
}

TEST(BackendTls, PooledBackendConnectionsStayEncrypted) {
  const TestCertificates certs;
  MariadbServer server(certs.server_options("server"));
  prepare_server(server);
  WeirProcess weir(weir_with_backend_tls(server, backend_tls("full", certs.ca())));
  for (int i = 0; i < 4; ++i) {
    std::string error;
    Mysql m = open_mysql(weir.port(), {}, &error);
    ASSERT_NE(m, nullptr) << error;
    EXPECT_FALSE(backend_cipher(m.get()).empty()) << "client " << i;
  }
}

TEST(BackendTls, AClientCertificateSatisfiesAnAccountThatRequiresOne) {
  const TestCertificates certs;
  MariadbServer server(certs.server_options("server"));
  prepare_server(server);
  server.execute("ALTER USER app@'%' REQUIRE X509");
  const std::string with_certificate = backend_tls("full", certs.ca()) + "    cert_file: " + certs.cert("client") +
                                       "\n    key_file: " + certs.key("client") + "\n";
  {
    WeirProcess weir(weir_with_backend_tls(server, with_certificate));
    std::string error;
    Mysql m = open_mysql(weir.port(), {}, &error);
    ASSERT_NE(m, nullptr) << error << "\n" << weir.log();
    EXPECT_FALSE(backend_cipher(m.get()).empty());
  }
  WeirProcess weir(weir_with_backend_tls(server, backend_tls("full", certs.ca())));
  std::string error;
  EXPECT_EQ(open_mysql(weir.port(), {}, &error), nullptr) << "REQUIRE X509 passed without a client certificate";
  EXPECT_EQ(error.rfind("1045 ", 0), 0U) << "the server's own refusal reaches the client: " << error;
}

}  // namespace
}  // namespace weir::testing::proxy_tests
