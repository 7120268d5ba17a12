// Key directory records, trust store and safety numbers (docs/SPEC.md section 17), with the store serving
// substituted keys, old records, equivocating records and broken continuity.
#include "account_support.hpp"

#include <coffre/coffre.hpp>

#include <sodium.h>

using namespace coffre;
using namespace coffre::test;
namespace spec = coffre::test::acct::spec;

namespace {

constexpr std::size_t kSigned = 1317;

struct User {
  UserId id;
  AccountSecrets secrets;
  TrustedIdentity identity() const { return TrustedIdentity::of(id, secrets); }
};

User make_user(std::uint8_t n) {
  auto rng = acct::rng_for('U', n);
  auto secrets = AccountSecrets::generate(rng).take();
  return User{UserId::generate(rng), std::move(secrets)};
}

std::vector<SuiteSecretKey> copy_suite_keys(const AccountSecrets& s) {
  std::vector<SuiteSecretKey> out;
  for (const auto& k : s.suite_keys())
    out.push_back({k.version, XWingSecretKey::from_bytes(k.key.secret().reveal()).take()});
  return out;
}

// The same account with a new identity key of the next generation (same suite keys).
AccountSecrets next_identity(const AccountSecrets& s, std::uint8_t n) {
  auto rng = acct::rng_for('I', n);
  return AccountSecrets::create(SigningKey::generate(rng).take(), s.identity_generation() + 1, copy_suite_keys(s))
      .take();
}

// The same account with one more suite key.
AccountSecrets next_suite(const AccountSecrets& s, std::uint8_t n) {
  auto rng = acct::rng_for('S', n);
  auto keys = copy_suite_keys(s);
  keys.push_back(SuiteSecretKey{s.current_suite_key().version + 1, xwing_generate(rng).take()});
  return AccountSecrets::create(SigningKey::from_seed(s.identity().seed().reveal()).take(), s.identity_generation(),
                                std::move(keys))
      .take();
}

DirectoryRecord record(const User& u, std::uint64_t created = acct::kNow) {
  return make_directory_record(u.id, u.secrets, created).take();
}

Bytes bytes_of(const DirectoryRecord& r) { return Bytes(r.bytes().begin(), r.bytes().end()); }

// The spec's record, from its text.
Bytes spec_record(const UserId& user, std::uint32_t generation, const SigningKey& identity, std::uint32_t suite_version,
                  const XWingPublicKey& suite_pk, std::uint64_t created, const SigningKey* previous) {
  Bytes b;
  spec::put(b, std::string_view("CFRU\x01", 5));
  spec::put(b, user.bytes);
  spec::put_u32(b, generation);
  spec::put(b, identity.verify_key().bytes());
  spec::put_u32(b, suite_version);
  spec::put(b, suite_pk.bytes());
  spec::put_u64(b, created);
  if (previous) spec::put(b, previous->verify_key().bytes());
  else b.resize(b.size() + 32);
  auto sign = [&b](std::string_view label, const SigningKey& k) {
    Bytes m;
    spec::frame(m, label);
    spec::put(m, b);
    std::uint8_t pk[32], sk[64], sig[64];
    crypto_sign_seed_keypair(pk, sk, k.seed().reveal().data());
    crypto_sign_detached(sig, nullptr, m.data(), m.size(), sk);
    return Bytes(sig, sig + 64);
  };
  Bytes sig = sign("coffre/v1/directory/record", identity);
  Bytes cont = previous ? sign("coffre/v1/directory/continuity", *previous) : Bytes(64);
  spec::put(b, sig);
  spec::put(b, cont);
  return b;
}

// Half a safety number from the spec's text: 6 big-endian 40-bit values mod 100000, 5 digits each.
std::string spec_half(const UserId& user, const VerifyKey& pk) {
  auto part = spec::H("coffre/v1/directory/safety-number", {user.bytes, pk.bytes()});
  std::string out;
  for (int k = 0; k < 6; ++k) {
    std::uint64_t v = 0;
    for (int i = 0; i < 5; ++i) v = v * 256 + part[static_cast<std::size_t>(5 * k + i)];
    char buf[6];
    std::snprintf(buf, sizeof buf, "%05llu", static_cast<unsigned long long>(v % 100000));
    out += buf;
  }
  return out;
}

}  // namespace

