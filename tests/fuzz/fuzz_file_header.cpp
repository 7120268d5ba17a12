// Header parser: inspect, then authenticate, arbitrary header bytes; and the range reader's size checks.
#include "fuzz_common.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::span<const std::uint8_t> in(data, size);
  auto info = coffre::inspect_file_header(in);
  if (info.ok()) {
    auto header = in.first(info.value().header_size);
    auto r = coffre::FileRangeReader::open(header, size + 1000, fuzz::key(), fuzz::context());
    if (r.ok()) __builtin_trap();  // forging a header MAC without the key is not expected
  }
  return 0;
}
