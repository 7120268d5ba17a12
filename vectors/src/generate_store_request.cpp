// vectors/store-request.json: signed store requests (docs/STORE.md section 2) from fixed signers: a device and a
// recovery phrase, each request's message, signature and headers; then the same requests with one field altered, or
// checked with another key (signature_invalid), and a method and a target no request line carries (invalid_argument).
#include "generate_store_request.hpp"

#include "account_fixture.hpp"
#include "hex.hpp"

#include <nlohmann/json.hpp>

#include <fstream>
#include <functional>
#include <stdexcept>

namespace coffre::vectors {

namespace {

using Json = nlohmann::ordered_json;

constexpr std::uint64_t kTime = 1790000000;

template <class T>
T must(Result<T> r, const char* what) {
  if (!r) throw std::runtime_error(std::string(what) + ": " + std::string(error_code(r.error())));
  return std::move(r).take();
}

Bytes text_bytes(std::string_view s) { return Bytes(s.begin(), s.end()); }

Bytes seeded_bytes(std::string_view label, std::size_t size) {
  DeterministicRng rng(named_seed(label));
  Bytes b(size);
  rng.fill(b);
  return b;
}

UserId user_of(std::string_view label) {
  DeterministicRng rng(named_seed(label));
  return UserId::generate(rng);
}

std::string user_hex(const StoreRequest& r) { return r.user ? to_hex(r.user->bytes) : std::string(); }

struct Signer {
  std::string name;
  const SigningKey& key;
};

class Writer {
 public:
  Writer(Json signers) : signers_(std::move(signers)) {}

  // A request as the client signed it, with the body it sent.
  void valid(const std::string& what, const std::string& comment, const Signer& signer, const StoreRequest& r,
             const Bytes& body) {
    if (r.content_sha256 != content_sha256(body)) throw std::runtime_error(what + ": body and hash differ");
    const auto sig = must(sign_store_request(signer.key, r), "sign");
    Json& v = add("success/" + what, comment, signer.key.verify_key(), r, sig, "success");
    v["signer"] = signer.name;
    v["body"] = to_hex(body);
  }

  // A request as the store received it, checked with `key`: `expect` is what verification gives.
  void refused(const std::string& what, const std::string& comment, const VerifyKey& key, const StoreRequest& r,
               const SigningKey::Signature& sig, const std::string& expect) {
    add(expect + "/" + what, comment, key, r, sig, expect);
  }

  void save(const std::string& path) {
    Json doc = {{"format", "coffre-store-request-vectors"},
                {"spec_version", 1},
                {"title", "Signed store requests (docs/STORE.md section 2)"},
                {"generator", "vectors/src/generate_store_request.cpp"},
                {"signers", std::move(signers_)},
                {"vectors", std::move(list_)}};
    std::ofstream(path) << doc.dump(1) << "\n";
  }

 private:
  Json& add(const std::string& name, const std::string& comment, const VerifyKey& key, const StoreRequest& r,
            const SigningKey::Signature& sig, const std::string& expect) {
    Json headers = Json::object();
    for (const auto& [header, value] : store_request_headers(key, r, sig)) headers[header] = value;
    auto m = store_request_message(r);
    if ((expect == "invalid_argument") == m.ok()) throw std::runtime_error(name + ": message outcome");
    if (verify_store_request(key, r, sig) != (expect == "success"   ? Error::ok
                                              : m.ok()              ? Error::signature_invalid
                                                                    : Error::invalid_argument)) {
      throw std::runtime_error(name + ": verification outcome");
    }
    list_.push_back({{"name", name},
                     {"comment", comment},
                     {"key", to_hex(key.bytes())},
                     {"method", r.method},
                     {"target", r.target},
                     {"content_sha256", to_hex(r.content_sha256)},
                     {"time", u64_text(r.time)},
                     {"nonce", to_hex(r.nonce)},
                     {"user", r.user ? Json(user_hex(r)) : Json(nullptr)},
                     {"headers", std::move(headers)},
                     {"message", m ? Json(to_hex(m.value())) : Json(nullptr)},
                     {"signature", to_hex(sig)},
                     {"expect", expect}});
    return list_.back();
  }

