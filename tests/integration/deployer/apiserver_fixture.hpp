#pragma once
// A kube-apiserver + etcd on free loopback ports (tests/k8s/apiserver/apiserver.sh), one per test
// process, and a namespace of its own for each test.
#include <string>

#include <gtest/gtest.h>

#include "weir/deployer/deployer.hpp"
#include "weir/deployer/kube.hpp"

namespace weir::deployer::testing {

struct ApiServer {
  std::string dir;     // kubeconfig, kubeconfig-cert, kubeconfig-nobody, kubeconfig-insecure, ca.crt, ...
  std::string server;  // https://127.0.0.1:PORT
  std::string bin;     // the folder with kubectl
  std::string error;   // why it did not start
};

// Started on first use, stopped at exit (by pid, through apiserver.sh down).
const ApiServer& api_server();

// Runs a shell command; returns its exit status, stdout in `out` (stderr joined when `merge`).
int run_command(const std::string& command, std::string& out, bool merge = true);

class ApiServerTest : public ::testing::Test {
 protected:
  void SetUp() override;
  Client admin(const std::string& kubeconfig_name = "kubeconfig");
  std::string kubeconfig(const std::string& name = "kubeconfig") const { return api_server().dir + "/" + name; }
  std::string ns_;  // fresh namespace of this test
};

}  // namespace weir::deployer::testing
