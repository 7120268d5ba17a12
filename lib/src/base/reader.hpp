// Strict parsing of the spec's objects (device list, account state, enrollment): a bounds-checked cursor whose reads
// fail once the input is exhausted, and fixed-size copies.
#pragma once

#include "base/bytes.hpp"

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>

namespace coffre::detail {

class ByteReader {
 public:
  explicit ByteReader(ByteView in) noexcept : in_(in) {}
  bool bytes(std::size_t n, ByteView& out) noexcept {
    if (in_.size() - pos_ < n) return false;
    out = in_.subspan(pos_, n);
    pos_ += n;
    return true;
  }
  // The exact bytes `expected` (a magic, a version, a type).
  bool literal(ByteView expected) noexcept {
    ByteView b;
    return bytes(expected.size(), b) && std::equal(b.begin(), b.end(), expected.begin());
  }
  bool u8(std::uint8_t& v) noexcept {
    ByteView b;
    if (!bytes(1, b)) return false;
    v = b[0];
    return true;
  }
  bool u32(std::uint32_t& v) noexcept {
    ByteView b;
    if (!bytes(4, b)) return false;
    v = get_u32(b.data());
    return true;
  }
  bool u64(std::uint64_t& v) noexcept {
    ByteView b;
    if (!bytes(8, b)) return false;
    v = get_u64(b.data());
    return true;
  }
  // frame(x) with min <= len(x) <= max.
  bool frame(ByteView& out, std::size_t min, std::size_t max) noexcept {
    std::uint32_t n = 0;
    return u32(n) && n >= min && n <= max && bytes(n, out);
  }
  bool fixed_frame(ByteView& out, std::size_t n) noexcept { return frame(out, n, n); }
  bool done() const noexcept { return pos_ == in_.size(); }
  std::size_t pos() const noexcept { return pos_; }

 private:
  ByteView in_;
  std::size_t pos_ = 0;
};

template <std::size_t N>
std::array<std::uint8_t, N> copy_array(ByteView b) noexcept {
  std::array<std::uint8_t, N> a{};
  std::copy_n(b.begin(), std::min(N, b.size()), a.begin());
  return a;
}

}  // namespace coffre::detail
