// Account state (docs/SPEC.md sections 11 and 14): sealed state and root wraps against a malicious store, and
// revocation.
#include "account_support.hpp"

#include <coffre/account.hpp>
#include <coffre/recovery.hpp>

#include <algorithm>

using namespace coffre;
using namespace coffre::test;
using acct::spec::u32;

namespace {

Bytes seed_of(const SecretBytes& s) { return Bytes(s.reveal().begin(), s.reveal().end()); }

bool same_secrets(const AccountSecrets& a, const AccountSecrets& b) {
  if (!a.identity().seed().equals(b.identity().seed()) || a.identity_generation() != b.identity_generation() ||
      a.suite_keys().size() != b.suite_keys().size()) {
    return false;
  }
  for (std::size_t i = 0; i < a.suite_keys().size(); ++i) {
    if (a.suite_keys()[i].version != b.suite_keys()[i].version ||
        !a.suite_keys()[i].key.secret().equals(b.suite_keys()[i].key.secret())) {
      return false;
    }
  }
  return true;
}

RootKey root_of(std::uint8_t n, std::uint32_t epoch) {
  auto rng = acct::rng_for('K', n);
  return RootKey::generate(epoch, rng).take();
}

// Two access-list pins and one Drive pin, in the order of section 11.
AccountPins sample_pins() {
  AccountPins p;
  AccountDocumentPin a{UserId{}, {}, 2, 3, 2};
  a.owner.bytes.fill(0x11);
  a.document.fill(0x22);
  AccountDocumentPin b = a;
  b.purpose = 3;  // the same document id under another purpose
  b.revision = 1ull << 40;
  b.key_version = 7;
  AccountDrivePin f{UserId{}, {}, 9};
  f.owner.bytes.fill(0x11);
  f.node.fill(0x33);
  p.documents = {a, b};
  p.drive = {f};
  return p;
}

}  // namespace

TEST_CASE("a new account: its first device and the recovery key open epoch 1") {
  auto a = acct::account(1);
  const auto& c = *a.created;
  REQUIRE(c.wraps.size() == 2);
  CHECK(c.wraps[0].recipient == a.first.id);
  CHECK(c.wraps[1].recipient == recovery_recipient_id());
  CHECK(a.s().user == c.user);
  CHECK(a.s().root_epoch == 1);
  CHECK(a.s().devices.size() == 1);

  auto root = unwrap_root_key(a.first.kem_key, c.user, a.first.id, 1, c.wraps[0].bytes);
  REQUIRE(root.ok());
  CHECK(root.value().secret().equals(c.root.secret()));
  CHECK(root.value().epoch() == 1);
  auto secrets = open_account_state(root.value(), c.user, c.sealed_state);
  REQUIRE(secrets.ok());
  CHECK(same_secrets(secrets.value(), c.secrets));
  CHECK(check_account_secrets(secrets.value(), a.s()) == Error::ok);

  auto from_recovery = a.recovery.unwrap_root(a.s(), c.wraps[1].bytes);
  REQUIRE(from_recovery.ok());
  CHECK(from_recovery.value().secret().equals(c.root.secret()));

  // The same phrase, typed again: the same key, which opens the wrap with the plain X-Wing key too.
  const SecretBytes words = acct::recovery_phrase(1).words().take();
  auto typed = RecoveryPhrase::from_words(
      std::string_view(reinterpret_cast<const char*>(words.reveal().data()), words.size())).take();
  auto rk = RecoveryKey::from_phrase(typed).take();
  CHECK(rk.public_key() == a.s().recovery_pk);
  CHECK(rk.check_genesis(a.s()) == Error::ok);
  CHECK(unwrap_root_key(rk.kem_key(), c.user, recovery_recipient_id(), 1, c.wraps[1].bytes).ok());

  // A device name the log refuses.
  auto rng = acct::rng_for('A', 9);
  CHECK(create_account(acct::device(9), std::string(65, 'x'), rk, rng).error() == Error::invalid_argument);
}

