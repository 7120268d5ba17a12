#include "replay_store_request.hpp"

#include "hex.hpp"

#include <coffre/coffre.hpp>

#include <stdexcept>

namespace coffre::vectors {

namespace {

using json = nlohmann::json;

template <std::size_t N>
std::array<std::uint8_t, N> fixed_field(const json& v, const char* field) {
  const auto b = hex_field(v, field);
  if (b.size() != N) throw std::runtime_error(std::string(field) + ": wrong size");
  std::array<std::uint8_t, N> out{};
  std::copy(b.begin(), b.end(), out.begin());
  return out;
}

StoreRequest request_of(const json& v) {
  StoreRequest r;
  r.method = v.at("method").get<std::string>();
  r.target = v.at("target").get<std::string>();
  r.content_sha256 = fixed_field<kSha256Size>(v, "content_sha256");
  r.time = u64_field(v, "time");
  r.nonce = fixed_field<kStoreNonceSize>(v, "nonce");
  if (!v.at("user").is_null()) r.user = UserId{fixed_field<UserId::kSize>(v, "user")};
  return r;
}

// The signing key of a signer of the file: a device's seed, or the recovery signing key of a phrase.
SigningKey signer_key(const json& doc, const std::string& name) {
  const json& s = doc.at("signers").at(name);
  if (s.contains("phrase")) {
    auto phrase = RecoveryPhrase::from_words(s.at("phrase").get<std::string>());
    if (!phrase) throw std::runtime_error("signer phrase: " + std::string(error_code(phrase.error())));
    auto recovery = RecoveryKey::from_phrase(phrase.value());
    if (!recovery) throw std::runtime_error("recovery key: " + std::string(error_code(recovery.error())));
    return SigningKey::from_seed(recovery.value().signing_key().seed().reveal()).take();
  }
  auto key = SigningKey::from_seed(hex_field(s, "sign_seed"));
  if (!key) throw std::runtime_error("signer seed");
  return std::move(key).take();
}

// What differs between the vector and what the library makes of it; empty if nothing.
std::string check(const json& doc, const json& v) {
  const StoreRequest r = request_of(v);
  const VerifyKey key = VerifyKey::from_bytes(hex_field(v, "key")).take();
  const auto signature = fixed_field<SigningKey::kSignatureSize>(v, "signature");
  const std::string expect = v.at("expect").get<std::string>();

  auto m = store_request_message(r);
  if (m ? v.at("message").is_null() || to_hex(m.value()) != v.at("message").get<std::string>()
        : !v.at("message").is_null() || m.error() != Error::invalid_argument) {
    return "message differs";
  }
  const Error verified = verify_store_request(key, r, signature);
  const std::string got = verified == Error::ok ? "success" : std::string(error_code(verified));
  if (got != expect) return "expected " + expect + ", got " + got;

  json headers = json::object();
  for (const auto& [name, value] : store_request_headers(key, r, signature)) headers[name] = value;
  if (headers != v.at("headers")) return "headers differ";

  if (expect != "success") return {};
  if (to_hex(content_sha256(hex_field(v, "body"))) != v.at("content_sha256").get<std::string>()) {
    return "content_sha256 is not the body's";
  }
  const SigningKey signer = signer_key(doc, v.at("signer").get<std::string>());
  if (!(signer.verify_key() == key)) return "key is not the signer's";
  auto sig = sign_store_request(signer, r);
  if (!sig || to_hex(sig.value()) != v.at("signature").get<std::string>()) return "signature differs";
  return {};
}

}  // namespace

std::optional<std::vector<VectorOutcome>> replay_store_request_vectors(const json& doc) {
  if (doc.value("format", std::string()) != "coffre-store-request-vectors") return std::nullopt;
  std::vector<VectorOutcome> out;
  for (const json& v : doc.at("vectors")) {
    VectorOutcome o{v.value("name", std::string("(unnamed)")), false, {}};
    try {
      o.detail = check(doc, v);
      o.pass = o.detail.empty();
    } catch (const std::exception& e) {
      o.detail = std::string("malformed vector: ") + e.what();
    }
    out.push_back(std::move(o));
  }
  return out;
}

}  // namespace coffre::vectors
