#pragma once
// Password scrambles of mysql_native_password and caching_sha2_password, computed with
// libcrypto. Every verification compares in constant time. Nonces are the 20-byte server
// scramble without the trailing NUL some messages carry (see scramble_nonce, auth_switch_nonce).
//
// mysql_native_password
//   stage1 = SHA1(password), stored = SHA1(stage1) (mysql.user / PASSWORD(): "*" + HEX(stored))
//   response = stage1 XOR SHA1(nonce + stored)
//   A server (or proxy) that knows only `stored` can check a response and recover stage1 from it:
//   stage1 = response XOR SHA1(nonce + stored), valid iff SHA1(stage1) == stored. stage1 alone is
//   enough to answer any other nonce, which is how a proxy logs in to a backend as the client.
// caching_sha2_password (fast path)
//   stage1 = SHA256(password), stage2 = SHA256(stage1)
//   response = stage1 XOR SHA256(stage2 + nonce)      (note: stage2 first, unlike native)
//   Full authentication sends password + NUL in clear over TLS, or RSA-encrypts
//   (password + NUL) XOR nonce (repeated) without TLS.
// An empty password gives an empty response in both plugins.
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "weir/protocol/error.hpp"

namespace weir::protocol::auth {

using Sha1Digest = std::array<std::uint8_t, 20>;
using Sha256Digest = std::array<std::uint8_t, 32>;

Sha1Digest sha1(std::string_view data);
Sha256Digest sha256(std::string_view data);

inline std::string_view view(const Sha1Digest& d) { return {reinterpret_cast<const char*>(d.data()), d.size()}; }
inline std::string_view view(const Sha256Digest& d) { return {reinterpret_cast<const char*>(d.data()), d.size()}; }

// Constant-time equality (false when sizes differ; the sizes are not secret).
bool constant_time_equal(std::string_view a, std::string_view b);

// ---- mysql_native_password ----
Sha1Digest native_stage1(std::string_view password);       // SHA1(password)
Sha1Digest native_stored_hash(std::string_view password);  // SHA1(SHA1(password))
std::string native_scramble(std::string_view password, std::string_view nonce);
std::string native_scramble_from_stage1(const Sha1Digest& stage1, std::string_view nonce);
// Checks a non-empty 20-byte response against the stored hash.
bool native_verify(std::string_view response, std::string_view nonce, const Sha1Digest& stored);
// SHA1(password) recovered from a response that verifies, nullopt otherwise.
std::optional<Sha1Digest> native_recover_stage1(std::string_view response, std::string_view nonce,
                                                const Sha1Digest& stored);
// "*14E65567ABDB5135D0CFD9A70B3032C179A49EE7" (41 chars, upper case) <-> stored hash. Parsing
// accepts either case; an empty string (an account without password) is not a hash.
std::string format_native_hash(const Sha1Digest& stored);
Result<Sha1Digest> parse_native_hash(std::string_view text);

// ---- caching_sha2_password ----
Sha256Digest sha2_stage2(std::string_view password);  // SHA256(SHA256(password))
std::string caching_sha2_scramble(std::string_view password, std::string_view nonce);
std::string caching_sha2_scramble_from_stage1(const Sha256Digest& stage1, std::string_view nonce);
bool caching_sha2_verify(std::string_view response, std::string_view nonce, std::string_view password);
bool caching_sha2_verify_stage2(std::string_view response, std::string_view nonce, const Sha256Digest& stage2);
// SHA256(password) recovered from a response that verifies against stage2, nullopt otherwise.
std::optional<Sha256Digest> caching_sha2_recover_stage1(std::string_view response, std::string_view nonce,
                                                        const Sha256Digest& stage2);
// Full authentication over TLS: the password NUL-terminated.
std::string cleartext_password_payload(std::string_view password);
// Full authentication without TLS, before RSA: (password + NUL) XOR nonce repeated. Applying it
// twice gives back the input, which is how the server side undoes it after decrypting.
std::string xor_with_nonce(std::string_view data, std::string_view nonce);
std::string obfuscate_password(std::string_view password, std::string_view nonce);
// RSA-OAEP (PKCS#1 v2, SHA-1) encryption of obfuscate_password() with the server's PEM public key,
// as caching_sha2_password clients do. Fails with bad_value "rsa_public_key" on an unusable key.
Result<std::string> rsa_encrypt_password(std::string_view password, std::string_view nonce,
                                         std::string_view pem_public_key);

}  // namespace weir::protocol::auth
