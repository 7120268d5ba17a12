// The encrypt/decrypt loop: a reader thread fills large input blocks, the main thread runs the library on them (which
// spreads a block's chunks over all cores), a writer thread writes the results. Two buffers each way, so reading,
// crypto and writing overlap and memory stays bounded (about 4 blocks).
#pragma once

#include "io.hpp"
#include "progress.hpp"
#include "status.hpp"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>

namespace coffre::cli {

inline constexpr std::size_t kTargetBlock = 4u << 20;  // 64 chunks of the default size

// One block: consume `in` (`eof`: it is the end of input), write up to out.size() bytes to `out`, set `written`.
// A failing step may still set `written`: those bytes are written before the loop stops (authentic plaintext that was
// released before a decryption error, for standard output).
using BlockStep = std::function<Status(std::span<const std::uint8_t> in, bool eof, std::span<std::uint8_t> out,
                                       std::size_t& written)>;

struct StreamPlan {
  std::size_t block = kTargetBlock;  // bytes read per step
  std::size_t out_capacity = 0;      // bytes a step may write
};

// Runs `step` over the rest of `in` until end of input. Takes the input's descriptor (the reader thread closes it).
// Writes to `out` (does not commit it).
Status run_stream(Input& in, Output& out, const StreamPlan& plan, Progress& progress, const BlockStep& step);

}  // namespace coffre::cli
