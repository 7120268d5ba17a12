// Generates vectors/enrollment.json (SPEC section 12) and vectors/account-state.json (section 11) from the fixed
// account of account_fixture.hpp: an account created by "desktop", "laptop" enrolled by desktop, "phone" enrolled by
// laptop, then laptop revoked (section 14). Every random byte comes from a DeterministicRng with a named seed.
#include "generate_accounts.hpp"

#include "account_fixture.hpp"
#include "hex.hpp"

#include <nlohmann/json.hpp>

#include <fstream>
#include <stdexcept>

namespace coffre::vectors {

namespace {

using Json = nlohmann::ordered_json;
using Entries = std::vector<Bytes>;

constexpr std::uint64_t kT0 = 1790000000;  // the requester's clock at `start`
constexpr std::uint64_t kLifetime = 600;

template <class T>
T must(Result<T> r, const char* what) {
  if (!r) throw std::runtime_error(std::string(what) + ": " + std::string(error_code(r.error())));
  return std::move(r).take();
}

Json device_json(const FixtureDevice& d) {
  return Json{{"id", to_hex(d.id)}, {"sign_seed", to_hex(d.sign_seed)}, {"kem_seed", to_hex(d.kem_seed)}};
}

Bytes flip(Bytes b, std::size_t at, std::uint8_t mask = 0x01) {
  b.at(at) ^= mask;
  return b;
}

Bytes cut(const Bytes& b, std::size_t size) { return Bytes(b.begin(), b.begin() + static_cast<std::ptrdiff_t>(size)); }

Bytes with_u64(Bytes b, std::size_t at, std::uint64_t v) {
  for (int i = 7; i >= 0; --i, v >>= 8) b.at(at + static_cast<std::size_t>(i)) = static_cast<std::uint8_t>(v);
  return b;
}

Bytes extend(Bytes b) {
  b.push_back(0);
  return b;
}

// The account and its history, shared by both files.
struct History {
  FixtureDevice desktop = fixture_device("desktop"), laptop = fixture_device("laptop"), phone = fixture_device("phone");
  Bytes recovery_entropy;
  std::optional<RecoveryPhrase> phrase;
  std::optional<AccountCreation> account;
  Json entries = Json::object();  // name -> hex
  std::vector<std::string> log1, log2, log3, log4;  // genesis; + laptop; + phone; + revoke laptop
  std::vector<std::string> forged_genesis;          // a genesis whose recovery MAC is not the phrase's
  std::optional<VerifiedLog> v1, v2, v3, v4;
  Bytes laptop_wrap, phone_wrap;  // epoch 1
  std::optional<RevocationPlan> revocation;

  // Exchanges, by requester name.
  struct Exchange {
    std::string requester, approver, device_name;
    std::vector<std::string> log;
    Bytes requester_rng, approver_rng;
    Bytes request, response, reveal;
    LogHash transcript_hash{};
    std::string sas;
  };
  std::vector<Exchange> exchanges;

  void add_entry(std::vector<std::string>& log, const std::string& name, const Bytes& entry) {
    entries[name] = to_hex(entry);
    log.push_back(name);
  }

  static Entries bytes_of(const Json& entries, const std::vector<std::string>& names) {
    Entries out;
    for (const auto& n : names) out.push_back(*from_hex(entries.at(n).get<std::string>()));
    return out;
  }

  VerifiedLog verify(const std::vector<std::string>& names) const {
    return must(verify_log(bytes_of(entries, names), std::nullopt), "verify_log");
  }

