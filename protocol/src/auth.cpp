#include "weir/protocol/auth.hpp"

#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include <memory>

namespace weir::protocol::auth {
namespace {

template <class Digest>
Digest digest(const EVP_MD* md, std::string_view a, std::string_view b = {}) {
  Digest out{};
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  unsigned int length = 0;
  // These calls fail only on allocation failure; the zero digest then never verifies anything
  // because verification also requires the recomputed hash to match the stored one.
  if (ctx && EVP_DigestInit_ex(ctx.get(), md, nullptr) == 1 && EVP_DigestUpdate(ctx.get(), a.data(), a.size()) == 1 &&
      EVP_DigestUpdate(ctx.get(), b.data(), b.size()) == 1) {
    EVP_DigestFinal_ex(ctx.get(), out.data(), &length);
  }
  return out;
}

template <class Digest>
Digest xor_digests(const Digest& a, const Digest& b) {
  Digest out{};
  for (std::size_t i = 0; i < out.size(); ++i) out[i] = static_cast<std::uint8_t>(a[i] ^ b[i]);
  return out;
}

template <class Digest>
std::optional<Digest> digest_from(std::string_view bytes) {
  Digest d{};
  if (bytes.size() != d.size()) return std::nullopt;
  for (std::size_t i = 0; i < d.size(); ++i) d[i] = static_cast<std::uint8_t>(bytes[i]);
  return d;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

Sha1Digest sha1(std::string_view data) { return digest<Sha1Digest>(EVP_sha1(), data); }
Sha256Digest sha256(std::string_view data) { return digest<Sha256Digest>(EVP_sha256(), data); }

bool constant_time_equal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  return a.empty() || CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

// ---- mysql_native_password ----

Sha1Digest native_stage1(std::string_view password) { return sha1(password); }
Sha1Digest native_stored_hash(std::string_view password) { return sha1(view(sha1(password))); }

std::string native_scramble_from_stage1(const Sha1Digest& stage1, std::string_view nonce) {
  const Sha1Digest stored = sha1(view(stage1));
  const Sha1Digest mask = digest<Sha1Digest>(EVP_sha1(), nonce, view(stored));
  return std::string(view(xor_digests(stage1, mask)));
}

std::string native_scramble(std::string_view password, std::string_view nonce) {
  if (password.empty()) return {};
  return native_scramble_from_stage1(native_stage1(password), nonce);
}

std::optional<Sha1Digest> native_recover_stage1(std::string_view response, std::string_view nonce,
                                                const Sha1Digest& stored) {
  const auto received = digest_from<Sha1Digest>(response);
  if (!received) return std::nullopt;
  const Sha1Digest mask = digest<Sha1Digest>(EVP_sha1(), nonce, view(stored));
  const Sha1Digest stage1 = xor_digests(*received, mask);
  if (!constant_time_equal(view(sha1(view(stage1))), view(stored))) return std::nullopt;
  return stage1;
}

bool native_verify(std::string_view response, std::string_view nonce, const Sha1Digest& stored) {
  return native_recover_stage1(response, nonce, stored).has_value();
}

std::string format_native_hash(const Sha1Digest& stored) {
  static constexpr char kDigits[] = "0123456789ABCDEF";
  std::string text = "*";
  for (const std::uint8_t b : stored) {
    text += kDigits[b >> 4];
    text += kDigits[b & 15];
  }
  return text;
}

Result<Sha1Digest> parse_native_hash(std::string_view text) {
  constexpr std::size_t kLength = 1 + 2 * std::tuple_size_v<Sha1Digest>;
  if (text.size() != kLength) return Error{Errc::bad_value, "native_password_hash", 0};
  if (text[0] != '*') return Error{Errc::bad_value, "native_password_hash", 0};
  Sha1Digest d{};
  for (std::size_t i = 0; i < d.size(); ++i) {
    const int hi = hex_value(text[1 + 2 * i]);
    const int lo = hex_value(text[2 + 2 * i]);
    if (hi < 0 || lo < 0) return Error{Errc::bad_value, "native_password_hash", 1 + 2 * i};
    d[i] = static_cast<std::uint8_t>(hi * 16 + lo);
  }
  return d;
}

// ---- caching_sha2_password ----

Sha256Digest sha2_stage2(std::string_view password) { return sha256(view(sha256(password))); }

std::string caching_sha2_scramble_from_stage1(const Sha256Digest& stage1, std::string_view nonce) {
  const Sha256Digest stage2 = sha256(view(stage1));
  const Sha256Digest mask = digest<Sha256Digest>(EVP_sha256(), view(stage2), nonce);
  return std::string(view(xor_digests(stage1, mask)));
}

std::string caching_sha2_scramble(std::string_view password, std::string_view nonce) {
  if (password.empty()) return {};
  return caching_sha2_scramble_from_stage1(sha256(password), nonce);
}

std::optional<Sha256Digest> caching_sha2_recover_stage1(std::string_view response, std::string_view nonce,
                                                        const Sha256Digest& stage2) {
  const auto received = digest_from<Sha256Digest>(response);
  if (!received) return std::nullopt;
  const Sha256Digest mask = digest<Sha256Digest>(EVP_sha256(), view(stage2), nonce);
  const Sha256Digest stage1 = xor_digests(*received, mask);
  if (!constant_time_equal(view(sha256(view(stage1))), view(stage2))) return std::nullopt;
  return stage1;
}

bool caching_sha2_verify_stage2(std::string_view response, std::string_view nonce, const Sha256Digest& stage2) {
  return caching_sha2_recover_stage1(response, nonce, stage2).has_value();
}

bool caching_sha2_verify(std::string_view response, std::string_view nonce, std::string_view password) {
  if (password.empty()) return response.empty();
  return caching_sha2_verify_stage2(response, nonce, sha2_stage2(password));
}

std::string cleartext_password_payload(std::string_view password) {
  std::string out(password);
  out.push_back('\0');
  return out;
}

std::string xor_with_nonce(std::string_view data, std::string_view nonce) {
  std::string out(data);
  if (nonce.empty()) return out;
  for (std::size_t i = 0; i < out.size(); ++i) out[i] = static_cast<char>(out[i] ^ nonce[i % nonce.size()]);
  return out;
}

std::string obfuscate_password(std::string_view password, std::string_view nonce) {
  return xor_with_nonce(cleartext_password_payload(password), nonce);
}

Result<std::string> rsa_encrypt_password(std::string_view password, std::string_view nonce,
                                         std::string_view pem_public_key) {
  const Error bad_key{Errc::bad_value, "rsa_public_key", 0};
  if (pem_public_key.size() > static_cast<std::size_t>(INT32_MAX)) return bad_key;
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(
      BIO_new_mem_buf(pem_public_key.data(), static_cast<int>(pem_public_key.size())), &BIO_free);
  if (!bio) return bad_key;
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr),
                                                          &EVP_PKEY_free);
  if (!key) return bad_key;
  std::unique_ptr<EVP_PKEY_CTX, decltype(&EVP_PKEY_CTX_free)> ctx(EVP_PKEY_CTX_new(key.get(), nullptr),
                                                                  &EVP_PKEY_CTX_free);
  if (!ctx || EVP_PKEY_encrypt_init(ctx.get()) != 1 ||
      EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_OAEP_PADDING) != 1) {
    return bad_key;
  }
  const std::string plain = obfuscate_password(password, nonce);
  const auto* in = reinterpret_cast<const unsigned char*>(plain.data());
  std::size_t length = 0;
  if (EVP_PKEY_encrypt(ctx.get(), nullptr, &length, in, plain.size()) != 1) return bad_key;
  std::string cipher(length, '\0');
  auto* out = reinterpret_cast<unsigned char*>(cipher.data());
  if (EVP_PKEY_encrypt(ctx.get(), out, &length, in, plain.size()) != 1) {
    return Error{Errc::too_long, "password", 0};  // longer than the key's OAEP capacity
  }
  cipher.resize(length);
  return cipher;
}

}  // namespace weir::protocol::auth
