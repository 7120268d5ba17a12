// Header parser: inspect, then authenticate, arbitrary header bytes; and the range reader's size and final-chunk
// checks.
#include "fuzz_common.hpp"

#include <algorithm>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::span<const std::uint8_t> in(data, size);
  auto info = coffre::inspect_file_header(in);
  if (info.ok()) {
    auto header = in.first(info.value().header_size);
    // The fuzz input after the header stands for the final chunk, when its length fits the claimed size.
    auto where = coffre::FileRangeReader::final_chunk_range(header, size + 1000);
    if (!where.ok()) return 0;
    auto tail = in.subspan(info.value().header_size);
    auto final_chunk = tail.first(std::min<std::size_t>(tail.size(), where.value().size()));
    auto r = coffre::FileRangeReader::open(header, size + 1000, final_chunk, fuzz::key(), fuzz::context());
    if (r.ok()) __builtin_trap();  // forging a header MAC without the key is not expected
  }
  return 0;
}