TEST_CASE("directory: a record is the spec's bytes and verifies alone") {
  User u = make_user(1);
  auto r = record(u);
  auto pk = xwing_public_key(u.secrets.current_suite_key().key).take();
  CHECK(bytes_of(r) == spec_record(u.id, 1, u.secrets.identity(), 1, pk, acct::kNow, nullptr));
  auto v = verify_record(r.bytes());
  REQUIRE(v.error() == Error::ok);
  CHECK(v.value() == r);
  CHECK(v.value().user() == u.id);
  CHECK(v.value().identity() == u.identity());
  CHECK(v.value().suite_pk() == pk);
  CHECK(v.value().created() == acct::kNow);
  CHECK(!v.value().previous_identity_pk());

  // Generation 2, signed by generation 1 too.
  auto s2 = next_identity(u.secrets, 1);
  CHECK(make_directory_record(u.id, s2, acct::kNow).error() == Error::invalid_argument);
  CHECK(make_directory_record(u.id, u.secrets, acct::kNow, &s2.identity()).error() == Error::invalid_argument);
  auto r2 = make_directory_record(u.id, s2, acct::kNow, &u.secrets.identity()).take();
  CHECK(bytes_of(r2) == spec_record(u.id, 2, s2.identity(), 1, pk, acct::kNow, &u.secrets.identity()));
  CHECK(verify_record(r2.bytes()).error() == Error::ok);
  CHECK(r2.previous_identity_pk() == u.secrets.identity().verify_key());
}

TEST_CASE("directory: after a revocation, the record's continuity comes from the replaced secrets, checked") {
  User u = make_user(4), other = make_user(5);
  auto rng = acct::rng_for('C', 4);  // continuity
  auto s2 = u.secrets.rotated(SigningKey::generate(rng).take(), xwing_generate(rng).take()).take();
  auto s3 = s2.rotated(SigningKey::generate(rng).take(), xwing_generate(rng).take()).take();
  auto r2 = make_directory_record(u.id, s2, acct::kNow, u.secrets);
  REQUIRE(r2.error() == Error::ok);
  CHECK(r2.value() == make_directory_record(u.id, s2, acct::kNow, &u.secrets.identity()).take());
  CHECK(verify_record(r2.value().bytes()).error() == Error::ok);
  CHECK(r2.value().previous_identity_pk() == u.secrets.identity().verify_key());
  CHECK(make_directory_record(u.id, s3, acct::kNow, s2).error() == Error::ok);

  // Generation 1 has no continuity; the previous secrets must be of generation - 1 exactly.
  CHECK(make_directory_record(u.id, u.secrets, acct::kNow, u.secrets).error() == Error::invalid_argument);
  CHECK(make_directory_record(u.id, s2, acct::kNow, s2).error() == Error::invalid_argument);
  CHECK(make_directory_record(u.id, s3, acct::kNow, u.secrets).error() == Error::invalid_argument);
  CHECK(make_directory_record(u.id, s2, acct::kNow, s3).error() == Error::invalid_argument);
  // Another account's secrets of generation 1, also with this account's identity key: the suite keys differ.
  CHECK(make_directory_record(u.id, s2, acct::kNow, other.secrets).error() == Error::invalid_argument);
  auto borrowed = AccountSecrets::create(SigningKey::from_seed(u.secrets.identity().seed().reveal()).take(), 1,
                                         copy_suite_keys(other.secrets))
                      .take();
  CHECK(make_directory_record(u.id, s2, acct::kNow, borrowed).error() == Error::invalid_argument);
}

