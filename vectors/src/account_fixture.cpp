#include "account_fixture.hpp"

#include <sodium.h>

namespace coffre::vectors {

std::array<std::uint8_t, 32> named_seed(std::string_view label) {
  const std::string message = "coffre/vectors/seed/" + std::string(label);
  std::array<std::uint8_t, 32> out{};
  crypto_generichash(out.data(), out.size(), reinterpret_cast<const std::uint8_t*>(message.data()), message.size(),
                     nullptr, 0);
  return out;
}

FixtureDevice fixture_device(const std::string& name) {
  auto id = named_seed("device/" + name + "/id");
  auto sign = named_seed("device/" + name + "/sign");
  auto kem = named_seed("device/" + name + "/kem");
  auto device_id = DeviceId::from_bytes(std::span(id).first(DeviceId::kSize)).take();
  return FixtureDevice{name, Bytes(id.begin(), id.begin() + DeviceId::kSize), Bytes(sign.begin(), sign.end()),
                       Bytes(kem.begin(), kem.end()), DeviceKeys::from_seeds(device_id, sign, kem).take()};
}

}  // namespace coffre::vectors
