// The recovery phrase (docs/SPEC.md section 13): BIP-39 with 256 bits of entropy and the English wordlist.
//
// bits    = entropy (256 bits) || SHA-256(entropy)[0] (8 bits)  = 264 bits = 33 bytes
// word i  = wordlist[bits[11 i .. 11 i + 11)], read big-endian (the first bit is the most significant)
//
// The phrase is a secret. Looking a word up scans the whole list and selecting a word for an index reads every
// entry, with no branch or memory access depending on the word; the checksum is compared in constant time. Where the
// word boundaries of a typed phrase are (the words' lengths) is not hidden.
#include <coffre/coffre.hpp>
#include <coffre/random.hpp>
#include <coffre/recovery.hpp>

#include "account/bip39.hpp"
#include "base/bytes.hpp"
#include "crypto/kdf.hpp"
#include "base/unicode.hpp"

#include <sodium.h>

#include <array>
#include <cstring>

namespace coffre {

using namespace detail;

namespace {

constexpr std::size_t kBitsBytes = RecoveryPhrase::kEntropySize + 1;  // 33: entropy || checksum byte
constexpr std::size_t kSlot = kBip39MaxWordLength + 1;                // a word NUL-padded to 9 bytes
static_assert(RecoveryPhrase::kWordCount * 11 == kBitsBytes * 8);
static_assert(kBip39WordCount == 2048);

// Stack temporaries that hold secrets are wiped on every path out of a function.
template <class T, std::size_t N>
struct Wiped {
  T b[N];
  Wiped() { sodium_memzero(b, sizeof b); }
  Wiped(const Wiped&) = delete;
  Wiped& operator=(const Wiped&) = delete;
  ~Wiped() { sodium_memzero(b, sizeof b); }
};

// 1 if x == 0, else 0, for x < 2^31, without a branch.
std::uint32_t is_zero(std::uint32_t x) noexcept { return ((x - 1u) >> 31) & 1u; }

// ASCII whitespace (SPEC section 13): space, \t, \n, \v, \f, \r. After NFKD, the non-ASCII spaces that people's
// keyboards insert (U+00A0, U+2000-U+200A, U+202F, U+205F, U+3000) are U+0020 already.
bool is_space(char c) noexcept { return c == ' ' || (c >= '\t' && c <= '\r'); }

// Calls f(word) for every word of `text`: maximal runs of non-whitespace bytes.
template <class F>
void for_each_word(std::string_view text, F&& f) {
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && is_space(text[i])) ++i;
    const std::size_t start = i;
    while (i < text.size() && !is_space(text[i])) ++i;
    if (i > start) f(text.substr(start, i - start));
  }
}

// Typed text in NFKD (BIP-39's normalization; SPEC section 13 step 1), in secure memory; recovery_phrase_invalid if
// it is not UTF-8.
Result<SecretBytes> normalized(std::string_view text) {
  auto n = nfkd(as_bytes(text));
  if (!n && n.error() == Error::invalid_argument) return Error::recovery_phrase_invalid;
  return n;
}

std::string_view as_text(const SecretBytes& b) noexcept {
  return {reinterpret_cast<const char*>(b.reveal().data()), b.size()};
}

// The index of `word` (ASCII letters lowercased) in the wordlist, or -1 (not a word, or a non-ASCII or NUL byte).
int lookup(std::string_view word) noexcept {
  if (word.size() > kBip39MaxWordLength) return -1;  // a length no word has
  Wiped<std::uint8_t, kSlot> w;
  std::uint32_t bad = 0;
  for (std::size_t i = 0; i < word.size(); ++i) {
    const auto c = static_cast<std::uint8_t>(word[i]);
    bad |= (c >> 7) | is_zero(c);
    const std::uint32_t upper = static_cast<std::uint32_t>(static_cast<std::uint32_t>(c - 'A') < 26u);
    w.b[i] = static_cast<std::uint8_t>(c | (upper << 5));
  }
  std::uint32_t found = 0;
  std::uint32_t index = 0;
  for (std::uint32_t i = 0; i < kBip39WordCount; ++i) {
    std::uint32_t diff = 0;
    for (std::size_t j = 0; j < kSlot; ++j) {
      diff |= static_cast<std::uint32_t>(static_cast<std::uint8_t>(kBip39English[i][j]) ^ w.b[j]);
    }
    const std::uint32_t eq = is_zero(diff);
    index |= i & (0u - eq);
    found |= eq;
  }
  const bool ok = (found & (bad ^ 1u)) != 0;
  return ok ? static_cast<int>(index) : -1;
}

