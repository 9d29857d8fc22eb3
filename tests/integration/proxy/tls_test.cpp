// TLS between clients and weir: a client that asks for TLS gets it (and can verify weir's
// certificate), a plain client still works unless TLS is required, and then it is refused with a
// clear error.
#include <gtest/gtest.h>

#include <chrono>

#include "proxy_support.hpp"

namespace weir::testing::proxy_tests {
namespace {

struct TlsFiles {
  std::string cert;
  std::string key;
};

// A self-signed certificate for 127.0.0.1, made with the openssl command line.
TlsFiles make_certificate(const std::string& dir) {
  TlsFiles files{dir + "/weir-cert.pem", dir + "/weir-key.pem"};
  const int rc = run_program({"openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", files.key, "-out",
                              files.cert, "-days", "2", "-subj", "/CN=127.0.0.1", "-addext",
                              "subjectAltName=IP:127.0.0.1"},
                             dir + "/openssl.out", std::chrono::seconds(60));
  EXPECT_EQ(rc, 0) << "openssl could not make a test certificate";
  return files;
}

WeirOptions with_client_tls(const MariadbServer& server, const TlsFiles& files, bool required) {
  WeirOptions options = weir_for(server);
  options.extra_yaml = "tls:\n  client:\n    enabled: true\n    cert_file: " + files.cert + "\n    key_file: " +
                       files.key + "\n    required: " + (required ? "true" : "false") + "\n";
  return options;
}

// Connects with TLS, verifying weir's certificate against `ca`.
Mysql open_tls(std::uint16_t port, const std::string& ca, std::string* error) {
  MYSQL* m = mysql_init(nullptr);
  const my_bool on = 1;
  mysql_optionsv(m, MYSQL_OPT_SSL_ENFORCE, &on);
  mysql_optionsv(m, MYSQL_OPT_SSL_VERIFY_SERVER_CERT, &on);
  mysql_optionsv(m, MYSQL_OPT_SSL_CA, ca.c_str());
  if (mysql_real_connect(m, "127.0.0.1", kApp, kAppPassword, nullptr, port, nullptr, CLIENT_MULTI_RESULTS) ==
      nullptr) {
    *error = std::to_string(mysql_errno(m)) + " " + mysql_error(m);
    mysql_close(m);
    return nullptr;
  }
  return Mysql(m);
}

TEST(TlsThroughWeir, AClientThatAsksForTlsGetsAVerifiedSession) {
  MariadbServer server;
  prepare_server(server);
  const TlsFiles files = make_certificate(server.dir());
  WeirProcess weir(with_client_tls(server, files, false));
  std::string error;
  Mysql m = open_tls(weir.port(), files.cert, &error);
  ASSERT_NE(m, nullptr) << error;
  EXPECT_NE(mysql_get_ssl_cipher(m.get()), nullptr);
  EXPECT_EQ(scalar_of(m.get(), "SELECT 40 + 2"), "42");
  // A wrong password over TLS is refused exactly as without it.
  MYSQL* wrong = mysql_init(nullptr);
  const my_bool on = 1;
  mysql_optionsv(wrong, MYSQL_OPT_SSL_ENFORCE, &on);
  EXPECT_EQ(mysql_real_connect(wrong, "127.0.0.1", kApp, "not-the-password", nullptr, weir.port(), nullptr, 0), nullptr);
  EXPECT_EQ(mysql_errno(wrong), 1045U);
  mysql_close(wrong);
}

TEST(TlsThroughWeir, APlainClientIsServedWhenTlsIsOptional) {
  MariadbServer server;
  prepare_server(server);
  const TlsFiles files = make_certificate(server.dir());
  WeirProcess weir(with_client_tls(server, files, false));
  Mysql m = open_mysql(weir.port(), {});
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(mysql_get_ssl_cipher(m.get()), nullptr);
  EXPECT_EQ(scalar_of(m.get(), "SELECT 1"), "1");
}

TEST(TlsThroughWeir, APlainClientIsRefusedWhenTlsIsRequired) {
  MariadbServer server;
  prepare_server(server);
  const TlsFiles files = make_certificate(server.dir());
  WeirProcess weir(with_client_tls(server, files, true));
  std::string error;
  EXPECT_EQ(open_mysql(weir.port(), {}, &error), nullptr);
  EXPECT_EQ(error.rfind("3159 ", 0), 0U) << error;
  Mysql secure = open_tls(weir.port(), files.cert, &error);
  EXPECT_NE(secure, nullptr) << error;
}

}  // namespace
}  // namespace weir::testing::proxy_tests
