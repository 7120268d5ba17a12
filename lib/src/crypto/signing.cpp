#include "base/bytes.hpp"

#include <coffre/coffre.hpp>
#include <coffre/signing.hpp>

#include <sodium.h>

#include <algorithm>

namespace coffre {

using namespace detail;

namespace {
// frame(label) || message: the bytes actually signed.
Bytes signed_bytes(std::string_view label, std::span<const std::uint8_t> message) {
  Bytes m;
  m.reserve(4 + label.size() + message.size());
  append_frame(m, as_bytes(label));
  append(m, message);
  return m;
}
}  // namespace

Result<VerifyKey> VerifyKey::from_bytes(std::span<const std::uint8_t> bytes) {
  if (bytes.size() != kSize) return Error::invalid_argument;
  VerifyKey k;
  std::copy(bytes.begin(), bytes.end(), k.bytes_.begin());
  return k;
}

Error VerifyKey::verify(std::string_view label, std::span<const std::uint8_t> message,
                        std::span<const std::uint8_t> signature) const noexcept {
  if (signature.size() != SigningKey::kSignatureSize) return Error::signature_invalid;
  COFFRE_TRY(init());
  Bytes m = signed_bytes(label, message);
  return crypto_sign_verify_detached(signature.data(), m.data(), m.size(), bytes_.data()) == 0
             ? Error::ok
             : Error::signature_invalid;
}

Result<SigningKey> SigningKey::from_seed(std::span<const std::uint8_t> seed) {
  if (seed.size() != kSeedSize) return Error::invalid_argument;
  COFFRE_TRY(init());
  auto s = SecretBytes::copy_of(seed);
  SecretBytes secret(crypto_sign_SECRETKEYBYTES);
  if (!s || !secret.valid()) return Error::out_of_memory;
  std::array<std::uint8_t, VerifyKey::kSize> pk{};
  crypto_sign_seed_keypair(pk.data(), secret.reveal_mut().data(), seed.data());
  return SigningKey(std::move(s).take(), std::move(secret), VerifyKey::from_bytes(pk).take());
}

Result<SigningKey> SigningKey::generate(Rng& rng) {
  SecretBytes seed(kSeedSize);
  if (!seed.valid()) return Error::out_of_memory;
  rng.fill(seed.reveal_mut());
  return from_seed(seed.reveal());
}

SigningKey::Signature SigningKey::sign(std::string_view label, std::span<const std::uint8_t> message) const noexcept {
  Signature sig{};
  Bytes m = signed_bytes(label, message);
  crypto_sign_detached(sig.data(), nullptr, m.data(), m.size(), secret_.reveal().data());
  return sig;
}

}  // namespace coffre