TEST_CASE("directory: malformed, flipped and forged records are refused in the spec's order") {
  User u = make_user(2), m = make_user(3);
  auto pk = xwing_public_key(u.secrets.current_suite_key().key).take();
  Bytes r = bytes_of(record(u));
  for (std::size_t i = 0; i < r.size(); ++i) {
    Bytes t = r;
    t[i] ^= 0x01;
    Error e = verify_record(t).error();
    if (i < 5) CHECK(e == Error::record_invalid);
    else if (i >= 1285 && i < 1317) CHECK(e == Error::record_invalid);  // prev_identity_pk of a generation 1
    else if (i >= 1381) CHECK(e == Error::record_invalid);             // continuity_sig of a generation 1
    else CHECK((e == Error::signature_invalid || e == Error::record_invalid || e == Error::public_key_invalid));
  }
  CHECK(verify_record(Bytes(r.begin(), r.end() - 1)).error() == Error::record_invalid);
  Bytes longer = r;
  longer.push_back(0);
  CHECK(verify_record(longer).error() == Error::record_invalid);
  // Zero generation or version, signed properly: record_invalid.
  CHECK(verify_record(spec_record(u.id, 0, u.secrets.identity(), 1, pk, 1, nullptr)).error() == Error::record_invalid);
  CHECK(verify_record(spec_record(u.id, 1, u.secrets.identity(), 0, pk, 1, nullptr)).error() == Error::record_invalid);
  // A generation above 1 without a previous key; a generation 1 with one.
  CHECK(verify_record(spec_record(u.id, 2, u.secrets.identity(), 1, pk, 1, nullptr)).error() == Error::record_invalid);
  CHECK(verify_record(spec_record(u.id, 1, u.secrets.identity(), 1, pk, 1, &m.secrets.identity())).error() ==
        Error::record_invalid);
  // An invalid suite key (a coefficient not reduced mod q), signed properly.
  Bytes bad_pk = spec_record(u.id, 1, u.secrets.identity(), 1, pk, 1, nullptr);
  bad_pk[61] = 0xff;
  bad_pk[62] = 0xff;
  bad_pk.resize(kSigned);
  {
    Bytes m2;
    spec::frame(m2, std::string_view("coffre/v1/directory/record"));
    spec::put(m2, bad_pk);
    std::uint8_t vk[32], sk[64], sig[64];
    crypto_sign_seed_keypair(vk, sk, u.secrets.identity().seed().reveal().data());
    crypto_sign_detached(sig, nullptr, m2.data(), m2.size(), sk);
    spec::put(bad_pk, std::span<const std::uint8_t>(sig, 64));
    bad_pk.resize(bad_pk.size() + 64);
  }
  CHECK(verify_record(bad_pk).error() == Error::public_key_invalid);
  // The store's own key claims to be the continuation of u: continuity signed by the wrong previous key.
  auto s2 = next_identity(u.secrets, 2);
  Bytes no_continuity = spec_record(u.id, 2, s2.identity(), 1, pk, 1, &u.secrets.identity());
  std::copy(m.secrets.identity().verify_key().bytes().begin(), m.secrets.identity().verify_key().bytes().end(),
            no_continuity.begin() + 1285);
  CHECK(verify_record(no_continuity).error() == Error::signature_invalid);
  Bytes cont_flipped = spec_record(u.id, 2, s2.identity(), 1, pk, 1, &u.secrets.identity());
  cont_flipped.back() ^= 1;
  CHECK(verify_record(cont_flipped).error() == Error::signature_invalid);
}