// bits (33 bytes) -> 24 word indices.
void split(std::uint16_t out[RecoveryPhrase::kWordCount], const std::uint8_t bits[kBitsBytes]) noexcept {
  std::uint32_t acc = 0;
  std::size_t n = 0;  // bits in acc
  std::size_t k = 0;
  for (std::size_t i = 0; i < kBitsBytes; ++i) {
    acc = ((acc << 8) | bits[i]) & 0x3ffffu;  // at most 10 + 8 bits in use
    n += 8;
    if (n >= 11) {
      out[k++] = static_cast<std::uint16_t>((acc >> (n - 11)) & 0x7ffu);
      n -= 11;
    }
  }
}

// 24 word indices -> bits (33 bytes).
void join(std::uint8_t out[kBitsBytes], const std::uint16_t idx[RecoveryPhrase::kWordCount]) noexcept {
  std::uint32_t acc = 0;
  std::size_t n = 0;
  std::size_t k = 0;
  for (std::size_t i = 0; i < RecoveryPhrase::kWordCount; ++i) {
    acc = ((acc << 11) | idx[i]) & 0x3ffffu;
    n += 11;
    while (n >= 8) {
      out[k++] = static_cast<std::uint8_t>(acc >> (n - 8));
      n -= 8;
    }
  }
}

// entropy || SHA-256(entropy)[0]
void with_checksum(std::uint8_t out[kBitsBytes], const std::uint8_t entropy[RecoveryPhrase::kEntropySize]) noexcept {
  Wiped<std::uint8_t, crypto_hash_sha256_BYTES> h;
  crypto_hash_sha256(h.b, entropy, RecoveryPhrase::kEntropySize);
  std::memcpy(out, entropy, RecoveryPhrase::kEntropySize);
  out[RecoveryPhrase::kEntropySize] = h.b[0];
}

// Typed words -> entropy (32 bytes into `entropy`), or recovery_phrase_invalid.
Error decode(std::string_view text, std::uint8_t entropy[RecoveryPhrase::kEntropySize]) noexcept {
  Wiped<std::uint16_t, RecoveryPhrase::kWordCount> idx;
  std::size_t count = 0;
  bool unknown = false;
  for_each_word(text, [&](std::string_view word) {
    if (count < RecoveryPhrase::kWordCount && !unknown) {
      const int i = lookup(word);
      if (i < 0) unknown = true;
      idx.b[count] = static_cast<std::uint16_t>(i < 0 ? 0 : i);
    }
    ++count;
  });
  if (count != RecoveryPhrase::kWordCount || unknown) return Error::recovery_phrase_invalid;
  Wiped<std::uint8_t, kBitsBytes> bits;
  join(bits.b, idx.b);
  Wiped<std::uint8_t, kBitsBytes> expected;
  with_checksum(expected.b, bits.b);
  if (sodium_memcmp(expected.b + RecoveryPhrase::kEntropySize, bits.b + RecoveryPhrase::kEntropySize, 1) != 0) {
    return Error::recovery_phrase_invalid;
  }
  std::memcpy(entropy, bits.b, RecoveryPhrase::kEntropySize);
  return Error::ok;
}

// Copies word `index` (NUL-padded) into `out`, reading every entry of the list. Returns the word's length.
std::size_t select_word(std::uint8_t out[kSlot], std::uint16_t index) noexcept {
  for (std::size_t j = 0; j < kSlot; ++j) out[j] = 0;
  for (std::uint32_t i = 0; i < kBip39WordCount; ++i) {
    const auto mask = static_cast<std::uint8_t>(0u - is_zero(i ^ index));
    for (std::size_t j = 0; j < kSlot; ++j) out[j] |= static_cast<std::uint8_t>(kBip39English[i][j]) & mask;
  }
  std::size_t len = 0;
  for (std::size_t j = 0; j < kSlot; ++j) len += 1u - is_zero(out[j]);
  return len;
}

}  // namespace

Result<RecoveryPhrase> RecoveryPhrase::generate(Rng& rng) {
  COFFRE_TRY(init());
  SecretBytes entropy(kEntropySize);
  if (!entropy.valid()) return Error::out_of_memory;
  rng.fill(entropy.reveal_mut());
  return RecoveryPhrase(std::move(entropy));
}

Result<RecoveryPhrase> RecoveryPhrase::from_entropy(std::span<const std::uint8_t> entropy) {
  if (entropy.size() != kEntropySize) return Error::invalid_argument;
  COFFRE_TRY(init());
  auto e = SecretBytes::copy_of(entropy);
  if (!e) return e.error();
  return RecoveryPhrase(std::move(e).take());
}

Result<RecoveryPhrase> RecoveryPhrase::from_words(std::string_view words) {
  COFFRE_TRY(init());
  auto text = normalized(words);
  if (!text) return text.error();
  SecretBytes entropy(kEntropySize);
  if (!entropy.valid()) return Error::out_of_memory;
  COFFRE_TRY(decode(as_text(text.value()), entropy.reveal_mut().data()));
  return RecoveryPhrase(std::move(entropy));
}

