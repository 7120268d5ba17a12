// Replays the vectors of docs/SPEC.md sections 16 to 18 through the C ABI only (coffre.h): vectors/drive.json (node
// records, name hashes, Drive file keys and contexts; the drive-file ciphertexts are replayed by vectors.cpp),
// and vectors/sharing.json and vectors/directory.json when present. Formats: vectors/README.md.
#include <coffre.h>
#include <nlohmann/json.hpp>

#include <sodium.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <string>
#include <vector>

using json = nlohmann::json;
using Bytes = std::vector<std::uint8_t>;

namespace {

Bytes unhex(const std::string& h) {
  Bytes out(h.size() / 2);
  std::size_t n = 0;
  sodium_hex2bin(out.data(), out.size(), h.data(), h.size(), nullptr, &n, nullptr);
  out.resize(n);
  return out;
}

Bytes field(const json& v, const char* name) { return unhex(v.at(name).get<std::string>()); }

std::string hex(const std::uint8_t* p, std::size_t len) {
  std::string out(len * 2 + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), p, len);
  out.pop_back();
  return out;
}

std::string outcome(int s) { return s == COFFRE_OK ? "success" : coffre_error_code(s); }

// What one vector found wrong (empty: it passed).
struct Problems {
  std::vector<std::string> list;
  void eq(const char* what, const std::string& got, const std::string& want) {
    if (got != want) list.push_back(std::string(what) + ": got " + got + ", want " + want);
  }
};

std::string owned_text(int (*get)(const coffre_node*, std::uint8_t**, std::size_t*), const coffre_node* n) {
  std::uint8_t* p = nullptr;
  std::size_t len = 0;
  if (get(n, &p, &len) != COFFRE_OK) return "<error>";
  std::string out = hex(p, len);
  coffre_buffer_free(p, len);
  return out;
}

void drive_node(const json& v, Problems& p) {
  const Bytes parent = field(v, "parent_id"), key = field(v, "parent_key"), record = field(v, "record");
  coffre_node_key* parent_key = nullptr;
  coffre_node* node = nullptr;
  int s = coffre_node_key_from_bytes(key.data(), key.size(), &parent_key);
  if (s == COFFRE_OK) {
    s = coffre_node_record_open(parent.data(), parent.size(), parent_key, record.data(), record.size(), &node);
  }
  p.eq("outcome", outcome(s), v.at("expect").get<std::string>());
  if (s == COFFRE_OK && v.at("expect") == "success") {
    std::uint8_t id[16], h[32], k[32];
    coffre_node_id(node, id, sizeof id);
    p.eq("node_id", hex(id, sizeof id), v.at("node_id").get<std::string>());
    p.eq("kind", coffre_node_kind(node) == COFFRE_NODE_FOLDER ? "folder" : "file", v.at("kind").get<std::string>());
    coffre_node_name_hash(node, h, sizeof h);
    p.eq("name_hash", hex(h, sizeof h), v.at("name_hash").get<std::string>());
    p.eq("node_name", owned_text(coffre_node_name, node), v.at("node_name").get<std::string>());
    const std::string media = v.at("media_type").get<std::string>();
    p.eq("media_type", owned_text(coffre_node_media_type, node), hex(reinterpret_cast<const std::uint8_t*>(media.data()), media.size()));
    p.eq("size", std::to_string(coffre_node_size(node)), std::to_string(v.at("size").get<std::uint64_t>()));
    p.eq("revision", std::to_string(coffre_node_revision(node)), std::to_string(v.at("revision").get<std::uint64_t>()));
    p.eq("created", std::to_string(coffre_node_created(node)), std::to_string(v.at("created").get<std::uint64_t>()));
    p.eq("modified", std::to_string(coffre_node_modified(node)), std::to_string(v.at("modified").get<std::uint64_t>()));
    // The node key, through the only export path: as a content key.
    coffre_node_key* nk = nullptr;
    coffre_key* ck = nullptr;
    if (coffre_node_key_of(node, &nk) == COFFRE_OK && coffre_node_key_to_content_key(nk, &ck) == COFFRE_OK &&
        coffre_key_export(ck, k, sizeof k) == COFFRE_OK) {
      p.eq("node_key", hex(k, sizeof k), v.at("node_key").get<std::string>());
    } else {
      p.list.push_back("node key not exported");
    }
    sodium_memzero(k, sizeof k);
    coffre_key_free(ck);
    coffre_node_key_free(nk);
    // The same record alone as a listing of one.
    Bytes framed{std::uint8_t(record.size() >> 24), std::uint8_t(record.size() >> 16),
                 std::uint8_t(record.size() >> 8), std::uint8_t(record.size())};
    framed.insert(framed.end(), record.begin(), record.end());
    coffre_folder_listing* listing = nullptr;
    p.eq("listing", outcome(coffre_folder_list(parent.data(), parent.size(), parent_key, framed.data(), framed.size(), 1,
                                               &listing)),
         "success");
    p.eq("listing count", std::to_string(coffre_folder_listing_count(listing)), "1");
    coffre_folder_listing_free(listing);
  }
  if (s != COFFRE_OK && node != nullptr) p.list.push_back("a handle on failure");
  coffre_node_free(node);
  coffre_node_key_free(parent_key);
}

