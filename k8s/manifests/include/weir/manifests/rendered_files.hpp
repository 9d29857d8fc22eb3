#pragma once
// Text files carried by the ConfigMaps. charts/weir/templates/_files.tpl renders the same text.
#include <string>

namespace weir::manifests {

// weir.yaml of the proxy: listens on 0.0.0.0:<mysql_port>, admin on 0.0.0.0:<admin_port>, finds
// the primary as <name>-0.<name> and the replicas through the headless Service <name> (DNS).
std::string render_proxy_config(const std::string& name, int mysql_port, int admin_port);

// weir-accounts.sh: run by the database image's entrypoint when it creates the data directory
// (docker-entrypoint-initdb.d); creates the proxy's monitor account from $WEIR_MONITOR_PASSWORD.
std::string render_accounts_script(const std::string& flavour);

}  // namespace weir::manifests
