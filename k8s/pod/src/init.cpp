// `weir pod init`: the tutorial's init-mysql container.
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "log/log.hpp"
#include "weir/pod/server_config.hpp"
#include "weir/pod/steps.hpp"

namespace weir::pod {
namespace {

void write_file(const std::filesystem::path& path, const std::string& content) {
  std::ofstream out(path, std::ios::trunc);
  out << content;
  if (!out.flush()) throw std::runtime_error("init: cannot write " + path.string());
}

}  // namespace

void run_init(const PodOptions& o) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::create_directories(o.conf_dir, ec);
  if (ec) throw std::runtime_error("init: cannot create conf dir " + o.conf_dir + ": " + ec.message());
  const Role role = role_for(o.ordinal);
  const ConfigFile id = render_server_id(o.ordinal);
  const ConfigFile role_file = render_role(o.flavour, role);
  write_file(fs::path(o.conf_dir) / id.name, id.content);
  write_file(fs::path(o.conf_dir) / role_file.name, role_file.content);
  fs::remove(fs::path(o.conf_dir) / other_role_file(role), ec);
  log::info("ordinal " + std::to_string(o.ordinal) + ": wrote " + id.name + " (server-id " +
                std::to_string(100 + o.ordinal) + ") and " + role_file.name + " (" +
                std::string(flavour_name(o.flavour)) + ") to " + o.conf_dir,
            {{"command", "weir pod init"}});
}

}  // namespace weir::pod
