#include "reader.hpp"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <tuple>

#include "weir/config/units.hpp"

namespace weir::config::detail {
namespace {

int one_based(int zero_based) { return zero_based >= 0 ? zero_based + 1 : 0; }

bool before(const ConfigError& a, const ConfigError& b) {
  return std::tie(a.line, a.column) < std::tie(b.line, b.column);
}

// Optimal string alignment distance: Levenshtein plus transposition of neighbours ("prot"/"port").
std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
  for (std::size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (std::size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.size()][b.size()];
}

std::string join(const std::vector<std::string>& words) {
  std::string out;
  for (const auto& w : words) {
    if (!out.empty()) out += ", ";
    out += w;
  }
  return out;
}

// Where a value is: its own mark, except for an empty value whose mark yaml-cpp puts on the next
// token (often the next line); then the key's mark.
YAML::Mark value_mark(const YAML::Node& key, const YAML::Node& value) {
  if (value.IsNull() || value.Mark().line < 0) return key.Mark();
  return value.Mark();
}

}  // namespace

ConfigError Diagnostics::make(const YAML::Mark& mark, std::string path, std::string message) const {
  return ConfigError{origin_, one_based(mark.line), one_based(mark.line) ? one_based(mark.column) : 0, std::move(path),
                     std::move(message)};
}

void Diagnostics::error(const YAML::Mark& mark, std::string path, std::string message) {
  errors_.push_back(make(mark, std::move(path), std::move(message)));
}

void Diagnostics::warning(const YAML::Mark& mark, std::string path, std::string message) {
  warnings_.push_back(make(mark, std::move(path), std::move(message)));
}

std::vector<ConfigError> Diagnostics::take_errors() {
  std::stable_sort(errors_.begin(), errors_.end(), before);
  return std::move(errors_);
}

std::vector<ConfigError> Diagnostics::take_warnings() {
  std::stable_sort(warnings_.begin(), warnings_.end(), before);
  return std::move(warnings_);
}

std::string quote(std::string_view text) {
  constexpr std::size_t kMax = 60;
  std::string out = "\"";
  for (std::size_t i = 0; i < text.size() && i < kMax; ++i) {
    const char c = text[i];
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", static_cast<unsigned>(static_cast<unsigned char>(c)));
      out += buf;
    } else {
      out += c;
    }
  }
  if (text.size() > kMax) out += "...";
  out += '"';
  return out;
}

std::string describe(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Scalar: return quote(node.Scalar());
    case YAML::NodeType::Map: return "a mapping";
    case YAML::NodeType::Sequence: return "a list";
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined: break;
  }
  return "nothing";
}

std::optional<std::string> closest(std::string_view word, const std::vector<std::string>& candidates) {
  const std::size_t limit = std::min<std::size_t>(2, std::max<std::size_t>(1, word.size() / 3));
  std::optional<std::string> best;
  std::size_t best_distance = limit + 1;
  for (const auto& candidate : candidates) {
    const std::size_t d = edit_distance(word, candidate);
    if (d < best_distance) {
      best_distance = d;
      best = candidate;
    }
  }
  return best;
}

MapReader::MapReader(Diagnostics& diag, const Field& field) : diag_(diag), path_(field.path), mark_(field.mark) {
  const YAML::Node& node = field.node;
  if (!node.IsDefined() || node.IsNull()) return;
  if (!node.IsMap()) {
    diag_.error(field.mark, path_, "expected a mapping, found " + describe(node));
    return;
  }
  for (const auto& pair : node) {
    // Copies: yaml-cpp nodes are handles, and a reference into the iterator's proxy would dangle.
    const YAML::Node key = pair.first;
    const YAML::Node value = pair.second;
    if (!key.IsScalar()) {
      diag_.error(key.Mark(), path_, "expected a key name, found " + describe(key));
      continue;
    }
    auto previous =
        std::find_if(entries_.begin(), entries_.end(), [&](const Entry& e) { return e.key == key.Scalar(); });
    if (previous != entries_.end()) {
      diag_.error(
          key.Mark(), child_path(key.Scalar()),
          "duplicate key (first given at line " + std::to_string(one_based(previous->key_node.Mark().line)) + ")");
      continue;
    }
    entries_.push_back(Entry{key.Scalar(), key, value, false});
  }
}

MapReader::~MapReader() {
  for (const Entry& e : entries_) {
    if (e.used) continue;
    std::string message = "unknown key " + quote(e.key);
    if (auto suggestion = closest(e.key, known_)) {
      message += "; did you mean " + quote(*suggestion) + "?";
    } else if (!known_.empty()) {
      message += " (expected one of: " + join(known_) + ")";
    }
    diag_.error(e.key_node.Mark(), child_path(e.key), std::move(message));
  }
}

