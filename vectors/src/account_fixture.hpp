// The fixed account behind vectors/enrollment.json and vectors/account-state.json: every key, id and random byte
// comes from a named seed, so the generator is deterministic and a replayer can rebuild the same devices.
#pragma once

#include <coffre/coffre.hpp>

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace coffre::vectors {

using Bytes = std::vector<std::uint8_t>;

// 32 bytes named by `label`: BLAKE2b-256 of "coffre/vectors/seed/" || label. Public test data, never a real key.
std::array<std::uint8_t, 32> named_seed(std::string_view label);

// A device of the fixture: its id and seeds (published by the vectors) and its keys.
struct FixtureDevice {
  std::string name;
  Bytes id, sign_seed, kem_seed;
  DeviceKeys keys;
};
FixtureDevice fixture_device(const std::string& name);

}  // namespace coffre::vectors
