// Signed store requests (docs/STORE.md section 2): every HTTP request to a store is signed with an Ed25519 key, the
// device's signing key (DeviceKeys::sign_key) or, to recover an account, the recovery signing key
// (RecoveryKey::signing_key()). The signature covers the method, the request target, the SHA-256 of the body, the
// client's time, a random nonce and the account the signer acts for:
//
//   m = frame("coffre/v1/store/request") || frame(method) || frame(target) || content_sha256[32] || u64 time ||
//       nonce[16] || frame(user)            (user: 16 bytes, or empty when the signer is in no account yet)
//
// Nothing here does I/O or reads a clock: the caller supplies the time and checks freshness and replay itself.
#pragma once

#include <coffre/device_log.hpp>
#include <coffre/error.hpp>
#include <coffre/export.h>
#include <coffre/random.hpp>
#include <coffre/signing.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace coffre {

inline constexpr std::string_view kStoreRequestLabel = "coffre/v1/store/request";

inline constexpr std::size_t kSha256Size = 32;
using Sha256Digest = std::array<std::uint8_t, kSha256Size>;

/// SHA-256 (libsodium crypto_hash_sha256) of a whole body; of no bytes for a request without one.
COFFRE_API Sha256Digest content_sha256(std::span<const std::uint8_t> bytes) noexcept;

/// SHA-256 of a body that arrives in pieces (a streamed upload part): update() each piece in order, then finish().
/// finish() returns the digest and starts a new, empty hash.
class COFFRE_API Sha256Hasher {
 public:
  Sha256Hasher() noexcept;
  void update(std::span<const std::uint8_t> bytes) noexcept;
  Sha256Digest finish() noexcept;

 private:
  alignas(8) std::array<std::uint8_t, 128> state_{};  ///< libsodium's crypto_hash_sha256_state (104 bytes)
};

inline constexpr std::size_t kStoreNonceSize = 16;
using StoreNonce = std::array<std::uint8_t, kStoreNonceSize>;

/// A fresh random nonce (never reuse one with the same key: the store refuses a replayed nonce).
COFFRE_API StoreNonce draw_store_nonce(Rng& rng);

/// The signed fields of one request. method: the upper-case HTTP method (1 or more of A-Z); target: the request
/// target exactly as sent (origin form: starts with '/', visible ASCII 0x21-0x7e, path and query). Other values are
/// refused with invalid_argument by every function below.
struct COFFRE_API StoreRequest {
  std::string method;
  std::string target;
  Sha256Digest content_sha256{};  ///< content_sha256(body)
  std::uint64_t time = 0;         ///< Unix seconds, the client's clock
  StoreNonce nonce{};
  std::optional<UserId> user;     ///< the account the signer acts for; none for a device in no account yet
};

/// m above (the bytes the signature covers). invalid_argument for a method or target breaking the rule.
COFFRE_API Result<std::vector<std::uint8_t>> store_request_message(const StoreRequest& request);

/// Ed25519(key, m): the Coffre-Signature header. invalid_argument as store_request_message.
COFFRE_API Result<SigningKey::Signature> sign_store_request(const SigningKey& key, const StoreRequest& request);

/// ok if `signature` is `key`'s signature of the request; signature_invalid otherwise (also for a signature that is
/// not 64 bytes); invalid_argument as store_request_message.
COFFRE_API Error verify_store_request(const VerifyKey& key, const StoreRequest& request,
                                      std::span<const std::uint8_t> signature) noexcept;

/// The Coffre-* headers of a signed request, in the order of STORE.md section 2 (Coffre-Key, Coffre-User only with a
/// user, Coffre-Time, Coffre-Nonce, Coffre-Content-SHA256, Coffre-Signature), values in lowercase hex and decimal.
using StoreRequestHeaders = std::vector<std::pair<std::string, std::string>>;
COFFRE_API StoreRequestHeaders store_request_headers(const VerifyKey& key, const StoreRequest& request,
                                                     const SigningKey::Signature& signature);

}  // namespace coffre
