// BIP-39 (English wordlist, 256-bit entropy) for the recovery phrase, docs/SPEC.md section 13.
#pragma once

#include <cstddef>

namespace coffre::detail {

inline constexpr std::size_t kBip39WordCount = 2048;
inline constexpr std::size_t kBip39MaxWordLength = 8;

// The BIP-39 English wordlist in its order (sorted), each word NUL-padded to 9 bytes. Defined by a source that
// lib/bip39.cmake generates at configure time from the pinned english.txt; nothing third-party is committed.
extern const char (&kBip39English)[kBip39WordCount][kBip39MaxWordLength + 1];

}  // namespace coffre::detail
