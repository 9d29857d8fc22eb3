// When weir refuses a backend's certificate, its log and the client's error name the check that
// failed (OpenSSL's verify result), so an operator can tell a wrong CA from a wrong name.
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "proxy_support.hpp"
#include "weir/testing/tls_certificates.hpp"

namespace weir::testing::proxy_tests {
namespace {

using namespace std::chrono_literals;

WeirOptions verifying(const MariadbServer& server, const std::string& verify, const std::string& ca_file) {
  WeirOptions options = weir_for(server);
  options.extra_yaml =
      "tls:\n  backend:\n    enabled: true\n    verify: " + verify + "\n    ca_file: " + ca_file + "\n";
  return options;
}

TEST(BackendTlsCause, AWrongNameIsNamedAsTheCause) {
  const TestCertificates certs;
  MariadbServer server(certs.server_options("misnamed"));
  prepare_server(server);
  WeirProcess weir(verifying(server, "full", certs.ca()));
  std::string error;
  ASSERT_EQ(open_mysql(weir.port(), {}, &error), nullptr);
  ASSERT_TRUE(weir.wait_for_log("backend login failed", 5s)) << weir.log();
  // The backend is addressed by IP (127.0.0.1): OpenSSL calls it an IP address mismatch.
  const auto named = [](const std::string& text) {
    return text.find("IP address mismatch") != std::string::npos || text.find("hostname mismatch") != std::string::npos;
  };
  EXPECT_TRUE(named(weir.log())) << weir.log();
  EXPECT_TRUE(named(error)) << error;
}

TEST(BackendTlsCause, AnUnknownCaIsNamedAsTheCause) {
  const TestCertificates certs;
  MariadbServer server(certs.server_options("server"));
  prepare_server(server);
  WeirProcess weir(verifying(server, "ca", certs.other_ca()));
  std::string error;
  ASSERT_EQ(open_mysql(weir.port(), {}, &error), nullptr);
  ASSERT_TRUE(weir.wait_for_log("backend login failed", 5s)) << weir.log();
  const std::string log = weir.log();
  EXPECT_TRUE(log.find("unable to get local issuer certificate") != std::string::npos ||
              log.find("self-signed certificate in certificate chain") != std::string::npos)
      << log;
}

}  // namespace
}  // namespace weir::testing::proxy_tests
