#include "weir/protocol/rows.hpp"

#include <charconv>
#include <cstdio>
#include <cstring>

namespace weir::protocol {

// ---------------------------------------------------------------------------------------------
// Text form of values

namespace {

template <class T>
std::string number_text(T v) {
  char buf[64];
  const auto result = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, result.ptr);
}

std::string fraction_text(std::uint32_t microsecond) {
  if (microsecond == 0) return {};
  char buf[16];
  std::snprintf(buf, sizeof buf, ".%06u", static_cast<unsigned>(microsecond % 1000000));
  return buf;
}

std::string date_text(std::uint16_t year, std::uint8_t month, std::uint8_t day) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04u-%02u-%02u", static_cast<unsigned>(year), static_cast<unsigned>(month),
                static_cast<unsigned>(day));
  return buf;
}

std::string clock_text(unsigned long hours, std::uint8_t minute, std::uint8_t second) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%02lu:%02u:%02u", hours, static_cast<unsigned>(minute),
                static_cast<unsigned>(second));
  return buf;
}

struct TextVisitor {
  std::optional<std::string> operator()(std::monostate) const { return std::nullopt; }
  std::optional<std::string> operator()(std::int64_t v) const { return number_text(v); }
  std::optional<std::string> operator()(std::uint64_t v) const { return number_text(v); }
  std::optional<std::string> operator()(float v) const { return number_text(v); }
  std::optional<std::string> operator()(double v) const { return number_text(v); }
  std::optional<std::string> operator()(std::string_view v) const { return std::string(v); }
  std::optional<std::string> operator()(const Date& d) const { return date_text(d.year, d.month, d.day); }
  std::optional<std::string> operator()(const DateTime& d) const {
    return date_text(d.year, d.month, d.day) + " " + clock_text(d.hour, d.minute, d.second) +
           fraction_text(d.microsecond);
  }
  std::optional<std::string> operator()(const Time& t) const {
    const unsigned long hours = static_cast<unsigned long>(t.days) * 24 + t.hour;
    return (t.negative ? "-" : "") + clock_text(hours, t.minute, t.second) + fraction_text(t.microsecond);
  }
};

}  // namespace

std::optional<std::string> to_text(const Value& value) { return std::visit(TextVisitor{}, value); }

// ---------------------------------------------------------------------------------------------
// Text rows

bool TextRowReader::next_slow(TextField& field) {
  const std::size_t available = static_cast<std::size_t>(end_ - data_);
  const std::uint8_t first = *data_;
  std::size_t prefix = 1;
  std::uint64_t length = first;
  switch (first) {
    case kLenencNull:
      field.reset();
      ++data_;
      return true;
    case kLenenc2: prefix = 3; break;
    case kLenenc3: prefix = 4; break;
    case kLenenc8: prefix = 9; break;
    case 0xff: error_ = Error{Errc::bad_value, "text_row.field", offset()}; return false;
    default: break;  // a one-byte length whose string runs past the end
  }
  if (available < prefix) {
    error_ = Error{Errc::truncated, "text_row.field", offset()};
    return false;
  }
  if (prefix > 1) {
    length = 0;
    for (std::size_t i = 1; i < prefix; ++i) length |= std::uint64_t{data_[i]} << (8 * (i - 1));
  }
  if (available - prefix < length) {
    error_ = Error{Errc::truncated, "text_row.field", offset()};
    return false;
  }
  field = std::string_view(reinterpret_cast<const char*>(data_ + prefix), static_cast<std::size_t>(length));
  data_ += prefix + length;
  return true;
}

std::optional<Error> check_text_row(Bytes payload, std::size_t column_count) {
  TextRowReader reader(payload);
  TextField field;
  for (std::size_t i = 0; i < column_count; ++i) {
    if (!reader.next(field)) {
      if (reader.error()) return reader.error();
      return Error{Errc::truncated, "text_row.field", reader.offset()};
    }
  }
  if (!reader.at_end()) return Error{Errc::trailing_bytes, "text row", reader.offset()};
  return std::nullopt;
}

