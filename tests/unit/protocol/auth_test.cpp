// Scramble computations. Expected values come from outside this code: python3's hashlib (the
// script is reproduced below) and responses that real clients computed and MariaDB 10.11 accepted.
//
//   import hashlib
//   sha1 = lambda b: hashlib.sha1(b).digest(); sha256 = lambda b: hashlib.sha256(b).digest()
//   xor = lambda a, b: bytes(x ^ y for x, y in zip(a, b))
//   nonce = bytes(range(1, 21))
//   s1 = sha1(pw); stored = sha1(s1); native = xor(s1, sha1(nonce + stored))
//   h1 = sha256(pw); h2 = sha256(h1); sha2 = xor(h1, sha256(h2 + nonce))
//   obfuscated = bytes(c ^ nonce[i % 20] for i, c in enumerate(pw + b'\0'))
#include "weir/protocol/auth.hpp"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include <memory>
#include <string>

#include "handshake_test_util.hpp"

namespace weir::protocol::auth {
namespace {

using testing_hex::bin;
using testing_hex::CaseName;
using testing_hex::to_hex;

const std::string kNonce = bin("0102030405060708090a0b0c0d0e0f1011121314");

struct VectorCase {
  const char* name;
  std::string password;
  const char* native_stage1;
  const char* native_stored;
  const char* native_scramble;  // of SHA1(password), also for the empty password
  const char* sha2_stage2;
  const char* sha2_scramble;  // of SHA256(password), also for the empty password
};

class ScrambleVectors : public ::testing::TestWithParam<VectorCase> {};

TEST_P(ScrambleVectors, Native) {
  const auto& c = GetParam();
  EXPECT_EQ(to_hex(view(native_stage1(c.password))), c.native_stage1);
  EXPECT_EQ(to_hex(view(native_stored_hash(c.password))), c.native_stored);
  EXPECT_EQ(to_hex(native_scramble_from_stage1(native_stage1(c.password), kNonce)), c.native_scramble);
  EXPECT_EQ(to_hex(native_scramble(c.password, kNonce)), c.password.empty() ? "" : c.native_scramble);
  const Sha1Digest stored = native_stored_hash(c.password);
  EXPECT_TRUE(native_verify(bin(c.native_scramble), kNonce, stored));
  const auto recovered = native_recover_stage1(bin(c.native_scramble), kNonce, stored);
  ASSERT_TRUE(recovered.has_value());
  EXPECT_EQ(to_hex(view(*recovered)), c.native_stage1);
}

TEST_P(ScrambleVectors, CachingSha2) {
  const auto& c = GetParam();
  EXPECT_EQ(to_hex(view(sha2_stage2(c.password))), c.sha2_stage2);
  EXPECT_EQ(to_hex(caching_sha2_scramble_from_stage1(sha256(c.password), kNonce)), c.sha2_scramble);
  EXPECT_EQ(to_hex(caching_sha2_scramble(c.password, kNonce)), c.password.empty() ? "" : c.sha2_scramble);
  EXPECT_TRUE(caching_sha2_verify_stage2(bin(c.sha2_scramble), kNonce, sha2_stage2(c.password)));
  const auto recovered = caching_sha2_recover_stage1(bin(c.sha2_scramble), kNonce, sha2_stage2(c.password));
  ASSERT_TRUE(recovered.has_value());
  EXPECT_EQ(*recovered, sha256(c.password));
  if (!c.password.empty()) {
    EXPECT_TRUE(caching_sha2_verify(bin(c.sha2_scramble), kNonce, c.password));
  }
}

INSTANTIATE_TEST_SUITE_P(
    Auth, ScrambleVectors,
    ::testing::Values(VectorCase{"secret", "secret", "e5e9fa1ba31ecd1ae84f75caaa474f3a663f05f4",
                                 "14e65567abdb5135d0cfd9a70b3032c179a49ee7", "b32bb3a583e1340c0a1108d58b1be49781ad8c2f",
                                 "3881219d087dd9c634373fd33dfa33a2cb6bfc6c520b64b8bb60ef2ceb534ae7",
                                 "746ebe205d56a0707acb3e796e834e0dd7b1d61743b26bd5202c7a623230c7c9"},
                      VectorCase{"empty", "", "da39a3ee5e6b4b0d3255bfef95601890afd80709",
                                 "be1bdec0aa74b4dcb079943e70528096cca985f8", "60252de9f0fbe9f1526ec3ec3968223e50a072f8",
                                 "5df6e0e2761359d30a8275058e299fcc0381534545f55cf43e41983f5d4c9456",
                                 "953da8adf9f072cd4042ca3a629b192a5975c453eeebefa4f774dfd370e1e0c5"},
                      VectorCase{"utf8_and_space", "p\xc3\xa4ss w0rd!", "a5d3f94df4b696fb3e65c6537b6a01bc94777372",
                                 "8ed06450552049c4a57128c5c5942507a7a67d36", "c92c37947c08c630bd500df4d55066284f94e3dd",
                                 "dca44fa8d9f8ee251cd182f745e3bf6e5b35f2a6b41a750771b1041779491f1a",
                                 "a4007606b885aa50b5da92f527ae6cfe3eac85d7b197b2cb77604ca85e359717"}),
    CaseName{});

// Responses computed by real clients for password "secret" and accepted by MariaDB.
struct CapturedCase {
  const char* name;
  const char* nonce;
  const char* response;
};

class CapturedNativeResponses : public ::testing::TestWithParam<CapturedCase> {};

TEST_P(CapturedNativeResponses, MatchAndVerify) {
  const std::string nonce = bin(GetParam().nonce);
  EXPECT_EQ(to_hex(native_scramble("secret", nonce)), GetParam().response);
  const auto stored = parse_native_hash("*14E65567ABDB5135D0CFD9A70B3032C179A49EE7");  // PASSWORD('secret')
  ASSERT_TRUE(stored.ok());
  EXPECT_TRUE(native_verify(bin(GetParam().response), nonce, *stored));
  EXPECT_FALSE(native_verify(bin(GetParam().response), kNonce, *stored));
  EXPECT_FALSE(native_verify(bin(GetParam().response), nonce, native_stored_hash("Secret")));
}

INSTANTIATE_TEST_SUITE_P(
    Auth, CapturedNativeResponses,
    ::testing::Values(CapturedCase{"libmariadb_handshake", "2462456f22566c3c264771286e7378223c462e51",
                                   "9795d01c8bffac97c5baa020fbfe78dfb19ac2b9"},
                      CapturedCase{"libmariadb_auth_switch", "556c42446f22576f4c6b5753792a60263b374224",
                                   "42962e195bb325e5132a1ed2d025ea4dc00fbf3b"},
                      CapturedCase{"connector_python_handshake", "52255e2b585d483365247d6e30423b4174453d42",
                                   "91d3020d3d078c9440c0539857fb4c4f480c6ace"}),
    CaseName{});

TEST(Auth, ProxyAnswersAnotherNonceFromTheRecoveredStage1) {
  // The client answered nonce A; knowing only the stored hash, answer nonce B as that client would.
  const auto stored = parse_native_hash("*14e65567abdb5135d0cfd9a70b3032c179a49ee7");
  ASSERT_TRUE(stored.ok());
  const auto stage1 = native_recover_stage1(bin("9795d01c8bffac97c5baa020fbfe78dfb19ac2b9"),
                                            bin("2462456f22566c3c264771286e7378223c462e51"), *stored);
  ASSERT_TRUE(stage1.has_value());
  EXPECT_EQ(to_hex(native_scramble_from_stage1(*stage1, bin("556c42446f22576f4c6b5753792a60263b374224"))),
            "42962e195bb325e5132a1ed2d025ea4dc00fbf3b");
}

TEST(Auth, NativeVerifyRejects) {
  const Sha1Digest stored = native_stored_hash("secret");
  const std::string good = bin("b32bb3a583e1340c0a1108d58b1be49781ad8c2f");
  EXPECT_TRUE(native_verify(good, kNonce, stored));
  for (std::size_t i = 0; i < good.size(); ++i) {
    std::string bad = good;
    bad[i] = static_cast<char>(bad[i] ^ 0x01);
    EXPECT_FALSE(native_verify(bad, kNonce, stored)) << i;
  }
  EXPECT_FALSE(native_verify("", kNonce, stored));
  EXPECT_FALSE(native_verify(good.substr(0, 19), kNonce, stored));
  EXPECT_FALSE(native_verify(good + "x", kNonce, stored));
  EXPECT_FALSE(native_recover_stage1(good, kNonce, native_stored_hash("other")).has_value());
}

TEST(Auth, CachingSha2VerifyRejects) {
  const std::string good = bin("746ebe205d56a0707acb3e796e834e0dd7b1d61743b26bd5202c7a623230c7c9");
  EXPECT_TRUE(caching_sha2_verify(good, kNonce, "secret"));
  EXPECT_FALSE(caching_sha2_verify(good, kNonce, "secreT"));
  EXPECT_FALSE(caching_sha2_verify(good, bin("0102030405060708090a0b0c0d0e0f1011121315"), "secret"));
  EXPECT_FALSE(caching_sha2_verify(good.substr(1), kNonce, "secret"));
  EXPECT_FALSE(caching_sha2_verify("", kNonce, "secret"));
  EXPECT_TRUE(caching_sha2_verify("", kNonce, ""));
  EXPECT_FALSE(caching_sha2_verify(good, kNonce, ""));
  std::string bad = good;
  bad[31] = static_cast<char>(bad[31] ^ 0x80);
  EXPECT_FALSE(caching_sha2_verify_stage2(bad, kNonce, sha2_stage2("secret")));
}

TEST(Auth, ConstantTimeEqual) {
  EXPECT_TRUE(constant_time_equal("", ""));
  EXPECT_TRUE(constant_time_equal("abc", "abc"));
  EXPECT_FALSE(constant_time_equal("abc", "abd"));
  EXPECT_FALSE(constant_time_equal("abc", "ab"));
}

struct HashTextCase {
  const char* name;
  const char* text;
  bool ok;
  std::size_t error_offset;
};

class NativeHashText : public ::testing::TestWithParam<HashTextCase> {};

TEST_P(NativeHashText, Parses) {
  const auto parsed = parse_native_hash(GetParam().text);
  ASSERT_EQ(parsed.ok(), GetParam().ok);
  if (parsed.ok()) {
    EXPECT_EQ(format_native_hash(*parsed), "*14E65567ABDB5135D0CFD9A70B3032C179A49EE7");
  } else {
    EXPECT_EQ(parsed.error(), (Error{Errc::bad_value, "native_password_hash", GetParam().error_offset}));
  }
}

INSTANTIATE_TEST_SUITE_P(
    Auth, NativeHashText,
    ::testing::Values(HashTextCase{"upper", "*14E65567ABDB5135D0CFD9A70B3032C179A49EE7", true, 0},
                      HashTextCase{"lower", "*14e65567abdb5135d0cfd9a70b3032c179a49ee7", true, 0},
                      HashTextCase{"empty", "", false, 0},
                      HashTextCase{"no_star", "014E65567ABDB5135D0CFD9A70B3032C179A49EE7", false, 0},
                      HashTextCase{"short", "*14E65567ABDB5135D0CFD9A70B3032C179A49EE", false, 0},
                      HashTextCase{"long", "*14E65567ABDB5135D0CFD9A70B3032C179A49EE70", false, 0},
                      HashTextCase{"old_16_char_hash", "6f8c114b58f2ce9e", false, 0},
                      HashTextCase{"bad_digit", "*14E65567ABDB5135D0CFD9A70B3032C179A49EG7", false, 39}),
    CaseName{});

TEST(Auth, FormatNativeHashMatchesServer) {
  // SELECT PASSWORD('secret') on MariaDB 10.11
  EXPECT_EQ(format_native_hash(native_stored_hash("secret")), "*14E65567ABDB5135D0CFD9A70B3032C179A49EE7");
}

TEST(Auth, FullAuthenticationPayloads) {
  EXPECT_EQ(to_hex(cleartext_password_payload("secret")), "73656372657400");
  EXPECT_EQ(to_hex(cleartext_password_payload("")), "00");
  EXPECT_EQ(to_hex(obfuscate_password("secret", kNonce)), "72676076607207");
  // longer than the nonce: the nonce repeats
  EXPECT_EQ(to_hex(obfuscate_password("a-password-longer-than-twenty-bytes", kNonce)),
            "602f7365767570677b6e266062606875633f677c606c2e707263697c70276975796b7c10");
  EXPECT_EQ(xor_with_nonce(obfuscate_password("secret", kNonce), kNonce), std::string("secret\0", 7));
  EXPECT_EQ(xor_with_nonce("abc", ""), "abc");
}

// RSA round trip: encrypt with the public half as a client does, decrypt with the private half and
// undo the XOR as a server does.
TEST(Auth, RsaEncryptedPasswordDecryptsToObfuscatedPassword) {
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(EVP_RSA_gen(2048), &EVP_PKEY_free);
  ASSERT_TRUE(key);
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), &BIO_free);
  ASSERT_EQ(PEM_write_bio_PUBKEY(bio.get(), key.get()), 1);
  char* pem_data = nullptr;
  const long pem_size = BIO_get_mem_data(bio.get(), &pem_data);
  const std::string pem(pem_data, static_cast<std::size_t>(pem_size));

