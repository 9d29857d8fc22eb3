#pragma once
// The error codes weir itself sends to clients (the servers' own where one fits).
#include <cstdint>

namespace weir::session::errors {

inline constexpr std::uint16_t kServerShutdown = 1053;      // ER_SERVER_SHUTDOWN
inline constexpr std::uint16_t kTooManyConnections = 1040;  // ER_CON_COUNT_ERROR
inline constexpr std::uint16_t kPacketTooLarge = 1153;      // ER_NET_PACKET_TOO_LARGE
inline constexpr std::uint16_t kPacketsOutOfOrder = 1156;   // ER_NET_PACKETS_OUT_OF_ORDER
inline constexpr std::uint16_t kUnknownThread = 1094;       // ER_NO_SUCH_THREAD
inline constexpr std::uint16_t kKillDenied = 1095;          // ER_KILL_DENIED_ERROR
inline constexpr std::uint16_t kQueryInterrupted = 1317;    // ER_QUERY_INTERRUPTED
inline constexpr std::uint16_t kConnectionKilled = 1927;    // ER_CONNECTION_KILLED
inline constexpr std::uint16_t kBadHandshake = 1043;        // ER_HANDSHAKE_ERROR
inline constexpr std::uint16_t kAccessDenied = 1045;        // ER_ACCESS_DENIED_ERROR
inline constexpr std::uint16_t kUnknownStatement = 1243;    // ER_UNKNOWN_STMT_HANDLER
inline constexpr std::uint16_t kTooManyStatements = 1461;   // ER_MAX_PREPARED_STMT_COUNT_REACHED
// ER_CANT_EXECUTE_IN_READ_ONLY_TRANSACTION: how a replica link refuses a write.
inline constexpr std::uint16_t kReadOnlyTransaction = 1792;
// A server-side code: libmariadb reports client-range codes (2xxx) in a login reply as
// "malformed packet". 1927 is ER_CONNECTION_KILLED, what the server says when it drops a session.
inline constexpr std::uint16_t kBackendUnreachable = 1927;
inline constexpr std::uint16_t kBackendLost = 1927;
// ER_UNKNOWN_ERROR: a statement that needs a backend weir cannot reach right now; the session
// stays open (reads may still work).
inline constexpr std::uint16_t kBackendUnavailable = 1105;

}  // namespace weir::session::errors
