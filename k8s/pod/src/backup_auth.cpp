#include "weir/pod/backup_auth.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <algorithm>
#include <stdexcept>

namespace weir::pod {

BackupNonce make_backup_nonce() {
  BackupNonce nonce{};
  if (RAND_bytes(nonce.data(), static_cast<int>(nonce.size())) != 1) {
    throw std::runtime_error("serve-backup: no random bytes for the authentication nonce");
  }
  return nonce;
}

std::vector<std::uint8_t> encode_backup_greeting(const BackupNonce& nonce) {
  std::vector<std::uint8_t> out(kBackupGreetingSize);
  std::copy(kBackupGreetingMagic.begin(), kBackupGreetingMagic.end(), out.begin());
  std::copy(nonce.begin(), nonce.end(), out.begin() + static_cast<std::ptrdiff_t>(kBackupGreetingMagic.size()));
  return out;
}

std::optional<BackupNonce> parse_backup_greeting(std::span<const std::uint8_t> bytes) {
  if (bytes.size() != kBackupGreetingSize ||
      !std::equal(kBackupGreetingMagic.begin(), kBackupGreetingMagic.end(), bytes.begin())) {
    return std::nullopt;
  }
  BackupNonce nonce{};
  std::copy(bytes.begin() + static_cast<std::ptrdiff_t>(kBackupGreetingMagic.size()), bytes.end(), nonce.begin());
  return nonce;
}

BackupProof backup_proof(std::string_view secret, const BackupNonce& nonce) {
  std::vector<std::uint8_t> message(nonce.size() + kBackupAuthContext.size());
  std::copy(nonce.begin(), nonce.end(), message.begin());
  std::copy(kBackupAuthContext.begin(), kBackupAuthContext.end(),
            message.begin() + static_cast<std::ptrdiff_t>(nonce.size()));
  BackupProof proof{};
  unsigned int length = 0;
  if (HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()), message.data(), message.size(), proof.data(),
           &length) == nullptr ||
      length != proof.size()) {
    throw std::runtime_error("backup authentication: HMAC-SHA256 failed");
  }
  return proof;
}

bool backup_proof_matches(std::string_view secret, const BackupNonce& nonce, std::span<const std::uint8_t> proof) {
  if (proof.size() != kBackupProofSize) return false;
  const BackupProof expected = backup_proof(secret, nonce);
  return CRYPTO_memcmp(expected.data(), proof.data(), expected.size()) == 0;
}

}  // namespace weir::pod
