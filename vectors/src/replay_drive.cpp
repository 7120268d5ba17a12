#include "replay_drive.hpp"

#include "hex.hpp"

#include <coffre/coffre.hpp>

#include <stdexcept>

namespace coffre::vectors {

namespace {

using json = nlohmann::json;
using Bytes = std::vector<std::uint8_t>;

template <class T>
T parse(const json& v, const char* field) {
  auto r = T::from_bytes(hex_field(v, field));
  if (!r) throw std::runtime_error(std::string("field ") + field + " has the wrong size");
  return std::move(r).take();
}

std::string outcome_code(Error e) { return e == Error::ok ? "success" : std::string(error_code(e)); }

std::string text_of(const json& v, const char* field) {
  Bytes b = hex_field(v, field);
  return std::string(b.begin(), b.end());
}

// What differs between an opened node and the vector's fields, or "".
std::string node_mismatch(const json& v, const OpenedNode& n) {
  const char* kind = n.kind == NodeKind::folder ? "folder" : "file";
  if (to_hex(n.id.bytes) != v.at("node_id").get<std::string>()) return "node_id differs";
  if (kind != v.at("kind").get<std::string>()) return "kind differs";
  if (to_hex(n.key.reveal()) != v.at("node_key").get<std::string>()) return "node_key differs";
  if (to_hex(n.name_hash.bytes) != v.at("name_hash").get<std::string>()) return "name_hash differs";
  NodeMeta expected{text_of(v, "node_name"),
                    u64_field(v, "size"),
                    u64_field(v, "revision"),
                    v.at("media_type").get<std::string>(),
                    u64_field(v, "created"),
                    u64_field(v, "modified")};
  return n.meta == expected ? "" : "metadata differs";
}

VectorOutcome with_result(const json& v, const std::string& got, const std::string& mismatch) {
  VectorOutcome out{v.value("name", std::string("(unnamed)")), false, {}};
  std::string expect = v.at("expect").get<std::string>();
  if (got != expect) {
    out.detail = "expected " + expect + ", got " + got;
  } else {
    out.detail = mismatch;
    out.pass = mismatch.empty();
  }
  return out;
}

VectorOutcome replay_node(const json& v) {
  auto node = open_node_record(parse<NodeId>(v, "parent_id"), parse<NodeKey>(v, "parent_key"), hex_field(v, "record"));
  return with_result(v, outcome_code(node.error()), node ? node_mismatch(v, node.value()) : "");
}

VectorOutcome replay_name_hash(const json& v) {
  auto h = name_hash(parse<NodeKey>(v, "parent_key"), text_of(v, "node_name"));
  bool same = !h || to_hex(h.value().bytes) == v.at("name_hash").get<std::string>();
  return with_result(v, outcome_code(h.error()), same ? "" : "name_hash differs");
}

std::optional<VectorOutcome> check_file_derivation(const json& v) {
  auto key = drive_file_key(parse<NodeKey>(v, "node_key"));
  Context c = drive_file_context(parse<NodeId>(v, "node_id"), u64_field(v, "node_revision"));
  const json& vc = v.at("context");
  bool same_context = c.object_id == vc.at("object_id").get<std::string>() &&
                      c.revision == u64_field(vc, "revision") &&
                      c.key_version == vc.at("key_version").get<std::uint32_t>();
  if (key && to_hex(key.value().secret().reveal()) == v.at("key").get<std::string>() && same_context) {
    return std::nullopt;
  }
  return VectorOutcome{v.value("name", std::string("(unnamed)")), false, "derived file key or context differs"};
}

}  // namespace

std::optional<VectorOutcome> replay_drive_vector(const json& v) {
  std::string kind = v.at("envelope").get<std::string>();
  if (kind == "drive-node") return replay_node(v);
  if (kind == "drive-name-hash") return replay_name_hash(v);
  if (kind == "drive-file") return check_file_derivation(v);
  throw std::runtime_error("unknown envelope kind " + kind);
}

}  // namespace coffre::vectors
