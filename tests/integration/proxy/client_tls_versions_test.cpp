// The TLS versions clients meet at weir: TLS 1.2 and 1.3 are served, TLS 1.1 is refused, whatever
// the client offers (openssl s_client, which speaks the MySQL STARTTLS exchange itself). weir and
// the client run under an OpenSSL configuration that allows TLS 1.0 at security level 0, so that
// a refusal is weir's own floor and not the machine's OpenSSL defaults.
#include <gtest/gtest.h>

#include <stdlib.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <string>

#include "proxy_support.hpp"
#include "weir/testing/tls_certificates.hpp"

namespace weir::testing::proxy_tests {
namespace {

struct Handshake {
  int exit_code = -1;
  std::string output;
};

// One TLS handshake with weir at exactly `version` ("-tls1_1", "-tls1_2", "-tls1_3"), offering
// `ciphers` for TLS 1.2 and below. Security level 0 on the client's side by default, so that a
// refusal of TLS 1.1 is weir's, not the client's.
Handshake handshake(std::uint16_t port, const std::string& version, const std::string& dir,
                    const std::string& ciphers = "DEFAULT@SECLEVEL=0") {
  const std::string out = dir + "/s_client" + version + ciphers + ".out";
  const std::string command = "openssl s_client -brief -connect 127.0.0.1:" + std::to_string(port) +
                              " -starttls mysql " + version + " -cipher '" + ciphers + "' </dev/null";
  Handshake h;
  h.exit_code = run_program({"sh", "-c", command}, out, std::chrono::seconds(30));
  std::ifstream in(out);
  std::stringstream text;
  text << in.rdbuf();
  h.output = text.str();
  return h;
}

class ClientTlsVersions : public ::testing::Test {
 protected:
  void SetUp() override {
    prepare_server(server_);
    // Inherited by weir and s_client (started below), not by the server (started above).
    const std::string conf = server_.dir() + "/permissive-openssl.cnf";
    std::ofstream(conf) << "openssl_conf = openssl_init\n[openssl_init]\nssl_conf = ssl_sect\n[ssl_sect]\n"
                           "system_default = system_default_sect\n[system_default_sect]\nMinProtocol = TLSv1\n"
                           "CipherString = DEFAULT@SECLEVEL=0\n";
    ::setenv("OPENSSL_CONF", conf.c_str(), 1);
    WeirOptions options = weir_for(server_);
    options.extra_yaml = "tls:\n  client:\n    enabled: true\n    cert_file: " + certs_.cert("server") +
                         "\n    key_file: " + certs_.key("server") + "\n";
    weir_ = std::make_unique<WeirProcess>(options);
  }
  void TearDown() override { ::unsetenv("OPENSSL_CONF"); }

  TestCertificates certs_;
  MariadbServer server_;
  std::unique_ptr<WeirProcess> weir_;
};

TEST_F(ClientTlsVersions, Tls11IsRefused) {
  const Handshake h = handshake(weir_->port(), "-tls1_1", server_.dir());
  EXPECT_NE(h.exit_code, 0) << h.output;
  EXPECT_EQ(h.output.find("Protocol version: TLSv1.1"), std::string::npos) << h.output;
}

TEST_F(ClientTlsVersions, Tls12IsServedWithAForwardSecretAeadCipher) {
  const Handshake h = handshake(weir_->port(), "-tls1_2", server_.dir());
  EXPECT_EQ(h.exit_code, 0) << h.output;
  EXPECT_NE(h.output.find("Protocol version: TLSv1.2"), std::string::npos) << h.output;
  EXPECT_NE(h.output.find("Ciphersuite: ECDHE-"), std::string::npos) << h.output;
  EXPECT_NE(h.output.find("GCM"), std::string::npos) << h.output;
}

TEST_F(ClientTlsVersions, Tls13IsServed) {
  const Handshake h = handshake(weir_->port(), "-tls1_3", server_.dir());
  EXPECT_EQ(h.exit_code, 0) << h.output;
  EXPECT_NE(h.output.find("Protocol version: TLSv1.3"), std::string::npos) << h.output;
}

TEST_F(ClientTlsVersions, ACbcCipherIsRefusedAtTls12) {
  const Handshake h = handshake(weir_->port(), "-tls1_2", server_.dir(), "ECDHE-RSA-AES128-SHA256");
  EXPECT_NE(h.exit_code, 0) << h.output;
}

}  // namespace
}  // namespace weir::testing::proxy_tests