TEST_CASE("sealed state: layout of section 11, byte for byte") {
  auto a = acct::account(2);
  const auto& c = *a.created;
  const Bytes& s = c.sealed_state;
  REQUIRE(s.size() == 33 + (44 + 40) + 16);
  CHECK(Bytes(s.begin(), s.begin() + 9) == Bytes{'C', 'F', 'R', 'S', 1, 0, 0, 0, 1});

  // The spec's construction, written independently, with the same nonce: the same bytes.
  std::array<std::uint8_t, 24> nonce{};
  std::copy_n(s.begin() + 9, 24, nonce.begin());
  Bytes plain = acct::spec::state_plaintext(seed_of(c.secrets.identity().seed()), 1,
                                            {{1, seed_of(c.secrets.suite_keys()[0].key.secret())}});
  CHECK(acct::spec::sealed_state(c.root.secret().reveal(), 1, c.user, nonce, plain) == s);

  // Root wraps too: same header, and a wrap built from the spec with chosen randomness opens.
  const Bytes& w = c.wraps[0].bytes;
  REQUIRE(w.size() == kRootWrapSize);
  REQUIRE(kRootWrapSize == 1197);
  Bytes header{'C', 'F', 'R', 'W', 1, 0, 0, 0, 1, 0, 0, 0, 16};
  CHECK(Bytes(w.begin(), w.begin() + 13) == header);
  CHECK(std::equal(a.first.id.bytes.begin(), a.first.id.bytes.end(), w.begin() + 13));
  Bytes spec_wrap = acct::spec::root_wrap(c.root.secret().reveal(), 1, c.user, a.first.id, a.first.kem_pk,
                                          random_bytes(64, 5));
  auto root = unwrap_root_key(a.first.kem_key, c.user, a.first.id, 1, spec_wrap);
  REQUIRE(root.ok());
  CHECK(root.value().secret().equals(c.root.secret()));
}

TEST_CASE("sealed state: a malicious store cannot modify, move or cut it") {
  auto a = acct::account(3);
  const auto& c = *a.created;
  Bytes s = c.sealed_state;
  REQUIRE(open_account_state(c.root, c.user, s).ok());

  for (std::size_t i = 0; i < s.size(); ++i) {
    Bytes t = s;
    t[i] ^= 0x01;
    CHECK_MESSAGE(open_account_state(c.root, c.user, t).error() == Error::wrap_invalid, "byte " << i);
  }
  for (std::size_t n = 0; n < s.size(); ++n) {
    CHECK(open_account_state(c.root, c.user, std::span(s).first(n)).error() == Error::wrap_invalid);
  }
  Bytes longer = s;
  longer.push_back(0);
  CHECK(open_account_state(c.root, c.user, longer).error() == Error::wrap_invalid);

  // Another user, another root key, the same root key under another epoch.
  auto other_user = acct::account(4).created->user;
  CHECK(open_account_state(c.root, other_user, s).error() == Error::wrap_invalid);
  CHECK(open_account_state(root_of(1, 1), c.user, s).error() == Error::wrap_invalid);
  auto same_bytes_epoch2 = RootKey::from_bytes(c.root.secret().reveal(), 2).take();
  CHECK(open_account_state(same_bytes_epoch2, c.user, s).error() == Error::wrap_invalid);

  // A state honestly sealed for epoch 2 with the same key bytes, relabelled by the store as epoch 1.
  auto rng = acct::rng_for('S', 1);
  Bytes s2 = seal_account_state(same_bytes_epoch2, c.user, c.secrets, rng).take();
  CHECK(open_account_state(same_bytes_epoch2, c.user, s2).ok());
  Bytes relabelled = s2;
  relabelled[8] = 1;
  CHECK(open_account_state(c.root, c.user, relabelled).error() == Error::wrap_invalid);
}

TEST_CASE("sealed state: an authentic plaintext that breaks the layout is refused") {
  auto a = acct::account(5);
  const auto& c = *a.created;
  Bytes id = seed_of(c.secrets.identity().seed());
  Bytes k1 = random_bytes(32, 1), k2 = random_bytes(32, 2);
  std::array<std::uint8_t, 24> nonce{};
  auto sealed = [&](const Bytes& plain) {
    return acct::spec::sealed_state(c.root.secret().reveal(), 1, c.user, nonce, plain);
  };
  auto opens = [&](const Bytes& plain) { return open_account_state(c.root, c.user, sealed(plain)).error(); };

  CHECK(opens(acct::spec::state_plaintext(id, 1, {{1, k1}, {2, k2}})) == Error::ok);
  CHECK(opens(acct::spec::state_plaintext(id, 7, {{1, k1}})) == Error::ok);
  CHECK(opens(acct::spec::state_plaintext(id, 0, {{1, k1}})) == Error::wrap_invalid);           // generation 0
  CHECK(opens(acct::spec::state_plaintext(id, 1, {})) == Error::wrap_invalid);                  // no suite key
  CHECK(opens(acct::spec::state_plaintext(id, 1, {{2, k1}})) == Error::wrap_invalid);           // not from 1
  CHECK(opens(acct::spec::state_plaintext(id, 1, {{2, k2}, {1, k1}})) == Error::wrap_invalid);  // not in order
  CHECK(opens(acct::spec::state_plaintext(id, 1, {{1, k1}, {1, k2}})) == Error::wrap_invalid);  // repeated
  CHECK(opens(acct::spec::state_plaintext(id, 1, {{1, k1}, {3, k2}})) == Error::wrap_invalid);  // a gap
  CHECK(opens(acct::spec::state_plaintext(Bytes(31, 1), 1, {{1, k1}})) == Error::wrap_invalid);
  CHECK(opens(acct::spec::state_plaintext(id, 1, {{1, Bytes(33, 1)}})) == Error::wrap_invalid);
  Bytes extra = acct::spec::state_plaintext(id, 1, {{1, k1}});
  extra.push_back(0);
  CHECK(opens(extra) == Error::wrap_invalid);
  Bytes wrong_n = acct::spec::state_plaintext(id, 1, {{1, k1}});
  wrong_n[4 + 32 + 4 + 3] = 2;  // n = 2, one key
  CHECK(opens(wrong_n) == Error::wrap_invalid);
}

