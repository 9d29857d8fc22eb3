// The backup stream's authentication: the greeting's bytes, the proof pinned to an independent
// HMAC-SHA256 computation, and every kind of wrong answer refused.
#include "weir/pod/backup_auth.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <string>

#include "weir/testing/hex.hpp"

namespace weir::pod {
namespace {

BackupNonce counting_nonce() {
  BackupNonce nonce{};
  for (std::size_t i = 0; i < nonce.size(); ++i) nonce[i] = static_cast<std::uint8_t>(i);
  return nonce;
}

using weir::testing::to_hex;

TEST(BackupAuth, GreetingIsTheMagicThenTheNonceAndParsesBack) {
  const auto nonce = counting_nonce();
  const auto greeting = encode_backup_greeting(nonce);
  ASSERT_EQ(greeting.size(), kBackupGreetingSize);
  EXPECT_EQ(std::string(greeting.begin(), greeting.begin() + 19), "WEIR-BACKUP-AUTH-1\n");
  EXPECT_EQ(parse_backup_greeting(greeting), nonce);
}

TEST(BackupAuth, AnythingElseIsNotAGreeting) {
  auto greeting = encode_backup_greeting(counting_nonce());
  auto wrong_magic = greeting;
  wrong_magic[0] = 'X';
  EXPECT_EQ(parse_backup_greeting(wrong_magic), std::nullopt);
  greeting.pop_back();
  EXPECT_EQ(parse_backup_greeting(greeting), std::nullopt);
  EXPECT_EQ(parse_backup_greeting({}), std::nullopt);
}

// Python: hmac.new(b"s3cret", bytes(range(32)) + b"weir pod serve-backup: backup stream v1", "sha256")
TEST(BackupAuth, ProofIsHmacSha256OfTheNonceAndTheContext) {
  EXPECT_EQ(to_hex(backup_proof("s3cret", counting_nonce())),
            "f2988551edb4485c3746bad6a7f9b25fbc5cde5f136febb9686d45dc28f96bd3");
}

TEST(BackupAuth, OnlyTheRightSecretForThisNonceMatches) {
  const auto nonce = counting_nonce();
  const auto proof = backup_proof("s3cret", nonce);
  EXPECT_TRUE(backup_proof_matches("s3cret", nonce, proof));
  EXPECT_FALSE(backup_proof_matches("s3cret2", nonce, proof));
  EXPECT_FALSE(backup_proof_matches("", nonce, proof));
  auto other_nonce = nonce;
  other_nonce[31] ^= 1;
  EXPECT_FALSE(backup_proof_matches("s3cret", other_nonce, proof)) << "a recorded answer must not fit another nonce";
  auto flipped = proof;
  flipped[0] ^= 0x80;
  EXPECT_FALSE(backup_proof_matches("s3cret", nonce, flipped));
  EXPECT_FALSE(backup_proof_matches("s3cret", nonce, std::span(proof).first(31)));
}

TEST(BackupAuth, NoncesAreFresh) { EXPECT_NE(make_backup_nonce(), make_backup_nonce()); }

}  // namespace
}  // namespace weir::pod