  Json signers_;
  Json list_ = Json::array();
};

StoreRequest request(std::string method, std::string target, const Bytes& body, std::uint64_t time,
                     std::string_view nonce_label, std::optional<UserId> user) {
  StoreRequest r;
  r.method = std::move(method);
  r.target = std::move(target);
  r.content_sha256 = content_sha256(body);
  r.time = time;
  DeterministicRng rng(named_seed(nonce_label));
  r.nonce = draw_store_nonce(rng);
  r.user = user;
  return r;
}

}  // namespace

void write_store_request_vectors(const std::string& path) {
  const FixtureDevice device = fixture_device("store-device");
  const FixtureDevice other = fixture_device("store-other");
  const auto entropy = named_seed("store-recovery");
  const RecoveryPhrase phrase = must(RecoveryPhrase::from_entropy(entropy), "phrase");
  const RecoveryKey recovery = must(RecoveryKey::from_phrase(phrase), "recovery key");
  const auto words_secret = must(phrase.words(), "words");
  const std::string words(words_secret.reveal().begin(), words_secret.reveal().end());

  auto device_json = [](const FixtureDevice& d) {
    return Json{{"id", to_hex(d.id)}, {"sign_seed", to_hex(d.sign_seed)}, {"kem_seed", to_hex(d.kem_seed)},
                {"public_key", to_hex(d.keys.sign_key.verify_key().bytes())}};
  };
  Json signers = {
      {"device", device_json(device)},
      {"recovery", {{"phrase", words}, {"public_key", to_hex(recovery.signing_key().verify_key().bytes())}}},
      {"other", device_json(other)}};
  Writer w(std::move(signers));
  const Signer dev{"device", device.keys.sign_key};
  const Signer rec{"recovery", recovery.signing_key()};

  const UserId user = user_of("store-user");
  const std::string u = to_hex(user.bytes);
  const Bytes sealed = seeded_bytes("store-body-sealed", 200);
  const Bytes part = seeded_bytes("store-body-part", 1000);
  const Bytes enroll = text_bytes("an enrollment request");

  const StoreRequest put = request("PUT", "/v1/o/accounts/" + u + "/state/1.sealed", sealed, kTime, "n-put", user);
  const StoreRequest get = request("GET", "/v1/o/directory/" + u + ".record", {}, kTime + 1, "n-get", user);
  const StoreRequest list =
      request("GET", "/v1/list/drive/" + u + "/nodes/" + u + "?after=0f&limit=10", {}, kTime + 2, "n-list", user);
  const StoreRequest no_user = request("PUT", "/v1/o/enroll/" + to_hex(seeded_bytes("store-request-id", 16)) +
                                                  "/request",
                                       enroll, kTime + 3, "n-enroll", std::nullopt);
  const std::string upload = to_hex(seeded_bytes("store-upload-id", 16));
  const StoreRequest prefixed = request("PUT", "/store/v1/uploads/" + upload + "/0", part, kTime + 4, "n-part", user);
  const StoreRequest recovering =
      request("GET", "/v1/o/accounts/" + u + "/wraps/2/ffffffffffffffffffffffffffffffff.wrap", {}, kTime + 5,
              "n-recovery", user);
  const StoreRequest extremes = request("DELETE", "/", {}, 18446744073709551615u, "n-extremes", user);

  w.valid("put-object", "PUT of an object with its body, by a device of the account", dev, put, sealed);
  w.valid("get-empty-body", "GET: no body, the SHA-256 of the empty string", dev, get, {});
  w.valid("list-query", "a listing: the target's query string is signed as sent", dev, list, {});
  w.valid("no-user", "a device in no account yet: no Coffre-User, frame(user) is empty", dev, no_user, enroll);
  w.valid("base-prefix", "a base URL with a prefix: the prefix is part of the target; an upload part", dev, prefixed,
          part);
  w.valid("recovery-signer", "signed with the recovery signing key (a recovery signer)", rec, recovering, {});
  w.valid("extremes", "the shortest target and the largest time", dev, extremes, {});

  const auto sig_put = must(sign_store_request(device.keys.sign_key, put), "sign");
  const auto sig_list = must(sign_store_request(device.keys.sign_key, list), "sign");
  const auto sig_no_user = must(sign_store_request(device.keys.sign_key, no_user), "sign");
  const auto sig_rec = must(sign_store_request(recovery.signing_key(), recovering), "sign");
  const VerifyKey& dev_pk = device.keys.sign_key.verify_key();
  auto altered = [&](const StoreRequest& base, const std::function<void(StoreRequest&)>& change) {
    StoreRequest r = base;
    change(r);
    return r;
  };
  auto refuse = [&](const std::string& what, const std::string& comment, const StoreRequest& r,
                    const SigningKey::Signature& sig) {
    w.refused(what, comment, dev_pk, r, sig, "signature_invalid");
  };

  w.refused("wrong-key", "put-object checked with another device's key", other.keys.sign_key.verify_key(), put,
            sig_put, "signature_invalid");
  w.refused("recovery-key-for-device", "put-object checked with the recovery signing key",
            recovery.signing_key().verify_key(), put, sig_put, "signature_invalid");
  w.refused("device-key-for-recovery", "recovery-signer's signature checked with the device's key", dev_pk, recovering,
            sig_rec, "signature_invalid");
  refuse("method", "put-object sent as POST", altered(put, [](StoreRequest& r) { r.method = "POST"; }), sig_put);
  refuse("target-path", "put-object to another path (state/2)",
         altered(put, [](StoreRequest& r) { r.target.replace(r.target.find("/1.sealed"), 9, "/2.sealed"); }), sig_put);
  refuse("target-query", "list-query with another limit",
         altered(list, [](StoreRequest& r) { r.target.replace(r.target.size() - 2, 2, "11"); }), sig_list);
  refuse("target-query-removed", "list-query without its query string",
         altered(list, [](StoreRequest& r) { r.target.resize(r.target.find('?')); }), sig_list);
  refuse("target-prefix", "base-prefix's target without the prefix",
         altered(prefixed, [](StoreRequest& r) { r.target.erase(0, 6); }),
         must(sign_store_request(device.keys.sign_key, prefixed), "sign"));
  refuse("time", "put-object one second later", altered(put, [](StoreRequest& r) { r.time += 1; }), sig_put);
  refuse("nonce", "put-object with one nonce bit flipped", altered(put, [](StoreRequest& r) { r.nonce[7] ^= 0x10; }),
         sig_put);
  refuse("user", "put-object for another account (last bit of the user id)",
         altered(put, [](StoreRequest& r) { r.user->bytes[15] ^= 1; }), sig_put);
  refuse("user-removed", "put-object without its Coffre-User", altered(put, [](StoreRequest& r) { r.user.reset(); }),
         sig_put);
  refuse("user-added", "no-user with a Coffre-User added", altered(no_user, [&](StoreRequest& r) { r.user = user; }),
         sig_no_user);
  refuse("body-hash", "put-object with the hash of another body",
         altered(put, [&](StoreRequest& r) { r.content_sha256 = content_sha256(part); }), sig_put);
  refuse("body-hash-empty", "put-object with the hash of the empty body",
         altered(put, [](StoreRequest& r) { r.content_sha256 = content_sha256({}); }), sig_put);
  auto bad_sig = sig_put;
  bad_sig[40] ^= 0x04;
  refuse("signature", "put-object with one signature bit flipped", put, bad_sig);

  w.refused("method-lower-case", "a method in lower case is not as sent", dev_pk,
            altered(put, [](StoreRequest& r) { r.method = "put"; }), sig_put, "invalid_argument");
  w.refused("target-not-origin-form", "a target without its leading '/'", dev_pk,
            altered(get, [](StoreRequest& r) { r.target.erase(0, 1); }), sig_put, "invalid_argument");
  w.save(path);
}

}  // namespace coffre::vectors
