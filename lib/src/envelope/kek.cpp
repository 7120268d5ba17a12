// Data-key wraps under a key-encryption key (docs/SPEC.md section 21).
#include "crypto/kdf.hpp"

#include <coffre/coffre.hpp>

#include <sodium.h>

#include <algorithm>
#include <cstring>

namespace coffre {

using namespace detail;

namespace {

constexpr std::uint8_t kMagic[4] = {'C', 'F', 'R', 'W'};
constexpr std::uint8_t kVersion = 0x01;
constexpr std::size_t kVersionOffset = 4;
constexpr std::size_t kNonceOffset = 5;
constexpr std::size_t kNonceSize = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
constexpr std::size_t kKeyCommitOffset = kNonceOffset + kNonceSize;  // 29
constexpr std::size_t kCtxCommitOffset = kKeyCommitOffset + 32;      // 61
constexpr std::size_t kSealedOffset = kCtxCommitOffset + 16;         // 77
static_assert(kSealedOffset + ContentKey::kSize + crypto_aead_xchacha20poly1305_ietf_ABYTES == kDataKeyWrapSize);

bool context_ok(const DataKeyContext& c) noexcept {
  return !c.label.empty() && c.label.size() <= DataKeyContext::kMaxSize && c.key_id.size() <= DataKeyContext::kMaxSize;
}

// kek_context = frame(label) || frame(key_id)
Bytes encode(const DataKeyContext& c) {
  Bytes out;
  append_frame(out, as_bytes(c.label));
  append_frame(out, as_bytes(c.key_id));
  return out;
}

// The values a wrap's nonce derives from the KEK. The AEAD key stays on the stack and is wiped on return.
struct WrapKeys {
  std::uint8_t key_commit[32];
  std::uint8_t ctx_commit[16];
  std::uint8_t aead_key[32];

  WrapKeys(const KeyEncryptionKey& kek, ByteView nonce, ByteView context) noexcept {
    kdf(key_commit, kek.secret(), label::kek_commit, {nonce});
    kdf(ctx_commit, kek.secret(), label::kek_context, {nonce, context});
    kdf(aead_key, kek.secret(), label::kek_key, {nonce});
  }
  WrapKeys(const WrapKeys&) = delete;
  WrapKeys& operator=(const WrapKeys&) = delete;
  ~WrapKeys() { sodium_memzero(aead_key, sizeof aead_key); }
};

// ad = frame("coffre/v1/kek/wrap") || wrapped[0..77] || kek_context
Bytes associated_data(ByteView header, ByteView context) {
  Bytes ad;
  append_frame(ad, as_bytes(label::kek_wrap));
  append(ad, header);
  append(ad, context);
  return ad;
}

// Steps 1 and 2 of section 21: magic and version on the bytes present, then the size.
Error check_layout(ByteView w) noexcept {
  const std::size_t n = std::min(w.size(), sizeof kMagic);
  if (n > 0 && std::memcmp(w.data(), kMagic, n) != 0) return Error::bad_magic;
  if (w.size() > kVersionOffset && w[kVersionOffset] != kVersion) return Error::unsupported_version;
  if (w.size() < kDataKeyWrapSize) return Error::truncated;
  if (w.size() > kDataKeyWrapSize) return Error::trailing_data;
  return Error::ok;
}

}  // namespace

Result<KeyEncryptionKey> KeyEncryptionKey::generate(Rng& rng) {
  COFFRE_TRY(init());
  SecretBytes b(kSize);
  if (!b.valid()) return Error::out_of_memory;
  rng.fill(b.reveal_mut());
  return KeyEncryptionKey(std::move(b));
}

Result<KeyEncryptionKey> KeyEncryptionKey::from_bytes(std::span<const std::uint8_t> bytes) {
  COFFRE_TRY(init());
  if (bytes.size() != kSize) return Error::invalid_argument;
  auto b = SecretBytes::copy_of(bytes);
  if (!b) return b.error();
  return KeyEncryptionKey(std::move(b).take());
}

Result<std::array<std::uint8_t, kDataKeyWrapSize>> wrap_data_key(const KeyEncryptionKey& kek,
                                                                 const ContentKey& data_key,
                                                                 const DataKeyContext& context, Rng& rng) {
  COFFRE_TRY(init());
  if (!context_ok(context)) return Error::invalid_argument;
  std::array<std::uint8_t, kDataKeyWrapSize> out{};
  std::memcpy(out.data(), kMagic, sizeof kMagic);
  out[kVersionOffset] = kVersion;
  rng.fill({&out[kNonceOffset], kNonceSize});

  const Bytes ctx = encode(context);
  const ByteView nonce{&out[kNonceOffset], kNonceSize};
  const WrapKeys keys(kek, nonce, ctx);
  std::memcpy(&out[kKeyCommitOffset], keys.key_commit, sizeof keys.key_commit);
  std::memcpy(&out[kCtxCommitOffset], keys.ctx_commit, sizeof keys.ctx_commit);

  const Bytes ad = associated_data({out.data(), kSealedOffset}, ctx);
  const auto k = data_key.secret().reveal();
  crypto_aead_xchacha20poly1305_ietf_encrypt(&out[kSealedOffset], nullptr, k.data(), k.size(), ad.data(), ad.size(),
                                             nullptr, nonce.data(), keys.aead_key);
  return out;
}

Result<ContentKey> unwrap_data_key(const KeyEncryptionKey& kek, std::span<const std::uint8_t> wrapped,
                                   const DataKeyContext& context) {
  COFFRE_TRY(init());
  if (!context_ok(context)) return Error::invalid_argument;
  COFFRE_TRY(check_layout(wrapped));

  const Bytes ctx = encode(context);
  const ByteView nonce = wrapped.subspan(kNonceOffset, kNonceSize);
  const WrapKeys keys(kek, nonce, ctx);
  if (!equal_ct(keys.key_commit, wrapped.subspan(kKeyCommitOffset, 32))) return Error::wrong_key;
  if (!equal_ct(keys.ctx_commit, wrapped.subspan(kCtxCommitOffset, 16))) return Error::wrong_context;

  SecretBytes key(ContentKey::kSize);
  if (!key.valid()) return Error::out_of_memory;
  const Bytes ad = associated_data(wrapped.first(kSealedOffset), ctx);
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(key.reveal_mut().data(), nullptr, nullptr, &wrapped[kSealedOffset],
                                                 wrapped.size() - kSealedOffset, ad.data(), ad.size(), nonce.data(),
                                                 keys.aead_key) != 0) {
    return Error::wrap_invalid;
  }
  return ContentKey::from_bytes(key.reveal());
}

}  // namespace coffre
