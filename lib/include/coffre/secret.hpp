// Secret bytes live in libsodium's guarded memory and are wiped when freed. Move-only.
#pragma once

#include <coffre/error.hpp>
#include <coffre/export.h>

#include <cstddef>
#include <cstdint>
#include <span>

namespace coffre {

class COFFRE_API SecretBytes {
 public:
  SecretBytes() = default;
  /// Zero-filled secure buffer; empty (and !valid()) if secure memory is exhausted.
  explicit SecretBytes(std::size_t size);
  static Result<SecretBytes> copy_of(std::span<const std::uint8_t> bytes);

  SecretBytes(SecretBytes&& other) noexcept;
  SecretBytes& operator=(SecretBytes&& other) noexcept;
  SecretBytes(const SecretBytes&) = delete;
  SecretBytes& operator=(const SecretBytes&) = delete;
  ~SecretBytes();

  std::size_t size() const noexcept { return size_; }
  bool valid() const noexcept { return data_ != nullptr; }
  /// Raw access is explicit so that every use of secret bytes can be found with grep.
  std::span<const std::uint8_t> reveal() const noexcept { return {data_, size_}; }
  std::span<std::uint8_t> reveal_mut() noexcept { return {data_, size_}; }

  /// Constant-time comparison (sizes are public).
  bool equals(const SecretBytes& other) const noexcept;

 private:
  std::uint8_t* data_ = nullptr;
  std::size_t size_ = 0;
};

class Rng;

/// A 32-byte content key: one per document or file (and version).
class COFFRE_API ContentKey {
 public:
  static constexpr std::size_t kSize = 32;
  static Result<ContentKey> generate(Rng& rng);
  static Result<ContentKey> from_bytes(std::span<const std::uint8_t> bytes);  ///< invalid_argument unless 32 bytes
  const SecretBytes& secret() const noexcept { return bytes_; }

 private:
  explicit ContentKey(SecretBytes b) : bytes_(std::move(b)) {}
  SecretBytes bytes_;
};

}  // namespace coffre
