#include "envelope/envelope_prefix.hpp"
#include "crypto/kdf.hpp"

#include <coffre/coffre.hpp>

#include <sodium.h>

#include <algorithm>
#include <cstring>

namespace coffre {

using namespace detail;

namespace detail {

void write_prefix(std::uint8_t* out, std::uint8_t type) noexcept {
  std::memcpy(out, kMagic, sizeof kMagic);
  out[6] = type;
  out[7] = kVersion1;
  out[8] = kSuite1;
}

Error check_prefix(ByteView bytes, std::uint8_t type) noexcept {
  std::size_t n = std::min(bytes.size(), sizeof kMagic);
  if (n > 0 && std::memcmp(bytes.data(), kMagic, n) != 0) return Error::bad_magic;
  if (bytes.size() > 6 && bytes[6] != type) {
    return (bytes[6] == kTypeDocument || bytes[6] == kTypeFile) ? Error::wrong_envelope_type : Error::bad_magic;
  }
  if (bytes.size() > 7 && bytes[7] != kVersion1) return Error::unsupported_version;
  if (bytes.size() > 8 && bytes[8] != kSuite1) return Error::unsupported_suite;
  return bytes.size() < kPrefixSize ? Error::truncated : Error::ok;
}

}  // namespace detail

namespace {

constexpr std::size_t kNonceOffset = 14;
constexpr std::size_t kCommitOffset = 38;
constexpr std::size_t kCtxOffset = 70;
constexpr std::size_t kHeaderSize = 86;
constexpr std::size_t kTag = crypto_aead_xchacha20poly1305_ietf_ABYTES;

// Per-envelope derived values. The AEAD key lives on the stack for one call and is wiped by the destructor: a guarded
// sodium_malloc per envelope costs system calls and page faults, ten times the cryptography of a small document.
struct DocKeys {
  std::uint8_t key_commit[32];
  std::uint8_t ctx_commit[16];
  std::uint8_t aead_key[32];

  DocKeys(const ContentKey& key, ByteView nonce, ByteView context) noexcept {
    kdf(key_commit, key.secret(), label::doc_commit, {nonce});
    kdf(ctx_commit, key.secret(), label::doc_context, {nonce, context});
    kdf(aead_key, key.secret(), label::doc_key, {nonce});
  }
  DocKeys(const DocKeys&) = delete;
  DocKeys& operator=(const DocKeys&) = delete;
  ~DocKeys() { sodium_memzero(aead_key, sizeof aead_key); }
};

Bytes associated_data(ByteView header, ByteView context) {
  Bytes ad(header.begin(), header.end());
  append(ad, context);
  return ad;
}

}  // namespace

Result<std::vector<std::uint8_t>> seal_document(const ContentKey& key, const Context& context,
                                                std::span<const std::uint8_t> plaintext, Rng& rng) {
  COFFRE_TRY(init());
  if (!context_valid(context) || plaintext.size() > 0xffffffffu) return Error::invalid_argument;
  Bytes out(kHeaderSize + plaintext.size() + kTag);
  write_prefix(out.data(), kTypeDocument);
  out[9] = 0;
  put_u32(&out[10], context.key_version);
  rng.fill({&out[kNonceOffset], crypto_aead_xchacha20poly1305_ietf_NPUBBYTES});

  Bytes ctx = encode_context(context);
  ByteView nonce{&out[kNonceOffset], 24};
  const DocKeys keys(key, nonce, ctx);
  std::memcpy(&out[kCommitOffset], keys.key_commit, 32);
  std::memcpy(&out[kCtxOffset], keys.ctx_commit, 16);

  Bytes ad = associated_data({out.data(), kHeaderSize}, ctx);
  crypto_aead_xchacha20poly1305_ietf_encrypt(&out[kHeaderSize], nullptr, plaintext.data(), plaintext.size(),
                                             ad.data(), ad.size(), nullptr, nonce.data(),
                                             keys.aead_key);
  return out;
}

Result<std::vector<std::uint8_t>> open_document(const ContentKey& key, const Context& context,
                                                std::span<const std::uint8_t> env) {
  COFFRE_TRY(init());
  if (!context_valid(context)) return Error::invalid_argument;
  COFFRE_TRY(check_prefix(env.first(std::min(env.size(), kPrefixSize)), kTypeDocument));
  if (env.size() > 9 && env[9] != 0) return Error::malformed_header;
  if (env.size() < kHeaderSize + kTag) return Error::truncated;
  if (get_u32(&env[10]) != context.key_version) return Error::wrong_context;

  Bytes ctx = encode_context(context);
  ByteView nonce = env.subspan(kNonceOffset, 24);
  const DocKeys keys(key, nonce, ctx);
  if (!equal_ct(keys.key_commit, env.subspan(kCommitOffset, 32))) return Error::wrong_key;
  if (!equal_ct(keys.ctx_commit, env.subspan(kCtxOffset, 16))) return Error::wrong_context;

  Bytes ad = associated_data(env.first(kHeaderSize), ctx);
  Bytes plain(env.size() - kHeaderSize - kTag);
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(plain.data(), nullptr, nullptr, &env[kHeaderSize],
                                                 env.size() - kHeaderSize, ad.data(), ad.size(), nonce.data(),
                                                 keys.aead_key) != 0) {
    return Error::payload_invalid;
  }
  return plain;
}

}  // namespace coffre
