// Deterministic generator of vectors/sharing.json (section 16) and vectors/directory.json (section 17); format in
// vectors/README.md. Every key comes from DeterministicRng seeded by a name. Objects the library never makes (a
// list signed out of order, a wrap changed then signed again) are built here from the spec's layout.
#include "generate_sharing.hpp"

#include "hex.hpp"

#include <coffre/coffre.hpp>
#include <nlohmann/json.hpp>

#include <sodium.h>

#include <fstream>

namespace coffre::vectors {

namespace {

using json = nlohmann::json;
using Bytes = std::vector<std::uint8_t>;

constexpr std::uint64_t kCreated = 1'800'000'000;

DeterministicRng rng_for(std::string_view name) {
  std::array<std::uint8_t, 32> s{};
  crypto_generichash(s.data(), s.size(), reinterpret_cast<const std::uint8_t*>(name.data()), name.size(), nullptr, 0);
  return DeterministicRng(s);
}

struct User {
  UserId id;
  AccountSecrets secrets;
  TrustedIdentity identity() const { return TrustedIdentity::of(id, secrets); }
  WrapRecipient recipient() const { return WrapRecipient::of(id, secrets).take(); }
};

User user(std::string_view name) {
  auto rng = rng_for("user/" + std::string(name));
  auto secrets = AccountSecrets::generate(rng).take();
  return User{UserId::generate(rng), std::move(secrets)};
}

std::vector<SuiteSecretKey> copy_suite_keys(const AccountSecrets& s) {
  std::vector<SuiteSecretKey> keys;
  for (const auto& k : s.suite_keys())
    keys.push_back({k.version, XWingSecretKey::from_bytes(k.key.secret().reveal()).take()});
  return keys;
}

// The same account with one more suite key (same identity key), or with the next identity generation.
User with_new_suite_key(const User& u, std::string_view name) {
  auto rng = rng_for("suite/" + std::string(name));
  auto keys = copy_suite_keys(u.secrets);
  keys.push_back({u.secrets.current_suite_key().version + 1, xwing_generate(rng).take()});
  return User{u.id, AccountSecrets::create(SigningKey::from_seed(u.secrets.identity().seed().reveal()).take(),
                                           u.secrets.identity_generation(), std::move(keys))
                        .take()};
}
User with_next_identity(const User& u, std::string_view name) {
  auto rng = rng_for("identity/" + std::string(name));
  return User{u.id, AccountSecrets::create(SigningKey::generate(rng).take(), u.secrets.identity_generation() + 1,
                                           copy_suite_keys(u.secrets))
                        .take()};
}

json identity_json(const TrustedIdentity& t) {
  return {{"user_id", to_hex(t.user.bytes)}, {"identity_pk", to_hex(t.identity_pk.bytes())}, {"generation", t.generation}};
}

json secrets_json(const User& u) {
  json keys = json::array();
  for (const auto& k : u.secrets.suite_keys()) keys.push_back({{"version", k.version}, {"seed", to_hex(k.key.secret().reveal())}});
  return {{"user_id", to_hex(u.id.bytes)},
          {"identity_seed", to_hex(u.secrets.identity().seed().reveal())},
          {"identity_generation", u.secrets.identity_generation()},
          {"suite_keys", std::move(keys)}};
}

json document_json(const DocumentRef& d) {
  return {{"owner", to_hex(d.owner.bytes)}, {"id", to_hex(d.id.bytes)}, {"purpose", static_cast<int>(d.purpose)}};
}

void put_u32(Bytes& b, std::uint32_t v) {
  for (int s = 24; s >= 0; s -= 8) b.push_back(static_cast<std::uint8_t>(v >> s));
}
void put_u64(Bytes& b, std::uint64_t v) {
  put_u32(b, static_cast<std::uint32_t>(v >> 32));
  put_u32(b, static_cast<std::uint32_t>(v));
}
// (resize + copy rather than insert: GCC 12 at -O3 warns falsely about inserts into small vectors.)
void put(Bytes& b, std::span<const std::uint8_t> x) {
  const std::size_t at = b.size();
  b.resize(at + x.size());
  std::copy(x.begin(), x.end(), b.begin() + static_cast<std::ptrdiff_t>(at));
}
Bytes flip(Bytes b, std::size_t at, std::uint8_t mask = 0x01) {
  b.at(at) ^= mask;
  return b;
}
Bytes cut(const Bytes& b, std::size_t n) { return Bytes(b.begin(), b.begin() + static_cast<std::ptrdiff_t>(n)); }
Bytes extended(Bytes b) {
  b.push_back(0);
  return b;
}
// Replaces the trailing 64-byte signature with `signer`'s signature under `label` of every byte before it.
Bytes resigned(Bytes b, std::string_view label, const SigningKey& signer, std::size_t signed_size) {
  auto sig = signer.sign(label, std::span(b).first(signed_size));
  std::copy(sig.begin(), sig.end(), b.begin() + static_cast<std::ptrdiff_t>(signed_size));
  return b;
}

// An access list from the spec's layout, members as given (no sorting), signed by `signer`.
Bytes raw_access(std::uint8_t purpose, const DocumentRef& d, std::uint32_t generation, std::uint32_t key_version,
                 std::uint64_t revision, const std::vector<UserId>& members, const SigningKey& signer) {
  Bytes b{'C', 'F', 'R', 'A', 0x01, purpose};
  put(b, d.owner.bytes);
  put(b, d.id.bytes);
  put_u32(b, generation);
  put_u32(b, key_version);
  put_u64(b, revision);
  put_u32(b, static_cast<std::uint32_t>(members.size()));
  for (const auto& m : members) put(b, m.bytes);
  auto sig = signer.sign("coffre/v1/access/signature", b);
  put(b, sig);
  return b;
}

void save(const std::string& path, const std::string& title, json list) {
  json doc = {{"format", "coffre-vectors"},
              {"spec_version", 1},
              {"title", title},
              {"generator", "vectors/src/generate_sharing.cpp"},
              {"vectors", std::move(list)}};
  std::ofstream(path) << doc.dump(1) << "\n";
}

// ----------------------------------------------------------------------------------------------- sharing.json

struct SharingScene {
  User alice = user("alice"), bob = user("bob"), carol = user("carol"), mallory = user("mallory");
  DocumentRef doc{alice.id, [] {
                    auto rng = rng_for("document/1");
                    return DocumentId::generate(rng);
                  }(),
                  Purpose::document};
  VersionedContentKey key = [] {
    auto rng = rng_for("content-key/1");
    return VersionedContentKey::generate(1, rng).take();
  }();
  AccessList access = make_access_list(alice.secrets, doc, 1, 1, {bob.id, carol.id}).take();

