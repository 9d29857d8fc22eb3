// The ways to reach the API server: bearer token with CA data, client certificate with files,
// tokenFile, insecure-skip-tls-verify, the in-cluster service account; and the failures of each.
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "apiserver_fixture.hpp"
#include "weir/deployer/kube.hpp"

namespace weir::deployer::testing {
namespace {

using ::testing::HasSubstr;
namespace fs = std::filesystem;

class KubeconfigTest : public ApiServerTest {};

std::string whoami(Client& client) {
  const nlohmann::json review = {{"apiVersion", "authentication.k8s.io/v1"}, {"kind", "SelfSubjectReview"}};
  auto r = client.send("POST", "/apis/authentication.k8s.io/v1/selfsubjectreviews", review, "application/json");
  if (!r) return "error: " + r.error().to_string();
  return (*r)["status"]["userInfo"].value("username", "");
}

TEST_F(KubeconfigTest, BearerTokenWithCertificateAuthorityData) {
  auto config = load_kubeconfig(kubeconfig("kubeconfig"));
  ASSERT_TRUE(config.ok()) << config.error().to_string();
  EXPECT_FALSE(config->ca_pem.empty());
  EXPECT_FALSE(config->token.empty());
  auto client = Client::create(*config);
  ASSERT_TRUE(client.ok());
  EXPECT_EQ(whoami(*client), "admin");
}

TEST_F(KubeconfigTest, ClientCertificateAndKeyFilesWithCertificateAuthorityFile) {
  auto config = load_kubeconfig(kubeconfig("kubeconfig-cert"));
  ASSERT_TRUE(config.ok()) << config.error().to_string();
  EXPECT_TRUE(config->token.empty());
  EXPECT_FALSE(config->client_cert_pem.empty());
  auto client = Client::create(*config);
  ASSERT_TRUE(client.ok()) << client.error().to_string();
  EXPECT_EQ(whoami(*client), "weir-cert-admin");
}

TEST_F(KubeconfigTest, ClientCertificateAsDataAndTokenFile) {
  const auto dir = api_server().dir;
  auto base = load_kubeconfig(kubeconfig("kubeconfig-cert"));
  ASSERT_TRUE(base.ok());
  // The same credentials written inline: certificate and key as -data, CA as -data.
  const auto b64 = [&](const std::string& file) {
    std::string out;
    run_command("base64 -w0 " + dir + "/" + file, out, false);
    return out;
  };
  const auto path = fs::path(dir) / "kubeconfig-inline";
  std::ofstream(path) << "apiVersion: v1\nkind: Config\ncurrent-context: other\n"
                         "clusters:\n- name: c\n  cluster:\n    server: "
                      << api_server().server << "\n    certificate-authority-data: " << b64("ca.crt")
                      << "\ncontexts:\n- name: other\n  context: {cluster: c, user: u, namespace: " << ns_
                      << "}\n- name: by-file\n  context: {cluster: c, user: f}\n"
                         "users:\n- name: u\n  user:\n    client-certificate-data: "
                      << b64("admin.crt") << "\n    client-key-data: " << b64("admin.key")
                      << "\n- name: f\n  user:\n    tokenFile: admin.token\n";
  auto inline_config = load_kubeconfig(path);
  ASSERT_TRUE(inline_config.ok()) << inline_config.error().to_string();
  EXPECT_EQ(inline_config->namespace_name, ns_);
  auto client = Client::create(*inline_config);
  ASSERT_TRUE(client.ok()) << client.error().to_string();
  EXPECT_EQ(whoami(*client), "weir-cert-admin");

  auto by_file = load_kubeconfig(path, "by-file");  // tokenFile relative to the kubeconfig's folder
  ASSERT_TRUE(by_file.ok()) << by_file.error().to_string();
  EXPECT_EQ(by_file->token_file, fs::path(dir) / "admin.token");
  auto file_client = Client::create(*by_file);
  ASSERT_TRUE(file_client.ok());
  EXPECT_EQ(whoami(*file_client), "admin");
}

TEST_F(KubeconfigTest, InsecureSkipTlsVerifyAcceptsTheServerWithoutItsCa) {
  auto config = load_kubeconfig(kubeconfig("kubeconfig-insecure"));
  ASSERT_TRUE(config.ok());
  EXPECT_TRUE(config->insecure_skip_tls_verify);
  auto client = Client::create(*config);
  ASSERT_TRUE(client.ok());
  EXPECT_EQ(whoami(*client), "admin");
}

TEST_F(KubeconfigTest, AServerCertificateFromAnotherCaIsRefused) {
  auto config = load_kubeconfig(kubeconfig("kubeconfig"));
  ASSERT_TRUE(config.ok());
  std::ifstream in(api_server().dir + "/client-ca.crt");
  config->ca_pem.assign(std::istreambuf_iterator<char>(in), {});
  auto client = Client::create(*config);
  ASSERT_TRUE(client.ok());
  auto r = client->get("/version", "the cluster");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().reason, "Transport");
  EXPECT_THAT(r.error().message, HasSubstr("TLS handshake"));
  EXPECT_THAT(r.error().to_string(), HasSubstr("the cluster: Transport"));
}

TEST_F(KubeconfigTest, AWrongTokenIsUnauthorized) {
  auto config = load_kubeconfig(kubeconfig("kubeconfig"));
  ASSERT_TRUE(config.ok());
  config->token = "not-a-token";
  auto client = Client::create(*config);
  ASSERT_TRUE(client.ok());
  auto r = client->get("/api/v1/namespaces/" + ns_ + "/configmaps", "ConfigMaps of " + ns_);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().http_status, 401);
  EXPECT_EQ(r.error().reason, "Unauthorized");
}

TEST_F(KubeconfigTest, InClusterServiceAccount) {
  const auto dir = fs::path(api_server().dir) / ("sa-" + ns_);
  fs::create_directories(dir);
  fs::copy_file(fs::path(api_server().dir) / "admin.token", dir / "token");
  fs::copy_file(fs::path(api_server().dir) / "ca.crt", dir / "ca.crt");
  std::ofstream(dir / "namespace") << ns_ << "\n";
  const auto server = api_server().server;  // https://127.0.0.1:PORT
  const auto port = server.substr(server.rfind(':') + 1);
  ::setenv("KUBERNETES_SERVICE_HOST", "127.0.0.1", 1);
  ::setenv("KUBERNETES_SERVICE_PORT", port.c_str(), 1);
  auto config = in_cluster_config(dir);
  ::unsetenv("KUBERNETES_SERVICE_HOST");
  ::unsetenv("KUBERNETES_SERVICE_PORT");
  ASSERT_TRUE(config.ok()) << config.error().to_string();
  EXPECT_EQ(config->namespace_name, ns_);
  EXPECT_EQ(config->server, server);
  auto client = Client::create(*config);
  ASSERT_TRUE(client.ok());
  EXPECT_EQ(whoami(*client), "admin");
  // Tokens rotate: the file is read on each request.
  std::ofstream(dir / "token", std::ios::trunc) << "rotated-but-wrong\n";
  auto r = client->get("/api/v1/namespaces/" + ns_ + "/pods");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().http_status, 401);
}

}  // namespace
}  // namespace weir::deployer::testing
