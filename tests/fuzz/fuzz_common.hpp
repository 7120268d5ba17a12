#pragma once

#include <coffre/coffre.hpp>

#include <array>

namespace fuzz {

inline const coffre::ContentKey& key() {
  static const coffre::ContentKey k = [] {
    std::array<std::uint8_t, 32> b{};
    b.fill(0x42);
    return coffre::ContentKey::from_bytes(b).take();
  }();
  return k;
}

inline const coffre::Context& context() {
  static const coffre::Context c{"fuzz", 1, 0};
  return c;
}

}  // namespace fuzz
