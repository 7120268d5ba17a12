// Replay of the sharing (section 16) and directory (section 17) vectors: envelopes access-list, content-wrap,
// directory-record, safety-number and trust-store (format: vectors/README.md).
#include "replay_sharing.hpp"

#include "hex.hpp"

#include <coffre/coffre.hpp>

#include <map>
#include <stdexcept>

namespace coffre::vectors {

namespace {

using Bytes = std::vector<std::uint8_t>;

template <class T>
T parsed(Result<T> r, const char* what) {
  if (!r) throw std::runtime_error(std::string(what) + " does not parse");
  return std::move(r).take();
}

std::string outcome(Error e) { return e == Error::ok ? "success" : std::string(error_code(e)); }

TrustedIdentity identity_of(const json& v) {
  return {parsed(UserId::from_bytes(hex_field(v, "user_id")), "user_id"),
          parsed(VerifyKey::from_bytes(hex_field(v, "identity_pk")), "identity_pk"), v.at("generation").get<std::uint32_t>()};
}

DocumentRef document_of(const json& v) {
  return {parsed(UserId::from_bytes(hex_field(v, "owner")), "owner"),
          parsed(DocumentId::from_bytes(hex_field(v, "id")), "document id"),
          static_cast<Purpose>(v.at("purpose").get<std::uint8_t>())};
}

std::pair<UserId, AccountSecrets> secrets_of(const json& v) {
  std::vector<SuiteSecretKey> keys;
  for (const json& k : v.at("suite_keys"))
    keys.push_back({k.at("version").get<std::uint32_t>(), parsed(XWingSecretKey::from_bytes(hex_field(k, "seed")), "seed")});
  auto identity = parsed(SigningKey::from_seed(hex_field(v, "identity_seed")), "identity_seed");
  return {parsed(UserId::from_bytes(hex_field(v, "user_id")), "user_id"),
          parsed(AccountSecrets::create(std::move(identity), v.at("identity_generation").get<std::uint32_t>(),
                                        std::move(keys)),
                 "account secrets")};
}

// Each replayer returns "" when the outcome and any success fields match, else what differed.
using Check = std::string;

Check expect_outcome(const json& v, Error e) {
  const std::string want = v.at("expect").get<std::string>(), got = outcome(e);
  return got == want ? "" : "expected " + want + ", got " + got;
}

Check replay_access_list(const json& v) {
  std::optional<AccessPin> pin;
  if (!v.at("pin").is_null()) pin = AccessPin{u64_field(v["pin"], "revision"),
                                              v["pin"].at("key_version").get<std::uint32_t>()};
  auto r = open_access_list(hex_field(v, "access-list"), identity_of(v.at("owner")), document_of(v.at("document")), pin);
  if (Check c = expect_outcome(v, r.error()); !c.empty() || !r) return c;
  json members = json::array();
  for (const auto& m : r.value().members()) members.push_back(to_hex(m.bytes));
  if (members != v.at("members") || r.value().key_version() != v.at("key_version").get<std::uint32_t>() ||
      r.value().revision() != u64_field(v, "revision")) {
    return "opened list differs";
  }
  return "";
}

Check replay_content_wrap(const json& v) {
  auto access = open_access_list(hex_field(v, "access-list"), identity_of(v.at("owner")), document_of(v.at("document")),
                                 std::nullopt);
  if (!access) throw std::runtime_error("the vector's access list does not open");
  auto [me, secrets] = secrets_of(v.at("me"));
  auto r = open_content_wrap(hex_field(v, "wrap"), me, secrets, access.value(), identity_of(v.at("sender")));
  if (Check c = expect_outcome(v, r.error()); !c.empty() || !r) return c;
  if (r.value().version != v.at("key_version").get<std::uint32_t>() ||
      to_hex(r.value().key.secret().reveal()) != v.at("content_key").get<std::string>()) {
    return "content key differs";
  }
  return "";
}

Check replay_directory_record(const json& v) {
  auto r = verify_record(hex_field(v, "record"));
  if (Check c = expect_outcome(v, r.error()); !c.empty() || !r) return c;
  const DirectoryRecord& d = r.value();
  if (to_hex(d.user().bytes) != v.at("user_id").get<std::string>() ||
      d.identity_generation() != v.at("identity_generation").get<std::uint32_t>() ||
      to_hex(d.identity_pk().bytes()) != v.at("identity_pk").get<std::string>() ||
      d.suite_version() != v.at("suite_version").get<std::uint32_t>() ||
      d.created() != u64_field(v, "created")) {
    return "record fields differ";
  }
  return "";
}

// The number of a and b; with "typed", the typed number parsed and compared to it (trust_mismatch if it differs).
Check replay_safety_number(const json& v) {
  auto n = safety_number(identity_of(v.at("a")), identity_of(v.at("b")));
  Error e = n.error();
  if (n && v.contains("typed")) {
    auto typed = SafetyNumber::parse(v.at("typed").get<std::string>());
    e = !typed ? typed.error() : typed.value() == n.value() ? Error::ok : Error::trust_mismatch;
  }
  if (Check c = expect_outcome(v, e); !c.empty()) return c;
  if (n && v.contains("number") && n.value().to_string() != v.at("number").get<std::string>()) return "number differs";
  return "";
}

const char* observation_name(Observation o) {
  switch (o) {
    case Observation::pinned_first: return "pinned_first";
    case Observation::followed: return "followed";
    case Observation::unchanged: return "unchanged";
  }
  return "?";
}

Check trust_step(TrustStore& store, const TrustedIdentity& me, const json& s) {
  const std::string op = s.at("op").get<std::string>();
  if (op == "observe") {
    auto record = verify_record(hex_field(s, "record"));
    if (!record) return expect_outcome(s, record.error());
    auto o = store.observe(record.value());
    if (Check c = expect_outcome(s, o.error()); !c.empty() || !o) return c;
    return s.value("observation", "") == observation_name(o.value()) ? "" : "observation differs";
  }
  const UserId user = parsed(UserId::from_bytes(hex_field(s, "user_id")), "user_id");
  if (op == "refuse") return expect_outcome(s, store.refuse(user));
  if (op == "verify") {
    auto typed = parsed(SafetyNumber::parse(s.at("number").get<std::string>()), "number");
    return expect_outcome(s, store.verify(user, typed, me));
  }
  if (op != "check_sharable") throw std::runtime_error("unknown trust-store op " + op);
  auto c = store.check_sharable(user);
  if (Check d = expect_outcome(s, c.error()); !d.empty() || !c) return d;
  if (s.contains("identity") && !(c.value().identity == identity_of(s.at("identity")))) return "identity differs";
  if (s.contains("suite_version") &&
      (c.value().recipient.suite_version != s.at("suite_version").get<std::uint32_t>() ||
       sha256_hex(c.value().recipient.suite_pk.bytes()) != s.at("suite_pk_sha256").get<std::string>())) {
    return "suite key differs";
  }
  return "";
}

Check replay_trust_store(const json& v) {
  TrustStore store;
  const TrustedIdentity me = identity_of(v.at("me"));
  std::size_t i = 0;
  for (const json& s : v.at("steps")) {
    if (Check c = trust_step(store, me, s); !c.empty()) return "step " + std::to_string(i) + ": " + c;
    ++i;
  }
  return "";
}

const std::map<std::string, Check (*)(const json&)>& replayers() {
  static const std::map<std::string, Check (*)(const json&)> m = {
      {"access-list", replay_access_list},           {"content-wrap", replay_content_wrap},
      {"directory-record", replay_directory_record}, {"safety-number", replay_safety_number},
      {"trust-store", replay_trust_store}};
  return m;
}

}  // namespace

std::optional<VectorOutcome> replay_sharing_vector(const json& v) {
  if (!v.contains("envelope") || !v["envelope"].is_string()) return std::nullopt;
  auto it = replayers().find(v["envelope"].get<std::string>());
  if (it == replayers().end()) return std::nullopt;
  VectorOutcome out{v.value("name", std::string("(unnamed)")), false, {}};
  try {
    out.detail = it->second(v);
    out.pass = out.detail.empty();
  } catch (const std::exception& e) {
    out.detail = std::string("malformed vector: ") + e.what();
  }
  return out;
}

}  // namespace coffre::vectors