TEST_CASE("trust store: first use, followed suite rotation, identity changes never followed, rollbacks") {
  User bob = make_user(4);
  TrustStore store;
  CHECK(store.check_sharable(bob.id).error() == Error::not_found);
  CHECK(store.observe(record(bob)).value() == Observation::pinned_first);
  CHECK(store.find(bob.id)->state == TrustState::unknown);
  CHECK(store.observe(record(bob, acct::kNow + 5)).value() == Observation::unchanged);
  auto c = store.check_sharable(bob.id);
  REQUIRE(c.error() == Error::ok);
  CHECK(c.value().identity == bob.identity());
  CHECK(c.value().recipient.suite_version == 1);

  // Suite key version 2: followed.
  auto s2 = next_suite(bob.secrets, 1);
  auto r_suite2 = make_directory_record(bob.id, s2, acct::kNow + 10).take();
  CHECK(store.observe(r_suite2).value() == Observation::followed);
  CHECK(store.check_sharable(bob.id).value().recipient == r_suite2.recipient());
  // Replaying version 1: rollback, nothing changes.
  CHECK(store.observe(record(bob)).error() == Error::key_version_rollback);
  CHECK(store.find(bob.id)->pinned == r_suite2);

  // Identity generation 2, signed by generation 1 (continuity): NOT followed. A revoked device holds the old key and
  // could sign such a successor of its own; the user compares the new safety number first (SPEC 17.1).
  auto g2 = next_identity(s2, 1);
  auto r_gen2 = make_directory_record(bob.id, g2, acct::kNow + 20, &s2.identity()).take();
  CHECK(store.observe(r_gen2).error() == Error::trust_mismatch);
  CHECK(store.find(bob.id)->pinned == r_suite2);
  CHECK(store.find(bob.id)->pending == r_gen2);
  CHECK(store.check_sharable(bob.id).error() == Error::trust_mismatch);
  // The user compares the new number (Bob's generation 2) and verifies: pinned and verified.
  User me = make_user(40);
  auto number = store.safety_number(bob.id, me.identity()).take();
  CHECK(number == safety_number(me.identity(), TrustedIdentity{bob.id, g2.identity().verify_key(), 2}).take());
  REQUIRE(store.verify(bob.id, number, me.identity()) == Error::ok);
  CHECK(store.find(bob.id)->state == TrustState::verified);
  CHECK(store.check_sharable(bob.id).value().identity.generation == 2);
  CHECK(store.observe(r_suite2).error() == Error::key_version_rollback);  // generation 1 again
  // A verified contact's next generation goes back to pending: verified never carries over to a new key.
  auto g3_direct = next_identity(g2, 4);
  auto r_gen3 = make_directory_record(bob.id, g3_direct, acct::kNow + 25, &g2.identity()).take();
  CHECK(store.observe(r_gen3).error() == Error::trust_mismatch);
  CHECK(store.find(bob.id)->state == TrustState::verified);  // of the pinned generation 2 only
  CHECK(store.check_sharable(bob.id).error() == Error::trust_mismatch);
  // Generation 4 (skipping 3), signed by generation 3 the client never saw: trust_mismatch, pending.
  auto g3 = next_identity(g2, 2);
  auto g4 = next_identity(g3, 3);
  auto r_gen4 = make_directory_record(bob.id, g4, acct::kNow + 30, &g3.identity()).take();
  CHECK(store.observe(r_gen4).error() == Error::trust_mismatch);
  CHECK(store.find(bob.id)->pinned == r_gen2);
  CHECK(store.find(bob.id)->pending == r_gen4);
  CHECK(store.check_sharable(bob.id).error() == Error::trust_mismatch);
}

TEST_CASE("trust store: a substituted or equivocating key blocks sharing until the user verifies") {
  User me = make_user(5), bob = make_user(6), mallory = make_user(7);
  TrustStore store;
  REQUIRE(store.observe(record(bob)).ok());
  auto pinned_number = store.safety_number(bob.id, me.identity()).take();

  // The store serves Mallory's identity under Bob's user id: pending, sharing blocked, pinned kept.
  User fake{bob.id, mallory.secrets.clone().take()};
  auto substituted = record(fake);
  CHECK(store.observe(substituted).error() == Error::trust_mismatch);
  CHECK(store.check_sharable(bob.id).error() == Error::trust_mismatch);
  CHECK(store.find(bob.id)->pinned == record(bob));
  // The number shown is now the pending record's: it differs from the pinned one.
  auto pending_number = store.safety_number(bob.id, me.identity()).take();
  CHECK(!(pending_number == pinned_number));
  // The user compares with Bob, who reads out the real number: no match, nothing changes.
  CHECK(store.verify(bob.id, pinned_number, me.identity()) == Error::trust_mismatch);
  CHECK(store.find(bob.id)->pending == substituted);
  CHECK(store.check_sharable(bob.id).error() == Error::trust_mismatch);

  // Equivocation: same identity and suite version, another suite key.
  User carol = make_user(8);
  REQUIRE(store.observe(record(carol)).ok());
  auto rng = acct::rng_for('X', 1);
  std::vector<SuiteSecretKey> other_key;
  other_key.push_back({1, xwing_generate(rng).take()});
  auto other_suite =
      AccountSecrets::create(SigningKey::from_seed(carol.secrets.identity().seed().reveal()).take(), 1,
                             std::move(other_key))
          .take();
  auto equivocating = make_directory_record(carol.id, other_suite, acct::kNow).take();
  CHECK(store.observe(equivocating).error() == Error::trust_mismatch);
  CHECK(store.find(carol.id)->pending == equivocating);
  CHECK(store.check_sharable(carol.id).error() == Error::trust_mismatch);
  // The identity key did not change, so the safety number matches: verifying accepts the pending suite key.
  auto n = safety_number(me.identity(), carol.identity()).take();
  CHECK(store.verify(carol.id, n, me.identity()) == Error::ok);
  CHECK(store.find(carol.id)->pinned == equivocating);
  CHECK(!store.find(carol.id)->pending);
  CHECK(store.find(carol.id)->state == TrustState::verified);
  CHECK(store.check_sharable(carol.id).value().recipient == equivocating.recipient());

  // Bob (the real one) publishes a new device's record; the user verifies the real number out of band... the
  // substituted record is pending, so only its own number would verify it: the user refuses instead.
  CHECK(store.refuse(bob.id) == Error::ok);
  CHECK(store.observe(record(bob)).error() == Error::user_refused);
  CHECK(store.check_sharable(bob.id).error() == Error::user_refused);
  CHECK(store.refuse(mallory.id) == Error::not_found);
  CHECK(store.verify(mallory.id, n, me.identity()) == Error::not_found);
  CHECK(store.safety_number(me.id, me.identity()).error() == Error::not_found);
}

