// Data-key wraps under a key-encryption key (docs/SPEC.md section 21): for applications with their own key
// management (a KMS or an HSM hands them a 32-byte KEK), the data key of a file or document is stored wrapped under
// the KEK and bound to a context (a purpose label and the id the application finds its KEK by).
#pragma once

#include <coffre/error.hpp>
#include <coffre/export.h>
#include <coffre/random.hpp>
#include <coffre/secret.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace coffre {

/// A 32-byte key-encryption key (KEK), held in secure memory and wiped when destroyed. Move-only.
class COFFRE_API KeyEncryptionKey {
 public:
  /// Size of a KEK in bytes.
  static constexpr std::size_t kSize = 32;
  /// A new random KEK from `rng`. out_of_memory: secure memory exhausted.
  static Result<KeyEncryptionKey> generate(Rng& rng);
  /// A KEK from its 32 raw bytes (invalid_argument for any other size), copied into secure memory.
  static Result<KeyEncryptionKey> from_bytes(std::span<const std::uint8_t> bytes);
  /// The key bytes (secure memory).
  const SecretBytes& secret() const noexcept { return bytes_; }

 private:
  explicit KeyEncryptionKey(SecretBytes b) : bytes_(std::move(b)) {}
  SecretBytes bytes_;
};

/// What a data-key wrap is bound to (section 21): it opens only under the same label and key id. Both are byte
/// strings taken as given (no normalization).
struct DataKeyContext {
  /// Longest label or key id, in bytes.
  static constexpr std::size_t kMaxSize = 1024;
  /// The purpose of the data key, e.g. "invoices/2026"; 1 to 1024 bytes.
  std::string_view label;
  /// The id the application finds its KEK by (a KMS key name or version); 0 to 1024 bytes.
  std::string_view key_id = {};
};

/// Size of a data-key wrap in bytes.
inline constexpr std::size_t kDataKeyWrapSize = 125;

/// Wraps `data_key` under `kek`, bound to `context`, with a nonce drawn from `rng`. invalid_argument: a label or key
/// id out of its bounds.
COFFRE_API Result<std::array<std::uint8_t, kDataKeyWrapSize>> wrap_data_key(const KeyEncryptionKey& kek,
                                                                            const ContentKey& data_key,
                                                                            const DataKeyContext& context,
                                                                            Rng& rng = system_rng());

/// The data key of `wrapped`, if it was made under `kek` for `context`; otherwise the first failing check of
/// section 21: bad_magic, unsupported_version, truncated, trailing_data, wrong_key (another KEK), wrong_context
/// (another label or key id), wrap_invalid (the sealed key was modified).
COFFRE_API Result<ContentKey> unwrap_data_key(const KeyEncryptionKey& kek, std::span<const std::uint8_t> wrapped,
                                              const DataKeyContext& context);

}  // namespace coffre