  Bytes wrap(const User& sender, const WrapRecipient& to, const AccessList& list, const VersionedContentKey& k,
             std::string_view name) const {
    auto rng = rng_for("wrap/" + std::string(name));
    return wrap_content_key(sender.id, sender.secrets, to, list, k, rng).take();
  }
};

json access_vector(const std::string& name, const std::string& comment, const Bytes& list,
                   const TrustedIdentity& owner, const DocumentRef& expected, std::optional<AccessPin> pin,
                   const std::string& expect) {
  json v = {{"name", "access-list/" + expect + "/" + name},
            {"comment", comment},
            {"envelope", "access-list"},
            {"owner", identity_json(owner)},
            {"document", document_json(expected)},
            {"access-list", to_hex(list)},
            {"expect", expect}};
  v["pin"] = pin ? json{{"revision", pin->revision}, {"key_version", pin->key_version}} : json(nullptr);
  if (expect == "success") {
    auto opened = open_access_list(list, owner, expected, pin).take();
    json members = json::array();
    for (const auto& m : opened.members()) members.push_back(to_hex(m.bytes));
    v["members"] = std::move(members);
    v["key_version"] = opened.key_version();
    v["revision"] = opened.revision();
  }
  return v;
}

void access_list_vectors(json& out, const SharingScene& s) {
  const TrustedIdentity owner = s.alice.identity();
  const Bytes& good = s.access.bytes();
  auto add = [&](const std::string& name, const std::string& comment, const Bytes& list, const std::string& expect,
                 std::optional<AccessPin> pin = std::nullopt, const DocumentRef* expected = nullptr,
                 const TrustedIdentity* trusted = nullptr) {
    out.push_back(access_vector(name, comment, list, trusted ? *trusted : owner, expected ? *expected : s.doc, pin,
                                expect));
  };
  const SigningKey& a = s.alice.secrets.identity();
  const auto& m = s.access.members();

  add("three-members", "the owner and two members, no pin", good, "success");
  add("pinned-equal", "pinned at this very list", good, "success", AccessPin{1, 1});
  for (auto [purpose, label] : {std::pair{Purpose::file, "file"}, std::pair{Purpose::drive_node, "drive-node"}}) {
    DocumentRef d = s.doc;
    d.purpose = purpose;
    add(std::string("purpose-") + label, std::string("a content key for a ") + label,
        make_access_list(s.alice.secrets, d, 3, 7, {s.bob.id}).take().bytes(), "success", AccessPin{6, 2}, &d);
  }
  add("owner-only", "the owner alone", make_access_list(s.alice.secrets, s.doc, 1, 1, {}).take().bytes(), "success");

  add("cut", "one byte short", cut(good, good.size() - 1), "record_invalid");
  add("extended", "one byte appended", extended(good), "record_invalid");
  add("magic", "magic altered", flip(good, 0), "record_invalid");
  add("version", "version 2", flip(good, 4, 0x03), "record_invalid");
  add("purpose-unknown", "purpose 4, signed", raw_access(4, s.doc, 1, 1, 1, m, a), "record_invalid");
  add("no-member", "n = 0, signed", raw_access(1, s.doc, 1, 1, 1, {}, a), "record_invalid");
  add("n-mismatch", "n says 4 for 3 members", flip(good, 57, 0x07), "record_invalid");
  add("unsorted", "members out of order, signed", raw_access(1, s.doc, 1, 1, 1, {m[1], m[0], m[2]}, a),
      "record_invalid");
  add("duplicate", "a member twice, signed", raw_access(1, s.doc, 1, 1, 1, {m[0], m[0], m[1], m[2]}, a),
      "record_invalid");
  std::vector<UserId> without_owner;
  for (const auto& u : m)
    if (!(u == s.alice.id)) without_owner.push_back(u);
  add("owner-not-member", "the owner is not a member, signed", raw_access(1, s.doc, 1, 1, 1, without_owner, a),
      "record_invalid");
  add("key-version-0", "key_version 0, signed", raw_access(1, s.doc, 1, 0, 1, m, a), "record_invalid");
  add("revision-0", "revision 0, signed", raw_access(1, s.doc, 1, 1, 0, m, a), "record_invalid");

  DocumentRef other = s.doc;
  other.id.bytes[0] ^= 0xff;
  add("other-document", "opened for another document of the owner", good, "wrong_context", std::nullopt, &other);
  DocumentRef as_file = s.doc;
  as_file.purpose = Purpose::file;
  add("other-purpose", "opened as a file's list", good, "wrong_context", std::nullopt, &as_file);

  TrustedIdentity gen2 = owner;
  gen2.generation = 2;
  add("owner-generation", "the client trusts the owner's generation 2", good, "trust_mismatch", std::nullopt, nullptr,
      &gen2);

  add("signature", "signature altered", flip(good, good.size() - 1), "signature_invalid");
  add("revision-altered", "revision altered (signed field)", flip(good, 53, 0x02), "signature_invalid");
  add("signed-by-another", "signed by Mallory's identity key",
      raw_access(1, s.doc, 1, 1, 1, m, s.mallory.secrets.identity()), "signature_invalid");
  TrustedIdentity substituted = s.mallory.identity();
  substituted.user = s.alice.id;
  add("substituted-owner-key", "the client was given Mallory's key as the owner's", good, "signature_invalid",
      std::nullopt, nullptr, &substituted);

  add("below-pinned-revision", "the store replays revision 1 after the client saw revision 2", good,
      "key_version_rollback", AccessPin{2, 1});
  add("below-pinned-key-version", "the store replays key version 1 after the client saw version 2", good,
      "key_version_rollback", AccessPin{1, 2});
}

json wrap_vector(const std::string& name, const std::string& comment, const SharingScene& s, const AccessList& list,
                 const User& me, const TrustedIdentity& sender, const Bytes& wrap, const std::string& expect) {
  json v = {{"name", "content-wrap/" + expect + "/" + name},
            {"comment", comment},
            {"envelope", "content-wrap"},
            {"owner", identity_json(s.alice.identity())},
            {"document", document_json(list.document())},
            {"access-list", to_hex(list.bytes())},
            {"me", secrets_json(me)},
            {"sender", identity_json(sender)},
            {"wrap", to_hex(wrap)},
            {"expect", expect}};
  if (expect == "success") {
    auto k = open_content_wrap(wrap, me.id, me.secrets, list, sender).take();
    v["key_version"] = k.version;
    v["content_key"] = to_hex(k.key.secret().reveal());
  }
  return v;
}

void content_wrap_vectors(json& out, const SharingScene& s) {
  const Bytes to_bob = s.wrap(s.alice, s.bob.recipient(), s.access, s.key, "alice-bob");
  const TrustedIdentity alice = s.alice.identity();
  auto add = [&](const std::string& name, const std::string& comment, const Bytes& wrap, const std::string& expect,
                 const User* me = nullptr, const TrustedIdentity* sender = nullptr, const AccessList* list = nullptr) {
    out.push_back(wrap_vector(name, comment, s, list ? *list : s.access, me ? *me : s.bob, sender ? *sender : alice,
                              wrap, expect));
  };
  const SigningKey& a = s.alice.secrets.identity();
  constexpr std::size_t kSigned = kContentWrapSize - 64, kCtEnd = 82 + 1120;
  auto alice_resigned = [&](Bytes w) { return resigned(std::move(w), "coffre/v1/wrap/signature", a, kSigned); };

  add("owner-to-member", "Alice (owner) to Bob", to_bob, "success");
  add("self-wrap", "Alice to herself", s.wrap(s.alice, s.alice.recipient(), s.access, s.key, "self"), "success",
      &s.alice);
  const TrustedIdentity bob = s.bob.identity();
  add("member-to-member", "Bob to Carol, accepted with Bob's identity",
      s.wrap(s.bob, s.carol.recipient(), s.access, s.key, "bob-carol"), "success", &s.carol, &bob);
  // Carol rotated her suite key: a wrap to version 2 opens with her keys 1 and 2, and so does her old wrap.
  const User carol2 = with_new_suite_key(s.carol, "carol-2");
  add("suite-version-2", "to Carol's suite key version 2 (she holds 1 and 2)",
      s.wrap(s.alice, carol2.recipient(), s.access, s.key, "alice-carol-2"), "success", &carol2);
  add("suite-version-1-after-rotation", "an old wrap to suite key 1 still opens after Carol's rotation",
      s.wrap(s.alice, s.carol.recipient(), s.access, s.key, "alice-carol-1"), "success", &carol2);

  add("cut", "one byte short", cut(to_bob, kContentWrapSize - 1), "wrap_invalid");
  add("extended", "one byte appended", extended(to_bob), "wrap_invalid");
  add("magic", "magic altered", flip(to_bob, 1), "wrap_invalid");
  add("version", "version 2", flip(to_bob, 4, 0x03), "wrap_invalid");
  add("suite-version-not-held", "to Carol's suite key version 2, opened by Carol's device that holds only version 1",
      s.wrap(s.alice, carol2.recipient(), s.access, s.key, "alice-carol-2"), "wrap_invalid", &s.carol);
  WrapRecipient bob_v7 = s.bob.recipient();
  bob_v7.suite_version = 7;
  add("suite-version-unknown", "to a suite key version 7 Bob never had",
      s.wrap(s.alice, bob_v7, s.access, s.key, "alice-bob-7"), "wrap_invalid");
  add("ct-resigned", "a ct byte altered, then signed again by the sender", alice_resigned(flip(to_bob, 300)),
      "wrap_invalid");
  add("sealed-key-resigned", "a sealed_key byte altered, then signed again", alice_resigned(flip(to_bob, kCtEnd + 3)),
      "wrap_invalid");
  Bytes small_order = to_bob;
  std::fill(small_order.begin() + kCtEnd - 32, small_order.begin() + kCtEnd, 0);
  add("small-order-ct", "ct_X = 0 (small order), signed again: decapsulation fails", alice_resigned(small_order),
      "wrap_invalid");

  auto doc2 = s.doc;
  doc2.id.bytes[15] ^= 0x01;
  const AccessList access2 = make_access_list(s.alice.secrets, doc2, 1, 1, {s.bob.id, s.carol.id}).take();
  add("other-document", "Bob's wrap opened under another document's list", to_bob, "wrong_context", nullptr, nullptr,
      &access2);
  auto rotate_rng = rng_for("rotation/1");
  const auto rotation = rotate_content_key(s.alice.secrets, s.access, std::vector<UserId>{s.carol.id}, rotate_rng).take();
  add("other-key-version", "a wrap of key version 1 served as version 2", to_bob, "wrong_context", nullptr, nullptr,
      &rotation.access);
  add("other-recipient", "Bob's wrap served to Carol", to_bob, "wrong_context", &s.carol);
  add("purpose", "purpose byte altered", flip(to_bob, 5, 0x03), "wrong_context");
  add("removed-member", "after Carol's removal, Bob's version-2 wrap served to Carol",
      s.wrap(s.alice, s.bob.recipient(), rotation.access, rotation.key, "v2-bob"), "wrong_context", &s.carol, nullptr,
      &rotation.access);

  const TrustedIdentity mallory = s.mallory.identity();
  Bytes from_mallory = to_bob;
  std::copy(s.mallory.id.bytes.begin(), s.mallory.id.bytes.end(), from_mallory.begin() + 42);
  from_mallory = resigned(from_mallory, "coffre/v1/wrap/signature", s.mallory.secrets.identity(), kSigned);
  add("sender-not-member", "signed by Mallory, who is not a member", from_mallory, "not_a_member", nullptr, &mallory);
  const User dave = user("dave");
  Bytes to_dave = to_bob;
  std::copy(dave.id.bytes.begin(), dave.id.bytes.end(), to_dave.begin() + 62);
  add("recipient-not-member", "addressed to Dave, who is not a member", alice_resigned(to_dave), "not_a_member", &dave);

  TrustedIdentity alice_gen2 = alice;
  alice_gen2.generation = 2;
  add("sender-generation", "the client trusts Alice's generation 2", to_bob, "trust_mismatch", nullptr, &alice_gen2);

  add("signature", "signature altered", flip(to_bob, kContentWrapSize - 1), "signature_invalid");
  add("ct", "a ct byte altered", flip(to_bob, 500), "signature_invalid");
  add("suite-version-altered", "recipient suite version altered", flip(to_bob, 81, 0x02), "signature_invalid");
  add("store-made", "a wrap the store made, claiming to come from Alice (signed with another key)",
      resigned(to_bob, "coffre/v1/wrap/signature", s.mallory.secrets.identity(), kSigned), "signature_invalid");
}

// --------------------------------------------------------------------------------------------- directory.json

json record_vector(const std::string& name, const std::string& comment, const Bytes& record,
                   const std::string& expect) {
  json v = {{"name", "directory-record/" + expect + "/" + name},
            {"comment", comment},
            {"envelope", "directory-record"},
            {"record", to_hex(record)},
            {"expect", expect}};
  if (expect == "success") {
    auto r = verify_record(record).take();
    v["user_id"] = to_hex(r.user().bytes);
    v["identity_generation"] = r.identity_generation();
    v["identity_pk"] = to_hex(r.identity_pk().bytes());
    v["suite_version"] = r.suite_version();
    v["created"] = r.created();
  }
  return v;
}

Bytes record_bytes(const User& u, const SigningKey* previous = nullptr, std::uint64_t created = kCreated) {
  auto r = make_directory_record(u.id, u.secrets, created, previous).take();
  return Bytes(r.bytes().begin(), r.bytes().end());
}

constexpr std::size_t kRecordSigned = 1317;
Bytes resign_record(Bytes r, const SigningKey& identity) {
  return resigned(std::move(r), "coffre/v1/directory/record", identity, kRecordSigned);
}

void record_vectors(json& out) {
  const User u = user("uma"), m = user("mallory");
  const User u2 = with_next_identity(u, "uma-2");
  const SigningKey& k = u.secrets.identity();
  const Bytes r1 = record_bytes(u);
  const Bytes r2 = record_bytes(u2, &k);
  auto add = [&](const std::string& name, const std::string& comment, const Bytes& r, const std::string& expect) {
    out.push_back(record_vector(name, comment, r, expect));
  };
  add("generation-1", "a first identity generation", r1, "success");
  add("generation-2", "generation 2, continuity signed by generation 1", r2, "success");
  add("cut", "one byte short", cut(r1, r1.size() - 1), "record_invalid");
  add("extended", "one byte appended", extended(r1), "record_invalid");
  add("magic", "magic altered", flip(r1, 2), "record_invalid");
  add("version", "version 2", flip(r1, 4, 0x03), "record_invalid");
  Bytes gen0 = r1;
  gen0[24] = 0;
  add("generation-0", "identity generation 0, signed", resign_record(gen0, k), "record_invalid");
  Bytes suite0 = r1;
  suite0[60] = 0;
  add("suite-version-0", "suite version 0, signed", resign_record(suite0, k), "record_invalid");
  add("generation-1-with-previous", "generation 1 with a nonzero prev_identity_pk, signed",
      resign_record(flip(r1, 1300), k), "record_invalid");
  add("generation-1-with-continuity", "generation 1 with a nonzero continuity_sig", flip(r1, 1400), "record_invalid");
  Bytes no_prev = r2;
  std::fill(no_prev.begin() + 1285, no_prev.begin() + 1317, 0);
  add("generation-2-without-previous", "generation 2 with a zero prev_identity_pk, signed",
      resign_record(no_prev, u2.secrets.identity()), "record_invalid");
  Bytes bad_pk = r1;
  bad_pk[61] = 0xff;
  bad_pk[62] = 0xff;
  add("suite-key-not-reduced", "a suite key coefficient above q, signed", resign_record(bad_pk, k),
      "public_key_invalid");
  add("signature", "signature altered", flip(r1, 1320), "signature_invalid");
  add("suite-version-altered", "suite version altered (signed)", flip(r1, 60, 0x02), "signature_invalid");
  add("continuity", "continuity signature altered", flip(r2, 1444), "signature_invalid");
  Bytes other_prev = r2;
  auto mk = m.secrets.identity().verify_key().bytes();
  std::copy(mk.begin(), mk.end(), other_prev.begin() + 1285);
  add("continuity-other-key", "prev_identity_pk replaced by Mallory's key, record signed again",
      resign_record(other_prev, u2.secrets.identity()), "signature_invalid");
}

void safety_number_vectors(json& out) {
  const User a = user("alice"), b = user("bob");
  const std::string number = safety_number(a.identity(), b.identity()).take().to_string();
  auto add = [&](const std::string& name, const std::string& comment, const User& x, const User& y,
                 std::optional<std::string> typed, const std::string& expect) {
    json v = {{"name", "safety-number/" + expect + "/" + name},
              {"comment", comment},
              {"envelope", "safety-number"},
              {"a", identity_json(x.identity())},
              {"b", identity_json(y.identity())},
              {"expect", expect}};
    if (expect == "success" || typed) v["number"] = number;
    if (typed) v["typed"] = *typed;
    out.push_back(std::move(v));
  };
  add("alice-bob", "the number of a pair", a, b, std::nullopt, "success");
  add("bob-alice", "the same number from the other side", b, a, std::nullopt, "success");
  std::string digits, hyphens;
  for (char c : number) {
    if (c != ' ') digits += c;
    hyphens += c == ' ' ? '-' : c;
  }
  add("typed-digits", "typed as 60 digits", a, b, digits, "success");
  add("typed-hyphens-tabs", "typed with hyphens and a tab", a, b, "\t" + hyphens, "success");
  add("same-user", "a pair of one user", a, a, std::nullopt, "invalid_argument");
  add("typed-59-digits", "a digit missing", a, b, digits.substr(1), "invalid_argument");
  add("typed-letter", "a letter among the digits", a, b, "x" + digits.substr(1), "invalid_argument");
  std::string wrong = digits;
  wrong[59] = wrong[59] == '0' ? '1' : '0';
  add("typed-other-number", "one digit differs: the keys are not the ones compared", a, b, wrong, "trust_mismatch");
}

// A trust-store scenario: steps run in order on one empty store; each has its own expect.
struct Scenario {
  std::string name, comment;
  TrustedIdentity me;
  json steps = json::array();

