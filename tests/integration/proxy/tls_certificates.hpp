#pragma once
// Certificates for backend TLS tests, made with the openssl command line in a temp dir of their
// own (removed unless WEIR_KEEP_TEST_DIRS): a test CA, server certificates from it (one for
// 127.0.0.1, one for another name), a client certificate from it, and a second CA that signed
// nothing the servers use.
#include <stdlib.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "weir/testing/mariadb_server.hpp"
#include "weir/testing/process.hpp"

namespace weir::testing::proxy_tests {

class TestCertificates {
 public:
  TestCertificates() {
    std::string pattern = "/tmp/weir-backend-tls-XXXXXX";
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    dir_ = pattern;
    make_ca("ca");
    make_ca("other-ca");
    make_signed("server", "127.0.0.1", "subjectAltName=IP:127.0.0.1");
    make_signed("misnamed", "db.example.invalid", "subjectAltName=DNS:db.example.invalid");
    make_signed("client", "weir", "extendedKeyUsage=clientAuth");
  }
  ~TestCertificates() {
    if (std::getenv("WEIR_KEEP_TEST_DIRS") == nullptr) {
      std::error_code ignored;
      std::filesystem::remove_all(dir_, ignored);
    }
  }
  TestCertificates(const TestCertificates&) = delete;
  TestCertificates& operator=(const TestCertificates&) = delete;

  std::string ca() const { return dir_ + "/ca.pem"; }
  std::string other_ca() const { return dir_ + "/other-ca.pem"; }
  std::string cert(const std::string& name) const { return dir_ + "/" + name + "-cert.pem"; }
  std::string key(const std::string& name) const { return dir_ + "/" + name + "-key.pem"; }

  // A server presenting certificate `name` ("server" or "misnamed"), trusting the test CA.
  MariadbOptions server_options(const std::string& name) const {
    MariadbOptions options;
    options.ssl_cert = cert(name);
    options.ssl_key = key(name);
    options.ssl_ca = ca();
    return options;
  }

 private:
  void run(const std::vector<std::string>& argv) const {
    const int rc = run_program(argv, dir_ + "/openssl.out", std::chrono::seconds(60));
    if (rc != 0) throw std::runtime_error("openssl failed: " + file_tail(dir_ + "/openssl.out"));
  }
  void make_ca(const std::string& name) const {
    run({"openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", dir_ + "/" + name + "-key.pem", "-out",
         dir_ + "/" + name + ".pem", "-days", "2", "-subj", "/CN=weir test " + name});
  }
  void make_signed(const std::string& name, const std::string& cn, const std::string& extension) const {
    const std::string csr = dir_ + "/" + name + ".csr";
    const std::string ext = dir_ + "/" + name + ".ext";
    std::ofstream(ext) << extension << "\n";
    run({"openssl", "req", "-newkey", "rsa:2048", "-nodes", "-keyout", key(name), "-out", csr, "-subj", "/CN=" + cn});
    run({"openssl", "x509", "-req", "-in", csr, "-CA", ca(), "-CAkey", dir_ + "/ca-key.pem", "-CAcreateserial", "-out",
         cert(name), "-days", "2", "-extfile", ext});
  }

  std::string dir_;
};

}  // namespace weir::testing::proxy_tests
