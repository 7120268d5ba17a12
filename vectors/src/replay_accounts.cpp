#include "replay_accounts.hpp"

#include "account_fixture.hpp"
#include "hex.hpp"

#include <coffre/coffre.hpp>

#include <charconv>
#include <functional>
#include <map>
#include <stdexcept>

namespace coffre::vectors {

namespace {

using json = nlohmann::json;

// A failed check: its message becomes the vector's detail.
struct Mismatch : std::runtime_error {
  using std::runtime_error::runtime_error;
};

void expect_eq(const std::string& what, const std::string& got, const std::string& want) {
  if (got != want) throw Mismatch(what + ": got " + got + ", expected " + want);
}

std::string text_of(const json& v, const char* field) {
  Bytes b = hex_field(v, field);
  return std::string(b.begin(), b.end());
}

std::string outcome(Error e) { return e == Error::ok ? "success" : std::string(error_code(e)); }

template <class T>
T must(Result<T> r, const std::string& what) {
  if (!r) throw Mismatch(what + " failed: " + outcome(r.error()));
  return std::move(r).take();
}

// Runs `check` for every vector of the file; a throw fails that vector only.
std::vector<VectorOutcome> each(const json& doc, const std::function<void(const json&)>& check) {
  std::vector<VectorOutcome> out;
  for (const json& v : doc.at("vectors")) {
    VectorOutcome o{v.value("name", std::string("(unnamed)")), false, {}};
    try {
      check(v);
      o.pass = true;
    } catch (const Mismatch& e) {
      o.detail = e.what();
    } catch (const std::exception& e) {
      o.detail = std::string("malformed vector: ") + e.what();
    }
    out.push_back(std::move(o));
  }
  return out;
}

// ---- X-Wing (SPEC 8.5) and the recovery phrase (section 13) ----

void replay_kem(const json& v) {
  auto sk = must(XWingSecretKey::from_bytes(hex_field(v, "seed")), "secret key");
  auto pk = must(xwing_public_key(sk), "public key");
  expect_eq("public key", to_hex(pk.bytes()), v.at("public_key"));
  auto enc = must(xwing_encapsulate_deterministic(pk, hex_field(v, "eseed")), "encapsulation");
  expect_eq("ciphertext", to_hex(enc.ciphertext.bytes()), v.at("ciphertext"));
  expect_eq("shared secret", to_hex(enc.shared_secret.reveal()), v.at("shared_secret"));
  auto ss = must(xwing_decapsulate(sk, enc.ciphertext), "decapsulation");
  expect_eq("decapsulated secret", to_hex(ss.reveal()), v.at("shared_secret"));
}

void replay_recovery(const json& v) {
  const std::string phrase = v.at("phrase");
  auto decoded = RecoveryPhrase::from_words(phrase);
  expect_eq("outcome", decoded ? "success" : outcome(decoded.error()), v.at("expect"));
  if (!decoded) return;
  expect_eq("entropy", to_hex(decoded.value().entropy().reveal()), v.at("entropy"));
  if (!v.contains("kem_public_key")) return;
  auto p = must(RecoveryPhrase::from_entropy(hex_field(v, "entropy")), "from_entropy");
  auto words = must(p.words(), "words");
  expect_eq("canonical phrase", std::string(words.reveal().begin(), words.reveal().end()), phrase);
  auto sk = must(p.recovery_kem_key(), "recovery key");
  expect_eq("kem seed", to_hex(sk.secret().reveal()), v.at("kem_seed"));
  expect_eq("kem public key", to_hex(must(xwing_public_key(sk), "public key").bytes()), v.at("kem_public_key"));
}

// ---- device list (section 10.4) ----

std::vector<Bytes> entries_of(const json& doc, const json& names) {
  std::vector<Bytes> out;
  for (const json& n : names) {
    auto b = from_hex(doc.at("entries").at(n.get<std::string>()).get<std::string>());
    if (!b) throw std::runtime_error("entry " + n.get<std::string>() + " is not hex");
    out.push_back(std::move(*b));
  }
  return out;
}

LogHash hash32(const json& j) {
  auto b = from_hex(j.get<std::string>());
  if (!b || b->size() != 32) throw std::runtime_error("not a 32-byte hash");
  LogHash h{};
  std::copy(b->begin(), b->end(), h.begin());
  return h;
}

// Outcomes of verify_log on one thread and on all cores (they must agree) and, with nothing pinned, of
// verify_appended after every prefix that verifies (it must give verify_log's outcome and state, SPEC 10.3).
Result<VerifiedLog> verify_every_way(const std::vector<Bytes>& entries, std::optional<LogHead> pinned,
                                     std::optional<LogHash> genesis) {
  auto one = verify_log(entries, pinned, genesis, 1);
  auto all = verify_log(entries, pinned, genesis, 0);
  expect_eq("outcome on all cores", outcome(all.error()), outcome(one.error()));
  if (one && !(one.value() == all.value())) throw Mismatch("the state on all cores differs");
  if (pinned || genesis) return one;
  const std::span<const Bytes> e(entries);
  for (std::size_t k = 1; k < e.size(); ++k) {
    auto prefix = verify_log(e.first(k), std::nullopt, std::nullopt, 1);
    if (!prefix) continue;
    auto rest = verify_appended(prefix.value(), e.subspan(k), 1);
    const std::string what = "verify_appended after " + std::to_string(k) + " entries";
    expect_eq(what, outcome(rest.error()), outcome(one.error()));
    if (one && !(one.value() == rest.value())) throw Mismatch(what + ": another state");
  }
  return one;
}

void replay_device_log(const json& doc, const json& v) {
  auto entries = entries_of(doc, v.at("entries"));
  std::optional<LogHead> pinned;
  if (!v.at("pinned").is_null()) pinned = device_log_head_from_json(v["pinned"]);
  std::optional<LogHash> genesis;
  if (!v.at("genesis_hash").is_null()) genesis = hash32(v["genesis_hash"]);
  auto r = verify_every_way(entries, pinned, genesis);
  expect_eq("outcome", r ? "success" : outcome(r.error()), v.at("expect"));
  if (!r) return;
  const auto state = device_log_state_json(r.value());
  for (const auto& [k, x] : state.items()) {
    if (v.at(k) != json(x)) throw Mismatch(k + " differs: got " + x.dump() + ", expected " + v.at(k).dump());
  }
}

// ---- enrollment (section 12) and account state (sections 11, 14) ----

DeviceKeys device_of(const json& doc, const std::string& name) {
  const json& d = doc.at("devices").at(name);
  auto id = must(DeviceId::from_bytes(hex_field(d, "id")), "device id");
  return must(DeviceKeys::from_seeds(id, hex_field(d, "sign_seed"), hex_field(d, "kem_seed")), "device " + name);
}

VerifiedLog log_of(const json& doc, const json& v) {
  return must(verify_log(entries_of(doc, v.at("log")), std::nullopt), "the vector's log");
}

DeterministicRng rng_of(const json& v, const char* field) {
  Bytes seed = hex_field(v, field);
  if (seed.size() != 32) throw std::runtime_error(std::string(field) + " is not 32 bytes");
  return DeterministicRng(std::span<const std::uint8_t, 32>(seed.data(), 32));
}

// Both state machines again, from the published seeds: every message, the transcript and both SAS.
void replay_exchange(const json& doc, const json& v) {
  auto n = device_of(doc, v.at("requester"));
  auto e = device_of(doc, v.at("approver"));
  auto log = log_of(doc, v);
  DeterministicRng n_rng = rng_of(v, "requester_rng_seed"), e_rng = rng_of(v, "approver_rng_seed");
  UsedEnrollmentRequests used;
  auto req = must(EnrollmentRequester::start(n, text_of(v, "device_name"), u64_field(v, "created"), n_rng, u64_field(v, "lifetime")),
                  "start");
  expect_eq("request", to_hex(req.request()), v.at("request"));
  auto app = must(EnrollmentApprover::on_request(req.request(), e, log, u64_field(v, "approver_now"), used, e_rng),
                  "on_request");
  expect_eq("response", to_hex(app.response()), v.at("response"));
  auto conf = must(req.on_response(app.response(), log, u64_field(v, "requester_now")), "on_response");
  expect_eq("reveal", to_hex(conf.reveal), v.at("reveal"));
  expect_eq("requester SAS", conf.sas, v.at("sas"));
  expect_eq("transcript hash", to_hex(req.transcript_hash()), v.at("transcript_hash"));
  auto appc = must(app.on_reveal(conf.reveal, u64_field(v, "reveal_now")), "on_reveal");
  expect_eq("approver SAS", appc.sas, v.at("sas"));
  auto t = must(enrollment_transcript(hex_field(v, "request"), hex_field(v, "response"), hex_field(v, "reveal")),
                "enrollment_transcript");
  expect_eq("transcript of the messages", to_hex(t.transcript_hash), v.at("transcript_hash"));
  expect_eq("SAS of the messages", t.sas, v.at("sas"));
}

void replay_transcript(const json& v) {
  auto t = enrollment_transcript(hex_field(v, "request"), hex_field(v, "response"), hex_field(v, "reveal"));
  expect_eq("outcome", t ? "success" : outcome(t.error()), v.at("expect"));
}

void replay_request(const json& doc, const json& v) {
  auto e = device_of(doc, v.at("approver"));
  auto log = log_of(doc, v);
  UsedEnrollmentRequests used;
  for (const json& u : v.at("used")) {
    Bytes id = hex_field(u, "request_id");
    if (id.size() != EnrollmentRequestId::kSize) throw std::runtime_error("request_id is not 16 bytes");
    EnrollmentRequestId rid;
    std::copy(id.begin(), id.end(), rid.bytes.begin());
    used.record(rid, u64_field(u, "expires"));
  }
  auto a = EnrollmentApprover::on_request(hex_field(v, "request"), e, log, u64_field(v, "now"), used, system_rng());
  expect_eq("outcome", a ? "success" : outcome(a.error()), v.at("expect"));
}

void replay_enrollment(const json& doc, const json& v) {
  const std::string kind = v.at("kind");
  if (kind == "exchange") return replay_exchange(doc, v);
  if (kind == "transcript") return replay_transcript(v);
  if (kind == "request") return replay_request(doc, v);
  throw std::runtime_error("unknown kind " + kind);
}

void replay_account_state(const json& doc, const json& v) {
  auto log = log_of(doc, v);
  const std::string recipient = v.at("recipient");
  Result<RootKey> root = Error::invalid_argument;
  if (recipient == "recovery") {
    auto phrase = must(RecoveryPhrase::from_entropy(hex_field(doc, "recovery_entropy")), "recovery phrase");
    auto words = must(phrase.words(), "words");
    expect_eq("recovery phrase", std::string(words.reveal().begin(), words.reveal().end()), doc.at("recovery_phrase"));
    auto key = must(RecoveryKey::from_phrase(phrase), "recovery key");
    root = key.unwrap_root(log, hex_field(v, "wrap"));
  } else {
    auto d = device_of(doc, recipient);
    root = unwrap_root_key(d.kem_key, log.user, d.id, log.root_epoch, hex_field(v, "wrap"));
  }
  Result<AccountSecrets> secrets = root ? open_account_state(root.value(), log.user, hex_field(v, "sealed_state"))
                                        : Result<AccountSecrets>(root.error());
  Error e = secrets ? check_account_secrets(secrets.value(), log) : secrets.error();
  expect_eq("outcome", outcome(e), v.at("expect"));
  if (e != Error::ok) return;
  expect_eq("identity fingerprint", identity_fingerprint(log), v.at("identity_fingerprint"));
  expect_eq("root key", to_hex(root.value().secret().reveal()), v.at("root_key"));
  expect_eq("root epoch", std::to_string(root.value().epoch()), std::to_string(v.at("root_epoch").get<std::uint32_t>()));
  json versions = json::array();
  for (const auto& k : secrets.value().suite_keys()) versions.push_back(k.version);
  if (versions != v.at("suite_versions")) throw Mismatch("suite versions differ");
}

}  // namespace

nlohmann::ordered_json device_log_head_json(const LogHead& head) {
  return nlohmann::ordered_json{{"seq", std::to_string(head.seq)}, {"hash", to_hex(head.hash)}};
}

LogHead device_log_head_from_json(const json& j) { return LogHead{u64_field(j, "seq"), hash32(j.at("hash"))}; }

nlohmann::ordered_json device_log_state_json(const VerifiedLog& s) {
  using ojson = nlohmann::ordered_json;
  ojson devices = ojson::array();
  for (const auto& d : s.devices) {
    devices.push_back(ojson{{"id", to_hex(d.id.bytes)},
                            {"name", to_hex(std::span(reinterpret_cast<const std::uint8_t*>(d.name.data()), d.name.size()))},
                            {"sign_pk", to_hex(d.sign_pk.bytes())},
                            {"kem_pk_sha256", sha256_hex(d.kem_pk.bytes())},
                            {"transcript_hash", to_hex(d.transcript_hash)}});
  }
  ojson revoked = ojson::array();
  for (const auto& d : s.revoked) revoked.push_back(to_hex(d.id.bytes));
  ojson superseded = ojson::array();
  for (const auto& k : s.superseded_identities) superseded.push_back(to_hex(k.bytes()));
  return ojson{{"head", device_log_head_json(s.head)},
               {"user_id", to_hex(s.user.bytes)},
               {"identity_pk", to_hex(s.identity_pk.bytes())},
               {"identity_generation", s.identity_generation},
               {"superseded_identities", superseded},
               {"suite_version", s.suite_version},
               {"suite_pk_sha256", sha256_hex(s.suite_pk.bytes())},
               {"root_epoch", s.root_epoch},
               {"recovery_pk_sha256", sha256_hex(s.recovery_pk.bytes())},
               {"recovery_sign_pk", to_hex(s.recovery_sign_pk.bytes())},
               {"recovery_mac", to_hex(s.recovery_mac)},
               {"devices", devices},
               {"revoked", revoked}};
}

std::optional<std::vector<VectorOutcome>> replay_account_vectors(const json& doc) {
  using Replay = std::function<void(const json&, const json&)>;
  static const std::map<std::string, Replay> kByFormat = {
      {"coffre-kem-vectors", [](const json&, const json& v) { replay_kem(v); }},
      {"coffre-recovery-vectors", [](const json&, const json& v) { replay_recovery(v); }},
      {"coffre-device-log-vectors", replay_device_log},
      {"coffre-enrollment-vectors", replay_enrollment},
      {"coffre-account-state-vectors", replay_account_state},
  };
  auto it = kByFormat.find(doc.value("format", std::string()));
  if (it == kByFormat.end()) return std::nullopt;
  const Replay& replay = it->second;
  return each(doc, [&](const json& v) { replay(doc, v); });
}

}  // namespace coffre::vectors
