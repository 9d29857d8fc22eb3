// The one meaning of tls.backend, as a table: every setting and what a link does with it.
#include "weir/sqlclient/tls_policy.hpp"

#include <gtest/gtest.h>

#include <string>
#include <utility>

namespace weir::sqlclient {
namespace {

using Verify = TlsSettings::Verify;

struct Row {
  const char* name;
  TlsSettings settings;
  TlsPolicy expected;
};

TlsSettings settings(bool enabled, Verify verify, std::string ca_file) {
  TlsSettings s;
  s.enabled = enabled;
  s.verify = verify;
  s.ca_file = std::move(ca_file);
  return s;
}

TlsPolicy policy(bool encrypt, bool chain, bool host, CaSource source, std::string ca_file) {
  return TlsPolicy{encrypt, chain, host, source, std::move(ca_file), {}, {}};
}

const Row kTable[] = {
    {"disabled", settings(false, Verify::full, "/ca.pem"), policy(false, false, false, CaSource::none, "")},
    {"disabled none", settings(false, Verify::none, ""), policy(false, false, false, CaSource::none, "")},
    {"none", settings(true, Verify::none, ""), policy(true, false, false, CaSource::none, "")},
    {"none ignores the CA file", settings(true, Verify::none, "/ca.pem"),
     policy(true, false, false, CaSource::none, "")},
    {"ca with a file", settings(true, Verify::ca, "/ca.pem"), policy(true, true, false, CaSource::file, "/ca.pem")},
    {"ca without a file", settings(true, Verify::ca, ""), policy(true, true, false, CaSource::system, "")},
    {"full with a file", settings(true, Verify::full, "/ca.pem"), policy(true, true, true, CaSource::file, "/ca.pem")},
    {"full without a file", settings(true, Verify::full, ""), policy(true, true, true, CaSource::system, "")},
};

TEST(TlsPolicy, Table) {
  for (const auto& row : kTable) {
    SCOPED_TRACE(row.name);
    const TlsPolicy got = tls_policy(row.settings);
    EXPECT_EQ(got.encrypt, row.expected.encrypt);
    EXPECT_EQ(got.verify_chain, row.expected.verify_chain);
    EXPECT_EQ(got.verify_host_name, row.expected.verify_host_name);
    EXPECT_EQ(got.ca_source, row.expected.ca_source);
    EXPECT_EQ(got.ca_file, row.expected.ca_file);
  }
}

TEST(TlsPolicy, TheHostNameIsNeverCheckedWithoutTheChain) {
  for (const auto& row : kTable) {
    const TlsPolicy got = tls_policy(row.settings);
    EXPECT_TRUE(!got.verify_host_name || got.verify_chain) << row.name;
    EXPECT_TRUE(!got.verify_chain || got.ca_source != CaSource::none) << row.name;
  }
}

TEST(TlsPolicy, TheClientCertificateGoesWithEncryptionOnly) {
  TlsSettings s = settings(true, Verify::none, "");
  s.cert_file = "/client-cert.pem";
  s.key_file = "/client-key.pem";
  EXPECT_EQ(tls_policy(s).cert_file, "/client-cert.pem");
  EXPECT_EQ(tls_policy(s).key_file, "/client-key.pem");
  s.enabled = false;
  EXPECT_EQ(tls_policy(s).cert_file, "");
}

TEST(TlsPolicy, TheDefaultIsPlainAndFullOnceEnabled) {
  TlsSettings s;
  EXPECT_FALSE(tls_policy(s).encrypt);
  s.enabled = true;
  EXPECT_TRUE(tls_policy(s).verify_host_name);
}

}  // namespace
}  // namespace weir::sqlclient
