#pragma once
// Capability flags exchanged in the handshake, including MariaDB's extended capabilities (which
// travel in the greeting's and the handshake response's otherwise reserved 4 bytes when the
// client does not set CLIENT_LONG_PASSWORD / the server is MariaDB: bit 0 of the lower flags
// "CLIENT_MYSQL" cleared).
#include <cstdint>

namespace weir::protocol {

using CapabilityFlags = std::uint64_t;  // low 32 bits: MySQL; high 32 bits: MariaDB extended

namespace cap {
inline constexpr CapabilityFlags kLongPassword = 1ULL << 0;  // "CLIENT_MYSQL" for MariaDB
inline constexpr CapabilityFlags kFoundRows = 1ULL << 1;
inline constexpr CapabilityFlags kLongFlag = 1ULL << 2;
inline constexpr CapabilityFlags kConnectWithDb = 1ULL << 3;
inline constexpr CapabilityFlags kNoSchema = 1ULL << 4;
inline constexpr CapabilityFlags kCompress = 1ULL << 5;
inline constexpr CapabilityFlags kOdbc = 1ULL << 6;
inline constexpr CapabilityFlags kLocalFiles = 1ULL << 7;
inline constexpr CapabilityFlags kIgnoreSpace = 1ULL << 8;
inline constexpr CapabilityFlags kProtocol41 = 1ULL << 9;
inline constexpr CapabilityFlags kInteractive = 1ULL << 10;
inline constexpr CapabilityFlags kSsl = 1ULL << 11;
inline constexpr CapabilityFlags kIgnoreSigpipe = 1ULL << 12;
inline constexpr CapabilityFlags kTransactions = 1ULL << 13;
inline constexpr CapabilityFlags kReserved = 1ULL << 14;
inline constexpr CapabilityFlags kSecureConnection = 1ULL << 15;
inline constexpr CapabilityFlags kMultiStatements = 1ULL << 16;
inline constexpr CapabilityFlags kMultiResults = 1ULL << 17;
inline constexpr CapabilityFlags kPsMultiResults = 1ULL << 18;
inline constexpr CapabilityFlags kPluginAuth = 1ULL << 19;
inline constexpr CapabilityFlags kConnectAttrs = 1ULL << 20;
inline constexpr CapabilityFlags kPluginAuthLenencClientData = 1ULL << 21;
inline constexpr CapabilityFlags kCanHandleExpiredPasswords = 1ULL << 22;
inline constexpr CapabilityFlags kSessionTrack = 1ULL << 23;
inline constexpr CapabilityFlags kDeprecateEof = 1ULL << 24;
inline constexpr CapabilityFlags kOptionalResultsetMetadata = 1ULL << 25;
inline constexpr CapabilityFlags kZstdCompression = 1ULL << 26;
inline constexpr CapabilityFlags kQueryAttributes = 1ULL << 27;
inline constexpr CapabilityFlags kMultiFactorAuth = 1ULL << 28;
inline constexpr CapabilityFlags kCapabilityExtension = 1ULL << 29;
inline constexpr CapabilityFlags kSslVerifyServerCert = 1ULL << 30;
inline constexpr CapabilityFlags kRememberOptions = 1ULL << 31;

// MariaDB extended capabilities (bit n of the extension word -> bit 32+n here).
inline constexpr CapabilityFlags kMariadbProgress = 1ULL << 32;
inline constexpr CapabilityFlags kMariadbComMulti = 1ULL << 33;
inline constexpr CapabilityFlags kMariadbStmtBulkOperations = 1ULL << 34;
inline constexpr CapabilityFlags kMariadbExtendedTypeInfo = 1ULL << 35;
inline constexpr CapabilityFlags kMariadbCacheMetadata = 1ULL << 36;
inline constexpr CapabilityFlags kMariadbBulkUnitResults = 1ULL << 38;
}  // namespace cap

inline constexpr bool has(CapabilityFlags flags, CapabilityFlags bit) { return (flags & bit) != 0; }

}  // namespace weir::protocol
