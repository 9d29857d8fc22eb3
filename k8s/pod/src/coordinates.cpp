#include "weir/pod/coordinates.hpp"

#include <array>
#include <cctype>
#include <charconv>
#include <vector>

namespace weir::pod {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

std::optional<std::uint64_t> parse_u64(std::string_view s) {
  std::uint64_t value = 0;
  const auto* end = s.data() + s.size();
  const auto [ptr, ec] = std::from_chars(s.data(), end, value);
  if (s.empty() || ec != std::errc{} || ptr != end) return std::nullopt;
  return value;
}

std::vector<std::string_view> split_on_tabs(std::string_view line) {
  std::vector<std::string_view> fields;
  for (std::size_t start = 0;;) {
    const auto tab = line.find('\t', start);
    fields.push_back(line.substr(start, tab - start));
    if (tab == std::string_view::npos) return fields;
    start = tab + 1;
  }
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  }
  return true;
}

// Finds `name` (case-insensitive) followed by optional spaces, '=', optional spaces; returns the
// value: a quoted string's content, or the bare token up to ',' ';' or whitespace.
std::optional<std::string> assigned_value(std::string_view text, std::string_view name) {
  for (std::size_t i = 0; i + name.size() <= text.size(); ++i) {
    if (!iequals(text.substr(i, name.size()), name)) continue;
    if (i > 0 && (std::isalnum(static_cast<unsigned char>(text[i - 1])) || text[i - 1] == '_')) continue;
    std::string_view rest = text.substr(i + name.size());
    rest = trim(rest);
    if (rest.empty() || rest.front() != '=') continue;
    rest = trim(rest.substr(1));
    if (!rest.empty() && rest.front() == '\'') {
      const auto close = rest.find('\'', 1);
      if (close == std::string_view::npos) return std::nullopt;
      return std::string(rest.substr(1, close - 1));
    }
    const auto end = rest.find_first_of(",; \t\r\n");
    return std::string(rest.substr(0, end));
  }
  return std::nullopt;
}

}  // namespace

std::optional<Coordinates> parse_binlog_info(std::string_view text) {
  // Trim only around the first line: an empty third field ("file\tpos\t") still says "GTID: none".
  while (!text.empty() && (text.front() == '\n' || text.front() == '\r' || text.front() == ' ')) text.remove_prefix(1);
  std::string_view line = text.substr(0, text.find('\n'));
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  const auto fields = split_on_tabs(line);
  if (fields.size() < 2 || fields.size() > 3) return std::nullopt;
  Coordinates c;
  c.source = CloneSource::primary;
  c.log_file = std::string(trim(fields[0]));
  c.log_pos = parse_u64(trim(fields[1]));
  if (c.log_file.empty() || !c.log_pos) return std::nullopt;
  // A MySQL GTID set may continue on following lines ("uuid:1-5,\nuuid2:1-3"): keep all of it.
  if (fields.size() == 3) {
    std::string gtid(trim(fields[2]));
    const auto first_newline = text.find('\n');
    if (first_newline != std::string_view::npos) {
      for (char ch : text.substr(first_newline)) {
        if (!std::isspace(static_cast<unsigned char>(ch))) gtid += ch;
      }
    }
    c.gtid = gtid;
  }
  return c;
}

std::optional<Coordinates> parse_slave_info(std::string_view text) {
  Coordinates c;
  c.source = CloneSource::replica;
  if (auto gtid = assigned_value(text, "gtid_slave_pos")) {
    c.gtid = *gtid;
    return c;
  }
  if (auto gtid = assigned_value(text, "gtid_purged")) {
    c.gtid = *gtid;
    return c;
  }
  auto file = assigned_value(text, "MASTER_LOG_FILE");
  auto pos = assigned_value(text, "MASTER_LOG_POS");
  if (!file || !pos || file->empty()) return std::nullopt;
  c.log_file = *file;
  c.log_pos = parse_u64(*pos);
  if (!c.log_pos) return std::nullopt;
  return c;
}

std::span<const std::string_view> slave_info_files() {
  static constexpr std::array<std::string_view, 2> kNames{"xtrabackup_slave_info", "mariadb_backup_slave_info"};
  return kNames;
}

std::span<const std::string_view> binlog_info_files() {
  static constexpr std::array<std::string_view, 2> kNames{"xtrabackup_binlog_info", "mariadb_backup_binlog_info"};
  return kNames;
}

}  // namespace weir::pod
