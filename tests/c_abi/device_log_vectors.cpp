// Replays vectors/device-log.json (docs/SPEC.md section 10.4) through the C ABI only (coffre.h): the entries
// served in order go to coffre_log_verify as concatenated frames, with the pins; success cases are compared field by
// field through the log accessors.
#include "hex.hpp"

#include <coffre.h>
#include <nlohmann/json.hpp>

#include <sodium.h>

#include <fstream>
#include <iostream>
#include <string>
#include <vector>

using json = nlohmann::json;
using Bytes = std::vector<std::uint8_t>;

namespace {

using replay::from_hex;
using replay::to_hex;
using replay::u64_field;

int failures = 0;

std::string sha256(const std::uint8_t* p, std::size_t len) {
  std::uint8_t h[32];
  crypto_hash_sha256(h, p, len);
  return to_hex(h, 32);
}

void expect_eq(const std::string& name, const char* what, const std::string& got, const std::string& want) {
  if (got != want) {
    std::cerr << name << ": " << what << ": got " << got << ", want " << want << "\n";
    ++failures;
  }
}

void check_success(const std::string& name, const json& v, const coffre_log* log) {
  std::uint8_t b16[16], b32[32], kem[1216];
  std::uint64_t seq = 0;
  coffre_log_head(log, &seq, b32, 32);
  expect_eq(name, "head.seq", std::to_string(seq), std::to_string(u64_field(v.at("head"), "seq")));
  expect_eq(name, "head.hash", to_hex(b32, 32), v.at("head").at("hash").get<std::string>());
  coffre_log_user_id(log, b16, 16);
  expect_eq(name, "user_id", to_hex(b16, 16), v.at("user_id").get<std::string>());
  coffre_log_identity_public_key(log, b32, 32);
  expect_eq(name, "identity_pk", to_hex(b32, 32), v.at("identity_pk").get<std::string>());
  expect_eq(name, "identity_generation", std::to_string(coffre_log_identity_generation(log)),
            std::to_string(v.at("identity_generation").get<std::uint32_t>()));
  expect_eq(name, "suite_version", std::to_string(coffre_log_suite_version(log)),
            std::to_string(v.at("suite_version").get<std::uint32_t>()));
  expect_eq(name, "root_epoch", std::to_string(coffre_log_root_epoch(log)),
            std::to_string(v.at("root_epoch").get<std::uint32_t>()));
  coffre_log_suite_public_key(log, kem, sizeof kem);
  expect_eq(name, "suite_pk_sha256", sha256(kem, sizeof kem), v.at("suite_pk_sha256").get<std::string>());
  coffre_log_recovery_public_key(log, kem, sizeof kem);
  expect_eq(name, "recovery_pk_sha256", sha256(kem, sizeof kem), v.at("recovery_pk_sha256").get<std::string>());

  const json& devices = v.at("devices");
  expect_eq(name, "device count", std::to_string(coffre_log_device_count(log)), std::to_string(devices.size()));
  for (std::size_t i = 0; i < devices.size() && i < coffre_log_device_count(log); ++i) {
    const json& d = devices[i];
    coffre_log_device_id(log, i, b16, 16);
    expect_eq(name, "device id", to_hex(b16, 16), d.at("id").get<std::string>());
    if (coffre_log_contains(log, b16, 16) != 1) {
      std::cerr << name << ": contains() is false for an enrolled device\n";
      ++failures;
    }
    coffre_log_device_sign_public_key(log, i, b32, 32);
    expect_eq(name, "device sign_pk", to_hex(b32, 32), d.at("sign_pk").get<std::string>());
    coffre_log_device_kem_public_key(log, i, kem, sizeof kem);
    expect_eq(name, "device kem_pk_sha256", sha256(kem, sizeof kem), d.at("kem_pk_sha256").get<std::string>());
    coffre_log_device_transcript_hash(log, i, b32, 32);
    expect_eq(name, "device transcript_hash", to_hex(b32, 32), d.at("transcript_hash").get<std::string>());
    std::uint8_t* dname = nullptr;
    std::size_t dname_len = 0;
    coffre_log_device_name(log, i, &dname, &dname_len);
    expect_eq(name, "device name", to_hex(dname, dname_len), d.at("name").get<std::string>());
    coffre_buffer_free(dname, dname_len);
  }
  const json& revoked = v.at("revoked");
  expect_eq(name, "revoked count", std::to_string(coffre_log_revoked_count(log)), std::to_string(revoked.size()));
  for (std::size_t i = 0; i < revoked.size() && i < coffre_log_revoked_count(log); ++i) {
    coffre_log_revoked_id(log, i, b16, 16);
    expect_eq(name, "revoked id", to_hex(b16, 16), revoked[i].get<std::string>());
    if (coffre_log_contains(log, b16, 16) != 0) {
      std::cerr << name << ": contains() is true for a revoked device\n";
      ++failures;
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2 || coffre_init() != COFFRE_OK) {
    std::cerr << "usage: coffre_c_abi_device_log_vectors vectors/device-log.json\n";
    return 2;
  }
  std::ifstream in(argv[1]);
  const json doc = json::parse(in);
  const json& entries = doc.at("entries");
  std::size_t count = 0;
  for (const json& v : doc.at("vectors")) {
    const std::string name = v.at("name").get<std::string>();
    Bytes frames;
    for (const json& e : v.at("entries")) {
      const Bytes entry = from_hex(entries.at(e.get<std::string>()).get<std::string>());
      const std::size_t n = entry.size();
      frames.insert(frames.end(), {std::uint8_t(n >> 24), std::uint8_t(n >> 16), std::uint8_t(n >> 8), std::uint8_t(n)});
      frames.insert(frames.end(), entry.begin(), entry.end());
    }
    std::uint64_t pinned_seq = 0;
    Bytes pinned_hash, genesis_hash;
    if (!v.at("pinned").is_null()) {
      pinned_seq = u64_field(v.at("pinned"), "seq");
      pinned_hash = from_hex(v.at("pinned").at("hash").get<std::string>());
    }
    if (!v.at("genesis_hash").is_null()) genesis_hash = from_hex(v.at("genesis_hash").get<std::string>());
    coffre_log* log = nullptr;
    const int s = coffre_log_verify(frames.data(), frames.size(), pinned_seq,
                                    pinned_hash.empty() ? nullptr : pinned_hash.data(), pinned_hash.size(),
                                    genesis_hash.empty() ? nullptr : genesis_hash.data(), genesis_hash.size(), &log);
    const std::string expect = v.at("expect").get<std::string>();
    const std::string got = s == COFFRE_OK ? "success" : coffre_error_code(s);
    expect_eq(name, "outcome", got, expect);
    if (s == COFFRE_OK && expect == "success") check_success(name, v, log);
    if (s != COFFRE_OK && log != nullptr) {
      std::cerr << name << ": a handle on failure\n";
      ++failures;
    }
    coffre_log_free(log);
    ++count;
  }
  if (failures != 0) {
    std::cerr << failures << " failure(s)\n";
    return 1;
  }
  std::cout << "c_abi device-log vectors: " << count << " cases ok\n";
  return count > 0 ? 0 : 1;
}
