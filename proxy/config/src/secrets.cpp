// Secrets: written inline, read from a file, or taken from an environment variable.
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <utility>

#include "reader.hpp"

namespace weir::config::detail {
namespace {

// A secret file holds one value; anything bigger is a wrong path (or /dev/zero).
constexpr std::size_t kMaxSecretFileSize = 64 * 1024;

bool valid_env_name(std::string_view name) {
  if (name.empty() || (name.front() >= '0' && name.front() <= '9')) return false;
  for (const char c : name) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
    if (!ok) return false;
  }
  return true;
}

// The file's content with trailing line ends removed, or the reason it cannot be read.
std::optional<std::string> read_secret_file(const std::string& path, std::string& problem) {
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (file == nullptr) {
    problem = std::strerror(errno);
    return std::nullopt;
  }
  std::string content(kMaxSecretFileSize + 1, '\0');
  const std::size_t n = std::fread(content.data(), 1, content.size(), file);
  const bool failed = std::ferror(file) != 0;
  const int read_errno = errno;
  std::fclose(file);
  if (failed) {
    problem = std::strerror(read_errno);
    return std::nullopt;
  }
  if (n > kMaxSecretFileSize) {
    problem = "larger than 64KiB; expected a file holding only the secret";
    return std::nullopt;
  }
  content.resize(n);
  while (!content.empty() && (content.back() == '\n' || content.back() == '\r')) content.pop_back();
  return content;
}

}  // namespace

std::optional<Secret> read_secret(MapReader& map, std::string_view base, bool required, bool* given_out) {
  const std::string names[3] = {std::string(base), std::string(base) + "_file", std::string(base) + "_env"};
  std::optional<Field> chosen;
  int given = -1;
  bool conflict = false;
  for (int i = 0; i < 3; ++i) {
    std::optional<Field> field = map.take(names[i]);
    if (!field) continue;
    if (chosen) {
      map.diag().error(field->mark, field->path,
                       "only one of " + names[0] + ", " + names[1] + " and " + names[2] + " may be given (" +
                           names[given] + " is given too)");
      conflict = true;
    } else {
      given = i;
      chosen = std::move(field);
    }
  }
  if (given_out != nullptr) *given_out = chosen.has_value();
  if (conflict) return std::nullopt;
  if (!chosen) {
    if (required) {
      map.diag().error(map.mark(), map.path(),
                       "missing " + names[0] + " (give one of " + names[0] + ", " + names[1] + " or " + names[2] + ")");
    }
    return std::nullopt;
  }
  const Field& field = *chosen;
  Diagnostics& diag = map.diag();
  if (given == 0) {
    auto value = as_string(diag, field, /*allow_empty=*/true);
    if (!value) return std::nullopt;
    if (!value->empty()) {
      diag.warning(field.mark, field.path,
                   "a secret written in the configuration file; prefer " + names[1] + " or " + names[2]);
    }
    return Secret{std::move(*value), Secret::Source::inline_value, ""};
  }
  auto reference = as_string(diag, field);
  if (!reference) return std::nullopt;
  if (given == 1) {
    std::string problem;
    auto value = read_secret_file(*reference, problem);
    if (!value) {
      diag.error(field.mark, field.path, "cannot read " + quote(*reference) + ": " + problem);
      return std::nullopt;
    }
    return Secret{std::move(*value), Secret::Source::file, std::move(*reference)};
  }
  if (!valid_env_name(*reference)) {
    diag.error(field.mark, field.path,
               "expected an environment variable name (letters, digits, _), found " + quote(*reference));
    return std::nullopt;
  }
  const char* value = std::getenv(reference->c_str());
  if (value == nullptr) {
    diag.error(field.mark, field.path, "environment variable " + *reference + " is not set");
    return std::nullopt;
  }
  return Secret{value, Secret::Source::env, std::move(*reference)};
}

}  // namespace weir::config::detail
