// Test code only (kept_secrets.h): reaches into the ABI's handle (bindings/c/abi.hpp), as an attacker reading the
// device's memory would.
#include "kept_secrets.h"

#include "abi.hpp"

#include <cstring>

void kept_identity_seed(const coffre_account_secrets* secrets, uint8_t out[32]) {
  const auto seed = secrets->secrets.identity().seed().reveal();
  std::memcpy(out, seed.data(), seed.size());
}
