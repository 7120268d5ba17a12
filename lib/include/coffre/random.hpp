// Randomness is injected. Production code uses system_rng(); DeterministicRng exists for tests and vector generation only.
#pragma once

#include <coffre/export.h>

#include <cstdint>
#include <span>

namespace coffre {

class COFFRE_API Rng {
 public:
  virtual ~Rng() = default;
  virtual void fill(std::span<std::uint8_t> out) = 0;
};

/// The operating system's CSPRNG (libsodium randombytes_buf; crypto.getRandomValues in WebAssembly).
COFFRE_API Rng& system_rng() noexcept;

/// ChaCha20 keystream from a 32-byte seed. NOT for production: output is reproducible by design.
class COFFRE_API DeterministicRng final : public Rng {
 public:
  explicit DeterministicRng(std::span<const std::uint8_t, 32> seed) noexcept;
  ~DeterministicRng() override;
  void fill(std::span<std::uint8_t> out) override;

 private:
  std::uint8_t seed_[32];
  std::uint64_t counter_ = 0;
};

}  // namespace coffre
