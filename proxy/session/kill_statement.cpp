#include "session/kill_statement.hpp"

#include <cctype>

namespace weir::session {
namespace {

class Words {
 public:
  explicit Words(std::string_view text) : text_(text) {}
  // The next word (letters, digits, underscore), skipping whitespace and comments; empty at the end
  // or at any other character.
  std::string_view next() {
    skip_space();
    const std::size_t start = pos_;
    while (pos_ < text_.size() && (std::isalnum(static_cast<unsigned char>(text_[pos_])) || text_[pos_] == '_')) ++pos_;
    return text_.substr(start, pos_ - start);
  }
  bool at_end() {
    skip_space();
    while (pos_ < text_.size() && text_[pos_] == ';') {
      ++pos_;
      skip_space();
    }
    return pos_ == text_.size();
  }

 private:
  void skip_space() {
    while (pos_ < text_.size()) {
      if (std::isspace(static_cast<unsigned char>(text_[pos_]))) {
        ++pos_;
      } else if (text_.substr(pos_, 2) == "/*" && text_.substr(pos_, 3) != "/*!" && text_.substr(pos_, 3) != "/*M") {
        const auto end = text_.find("*/", pos_ + 2);
        pos_ = end == std::string_view::npos ? text_.size() : end + 2;
      } else if (text_[pos_] == '#' || text_.substr(pos_, 3) == "-- ") {
        const auto end = text_.find('\n', pos_);
        pos_ = end == std::string_view::npos ? text_.size() : end + 1;
      } else {
        break;
      }
    }
  }
  std::string_view text_;
  std::size_t pos_ = 0;
};

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::toupper(static_cast<unsigned char>(a[i])) != std::toupper(static_cast<unsigned char>(b[i]))) return false;
  }
  return true;
}

bool parse_id(std::string_view word, std::uint64_t& id) {
  if (word.empty() || word.size() > 19) return false;
  id = 0;
  for (const char c : word) {
    if (c < '0' || c > '9') return false;
    id = id * 10 + static_cast<std::uint64_t>(c - '0');
  }
  return true;
}

}  // namespace

std::optional<KillStatement> parse_kill_statement(std::string_view sql) {
  Words words(sql);
  if (!iequals(words.next(), "KILL")) return std::nullopt;
  KillStatement kill;
  std::string_view word = words.next();
  if (iequals(word, "HARD") || iequals(word, "SOFT")) {
    kill.modifier = std::string(word) + " ";
    word = words.next();
  }
  if (iequals(word, "QUERY")) {
    kill.query_only = true;
    word = words.next();
  } else if (iequals(word, "CONNECTION")) {
    word = words.next();
  }
  if (!parse_id(word, kill.id) || !words.at_end()) return std::nullopt;
  return kill;
}

std::string render_kill_statement(const KillStatement& kill, std::uint32_t backend_thread_id) {
  return "KILL " + kill.modifier + (kill.query_only ? "QUERY " : "CONNECTION ") + std::to_string(backend_thread_id);
}

}  // namespace weir::session
