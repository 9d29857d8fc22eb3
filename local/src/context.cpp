#include "weir/local/context.hpp"

#include <cstdio>
#include <fstream>
#include <stdexcept>

#include "weir/local/state.hpp"
#include "weir/pod/private_file.hpp"

namespace weir::local {
namespace {

std::string random_password() {
  static constexpr char kAlphabet[] = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
  std::ifstream urandom("/dev/urandom", std::ios::binary);
  std::string out;
  while (out.size() < 24) {
    const auto byte = static_cast<unsigned char>(urandom.get());
    if (!urandom) throw std::runtime_error("cannot read /dev/urandom");
    if (byte < 57 * 4) out += kAlphabet[byte % 57];
  }
  return out;
}

std::string secret_value(const Layout& layout, const std::string& name, bool create) {
  const auto path = layout.secret(name);
  if (auto text = read_file(path)) return *text;
  if (!create) throw std::runtime_error("missing " + path.string() + ": was this directory made by weir up?");
  std::filesystem::create_directories(path.parent_path());
  std::string value = random_password();
  pod::write_private_file(path.string(), value);
  return value;
}

}  // namespace

void load_or_create_secrets(Context& ctx) {
  ctx.credentials.root_password = secret_value(ctx.layout, "root", true);
  ctx.credentials.repl_password = secret_value(ctx.layout, "repl", true);
  ctx.monitor_password = secret_value(ctx.layout, "monitor", true);
  ctx.app_password = secret_value(ctx.layout, "app", true);
}

pod::Credentials read_secrets(const Layout& layout) {
  pod::Credentials c;
  c.root_password = secret_value(layout, "root", false);
  c.repl_password = secret_value(layout, "repl", false);
  return c;
}

void say(int ordinal, const std::string& text) {
  std::printf("[node-%d] %s\n", ordinal, text.c_str());
  std::fflush(stdout);
}
void say(const std::string& text) {
  std::printf("%s\n", text.c_str());
  std::fflush(stdout);
}

}  // namespace weir::local