  // The full exchange of section 12 between `n` (new) and `e` (enrolled) on `log`; returns the approval.
  EnrollmentApproval enroll(const FixtureDevice& n, const FixtureDevice& e, const std::string& device_name,
                            const std::vector<std::string>& log_names, const VerifiedLog& log) {
    Exchange x{n.name, e.name, device_name, log_names, {}, {}, {}, {}, {}, {}, {}};
    auto n_seed = named_seed("enroll/" + n.name + "/requester-rng");
    auto e_seed = named_seed("enroll/" + n.name + "/approver-rng");
    x.requester_rng.assign(n_seed.begin(), n_seed.end());
    x.approver_rng.assign(e_seed.begin(), e_seed.end());
    DeterministicRng n_rng(n_seed), e_rng(e_seed);
    UsedEnrollmentRequests used;
    auto req = must(EnrollmentRequester::start(n.keys, device_name, kT0, n_rng, kLifetime), "start");
    auto app = must(EnrollmentApprover::on_request(req.request(), e.keys, log, kT0 + 5, used, e_rng), "on_request");
    auto conf = must(req.on_response(app.response(), log, kT0 + 10), "on_response");
    auto appc = must(app.on_reveal(conf.reveal, kT0 + 15), "on_reveal");
    if (appc.sas != conf.sas) throw std::runtime_error("SAS differ");
    x.request = req.request();
    x.response = app.response();
    x.reveal = conf.reveal;
    x.transcript_hash = req.transcript_hash();
    x.sas = conf.sas;
    exchanges.push_back(x);
    auto root_rng_seed = named_seed("enroll/" + n.name + "/approve-rng");
    DeterministicRng approve_rng(root_rng_seed);
    return must(approve(app, log, account->secrets, account->root, e.keys, approve_rng), "approve");
  }

  History() {
    auto entropy = named_seed("recovery/entropy");
    recovery_entropy.assign(entropy.begin(), entropy.end());
    phrase.emplace(must(RecoveryPhrase::from_entropy(entropy), "recovery"));
    auto recovery = must(RecoveryKey::from_phrase(*phrase), "recovery key");
    DeterministicRng account_rng(named_seed("account"));
    account.emplace(must(create_account(desktop.keys, "desktop", recovery, account_rng), "create_account"));
    add_entry(log1, "0 genesis (desktop)", account->genesis_entry);
    // The same genesis with another recovery MAC, signed again by the identity key: the log verifies, but the
    // phrase's holder did not make this genesis (recovery refuses it with log_fork).
    auto forged = must(LogEntry::parse(account->genesis_entry), "parse genesis");
    std::get<GenesisBody>(forged.body).recovery_mac[0] ^= 0x01;
    forged.identity_signature = account->secrets.identity().sign("coffre/v1/log/entry", forged.signed_part());
    forged.author_signature = desktop.keys.sign_key.sign("coffre/v1/log/author", forged.signed_part());
    forged_genesis.push_back("0 genesis, recovery MAC forged");
    entries[forged_genesis.back()] = to_hex(forged.encode());
    v1.emplace(verify(log1));

    auto laptop_approval = enroll(laptop, desktop, "laptop", log1, *v1);
    log2 = log1;
    add_entry(log2, "1 add laptop", laptop_approval.entry);
    laptop_wrap = laptop_approval.wrap.bytes;
    v2.emplace(verify(log2));

    auto phone_approval = enroll(phone, laptop, "t\xc3\xa9l\xc3\xa9phone", log2, *v2);  // "téléphone"
    log3 = log2;
    add_entry(log3, "2 add phone", phone_approval.entry);
    phone_wrap = phone_approval.wrap.bytes;
    v3.emplace(verify(log3));

    DeterministicRng revoke_rng(named_seed("revoke/laptop"));
    revocation.emplace(
        must(plan_revocation(*v3, account->secrets, desktop.keys, laptop.keys.id, revoke_rng), "plan_revocation"));
    log4 = log3;
    add_entry(log4, "3 revoke laptop (desktop; new identity, suite key and epoch)", revocation->entry);
    v4.emplace(verify(log4));
  }

