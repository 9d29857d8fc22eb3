#pragma once
// A statement's digest for the slow-query log: its shape without the values, so that statements
// differing only in literals read (and group) the same. Pure.
//   SELECT * FROM t WHERE id = 42 AND name IN ('a', 'b')  ->  SELECT * FROM t WHERE id = ? AND name IN (?...)
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace weir::route {

struct Digest {
  std::string text;        // normalised: comments dropped, literals as ?, lists of ? as ?..., one space
  std::uint64_t hash = 0;  // FNV-1a of `text`, for grouping
};

// `max_length` bounds the text (cut with "..."); unlexable input is digested up to the error.
Digest digest(std::string_view sql, std::size_t max_length = 1024);

}  // namespace weir::route