TEST_CASE("account pins: layout of section 11, byte for byte") {
  auto a = acct::account(40);
  const auto& c = *a.created;
  const AccountPins pins = sample_pins();
  auto rng = acct::rng_for('P', 1);
  auto sealed = seal_account_pins(c.root, c.user, 5, pins, rng);
  REQUIRE(sealed.ok());
  const Bytes& s = sealed.value();
  REQUIRE(s.size() == 41 + 8 + 2 * 45 + 40 + 16);
  CHECK(Bytes(s.begin(), s.begin() + 17) == Bytes{'C', 'F', 'R', 'P', 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 5});

  // The spec's construction, written independently, with the same nonce: the same bytes.
  std::array<std::uint8_t, 24> nonce{};
  std::copy_n(s.begin() + 17, 24, nonce.begin());
  CHECK(acct::spec::account_pins(c.root.secret().reveal(), 1, 5, c.user, nonce, acct::spec::pins_plaintext(pins)) ==
        s);
  auto opened = open_account_pins(c.root, c.user, 5, s);
  REQUIRE(opened.ok());
  CHECK(opened.value() == pins);

  // No pins at all is an object too (a device that has opened nothing yet).
  auto empty = seal_account_pins(c.root, c.user, 1, AccountPins{}, rng);
  REQUIRE(empty.ok());
  CHECK(empty.value().size() == 41 + 8 + 16);
  CHECK(open_account_pins(c.root, c.user, 1, empty.value()).value() == AccountPins{});
}

TEST_CASE("account pins: a malicious store cannot modify, move, renumber or cut them") {
  auto a = acct::account(41);
  const auto& c = *a.created;
  auto rng = acct::rng_for('P', 2);
  const Bytes s = seal_account_pins(c.root, c.user, 2, sample_pins(), rng).take();
  REQUIRE(open_account_pins(c.root, c.user, 2, s).ok());

  for (std::size_t i = 0; i < s.size(); ++i) {
    Bytes t = s;
    t[i] ^= 0x01;
    CHECK_MESSAGE(open_account_pins(c.root, c.user, 2, t).error() == Error::wrap_invalid, "byte " << i);
  }
  for (std::size_t n = 0; n < s.size(); ++n) {
    CHECK(open_account_pins(c.root, c.user, 2, std::span(s).first(n)).error() == Error::wrap_invalid);
  }
  Bytes longer = s;
  longer.push_back(0);
  CHECK(open_account_pins(c.root, c.user, 2, longer).error() == Error::wrap_invalid);

  // Served under another number (an older or newer object's name), for another user, under another root key, or
  // under the same key bytes for another epoch.
  CHECK(open_account_pins(c.root, c.user, 1, s).error() == Error::wrap_invalid);
  CHECK(open_account_pins(c.root, c.user, 3, s).error() == Error::wrap_invalid);
  auto other_user = acct::account(42).created->user;
  CHECK(open_account_pins(c.root, other_user, 2, s).error() == Error::wrap_invalid);
  CHECK(open_account_pins(root_of(2, 1), c.user, 2, s).error() == Error::wrap_invalid);
  auto same_bytes_epoch2 = RootKey::from_bytes(c.root.secret().reveal(), 2).take();
  CHECK(open_account_pins(same_bytes_epoch2, c.user, 2, s).error() == Error::wrap_invalid);

  // Honest objects relabelled by the store: number 3 as number 2, epoch 2 as epoch 1.
  Bytes s3 = seal_account_pins(c.root, c.user, 3, sample_pins(), rng).take();
  REQUIRE(open_account_pins(c.root, c.user, 3, s3).ok());
  s3[16] = 2;
  CHECK(open_account_pins(c.root, c.user, 2, s3).error() == Error::wrap_invalid);
  Bytes e2 = seal_account_pins(same_bytes_epoch2, c.user, 2, sample_pins(), rng).take();
  REQUIRE(open_account_pins(same_bytes_epoch2, c.user, 2, e2).ok());
  e2[8] = 1;
  CHECK(open_account_pins(c.root, c.user, 2, e2).error() == Error::wrap_invalid);

  // The sealed state of the same epoch is no pins object (another magic, another key).
  CHECK(open_account_pins(c.root, c.user, 1, c.sealed_state).error() == Error::wrap_invalid);
  // Number 0 names no object.
  CHECK(open_account_pins(c.root, c.user, 0, s).error() == Error::invalid_argument);
}

