#include "replay_key_file.hpp"

#include "hex.hpp"

#include <coffre/coffre.hpp>

namespace coffre::vectors {

namespace {

using json = nlohmann::json;

VectorOutcome replay_one(const json& v) {
  VectorOutcome out{v.value("name", std::string("(unnamed)")), false, {}};
  try {
    auto key = parse_key_file(hex_field(v, "file"));
    const std::string got = key ? "success" : std::string(error_code(key.error()));
    const std::string expect = v.at("expect").get<std::string>();
    if (got != expect) {
      out.detail = "expected " + expect + ", got " + got;
    } else if (key && to_hex(key.value().secret().reveal()) != v.at("key").get<std::string>()) {
      out.detail = "key differs";
    } else {
      out.pass = true;
    }
  } catch (const std::exception& e) {
    out.detail = std::string("malformed vector: ") + e.what();
  }
  return out;
}

}  // namespace

std::optional<std::vector<VectorOutcome>> replay_key_file_vectors(const json& doc) {
  if (doc.value("format", std::string()) != "coffre-keyfile-vectors") return std::nullopt;
  std::vector<VectorOutcome> out;
  for (const json& v : doc.at("vectors")) out.push_back(replay_one(v));
  return out;
}

}  // namespace coffre::vectors
