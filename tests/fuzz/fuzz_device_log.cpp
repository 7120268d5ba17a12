// Device-list parser (docs/SPEC.md section 10): arbitrary entry bytes, and a log of up to 4 of them, verified.
#include "fuzz_common.hpp"

#include <coffre/device_log.hpp>

#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto entry = coffre::LogEntry::parse({data, size});
  if (entry.ok() && entry.value().encode() != std::vector<std::uint8_t>(data, data + size)) __builtin_trap();
  // The same bytes split into up to 4 entries at positions chosen by the input.
  std::vector<std::vector<std::uint8_t>> entries;
  std::size_t pos = 0;
  for (int i = 0; i < 4 && pos < size; ++i) {
    std::size_t n = 1 + data[pos] * 16u;
    n = std::min(n, size - pos);
    entries.emplace_back(data + pos, data + pos + n);
    pos += n;
  }
  auto log = coffre::verify_log(entries, std::nullopt, std::nullopt, 1);
  if (log.ok()) __builtin_trap();  // a log needs identity signatures the fuzzer cannot make
  return 0;
}
