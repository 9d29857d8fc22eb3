#include "health/gtid.hpp"

#include <charconv>

namespace weir::health {

namespace {

template <class T>
bool parse_number(std::string_view text, T& out) {
  if (text.empty()) return false;
  const auto* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, out);
  return ec == std::errc() && ptr == end;
}

std::string_view trim(std::string_view text) {
  const auto space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  while (!text.empty() && space(text.front())) text.remove_prefix(1);
  while (!text.empty() && space(text.back())) text.remove_suffix(1);
  return text;
}

}  // namespace

std::optional<Gtid> parse_gtid(std::string_view text) {
  const auto first = text.find('-');
  if (first == std::string_view::npos) return std::nullopt;
  const auto second = text.find('-', first + 1);
  if (second == std::string_view::npos) return std::nullopt;
  Gtid gtid;
  if (!parse_number(text.substr(0, first), gtid.domain) ||
      !parse_number(text.substr(first + 1, second - first - 1), gtid.server_id) ||
      !parse_number(text.substr(second + 1), gtid.sequence)) {
    return std::nullopt;
  }
  return gtid;
}

std::optional<GtidPosition> GtidPosition::parse(std::string_view text) {
  GtidPosition position;
  text = trim(text);
  while (!text.empty()) {
    const auto comma = text.find(',');
    const auto entry = trim(text.substr(0, comma));
    text = comma == std::string_view::npos ? std::string_view{} : text.substr(comma + 1);
    const auto gtid = parse_gtid(entry);
    if (!gtid || position.domains_.count(gtid->domain) != 0) return std::nullopt;
    position.domains_.emplace(gtid->domain, *gtid);
    if (comma != std::string_view::npos && trim(text).empty()) return std::nullopt;  // trailing comma
  }
  return position;
}

void GtidPosition::add(const Gtid& gtid) {
  auto [it, inserted] = domains_.emplace(gtid.domain, gtid);
  if (!inserted && it->second.sequence < gtid.sequence) it->second = gtid;
}

void GtidPosition::merge(const GtidPosition& other) {
  for (const auto& [domain, gtid] : other.domains_) add(gtid);
}

bool GtidPosition::contains(const Gtid& gtid) const {
  const auto it = domains_.find(gtid.domain);
  return it != domains_.end() && it->second.sequence >= gtid.sequence;
}

bool GtidPosition::covers(const GtidPosition& other) const {
  for (const auto& [domain, gtid] : other.domains_) {
    if (!contains(gtid)) return false;
  }
  return true;
}

std::string GtidPosition::to_string() const {
  std::string out;
  for (const auto& [domain, gtid] : domains_) {
    if (!out.empty()) out += ',';
    out += std::to_string(gtid.domain) + '-' + std::to_string(gtid.server_id) + '-' + std::to_string(gtid.sequence);
  }
  return out;
}

}  // namespace weir::health
