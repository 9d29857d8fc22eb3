#include "weir/pod/args.hpp"

#include <charconv>

namespace weir::pod {

std::optional<std::string> ParsedArgs::get(std::string_view name) const {
  const auto it = values.find(name);
  if (it == values.end()) return std::nullopt;
  return it->second;
}

std::string ParsedArgs::get_or(std::string_view name, std::string_view fallback) const {
  return get(name).value_or(std::string(fallback));
}

ArgsResult parse_args(const std::vector<std::string>& words, const std::set<std::string_view>& valued,
                      const std::set<std::string_view>& booleans) {
  ArgsResult out;
  for (std::size_t i = 0; i < words.size(); ++i) {
    const std::string& word = words[i];
    if (!word.starts_with("--") || word == "--") {
      out.args.positional.push_back(word);
      continue;
    }
    const auto eq = word.find('=');
    const std::string name = word.substr(2, eq == std::string::npos ? std::string::npos : eq - 2);
    if (booleans.contains(name) && eq == std::string::npos) {
      out.args.flags.insert(name);
    } else if (!valued.contains(name)) {
      out.error = "unknown option '--" + name + "'";
      return out;
    } else if (eq != std::string::npos) {
      out.args.values[name] = word.substr(eq + 1);
    } else if (i + 1 < words.size()) {
      out.args.values[name] = words[++i];
    } else {
      out.error = "option '--" + name + "' needs a value";
      return out;
    }
  }
  return out;
}

std::optional<int> parse_int(std::string_view text, int min, int max) {
  int value = 0;
  const auto* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc{} || ptr != end || value < min || value > max) return std::nullopt;
  return value;
}

}  // namespace weir::pod