  const auto cipher = rsa_encrypt_password("secret", kNonce, pem);
  ASSERT_TRUE(cipher.ok()) << cipher.error().message();
  EXPECT_EQ(cipher->size(), 256u);

  std::unique_ptr<EVP_PKEY_CTX, decltype(&EVP_PKEY_CTX_free)> ctx(EVP_PKEY_CTX_new(key.get(), nullptr),
                                                                  &EVP_PKEY_CTX_free);
  ASSERT_EQ(EVP_PKEY_decrypt_init(ctx.get()), 1);
  ASSERT_EQ(EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_OAEP_PADDING), 1);
  std::string plain(256, '\0');
  std::size_t plain_size = plain.size();
  ASSERT_EQ(EVP_PKEY_decrypt(ctx.get(), reinterpret_cast<unsigned char*>(plain.data()), &plain_size,
                             reinterpret_cast<const unsigned char*>(cipher->data()), cipher->size()),
            1);
  plain.resize(plain_size);
  EXPECT_EQ(to_hex(plain), "72676076607207");
  EXPECT_EQ(xor_with_nonce(plain, kNonce), std::string("secret\0", 7));

  // Too long for OAEP with a 2048-bit key (at most 214 bytes).
  EXPECT_EQ(rsa_encrypt_password(std::string(300, 'x'), kNonce, pem).error().code, Errc::too_long);
}

TEST(Auth, RsaRejectsUnusableKeys) {
  EXPECT_EQ(rsa_encrypt_password("secret", kNonce, "").error(), (Error{Errc::bad_value, "rsa_public_key", 0}));
  EXPECT_EQ(
      rsa_encrypt_password("secret", kNonce, "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n").error(),
      (Error{Errc::bad_value, "rsa_public_key", 0}));
}

}  // namespace
}  // namespace weir::protocol::auth