TEST_CASE("account pins: pins that break the rules are neither sealed nor opened") {
  auto a = acct::account(43);
  const auto& c = *a.created;
  auto rng = acct::rng_for('P', 3);
  const std::array<std::uint8_t, 24> nonce{};
  // Sealed as the spec says whatever the content: the library must refuse it after the AEAD opened.
  auto opens = [&](const Bytes& plain) {
    return open_account_pins(c.root, c.user, 1, acct::spec::account_pins(c.root.secret().reveal(), 1, 1, c.user,
                                                                         nonce, plain))
        .error();
  };
  auto seals = [&](const AccountPins& p) { return seal_account_pins(c.root, c.user, 1, p, rng).error(); };
  auto both = [&](const AccountPins& p) {
    CHECK(seals(p) == Error::invalid_argument);
    CHECK(opens(acct::spec::pins_plaintext(p)) == Error::wrap_invalid);
  };

  const AccountPins good = sample_pins();
  CHECK(opens(acct::spec::pins_plaintext(good)) == Error::ok);
  CHECK(seals(good) == Error::ok);

  AccountPins p = good;
  std::swap(p.documents[0], p.documents[1]);  // not in order
  both(p);
  p = good;
  p.documents[1] = p.documents[0];  // the same document twice
  both(p);
  for (std::uint8_t purpose : {0, 4}) {
    p = good;
    p.documents[0].purpose = purpose;
    both(p);
  }
  p = good;
  p.documents[0].revision = 0;
  both(p);
  p = good;
  p.documents[0].key_version = 0;
  both(p);
  p = good;
  p.drive[0].revision = 0;
  both(p);
  p = good;
  p.drive.push_back(p.drive[0]);  // the same node twice
  both(p);
  p = good;
  p.drive.insert(p.drive.begin(), p.drive[0]);
  p.drive[0].node[15] = 0x34;  // above the next one
  both(p);

  Bytes extra = acct::spec::pins_plaintext(good);
  extra.push_back(0);
  CHECK(opens(extra) == Error::wrap_invalid);
  Bytes more = acct::spec::pins_plaintext(good);
  more[3] = 3;  // three access-list pins announced, two present
  CHECK(opens(more) == Error::wrap_invalid);
  Bytes huge = acct::spec::pins_plaintext(good);
  huge[0] = 0xff;  // a count far beyond the plaintext
  CHECK(opens(huge) == Error::wrap_invalid);
  CHECK(opens(Bytes(4, 0)) == Error::wrap_invalid);  // no Drive count

  CHECK(seal_account_pins(c.root, c.user, 0, good, rng).error() == Error::invalid_argument);
}

TEST_CASE("account pins: a revoked device cannot open those of the new epoch") {
  auto a = acct::account(44);
  auto d = acct::device(45);
  Bytes d_wrap1 = a.add(d, "stolen phone");
  const UserId user = a.user();
  auto d_root1 = unwrap_root_key(d.kem_key, user, d.id, 1, d_wrap1).take();

  auto rng = acct::rng_for('V', 4);
  auto plan = plan_revocation(a.s(), a.secrets(), a.first, d.id, rng).take();
  auto sealed = seal_account_pins(plan.root, user, 1, sample_pins(), rng).take();
  CHECK(open_account_pins(plan.root, user, 1, sealed).value() == sample_pins());
  // D holds the root key of epoch 1 only, under either epoch number.
  CHECK(open_account_pins(d_root1, user, 1, sealed).error() == Error::wrap_invalid);
  auto d_root1_as_2 = RootKey::from_bytes(d_root1.secret().reveal(), 2).take();
  CHECK(open_account_pins(d_root1_as_2, user, 1, sealed).error() == Error::wrap_invalid);
  // While D's old objects of epoch 1 still open with it (what it saw before the revocation).
  auto old = seal_account_pins(a.created->root, user, 1, sample_pins(), rng).take();
  CHECK(open_account_pins(d_root1, user, 1, old).ok());
}

