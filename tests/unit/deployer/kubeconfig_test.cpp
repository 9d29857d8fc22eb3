#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "weir/deployer/kube.hpp"
#include "weir/testing/temp_dir.hpp"

namespace weir::deployer {
namespace {

using ::testing::HasSubstr;
namespace fs = std::filesystem;

constexpr const char* kConfig = R"(apiVersion: v1
kind: Config
current-context: a
clusters:
- name: one
  cluster:
    server: https://10.0.0.1:6443
    certificate-authority-data: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCg==
- name: two
  cluster:
    server: https://example.com
    insecure-skip-tls-verify: true
    tls-server-name: api.internal
contexts:
- name: a
  context: {cluster: one, user: token, namespace: prod}
- name: b
  context: {cluster: two, user: files}
- name: c
  context: {cluster: missing, user: token}
- name: d
  context: {cluster: one, user: nouser}
- name: e
  context: {cluster: one, user: halfcert}
- name: f
  context: {cluster: one, user: plugin}
users:
- name: token
  user: {token: abc}
- name: files
  user:
    client-certificate: certs/client.crt
    client-key: /abs/client.key
    tokenFile: tok
- name: halfcert
  user: {client-certificate-data: QQ==}
- name: plugin
  user:
    exec: {command: aws}
)";

TEST(Kubeconfig, CurrentContextWithTokenCaDataAndNamespace) {
  auto c = parse_kubeconfig(kConfig, "/base");
  ASSERT_TRUE(c.ok()) << c.error().to_string();
  EXPECT_EQ(c->context, "a");
  EXPECT_EQ(c->server, "https://10.0.0.1:6443");
  EXPECT_EQ(c->ca_pem, "-----BEGIN CERTIFICATE-----\n");
  EXPECT_EQ(c->token, "abc");
  EXPECT_EQ(c->namespace_name, "prod");
  EXPECT_FALSE(c->insecure_skip_tls_verify);
}

TEST(Kubeconfig, NamedContextWithFilesResolvedAgainstTheKubeconfigFolder) {
  const weir::testing::TempDir temp("weir-kc-");
  const fs::path dir = temp.path();
  fs::create_directories(dir / "certs");
  std::ofstream(dir / "certs" / "client.crt") << "CERT";
  auto c = parse_kubeconfig(kConfig, dir, "b");
  ASSERT_FALSE(c.ok());  // /abs/client.key does not exist
  EXPECT_EQ(c.error().reason, "Config");
  EXPECT_THAT(c.error().message, HasSubstr("cannot read client-key file /abs/client.key"));
  EXPECT_THAT(c.error().message, HasSubstr("user 'files'"));
}

TEST(Kubeconfig, InsecureAndServerName) {
  std::string text = kConfig;
  text.replace(text.find("/abs/client.key"), 15, "client.crt");
  const weir::testing::TempDir temp("weir-kc2-");
  const fs::path dir = temp.path();
  fs::create_directories(dir / "certs");
  std::ofstream(dir / "certs" / "client.crt") << "CERT";
  std::ofstream(dir / "client.crt") << "KEY";
  auto c = parse_kubeconfig(text, dir, "b");
  ASSERT_TRUE(c.ok()) << c.error().to_string();
  EXPECT_TRUE(c->insecure_skip_tls_verify);
  EXPECT_EQ(c->tls_server_name, "api.internal");
  EXPECT_EQ(c->client_cert_pem, "CERT");
  EXPECT_EQ(c->client_key_pem, "KEY");
  EXPECT_EQ(c->token_file, dir / "tok");
  EXPECT_EQ(c->namespace_name, "default");
}

TEST(Kubeconfig, ErrorsNameWhatIsMissing) {
  struct Case {
    const char* context;
    const char* message;
  };
  for (const auto& [context, message] : {
           Case{"c", "context 'c' names cluster 'missing', which is not in clusters"},
           Case{"d", "context 'd' names user 'nouser', which is not in users"},
           Case{"e", "user 'halfcert' has a client certificate without a key"},
           Case{"f", "user 'plugin' uses an exec or auth-provider plugin"},
           Case{"zz", "kubeconfig has no context named 'zz'"},
       }) {
    auto c = parse_kubeconfig(kConfig, "/base", context);
    ASSERT_FALSE(c.ok()) << context;
    EXPECT_THAT(c.error().message, HasSubstr(message)) << context;
  }
}

TEST(Kubeconfig, NotYamlOrNoCurrentContextOrBadBase64) {
  EXPECT_THAT(parse_kubeconfig("a: [", "/").error().message, HasSubstr("not valid YAML"));
  EXPECT_THAT(parse_kubeconfig("- 1", "/").error().message, HasSubstr("not a YAML mapping"));
  EXPECT_THAT(parse_kubeconfig("kind: Config", "/").error().message, HasSubstr("no current-context"));
  std::string text = kConfig;
  text.replace(text.find("LS0t"), 4, "LS%*");
  EXPECT_THAT(parse_kubeconfig(text, "/").error().message,
              HasSubstr("cluster 'one': certificate-authority-data is not valid base64"));
}

TEST(Kubeconfig, LoadNamesTheFile) {
  auto c = load_kubeconfig("/nonexistent/kubeconfig");
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().to_string(), "Config: cannot read kubeconfig /nonexistent/kubeconfig");
}

TEST(InClusterConfig, NeedsTheServiceEnvironmentAndFiles) {
  ::unsetenv("KUBERNETES_SERVICE_HOST");
  EXPECT_THAT(in_cluster_config("/nonexistent").error().message, HasSubstr("KUBERNETES_SERVICE_HOST"));
  ::setenv("KUBERNETES_SERVICE_HOST", "fd00::1", 1);
  ::setenv("KUBERNETES_SERVICE_PORT", "443", 1);
  EXPECT_THAT(in_cluster_config("/nonexistent").error().message,
              HasSubstr("cannot read the service account token /nonexistent/token"));
  const weir::testing::TempDir temp("weir-sa-");
  const fs::path dir = temp.path();
  std::ofstream(dir / "token") << "t";
  std::ofstream(dir / "ca.crt") << "CA";
  std::ofstream(dir / "namespace") << "apps\n";
  auto c = in_cluster_config(dir);
  ::unsetenv("KUBERNETES_SERVICE_HOST");
  ::unsetenv("KUBERNETES_SERVICE_PORT");
  ASSERT_TRUE(c.ok()) << c.error().to_string();
  EXPECT_EQ(c->server, "https://[fd00::1]:443");
  EXPECT_EQ(c->ca_pem, "CA");
  EXPECT_EQ(c->namespace_name, "apps");
  EXPECT_EQ(c->token_file, dir / "token");
}

}  // namespace
}  // namespace weir::deployer
