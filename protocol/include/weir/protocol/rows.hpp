#pragma once
// Result-set rows: text rows (COM_QUERY: one lenenc string or NULL 0xfb per column) and binary
// rows (COM_STMT_EXECUTE / COM_STMT_FETCH: 0x00, a NULL bitmap offset by 2 bits, then each
// non-NULL value encoded by its column type).
//
// Two paths: check_*_row() validate a row without allocating (the proxy's optional sanity check,
// fuzzing), and parse_*_row() decode into Values (tests, the recorded-conversation parser).
// Values hold std::string_view into the payload; copy what must outlive it.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "weir/protocol/bytes.hpp"
#include "weir/protocol/column.hpp"
#include "weir/protocol/error.hpp"

namespace weir::protocol {

struct Date {
  std::uint16_t year = 0;
  std::uint8_t month = 0;
  std::uint8_t day = 0;
  friend bool operator==(const Date&, const Date&) = default;
};

struct DateTime {
  std::uint16_t year = 0;
  std::uint8_t month = 0;
  std::uint8_t day = 0;
  std::uint8_t hour = 0;
  std::uint8_t minute = 0;
  std::uint8_t second = 0;
  std::uint32_t microsecond = 0;
  friend bool operator==(const DateTime&, const DateTime&) = default;
};

// TIME is a duration: up to 838:59:59, possibly negative; `days` carries hours beyond 24.
struct Time {
  bool negative = false;
  std::uint32_t days = 0;
  std::uint8_t hour = 0;
  std::uint8_t minute = 0;
  std::uint8_t second = 0;
  std::uint32_t microsecond = 0;
  friend bool operator==(const Time&, const Time&) = default;
};

// monostate is SQL NULL. Text rows decode to string_view or NULL only; binary rows decode
// integers to int64_t (uint64_t for UNSIGNED columns), FLOAT to float, DOUBLE to double,
// DATE to Date, DATETIME/TIMESTAMP to DateTime, TIME to Time and everything else
// (DECIMAL, strings, blobs, BIT, ENUM, SET, JSON, GEOMETRY) to string_view.
using Value =
    std::variant<std::monostate, std::int64_t, std::uint64_t, float, double, std::string_view, Date, DateTime, Time>;

inline bool is_null(const Value& v) { return std::holds_alternative<std::monostate>(v); }

// The value as the text protocol would carry it ("42", "2024-01-02 03:04:05.000006", "-25:30:15");
// NULL gives nullopt.
std::optional<std::string> to_text(const Value& value);

// ---------------------------------------------------------------------------------------------
// Text rows

using TextField = std::optional<std::string_view>;  // nullopt is NULL

// Walks the fields of a text row without allocating.
class TextRowReader {
 public:
  explicit TextRowReader(Bytes payload)
      : data_(payload.data()), end_(payload.data() + payload.size()), begin_(payload.data()) {}

  // Reads the next field. Returns false at the end of the payload (error() empty) or on a
  // malformed field (error() set; it stays false afterwards).
  bool next(TextField& field) {
    if (data_ == end_ || error_) return false;
    const std::uint8_t first = *data_;
    if (first < 0xfb && static_cast<std::size_t>(end_ - data_) > first) {  // the common case
      field = std::string_view(reinterpret_cast<const char*>(data_ + 1), first);
      data_ += 1 + first;
      return true;
    }
    return next_slow(field);
  }
  bool at_end() const { return data_ == end_; }
  std::size_t offset() const { return static_cast<std::size_t>(data_ - begin_); }
  const std::optional<Error>& error() const { return error_; }

 private:
  bool next_slow(TextField& field);

  const std::uint8_t* data_;
  const std::uint8_t* end_;
  const std::uint8_t* begin_;
  std::optional<Error> error_;
};

// nullopt when the payload is exactly `column_count` well-formed fields.
[[nodiscard]] std::optional<Error> check_text_row(Bytes payload, std::size_t column_count);

Result<std::vector<Value>> parse_text_row(Bytes payload, std::size_t column_count);

// Writes each value in its text form (see to_text), NULL as 0xfb.
void serialize_text_row(std::span<const Value> values, Buffer& out);

// ---------------------------------------------------------------------------------------------
// Binary rows

inline constexpr std::uint8_t kBinaryRowHeader = 0x00;

// Size of a binary row's NULL bitmap for `column_count` columns (two reserved bits first).
inline constexpr std::size_t binary_null_bitmap_size(std::size_t column_count) { return (column_count + 7 + 2) / 8; }

// nullopt when the payload is a well-formed binary row for these columns (only their types are
// used). Does not allocate.
[[nodiscard]] std::optional<Error> check_binary_row(Bytes payload, std::span<const ColumnDefinition> columns);

Result<std::vector<Value>> parse_binary_row(Bytes payload, std::span<const ColumnDefinition> columns);

// Writes a binary row. Each value must be NULL or fit its column's encoding: integers for
// integer columns (any of int64_t/uint64_t, truncated to the column's width), float or double for
// FLOAT/DOUBLE, Date or DateTime for date/datetime/timestamp columns, Time for TIME, string_view
// for the rest. The shortest length form is used for temporal values. Returns an error naming the
// first value that does not fit (nothing sensible is left in `out` then).
[[nodiscard]] std::optional<Error> serialize_binary_row(std::span<const Value> values,
                                                        std::span<const ColumnDefinition> columns, Buffer& out);

}  // namespace weir::protocol
