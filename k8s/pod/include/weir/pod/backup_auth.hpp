#pragma once
// Who may receive a backup stream: only a peer that holds the cluster's replication password (the
// stream carries every table, mysql.user's password hashes included). Before a byte of backup,
// serve-backup sends a greeting with a fresh random nonce; the receiver answers
// HMAC-SHA256(password, nonce || kBackupAuthContext); serve-backup compares in constant time and
// closes the connection on anything else. The password itself never crosses the network, and a
// recorded answer is useless for another connection (another nonce).
#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

namespace weir::pod {

inline constexpr std::string_view kBackupGreetingMagic = "WEIR-BACKUP-AUTH-1\n";
inline constexpr std::string_view kBackupAuthContext = "weir pod serve-backup: backup stream v1";
inline constexpr std::size_t kBackupNonceSize = 32;
inline constexpr std::size_t kBackupProofSize = 32;  // SHA-256
inline constexpr std::size_t kBackupGreetingSize = kBackupGreetingMagic.size() + kBackupNonceSize;

using BackupNonce = std::array<std::uint8_t, kBackupNonceSize>;
using BackupProof = std::array<std::uint8_t, kBackupProofSize>;

// A nonce from the system's CSPRNG (OpenSSL RAND_bytes). Throws std::runtime_error when it fails.
BackupNonce make_backup_nonce();

// The greeting serve-backup sends first: magic, then the nonce.
std::vector<std::uint8_t> encode_backup_greeting(const BackupNonce& nonce);
// The nonce of a greeting; nullopt when `bytes` (kBackupGreetingSize of them) is not one.
std::optional<BackupNonce> parse_backup_greeting(std::span<const std::uint8_t> bytes);

// HMAC-SHA256(secret, nonce || kBackupAuthContext).
BackupProof backup_proof(std::string_view secret, const BackupNonce& nonce);
// True when `proof` is backup_proof(secret, nonce); constant time (CRYPTO_memcmp).
bool backup_proof_matches(std::string_view secret, const BackupNonce& nonce, std::span<const std::uint8_t> proof);

}  // namespace weir::pod
