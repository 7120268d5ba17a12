// Device-list parser (docs/SPEC.md section 10, entry version 0x03): arbitrary entry bytes, and a log of up to 4 of
// them, verified.
#include "fuzz_common.hpp"

#include <coffre/device_log.hpp>

#include <algorithm>
#include <vector>

namespace {

constexpr std::size_t kSignatures = 3 * 64;  // sig_identity, sig_author, tail

// What verifying an unpinned log may give without valid signatures: steps 3 and 4 of SPEC 10.3 (a fuzzer can reach
// device_revoked, a rule of step 3, without signing anything).
bool expected_failure(coffre::Error e) {
  using coffre::Error;
  return e == Error::log_invalid || e == Error::log_broken_chain || e == Error::device_revoked ||
         e == Error::identity_superseded || e == Error::signature_invalid;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::vector<std::uint8_t> bytes(data, data + size);
  auto entry = coffre::LogEntry::parse(bytes);
  if (entry.ok()) {
    const coffre::LogEntry& e = entry.value();
    if (e.encode() != bytes) __builtin_trap();
    // Every signature covers every byte before the signatures.
    if (size < kSignatures || e.signed_part() != std::vector<std::uint8_t>(data, data + size - kSignatures)) {
      __builtin_trap();
    }
    const auto kind = static_cast<int>(e.kind());
    if (kind < 1 || kind > 3) __builtin_trap();
  }
  // The same bytes split into up to 4 entries at positions chosen by the input (up to 8,161 bytes each: a genesis
  // is over 4 KB).
  std::vector<std::vector<std::uint8_t>> entries;
  std::size_t pos = 0;
  for (int i = 0; i < 4 && pos < size; ++i) {
    std::size_t n = 1 + data[pos] * 32u;
    n = std::min(n, size - pos);
    entries.emplace_back(data + pos, data + pos + n);
    pos += n;
  }
  auto log = coffre::verify_log(entries, std::nullopt, std::nullopt, 1);
  // A log needs identity and author signatures the fuzzer cannot make.
  if (log.ok() || !expected_failure(log.error())) __builtin_trap();
  return 0;
}
