// Internal to the C ABI (bindings/c): the handles its source files share and the helpers every entry point uses.
// Not installed, not API.
#pragma once

#include <coffre.h>

#include <coffre/coffre.hpp>

#include <sodium.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <new>
#include <span>
#include <utility>
#include <vector>

struct coffre_key {
  coffre::ContentKey key;
};
struct coffre_account_secrets {
  coffre::AccountSecrets secrets;
};
struct coffre_device_keys {
  coffre::DeviceKeys keys;
};
struct coffre_log {
  coffre::VerifiedLog log;
};
struct coffre_recovery_phrase {
  coffre::RecoveryPhrase phrase;
};

namespace coffre_abi {

inline int status(coffre::Error e) noexcept { return static_cast<int>(e); }

// Runs `f` (returning an int status); turns any escaping exception into a status. Nothing crosses the C boundary.
template <class F>
int guarded(F&& f) noexcept {
  try {
    return std::forward<F>(f)();
  } catch (const std::bad_alloc&) {
    return COFFRE_E_OUT_OF_MEMORY;
  } catch (...) {
    // No other exception is expected (the C++ API returns errors as values); length_error and the like are
    // allocation failures in practice.
    return COFFRE_E_OUT_OF_MEMORY;
  }
}

// libsodium's and the library's temporaries on the stack are not all wiped (e.g. libsodium 1.0.18's ChaCha20 copies
// a last partial block, a 32-byte key being decrypted, into a stack buffer it leaves behind); in WebAssembly that stack
// is part of the linear memory a page can read. After a call that handled secrets, overwrite the stack region it used
// (the same idea as lib/src/crypto/mlkem768/mlkem768.c). 64 KiB: more than the deepest such call.
[[gnu::noinline]] inline void burn_stack() noexcept {
  std::uint8_t buf[65536];
  sodium_memzero(buf, sizeof buf);
}

// guarded() for calls that handle secrets: burns the stack afterwards, whatever the outcome.
template <class F>
int guarded_secret(F&& f) noexcept {
  const int s = guarded(std::forward<F>(f));
  burn_stack();
  return s;
}

// A (pointer, length) pair is valid if the pointer is non-NULL or the length is 0.
inline bool data_ok(const void* p, std::size_t len) noexcept { return p != nullptr || len == 0; }

inline std::span<const std::uint8_t> bytes(const std::uint8_t* p, std::size_t len) noexcept {
  return len == 0 ? std::span<const std::uint8_t>{} : std::span<const std::uint8_t>{p, len};
}

// A library-owned buffer for coffre_buffer_free: malloc'd (never NULL on success, even for 0 bytes).
inline int give_buffer(std::span<const std::uint8_t> data, std::uint8_t** out, std::size_t* out_len) noexcept {
  auto* p = static_cast<std::uint8_t*>(std::malloc(data.empty() ? 1 : data.size()));
  if (p == nullptr) return COFFRE_E_OUT_OF_MEMORY;
  if (!data.empty()) std::memcpy(p, data.data(), data.size());
  *out = p;
  *out_len = data.size();
  return COFFRE_OK;
}

// Handles are created with plain new inside guarded(): bad_alloc becomes out_of_memory.
template <class Handle, class T>
int give_handle(coffre::Result<T> r, Handle** out) {
  if (!r) return status(r.error());
  *out = new Handle{std::move(r).take()};
  return COFFRE_OK;
}

template <class T>
void clear_out(T** out) noexcept {
  if (out != nullptr) *out = nullptr;
}

// Copies a fixed-size value into a caller buffer of exactly its size.
template <class Span>
int put_fixed(const Span& value, std::uint8_t* out, std::size_t out_len) noexcept {
  if (out == nullptr || out_len != value.size()) return COFFRE_E_INVALID_ARGUMENT;
  std::memcpy(out, value.data(), value.size());
  return COFFRE_OK;
}

inline bool buffer_out_ok(std::uint8_t** out, std::size_t* out_len) noexcept {
  if (out != nullptr) *out = nullptr;
  if (out_len != nullptr) *out_len = 0;
  return out != nullptr && out_len != nullptr;
}

// Splits concatenated frames (u32 big-endian length || bytes) into entries; false on bad framing.
inline bool split_frames(const std::uint8_t* p, std::size_t len, std::vector<std::vector<std::uint8_t>>& out) {
  std::size_t i = 0;
  while (i < len) {
    if (len - i < 4) return false;
    const std::size_t n = (std::size_t{p[i]} << 24) | (std::size_t{p[i + 1]} << 16) | (std::size_t{p[i + 2]} << 8) |
                          std::size_t{p[i + 3]};
    i += 4;
    if (len - i < n) return false;
    out.emplace_back(p + i, p + i + n);
    i += n;
  }
  return true;
}

}  // namespace coffre_abi
