#pragma once
// The cluster side of `weir deploy`, `weir scale`, `weir status` and `weir teardown`.
//
// `weir scale` and `weir status` also serve `weir up` on this machine; they act on a cluster when
// given any of the cluster options: --kubeconfig FILE, --context NAME, -n/--namespace NS, --k8s
// (which means: the default kubeconfig, or the pod's service account), -f/--values, --set. The
// cluster forms take the same -f/--set values as `weir deploy`, so they find the objects by the
// names the values give.
#include "weir/cli/command.hpp"

namespace weir::deployer {

cli::Command deploy_command();
cli::Command teardown_command();

// The options `weir scale` and `weir status` add for a cluster, and whether a line names one.
cli::OptionGroup cluster_option_group();
bool wants_kubernetes(const cli::Arguments& args);

int scale_main(const cli::Invocation& inv);   // weir scale N --kubeconfig F [-n NS] [-f values] [--set k=v]
int status_main(const cli::Invocation& inv);  // weir status --kubeconfig F [-n NS] [-f values] [--set k=v]

}  // namespace weir::deployer
