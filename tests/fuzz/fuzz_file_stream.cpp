// Stream parser: arbitrary input, split at a position chosen by the input, fed to a decryptor. With a valid header
// prefix (a real file sealed under the fuzz key) the chunk logic is reached too.
#include "fuzz_common.hpp"

#include <vector>

namespace {
std::vector<std::uint8_t> valid_header() {
  coffre::DeterministicRng rng(std::array<std::uint8_t, 32>{});
  auto enc = coffre::FileEncryptor::create(fuzz::key(), fuzz::context(), coffre::FileOptions{64, 1}, rng).take();
  std::vector<std::uint8_t> out(enc.max_finish_output());
  std::size_t n = 0;
  (void)enc.finish(out, n);
  out.resize(coffre::kFileHeaderSizeKey);
  return out;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  static const std::vector<std::uint8_t> header = valid_header();
  std::vector<std::uint8_t> input;
  if (data[0] & 1) input = header;  // half the runs start from an authentic header
  input.insert(input.end(), data + 1, data + size);
  std::size_t split = size > 1 ? data[1] % (input.size() + 1) : 0;

  auto dec = coffre::FileDecryptor::create(fuzz::key(), fuzz::context(), 1).take();
  std::span<const std::uint8_t> all(input);
  std::vector<std::uint8_t> out(dec.max_update_output(split));
  std::size_t n = 0;
  if (dec.update(all.first(split), out, n) != coffre::Error::ok) return 0;
  out.resize(dec.max_update_output(all.size() - split));
  if (dec.update(all.subspan(split), out, n) == coffre::Error::ok) {
    out.assign(dec.max_finish_output(), 0);
    (void)dec.finish(out, n);
  }
  return 0;
}