TEST_CASE("trust store: verifying clears the pending record; encode and parse round trip, malformed input") {
  User me = make_user(9), bob = make_user(10), carol = make_user(11);
  TrustStore store;
  REQUIRE(store.observe(record(bob)).ok());
  REQUIRE(store.observe(record(carol)).ok());
  auto g2 = next_identity(bob.secrets, 4);
  User bob2{bob.id, g2.clone().take()};
  // Generation 2 without continuity (the old key was lost: the record names another previous key).
  auto lost = make_user(17);
  auto changed = make_directory_record(bob.id, g2, acct::kNow, &lost.secrets.identity()).take();
  CHECK(verify_record(changed.bytes()).error() == Error::ok);
  CHECK(store.observe(changed).error() == Error::trust_mismatch);
  // The number typed with spaces and hyphens, as read out by Bob.
  std::string typed = safety_number(me.identity(), bob2.identity()).take().to_string();
  for (auto& ch : typed)
    if (ch == ' ') ch = '-';
  CHECK(store.verify(bob.id, SafetyNumber::parse(typed).take(), me.identity()) == Error::ok);
  CHECK(store.find(bob.id)->pinned == changed);
  CHECK(store.find(bob.id)->state == TrustState::verified);
  CHECK(store.check_sharable(bob.id).value().identity == bob2.identity());

  // Round trip, with a pending record and each state.
  User dave = make_user(12);
  REQUIRE(store.observe(record(dave)).ok());
  REQUIRE(store.refuse(dave.id) == Error::ok);
  User carol_fake{carol.id, make_user(13).secrets.clone().take()};
  CHECK(store.observe(record(carol_fake)).error() == Error::trust_mismatch);
  Bytes encoded = store.encode();
  auto parsed = TrustStore::parse(encoded);
  REQUIRE(parsed.error() == Error::ok);
  CHECK(parsed.value().encode() == encoded);
  REQUIRE(parsed.value().contacts().size() == 3);
  CHECK(parsed.value().find(carol.id)->pending == record(carol_fake));
  CHECK(parsed.value().find(dave.id)->state == TrustState::refused);
  CHECK(parsed.value().find(bob.id)->state == TrustState::verified);
  CHECK(TrustStore::parse(TrustStore{}.encode()).value().contacts().empty());

  // Malformed: cut anywhere, extended, a flipped byte in any field.
  for (std::size_t n : {std::size_t{0}, std::size_t{4}, std::size_t{9}, std::size_t{10}, std::size_t{1455},
                        encoded.size() - 1}) {
    CHECK(TrustStore::parse(std::span(encoded).first(n)).error() == Error::record_invalid);
  }
  Bytes longer = encoded;
  longer.push_back(0);
  CHECK(TrustStore::parse(longer).error() == Error::record_invalid);
  for (std::size_t i : {std::size_t{0}, std::size_t{4}, std::size_t{8}, std::size_t{9}, std::size_t{100},
                        std::size_t{1455}, std::size_t{1456}, encoded.size() - 1}) {
    Bytes t = encoded;
    t[i] ^= 0x04;  // a state 1..3 becomes 5..7
    CHECK(TrustStore::parse(t).error() == Error::record_invalid);
  }
  // Contacts out of order: the first two swapped.
  const std::size_t first = 1 + 1445 + 1 + (parsed.value().contacts().begin()->second.pending ? 1445 : 0);
  std::size_t second = 1 + 1445 + 1 + (std::next(parsed.value().contacts().begin())->second.pending ? 1445 : 0);
  const std::span<const std::uint8_t> e(encoded);
  Bytes swapped;
  spec::put(swapped, e.first(9));
  spec::put(swapped, e.subspan(9 + first, second));
  spec::put(swapped, e.subspan(9, first));
  spec::put(swapped, e.subspan(9 + first + second));
  REQUIRE(swapped.size() == encoded.size());
  CHECK(TrustStore::parse(swapped).error() == Error::record_invalid);
}