TEST_CASE("root wrap: a malicious store cannot modify or redirect it") {
  auto a = acct::account(6);
  const auto& c = *a.created;
  const Bytes w = c.wraps[0].bytes;
  const auto& kem = a.first.kem_key;
  const auto& id = a.first.id;
  REQUIRE(unwrap_root_key(kem, c.user, id, 1, w).ok());

  // Every byte is authenticated: header, recipient, X-Wing ciphertext (implicit rejection gives another secret,
  // hence another key), AEAD ciphertext and tag.
  for (std::size_t i = 0; i < w.size(); ++i) {
    Bytes t = w;
    t[i] ^= 0x80;
    CHECK_MESSAGE(unwrap_root_key(kem, c.user, id, 1, t).error() == Error::wrap_invalid, "byte " << i);
  }
  for (std::size_t n : {0, 1, 5, 100, 1196}) {
    CHECK(unwrap_root_key(kem, c.user, id, 1, std::span(w).first(n)).error() == Error::wrap_invalid);
  }
  Bytes longer = w;
  longer.push_back(0);
  CHECK(unwrap_root_key(kem, c.user, id, 1, longer).error() == Error::wrap_invalid);

  // A wrap for another device, epoch or user does not open as this one's.
  auto other = acct::device(2);
  CHECK(unwrap_root_key(other.kem_key, c.user, other.id, 1, w).error() == Error::wrap_invalid);
  CHECK(unwrap_root_key(other.kem_key, c.user, id, 1, w).error() == Error::wrap_invalid);
  CHECK(unwrap_root_key(kem, c.user, other.id, 1, w).error() == Error::wrap_invalid);
  CHECK(unwrap_root_key(kem, c.user, id, 2, w).error() == Error::wrap_invalid);
  CHECK(unwrap_root_key(kem, acct::account(7).created->user, id, 1, w).error() == Error::wrap_invalid);
  CHECK(unwrap_root_key(kem, c.user, recovery_recipient_id(), 1, c.wraps[1].bytes).error() == Error::wrap_invalid);

  // The store relabels another device's wrap with this device's id (and re-frames it): the KDF binds the id.
  auto rng = acct::rng_for('W', 1);
  Bytes for_other = wrap_root_key(c.root, c.user, other.id, a.first.kem_pk, rng).take();  // encapsulated to A!
  CHECK(unwrap_root_key(kem, c.user, other.id, 1, for_other).ok());
  Bytes relabelled = for_other;
  std::copy(id.bytes.begin(), id.bytes.end(), relabelled.begin() + 13);
  CHECK(unwrap_root_key(kem, c.user, id, 1, relabelled).error() == Error::wrap_invalid);

  // A wrap of epoch 2 relabelled as epoch 1.
  auto root2 = root_of(2, 2);
  Bytes w2 = wrap_root_key(root2, c.user, id, a.first.kem_pk, rng).take();
  CHECK(unwrap_root_key(kem, c.user, id, 2, w2).value().epoch() == 2);
  Bytes w2as1 = w2;
  w2as1[8] = 1;
  CHECK(unwrap_root_key(kem, c.user, id, 1, w2as1).error() == Error::wrap_invalid);

  // A small-order X25519 part in the ciphertext (kem_ciphertext_invalid inside) is still wrap_invalid.
  Bytes small = w;
  std::fill(small.begin() + 29 + 1088, small.begin() + 29 + 1120, 0);
  CHECK(unwrap_root_key(kem, c.user, id, 1, small).error() == Error::wrap_invalid);
}

TEST_CASE("account secrets and keys: argument checks") {
  auto rng = acct::rng_for('X', 1);
  CHECK(RootKey::generate(0, rng).error() == Error::invalid_argument);
  CHECK(RootKey::from_bytes(random_bytes(31), 1).error() == Error::invalid_argument);
  CHECK(RootKey::from_bytes(random_bytes(32), 0).error() == Error::invalid_argument);

  auto mk = [&](std::vector<std::uint32_t> versions, std::uint32_t generation = 1) {
    std::vector<SuiteSecretKey> keys;
    for (auto v : versions) keys.push_back(SuiteSecretKey{v, xwing_generate(rng).take()});
    return AccountSecrets::create(SigningKey::generate(rng).take(), generation, std::move(keys)).error();
  };
  CHECK(mk({1, 2, 3}) == Error::ok);
  CHECK(mk({}) == Error::invalid_argument);
  CHECK(mk({2}) == Error::invalid_argument);
  CHECK(mk({1, 3}) == Error::invalid_argument);
  CHECK(mk({1}, 0) == Error::invalid_argument);

  auto s = AccountSecrets::generate(rng).take();
  auto s2 = s.rotated(SigningKey::generate(rng).take(), xwing_generate(rng).take()).take();
  CHECK(s2.suite_keys().size() == 2);
  CHECK(s2.current_suite_key().version == 2);
  CHECK(s2.identity_generation() == 2);
  CHECK(!(s2.identity().verify_key() == s.identity().verify_key()));
  CHECK(s2.suite_key(1)->secret().equals(s.suite_key(1)->secret()));
  CHECK(s2.suite_key(0) == nullptr);
  CHECK(s2.suite_key(3) == nullptr);

  auto d = acct::device(3);
  auto again = DeviceKeys::from_seeds(d.id, d.sign_key.seed().reveal(), d.kem_key.secret().reveal()).take();
  CHECK(again.kem_pk == d.kem_pk);
  CHECK(again.sign_key.verify_key() == d.sign_key.verify_key());
  CHECK(DeviceKeys::from_seeds(d.id, random_bytes(31), random_bytes(32)).error() == Error::invalid_argument);
}

