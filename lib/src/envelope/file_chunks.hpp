// Sealing and opening chunks (docs/SPEC.md 5.2), and diagnosing a chunk that fails (5.4).
#pragma once

#include "envelope/file_header.hpp"

namespace coffre::detail {

inline constexpr std::size_t kTagSize = 16;

class ChunkCipher {
 public:
  explicit ChunkCipher(ChunkKeys keys) : keys_(std::move(keys)) {}

  // out.size() == plain.size() + 16. Thread-safe.
  void seal(std::uint64_t index, bool last, ByteView plain, std::uint8_t* out) const noexcept;
  // Writes chunk.size() - 16 bytes to out only if the tag verifies. Thread-safe.
  bool open(std::uint64_t index, bool last, ByteView chunk, std::uint8_t* out) const noexcept;

  // Whether a strict prefix of `piece` authenticates as the final chunk at `index` (then what follows it is trailing
  // data). Checks every prefix length in one pass over the piece: O(piece size), no decryption.
  bool has_final_prefix(std::uint64_t index, ByteView piece) const noexcept;

  // The error for a piece at `index` that failed as `last`: out-of-order or duplicated (another index within 64
  // authenticates), else chunk_invalid. `scratch` holds chunk.size() bytes; it is wiped.
  Error diagnose_position(std::uint64_t index, bool last, ByteView chunk, std::uint8_t* scratch) const noexcept;

  // The error for the input's last piece (16 bytes or more) at `index` that failed as the final chunk (docs/SPEC.md
  // 5.4): truncated (a full-size chunk that is not the final one), trailing_data, then diagnose_position. `scratch`
  // holds chunk_size bytes; it is wiped.
  Error diagnose_final(std::uint64_t index, ByteView piece, std::size_t chunk_size,
                       std::uint8_t* scratch) const noexcept;

 private:
  ChunkKeys keys_;
};

}  // namespace coffre::detail
