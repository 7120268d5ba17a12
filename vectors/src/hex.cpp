#include "hex.hpp"

#include <sodium.h>

#include <charconv>
#include <stdexcept>

namespace coffre::vectors {

std::string to_hex(std::span<const std::uint8_t> bytes) {
  std::string out(bytes.size() * 2 + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), bytes.data(), bytes.size());
  out.pop_back();
  return out;
}

std::optional<std::vector<std::uint8_t>> from_hex(std::string_view hex) {
  if (hex.size() % 2 != 0) return std::nullopt;
  if (hex.empty()) return std::vector<std::uint8_t>{};  // sodium_hex2bin must not get a null buffer
  std::vector<std::uint8_t> out(hex.size() / 2);
  std::size_t n = 0;
  if (sodium_hex2bin(out.data(), out.size(), hex.data(), hex.size(), nullptr, &n, nullptr) != 0 || n != out.size()) {
    return std::nullopt;
  }
  return out;
}

std::string sha256_hex(std::span<const std::uint8_t> bytes) {
  std::uint8_t h[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(h, bytes.data(), bytes.size());
  return to_hex(h);
}

std::vector<std::uint8_t> hex_field(const nlohmann::json& v, const char* field) {
  auto b = from_hex(v.at(field).get<std::string>());
  if (!b) throw std::runtime_error(std::string("field ") + field + " is not hex");
  return *b;
}

std::string u64_text(std::uint64_t value) { return std::to_string(value); }

std::uint64_t u64_from_text(const nlohmann::json& f, const char* field) {
  if (!f.is_string()) throw std::runtime_error(std::string("field ") + field + " is not a decimal string");
  const std::string& text = f.get_ref<const std::string&>();
  std::uint64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || (text.size() > 1 && text[0] == '0') || ec != std::errc{} ||
      end != text.data() + text.size()) {
    throw std::runtime_error(std::string("field ") + field + " is not a decimal u64: " + text);
  }
  return value;
}

}  // namespace coffre::vectors
