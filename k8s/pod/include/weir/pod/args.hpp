#pragma once
// A small command-line reader shared by the `weir pod` and `weir up` families:
// `--name value`, `--name=value`, boolean `--flag`, and positional words.
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace weir::pod {

struct ParsedArgs {
  std::map<std::string, std::string, std::less<>> values;
  std::set<std::string, std::less<>> flags;
  std::vector<std::string> positional;

  std::optional<std::string> get(std::string_view name) const;
  std::string get_or(std::string_view name, std::string_view fallback) const;
  bool has(std::string_view flag) const { return flags.contains(flag); }
};

// `valued` lists the options that take a value, `booleans` those that do not; anything else
// starting with "--" is an error ("unknown option '--x'"). Returns the error text on failure.
struct ArgsResult {
  ParsedArgs args;
  std::string error;
};
ArgsResult parse_args(const std::vector<std::string>& words, const std::set<std::string_view>& valued,
                      const std::set<std::string_view>& booleans);

// Parses a decimal port (1..65535) or a non-negative count; nullopt when malformed.
std::optional<int> parse_int(std::string_view text, int min, int max);

}  // namespace weir::pod
