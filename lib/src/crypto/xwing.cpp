// X-Wing (docs/SPEC.md section 8), as libsodium 1.0.22's crypto_kem_xwing: ML-KEM-768 from PQClean (mlkem768.h),
// X25519 from libsodium, SHA3-256/SHAKE256 from PQClean's fips202.
#include <coffre/coffre.hpp>
#include <coffre/xwing.hpp>

#include "mlkem768.h"

#include <sodium.h>

#include <algorithm>
#include <array>

#include <algorithm>
#include <cstring>

namespace coffre {

namespace detail {
struct XWingAccess {
  static XWingPublicKey public_key() { return {}; }
  static std::array<std::uint8_t, XWingPublicKey::kSize>& bytes(XWingPublicKey& k) { return k.bytes_; }
  static XWingCiphertext ciphertext() { return {}; }
  static std::array<std::uint8_t, XWingCiphertext::kSize>& bytes(XWingCiphertext& c) { return c.bytes_; }
  static XWingSecretKey secret_key(SecretBytes seed) { return XWingSecretKey(std::move(seed)); }
};
}  // namespace detail

namespace {
using detail::XWingAccess;

constexpr std::size_t kPkM = COFFRE_MLKEM768_PUBLICKEYBYTES;   // 1184
constexpr std::size_t kSkM = COFFRE_MLKEM768_SECRETKEYBYTES;   // 2400
constexpr std::size_t kCtM = COFFRE_MLKEM768_CIPHERTEXTBYTES;  // 1088
constexpr std::size_t kX = 32;                                 // X25519 keys, ciphertext and shared secret
constexpr std::size_t kSs = kXWingSharedSecretSize;
static_assert(XWingPublicKey::kSize == kPkM + kX);
static_assert(XWingCiphertext::kSize == kCtM + kX);
static_assert(kSs == COFFRE_MLKEM768_SHAREDSECRETBYTES && kX == crypto_scalarmult_curve25519_BYTES &&
              kX == crypto_scalarmult_curve25519_SCALARBYTES);

// XWingLabel = "\./" "/^\" (SPEC section 8.1).
constexpr std::uint8_t kLabel[6] = {0x5c, 0x2e, 0x2f, 0x2f, 0x5e, 0x5c};

// Stack temporaries that hold secrets are wiped on every path out of a function.
template <std::size_t N>
struct Wiped {
  std::uint8_t b[N];
  Wiped() = default;
  Wiped(const Wiped&) = delete;
  Wiped& operator=(const Wiped&) = delete;
  ~Wiped() { sodium_memzero(b, N); }
};

// expandDecapsulationKey: SHAKE256(seed, 96 bytes) = d || z || sk_X; (pk_M, sk_M) = ML-KEM-768.KeyGen_internal(d, z);
// pk_X = X25519(sk_X, 9).
struct Expanded {
  std::uint8_t pk_m[kPkM];
  std::uint8_t sk_m[kSkM];
  std::uint8_t sk_x[kX];
  std::uint8_t pk_x[kX];
  Expanded() = default;
  Expanded(const Expanded&) = delete;
  Expanded& operator=(const Expanded&) = delete;
  ~Expanded() {
    sodium_memzero(sk_m, sizeof sk_m);
    sodium_memzero(sk_x, sizeof sk_x);
  }
};

Error expand(Expanded& e, const XWingSecretKey& sk) {
  auto seed = sk.secret().reveal();
  if (seed.size() != XWingSecretKey::kSize) return Error::invalid_argument;  // a moved-from key
  Wiped<96> expanded;
  coffre_shake256(expanded.b, sizeof expanded.b, seed.data(), seed.size());
  coffre_mlkem768_keypair_derand(e.pk_m, e.sk_m, expanded.b);  // d = [0, 32), z = [32, 64)
  std::memcpy(e.sk_x, expanded.b + 64, kX);
  // Cannot fail: a clamped scalar times the base point is never the identity.
  if (crypto_scalarmult_curve25519_base(e.pk_x, e.sk_x) != 0) return Error::invalid_argument;
  return Error::ok;
}

// SHA3-256(ss_M || ss_X || ct_X || pk_X || XWingLabel)
void combine(std::uint8_t out[kSs], const std::uint8_t ss_m[kSs], const std::uint8_t ss_x[kX],
             const std::uint8_t ct_x[kX], const std::uint8_t pk_x[kX]) {
  const std::uint8_t* parts[] = {ss_m, ss_x, ct_x, pk_x, kLabel};
  const std::size_t lens[] = {kSs, kX, kX, kX, sizeof kLabel};
  coffre_sha3_256(out, parts, lens, 5);
}

// The u-coordinates of the X25519 points of small order (order dividing 8, on the curve or its twist), little-endian:
// 0, 1, the two points of order 8, p - 1, and the non-canonical encodings p and p + 1 (p = 2^255 - 19). Any scalar
// multiple of 8 (every clamped scalar) takes them to zero: these are exactly the points libsodium's
// crypto_scalarmult_curve25519 refuses. A table lookup costs nanoseconds where a scalar multiplication costs ~25 us,
// which matters when a 1,000-entry device list checks every key (SPEC 8.2, 10).
constexpr std::uint8_t kOrder8a[kX] = {0xe0, 0xeb, 0x7a, 0x7c, 0x3b, 0x41, 0xb8, 0xae, 0x16, 0x56, 0xe3,
                                       0xfa, 0xf1, 0x9f, 0xc4, 0x6a, 0xda, 0x09, 0x8d, 0xeb, 0x9c, 0x32,
                                       0xb1, 0xfd, 0x86, 0x62, 0x05, 0x16, 0x5f, 0x49, 0xb8, 0x00};
constexpr std::uint8_t kOrder8b[kX] = {0x5f, 0x9c, 0x95, 0xbc, 0xa3, 0x50, 0x8c, 0x24, 0xb1, 0xd0, 0xb1,
                                       0x55, 0x9c, 0x83, 0xef, 0x5b, 0x04, 0x44, 0x5c, 0xc4, 0x58, 0x1c,
                                       0x8e, 0x86, 0xd8, 0x22, 0x4e, 0xdd, 0xd0, 0x9f, 0x11, 0x57};

// p + delta for delta in {-1, 0, 1}, little-endian.
std::array<std::uint8_t, kX> p_plus(int delta) {
  std::array<std::uint8_t, kX> v{};
  v.fill(0xff);
  v[0] = static_cast<std::uint8_t>(0xed + delta);
  v[31] = 0x7f;
  return v;
}

// Constant time in the point: every candidate is compared in full; the top bit is ignored, as X25519 does.
bool x25519_small_order(const std::uint8_t point[kX]) {
  std::array<std::uint8_t, kX> u{};
  std::copy(point, point + kX, u.begin());
  u[31] &= 0x7f;
  std::array<std::uint8_t, kX> zero{}, one{};
  one[0] = 1;
  std::array<std::uint8_t, kX> a{}, b{};
  std::copy(std::begin(kOrder8a), std::end(kOrder8a), a.begin());
  std::copy(std::begin(kOrder8b), std::end(kOrder8b), b.begin());
  int found = 0;
  for (const auto& c : {zero, one, a, b, p_plus(-1), p_plus(0), p_plus(1)}) {
    found |= sodium_memcmp(u.data(), c.data(), kX) == 0;
  }
  return found != 0;
}
}  // namespace

Result<XWingPublicKey> XWingPublicKey::from_bytes(std::span<const std::uint8_t> bytes) {
  COFFRE_TRY(init());
  if (bytes.size() != kSize) return Error::invalid_argument;
  if (coffre_mlkem768_check_public_key(bytes.data()) != 0 || x25519_small_order(bytes.data() + kPkM)) {
    return Error::public_key_invalid;
  }
  XWingPublicKey k;
  std::copy(bytes.begin(), bytes.end(), k.bytes_.begin());
  return k;
}

Result<XWingSecretKey> XWingSecretKey::from_bytes(std::span<const std::uint8_t> seed) {
  if (seed.size() != kSize) return Error::invalid_argument;
  auto s = SecretBytes::copy_of(seed);
  if (!s) return s.error();
  return XWingSecretKey(std::move(s).take());
}

Result<XWingCiphertext> XWingCiphertext::from_bytes(std::span<const std::uint8_t> bytes) {
  if (bytes.size() != kSize) return Error::invalid_argument;
  XWingCiphertext c;
  std::copy(bytes.begin(), bytes.end(), c.bytes_.begin());
  return c;
}

Result<XWingSecretKey> xwing_generate(Rng& rng) {
  COFFRE_TRY(init());
  SecretBytes seed(XWingSecretKey::kSize);
  if (!seed.valid()) return Error::out_of_memory;
  rng.fill(seed.reveal_mut());
  return XWingAccess::secret_key(std::move(seed));
}

Result<XWingPublicKey> xwing_public_key(const XWingSecretKey& secret_key) {
  COFFRE_TRY(init());
  Expanded e;
  COFFRE_TRY(expand(e, secret_key));
  XWingPublicKey pk = XWingAccess::public_key();
  auto& out = XWingAccess::bytes(pk);
  std::memcpy(out.data(), e.pk_m, kPkM);
  std::memcpy(out.data() + kPkM, e.pk_x, kX);
  return pk;
}

Result<XWingEncapsulation> xwing_encapsulate_deterministic(const XWingPublicKey& public_key,
                                                           std::span<const std::uint8_t> eseed) {
  COFFRE_TRY(init());
  if (eseed.size() != kXWingEncapsulationSeedSize) return Error::invalid_argument;
  const std::uint8_t* pk_m = public_key.bytes().data();
  const std::uint8_t* pk_x = pk_m + kPkM;
  const std::uint8_t* m = eseed.data();        // ML-KEM-768.Encaps_internal randomness
  const std::uint8_t* ek_x = eseed.data() + 32;  // X25519 ephemeral secret

  XWingEncapsulation enc{XWingAccess::ciphertext(), SecretBytes(kSs)};
  if (!enc.shared_secret.valid()) return Error::out_of_memory;
  std::uint8_t* ct = XWingAccess::bytes(enc.ciphertext).data();
  std::uint8_t* ct_x = ct + kCtM;

  Wiped<kSs> ss_m;
  Wiped<kX> ss_x;
  if (coffre_mlkem768_enc_derand(ct, ss_m.b, pk_m, m) != 0) return Error::public_key_invalid;
  if (crypto_scalarmult_curve25519_base(ct_x, ek_x) != 0) return Error::invalid_argument;  // cannot happen
  if (crypto_scalarmult_curve25519(ss_x.b, ek_x, pk_x) != 0) return Error::public_key_invalid;
  combine(enc.shared_secret.reveal_mut().data(), ss_m.b, ss_x.b, ct_x, pk_x);
  return enc;
}

Result<XWingEncapsulation> xwing_encapsulate(const XWingPublicKey& public_key, Rng& rng) {
  COFFRE_TRY(init());
  Wiped<kXWingEncapsulationSeedSize> eseed;
  rng.fill(eseed.b);
  return xwing_encapsulate_deterministic(public_key, eseed.b);
}

Result<XWingDecapsulation> xwing_decapsulate_with_public_key(const XWingSecretKey& secret_key,
                                                             const XWingCiphertext& ciphertext) {
  COFFRE_TRY(init());
  const std::uint8_t* ct_m = ciphertext.bytes().data();
  const std::uint8_t* ct_x = ct_m + kCtM;
  Expanded e;
  COFFRE_TRY(expand(e, secret_key));

  XWingDecapsulation d{SecretBytes(kSs), XWingAccess::public_key()};
  if (!d.shared_secret.valid()) return Error::out_of_memory;
  Wiped<kSs> ss_m;
  Wiped<kX> ss_x;
  coffre_mlkem768_dec(ss_m.b, ct_m, e.sk_m);
  // As libsodium 1.0.22 (the draft's Decapsulate would hash the all-zero ss_X instead): see SPEC section 8.4.
  if (crypto_scalarmult_curve25519(ss_x.b, e.sk_x, ct_x) != 0) return Error::kem_ciphertext_invalid;
  combine(d.shared_secret.reveal_mut().data(), ss_m.b, ss_x.b, ct_x, e.pk_x);
  auto& pk = XWingAccess::bytes(d.public_key);
  std::memcpy(pk.data(), e.pk_m, kPkM);
  std::memcpy(pk.data() + kPkM, e.pk_x, kX);
  return d;
}

Result<SecretBytes> xwing_decapsulate(const XWingSecretKey& secret_key, const XWingCiphertext& ciphertext) {
  auto d = xwing_decapsulate_with_public_key(secret_key, ciphertext);
  if (!d) return d.error();
  return std::move(d.value().shared_secret);
}

}  // namespace coffre
