#include "replay_kek_wrap.hpp"

#include "hex.hpp"

#include <coffre/coffre.hpp>

#include <string>

namespace coffre::vectors {

namespace {

using json = nlohmann::json;

std::string_view view(const std::vector<std::uint8_t>& b) { return {reinterpret_cast<const char*>(b.data()), b.size()}; }

// Unwraps; on success also checks the data key and that wrapping it again with the vector's RNG seed gives the same
// bytes. Returns what differed, or "" if the vector passes.
std::string check(const json& v) {
  const auto kek = KeyEncryptionKey::from_bytes(hex_field(v, "kek"));
  if (!kek) return "the vector's KEK is not 32 bytes";
  const auto label = hex_field(v, "label"), key_id = hex_field(v, "key_id"), wrapped = hex_field(v, "wrapped");
  const DataKeyContext context{view(label), view(key_id)};
  const auto key = unwrap_data_key(kek.value(), wrapped, context);
  const std::string got = key ? "success" : std::string(error_code(key.error()));
  const std::string expect = v.at("expect").get<std::string>();
  if (got != expect) return "expected " + expect + ", got " + got;
  if (!key) return "";
  if (to_hex(key.value().secret().reveal()) != v.at("data_key").get<std::string>()) return "data key differs";
  const auto seed = hex_field(v, "rng_seed");
  if (seed.size() != 32) return "rng_seed is not 32 bytes";
  DeterministicRng rng(std::span<const std::uint8_t, 32>(seed.data(), 32));
  const auto again = wrap_data_key(kek.value(), key.value(), context, rng);
  if (!again || to_hex(again.value()) != v.at("wrapped").get<std::string>()) return "wrapping again differs";
  return "";
}

}  // namespace

std::optional<std::vector<VectorOutcome>> replay_kek_wrap_vectors(const json& doc) {
  if (doc.value("format", std::string()) != "coffre-kek-wrap-vectors") return std::nullopt;
  std::vector<VectorOutcome> out;
  for (const json& v : doc.at("vectors")) {
    VectorOutcome o{v.value("name", std::string("(unnamed)")), false, {}};
    try {
      o.detail = check(v);
      o.pass = o.detail.empty();
    } catch (const std::exception& e) {
      o.detail = std::string("malformed vector: ") + e.what();
    }
    out.push_back(std::move(o));
  }
  return out;
}

}  // namespace coffre::vectors