TEST_CASE("safety numbers: symmetric, the spec's digits, typed forms") {
  User a = make_user(14), b = make_user(15);
  auto ab = safety_number(a.identity(), b.identity()).take();
  auto ba = safety_number(b.identity(), a.identity()).take();
  CHECK(ab == ba);
  const bool a_first = a.id < b.id;
  std::string expected = a_first ? spec_half(a.id, a.identity().identity_pk) + spec_half(b.id, b.identity().identity_pk)
                                 : spec_half(b.id, b.identity().identity_pk) + spec_half(a.id, a.identity().identity_pk);
  CHECK(std::string(ab.digits().begin(), ab.digits().end()) == expected);
  std::string shown = ab.to_string();
  CHECK(shown.size() == 71);
  for (std::size_t i = 5; i < shown.size(); i += 6) CHECK(shown[i] == ' ');
  CHECK(SafetyNumber::parse(shown).value() == ab);
  CHECK(SafetyNumber::parse("\t" + expected + " -").value() == ab);
  CHECK(SafetyNumber::parse(expected.substr(1)).error() == Error::invalid_argument);
  CHECK(SafetyNumber::parse(expected + "1").error() == Error::invalid_argument);
  CHECK(SafetyNumber::parse(expected.substr(1) + "x").error() == Error::invalid_argument);
  CHECK(SafetyNumber::parse("").error() == Error::invalid_argument);
  CHECK(safety_number(a.identity(), a.identity()).error() == Error::invalid_argument);
  // The generation does not enter it; the identity key does.
  auto a2 = a.identity();
  a2.generation = 5;
  CHECK(safety_number(a2, b.identity()).value() == ab);
  User a_new{a.id, make_user(16).secrets.clone().take()};
  CHECK(!(safety_number(a_new.identity(), b.identity()).value() == ab));
}

TEST_CASE("trust store: a followed record keeps the pending one; verifying lifts a refusal") {
  User me = make_user(18), bob = make_user(19), mallory = make_user(20);
  TrustStore store;
  REQUIRE(store.observe(record(bob)).ok());
  User fake{bob.id, mallory.secrets.clone().take()};
  CHECK(store.observe(record(fake)).error() == Error::trust_mismatch);
  // Bob's genuine suite rotation is followed, and the substituted record still waits for the user.
  auto s2 = next_suite(bob.secrets, 5);
  auto r2 = make_directory_record(bob.id, s2, acct::kNow + 1).take();
  CHECK(store.observe(r2).value() == Observation::followed);
  CHECK(store.find(bob.id)->pinned == r2);
  CHECK(store.find(bob.id)->pending == record(fake));
  CHECK(store.check_sharable(bob.id).error() == Error::trust_mismatch);
  // Refused, then verified with the number of the pending record: pinned, verified, sharable.
  CHECK(store.refuse(bob.id) == Error::ok);
  CHECK(store.check_sharable(bob.id).error() == Error::user_refused);
  auto n = safety_number(me.identity(), fake.identity()).take();
  CHECK(store.verify(bob.id, n, me.identity()) == Error::ok);
  CHECK(store.find(bob.id)->state == TrustState::verified);
  CHECK(store.check_sharable(bob.id).value().identity == fake.identity());
}
