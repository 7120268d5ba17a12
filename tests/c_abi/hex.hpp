// Hex and JSON-field helpers shared by the C ABI vector replayers (test code; vectors hold no live secrets).
#pragma once

#include <nlohmann/json.hpp>
#include <sodium.h>

#include <charconv>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace replay {

using Bytes = std::vector<std::uint8_t>;

// Strict: odd length or a non-hex character is a malformed vector file, never a silently shorter value. An empty
// string skips libsodium, whose buffer arguments must not be null.
inline Bytes from_hex(const std::string& h) {
  Bytes out(h.size() / 2);
  if (h.empty()) return out;
  std::size_t n = 0;
  if (h.size() % 2 != 0 ||
      sodium_hex2bin(out.data(), out.size(), h.data(), h.size(), nullptr, &n, nullptr) != 0 || n != out.size()) {
    throw std::invalid_argument("vector field is not hex: " + h.substr(0, 16));
  }
  return out;
}

inline std::string to_hex(const std::uint8_t* p, std::size_t len) {
  std::string out(len * 2 + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), p, len);
  out.pop_back();
  return out;
}

inline Bytes hex_field(const nlohmann::json& v, const char* name) { return from_hex(v.at(name).get<std::string>()); }

// 64-bit values (revisions, sizes, seqs, times) are decimal strings in the vector files (vectors/README.md): digits
// only, no leading zero, at most 2^64 - 1. Anything else is a malformed vector file.
inline std::uint64_t u64_field(const nlohmann::json& v, const char* name) {
  const std::string text = v.at(name).get<std::string>();
  std::uint64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || (text.size() > 1 && text[0] == '0') || ec != std::errc{} || end != text.data() + text.size()) {
    throw std::invalid_argument(std::string("vector field ") + name + " is not a decimal u64: " + text);
  }
  return value;
}

}  // namespace replay