TEST_CASE("revocation: the revoked device is locked out of the new epoch, the others keep everything") {
  auto a = acct::account(10);
  auto b = acct::device(20), d = acct::device(30);
  Bytes b_wrap1 = a.add(b, "tablet");
  Bytes d_wrap1 = a.add(d, "stolen phone");
  const UserId user = a.user();

  // D, still enrolled, holds everything of epoch 1.
  auto d_root1 = unwrap_root_key(d.kem_key, user, d.id, 1, d_wrap1).take();
  auto d_secrets1 = open_account_state(d_root1, user, a.created->sealed_state).take();

  auto rng = acct::rng_for('V', 1);
  auto plan = plan_revocation(a.s(), a.secrets(), a.first, d.id, rng);
  REQUIRE(plan.error() == Error::ok);
  auto& p = plan.value();

  // The entry verifies on top of the log, and gives the plan's state: a new identity key (generation 2), suite key
  // (version 2) and epoch; the old identity key is superseded.
  CHECK(LogEntry::parse(p.entry).value().kind() == LogEntryKind::revoke_device);
  CHECK(LogEntry::parse(p.entry).value().author == a.first.id);
  a.append({p.entry});
  CHECK(a.s().head == p.log.head);
  CHECK(a.s().devices == p.log.devices);
  CHECK(a.s().root_epoch == 2);
  CHECK(a.s().suite_version == 2);
  CHECK(a.s().identity_generation == 2);
  CHECK(a.s().identity_pk == p.secrets.identity().verify_key());
  CHECK(!(a.s().identity_pk == a.secrets().identity().verify_key()));
  REQUIRE(a.s().superseded_identities.size() == 1);
  CHECK(a.s().superseded_identities[0] == a.secrets().identity().verify_key());
  CHECK(!a.s().contains(d.id));
  CHECK(p.root.epoch() == 2);

  // Wraps: every remaining device (A, B) and the recovery key; none for D.
  REQUIRE(p.wraps.size() == 3);
  CHECK(p.wraps[0].recipient == a.first.id);
  CHECK(p.wraps[1].recipient == b.id);
  CHECK(p.wraps[2].recipient == recovery_recipient_id());

  // D cannot open any wrap of epoch 2, whatever id it claims, nor the new sealed state with its old root key.
  for (const auto& w : p.wraps) {
    for (const DeviceId& claimed : {d.id, w.recipient}) {
      CHECK(unwrap_root_key(d.kem_key, user, claimed, 2, w.bytes).error() == Error::wrap_invalid);
    }
  }
  CHECK(open_account_state(d_root1, user, p.sealed_state).error() == Error::wrap_invalid);
  auto d_root1_as_2 = RootKey::from_bytes(d_root1.secret().reveal(), 2).take();
  CHECK(open_account_state(d_root1_as_2, user, p.sealed_state).error() == Error::wrap_invalid);
  // ... and its old secrets hold neither the new suite key nor the new identity key.
  CHECK(d_secrets1.suite_key(2) == nullptr);
  CHECK(!(d_secrets1.identity().verify_key() == a.s().identity_pk));
  CHECK(check_account_secrets(d_secrets1, a.s()) == Error::wrap_invalid);

  // B opens epoch 2 and holds the old suite key and the new one; the same for A and for the recovery key.
  auto b_root2 = unwrap_root_key(b.kem_key, user, b.id, 2, p.wraps[1].bytes);
  REQUIRE(b_root2.ok());
  auto b_secrets2 = open_account_state(b_root2.value(), user, p.sealed_state);
  REQUIRE(b_secrets2.ok());
  CHECK(same_secrets(b_secrets2.value(), p.secrets));
  CHECK(check_account_secrets(b_secrets2.value(), a.s()) == Error::ok);
  REQUIRE(b_secrets2.value().suite_keys().size() == 2);
  CHECK(b_secrets2.value().suite_key(1)->secret().equals(a.secrets().suite_key(1)->secret()));
  CHECK(b_secrets2.value().identity().seed().equals(p.secrets.identity().seed()));
  CHECK(b_secrets2.value().identity_generation() == 2);
  CHECK(unwrap_root_key(a.first.kem_key, user, a.first.id, 2, p.wraps[0].bytes).ok());
  CHECK(a.recovery.unwrap_root(a.s(), p.wraps[2].bytes).ok());
  // B's epoch 1 wrap still opens epoch 1 only.
  CHECK(unwrap_root_key(b.kem_key, user, b.id, 1, b_wrap1).ok());

  // A second revocation (B) from the new state: suite keys 1, 2, 3, epoch 3, only A and recovery wrapped.
  auto rng2 = acct::rng_for('V', 2);
  auto p2 = plan_revocation(a.s(), b_secrets2.value(), a.first, b.id, rng2);
  REQUIRE(p2.ok());
  a.append({p2.value().entry});
  CHECK(a.s().root_epoch == 3);
  CHECK(a.s().identity_generation == 3);
  CHECK(a.s().superseded_identities.size() == 2);
  REQUIRE(p2.value().wraps.size() == 2);
  auto a_root3 = unwrap_root_key(a.first.kem_key, user, a.first.id, 3, p2.value().wraps[0].bytes).take();
  auto a_secrets3 = open_account_state(a_root3, user, p2.value().sealed_state).take();
  CHECK(a_secrets3.suite_keys().size() == 3);
  CHECK(a_secrets3.suite_key(2)->secret().equals(p.secrets.suite_key(2)->secret()));
  CHECK(unwrap_root_key(b.kem_key, user, b.id, 3, p2.value().wraps[0].bytes).error() == Error::wrap_invalid);
}

