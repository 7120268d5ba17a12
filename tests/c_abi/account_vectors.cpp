// Replays the account vectors (vectors/xwing.json, recovery.json, enrollment.json, account-state.json,
// store-request.json; README there) and the data-key wraps (kek_wrap.json) through the C ABI only (coffre.h), as a
// native client would.
// vectors/device-log.json: device_log_vectors.cpp.
// What the ABI cannot reach is left to the C++ replay (vectors/src/replay_accounts.cpp): X-Wing encapsulation with a
// chosen eseed, and the byte-exact re-run of an exchange from its RNG seeds (the ABI draws from the system RNG).
#include "hex.hpp"

#include <coffre.h>
#include <nlohmann/json.hpp>

#include <sodium.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

using json = nlohmann::json;
using Bytes = std::vector<std::uint8_t>;

namespace {

using replay::from_hex;
using replay::hex_field;
using replay::u64_field;
using replay::to_hex;

struct Mismatch : std::runtime_error {
  using std::runtime_error::runtime_error;
};

std::string outcome(int status) { return status == COFFRE_OK ? "success" : coffre_error_code(status); }

void expect_eq(const std::string& what, const std::string& got, const std::string& want) {
  if (got != want) throw Mismatch(what + ": got " + got + ", expected " + want);
}
void must(int status, const std::string& what) {
  if (status != COFFRE_OK) throw Mismatch(what + ": " + outcome(status));
}

// Owners of the ABI's handles, so that a failed check frees them too.
template <class T, void (*Free)(T*)>
struct Owned {
  T* p = nullptr;
  Owned() = default;
  Owned(const Owned&) = delete;
  Owned& operator=(const Owned&) = delete;
  ~Owned() { Free(p); }
};
using Keys = Owned<coffre_device_keys, coffre_device_keys_free>;
using Log = Owned<coffre_log, coffre_log_free>;
using Phrase = Owned<coffre_recovery_phrase, coffre_recovery_phrase_free>;
using Root = Owned<coffre_root_key, coffre_root_key_free>;
using Secrets = Owned<coffre_account_secrets, coffre_account_secrets_free>;
using Used = Owned<coffre_used_requests, coffre_used_requests_free>;
using Kek = Owned<coffre_kek, coffre_kek_free>;
using Key = Owned<coffre_key, coffre_key_free>;
using Approver = Owned<coffre_enrollment_approver, coffre_enrollment_approver_free>;

void device_from_seeds(const Bytes& id, const Bytes& sign, const Bytes& kem, Keys& out) {
  must(coffre_device_keys_from_seeds(id.data(), id.size(), sign.data(), sign.size(), kem.data(), kem.size(), &out.p),
       "device keys");
}

void device_of(const json& doc, const std::string& name, Keys& out) {
  const json& d = doc.at("devices").at(name);
  device_from_seeds(hex_field(d, "id"), hex_field(d, "sign_seed"), hex_field(d, "kem_seed"), out);
}

// The vector's log, framed and verified (nothing pinned).
void log_of(const json& doc, const json& v, Log& out) {
  Bytes frames;
  for (const json& name : v.at("log")) {
    Bytes e = from_hex(doc.at("entries").at(name.get<std::string>()).get<std::string>());
    for (int shift = 24; shift >= 0; shift -= 8) frames.push_back(static_cast<std::uint8_t>(e.size() >> shift));
    frames.insert(frames.end(), e.begin(), e.end());
  }
  must(coffre_log_verify(frames.data(), frames.size(), 0, nullptr, 0, nullptr, 0, &out.p), "the vector's log");
}

// X-Wing key generation from the seed (the KEM key of a device).
void replay_kem(const json&, const json& v) {
  Keys keys;
  device_from_seeds(Bytes(16, 1), Bytes(32, 2), hex_field(v, "seed"), keys);
  std::uint8_t pk[COFFRE_KEM_PUBLIC_KEY_BYTES];
  must(coffre_device_keys_kem_public_key(keys.p, pk, sizeof pk), "public key");
  expect_eq("public key", to_hex(pk, sizeof pk), v.at("public_key"));
}

void replay_recovery(const json&, const json& v) {
  const std::string phrase = v.at("phrase");
  expect_eq("check", outcome(coffre_recovery_phrase_check(phrase.data(), phrase.size())), v.at("expect"));
  Phrase p;
  int st = coffre_recovery_phrase_from_words(phrase.data(), phrase.size(), &p.p);
  expect_eq("outcome", outcome(st), v.at("expect"));
  if (st != COFFRE_OK || !v.contains("kem_public_key")) return;
  std::uint8_t* words = nullptr;
  std::size_t words_len = 0;
  must(coffre_recovery_phrase_words(p.p, &words, &words_len), "words");
  std::string canonical(reinterpret_cast<const char*>(words), words_len);
  coffre_buffer_free(words, words_len);
  expect_eq("canonical phrase", canonical, phrase);
  std::uint8_t pk[COFFRE_KEM_PUBLIC_KEY_BYTES];
  must(coffre_recovery_phrase_kem_public_key(p.p, pk, sizeof pk), "kem public key");
  expect_eq("kem public key", to_hex(pk, sizeof pk), v.at("kem_public_key"));
}

std::string transcript_outcome(const json& v, std::string* hash, std::string* sas) {
  Bytes q = hex_field(v, "request"), r = hex_field(v, "response"), rv = hex_field(v, "reveal");
  std::uint8_t h[COFFRE_LOG_HASH_BYTES];
  char s[COFFRE_SAS_BYTES];
  int st = coffre_enrollment_transcript(q.data(), q.size(), r.data(), r.size(), rv.data(), rv.size(), h, sizeof h, s,
                                        sizeof s);
  if (st == COFFRE_OK) {
    *hash = to_hex(h, sizeof h);
    *sas = s;
  }
  return outcome(st);
}

std::string approver_outcome(const json& doc, const json& v, std::uint64_t now, const json& used_records) {
  Keys e;
  device_of(doc, v.at("approver"), e);
  Log log;
  log_of(doc, v, log);
  Bytes records;
  for (const json& u : used_records) {
    Bytes id = hex_field(u, "request_id");
    records.insert(records.end(), id.begin(), id.end());
    const std::uint64_t expires = u64_field(u, "expires");
    for (int shift = 56; shift >= 0; shift -= 8) records.push_back(static_cast<std::uint8_t>(expires >> shift));
  }
  Used used;
  must(coffre_used_requests_import(records.data(), records.size(), &used.p), "used request ids");
  Bytes q = hex_field(v, "request");
  Approver a;
  return outcome(coffre_enrollment_approver_on_request(q.data(), q.size(), e.p, log.p, now, used.p, &a.p));
}

void replay_enrollment(const json& doc, const json& v) {
  const std::string kind = v.at("kind");
  std::string hash, sas;
  if (kind == "transcript") {
    expect_eq("outcome", transcript_outcome(v, &hash, &sas), v.at("expect"));
  } else if (kind == "exchange") {
    expect_eq("outcome", transcript_outcome(v, &hash, &sas), "success");
    expect_eq("transcript hash", hash, v.at("transcript_hash"));
    expect_eq("SAS", sas, v.at("sas"));
    expect_eq("approver", approver_outcome(doc, v, u64_field(v, "approver_now"), json::array()), "success");
  } else if (kind == "request") {
    expect_eq("outcome", approver_outcome(doc, v, u64_field(v, "now"), v.at("used")), v.at("expect"));
  } else {
    throw std::runtime_error("unknown kind " + kind);
  }
}

void replay_account_state(const json& doc, const json& v) {
  Log log;
  log_of(doc, v, log);
  Bytes wrap = hex_field(v, "wrap"), sealed = hex_field(v, "sealed_state");
  const std::string recipient = v.at("recipient");
  Root root;
  int st;
  if (recipient == "recovery") {
    const std::string words = doc.at("recovery_phrase");
    Phrase p;
    must(coffre_recovery_phrase_from_words(words.data(), words.size(), &p.p), "recovery phrase");
    st = coffre_root_key_unwrap_recovery(p.p, log.p, wrap.data(), wrap.size(), &root.p);
  } else {
    Keys d;
    device_of(doc, recipient, d);
    st = coffre_root_key_unwrap(d.p, log.p, wrap.data(), wrap.size(), &root.p);
  }
  Secrets secrets;
  if (st == COFFRE_OK) st = coffre_account_state_open(root.p, log.p, sealed.data(), sealed.size(), &secrets.p);
  expect_eq("outcome", outcome(st), v.at("expect"));
  if (st != COFFRE_OK) return;
  char fingerprint[COFFRE_IDENTITY_FINGERPRINT_BYTES];
  must(coffre_log_identity_fingerprint(log.p, fingerprint, sizeof fingerprint), "fingerprint");
  expect_eq("identity fingerprint", fingerprint, v.at("identity_fingerprint"));
  expect_eq("root epoch", std::to_string(coffre_root_key_epoch(root.p)), std::to_string(v.at("root_epoch").get<int>()));
}

// vectors/store-request.json: the message, the verification and, for a signed request, the signer's signature.
void replay_store_request(const json& doc, const json& v) {
  const std::string method = v.at("method"), target = v.at("target");
  const Bytes key = hex_field(v, "key"), sha = hex_field(v, "content_sha256"), nonce = hex_field(v, "nonce");
  const Bytes sig = hex_field(v, "signature");
  const Bytes user = v.at("user").is_null() ? Bytes{} : hex_field(v, "user");
  const std::uint64_t time = u64_field(v, "time");
  const std::uint8_t* user_p = user.empty() ? nullptr : user.data();

  std::uint8_t* m = nullptr;
  std::size_t m_len = 0;
  const int st = coffre_store_request_message(method.data(), method.size(), target.data(), target.size(), sha.data(),
                                              sha.size(), time, nonce.data(), nonce.size(), user_p, user.size(), &m,
                                              &m_len);
  const std::string message = st == COFFRE_OK ? to_hex(m, m_len) : outcome(st);
  coffre_buffer_free(m, m_len);
  expect_eq("message", message, v.at("message").is_null() ? "invalid_argument" : v.at("message").get<std::string>());
  expect_eq("outcome",
            outcome(coffre_store_request_verify(key.data(), key.size(), method.data(), method.size(), target.data(),
                                                target.size(), sha.data(), sha.size(), time, nonce.data(),
                                                nonce.size(), user_p, user.size(), sig.data(), sig.size())),
            v.at("expect"));
  if (v.at("expect") != "success") return;

  const Bytes body = hex_field(v, "body");
  std::uint8_t digest[COFFRE_SHA256_BYTES];
  must(coffre_sha256(body.data(), body.size(), digest, sizeof digest), "sha256");
  expect_eq("content_sha256", to_hex(digest, sizeof digest), v.at("content_sha256"));
  const json& signer = doc.at("signers").at(v.at("signer").get<std::string>());
  std::uint8_t signature[COFFRE_SIGNATURE_BYTES];
  if (signer.contains("phrase")) {
    const std::string words = signer.at("phrase");
    Phrase p;
    must(coffre_recovery_phrase_from_words(words.data(), words.size(), &p.p), "recovery phrase");
    must(coffre_store_request_sign_recovery(p.p, method.data(), method.size(), target.data(), target.size(),
                                            sha.data(), sha.size(), time, nonce.data(), nonce.size(), user_p,
                                            user.size(), signature, sizeof signature),
         "sign");
  } else {
    Keys d;
    device_from_seeds(hex_field(signer, "id"), hex_field(signer, "sign_seed"), hex_field(signer, "kem_seed"), d);
    must(coffre_store_request_sign(d.p, method.data(), method.size(), target.data(), target.size(), sha.data(),
                                   sha.size(), time, nonce.data(), nonce.size(), user_p, user.size(), signature,
                                   sizeof signature),
         "sign");
  }
  expect_eq("signature", to_hex(signature, sizeof signature), v.at("signature"));
}

// vectors/kek_wrap.json: the outcome of unwrapping; on success the data key, and a new wrap of it (system RNG, so
// not the vector's bytes) that unwraps to it under the same context.
void replay_kek_wrap(const json&, const json& v) {
  const Bytes label = hex_field(v, "label"), key_id = hex_field(v, "key_id"), wrapped = hex_field(v, "wrapped");
  const Bytes kek_bytes = hex_field(v, "kek");
  Kek kek;
  must(coffre_kek_from_bytes(kek_bytes.data(), kek_bytes.size(), &kek.p), "kek");
  const auto label_p = reinterpret_cast<const char*>(label.data());
  auto unwrap = [&](const std::uint8_t* w, std::size_t len, coffre_key** out) {
    return coffre_data_key_unwrap(kek.p, w, len, label_p, label.size(), key_id.data(), key_id.size(), out);
  };
  Key key;
  expect_eq("outcome", outcome(unwrap(wrapped.data(), wrapped.size(), &key.p)), v.at("expect"));
  if (v.at("expect") != "success") return;
  std::uint8_t k[COFFRE_CONTENT_KEY_BYTES];
  must(coffre_key_export(key.p, k, sizeof k), "export");
  expect_eq("data key", to_hex(k, sizeof k), v.at("data_key"));
  std::uint8_t again[COFFRE_DATA_KEY_WRAP_BYTES];
  must(coffre_data_key_wrap(kek.p, key.p, label_p, label.size(), key_id.data(), key_id.size(), again, sizeof again),
       "wrap");
  Key reopened;
  must(unwrap(again, sizeof again, &reopened.p), "unwrap of a new wrap");
  must(coffre_key_export(reopened.p, k, sizeof k), "export");
  expect_eq("data key of a new wrap", to_hex(k, sizeof k), v.at("data_key"));
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2 || coffre_init() != COFFRE_OK) return 2;
  using Replay = std::function<void(const json&, const json&)>;
  const std::map<std::string, std::pair<std::string, Replay>> files = {
      {"coffre-kem-vectors", {"xwing.json", replay_kem}},
      {"coffre-recovery-vectors", {"recovery.json", replay_recovery}},
      {"coffre-enrollment-vectors", {"enrollment.json", replay_enrollment}},
      {"coffre-account-state-vectors", {"account-state.json", replay_account_state}},
      {"coffre-store-request-vectors", {"store-request.json", replay_store_request}},
      {"coffre-kek-wrap-vectors", {"kek_wrap.json", replay_kek_wrap}},
  };
  int pass = 0, fail = 0;
  for (const auto& [format, file] : files) {
    std::ifstream in(std::filesystem::path(argv[1]) / file.first);
    json doc = json::parse(in, nullptr, false);
    if (doc.is_discarded() || doc.value("format", "") != format) {
      std::cerr << "FAIL " << file.first << ": missing, unreadable or not " << format << "\n";
      ++fail;
      continue;
    }
    int here = 0;
    for (const json& v : doc.at("vectors")) {
      try {
        file.second(doc, v);
        ++pass;
        ++here;
      } catch (const std::exception& e) {
        std::cerr << "FAIL " << file.first << ": " << v.value("name", "?") << ": " << e.what() << "\n";
        ++fail;
      }
    }
    std::cout << file.first << ": " << here << " passed\n";
  }
  std::cout << "c_abi account vectors: " << pass << " passed, " << fail << " failed\n";
  return fail == 0 && pass > 0 ? 0 : 1;
}