std::string MapReader::child_path(std::string_view key) const {
  return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
}

std::optional<Field> MapReader::take(std::string_view key) {
  known_.emplace_back(key);
  for (Entry& e : entries_) {
    if (e.key != key) continue;
    e.used = true;
    return Field{e.value, child_path(key), value_mark(e.key_node, e.value)};
  }
  return std::nullopt;
}

std::vector<Field> list_items(Diagnostics& diag, const Field& field) {
  std::vector<Field> items;
  if (field.node.IsNull()) return items;
  if (!field.node.IsSequence()) {
    diag.error(field.mark, field.path, "expected a list, found " + describe(field.node));
    return items;
  }
  std::size_t index = 0;
  for (const YAML::Node& item : field.node) {
    const YAML::Mark mark = item.IsNull() || item.Mark().line < 0 ? field.mark : item.Mark();
    items.push_back(Field{item, field.path + "[" + std::to_string(index++) + "]", mark});
  }
  return items;
}

std::optional<std::string> as_string(Diagnostics& diag, const Field& field, bool allow_empty) {
  if (!field.node.IsScalar()) {
    diag.error(field.mark, field.path, "expected a string, found " + describe(field.node));
    return std::nullopt;
  }
  if (field.node.Scalar().empty() && !allow_empty) {
    diag.error(field.mark, field.path, "expected a non-empty string, found \"\"");
    return std::nullopt;
  }
  return field.node.Scalar();
}

std::optional<bool> as_bool(Diagnostics& diag, const Field& field) {
  if (field.node.IsScalar()) {
    if (field.node.Scalar() == "true") return true;
    if (field.node.Scalar() == "false") return false;
  }
  diag.error(field.mark, field.path, "expected true or false, found " + describe(field.node));
  return std::nullopt;
}

std::optional<std::uint64_t> as_uint(Diagnostics& diag, const Field& field, std::uint64_t min, std::uint64_t max) {
  if (field.node.IsScalar()) {
    const std::string& s = field.node.Scalar();
    std::uint64_t value = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
    const bool digits_only = !s.empty() && s.front() != '+' && s.front() != '-';
    if (digits_only && ec == std::errc{} && end == s.data() + s.size() && value >= min && value <= max) {
      return value;
    }
  }
  diag.error(
      field.mark, field.path,
      "expected an integer " + std::to_string(min) + ".." + std::to_string(max) + ", found " + describe(field.node));
  return std::nullopt;
}

std::optional<Duration> as_duration(Diagnostics& diag, const Field& field) {
  if (field.node.IsScalar()) {
    if (auto d = parse_duration(field.node.Scalar())) return d;
  }
  diag.error(field.mark, field.path,
             "expected a duration with a unit: " + std::string(kDurationUnitsHint) + ", found " + describe(field.node));
  return std::nullopt;
}

std::optional<std::uint64_t> as_size(Diagnostics& diag, const Field& field) {
  if (field.node.IsScalar()) {
    if (auto s = parse_size(field.node.Scalar())) return s;
  }
  diag.error(field.mark, field.path,
             "expected a size with a unit: " + std::string(kSizeUnitsHint) + ", found " + describe(field.node));
  return std::nullopt;
}

std::optional<int> as_choice(Diagnostics& diag, const Field& field, std::span<const std::string_view> names) {
  std::vector<std::string> choices(names.begin(), names.end());
  if (field.node.IsScalar()) {
    for (std::size_t i = 0; i < choices.size(); ++i) {
      if (field.node.Scalar() == choices[i]) return static_cast<int>(i);
    }
  }
  std::string message = "expected one of " + join(choices) + ", found " + describe(field.node);
  if (field.node.IsScalar()) {
    if (auto suggestion = closest(field.node.Scalar(), choices)) {
      message += "; did you mean " + quote(*suggestion) + "?";
    }
  }
  diag.error(field.mark, field.path, std::move(message));
  return std::nullopt;
}

void read_string(MapReader& map, std::string_view key, std::string& out) {
  if (auto field = map.take(key)) {
    if (auto v = as_string(map.diag(), *field)) out = std::move(*v);
  }
}

void read_bool(MapReader& map, std::string_view key, bool& out) {
  if (auto field = map.take(key)) {
    if (auto v = as_bool(map.diag(), *field)) out = *v;
  }
}

void read_duration(MapReader& map, std::string_view key, Duration& out, Duration min) {
  auto field = map.take(key);
  if (!field) return;
  auto v = as_duration(map.diag(), *field);
  if (!v) return;
  if (*v < min) {
    map.diag().error(field->mark, field->path,
                     "expected a duration of at least " + format_duration(min) + ", found " + describe(field->node));
    return;
  }
  out = *v;
}

}  // namespace weir::config::detail
