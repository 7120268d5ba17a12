// Replays the envelope vectors of vectors/*.json (format "coffre-vectors") through the C ABI only (coffre.h), as a
// native client would. The account files have their own replays (account_vectors.cpp, device_log_vectors.cpp).
#include "hex.hpp"

#include <coffre.h>
#include <nlohmann/json.hpp>

#include <sodium.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

using json = nlohmann::json;
using Bytes = std::vector<std::uint8_t>;

namespace {

using replay::hex_field;
using replay::u64_field;

std::string sha256(const Bytes& b) {
  std::uint8_t h[32];
  crypto_hash_sha256(h, b.data(), b.size());
  char out[65];
  sodium_bin2hex(out, sizeof out, h, 32);
  return out;
}

struct Outcome {
  int status = COFFRE_OK;
  Bytes released;
};

Outcome run(const json& v) {
  const json& c = v.at("context");
  std::string id = c.at("object_id").get<std::string>();
  std::uint64_t rev = u64_field(c, "revision");
  std::uint32_t kv = c.at("key_version").get<std::uint32_t>();
  Bytes ct = hex_field(v, "ciphertext");
  Outcome o;
  coffre_key* key = nullptr;
  if (v.contains("key")) {
    Bytes k = hex_field(v, "key");
    if ((o.status = coffre_key_from_bytes(k.data(), k.size(), &key)) != COFFRE_OK) return o;
  }
  if (v.at("envelope") == "document") {
    std::uint8_t* out = nullptr;
    std::size_t len = 0;
    o.status = coffre_document_open(key, id.data(), id.size(), rev, kv, ct.data(), ct.size(), &out, &len);
    if (o.status == COFFRE_OK) o.released.assign(out, out + len);
    coffre_buffer_free(out, len);
  } else {
    coffre_decryptor* dec = nullptr;
    if (key) {
      o.status = coffre_decryptor_new(key, id.data(), id.size(), rev, kv, 1, &dec);
    } else {
      Bytes p = hex_field(v, "passphrase");
      o.status = coffre_decryptor_new_passphrase(p.data(), p.size(), id.data(), id.size(), rev, kv, 1, 0, 0, &dec);
    }
    if (o.status == COFFRE_OK) {
      Bytes out(coffre_decryptor_max_update_output(dec, ct.size()));
      std::size_t n = 0;
      o.status = coffre_decryptor_update(dec, ct.data(), ct.size(), out.data(), out.size(), &n);
      o.released.assign(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(n));
      if (o.status == COFFRE_OK) {
        out.assign(coffre_decryptor_max_finish_output(dec), 0);
        o.status = coffre_decryptor_finish(dec, out.data(), out.size(), &n);
        o.released.insert(o.released.end(), out.begin(), out.begin() + static_cast<std::ptrdiff_t>(n));
        if (o.status == COFFRE_OK && !coffre_decryptor_ended_properly(dec)) o.status = COFFRE_E_TRUNCATED;
      }
    }
    coffre_decryptor_free(dec);
  }
  coffre_key_free(key);
  return o;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2 || coffre_init() != COFFRE_OK) return 2;
  int pass = 0, fail = 0;
  for (const auto& entry : std::filesystem::directory_iterator(argv[1])) {
    if (entry.path().extension() != ".json") continue;
    json doc = json::parse(std::ifstream(entry.path()));
    if (doc.value("format", "") != "coffre-vectors") continue;
    for (const json& v : doc.at("vectors")) {
      // Envelopes only; sharing_vectors.cpp replays the rest (sections 16-18). drive-file vectors carry a key and a
      // context and replay here as file vectors too.
      const std::string envelope = v.value("envelope", std::string());
      if (envelope != "document" && envelope != "file" && envelope != "drive-file") continue;
      Outcome o = run(v);
      std::string got = o.status == COFFRE_OK ? "success" : coffre_error_code(o.status);
      std::string digest = o.status == COFFRE_OK ? v.value("plaintext_sha256", "") : v.value("released_sha256", "");
      const char* size_field = o.status == COFFRE_OK ? "plaintext_size" : "released_size";
      bool ok = got == v.at("expect") && (digest.empty() || digest == sha256(o.released)) &&
                (!v.contains(size_field) || o.released.size() == u64_field(v, size_field));
      (ok ? pass : fail)++;
      if (!ok) std::cerr << "FAIL " << v.at("name").get<std::string>() << ": got " << got << "\n";
    }
  }
  std::cout << "c_abi vectors: " << pass << " passed, " << fail << " failed\n";
  return fail == 0 && pass > 0 ? 0 : 1;
}
