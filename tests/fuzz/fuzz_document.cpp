// Document envelope parser.
#include "fuzz_common.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto r = coffre::open_document(fuzz::key(), fuzz::context(), {data, size});
  if (r.ok()) __builtin_trap();  // a forgery under a key the fuzzer does not know
  return 0;
}