  Json devices_json() const {
    return Json{{"desktop", device_json(desktop)}, {"laptop", device_json(laptop)}, {"phone", device_json(phone)}};
  }
};

void save(const std::string& path, const Json& doc) {
  std::ofstream out(path, std::ios::binary);
  out << doc.dump(2) << "\n";
  if (!out) throw std::runtime_error("cannot write " + path);
}

Json file_header(const char* format, const char* title, const History& h) {
  return Json{{"format", format},
              {"spec_version", 1},
              {"title", title},
              {"generator", "vectors/src/generate_accounts.cpp (coffre_vectors_gen)"},
              {"devices", h.devices_json()},
              {"entries", h.entries}};
}

// ---- enrollment.json ---------------------------------------------------------------------------------------------

// Offsets in a request (SPEC section 12): prefix 6 | request_id 16 | created 8 | expires 8 | frame(device_id) 20 |
// frame(sign_pk) 36 | frame(kem_pk) 1220 | frame(name) | commitment 32.
constexpr std::size_t kReqExpires = 6 + 16 + 8;
constexpr std::size_t kReqDeviceId = kReqExpires + 8 + 4;
constexpr std::size_t kReqKemPkX = kReqDeviceId + 16 + 4 + 32 + 4 + 1184;
// Response: prefix 6 | request_id 16 | frame(user_id) 20 | frame(E device_id) 20 | head seq 8 | head hash 32 |
// nonce_E 32 | signature 64. Reveal: prefix 6 | request_id 16 | nonce_N 32 | pop 64.
constexpr std::size_t kRespUser = 6 + 16 + 4;
constexpr std::size_t kRespNonce = kRespUser + 16 + 20 + 8 + 32;

void enrollment_file(const History& h, const std::string& dir) {
  Json vectors = Json::array();
  for (const auto& x : h.exchanges) {
    vectors.push_back(Json{{"name", "exchange/success/" + x.requester},
                           {"comment", x.approver + " enrolls " + x.requester + ": every message from the fixed seeds"},
                           {"kind", "exchange"},
                           {"log", x.log},
                           {"requester", x.requester},
                           {"approver", x.approver},
                           {"device_name", to_hex(std::span(reinterpret_cast<const std::uint8_t*>(x.device_name.data()),
                                                            x.device_name.size()))},
                           {"created", kT0},
                           {"lifetime", kLifetime},
                           {"approver_now", kT0 + 5},
                           {"requester_now", kT0 + 10},
                           {"reveal_now", kT0 + 15},
                           {"requester_rng_seed", to_hex(x.requester_rng)},
                           {"approver_rng_seed", to_hex(x.approver_rng)},
                           {"request", to_hex(x.request)},
                           {"response", to_hex(x.response)},
                           {"reveal", to_hex(x.reveal)},
                           {"transcript_hash", to_hex(x.transcript_hash)},
                           {"sas", x.sas},
                           {"expect", "success"}});
  }
  const auto& laptop = h.exchanges.at(0);
  const auto& phone = h.exchanges.at(1);

  // The three messages checked together (enrollment_transcript): E's reveal checks plus the response's binding.
  auto transcript = [&](const std::string& expect, const std::string& name, const std::string& comment,
                        const Bytes& request, const Bytes& response, const Bytes& reveal) {
    vectors.push_back(Json{{"name", "transcript/" + expect + "/" + name},
                           {"comment", comment},
                           {"kind", "transcript"},
                           {"request", to_hex(request)},
                           {"response", to_hex(response)},
                           {"reveal", to_hex(reveal)},
                           {"expect", expect}});
  };
  const Bytes& q = laptop.request;
  const Bytes& r = laptop.response;
  const Bytes& v = laptop.reveal;
  transcript("enrollment_invalid", "nonce", "the reveal's nonce_N: it no longer opens the commitment", q, r,
             flip(v, 6 + 16 + 3));
  transcript("enrollment_invalid", "reveal-request-id", "the reveal's request id", q, r, flip(v, 6));
  transcript("enrollment_invalid", "response-request-id", "the response's request id", q, flip(r, 7), v);
  transcript("enrollment_invalid", "reveal-truncated", "the reveal without its last byte", q, r, cut(v, v.size() - 1));
  transcript("enrollment_invalid", "reveal-extended", "a byte after the reveal", q, r, extend(v));
  transcript("enrollment_invalid", "response-truncated", "the response without its last byte", q, cut(r, r.size() - 1),
             v);
  transcript("enrollment_invalid", "request-magic", "the request's magic", flip(q, 0), r, v);
  transcript("enrollment_invalid", "reveal-type", "the reveal typed as a response", q, r, flip(v, 5, 0x01));
  transcript("enrollment_invalid", "other-exchange-request", "the phone's request with the laptop's messages",
             phone.request, r, v);
  transcript("signature_invalid", "pop", "one bit of the reveal's proof of possession", q, r, flip(v, v.size() - 1));
  transcript("signature_invalid", "nonce-e", "the response's nonce_E: another transcript, the pop fails", q,
             flip(r, kRespNonce), v);
  transcript("signature_invalid", "user-id", "the response's user id: the pop is for another account", q,
             flip(r, kRespUser), v);
  transcript("signature_invalid", "request-created", "the request's creation time: another transcript",
             flip(q, 6 + 16 + 7), r, v);

  // The approver's checks of a request (EnrollmentApprover::on_request), in the spec's order.
  auto request = [&](const std::string& expect, const std::string& name, const std::string& comment,
                     const std::string& approver, const std::vector<std::string>& log, const Bytes& bytes,
                     std::uint64_t now, const Json& used) {
    vectors.push_back(Json{{"name", "request/" + expect + "/" + name},
                           {"comment", comment},
                           {"kind", "request"},
                           {"approver", approver},
                           {"log", log},
                           {"request", to_hex(bytes)},
                           {"now", now},
                           {"used", used},
                           {"expect", expect}});
  };
  const Json none = Json::array();
  const std::string laptop_id = to_hex(std::span(q).subspan(6, 16));
  request("success", "laptop", "the laptop's request, 5 s after it was made", "desktop", h.log1, q, kT0 + 5, none);
  request("success", "other-request-used", "another request id is recorded as used", "desktop", h.log1, q, kT0 + 5,
          Json::array({Json{{"request_id", to_hex(std::span(phone.request).subspan(6, 16))}, {"expires", kT0 + 600}}}));
  request("success", "clock-ahead-600", "created 600 s after the approver's clock (the limit)", "desktop", h.log1, q,
          kT0 - 600, none);
  request("device_not_enrolled", "approver-not-in-log", "the laptop answers before it was added", "laptop", h.log1, q,
          kT0 + 5, none);
  request("device_not_enrolled", "approver-revoked", "the revoked laptop answers the phone's request", "laptop", h.log4,
          phone.request, kT0 + 5, none);
  request("enrollment_invalid", "truncated", "the request without its last byte", "desktop", h.log1,
          cut(q, q.size() - 1), kT0 + 5, none);
  request("enrollment_invalid", "trailing-byte", "a byte after the commitment", "desktop", h.log1, extend(q), kT0 + 5,
          none);
  request("enrollment_invalid", "lifetime-0", "expires = created", "desktop", h.log1, with_u64(q, kReqExpires, kT0),
          kT0, none);
  request("enrollment_invalid", "lifetime-601", "expires = created + 601", "desktop", h.log1,
          with_u64(q, kReqExpires, kT0 + 601), kT0 + 5, none);
  Bytes recovery_id = q;
  std::fill(recovery_id.begin() + kReqDeviceId, recovery_id.begin() + kReqDeviceId + 16, 0xff);
  request("enrollment_invalid", "recovery-device-id", "the device id ff..ff (the recovery key's)", "desktop", h.log1,
          recovery_id, kT0 + 5, none);
  Bytes small_order = q;
  std::fill(small_order.begin() + kReqKemPkX, small_order.begin() + kReqKemPkX + 32, 0);
  request("enrollment_invalid", "kem-key-small-order", "the X25519 part of the KEM key is 0 (section 8.2)", "desktop",
          h.log1, small_order, kT0 + 5, none);
  request("enrollment_invalid", "version", "version byte 0x02", "desktop", h.log1, flip(q, 4, 0x03), kT0 + 5, none);
  request("enrollment_expired", "at-expiry", "now = expires", "desktop", h.log1, q, kT0 + kLifetime, none);
  request("enrollment_expired", "clock-ahead-601", "created 601 s after the approver's clock", "desktop", h.log1, q,
          kT0 - 601, none);
  request("enrollment_replayed", "used", "the request id was answered before", "desktop", h.log1, q, kT0 + 5,
          Json::array({Json{{"request_id", laptop_id}, {"expires", kT0 + kLifetime}}}));
  request("already_exists", "enrolled", "the laptop asks again once enrolled", "desktop", h.log2, q, kT0 + 5, none);
  request("already_exists", "revoked", "the revoked laptop asks again", "desktop", h.log4, q, kT0 + 5, none);

  Json doc = file_header("coffre-enrollment-vectors", "Enrolling a device (docs/SPEC.md section 12)", h);
  doc["vectors"] = vectors;
  save(dir + "/enrollment.json", doc);
}

// ---- account-state.json ------------------------------------------------------------------------------------------

// Root wrap: "CFRW" 4 | version 1 | epoch 4 | frame(recipient) 20 | ct 1120 (ct_X at 1088) | AEAD 48.
constexpr std::size_t kWrapCt = 4 + 1 + 4 + 20;
constexpr std::size_t kWrapCtX = kWrapCt + 1088;
constexpr std::size_t kWrapAead = kWrapCt + 1120;
// Sealed state: "CFRS" 4 | version 1 | epoch 4 | nonce 24 | AEAD.
constexpr std::size_t kStateNonce = 9;

void account_state_file(const History& h, const std::string& dir) {
  Json vectors = Json::array();
  const auto& plan = *h.revocation;
  const Bytes& wrap1_desktop = h.account->wraps.at(0).bytes;
  const Bytes& wrap1_recovery = h.account->wraps.at(1).bytes;
  const Bytes& sealed1 = h.account->sealed_state;
  const Bytes& wrap4_desktop = plan.wraps.at(0).bytes;
  const Bytes& wrap4_phone = plan.wraps.at(1).bytes;
  const Bytes& wrap4_recovery = plan.wraps.at(2).bytes;
  const Bytes& sealed4 = plan.sealed_state;

  auto add = [&](const std::string& expect, const std::string& name, const std::string& comment,
                 const std::vector<std::string>& log, const std::string& recipient, const Bytes& wrap,
                 const Bytes& sealed, const RootKey* root, const AccountSecrets* secrets) {
    Json v{{"name", expect + "/" + name}, {"comment", comment}, {"log", log}, {"recipient", recipient},
           {"wrap", to_hex(wrap)},         {"sealed_state", to_hex(sealed)}, {"expect", expect}};
    if (expect == "success") {
      v["identity_fingerprint"] = identity_fingerprint(h.verify(log));
      v["root_key"] = to_hex(root->secret().reveal());
      v["root_epoch"] = root->epoch();
      Json versions = Json::array();
      for (const auto& k : secrets->suite_keys()) versions.push_back(k.version);
      v["suite_versions"] = versions;
    }
    vectors.push_back(v);
  };
  const RootKey& root1 = h.account->root;
  const AccountSecrets& secrets1 = h.account->secrets;
  add("success", "desktop-epoch-1", "the creating device, epoch 1", h.log1, "desktop", wrap1_desktop, sealed1, &root1,
      &secrets1);
  add("success", "recovery-epoch-1", "the recovery key, epoch 1", h.log1, "recovery", wrap1_recovery, sealed1, &root1,
      &secrets1);
  add("success", "laptop-epoch-1", "the wrap desktop made when it enrolled the laptop", h.log2, "laptop",
      h.laptop_wrap, sealed1, &root1, &secrets1);
  add("success", "phone-epoch-1", "the wrap laptop made when it enrolled the phone", h.log3, "phone", h.phone_wrap,
      sealed1, &root1, &secrets1);
  add("success", "desktop-epoch-2", "after the laptop's revocation: suite keys 1 and 2", h.log4, "desktop",
      wrap4_desktop, sealed4, &plan.root, &plan.secrets);
  add("success", "phone-epoch-2", "after the laptop's revocation", h.log4, "phone", wrap4_phone, sealed4, &plan.root,
      &plan.secrets);
  add("success", "recovery-epoch-2", "after the laptop's revocation", h.log4, "recovery", wrap4_recovery, sealed4,
      &plan.root, &plan.secrets);

  auto bad = [&](const std::string& name, const std::string& comment, const std::vector<std::string>& log,
                 const std::string& recipient, const Bytes& wrap, const Bytes& sealed) {
    add("wrap_invalid", name, comment, log, recipient, wrap, sealed, nullptr, nullptr);
  };
  // Misbound wraps.
  bad("revoked-laptop-old-wrap", "the revoked laptop, its epoch-1 wrap, the epoch-2 log", h.log4, "laptop",
      h.laptop_wrap, sealed4);
  bad("revoked-laptop-new-wraps", "the revoked laptop tries the desktop's epoch-2 wrap", h.log4, "laptop",
      wrap4_desktop, sealed4);
  bad("revoked-laptop-recovery-wrap", "the revoked laptop tries the recovery key's epoch-2 wrap", h.log4, "laptop",
      wrap4_recovery, sealed4);
  bad("other-device-wrap", "the laptop opens the desktop's wrap", h.log2, "laptop", wrap1_desktop, sealed1);
  bad("device-wrap-as-recovery", "the recovery key opens the desktop's wrap", h.log1, "recovery", wrap1_desktop,
      sealed1);
  add("log_fork", "recovery-forged-genesis",
      "the recovery key's wrap, with a genesis whose recovery MAC the phrase did not make (section 13)",
      h.forged_genesis, "recovery", wrap1_recovery, sealed1, nullptr, nullptr);
  bad("old-epoch-wrap", "the desktop's epoch-1 wrap with the epoch-2 log", h.log4, "desktop", wrap1_desktop, sealed4);
  {
    const auto other_seed = named_seed("other-user");
    auto other_user = UserId::from_bytes(std::span(other_seed).first(UserId::kSize)).take();
    DeterministicRng rng(named_seed("account-state/other-user"));
    auto wrap = must(wrap_root_key(root1, other_user, h.desktop.keys.id, h.desktop.keys.kem_pk, rng), "wrap");
    bad("other-user-wrap", "a wrap to the desktop's key and id, made for another user id", h.log1, "desktop", wrap,
        sealed1);
    auto sealed = must(seal_account_state(root1, other_user, secrets1, rng), "seal");
    bad("other-user-state", "the account's secrets sealed under its root key for another user id", h.log1, "desktop",
        wrap1_desktop, sealed);
    auto other_secrets = must(AccountSecrets::generate(rng), "secrets");
    auto foreign = must(seal_account_state(root1, h.v1->user, other_secrets, rng), "seal");
    bad("foreign-secrets", "another identity and suite key sealed for this account (opens, fails the log check)",
        h.log1, "desktop", wrap1_desktop, foreign);
  }
  bad("old-epoch-state", "the epoch-1 sealed state with the epoch-2 root key", h.log4, "desktop", wrap4_desktop,
      sealed1);
  bad("new-state-old-log", "the epoch-2 state with the epoch-1 wrap and log", h.log3, "desktop", wrap1_desktop,
      sealed4);
  // Tampered wraps (every field) and states.
  const struct {
    const char* name;
    std::size_t at;
  } wrap_fields[] = {{"wrap-magic", 0},       {"wrap-version", 4},        {"wrap-epoch", 8},
                     {"wrap-frame-length", 12}, {"wrap-recipient", 13},     {"wrap-ct-mlkem", kWrapCt + 500},
                     {"wrap-ct-x25519", kWrapCtX + 7}, {"wrap-aead", kWrapAead + 3}, {"wrap-tag", kWrapAead + 47}};
  for (const auto& f : wrap_fields) {
    bad(f.name, "one bit of the desktop's epoch-1 wrap at byte " + std::to_string(f.at), h.log1, "desktop",
        flip(wrap1_desktop, f.at), sealed1);
  }
  Bytes zero_ct_x = wrap1_desktop;
  std::fill(zero_ct_x.begin() + kWrapCtX, zero_ct_x.begin() + kWrapCtX + 32, 0);
  bad("wrap-ct-x25519-small-order", "ct_X = 0 (small order, section 8.4)", h.log1, "desktop", zero_ct_x, sealed1);
  bad("wrap-truncated", "the wrap without its last byte", h.log1, "desktop", cut(wrap1_desktop, 1196), sealed1);
  bad("wrap-extended", "a byte after the wrap", h.log1, "desktop", extend(wrap1_desktop), sealed1);
  const struct {
    const char* name;
    std::size_t at;
  } state_fields[] = {{"state-magic", 0}, {"state-version", 4}, {"state-epoch", 8}, {"state-nonce", kStateNonce + 5},
                      {"state-ciphertext", kStateNonce + 24 + 10}, {"state-tag", sealed1.size() - 1}};
  for (const auto& f : state_fields) {
    bad(f.name, "one bit of the epoch-1 sealed state at byte " + std::to_string(f.at), h.log1, "desktop",
        wrap1_desktop, flip(sealed1, f.at));
  }
  bad("state-truncated", "the sealed state without its last byte", h.log1, "desktop", wrap1_desktop,
      cut(sealed1, sealed1.size() - 1));
  bad("state-extended", "a byte after the sealed state", h.log1, "desktop", wrap1_desktop, extend(sealed1));

  Json doc = file_header("coffre-account-state-vectors",
                         "Root-key wraps and sealed account states (docs/SPEC.md sections 11 and 14)", h);
  doc["recovery_entropy"] = to_hex(h.recovery_entropy);
  auto words = must(h.phrase->words(), "words");
  doc["recovery_phrase"] = std::string(words.reveal().begin(), words.reveal().end());
  doc["vectors"] = vectors;
  save(dir + "/account-state.json", doc);
}

}  // namespace

void write_account_vectors(const std::string& dir) {
  History h;
  enrollment_file(h, dir);
  account_state_file(h, dir);
}

}  // namespace coffre::vectors
