#pragma once
// Where a local topology keeps its files, and which loopback ports each node uses.
//
//   <dir>/state.json                  pids and ports (read by status, scale, down)
//   <dir>/secrets/{root,repl,monitor}-password
//   <dir>/node-<n>/{data,conf.d}/     the pod's two volumes
//   <dir>/node-<n>/my.cnf             the server's only option file
//   <dir>/node-<n>/{server,sidecar}.log
#include <cstdint>
#include <filesystem>
#include <string>

namespace weir::local {

struct NodePorts {
  std::uint16_t server = 0;  // base + 10 n
  std::uint16_t backup = 0;  // base + 10 n + 1: the sidecar's backup server (3307 in a pod)
};

// Throws std::out_of_range when the ports would pass 65535.
NodePorts ports_for(std::uint16_t base_port, int ordinal);

class Layout {
 public:
  explicit Layout(std::filesystem::path root) : root_(std::move(root)) {}

  const std::filesystem::path& root() const { return root_; }
  std::filesystem::path state_file() const { return root_ / "state.json"; }
  std::filesystem::path scale_request_file() const { return root_ / "scale-request.json"; }
  std::filesystem::path secret(const std::string& name) const { return root_ / "secrets" / (name + "-password"); }
  std::filesystem::path proxy_config() const { return root_ / "proxy.yaml"; }
  std::filesystem::path proxy_log() const { return root_ / "proxy.log"; }

  std::filesystem::path node_dir(int n) const { return root_ / ("node-" + std::to_string(n)); }
  std::filesystem::path data_dir(int n) const { return node_dir(n) / "data"; }
  std::filesystem::path conf_dir(int n) const { return node_dir(n) / "conf.d"; }
  // The server's own tmpdir: a mariadbd starting removes "#sql*" files from its tmpdir, so servers
  // sharing /tmp (the nodes, or any other on the machine) break each other's temporary tables and
  // a parallel mariadb-install-db ("Unknown table 'mysql.tmp_proxies_priv'").
  std::filesystem::path tmp_dir(int n) const { return node_dir(n) / "tmp"; }
  std::filesystem::path option_file(int n) const { return node_dir(n) / "my.cnf"; }
  std::filesystem::path bootstrap_file(int n) const { return node_dir(n) / "bootstrap.sql"; }
  std::filesystem::path socket(int n) const { return node_dir(n) / "mysqld.sock"; }
  std::filesystem::path server_log(int n) const { return node_dir(n) / "server.log"; }
  std::filesystem::path sidecar_log(int n) const { return node_dir(n) / "sidecar.log"; }

 private:
  std::filesystem::path root_;
};

}  // namespace weir::local
