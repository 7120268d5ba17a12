// Test helpers: whole-buffer encryption through the streaming API, deterministic keys and data.
#pragma once

#include <coffre/coffre.hpp>

#include <doctest/doctest.h>

#include <array>
#include <cstdint>
#include <vector>

namespace coffre::test {

using Bytes = std::vector<std::uint8_t>;

inline std::array<std::uint8_t, 32> seed(std::uint8_t n) {
  std::array<std::uint8_t, 32> s{};
  s.fill(n);
  return s;
}

inline Bytes random_bytes(std::size_t n, std::uint8_t seed_byte = 7) {
  DeterministicRng rng(seed(seed_byte));
  Bytes b(n);
  rng.fill(b);
  return b;
}

inline ContentKey key(std::uint8_t n) {
  DeterministicRng rng(seed(static_cast<std::uint8_t>(n + 100)));
  return ContentKey::generate(rng).take();
}

inline Context ctx(std::string id = "doc-1", std::uint64_t rev = 3, std::uint32_t kv = 1) {
  return Context{std::move(id), rev, kv};
}

inline Bytes encrypt(FileEncryptor& enc, const Bytes& plain, std::size_t step = SIZE_MAX) {
  Bytes out;
  for (std::size_t off = 0; off < plain.size() || off == 0; off += step) {
    std::span<const std::uint8_t> in(plain.data() + off, std::min(step, plain.size() - off));
    Bytes buf(enc.max_update_output(in.size()));
    std::size_t n = 0;
    REQUIRE(enc.update(in, buf, n) == Error::ok);
    out.insert(out.end(), buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(n));
    if (plain.size() - off <= step) break;
  }
  Bytes buf(enc.max_finish_output());
  std::size_t n = 0;
  REQUIRE(enc.finish(buf, n) == Error::ok);
  out.insert(out.end(), buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(n));
  return out;
}

inline Bytes encrypt(const ContentKey& k, const Context& c, const Bytes& plain, std::uint32_t chunk = 64,
                     unsigned threads = 1) {
  DeterministicRng rng(seed(1));
  auto enc = FileEncryptor::create(k, c, FileOptions{chunk, threads}, rng);
  REQUIRE(enc.ok());
  return encrypt(enc.value(), plain);
}

struct Decrypted {
  Error error = Error::ok;
  Bytes released;  // plaintext written before the error (all of it on success)
  bool ended = false;
};

inline Decrypted decrypt(FileDecryptor& dec, const Bytes& ct, std::size_t step = SIZE_MAX) {
  Decrypted d;
  for (std::size_t off = 0; off < ct.size(); off += step) {
    std::span<const std::uint8_t> in(ct.data() + off, std::min(step, ct.size() - off));
    Bytes buf(dec.max_update_output(in.size()));
    std::size_t n = 0;
    d.error = dec.update(in, buf, n);
    d.released.insert(d.released.end(), buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(n));
    if (d.error != Error::ok) return d;
  }
  Bytes buf(dec.max_finish_output());
  std::size_t n = 0;
  d.error = dec.finish(buf, n);
  d.released.insert(d.released.end(), buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(n));
  d.ended = dec.ended_properly();
  return d;
}

inline Decrypted decrypt(const ContentKey& k, const Context& c, const Bytes& ct, std::size_t step = SIZE_MAX,
                         unsigned threads = 1) {
  auto dec = FileDecryptor::create(k, c, threads);
  REQUIRE(dec.ok());
  return decrypt(dec.value(), ct, step);
}

}  // namespace coffre::test
