#include "weir/local/proxy_launcher.hpp"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <array>
#include <cstdio>

#include "process/child.hpp"
#include "weir/local/port_plan.hpp"
#include "weir/pod/net.hpp"

namespace weir::local {
namespace {

// `weir help` lists the subcommands this build has.
bool build_has_proxy(const std::string& self) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return false;
  pod::Fd read_end(fds[0]);
  pod::Fd write_end(fds[1]);
  process::SpawnOptions options;
  options.stdout_fd = write_end.get();
  process::Child help = process::Child::spawn({self, "help"}, options);
  write_end.reset();
  std::string text;
  std::array<char, 4096> buf{};
  for (ssize_t n; (n = read(read_end.get(), buf.data(), buf.size())) > 0;)
    text.append(buf.data(), static_cast<std::size_t>(n));
  help.wait();
  return text.find("\n  proxy ") != std::string::npos;
}

}  // namespace

std::string render_proxy_config(const Context& ctx, const std::vector<NodeState>& nodes) {
  std::string y = "# Written by weir up for the local nodes; rewritten on weir scale.\n";
  y += "listen:\n  address: 127.0.0.1\n  port: " + std::to_string(ctx.options.proxy_port) + "\n";
  y += "admin:\n  address: 127.0.0.1\n  port: " + std::to_string(admin_port_for(ctx.options.proxy_port)) + "\n";
  y += "users:\n  - name: app\n    password_file: " + ctx.layout.secret("app").string() + "\n";
  y += "load_users_from_backend:\n  enabled: true\n";
  y += "monitor:\n  user: weir_monitor\n  password_file: " + ctx.layout.secret("monitor").string() + "\n";
  y += "backends:\n  discovery: static\n  static:\n";
  for (const auto& n : nodes) {
    y += "    - name: node-" + std::to_string(n.ordinal) +
         "\n      host: 127.0.0.1\n      port: " + std::to_string(n.port) +
         "\n      role: " + (n.ordinal == 0 ? "primary" : "replica") + "\n";
  }
  return y;
}

process::Child start_proxy(const Context& ctx, const std::vector<NodeState>& nodes) {
  write_file_atomically(ctx.layout.proxy_config(), render_proxy_config(ctx, nodes));
  if (!build_has_proxy(ctx.self)) return {};
  pod::Fd log(open(ctx.layout.proxy_log().c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644));
  process::SpawnOptions options;
  options.stdout_fd = log.get();
  options.stderr_fd = log.get();
  options.own_process_group = true;
  return process::Child::spawn({ctx.self, "proxy", "--config", ctx.layout.proxy_config().string()}, options);
}

void reconfigure_proxy(const Context& ctx, pid_t proxy_pid, const std::vector<NodeState>& nodes) {
  write_file_atomically(ctx.layout.proxy_config(), render_proxy_config(ctx, nodes));
  if (proxy_pid > 0) kill(proxy_pid, SIGHUP);
}

}  // namespace weir::local