TEST_CASE("revocation: refused for an unknown device, stale secrets, itself or a revoked author") {
  auto a = acct::account(11);
  auto b = acct::device(21), c = acct::device(23);
  a.add(b);
  a.add(c);
  auto rng = acct::rng_for('V', 3);
  CHECK(plan_revocation(a.s(), a.secrets(), a.first, acct::device(22).id, rng).error() == Error::device_not_enrolled);
  auto other = acct::account(12);
  CHECK(plan_revocation(a.s(), other.secrets(), a.first, b.id, rng).error() == Error::wrap_invalid);
  // A device cannot revoke itself (it would hold the new keys), nor can a device that is not enrolled revoke.
  CHECK(plan_revocation(a.s(), a.secrets(), a.first, a.first.id, rng).error() == Error::invalid_argument);
  CHECK(plan_revocation(a.s(), a.secrets(), acct::device(22), b.id, rng).error() == Error::device_not_enrolled);

  auto p = plan_revocation(a.s(), a.secrets(), b, a.first.id, rng).take();
  a.append({p.entry});
  // The secrets of epoch 1 no longer match the log (identity generation 2, suite version 2): refused.
  CHECK(plan_revocation(a.s(), a.secrets(), b, c.id, rng).error() == Error::wrap_invalid);
  // Revoking an already revoked device; a revoked device authoring a revocation, even with the current keys.
  CHECK(plan_revocation(a.s(), p.secrets, b, a.first.id, rng).error() == Error::device_not_enrolled);
  CHECK(plan_revocation(a.s(), p.secrets, a.first, c.id, rng).error() == Error::device_revoked);
  // What the revoked device holds (the superseded identity key) no longer signs entries.
  CHECK(make_revoke(a.s(), a.secrets().identity(), EntryAuthor{b.id, b.sign_key}, c.id,
                    SigningKey::generate(rng).take(), a.s().suite_pk)
            .error() == Error::invalid_argument);
}

