#include "auth/host_match.hpp"

#include <algorithm>
#include <optional>

namespace weir::auth {

namespace {

constexpr char kWildMany = '%';
constexpr char kWildOne = '_';
constexpr char kWildPrefix = '\\';
constexpr std::uint64_t kMaxHostnameLength = 255;  // mysql.global_priv.Host is char(255)
constexpr unsigned kMagicBits = 30;

// "a.b.c.d" (each 0..255, decimal) as a number, like the server's calc_ip().
std::optional<std::uint32_t> parse_ipv4(std::string_view text) {
  std::uint32_t value = 0;
  for (int part = 0; part < 4; ++part) {
    if (part > 0) {
      if (text.empty() || text.front() != '.') return std::nullopt;
      text.remove_prefix(1);
    }
    std::size_t digits = 0;
    std::uint32_t octet = 0;
    while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') {
      octet = octet * 10 + static_cast<std::uint32_t>(text[digits] - '0');
      if (octet > 255) return std::nullopt;
      ++digits;
    }
    if (digits == 0) return std::nullopt;
    text.remove_prefix(digits);
    value = (value << 8) | octet;
  }
  if (!text.empty()) return std::nullopt;
  return value;
}

struct Netmask {
  std::uint32_t network = 0;
  std::uint32_t mask = 0;
};

// `a.b.c.d/m.m.m.m` with a non-zero mask; anything else is a pattern.
std::optional<Netmask> parse_netmask(std::string_view host) {
  const auto slash = host.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  const auto network = parse_ipv4(host.substr(0, slash));
  const auto mask = parse_ipv4(host.substr(slash + 1));
  if (!network || !mask || *mask == 0) return std::nullopt;
  return Netmask{*network, *mask};
}

// One pattern's magic number (sql_acl_getsort.ic): lower is more specific.
std::uint64_t pattern_magic(std::string_view pattern) {
  std::uint64_t n = 0, m = 0, k = 0, p = 0;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    const char c = pattern[i];
    if (c == kWildMany) {
      if (k == 0 && m == 0) p = n;
      ++k;
      while (i + 1 < pattern.size() && pattern[i + 1] == kWildMany) ++i;
      continue;
    }
    if (c == kWildOne) {
      if (k == 0 && m == 0) p = n;
      ++m;
      continue;
    }
    if (c == kWildPrefix && i + 1 < pattern.size()) ++i;
    ++n;
  }
  k = std::min<std::uint64_t>(k, 31);
  m = std::min<std::uint64_t>(m, 31);
  const std::uint64_t maxlen = kMaxHostnameLength;
  const std::uint64_t l = k != 0 && maxlen > n + m ? maxlen - n - m : 0;
  const std::uint64_t d = maxlen + 1;
  const std::uint64_t d1 = std::min<std::uint64_t>(d, 32);
  if (l > m) return (((l * 2 + 1) * d + k) * d1 + m) * d + p;
  return (((m * 2 + 0) * d + l) * d1 + k) * d + p;
}

bool equal_ignoring_ascii_case(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
           return lower(x) == lower(y);
         });
}

}  // namespace

std::string normalized_client_address(std::string_view address) {
  constexpr std::string_view kMapped = "::ffff:";
  if (address.size() > kMapped.size() && equal_ignoring_ascii_case(address.substr(0, kMapped.size()), kMapped) &&
      parse_ipv4(address.substr(kMapped.size()))) {
    return std::string(address.substr(kMapped.size()));
  }
  return std::string(address);
}

bool host_is_matchable(std::string_view host) {
  // hostname_requires_resolving(): localhost, IPv6 addresses, patterns, netmasks and IPv4
  // addresses are not names.
  if (equal_ignoring_ascii_case(host, "localhost")) return true;
  if (host.find_first_of(":%_/") != std::string_view::npos) return true;
  return std::all_of(host.begin(), host.end(), [](char c) { return (c >= '0' && c <= '9') || c == '.'; });
}

std::uint64_t host_user_rank(std::string_view host, std::string_view user) {
  const std::uint64_t magic = pattern_magic(host.empty() ? std::string_view("%") : host);
  return (magic << 1) + (user.empty() ? 1 : 0);
}

bool wild_match(std::string_view text, std::string_view pattern) {
  // Iterative LIKE with backtracking to the last `%`.
  std::size_t t = 0, p = 0;
  std::size_t star_p = std::string_view::npos, star_t = 0;
  while (t < text.size()) {
    if (p < pattern.size() && pattern[p] == kWildMany) {
      while (p < pattern.size() && pattern[p] == kWildMany) ++p;
      star_p = p;
      star_t = t;
      continue;
    }
    if (p < pattern.size() && pattern[p] == kWildOne) {
      ++p;
      ++t;
      continue;
    }
    if (p < pattern.size()) {
      std::size_t literal = p;
      if (pattern[p] == kWildPrefix && p + 1 < pattern.size()) literal = p + 1;
      if (pattern[literal] == text[t]) {
        p = literal + 1;
        ++t;
        continue;
      }
    }
    if (star_p == std::string_view::npos) return false;
    p = star_p;
    t = ++star_t;
  }
  while (p < pattern.size() && pattern[p] == kWildMany) ++p;
  return p == pattern.size();
}

bool host_matches(std::string_view host, std::string_view client_address) {
  if (host.empty()) return true;  // the server reads an empty Host as '%'
  if (const auto netmask = parse_netmask(host)) {
    if (const auto address = parse_ipv4(client_address)) return (*address & netmask->mask) == netmask->network;
  }
  return wild_match(client_address, host);
}

}  // namespace weir::auth