Result<std::vector<Value>> parse_text_row(Bytes payload, std::size_t column_count) {
  if (auto error = check_text_row(payload, column_count)) return *error;
  std::vector<Value> values;
  values.reserve(column_count);
  TextRowReader reader(payload);
  TextField field;
  while (reader.next(field)) {
    if (field) {
      values.emplace_back(*field);
    } else {
      values.emplace_back(std::monostate{});
    }
  }
  return values;
}

void serialize_text_row(std::span<const Value> values, Buffer& out) {
  Writer w(out);
  for (const Value& v : values) {
    if (const auto* s = std::get_if<std::string_view>(&v)) {
      w.lenenc_str(*s);
    } else if (auto text = to_text(v)) {
      w.lenenc_str(*text);
    } else {
      w.lenenc_null();
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Binary rows

namespace {

bool is_null_bit(Bytes bitmap, std::size_t column) {
  const std::size_t bit = column + 2;
  return (bitmap[bit / 8] >> (bit % 8)) & 1U;
}

bool valid_date_time_length(std::uint8_t n) { return n == 0 || n == 4 || n == 7 || n == 11; }
bool valid_time_length(std::uint8_t n) { return n == 0 || n == 8 || n == 12; }

// Reads the header and the NULL bitmap; returns the bitmap.
Bytes read_binary_row_start(Reader& r, std::size_t column_count) {
  if (r.remaining() > 0 && r.peek() != kBinaryRowHeader) r.fail(Errc::bad_value, "binary_row.header");
  r.int1("binary_row.header");
  return as_bytes(r.fixed_str(binary_null_bitmap_size(column_count), "binary_row.null_bitmap"));
}

Value read_date_time(Reader& r, ColumnType type) {
  const std::uint8_t length = r.int1("binary_row.datetime_length");
  if (!r.ok()) return {};
  if (!valid_date_time_length(length)) {
    r.fail(Errc::bad_value, "binary_row.datetime_length");
    return {};
  }
  DateTime d;
  if (length >= 4) {
    d.year = r.int2("binary_row.year");
    d.month = r.int1("binary_row.month");
    d.day = r.int1("binary_row.day");
  }
  if (length >= 7) {
    d.hour = r.int1("binary_row.hour");
    d.minute = r.int1("binary_row.minute");
    d.second = r.int1("binary_row.second");
  }
  if (length == 11) d.microsecond = r.int4("binary_row.microsecond");
  if (type == ColumnType::date || type == ColumnType::newdate) return Date{d.year, d.month, d.day};
  return d;
}

Value read_time(Reader& r) {
  const std::uint8_t length = r.int1("binary_row.time_length");
  if (!r.ok()) return {};
  if (!valid_time_length(length)) {
    r.fail(Errc::bad_value, "binary_row.time_length");
    return {};
  }
  Time t;
  if (length >= 8) {
    t.negative = r.int1("binary_row.time_sign") != 0;
    t.days = r.int4("binary_row.days");
    t.hour = r.int1("binary_row.hour");
    t.minute = r.int1("binary_row.minute");
    t.second = r.int1("binary_row.second");
  }
  if (length == 12) t.microsecond = r.int4("binary_row.microsecond");
  return t;
}

template <class Signed, class Unsigned>
Value integer(Unsigned raw, bool is_unsigned) {
  if (is_unsigned) return std::uint64_t{raw};
  return std::int64_t{static_cast<Signed>(raw)};
}

Value read_binary_value(Reader& r, const ColumnDefinition& column) {
  const bool u = column.is_unsigned();
  switch (binary_encoding(column.type)) {
    case BinaryEncoding::none: return std::monostate{};
    case BinaryEncoding::int1: return integer<std::int8_t>(r.int1("binary_row.int1"), u);
    case BinaryEncoding::int2: return integer<std::int16_t>(r.int2("binary_row.int2"), u);
    case BinaryEncoding::int4: return integer<std::int32_t>(r.int4("binary_row.int4"), u);
    case BinaryEncoding::int8: return integer<std::int64_t>(r.int8("binary_row.int8"), u);
    case BinaryEncoding::float4: {
      const std::uint32_t bits = r.int4("binary_row.float");
      float f = 0;
      std::memcpy(&f, &bits, sizeof f);
      return f;
    }
    case BinaryEncoding::double8: {
      const std::uint64_t bits = r.int8("binary_row.double");
      double d = 0;
      std::memcpy(&d, &bits, sizeof d);
      return d;
    }
    case BinaryEncoding::date_time: return read_date_time(r, column.type);
    case BinaryEncoding::time: return read_time(r);
    case BinaryEncoding::lenenc: return r.lenenc_str("binary_row.string");
  }
  return std::monostate{};
}

}  // namespace

std::optional<Error> check_binary_row(Bytes payload, std::span<const ColumnDefinition> columns) {
  const std::size_t bitmap_size = binary_null_bitmap_size(columns.size());
  if (payload.empty()) return Error{Errc::truncated, "binary_row.header", 0};
  if (payload[0] != kBinaryRowHeader) return Error{Errc::bad_value, "binary_row.header", 0};
  if (payload.size() < 1 + bitmap_size) return Error{Errc::truncated, "binary_row.null_bitmap", 1};
  const Bytes bitmap = payload.subspan(1, bitmap_size);
  const std::uint8_t* p = payload.data() + 1 + bitmap_size;
  const std::uint8_t* const end = payload.data() + payload.size();
  const auto offset = [&] { return static_cast<std::size_t>(p - payload.data()); };
  for (std::size_t i = 0; i < columns.size(); ++i) {
    if (is_null_bit(bitmap, i)) continue;
    const std::size_t available = static_cast<std::size_t>(end - p);
    std::size_t size = 0;
    switch (binary_encoding(columns[i].type)) {
      case BinaryEncoding::none: size = 0; break;
      case BinaryEncoding::int1: size = 1; break;
      case BinaryEncoding::int2: size = 2; break;
      case BinaryEncoding::int4:
      case BinaryEncoding::float4: size = 4; break;
      case BinaryEncoding::int8:
      case BinaryEncoding::double8: size = 8; break;
      case BinaryEncoding::date_time:
      case BinaryEncoding::time: {
        if (available < 1) return Error{Errc::truncated, "binary_row.temporal_length", offset()};
        const bool valid = binary_encoding(columns[i].type) == BinaryEncoding::time ? valid_time_length(*p)
                                                                                    : valid_date_time_length(*p);
        if (!valid) return Error{Errc::bad_value, "binary_row.temporal_length", offset()};
        size = 1 + std::size_t{*p};
        break;
      }
      case BinaryEncoding::lenenc: {
        Reader r(Bytes(p, available));
        r.lenenc_str("binary_row.string");
        if (!r.ok()) {
          Error e = r.error();
          e.offset += offset();
          return e;
        }
        size = r.offset();
        break;
      }
    }
    if (available < size) return Error{Errc::truncated, "binary_row.value", offset()};
    p += size;
  }
  if (p != end) return Error{Errc::trailing_bytes, "binary row", offset()};
  return std::nullopt;
}

Result<std::vector<Value>> parse_binary_row(Bytes payload, std::span<const ColumnDefinition> columns) {
  Reader r(payload);
  const Bytes bitmap = read_binary_row_start(r, columns.size());
  std::vector<Value> values;
  values.reserve(columns.size());
  for (std::size_t i = 0; i < columns.size() && r.ok(); ++i) {
    if (is_null_bit(bitmap, i)) {
      values.emplace_back(std::monostate{});
    } else {
      values.push_back(read_binary_value(r, columns[i]));
    }
  }
  r.expect_end("binary row");
  if (!r.ok()) return r.error();
  return values;
}

namespace {

std::optional<std::uint64_t> as_integer(const Value& v) {
  if (const auto* i = std::get_if<std::int64_t>(&v)) return static_cast<std::uint64_t>(*i);
  if (const auto* u = std::get_if<std::uint64_t>(&v)) return *u;
  return std::nullopt;
}

void write_date_time(Writer& w, const DateTime& d) {
  std::uint8_t length = 11;
  if (d.microsecond == 0) length = 7;
  if (length == 7 && d.hour == 0 && d.minute == 0 && d.second == 0) length = 4;
  if (length == 4 && d.year == 0 && d.month == 0 && d.day == 0) length = 0;
  w.int1(length);
  if (length >= 4) w.int2(d.year).int1(d.month).int1(d.day);
  if (length >= 7) w.int1(d.hour).int1(d.minute).int1(d.second);
  if (length == 11) w.int4(d.microsecond);
}

void write_time(Writer& w, const Time& t) {
  std::uint8_t length = 12;
  if (t.microsecond == 0) length = 8;
  if (length == 8 && !t.negative && t.days == 0 && t.hour == 0 && t.minute == 0 && t.second == 0) length = 0;
  w.int1(length);
  if (length >= 8) w.int1(t.negative ? 1 : 0).int4(t.days).int1(t.hour).int1(t.minute).int1(t.second);
  if (length == 12) w.int4(t.microsecond);
}

// Writes one non-NULL value; false when it does not fit the column.
bool write_binary_value(Writer& w, const Value& v, ColumnType type) {
  switch (binary_encoding(type)) {
    case BinaryEncoding::none: return false;
    case BinaryEncoding::int1:
    case BinaryEncoding::int2:
    case BinaryEncoding::int4:
    case BinaryEncoding::int8: {
      const auto i = as_integer(v);
      if (!i) return false;
      const BinaryEncoding e = binary_encoding(type);
      if (e == BinaryEncoding::int1) w.int1(static_cast<std::uint8_t>(*i));
      if (e == BinaryEncoding::int2) w.int2(static_cast<std::uint16_t>(*i));
      if (e == BinaryEncoding::int4) w.int4(static_cast<std::uint32_t>(*i));
      if (e == BinaryEncoding::int8) w.int8(*i);
      return true;
    }
    case BinaryEncoding::float4:
    case BinaryEncoding::double8: {
      double d = 0;
      if (const auto* f = std::get_if<float>(&v)) {
        d = *f;
      } else if (const auto* dd = std::get_if<double>(&v)) {
        d = *dd;
      } else {
        return false;
      }
      if (binary_encoding(type) == BinaryEncoding::float4) {
        const auto f = static_cast<float>(d);
        std::uint32_t bits = 0;
        std::memcpy(&bits, &f, sizeof bits);
        w.int4(bits);
      } else {
        std::uint64_t bits = 0;
        std::memcpy(&bits, &d, sizeof bits);
        w.int8(bits);
      }
      return true;
    }
    case BinaryEncoding::date_time:
      if (const auto* d = std::get_if<Date>(&v)) {
        write_date_time(w, DateTime{d->year, d->month, d->day, 0, 0, 0, 0});
        return true;
      }
      if (const auto* dt = std::get_if<DateTime>(&v)) {
        write_date_time(w, *dt);
        return true;
      }
      return false;
    case BinaryEncoding::time:
      if (const auto* t = std::get_if<Time>(&v)) {
        write_time(w, *t);
        return true;
      }
      return false;
    case BinaryEncoding::lenenc:
      if (const auto* s = std::get_if<std::string_view>(&v)) {
        w.lenenc_str(*s);
        return true;
      }
      return false;
  }
  return false;
}

}  // namespace

std::optional<Error> serialize_binary_row(std::span<const Value> values, std::span<const ColumnDefinition> columns,
                                          Buffer& out) {
  if (values.size() != columns.size()) return Error{Errc::bad_value, "binary_row.column_count", values.size()};
  Writer w(out);
  w.int1(kBinaryRowHeader);
  const std::size_t bitmap_at = out.size();
  w.zeros(binary_null_bitmap_size(columns.size()));
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (is_null(values[i])) {
      const std::size_t bit = i + 2;
      out[bitmap_at + bit / 8] = static_cast<std::uint8_t>(out[bitmap_at + bit / 8] | (1U << (bit % 8)));
      continue;
    }
    // The error's offset is the index of the value that does not fit.
    if (!write_binary_value(w, values[i], columns[i].type)) return Error{Errc::bad_value, "binary_row.value", i};
  }
  return std::nullopt;
}

}  // namespace weir::protocol
