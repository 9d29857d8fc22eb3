#pragma once
// Server status flags carried by OK and EOF packets (and the greeting). weir takes transaction
// state and "more results follow" from these, never only from parsing statements.
#include <cstdint>

namespace weir::protocol {

using StatusFlags = std::uint16_t;

namespace status {
inline constexpr StatusFlags kInTrans = 1U << 0;
inline constexpr StatusFlags kAutocommit = 1U << 1;
inline constexpr StatusFlags kMoreResultsExist = 1U << 3;
inline constexpr StatusFlags kNoGoodIndexUsed = 1U << 4;
inline constexpr StatusFlags kNoIndexUsed = 1U << 5;
inline constexpr StatusFlags kCursorExists = 1U << 6;
inline constexpr StatusFlags kLastRowSent = 1U << 7;
inline constexpr StatusFlags kDbDropped = 1U << 8;
inline constexpr StatusFlags kNoBackslashEscapes = 1U << 9;
inline constexpr StatusFlags kMetadataChanged = 1U << 10;
inline constexpr StatusFlags kQueryWasSlow = 1U << 11;
inline constexpr StatusFlags kPsOutParams = 1U << 12;
inline constexpr StatusFlags kInTransReadonly = 1U << 13;
inline constexpr StatusFlags kSessionStateChanged = 1U << 14;
}  // namespace status

}  // namespace weir::protocol
