#pragma once
// The cluster side of `weir deploy`, `weir scale`, `weir status` and `weir teardown`.
//
// `weir scale` and `weir status` also serve `weir up` on this machine; they act on a cluster when
// given any of --kubeconfig FILE, --context NAME, -n/--namespace NS or --k8s (which means: the
// default kubeconfig, or the pod's service account). The cluster forms take the same -f/--set
// values as `weir deploy`, so they find the objects by the names the values give.
#include <span>

namespace weir::deployer {

bool wants_kubernetes(std::span<char*> args);  // args[0] is the subcommand name

// weir deploy [-f values] [--set k=v] [-n NS] [--kubeconfig F] [--context C] [--dry-run [-o yaml|json]]
int deploy_main(std::span<char*> args);    // args[0] is "deploy"

int scale_main(std::span<char*> args);     // weir scale N --kubeconfig F [-n NS] [-f values] [--set k=v]
int status_main(std::span<char*> args);    // weir status --kubeconfig F [-n NS] [-f values] [--set k=v]
int teardown_main(std::span<char*> args);  // weir teardown [--delete-pvcs] [--kubeconfig F] [-n NS] [-f values]

}  // namespace weir::deployer
