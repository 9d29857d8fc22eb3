#pragma once
// Column definitions (Protocol::ColumnDefinition41) as sent in result-set metadata, in
// COM_STMT_PREPARE replies and in COM_FIELD_LIST replies; column types and column flags.
//
// Lifetime: ColumnDefinition holds std::string_view into the payload it was parsed from; copy
// what must outlive it.
#include <cstdint>
#include <optional>
#include <string_view>

#include "weir/protocol/bytes.hpp"
#include "weir/protocol/capabilities.hpp"
#include "weir/protocol/error.hpp"

namespace weir::protocol {

// enum_field_types. The *2 types, typed_array and the MariaDB compressed types are internal to the
// servers and not expected on the wire, but are named so that a dump can say what it saw.
enum class ColumnType : std::uint8_t {
  decimal = 0x00,
  tiny = 0x01,
  short_ = 0x02,
  long_ = 0x03,
  float_ = 0x04,
  double_ = 0x05,
  null = 0x06,
  timestamp = 0x07,
  longlong = 0x08,
  int24 = 0x09,
  date = 0x0a,
  time = 0x0b,
  datetime = 0x0c,
  year = 0x0d,
  newdate = 0x0e,
  varchar = 0x0f,
  bit = 0x10,
  timestamp2 = 0x11,
  datetime2 = 0x12,
  time2 = 0x13,
  typed_array = 0x14,         // MySQL, replication only
  vector = 0xf2,              // MySQL 9
  blob_compressed = 0x8c,     // MariaDB, internal
  varchar_compressed = 0x8d,  // MariaDB, internal
  json = 0xf5,                // MySQL; MariaDB sends JSON as a blob with a "json" format entry
  newdecimal = 0xf6,
  enum_ = 0xf7,
  set = 0xf8,
  tiny_blob = 0xf9,
  medium_blob = 0xfa,
  long_blob = 0xfb,
  blob = 0xfc,
  var_string = 0xfd,
  string = 0xfe,
  geometry = 0xff,
};

const char* column_type_name(ColumnType type);  // "LONGLONG", or "UNKNOWN"

namespace column_flag {
inline constexpr std::uint16_t kNotNull = 1U << 0;
inline constexpr std::uint16_t kPrimaryKey = 1U << 1;
inline constexpr std::uint16_t kUniqueKey = 1U << 2;
inline constexpr std::uint16_t kMultipleKey = 1U << 3;
inline constexpr std::uint16_t kBlob = 1U << 4;
inline constexpr std::uint16_t kUnsigned = 1U << 5;
inline constexpr std::uint16_t kZerofill = 1U << 6;
inline constexpr std::uint16_t kBinary = 1U << 7;
inline constexpr std::uint16_t kEnum = 1U << 8;
inline constexpr std::uint16_t kAutoIncrement = 1U << 9;
inline constexpr std::uint16_t kTimestamp = 1U << 10;
inline constexpr std::uint16_t kSet = 1U << 11;
inline constexpr std::uint16_t kNoDefaultValue = 1U << 12;
inline constexpr std::uint16_t kOnUpdateNow = 1U << 13;
inline constexpr std::uint16_t kPartKey = 1U << 14;  // MariaDB: part of some key
inline constexpr std::uint16_t kNum = 1U << 15;
}  // namespace column_flag

// Keys of MariaDB's extended type info entries (MARIADB_CLIENT_EXTENDED_TYPE_INFO).
enum class ExtendedTypeKey : std::uint8_t {
  type_name = 0,    // the data type plugin's name, e.g. "inet6", "uuid", "geometry" subtypes
  format_name = 1,  // e.g. "json" for a JSON column sent as a blob
};

// The fixed-length block of a column definition is always announced as 12 bytes.
inline constexpr std::uint8_t kColumnFixedFieldsLength = 0x0c;

struct ColumnDefinition {
  std::string_view catalog = "def";
  std::string_view schema;
  std::string_view table;      // alias
  std::string_view org_table;  // physical table
  std::string_view name;       // alias
  std::string_view org_name;   // physical column
  // MariaDB extended type info: the entries (key int1, value lenenc) without the block's own
  // length; present only under MARIADB_CLIENT_EXTENDED_TYPE_INFO (and then possibly empty).
  std::string_view extended_info;
  std::uint16_t charset = 0;  // collation id; 63 = binary
  std::uint32_t column_length = 0;
  ColumnType type = ColumnType::null;
  std::uint16_t flags = 0;
  std::uint8_t decimals = 0;
  // COM_FIELD_LIST replies only: a trailing lenenc default value, which may be NULL.
  bool has_default_field = false;
  std::optional<std::string_view> default_value;

  bool is_unsigned() const { return (flags & column_flag::kUnsigned) != 0; }
  bool is_binary() const { return charset == 63; }
  // The value of the first extended type info entry with `key`, if any.
  std::optional<std::string_view> extended(ExtendedTypeKey key) const;

  friend bool operator==(const ColumnDefinition&, const ColumnDefinition&) = default;
};

struct ColumnParseOptions {
  // Reply to COM_FIELD_LIST: a default-value field follows the fixed block.
  bool field_list = false;
};

// `caps` are the negotiated capabilities: MARIADB_CLIENT_EXTENDED_TYPE_INFO decides whether the
// extended info block is present. The block's entries are validated here.
Result<ColumnDefinition> parse_column_definition(Bytes payload, CapabilityFlags caps, ColumnParseOptions options = {});

// Writes the extended info block when caps include MARIADB_CLIENT_EXTENDED_TYPE_INFO and the
// default-value field when has_default_field is set.
void serialize(const ColumnDefinition& column, CapabilityFlags caps, Buffer& out);

// Builds an extended info block (key int1, value lenenc per entry) into `out`.
void append_extended_info_entry(Buffer& out, ExtendedTypeKey key, std::string_view value);

// How a column's value travels in a binary-protocol row.
enum class BinaryEncoding : std::uint8_t {
  none,  // MYSQL_TYPE_NULL: only ever NULL, no bytes
  int1,
  int2,
  int4,
  int8,
  float4,
  double8,
  date_time,  // int1 length (0, 4, 7, 11) then the fields
  time,       // int1 length (0, 8, 12) then the fields
  lenenc,     // decimals, strings, blobs, bit, enum, set, json, geometry
};

BinaryEncoding binary_encoding(ColumnType type);

}  // namespace weir::protocol
