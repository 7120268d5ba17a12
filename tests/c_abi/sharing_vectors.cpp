// Replays the vectors of docs/SPEC.md sections 16 to 18 through the C ABI only (coffre.h): vectors/drive.json (node
// records, name hashes, Drive file keys and contexts; the drive-file ciphertexts are replayed by vectors.cpp),
// vectors/sharing.json and vectors/directory.json. Formats: vectors/README.md. A kind without a replayer fails.
#include "hex.hpp"

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

using replay::to_hex;
using replay::hex_field;
using replay::u64_field;

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
  std::string out = to_hex(p, len);
  coffre_buffer_free(p, len);
  return out;
}

void drive_node(const json& v, Problems& p) {
  const Bytes parent = hex_field(v, "parent_id"), key = hex_field(v, "parent_key"), record = hex_field(v, "record");
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
    p.eq("node_id", to_hex(id, sizeof id), v.at("node_id").get<std::string>());
    p.eq("kind", coffre_node_kind(node) == COFFRE_NODE_FOLDER ? "folder" : "file", v.at("kind").get<std::string>());
    coffre_node_name_hash(node, h, sizeof h);
    p.eq("name_hash", to_hex(h, sizeof h), v.at("name_hash").get<std::string>());
    p.eq("node_name", owned_text(coffre_node_name, node), v.at("node_name").get<std::string>());
    const std::string media = v.at("media_type").get<std::string>();
    p.eq("media_type", owned_text(coffre_node_media_type, node), to_hex(reinterpret_cast<const std::uint8_t*>(media.data()), media.size()));
    p.eq("size", std::to_string(coffre_node_size(node)), std::to_string(u64_field(v, "size")));
    p.eq("revision", std::to_string(coffre_node_revision(node)), std::to_string(u64_field(v, "revision")));
    p.eq("created", std::to_string(coffre_node_created(node)), std::to_string(u64_field(v, "created")));
    p.eq("modified", std::to_string(coffre_node_modified(node)), std::to_string(u64_field(v, "modified")));
    // The node key, through the only export path: as a content key.
    coffre_node_key* nk = nullptr;
    coffre_key* ck = nullptr;
    if (coffre_node_key_of(node, &nk) == COFFRE_OK && coffre_node_key_to_content_key(nk, &ck) == COFFRE_OK &&
        coffre_key_export(ck, k, sizeof k) == COFFRE_OK) {
      p.eq("node_key", to_hex(k, sizeof k), v.at("node_key").get<std::string>());
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
  const Bytes key = hex_field(v, "parent_key"), name = hex_field(v, "node_name");
  coffre_node_key* parent_key = nullptr;
  std::uint8_t h[32];
  int s = coffre_node_key_from_bytes(key.data(), key.size(), &parent_key);
  if (s == COFFRE_OK) {
    s = coffre_drive_name_hash(parent_key, reinterpret_cast<const char*>(name.data()), name.size(), h, sizeof h);
  }
  p.eq("outcome", outcome(s), v.at("expect").get<std::string>());
  if (s == COFFRE_OK && v.contains("name_hash")) p.eq("name_hash", to_hex(h, sizeof h), v.at("name_hash").get<std::string>());
  coffre_node_key_free(parent_key);
}

// The key and context derivation only (the ciphertext replays as a file vector in vectors.cpp).
void drive_file(const json& v, Problems& p) {
  const Bytes node_key = hex_field(v, "node_key"), node_id = hex_field(v, "node_id");
  coffre_node_key* nk = nullptr;
  coffre_key* ck = nullptr;
  std::uint8_t k[32];
  if (coffre_node_key_from_bytes(node_key.data(), node_key.size(), &nk) != COFFRE_OK ||
      coffre_drive_file_key(nk, &ck) != COFFRE_OK || coffre_key_export(ck, k, sizeof k) != COFFRE_OK) {
    p.list.push_back("file key not derived");
  } else {
    p.eq("key", to_hex(k, sizeof k), v.at("key").get<std::string>());
  }
  char object_id[COFFRE_DRIVE_OBJECT_ID_BYTES];
  std::uint32_t key_version = 0;
  const json& c = v.at("context");
  if (coffre_drive_file_context(node_id.data(), node_id.size(), object_id, sizeof object_id, &key_version) != COFFRE_OK) {
    p.list.push_back("no context");
  } else {
    p.eq("object_id", std::string(object_id, sizeof object_id), c.at("object_id").get<std::string>());
    p.eq("key_version", std::to_string(key_version), std::to_string(c.at("key_version").get<std::uint32_t>()));
    p.eq("revision", std::to_string(u64_field(v, "node_revision")),
         std::to_string(u64_field(c, "revision")));
  }
  coffre_key_free(ck);
  coffre_node_key_free(nk);
}

// ---------------------------------------------------------------------------------------------------------------
// Sharing and directory (sections 16 and 17)

// A contact from a vector's identity { user_id, identity_pk, generation }: signatures only.
coffre_trusted_contact* contact_of(const json& identity) {
  const Bytes user = hex_field(identity, "user_id"), pk = hex_field(identity, "identity_pk");
  coffre_trusted_contact* c = nullptr;
  coffre_trusted_contact_from_keys(user.data(), user.size(), pk.data(), pk.size(),
                                   identity.at("generation").get<std::uint32_t>(), 0, nullptr, 0, &c);
  return c;
}

// The account secrets of a vector's { user_id, identity_seed, identity_generation, suite_keys: [{version, seed}] }.
coffre_account_secrets* secrets_of(const json& me) {
  const Bytes identity = hex_field(me, "identity_seed");
  Bytes suites;
  for (const json& k : me.at("suite_keys")) {
    const Bytes seed = hex_field(k, "seed");
    suites.insert(suites.end(), seed.begin(), seed.end());
  }
  coffre_account_secrets* s = nullptr;
  coffre_account_secrets_from_seeds(identity.data(), identity.size(), me.at("identity_generation").get<std::uint32_t>(),
                                    suites.data(), suites.size(), &s);
  sodium_memzero(suites.data(), suites.size());
  return s;
}

// Opens the vector's access list for its document with the owner's identity and the pin (none: null or absent).
int open_list(const json& v, const json& pin, coffre_access_list** out) {
  const Bytes bytes = hex_field(v, "access-list");
  const json& doc = v.at("document");
  const Bytes doc_id = hex_field(doc, "id");
  coffre_trusted_contact* owner = contact_of(v.at("owner"));
  const bool has_pin = !pin.is_null();
  const int s = coffre_access_list_open(bytes.data(), bytes.size(), owner, doc_id.data(), doc_id.size(),
                                        doc.at("purpose").get<std::uint32_t>(), has_pin ? 1 : 0,
                                        has_pin ? u64_field(pin, "revision") : 0,
                                        has_pin ? pin.at("key_version").get<std::uint32_t>() : 0, out);
  coffre_trusted_contact_free(owner);
  return s;
}

void access_list(const json& v, Problems& p) {
  coffre_access_list* list = nullptr;
  const int s = open_list(v, v.value("pin", json()), &list);
  p.eq("outcome", outcome(s), v.at("expect").get<std::string>());
  if (s == COFFRE_OK && v.at("expect") == "success") {
    p.eq("key_version", std::to_string(coffre_access_list_key_version(list)),
         std::to_string(v.at("key_version").get<std::uint32_t>()));
    p.eq("revision", std::to_string(coffre_access_list_revision(list)),
         std::to_string(u64_field(v, "revision")));
    std::string members;
    for (std::size_t i = 0; i < coffre_access_list_member_count(list); ++i) {
      std::uint8_t m[16];
      coffre_access_list_member(list, i, m, sizeof m);
      members += to_hex(m, sizeof m) + " ";
    }
    std::string want;
    for (const json& m : v.at("members")) want += m.get<std::string>() + " ";
    p.eq("members", members, want);
  }
  coffre_access_list_free(list);
}

void content_wrap(const json& v, Problems& p) {
  coffre_access_list* list = nullptr;
  if (open_list(v, json(), &list) != COFFRE_OK) {
    p.list.push_back("the access list does not open");
    return;
  }
  const Bytes wrap = hex_field(v, "wrap"), me = hex_field(v.at("me"), "user_id");
  coffre_account_secrets* secrets = secrets_of(v.at("me"));
  coffre_trusted_contact* sender = contact_of(v.at("sender"));
  coffre_key* key = nullptr;
  std::uint32_t version = 0;
  const int s = coffre_wrap_open(wrap.data(), wrap.size(), me.data(), me.size(), secrets, list, sender, &key, &version);
  p.eq("outcome", outcome(s), v.at("expect").get<std::string>());
  if (s == COFFRE_OK && v.at("expect") == "success") {
    std::uint8_t k[32];
    coffre_key_export(key, k, sizeof k);
    p.eq("content_key", to_hex(k, sizeof k), v.at("content_key").get<std::string>());
    p.eq("key_version", std::to_string(version), std::to_string(v.at("key_version").get<std::uint32_t>()));
    sodium_memzero(k, sizeof k);
  }
  coffre_key_free(key);
  coffre_trusted_contact_free(sender);
  coffre_account_secrets_free(secrets);
  coffre_access_list_free(list);
}

void directory_record(const json& v, Problems& p) {
  const Bytes bytes = hex_field(v, "record");
  coffre_directory_record* r = nullptr;
  const int s = coffre_directory_record_verify(bytes.data(), bytes.size(), &r);
  p.eq("outcome", outcome(s), v.at("expect").get<std::string>());
  if (s == COFFRE_OK && v.at("expect") == "success") {
    std::uint8_t user[16], pk[32];
    coffre_directory_record_user_id(r, user, sizeof user);
    coffre_directory_record_identity_public_key(r, pk, sizeof pk);
    p.eq("user_id", to_hex(user, sizeof user), v.at("user_id").get<std::string>());
    p.eq("identity_pk", to_hex(pk, sizeof pk), v.at("identity_pk").get<std::string>());
    p.eq("identity_generation", std::to_string(coffre_directory_record_identity_generation(r)),
         std::to_string(v.at("identity_generation").get<std::uint32_t>()));
    p.eq("suite_version", std::to_string(coffre_directory_record_suite_version(r)),
         std::to_string(v.at("suite_version").get<std::uint32_t>()));
    p.eq("created", std::to_string(coffre_directory_record_created(r)),
         std::to_string(u64_field(v, "created")));
  }
  coffre_directory_record_free(r);
}

void safety_number(const json& v, Problems& p) {
  coffre_trusted_contact* a = contact_of(v.at("a"));
  coffre_trusted_contact* b = contact_of(v.at("b"));
  char number[COFFRE_SAFETY_NUMBER_BYTES];
  int s = coffre_safety_number(a, b, number, sizeof number);
  if (s == COFFRE_OK && v.contains("number")) p.eq("number", number, v.at("number").get<std::string>());
  if (s == COFFRE_OK && v.contains("typed")) {
    const std::string typed = v.at("typed").get<std::string>();
    s = coffre_safety_number_check(a, b, typed.data(), typed.size());
  }
  p.eq("outcome", outcome(s), v.at("expect").get<std::string>());
  coffre_trusted_contact_free(a);
  coffre_trusted_contact_free(b);
}

// One step of a trust-store scenario; its outcome.
int trust_step(coffre_trust_store* store, const coffre_trusted_contact* me, const json& step, Problems& p) {
  const std::string op = step.at("op").get<std::string>();
  if (op == "observe") {
    const Bytes bytes = hex_field(step, "record");
    coffre_directory_record* r = nullptr;
    std::uint32_t observation = 0;
    int s = coffre_directory_record_verify(bytes.data(), bytes.size(), &r);
    if (s == COFFRE_OK) s = coffre_trust_store_observe(store, r, &observation);
    coffre_directory_record_free(r);
    static const char* const names[] = {"?", "pinned_first", "followed", "unchanged"};
    if (s == COFFRE_OK && step.contains("observation")) {
      p.eq("observation", names[observation <= 3 ? observation : 0], step.at("observation").get<std::string>());
    }
    return s;
  }
  const Bytes user = hex_field(step, "user_id");
  if (op == "check_sharable") {
    coffre_trusted_contact* c = nullptr;
    const int s = coffre_trust_store_check_sharable(store, user.data(), user.size(), &c);
    if (s == COFFRE_OK && step.contains("identity")) {
      std::uint8_t id[16], pk[32];
      coffre_trusted_contact_user_id(c, id, sizeof id);
      coffre_trusted_contact_identity_public_key(c, pk, sizeof pk);
      const json& want = step.at("identity");
      p.eq("identity.user_id", to_hex(id, sizeof id), want.at("user_id").get<std::string>());
      p.eq("identity.identity_pk", to_hex(pk, sizeof pk), want.at("identity_pk").get<std::string>());
      p.eq("identity.generation", std::to_string(coffre_trusted_contact_identity_generation(c)),
           std::to_string(want.at("generation").get<std::uint32_t>()));
    }
    if (s == COFFRE_OK && step.contains("suite_version")) {
      p.eq("suite_version", std::to_string(coffre_trusted_contact_suite_version(c)),
           std::to_string(step.at("suite_version").get<std::uint32_t>()));
    }
    if (s == COFFRE_OK && step.contains("suite_pk_sha256")) {
      std::uint8_t pk[COFFRE_KEM_PUBLIC_KEY_BYTES], h[32];
      coffre_trusted_contact_suite_public_key(c, pk, sizeof pk);
      crypto_hash_sha256(h, pk, sizeof pk);
      p.eq("suite_pk_sha256", to_hex(h, sizeof h), step.at("suite_pk_sha256").get<std::string>());
    }
    coffre_trusted_contact_free(c);
    return s;
  }
  if (op == "verify") {
    const std::string number = step.at("number").get<std::string>();
    return coffre_trust_store_verify(store, user.data(), user.size(), number.data(), number.size(), me);
  }
  if (op == "refuse") return coffre_trust_store_refuse(store, user.data(), user.size());
  p.list.push_back("unknown step " + op);
  return COFFRE_E_BAD_STATE;
}

void trust_store(const json& v, Problems& p) {
  coffre_trusted_contact* me = contact_of(v.at("me"));
  coffre_trust_store* store = nullptr;
  coffre_trust_store_new(&store);
  int s = COFFRE_OK;
  std::size_t i = 0;
  for (const json& step : v.at("steps")) {
    s = trust_step(store, me, step, p);
    p.eq(("step " + std::to_string(i++)).c_str(), outcome(s), step.at("expect").get<std::string>());
  }
  p.eq("outcome", outcome(s), v.at("expect").get<std::string>());
  // The store survives its own encoding: the same contacts after parse.
  std::uint8_t* encoded = nullptr;
  std::size_t len = 0;
  coffre_trust_store* again = nullptr;
  coffre_trust_store_encode(store, &encoded, &len);
  p.eq("parse(encode)", outcome(coffre_trust_store_parse(encoded, len, &again)), "success");
  p.eq("contacts after parse", std::to_string(coffre_trust_store_count(again)),
       std::to_string(coffre_trust_store_count(store)));
  coffre_buffer_free(encoded, len);
  coffre_trust_store_free(again);
  coffre_trust_store_free(store);
  coffre_trusted_contact_free(me);
}

const std::map<std::string, std::function<void(const json&, Problems&)>>& handlers() {
  static const std::map<std::string, std::function<void(const json&, Problems&)>> h{
      {"drive-node", drive_node},
      {"drive-name-hash", drive_name_hash},
      {"drive-file", drive_file},
      {"access-list", access_list},
      {"content-wrap", content_wrap},
      {"directory-record", directory_record},
      {"safety-number", safety_number},
      {"trust-store", trust_store}};
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
    if (!std::filesystem::exists(path)) {
      std::cerr << "FAIL " << name << ": absent\n";
      ++fail;
      continue;
    }
    const json doc = json::parse(std::ifstream(path));
    for (const json& v : doc.at("vectors")) {
      const std::string envelope = v.value("envelope", v.value("kind", std::string()));
      Problems p;
      auto h = handlers().find(envelope);
      if (h == handlers().end()) {
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
  return fail == 0 && pass > 0 ? 0 : 1;
}
