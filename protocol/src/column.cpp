#include "weir/protocol/column.hpp"

namespace weir::protocol {

const char* column_type_name(ColumnType type) {
  switch (type) {
    case ColumnType::decimal: return "DECIMAL";
    case ColumnType::tiny: return "TINY";
    case ColumnType::short_: return "SHORT";
    case ColumnType::long_: return "LONG";
    case ColumnType::float_: return "FLOAT";
    case ColumnType::double_: return "DOUBLE";
    case ColumnType::null: return "NULL";
    case ColumnType::timestamp: return "TIMESTAMP";
    case ColumnType::longlong: return "LONGLONG";
    case ColumnType::int24: return "INT24";
    case ColumnType::date: return "DATE";
    case ColumnType::time: return "TIME";
    case ColumnType::datetime: return "DATETIME";
    case ColumnType::year: return "YEAR";
    case ColumnType::newdate: return "NEWDATE";
    case ColumnType::varchar: return "VARCHAR";
    case ColumnType::bit: return "BIT";
    case ColumnType::timestamp2: return "TIMESTAMP2";
    case ColumnType::datetime2: return "DATETIME2";
    case ColumnType::time2: return "TIME2";
    case ColumnType::typed_array: return "TYPED_ARRAY";
    case ColumnType::vector: return "VECTOR";
    case ColumnType::blob_compressed: return "BLOB_COMPRESSED";
    case ColumnType::varchar_compressed: return "VARCHAR_COMPRESSED";
    case ColumnType::json: return "JSON";
    case ColumnType::newdecimal: return "NEWDECIMAL";
    case ColumnType::enum_: return "ENUM";
    case ColumnType::set: return "SET";
    case ColumnType::tiny_blob: return "TINY_BLOB";
    case ColumnType::medium_blob: return "MEDIUM_BLOB";
    case ColumnType::long_blob: return "LONG_BLOB";
    case ColumnType::blob: return "BLOB";
    case ColumnType::var_string: return "VAR_STRING";
    case ColumnType::string: return "STRING";
    case ColumnType::geometry: return "GEOMETRY";
  }
  return "UNKNOWN";
}

BinaryEncoding binary_encoding(ColumnType type) {
  switch (type) {
    case ColumnType::null: return BinaryEncoding::none;
    case ColumnType::tiny: return BinaryEncoding::int1;
    case ColumnType::short_:
    case ColumnType::year: return BinaryEncoding::int2;
    case ColumnType::long_:
    case ColumnType::int24: return BinaryEncoding::int4;
    case ColumnType::longlong: return BinaryEncoding::int8;
    case ColumnType::float_: return BinaryEncoding::float4;
    case ColumnType::double_: return BinaryEncoding::double8;
    case ColumnType::date:
    case ColumnType::newdate:
    case ColumnType::datetime:
    case ColumnType::datetime2:
    case ColumnType::timestamp:
    case ColumnType::timestamp2: return BinaryEncoding::date_time;
    case ColumnType::time:
    case ColumnType::time2: return BinaryEncoding::time;
    default: return BinaryEncoding::lenenc;
  }
}

namespace {

// Walks the entries of an extended info block; returns false (and records the error in `r`) on a
// malformed block.
bool validate_extended_info(std::string_view block, std::size_t block_offset, Error& error) {
  Reader r(block);
  while (r.ok() && !r.at_end()) {
    r.int1("extended_type_info.key");
    r.lenenc_str("extended_type_info.value");
  }
  if (r.ok()) return true;
  error = r.error();
  error.offset += block_offset;
  return false;
}

}  // namespace

std::optional<std::string_view> ColumnDefinition::extended(ExtendedTypeKey key) const {
  Reader r(extended_info);
  while (r.ok() && !r.at_end()) {
    const std::uint8_t k = r.int1("key");
    const std::string_view value = r.lenenc_str("value");
    if (r.ok() && k == static_cast<std::uint8_t>(key)) return value;
  }
  return std::nullopt;
}

Result<ColumnDefinition> parse_column_definition(Bytes payload, CapabilityFlags caps, ColumnParseOptions options) {
  Reader r(payload);
  ColumnDefinition c;
  c.catalog = r.lenenc_str("column.catalog");
  c.schema = r.lenenc_str("column.schema");
  c.table = r.lenenc_str("column.table");
  c.org_table = r.lenenc_str("column.org_table");
  c.name = r.lenenc_str("column.name");
  c.org_name = r.lenenc_str("column.org_name");
  if (has(caps, cap::kMariadbExtendedTypeInfo)) {
    // The block's length prefix is read separately so that an error inside it points at the entry.
    const std::uint64_t length = r.lenenc_int("column.extended_type_info");
    const std::size_t block_offset = r.offset();
    c.extended_info = r.fixed_str(length, "column.extended_type_info");
    Error inner;
    if (r.ok() && !validate_extended_info(c.extended_info, block_offset, inner)) return inner;
  }
  const std::size_t fixed_offset = r.offset();
  const std::uint64_t fixed_length = r.lenenc_int("column.fixed_fields_length");
  if (r.ok() && fixed_length != kColumnFixedFieldsLength) {
    return Error{Errc::bad_value, "column.fixed_fields_length", fixed_offset};
  }
  c.charset = r.int2("column.charset");
  c.column_length = r.int4("column.column_length");
  c.type = static_cast<ColumnType>(r.int1("column.type"));
  c.flags = r.int2("column.flags");
  c.decimals = r.int1("column.decimals");
  r.skip(2, "column.filler");
  if (options.field_list) {
    c.has_default_field = true;
    std::uint64_t length = 0;
    if (r.lenenc_nullable(length, "column.default_value")) {
      c.default_value = r.fixed_str(length, "column.default_value");
    }
  }
  r.expect_end("column definition");
  if (!r.ok()) return r.error();
  return c;
}

void serialize(const ColumnDefinition& column, CapabilityFlags caps, Buffer& out) {
  Writer w(out);
  w.lenenc_str(column.catalog)
      .lenenc_str(column.schema)
      .lenenc_str(column.table)
      .lenenc_str(column.org_table)
      .lenenc_str(column.name)
      .lenenc_str(column.org_name);
  if (has(caps, cap::kMariadbExtendedTypeInfo)) w.lenenc_str(column.extended_info);
  w.lenenc_int(kColumnFixedFieldsLength)
      .int2(column.charset)
      .int4(column.column_length)
      .int1(static_cast<std::uint8_t>(column.type))
      .int2(column.flags)
      .int1(column.decimals)
      .zeros(2);
  if (column.has_default_field) {
    if (column.default_value) {
      w.lenenc_str(*column.default_value);
    } else {
      w.lenenc_null();
    }
  }
}

void append_extended_info_entry(Buffer& out, ExtendedTypeKey key, std::string_view value) {
  Writer(out).int1(static_cast<std::uint8_t>(key)).lenenc_str(value);
}

}  // namespace weir::protocol
