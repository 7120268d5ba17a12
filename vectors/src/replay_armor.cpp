#include "replay_armor.hpp"

#include "hex.hpp"

#include <coffre/armor.hpp>

namespace coffre::vectors {

namespace {

using json = nlohmann::json;
using Bytes = std::vector<std::uint8_t>;

// The whole input in one update, then finish (only if update succeeded).
Error decode(const Bytes& in, ArmorDecoder& d, Bytes& out) {
  out.resize(ArmorDecoder::max_update_output(in.size()));
  std::size_t n = 0;
  Error e = d.update(in, out, n);
  out.resize(n);
  return e == Error::ok ? d.finish() : e;
}

Bytes encode(const Bytes& data) {
  ArmorEncoder enc;
  Bytes out(ArmorEncoder::max_update_output(data.size()) + ArmorEncoder::kMaxFinishOutput);
  std::size_t n = 0, m = 0;
  if (enc.update(data, out, n) != Error::ok) return {};
  if (enc.finish(std::span(out).subspan(n), m) != Error::ok) return {};
  out.resize(n + m);
  return out;
}

VectorOutcome replay_one(const json& v) {
  VectorOutcome out{v.value("name", std::string("(unnamed)")), false, {}};
  try {
    const Bytes armored = hex_field(v, "armored");
    ArmorDecoder d;
    Bytes data;
    const Error e = decode(armored, d, data);
    const std::string got = e == Error::ok ? "success" : std::string(error_code(e));
    const std::string expect = v.at("expect").get<std::string>();
    if (got != expect) {
      out.detail = "expected " + expect + ", got " + got;
      if (e == Error::armor_invalid) out.detail += " (" + std::string(armor_problem_code(d.problem())) + ")";
    } else if (e == Error::ok && data != hex_field(v, "data")) {
      out.detail = "decoded bytes differ";
    } else if (e == Error::ok && v.at("canonical").get<bool>() && encode(data) != armored) {
      out.detail = "the encoder writes other bytes for this data";
    } else if (e != Error::ok && armor_problem_code(d.problem()) != v.at("problem").get<std::string>()) {
      out.detail = "expected problem " + v.at("problem").get<std::string>() + ", got " +
                   std::string(armor_problem_code(d.problem()));
    } else if (e != Error::ok && d.line() != v.at("line").get<std::uint64_t>()) {
      out.detail = "expected line " + std::to_string(v.at("line").get<std::uint64_t>()) + ", got " +
                   std::to_string(d.line());
    } else {
      out.pass = true;
    }
  } catch (const std::exception& e) {
    out.detail = std::string("malformed vector: ") + e.what();
  }
  return out;
}

}  // namespace

std::optional<std::vector<VectorOutcome>> replay_armor_vectors(const json& doc) {
  if (doc.value("format", std::string()) != "coffre-armor-vectors") return std::nullopt;
  std::vector<VectorOutcome> out;
  for (const json& v : doc.at("vectors")) out.push_back(replay_one(v));
  return out;
}

}  // namespace coffre::vectors
