// TLS between clients and weir: a client that asks for TLS gets it (and can verify weir's
// certificate), a plain client still works unless TLS is required, and then it is refused with a
// clear error. The server's per-connection status through weir describes weir's link to the
// server; GET /sessions on the admin endpoint shows the client's own link.
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <regex>
#include <sstream>

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
  const int rc =
      run_program({"openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", files.key, "-out", files.cert,
                   "-days", "2", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"},
                  dir + "/openssl.out", std::chrono::seconds(60));
  EXPECT_EQ(rc, 0) << "openssl could not make a test certificate";
  return files;
}

WeirOptions with_client_tls(const MariadbServer& server, const TlsFiles& files, bool required) {
  WeirOptions options = weir_for(server);
  options.extra_yaml = "tls:\n  client:\n    enabled: true\n    cert_file: " + files.cert +
                       "\n    key_file: " + files.key + "\n    required: " + (required ? "true" : "false") + "\n";
  return options;
}

// Connects with TLS, verifying weir's certificate against `ca`.
Mysql open_tls(std::uint16_t port, const std::string& ca, std::string* error) {
  MYSQL* m = mysql_init(nullptr);
  const my_bool on = 1;
  mysql_optionsv(m, MYSQL_OPT_SSL_ENFORCE, &on);
  mysql_optionsv(m, MYSQL_OPT_SSL_VERIFY_SERVER_CERT, &on);
  mysql_optionsv(m, MYSQL_OPT_SSL_CA, ca.c_str());
  if (mysql_real_connect(m, "127.0.0.1", kApp, kAppPassword, nullptr, port, nullptr, CLIENT_MULTI_RESULTS) == nullptr) {
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
  EXPECT_EQ(mysql_real_connect(wrong, "127.0.0.1", kApp, "not-the-password", nullptr, weir.port(), nullptr, 0),
            nullptr);
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

TEST(TlsThroughWeir, TheAdminSessionsViewShowsTheClientsOwnTlsAndTheServersThread) {
  MariadbServer server;
  prepare_server(server);
  const TlsFiles files = make_certificate(server.dir());
  WeirOptions options = with_client_tls(server, files, false);
  options.admin_yaml = "admin:\n  enabled: true\n  port: 0\n";
  WeirProcess weir(options);
  ASSERT_TRUE(weir.wait_for_log("msg=\"admin listening\"", std::chrono::seconds(10))) << weir.log();
  std::smatch match;
  const std::string log = weir.log();
  ASSERT_TRUE(std::regex_search(log, match, std::regex(R"(msg="admin listening" address=127\.0\.0\.1:([0-9]+))")));
  const std::string admin_port = match[1];

  std::string error;
  Mysql secure = open_tls(weir.port(), files.cert, &error);
  ASSERT_NE(secure, nullptr) << error;
  Mysql plain = open_mysql(weir.port(), {});
  ASSERT_NE(plain, nullptr);
  const std::string cipher = mysql_get_ssl_cipher(secure.get());
  // Through weir the server's Ssl_cipher is that of weir's (plain) link to it, not the client's.
  ASSERT_EQ(mysql_query(secure.get(), "SHOW SESSION STATUS LIKE 'Ssl_cipher'"), 0);
  MYSQL_RES* res = mysql_store_result(secure.get());
  ASSERT_NE(res, nullptr);
  MYSQL_ROW row = mysql_fetch_row(res);
  ASSERT_NE(row, nullptr);
  EXPECT_STREQ(row[1], "");
  mysql_free_result(res);
  const std::string secure_thread = scalar_of(secure.get(), "SELECT CONNECTION_ID()");

  const std::string out = server.dir() + "/sessions.json";
  ASSERT_EQ(run_program({"curl", "-sS", "-o", out, "http://127.0.0.1:" + admin_port + "/sessions"},
                        server.dir() + "/curl.out", std::chrono::seconds(20)),
            0);
  std::ifstream in(out);
  std::stringstream body;
  body << in.rdbuf();
  const std::string json = body.str();
  const std::string secure_entry = "{\"id\": " + std::to_string(mysql_thread_id(secure.get())) + ",";
  const std::string plain_entry = "{\"id\": " + std::to_string(mysql_thread_id(plain.get())) + ",";
  const auto secure_at = json.find(secure_entry);
  const auto plain_at = json.find(plain_entry);
  ASSERT_NE(secure_at, std::string::npos) << json;
  ASSERT_NE(plain_at, std::string::npos) << json;
  const std::string secure_line = json.substr(secure_at, json.find('\n', secure_at) - secure_at);
  const std::string plain_line = json.substr(plain_at, json.find('\n', plain_at) - plain_at);
  EXPECT_NE(secure_line.find("\"cipher\": \"" + cipher + "\""), std::string::npos) << secure_line;
  EXPECT_NE(secure_line.find("\"user\": \"app\""), std::string::npos) << secure_line;
  EXPECT_NE(secure_line.find("\"thread_id\": " + secure_thread + "}"), std::string::npos) << secure_line;
  EXPECT_NE(plain_line.find("\"tls\": null"), std::string::npos) << plain_line;
}

}  // namespace
}  // namespace weir::testing::proxy_tests
