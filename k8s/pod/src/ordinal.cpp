#include "weir/pod/ordinal.hpp"

#include <charconv>

namespace weir::pod {

std::optional<PodName> parse_pod_name(std::string_view hostname) {
  const std::string_view label = hostname.substr(0, hostname.find('.'));
  const auto dash = label.rfind('-');
  if (dash == std::string_view::npos || dash == 0 || dash + 1 == label.size()) return std::nullopt;
  const std::string_view digits = label.substr(dash + 1);
  if (digits.size() > 6) return std::nullopt;
  int ordinal = 0;
  const auto* end = digits.data() + digits.size();
  const auto [ptr, ec] = std::from_chars(digits.data(), end, ordinal);
  if (ec != std::errc{} || ptr != end || digits.front() == '+') return std::nullopt;
  return PodName{std::string(label.substr(0, dash)), ordinal};
}

std::string peer_dns_name(std::string_view set, int ordinal, std::string_view service) {
  std::string name(set);
  name += '-';
  name += std::to_string(ordinal);
  if (!service.empty()) {
    name += '.';
    name += service;
  }
  return name;
}

}  // namespace weir::pod
