#include "log/log.hpp"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <type_traits>

#include "json/json_string.hpp"

namespace weir::log {
namespace {

std::atomic<Level> g_level{Level::info};
std::atomic<Format> g_format{Format::logfmt};

const char* level_name(Level level) {
  switch (level) {
    case Level::trace: return "trace";
    case Level::debug: return "debug";
    case Level::info: return "info";
    case Level::warn: return "warn";
    case Level::error: return "error";
  }
  return "info";
}

std::string timestamp() {
  const auto now = std::chrono::system_clock::now();
  const auto seconds = std::chrono::system_clock::to_time_t(now);
  const auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char text[96];
  std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(millis));
  return text;
}

void append_logfmt_value(std::string& out, std::string_view s) {
  bool plain = !s.empty();
  for (const char c : s) {
    if (c == ' ' || c == '"' || c == '=' || c == '\\' || static_cast<unsigned char>(c) < 0x20) plain = false;
  }
  if (plain) {
    out += s;
  } else {
    json::append_string(out, s);
  }
}

}  // namespace

Field::Field(std::string_view k, double v) : key(k) {
  char text[32];
  std::snprintf(text, sizeof text, "%.6g", v);
  value = text;
}

void configure(Level level, Format format) {
  g_level = level;
  g_format = format;
}

bool enabled(Level level) { return level >= g_level.load(std::memory_order_relaxed); }

std::string format_line(Format format, Level level, std::string_view message, std::initializer_list<Field> fields) {
  std::string line;
  line.reserve(128);
  if (format == Format::json) {
    line += "{\"ts\":\"" + timestamp() + "\",\"level\":\"" + level_name(level) + "\",\"msg\":";
    json::append_string(line, message);
    for (const auto& f : fields) {
      line += ',';
      json::append_string(line, f.key);
      line += ':';
      json::append_string(line, f.value);
    }
    line += "}\n";
    return line;
  }
  line += "ts=" + timestamp() + " level=" + level_name(level) + " msg=";
  append_logfmt_value(line, message);
  for (const auto& f : fields) {
    line += ' ';
    line += f.key;
    line += '=';
    append_logfmt_value(line, f.value);
  }
  line += '\n';
  return line;
}

void write(Level level, std::string_view message, std::initializer_list<Field> fields) {
  if (!enabled(level)) return;
  const std::string line = format_line(g_format.load(std::memory_order_relaxed), level, message, fields);
  // One write(2) per line: atomic for lines under PIPE_BUF on pipes, and never interleaved mid-line
  // by this process's threads in practice on files and terminals.
  [[maybe_unused]] const auto written = ::write(STDERR_FILENO, line.data(), line.size());
}

}  // namespace weir::log
