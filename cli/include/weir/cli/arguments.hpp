#pragma once
// A parsed command line: the options given, in order, and the positional words.
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace weir::cli {

class Arguments {
 public:
  // The last value given for the option (a flag's is empty), or nullopt when it was not given.
  std::optional<std::string> get(std::string_view name) const;
  std::string get_or(std::string_view name, std::string_view fallback) const;
  // Every value of a repeatable option, in the order given.
  std::vector<std::string> all(std::string_view name) const;
  bool has(std::string_view name) const { return get(name).has_value(); }
  const std::vector<std::string>& positional() const { return positional_; }
  // (long name, value) in the order given on the command line.
  const std::vector<std::pair<std::string, std::string>>& given() const { return given_; }

  void add(std::string name, std::string value) { given_.emplace_back(std::move(name), std::move(value)); }
  void add_positional(std::string word) { positional_.push_back(std::move(word)); }

 private:
  std::vector<std::pair<std::string, std::string>> given_;
  std::vector<std::string> positional_;
};

}  // namespace weir::cli