void drive_name_hash(const json& v, Problems& p) {
  const Bytes key = field(v, "parent_key"), name = field(v, "node_name");
  coffre_node_key* parent_key = nullptr;
  std::uint8_t h[32];
  int s = coffre_node_key_from_bytes(key.data(), key.size(), &parent_key);
  if (s == COFFRE_OK) {
    s = coffre_drive_name_hash(parent_key, reinterpret_cast<const char*>(name.data()), name.size(), h, sizeof h);
  }
  p.eq("outcome", outcome(s), v.at("expect").get<std::string>());
  if (s == COFFRE_OK && v.contains("name_hash")) p.eq("name_hash", hex(h, sizeof h), v.at("name_hash").get<std::string>());
  coffre_node_key_free(parent_key);
}

// The key and context derivation only (the ciphertext replays as a file vector in vectors.cpp).
void drive_file(const json& v, Problems& p) {
  const Bytes node_key = field(v, "node_key"), node_id = field(v, "node_id");
  coffre_node_key* nk = nullptr;
  coffre_key* ck = nullptr;
  std::uint8_t k[32];
  if (coffre_node_key_from_bytes(node_key.data(), node_key.size(), &nk) != COFFRE_OK ||
      coffre_drive_file_key(nk, &ck) != COFFRE_OK || coffre_key_export(ck, k, sizeof k) != COFFRE_OK) {
    p.list.push_back("file key not derived");
  } else {
    p.eq("key", hex(k, sizeof k), v.at("key").get<std::string>());
  }
  char object_id[COFFRE_DRIVE_OBJECT_ID_BYTES];
  std::uint32_t key_version = 0;
  const json& c = v.at("context");
  if (coffre_drive_file_context(node_id.data(), node_id.size(), object_id, sizeof object_id, &key_version) != COFFRE_OK) {
    p.list.push_back("no context");
  } else {
    p.eq("object_id", std::string(object_id, sizeof object_id), c.at("object_id").get<std::string>());
    p.eq("key_version", std::to_string(key_version), std::to_string(c.at("key_version").get<std::uint32_t>()));
    p.eq("revision", std::to_string(v.at("node_revision").get<std::uint64_t>()),
         std::to_string(c.at("revision").get<std::uint64_t>()));
  }
  coffre_key_free(ck);
  coffre_node_key_free(nk);
}

const std::map<std::string, std::function<void(const json&, Problems&)>>& handlers() {
  static const std::map<std::string, std::function<void(const json&, Problems&)>> h{
      {"drive-node", drive_node}, {"drive-name-hash", drive_name_hash}, {"drive-file", drive_file}};
  return h;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2 || coffre_init() != COFFRE_OK) {
    std::cerr << "usage: coffre_c_abi_sharing_vectors vectors/\n";
    return 2;
  }
  int pass = 0, fail = 0;
  std::map<std::string, int> per_file;
  for (const char* name : {"drive.json", "sharing.json", "directory.json"}) {
    const std::filesystem::path path = std::filesystem::path(argv[1]) / name;
    if (!std::filesystem::exists(path)) continue;
    const json doc = json::parse(std::ifstream(path));
    for (const json& v : doc.at("vectors")) {
      const std::string envelope = v.at("envelope").get<std::string>();
      Problems p;
      auto h = handlers().find(envelope);
      if (h == handlers().end()) {
        // sharing.json / directory.json (sections 16-17): not replayed through the C ABI yet.
        if (std::string(name) != "drive.json") continue;
        p.list.push_back("no replayer for envelope " + envelope);
      } else {
        h->second(v, p);
      }
      (p.list.empty() ? pass : fail)++;
      per_file[name]++;
      for (const std::string& s : p.list) std::cerr << "FAIL " << v.at("name").get<std::string>() << ": " << s << "\n";
    }
  }
  for (const auto& [file, n] : per_file) std::cout << file << ": " << n << " vectors\n";
  std::cout << "c_abi sharing vectors: " << pass << " passed, " << fail << " failed\n";
  return fail == 0 && per_file.count("drive.json") == 1 ? 0 : 1;
}