  void observe(const Bytes& record, const std::string& expect, const std::string& observation = "") {
    json s = {{"op", "observe"}, {"record", to_hex(record)}, {"expect", expect}};
    if (!observation.empty()) s["observation"] = observation;
    steps.push_back(std::move(s));
  }
  void check_sharable(const User& u, const std::string& expect, const Bytes* pinned = nullptr) {
    json s = {{"op", "check_sharable"}, {"user_id", to_hex(u.id.bytes)}, {"expect", expect}};
    if (pinned) {
      auto r = verify_record(*pinned).take();
      s["identity"] = identity_json(r.identity());
      s["suite_version"] = r.suite_version();
      s["suite_pk_sha256"] = sha256_hex(r.suite_pk().bytes());
    }
    steps.push_back(std::move(s));
  }
  void verify(const User& u, const std::string& number, const std::string& expect) {
    steps.push_back({{"op", "verify"}, {"user_id", to_hex(u.id.bytes)}, {"number", number}, {"expect", expect}});
  }
  void refuse(const User& u, const std::string& expect) {
    steps.push_back({{"op", "refuse"}, {"user_id", to_hex(u.id.bytes)}, {"expect", expect}});
  }
  json done() {
    std::string last = steps.back().at("expect").get<std::string>();
    return {{"name", "trust-store/" + last + "/" + name},
            {"comment", comment},
            {"envelope", "trust-store"},
            {"me", identity_json(me)},
            {"steps", std::move(steps)},
            {"expect", last}};
  }
};

void trust_store_vectors(json& out) {
  const User me = user("me"), bob = user("bob"), mallory = user("mallory");
  const Bytes r1 = record_bytes(bob);
  const Bytes r1_later = record_bytes(bob, nullptr, kCreated + 60);
  const User bob_s2 = with_new_suite_key(bob, "bob-2");
  const Bytes r_suite2 = record_bytes(bob_s2);
  const User bob_g2 = with_next_identity(bob_s2, "bob-g2");
  const Bytes r_gen2 = record_bytes(bob_g2, &bob_s2.secrets.identity());
  const User bob_g3 = with_next_identity(bob_g2, "bob-g3");
  const User bob_g4 = with_next_identity(bob_g3, "bob-g4");
  const Bytes r_gen4 = record_bytes(bob_g4, &bob_g3.secrets.identity());
  const User fake{bob.id, mallory.secrets.clone().take()};
  const Bytes r_fake = record_bytes(fake);
  auto other_suite_rng = rng_for("bob-equivocation");
  std::vector<SuiteSecretKey> other_key;
  other_key.push_back({1, xwing_generate(other_suite_rng).take()});
  const User bob_equivocating{
      bob.id, AccountSecrets::create(SigningKey::from_seed(bob.secrets.identity().seed().reveal()).take(), 1,
                                     std::move(other_key))
                  .take()};
  const Bytes r_equivocating = record_bytes(bob_equivocating);
  const std::string real_number = safety_number(me.identity(), bob.identity()).take().to_string();
  const std::string fake_number = safety_number(me.identity(), fake.identity()).take().to_string();

  auto scenario = [&](std::string name, std::string comment) { return Scenario{std::move(name), std::move(comment), me.identity()}; };
  {
    auto s = scenario("first-use", "an unknown user is pinned on first use; the same key again changes nothing");
    s.check_sharable(bob, "not_found");
    s.observe(r1, "success", "pinned_first");
    s.observe(r1_later, "success", "unchanged");
    s.check_sharable(bob, "success", &r1);
    out.push_back(s.done());
  }
  {
    auto s = scenario("suite-rotation-followed", "a higher suite version of the same identity is followed");
    s.observe(r1, "success", "pinned_first");
    s.observe(r_suite2, "success", "followed");
    s.check_sharable(bob, "success", &r_suite2);
    out.push_back(s.done());
  }
  {
    auto s = scenario("suite-rollback", "the store serves suite version 1 after version 2");
    s.observe(r_suite2, "success", "pinned_first");
    s.observe(r1, "key_version_rollback");
    s.check_sharable(bob, "success", &r_suite2);
    out.push_back(s.done());
  }
  const std::string gen2_number = safety_number(me.identity(), bob_g2.identity()).take().to_string();
  {
    auto s = scenario("continuity-not-followed",
                      "generation 2 signed by the pinned generation 1 is NOT followed (a revoked device holds the old "
                      "key): pending, sharing blocked until the new number is verified");
    s.observe(r_suite2, "success", "pinned_first");
    s.verify(bob, safety_number(me.identity(), bob_s2.identity()).take().to_string(), "success");
    s.observe(r_gen2, "trust_mismatch");
    s.check_sharable(bob, "trust_mismatch");
    s.verify(bob, gen2_number, "success");
    s.check_sharable(bob, "success", &r_gen2);
    out.push_back(s.done());
  }
  {
    auto s = scenario("generation-rollback", "the store serves generation 1 after generation 2");
    s.observe(r_suite2, "success", "pinned_first");
    s.observe(r_gen2, "trust_mismatch");
    s.verify(bob, gen2_number, "success");
    s.observe(r_suite2, "key_version_rollback");
    out.push_back(s.done());
  }
  {
    auto s = scenario("generation-skip", "generation 4 signed by a generation 3 the client never saw: pending");
    s.observe(r_gen2, "success", "pinned_first");
    s.observe(r_gen4, "trust_mismatch");
    s.check_sharable(bob, "trust_mismatch");
    out.push_back(s.done());
  }
  {
    auto s = scenario("substituted-key", "another identity key under Bob's user id: pending, sharing blocked");
    s.observe(r1, "success", "pinned_first");
    s.observe(r_fake, "trust_mismatch");
    s.check_sharable(bob, "trust_mismatch");
    out.push_back(s.done());
  }
  {
    auto s = scenario("substituted-key-wrong-number",
                      "the user types the real number while the substituted key is pending: refused, still blocked");
    s.observe(r1, "success", "pinned_first");
    s.observe(r_fake, "trust_mismatch");
    s.verify(bob, real_number, "trust_mismatch");
    s.check_sharable(bob, "trust_mismatch");
    out.push_back(s.done());
  }
  {
    auto s = scenario("changed-key-verified", "the user verifies the pending key's number: it becomes pinned");
    s.observe(r1, "success", "pinned_first");
    s.observe(r_fake, "trust_mismatch");
    s.verify(bob, fake_number, "success");
    s.check_sharable(bob, "success", &r_fake);
    out.push_back(s.done());
  }
  {
    auto s = scenario("equivocation", "the same suite version with another suite key: pending");
    s.observe(r1, "success", "pinned_first");
    s.observe(r_equivocating, "trust_mismatch");
    s.check_sharable(bob, "trust_mismatch");
    out.push_back(s.done());
  }
  {
    auto s = scenario("verified", "a first-use contact verified with the right number");
    s.observe(r1, "success", "pinned_first");
    s.verify(bob, real_number, "success");
    s.check_sharable(bob, "success", &r1);
    out.push_back(s.done());
  }
  {
    auto s = scenario("refused", "a refused contact: observing and sharing are refused");
    s.refuse(bob, "not_found");
    s.observe(r1, "success", "pinned_first");
    s.refuse(bob, "success");
    s.observe(r_suite2, "user_refused");
    s.check_sharable(bob, "user_refused");
    out.push_back(s.done());
  }
  {
    auto s = scenario("record-invalid", "a record that does not verify is not observed");
    s.observe(flip(r1, 1320), "signature_invalid");
    s.check_sharable(bob, "not_found");
    out.push_back(s.done());
  }
}

}  // namespace

void write_sharing_vectors(const std::string& dir) {
  SharingScene s;
  json list = json::array();
  access_list_vectors(list, s);
  content_wrap_vectors(list, s);
  save(dir + "/sharing.json", "Access lists and content-key wraps (docs/SPEC.md section 16)", std::move(list));
}

void write_directory_vectors(const std::string& dir) {
  json list = json::array();
  record_vectors(list);
  safety_number_vectors(list);
  trust_store_vectors(list);
  save(dir + "/directory.json", "Directory records, safety numbers, trust-store decisions (docs/SPEC.md section 17)",
       std::move(list));
}

}  // namespace coffre::vectors
