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

// 64-bit values (revisions, sizes, seqs, times) are decimal strings in the vector files, so that a JSON parser whose
// numbers are doubles (JavaScript) reads them exactly (vectors/README.md). u64_text writes one; u64_field reads one
// strictly: digits only, no leading zero, at most 2^64 - 1, else std::runtime_error (a malformed vector).
std::string u64_text(std::uint64_t value);
std::uint64_t u64_from_text(const nlohmann::json& text, const char* field);
template <class Json>  // nlohmann::json or ordered_json
std::uint64_t u64_field(const Json& v, const char* field) {
  return u64_from_text(nlohmann::json(v.at(field)), field);
}

}  // namespace coffre::vectors
