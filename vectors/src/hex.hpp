#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace coffre::vectors {

std::string to_hex(std::span<const std::uint8_t> bytes);
std::optional<std::vector<std::uint8_t>> from_hex(std::string_view hex);
std::string sha256_hex(std::span<const std::uint8_t> bytes);

// The bytes of the hex string `field` of a vector. Throws std::runtime_error (a malformed vector) if the field is
// missing or not hex.
std::vector<std::uint8_t> hex_field(const nlohmann::json& v, const char* field);

}  // namespace coffre::vectors
