// X-Wing: the hybrid key-encapsulation mechanism of suite 1 (X25519 + ML-KEM-768, draft-connolly-cfrg-xwing-kem),
// for key wrapping and devices. Byte-compatible with libsodium 1.0.22's crypto_kem_xwing_*. docs/SPEC.md section 8.
//
// A sender encapsulates to a recipient's public key and gets a ciphertext (sent along) and a 32-byte shared
// secret (used as a key); the recipient decapsulates the ciphertext with its secret key to get the same secret.
#pragma once

#include <coffre/error.hpp>
#include <coffre/export.h>
#include <coffre/secret.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <utility>

namespace coffre {

class Rng;
namespace detail {
struct XWingAccess;
}

inline constexpr std::size_t kXWingSharedSecretSize = 32;
inline constexpr std::size_t kXWingEncapsulationSeedSize = 64;

/// An encapsulation (public) key: ML-KEM-768 public key (1184 bytes) || X25519 public key (32 bytes).
class COFFRE_API XWingPublicKey {
 public:
  static constexpr std::size_t kSize = 1216;
  /// invalid_argument unless 1216 bytes; public_key_invalid if the ML-KEM-768 part fails FIPS 203's encapsulation
  /// key check (a coefficient not reduced mod q) or the X25519 part is a point of small order. Every key accepted
  /// here can be encapsulated to.
  static Result<XWingPublicKey> from_bytes(std::span<const std::uint8_t> bytes);
  std::span<const std::uint8_t, kSize> bytes() const noexcept { return bytes_; }
  bool operator==(const XWingPublicKey&) const = default;

 private:
  friend struct detail::XWingAccess;
  XWingPublicKey() = default;
  std::array<std::uint8_t, kSize> bytes_{};
};

/// A decapsulation (secret) key: the 32-byte seed from which both component key pairs are derived.
class COFFRE_API XWingSecretKey {
 public:
  static constexpr std::size_t kSize = 32;
  static Result<XWingSecretKey> from_bytes(std::span<const std::uint8_t> seed);  ///< invalid_argument unless 32 bytes
  const SecretBytes& secret() const noexcept { return seed_; }  ///< the seed, to store or wrap it

 private:
  friend struct detail::XWingAccess;
  explicit XWingSecretKey(SecretBytes seed) : seed_(std::move(seed)) {}
  SecretBytes seed_;
};

/// A ciphertext: ML-KEM-768 ciphertext (1088 bytes) || X25519 ephemeral public key (32 bytes).
class COFFRE_API XWingCiphertext {
 public:
  static constexpr std::size_t kSize = 1120;
  static Result<XWingCiphertext> from_bytes(std::span<const std::uint8_t> bytes);  ///< invalid_argument unless 1120
  std::span<const std::uint8_t, kSize> bytes() const noexcept { return bytes_; }
  bool operator==(const XWingCiphertext&) const = default;

 private:
  friend struct detail::XWingAccess;
  XWingCiphertext() = default;
  std::array<std::uint8_t, kSize> bytes_{};
};

struct COFFRE_API XWingEncapsulation {
  XWingCiphertext ciphertext;
  SecretBytes shared_secret;  ///< 32 bytes
};

/// A fresh secret key: 32 bytes from `rng`.
COFFRE_API Result<XWingSecretKey> xwing_generate(Rng& rng);

/// The public key of a secret key (deterministic: expands the seed).
COFFRE_API Result<XWingPublicKey> xwing_public_key(const XWingSecretKey& secret_key);

/// Encapsulates a fresh shared secret to `public_key`, with 64 bytes from `rng`.
/// public_key_invalid cannot happen for a key from from_bytes or xwing_public_key; it is still checked.
COFFRE_API Result<XWingEncapsulation> xwing_encapsulate(const XWingPublicKey& public_key, Rng& rng);

/// FOR TEST VECTORS AND CROSS-CHECKS ONLY: encapsulation with caller-chosen randomness `eseed` (64 bytes: ML-KEM's m,
/// then the X25519 ephemeral secret). Reusing an eseed with one public key gives the same shared secret twice.
/// invalid_argument unless `eseed` is 64 bytes.
COFFRE_API Result<XWingEncapsulation> xwing_encapsulate_deterministic(const XWingPublicKey& public_key,
                                                                      std::span<const std::uint8_t> eseed);

/// The shared secret of `ciphertext`. A ciphertext that was not made for this key (or was modified) gives an
/// unrelated secret, not an error (ML-KEM's implicit rejection): authenticate what the secret protects.
/// kem_ciphertext_invalid: the X25519 part is a point of small order (only a forged ciphertext has one).
COFFRE_API Result<SecretBytes> xwing_decapsulate(const XWingSecretKey& secret_key, const XWingCiphertext& ciphertext);

struct COFFRE_API XWingDecapsulation {
  SecretBytes shared_secret;  ///< 32 bytes
  XWingPublicKey public_key;  ///< of the secret key
};

/// xwing_decapsulate, also returning the secret key's public key from the seed expansion decapsulation does anyway:
/// for a KDF that binds the recipient's public key, at the cost of one expansion instead of two.
COFFRE_API Result<XWingDecapsulation> xwing_decapsulate_with_public_key(const XWingSecretKey& secret_key,
                                                                        const XWingCiphertext& ciphertext);

}  // namespace coffre