TEST_CASE("genesis: recovery_mac is the spec's KDF, at its place in the body (independent encoder)") {
  auto a = acct::account(13);
  const Bytes& genesis = a.entries[0];
  const RecoveryPhrase phrase = acct::recovery_phrase(13);
  auto mac_key = acct::spec::blake(phrase.entropy().reveal(), "coffre/v1/recovery/mac-key", {});
  // The recovery signing key: Ed25519 from the seed KDF(entropy, "coffre/v1/recovery/sign-seed").
  auto sign_seed = acct::spec::blake(phrase.entropy().reveal(), "coffre/v1/recovery/sign-seed", {});
  std::array<std::uint8_t, 32> sign_pk{};
  std::array<std::uint8_t, 64> sign_sk{};
  crypto_sign_seed_keypair(sign_pk.data(), sign_sk.data(), sign_seed.data());
  sodium_memzero(sign_sk.data(), sign_sk.size());
  const auto& s = a.s();
  CHECK(Bytes(s.recovery_sign_pk.bytes().begin(), s.recovery_sign_pk.bytes().end()) ==
        Bytes(sign_pk.begin(), sign_pk.end()));
  auto mac = acct::spec::blake(mac_key, "coffre/v1/recovery/genesis-mac",
                               {s.user.bytes, s.identity_pk.bytes(), u32(s.identity_generation),
                                s.recovery_pk.bytes(), sign_pk});
  CHECK(s.recovery_mac == mac);
  CHECK(a.recovery.genesis_mac(s.user, s.identity_pk, s.identity_generation) == mac);
  // Version 0x03; body: frame(user) frame(identity_pk) u32 gen frame(suite_pk) u32 v frame(recovery_pk) frame(mac)
  // frame(recovery_sign_pk) u32 root_epoch.
  CHECK(genesis[4] == 0x03);
  const std::size_t at = 50 + (4 + 16) + (4 + 32) + 4 + (4 + 1216) + 4 + (4 + 1216);
  CHECK(Bytes(genesis.begin() + at, genesis.begin() + at + 4) == u32(32));
  CHECK(Bytes(genesis.begin() + at + 4, genesis.begin() + at + 36) == Bytes(mac.begin(), mac.end()));
  CHECK(Bytes(genesis.begin() + at + 36, genesis.begin() + at + 40) == u32(32));
  CHECK(Bytes(genesis.begin() + at + 40, genesis.begin() + at + 72) == Bytes(sign_pk.begin(), sign_pk.end()));
  CHECK(Bytes(genesis.begin() + at + 72, genesis.begin() + at + 76) == u32(1));  // root epoch
}

TEST_CASE("recovery: a genesis forged with the real user id and recovery key, but the store's identity, is log_fork") {
  auto a = acct::account(14);
  const VerifiedLog& real = a.s();
  const auto& c = *a.created;

  // The store knows everything public: the user id, the recovery public key, the genuine genesis and its MAC. It
  // makes its own identity and suite keys and root key, and wraps that root key to the recovery key (encapsulation
  // needs only the public key): every check of the log and of the account state passes.
  auto rng = acct::rng_for('F', 14);
  auto store_secrets = AccountSecrets::generate(rng).take();
  auto store_device = acct::device(40);
  auto genuine = std::get<GenesisBody>(LogEntry::parse(a.entries[0]).take().body);
  auto forge = [&](const RecoveryMac& mac) {
    GenesisBody body{real.user,
                     store_secrets.identity().verify_key(),
                     1,
                     xwing_public_key(store_secrets.current_suite_key().key).take(),
                     1,
                     real.recovery_pk,
                     mac,
                     real.recovery_sign_pk,
                     1,
                     store_device.record("laptop")};
    auto pop = device_pop(store_device.sign_key, real.user, body.device).take();
    LogEntry e{0, {}, body, store_device.id, {}, {}, pop};
    e.identity_signature = store_secrets.identity().sign("coffre/v1/log/entry", e.signed_part());
    e.author_signature = store_device.sign_key.sign("coffre/v1/log/author", e.signed_part());
    return e.encode();
  };
  auto root = RootKey::generate(1, rng).take();
  auto wrap = wrap_root_key(root, real.user, recovery_recipient_id(), real.recovery_pk, rng).take();
  auto sealed = seal_account_state(root, real.user, store_secrets, rng).take();

  RecoveryMac zero{}, flipped = genuine.recovery_mac;
  flipped[31] ^= 1;
  for (const RecoveryMac& mac : {genuine.recovery_mac, zero, flipped}) {
    std::vector<Bytes> forged{forge(mac)};
    auto log = verify_log(forged, std::nullopt);
    REQUIRE(log.ok());  // a valid log on its own: trust on first use would accept it
    CHECK(log.value().user == real.user);
    CHECK(log.value().recovery_pk == real.recovery_pk);
    CHECK(check_account_secrets(open_account_state(root, real.user, sealed).take(), log.value()) == Error::ok);
    // The phrase pins the genesis: nothing opens.
    CHECK(a.recovery.check_genesis(log.value()) == Error::log_fork);
    CHECK(a.recovery.unwrap_root(log.value(), wrap).error() == Error::log_fork);
  }

  // The genuine log still recovers, also after more entries.
  CHECK(a.recovery.check_genesis(real) == Error::ok);
  auto opened = a.recovery.unwrap_root(real, c.wraps[1].bytes);
  REQUIRE(opened.ok());
  CHECK(opened.value().secret().equals(c.root.secret()));
  a.add(acct::device(41));
  CHECK(a.recovery.check_genesis(a.s()) == Error::ok);

  // Another account's phrase: its public key is not this genesis's (wrap_invalid, not a fork).
  CHECK(acct::recovery_key(15).check_genesis(real) == Error::wrap_invalid);
  CHECK(acct::recovery_key(15).unwrap_root(real, c.wraps[1].bytes).error() == Error::wrap_invalid);
}
