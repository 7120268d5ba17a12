#include <coffre/coffre.hpp>

#include <sodium.h>

#include <cstring>

#ifdef __EMSCRIPTEN__
#include <emscripten.h>
#endif

namespace coffre {

namespace {

#ifdef __EMSCRIPTEN__
// libsodium 1.0.18's Emscripten randombytes makes one JS call per byte (and ignores randombytes_set_implementation):
// fill from crypto.getRandomValues in bulk instead (at most 65536 bytes per call, as Web Crypto requires).
EM_JS(void, coffre_js_random_fill, (std::uint8_t * buf, std::size_t len), {
  for (let off = 0; off < len; off += 65536) {
    globalThis.crypto.getRandomValues(HEAPU8.subarray(buf + off, buf + Math.min(len, off + 65536)));
  }
});
#endif

class SystemRng final : public Rng {
 public:
  void fill(std::span<std::uint8_t> out) override {
    if (out.empty()) return;
#ifdef __EMSCRIPTEN__
    coffre_js_random_fill(out.data(), out.size());
#else
    (void)init();
    randombytes_buf(out.data(), out.size());
#endif
  }
};

}  // namespace

Rng& system_rng() noexcept {
  static SystemRng rng;
  return rng;
}

DeterministicRng::DeterministicRng(std::span<const std::uint8_t, 32> seed) noexcept {
  std::memcpy(seed_, seed.data(), sizeof seed_);
}

DeterministicRng::~DeterministicRng() { sodium_memzero(seed_, sizeof seed_); }

// ChaCha20-IETF keystream under the seed, the 96-bit nonce counting calls: reproducible across platforms.
void DeterministicRng::fill(std::span<std::uint8_t> out) {
  if (out.empty()) return;
  (void)init();
  std::uint8_t nonce[crypto_stream_chacha20_ietf_NONCEBYTES] = {};
  std::uint64_t n = counter_++;
  for (int i = 0; i < 8; ++i) nonce[4 + i] = static_cast<std::uint8_t>(n >> (56 - 8 * i));
  crypto_stream_chacha20_ietf(out.data(), out.size(), nonce, seed_);
}


Error init() noexcept {
  static const bool ok = sodium_init() >= 0;
  return ok ? Error::ok : Error::out_of_memory;
}

}  // namespace coffre
