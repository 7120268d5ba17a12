// The 9 bytes every envelope starts with: magic, type, version, suite (docs/SPEC.md sections 4 and 5).
#pragma once

#include "base/bytes.hpp"

#include <coffre/error.hpp>

namespace coffre::detail {

inline constexpr std::uint8_t kMagic[6] = {'C', 'O', 'F', 'F', 'R', 'E'};
inline constexpr std::uint8_t kTypeDocument = 'D';
inline constexpr std::uint8_t kTypeFile = 'F';
inline constexpr std::uint8_t kVersion1 = 0x01;
inline constexpr std::uint8_t kSuite1 = 0x01;
inline constexpr std::size_t kPrefixSize = 9;

void write_prefix(std::uint8_t* out, std::uint8_t type) noexcept;

// Checks what of the prefix is present, in spec order; `truncated` only if all present bytes were valid.
Error check_prefix(ByteView bytes, std::uint8_t type) noexcept;

}  // namespace coffre::detail
