#pragma once
// Structured log lines (logfmt or JSON lines) on stderr: one event per line, written with a single
// write so lines from different threads never interleave. Never log a password.
#include <atomic>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <type_traits>

namespace weir::log {

enum class Level : std::uint8_t { trace, debug, info, warn, error };
enum class Format : std::uint8_t { logfmt, json };

void configure(Level level, Format format);
bool enabled(Level level);

struct Field {
  std::string_view key;
  std::string value;
  Field(std::string_view k, std::string_view v) : key(k), value(v) {}
  Field(std::string_view k, const std::string& v) : key(k), value(v) {}
  Field(std::string_view k, const char* v) : key(k), value(v) {}
  template <class Int, class = std::enable_if_t<std::is_integral_v<Int>>>
  Field(std::string_view k, Int v) : key(k), value(std::to_string(v)) {}
  Field(std::string_view k, double v);
};

// Renders one line (with its trailing newline); public for tests.
std::string format_line(Format format, Level level, std::string_view message, std::initializer_list<Field> fields);

void write(Level level, std::string_view message, std::initializer_list<Field> fields = {});
inline void info(std::string_view message, std::initializer_list<Field> fields = {}) {
  write(Level::info, message, fields);
}
inline void warn(std::string_view message, std::initializer_list<Field> fields = {}) {
  write(Level::warn, message, fields);
}
inline void error(std::string_view message, std::initializer_list<Field> fields = {}) {
  write(Level::error, message, fields);
}
inline void debug(std::string_view message, std::initializer_list<Field> fields = {}) {
  if (enabled(Level::debug)) write(Level::debug, message, fields);
}

}  // namespace weir::log
