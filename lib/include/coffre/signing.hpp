// Ed25519 signing keys (identity and device keys, docs/SPEC.md section 9). Every signature is over
// frame(label) || message, so a signature made for one purpose never verifies for another.
#pragma once

#include <coffre/error.hpp>
#include <coffre/export.h>
#include <coffre/random.hpp>
#include <coffre/secret.hpp>

#include <array>
#include <cstdint>
#include <span>
#include <string_view>

namespace coffre {

class COFFRE_API VerifyKey {
 public:
  static constexpr std::size_t kSize = 32;
  static Result<VerifyKey> from_bytes(std::span<const std::uint8_t> bytes);  ///< invalid_argument unless 32 bytes
  std::span<const std::uint8_t, kSize> bytes() const noexcept { return bytes_; }
  bool operator==(const VerifyKey&) const = default;

  /// signature_invalid unless `signature` is this key's signature of frame(label) || message.
  Error verify(std::string_view label, std::span<const std::uint8_t> message,
               std::span<const std::uint8_t> signature) const noexcept;

 private:
  std::array<std::uint8_t, kSize> bytes_{};
};

class COFFRE_API SigningKey {
 public:
  static constexpr std::size_t kSeedSize = 32;
  static constexpr std::size_t kSignatureSize = 64;
  using Signature = std::array<std::uint8_t, kSignatureSize>;

  static Result<SigningKey> generate(Rng& rng);
  static Result<SigningKey> from_seed(std::span<const std::uint8_t> seed);  ///< invalid_argument unless 32 bytes

  const VerifyKey& verify_key() const noexcept { return verify_key_; }
  const SecretBytes& seed() const noexcept { return seed_; }  ///< what gets stored (sealed)
  Signature sign(std::string_view label, std::span<const std::uint8_t> message) const noexcept;

 private:
  SigningKey(SecretBytes seed, SecretBytes secret, VerifyKey vk)
      : seed_(std::move(seed)), secret_(std::move(secret)), verify_key_(vk) {}
  SecretBytes seed_;
  SecretBytes secret_;  ///< libsodium's 64-byte expanded secret key
  VerifyKey verify_key_;
};

}  // namespace coffre
