#include "replay.hpp"

#include "hex.hpp"
#include "replay_drive.hpp"
#include "replay_sharing.hpp"
#include "replay_accounts.hpp"
#include "replay_armor.hpp"
#include "replay_kek_wrap.hpp"
#include "replay_key_file.hpp"
#include "replay_store_request.hpp"

#include <coffre/coffre.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <fstream>

namespace coffre::vectors {

namespace {

using json = nlohmann::json;
using Bytes = std::vector<std::uint8_t>;

struct Observed {
  Error error = Error::ok;
  Bytes released;
};

Context context_of(const json& v) {
  const json& c = v.at("context");
  return Context{c.at("object_id").get<std::string>(), u64_field(c, "revision"),
                 c.at("key_version").get<std::uint32_t>()};
}

Observed open_document_vector(const json& v, const Bytes& ct) {
  auto key = ContentKey::from_bytes(hex_field(v, "key"));
  if (!key) return {key.error(), {}};
  auto r = open_document(key.value(), context_of(v), ct);
  if (!r) return {r.error(), {}};
  return {Error::ok, std::move(r).take()};
}

// The whole ciphertext in one update(), then finish(): what the vectors' released_sha256 is defined against.
Observed open_file_vector(const json& v, const Bytes& ct) {
  Bytes pass;
  auto dec = [&]() -> Result<FileDecryptor> {
    if (v.contains("passphrase")) {
      pass = hex_field(v, "passphrase");
      return FileDecryptor::create(Passphrase{pass}, context_of(v));
    }
    auto key = ContentKey::from_bytes(hex_field(v, "key"));
    if (!key) return key.error();
    return FileDecryptor::create(key.value(), context_of(v));
  }();
  if (!dec) return {dec.error(), {}};
  Observed o;
  Bytes out(dec.value().max_update_output(ct.size()));
  std::size_t n = 0;
  o.error = dec.value().update(ct, out, n);
  o.released.assign(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(n));
  if (o.error != Error::ok) return o;
  out.assign(dec.value().max_finish_output(), 0);
  o.error = dec.value().finish(out, n);
  o.released.insert(o.released.end(), out.begin(), out.begin() + static_cast<std::ptrdiff_t>(n));
  if (o.error == Error::ok && !dec.value().ended_properly()) o.error = Error::truncated;
  return o;
}

VectorOutcome replay_one(const json& v) {
  VectorOutcome out{v.value("name", std::string("(unnamed)")), false, {}};
  try {
    std::string kind = v.at("envelope").get<std::string>();
    if (auto shared = replay_sharing_vector(v)) return *shared;
    if (kind.rfind("drive-", 0) == 0) {
      if (auto drive = replay_drive_vector(v)) return *drive;  // else a drive-file vector: a file under its key
    }
    Bytes ct = hex_field(v, "ciphertext");
    Observed o;
    if (kind == "document") o = open_document_vector(v, ct);
    else if (kind == "file" || kind == "drive-file") o = open_file_vector(v, ct);
    else throw std::runtime_error("unknown envelope kind " + kind);

    std::string expect = v.at("expect").get<std::string>();
    std::string got = o.error == Error::ok ? "success" : std::string(error_code(o.error));
    if (got != expect) {
      out.detail = "expected " + expect + ", got " + got;
      return out;
    }
    const char* digest_field = o.error == Error::ok ? "plaintext_sha256" : "released_sha256";
    if (v.contains(digest_field) && sha256_hex(o.released) != v.at(digest_field).get<std::string>()) {
      out.detail = std::string(digest_field) + " differs";
      return out;
    }
    const char* size_field = o.error == Error::ok ? "plaintext_size" : "released_size";
    if (v.contains(size_field) && o.released.size() != u64_field(v, size_field)) {
      out.detail = std::string(size_field) + " differs";
      return out;
    }
    out.pass = true;
  } catch (const std::exception& e) {
    out.detail = std::string("malformed vector: ") + e.what();
  }
  return out;
}

}  // namespace

std::vector<VectorOutcome> replay_vector_file(const std::filesystem::path& path) {
  std::ifstream in(path);
  json doc = json::parse(in, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.contains("vectors") || !doc["vectors"].is_array()) {
    return {{path.filename().string(), false, "cannot read or parse this vector file"}};
  }
  if (auto account = replay_account_vectors(doc)) return *account;
  if (auto key_files = replay_key_file_vectors(doc)) return *key_files;
  if (auto armor = replay_armor_vectors(doc)) return *armor;
  if (auto kek_wraps = replay_kek_wrap_vectors(doc)) return *kek_wraps;
  if (auto requests = replay_store_request_vectors(doc)) return *requests;
  std::vector<VectorOutcome> out;
  for (const json& v : doc["vectors"]) out.push_back(replay_one(v));
  return out;
}

std::vector<VectorOutcome> replay_vector_dir(const std::filesystem::path& dir) {
  std::vector<std::filesystem::path> files;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
    if (e.path().extension() == ".json") files.push_back(e.path());
  }
  if (ec) return {{dir.string(), false, "cannot list the vector directory"}};
  std::sort(files.begin(), files.end());
  std::vector<VectorOutcome> out;
  for (const auto& f : files) {
    auto part = replay_vector_file(f);
    out.insert(out.end(), part.begin(), part.end());
  }
  return out;
}

}  // namespace coffre::vectors
