#pragma once
// Internal: walking a yaml-cpp document while collecting every error with its place.
#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "weir/config/config.hpp"

namespace weir::config::detail {

class Diagnostics {
 public:
  explicit Diagnostics(std::string origin) : origin_(std::move(origin)) {}
  void error(const YAML::Mark& mark, std::string path, std::string message);
  void warning(const YAML::Mark& mark, std::string path, std::string message);
  const std::string& origin() const { return origin_; }
  bool has_errors() const { return !errors_.empty(); }
  // Both sorted by position, so that messages follow the file.
  std::vector<ConfigError> take_errors();
  std::vector<ConfigError> take_warnings();

 private:
  ConfigError make(const YAML::Mark& mark, std::string path, std::string message) const;
  std::string origin_;
  std::vector<ConfigError> errors_;
  std::vector<ConfigError> warnings_;
};

// A value of the document with its key path and the place to point at.
struct Field {
  YAML::Node node;
  std::string path;
  YAML::Mark mark;
};

// `"abc"`, `a mapping`, `a list`, `nothing`: what a message says was found.
std::string describe(const YAML::Node& node);
// Quotes a string for a message, cutting long ones.
std::string quote(std::string_view text);
// The candidate closest to `word` if it is close enough to be a likely typo.
std::optional<std::string> closest(std::string_view word, const std::vector<std::string>& candidates);

// A mapping being read. Each key asked for becomes known; when the reader is destroyed, every key
// of the mapping that nobody asked for is reported as unknown (with a suggestion).
// An absent or empty (null) node reads as an empty mapping.
class MapReader {
 public:
  MapReader(Diagnostics& diag, const Field& field);
  MapReader(const MapReader&) = delete;
  MapReader& operator=(const MapReader&) = delete;
  ~MapReader();

  std::optional<Field> take(std::string_view key);
  Diagnostics& diag() const { return diag_; }
  const std::string& path() const { return path_; }
  const YAML::Mark& mark() const { return mark_; }
  std::string child_path(std::string_view key) const;

 private:
  struct Entry {
    std::string key;
    YAML::Node key_node;
    YAML::Node value;
    bool used = false;
  };
  Diagnostics& diag_;
  std::string path_;
  YAML::Mark mark_;
  std::vector<Entry> entries_;
  std::vector<std::string> known_;
};

// The items of a list, each with its path ("backends.static[2]"). Reports a non-list.
std::vector<Field> list_items(Diagnostics& diag, const Field& field);

// Converters: report an error at the field and return nullopt when the value does not fit.
std::optional<std::string> as_string(Diagnostics& diag, const Field& field, bool allow_empty = false);
std::optional<bool> as_bool(Diagnostics& diag, const Field& field);
std::optional<std::uint64_t> as_uint(Diagnostics& diag, const Field& field, std::uint64_t min, std::uint64_t max);
std::optional<Duration> as_duration(Diagnostics& diag, const Field& field);
std::optional<std::uint64_t> as_size(Diagnostics& diag, const Field& field);
std::optional<int> as_choice(Diagnostics& diag, const Field& field, std::span<const std::string_view> names);

// Optional keys: leave `out` at its default when the key is absent or its value is invalid.
void read_string(MapReader& map, std::string_view key, std::string& out);
void read_bool(MapReader& map, std::string_view key, bool& out);
void read_duration(MapReader& map, std::string_view key, Duration& out, Duration min = Duration::zero());
template <class Int>
void read_uint(MapReader& map, std::string_view key, Int& out, std::uint64_t min, std::uint64_t max) {
  if (auto field = map.take(key)) {
    if (auto v = as_uint(map.diag(), *field, min, max)) out = static_cast<Int>(*v);
  }
}
// `names` in the order of the enum's values.
template <class Enum>
void read_choice(MapReader& map, std::string_view key, Enum& out, std::span<const std::string_view> names) {
  if (auto field = map.take(key)) {
    if (auto v = as_choice(map.diag(), *field, names)) out = static_cast<Enum>(*v);
  }
}

// A secret written as `<base>`, `<base>_file` or `<base>_env` (exactly one).
// Returns nullopt when none is given (an error if `required`) or when it cannot be resolved;
// `given` (if not null) tells the two apart.
std::optional<Secret> read_secret(MapReader& map, std::string_view base, bool required, bool* given = nullptr);

}  // namespace weir::config::detail