Error RecoveryPhrase::check(std::string_view words) noexcept {
  COFFRE_TRY(init());
  auto text = normalized(words);
  if (!text) return text.error();
  Wiped<std::uint8_t, kEntropySize> entropy;
  return decode(as_text(text.value()), entropy.b);
}

std::optional<std::size_t> RecoveryPhrase::first_unknown_word(std::string_view words) noexcept {
  // Text that cannot be normalized (not UTF-8, or no memory) is looked at as it is: its words are cut at ASCII
  // whitespace only, and the one holding the bad bytes is not in the list.
  auto text = normalized(words);
  if (text) words = as_text(text.value());
  std::size_t position = 0;
  std::optional<std::size_t> first;
  for_each_word(words, [&](std::string_view word) {
    if (!first && lookup(word) < 0) first = position;
    ++position;
  });
  return first;
}

Result<SecretBytes> RecoveryPhrase::words() const {
  if (entropy_.size() != kEntropySize) return Error::invalid_argument;  // a moved-from phrase
  COFFRE_TRY(init());
  Wiped<std::uint8_t, kBitsBytes> bits;
  with_checksum(bits.b, entropy_.reveal().data());
  Wiped<std::uint16_t, kWordCount> idx;
  split(idx.b, bits.b);
  Wiped<std::uint8_t, kWordCount * kSlot> text;  // the words, NUL-padded
  std::array<std::size_t, kWordCount> lengths{};
  std::size_t total = kWordCount - 1;  // the separators
  for (std::size_t i = 0; i < kWordCount; ++i) {
    lengths[i] = select_word(text.b + i * kSlot, idx.b[i]);
    total += lengths[i];
  }
  SecretBytes out(total);
  if (!out.valid()) return Error::out_of_memory;
  auto o = out.reveal_mut();
  std::size_t pos = 0;
  for (std::size_t i = 0; i < kWordCount; ++i) {
    if (i > 0) o[pos++] = ' ';
    std::memcpy(o.data() + pos, text.b + i * kSlot, lengths[i]);
    pos += lengths[i];
  }
  sodium_memzero(lengths.data(), sizeof lengths);
  return out;
}

Result<XWingSecretKey> RecoveryPhrase::recovery_kem_key() const {
  if (entropy_.size() != kEntropySize) return Error::invalid_argument;  // a moved-from phrase
  COFFRE_TRY(init());
  auto seed = kdf_key(entropy_, label::recovery_kem_seed, {}, XWingSecretKey::kSize);
  if (!seed) return seed.error();
  return XWingSecretKey::from_bytes(seed.value().reveal());
}

// ------------------------------------------------------------------------------------------------- recovery key

Result<RecoveryKey> RecoveryKey::from_phrase(const RecoveryPhrase& phrase) {
  auto kem = phrase.recovery_kem_key();  // invalid_argument for a moved-from phrase
  if (!kem) return kem.error();
  auto pk = xwing_public_key(kem.value());
  if (!pk) return pk.error();
  auto sign_seed = kdf_key(phrase.entropy(), label::recovery_sign_seed, {}, SigningKey::kSeedSize);
  if (!sign_seed) return sign_seed.error();
  auto sign = SigningKey::from_seed(sign_seed.value().reveal());
  if (!sign) return sign.error();
  auto mac_key = kdf_key(phrase.entropy(), label::recovery_mac_key, {});
  if (!mac_key) return mac_key.error();
  return RecoveryKey(std::move(kem).take(), std::move(pk).take(), std::move(sign).take(), std::move(mac_key).take());
}

RecoveryMac RecoveryKey::genesis_mac(const UserId& user, const VerifyKey& identity_pk,
                                     std::uint32_t identity_generation) const noexcept {
  std::uint8_t generation[4];
  put_u32(generation, identity_generation);
  RecoveryMac mac{};
  kdf(mac, mac_key_, label::recovery_genesis_mac,
      {user.bytes, identity_pk.bytes(), generation, pk_.bytes(), sign_.verify_key().bytes()});
  return mac;
}

Error RecoveryKey::check_genesis(const VerifiedLog& log) const noexcept {
  if (!(log.recovery_pk == pk_) || !(log.recovery_sign_pk == sign_.verify_key())) return Error::wrap_invalid;
  const RecoveryMac expected = genesis_mac(log.user, log.genesis_identity_pk(), log.genesis_identity_generation());
  return sodium_memcmp(expected.data(), log.recovery_mac.data(), expected.size()) == 0 ? Error::ok : Error::log_fork;
}

Result<RootKey> RecoveryKey::unwrap_root(const VerifiedLog& log, std::span<const std::uint8_t> wrap) const {
  COFFRE_TRY(check_genesis(log));
  return unwrap_root_key(kem_, log.user, recovery_recipient_id(), log.root_epoch, wrap);
}

}  // namespace coffre
