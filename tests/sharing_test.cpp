// Content keys, access lists and wraps (docs/SPEC.md section 16), with the store playing the adversary: it swaps
// wraps between documents, versions and users, replays old access lists after a rotation, forges and flips bytes.
// The spec encoders below are written from the spec text with raw libsodium (not the library's), so they both
// cross-check the layout and let the test build what the library never would (a wrap from a non-member...).
#include "account_support.hpp"

#include <coffre/coffre.hpp>

#include <sodium.h>

#include <algorithm>

using namespace coffre;
using namespace coffre::test;
namespace spec = coffre::test::acct::spec;

namespace {

constexpr std::size_t kWrapHeader = 82;
constexpr std::size_t kCtEnd = kWrapHeader + 1120;
constexpr std::size_t kSealedEnd = kCtEnd + 48;

struct User {
  UserId id;
  AccountSecrets secrets;
  TrustedIdentity identity() const { return TrustedIdentity::of(id, secrets); }
  WrapRecipient recipient() const { return WrapRecipient::of(id, secrets).take(); }
};

User make_user(std::uint8_t n) {
  auto rng = acct::rng_for('U', n);
  auto secrets = AccountSecrets::generate(rng).take();
  return User{UserId::generate(rng), std::move(secrets)};
}

DocumentRef doc_of(const User& owner, std::uint8_t n, Purpose purpose = Purpose::document) {
  auto rng = acct::rng_for('G', n);
  return DocumentRef{owner.id, DocumentId::generate(rng), purpose};
}

VersionedContentKey content_key(std::uint32_t version, std::uint8_t n) {
  auto rng = acct::rng_for('K', n);
  return VersionedContentKey::generate(version, rng).take();
}

bool same_key(const VersionedContentKey& a, const VersionedContentKey& b) {
  return a.version == b.version && a.key.secret().equals(b.key.secret());
}

// ------------------------------------------------------------------------------------ the spec, from its text

// Ed25519 over frame(label) || message with the seed's key pair.
Bytes spec_sign(std::string_view label, std::span<const std::uint8_t> message, const SigningKey& signer) {
  Bytes m;
  spec::frame(m, label);
  spec::put(m, message);
  std::uint8_t pk[32], sk[64];
  crypto_sign_seed_keypair(pk, sk, signer.seed().reveal().data());
  Bytes sig(64);
  crypto_sign_detached(sig.data(), nullptr, m.data(), m.size(), sk);
  sodium_memzero(sk, sizeof sk);
  return sig;
}

Bytes spec_access(std::uint8_t purpose, const UserId& owner, const DocumentId& doc, std::uint32_t generation,
                  std::uint32_t key_version, std::uint64_t revision, const std::vector<UserId>& members,
                  const SigningKey& signer) {
  Bytes b;
  spec::put(b, std::string_view("CFRA\x01", 5));
  b.push_back(purpose);
  spec::put(b, owner.bytes);
  spec::put(b, doc.bytes);
  spec::put_u32(b, generation);
  spec::put_u32(b, key_version);
  spec::put_u64(b, revision);
  spec::put_u32(b, static_cast<std::uint32_t>(members.size()));
  for (const auto& m : members) spec::put(b, m.bytes);
  spec::put(b, spec_sign("coffre/v1/access/signature", b, signer));
  return b;
}

struct WrapFields {
  DocumentRef doc;
  std::uint32_t key_version;
  UserId sender;
  std::uint32_t sender_generation;
  UserId recipient;
  std::uint32_t suite_version;
};

Bytes spec_wrap(const WrapFields& f, const XWingPublicKey& pk, std::span<const std::uint8_t> eseed,
                std::span<const std::uint8_t> content_key, const SigningKey& signer) {
  Bytes b;
  spec::put(b, std::string_view("CFRK\x01", 5));
  b.push_back(static_cast<std::uint8_t>(f.doc.purpose));
  spec::put(b, f.doc.owner.bytes);
  spec::put(b, f.doc.id.bytes);
  spec::put_u32(b, f.key_version);
  spec::put(b, f.sender.bytes);
  spec::put_u32(b, f.sender_generation);
  spec::put(b, f.recipient.bytes);
  spec::put_u32(b, f.suite_version);
  REQUIRE(b.size() == kWrapHeader);
  auto enc = xwing_encapsulate_deterministic(pk, eseed).take();
  const Bytes header = b;
  spec::put(b, enc.ciphertext.bytes());
  auto key = spec::blake(enc.shared_secret.reveal(), "coffre/v1/wrap/key", {header, enc.ciphertext.bytes(), pk.bytes()});
  Bytes sealed(48);
  const std::uint8_t nonce[24] = {};
  crypto_aead_xchacha20poly1305_ietf_encrypt(sealed.data(), nullptr, content_key.data(), content_key.size(), b.data(),
                                             b.size(), nullptr, nonce, key.data());
  spec::put(b, sealed);
  spec::put(b, spec_sign("coffre/v1/wrap/signature", b, signer));
  return b;
}

// The store cannot do this; a malicious member can: change a wrap, then sign it again.
Bytes resigned(Bytes wrap, const SigningKey& signer) {
  wrap.resize(wrap.size() - 64);
  spec::put(wrap, spec_sign("coffre/v1/wrap/signature", wrap, signer));
  return wrap;
}

// Alice owns a document shared with Bob and Carol (key version 1); Dave and Mallory are outsiders.
struct Scene {
  User alice = make_user(1), bob = make_user(2), carol = make_user(3), dave = make_user(4), mallory = make_user(5);
  DocumentRef doc = doc_of(alice, 1);
  VersionedContentKey key = content_key(1, 1);
  AccessList access = make_access_list(alice.secrets, doc, 1, 1, {carol.id, bob.id}).take();

  Bytes wrap_to(const User& sender, const User& recipient, const AccessList& list, const VersionedContentKey& k,
                std::uint8_t n = 1) {
    auto rng = acct::rng_for('W', n);
    auto w = wrap_content_key(sender.id, sender.secrets, recipient.recipient(), list, k, rng);
    REQUIRE(w.error() == Error::ok);
    return std::move(w).take();
  }
  Result<VersionedContentKey> open(const Bytes& wrap, const User& me, const AccessList& list, const User& sender) {
    return open_content_wrap(wrap, me.id, me.secrets, list, sender.identity());
  }
  WrapFields fields(const User& sender, const User& recipient) const {
    return {doc, 1, sender.id, sender.secrets.identity_generation(), recipient.id, 1};
  }
};

std::array<std::uint8_t, 64> eseed(std::uint8_t n) {
  std::array<std::uint8_t, 64> e{};
  auto rng = acct::rng_for('E', n);
  rng.fill(e);
  return e;
}

}  // namespace

TEST_CASE("sharing: the owner's wraps open for every member, byte for byte the spec's") {
  Scene s;
  // The access list is the spec's bytes: members sorted, the owner added.
  std::vector<UserId> sorted = {s.alice.id, s.bob.id, s.carol.id};
  std::sort(sorted.begin(), sorted.end());
  CHECK(s.access.members() == sorted);
  CHECK(s.access.bytes() == spec_access(1, s.alice.id, s.doc.id, 1, 1, 1, sorted, s.alice.secrets.identity()));
  CHECK(s.access.bytes().size() == kAccessListBaseSize + 16 * 3);

  // A wrap is the spec's bytes for the same encapsulation randomness (the first 64 bytes of the rng).
  Bytes w = s.wrap_to(s.alice, s.bob, s.access, s.key, 9);
  auto rng = acct::rng_for('W', 9);
  std::array<std::uint8_t, 64> e{};
  rng.fill(e);
  CHECK(w == spec_wrap(s.fields(s.alice, s.bob), s.bob.recipient().suite_pk, e, s.key.key.secret().reveal(),
                       s.alice.secrets.identity()));
  CHECK(w.size() == kContentWrapSize);

  // Bob opens Alice's list with Alice's trusted identity, then his wrap.
  auto list = open_access_list(s.access.bytes(), s.alice.identity(), s.doc, std::nullopt);
  REQUIRE(list.error() == Error::ok);
  CHECK(list.value().pin() == AccessPin{1, 1});
  CHECK(wrap_sender(w).value() == s.alice.id);
  auto k = s.open(w, s.bob, list.value(), s.alice);
  REQUIRE(k.error() == Error::ok);
  CHECK(same_key(k.value(), s.key));

  // To many: the same bytes on 1 thread and on all cores, each opening for its recipient (the owner's self-wrap too).
  std::vector<WrapRecipient> to = {s.alice.recipient(), s.bob.recipient(), s.carol.recipient()};
  auto rng1 = acct::rng_for('M', 1), rng2 = acct::rng_for('M', 1);
  auto many1 = wrap_content_key_to_many(s.alice.id, s.alice.secrets, to, s.access, s.key, rng1, 1).take();
  auto many0 = wrap_content_key_to_many(s.alice.id, s.alice.secrets, to, s.access, s.key, rng2, 0).take();
  CHECK(many1 == many0);
  auto rng3 = acct::rng_for('M', 1);
  CHECK(wrap_content_key(s.alice.id, s.alice.secrets, to[0], s.access, s.key, rng3).value() == many1[0]);
  const User* users[] = {&s.alice, &s.bob, &s.carol};
  for (std::size_t i = 0; i < 3; ++i) {
    auto got = s.open(many1[i], *users[i], s.access, s.alice);
    REQUIRE(got.error() == Error::ok);
    CHECK(same_key(got.value(), s.key));
  }
  // A member wraps to another member (Bob to Carol): Carol accepts it with Bob's identity.
  auto from_bob = s.open(s.wrap_to(s.bob, s.carol, s.access, s.key), s.carol, s.access, s.bob);
  REQUIRE(from_bob.error() == Error::ok);
  CHECK(same_key(from_bob.value(), s.key));
}

TEST_CASE("sharing: the wrapping client refuses non-members and mismatched keys") {
  Scene s;
  auto rng = acct::rng_for('W', 2);
  CHECK(wrap_content_key(s.alice.id, s.alice.secrets, s.dave.recipient(), s.access, s.key, rng).error() ==
        Error::not_a_member);
  CHECK(wrap_content_key(s.dave.id, s.dave.secrets, s.bob.recipient(), s.access, s.key, rng).error() ==
        Error::not_a_member);
  std::vector<WrapRecipient> to = {s.bob.recipient(), s.dave.recipient()};
  CHECK(wrap_content_key_to_many(s.alice.id, s.alice.secrets, to, s.access, s.key, rng, 2).error() ==
        Error::not_a_member);
  auto v2 = content_key(2, 2);
  CHECK(wrap_content_key(s.alice.id, s.alice.secrets, s.bob.recipient(), s.access, v2, rng).error() ==
        Error::invalid_argument);
  CHECK(make_access_list(s.alice.secrets, s.doc, 0, 1, {}).error() == Error::invalid_argument);
  CHECK(make_access_list(s.alice.secrets, s.doc, 1, 0, {}).error() == Error::invalid_argument);
  std::vector<UserId> too_many(kAccessListMaxMembers);
  for (std::size_t i = 0; i < too_many.size(); ++i) too_many[i].bytes[0] = 1, too_many[i].bytes[1] = 1,
                                                    too_many[i].bytes[2] = static_cast<std::uint8_t>(i),
                                                    too_many[i].bytes[3] = static_cast<std::uint8_t>(i >> 8);
  CHECK(make_access_list(s.alice.secrets, s.doc, 1, 1, too_many).error() == Error::invalid_argument);
  too_many.pop_back();
  CHECK(make_access_list(s.alice.secrets, s.doc, 1, 1, too_many).error() == Error::ok);
}

TEST_CASE("sharing: an access list opens only for its document, owner generation and key, never below the pin") {
  Scene s;
  const Bytes& bytes = s.access.bytes();
  auto other_doc = doc_of(s.alice, 2);
  CHECK(open_access_list(bytes, s.alice.identity(), other_doc, std::nullopt).error() == Error::wrong_context);
  auto as_file = s.doc;
  as_file.purpose = Purpose::file;
  CHECK(open_access_list(bytes, s.alice.identity(), as_file, std::nullopt).error() == Error::wrong_context);
  // A substituted owner key (same user id and generation): the signature does not verify.
  auto fake = s.mallory.identity();
  fake.user = s.alice.id;
  CHECK(open_access_list(bytes, fake, s.doc, std::nullopt).error() == Error::signature_invalid);
  auto old_generation = s.alice.identity();
  old_generation.generation = 2;
  CHECK(open_access_list(bytes, old_generation, s.doc, std::nullopt).error() == Error::trust_mismatch);
  CHECK(open_access_list(bytes, s.bob.identity(), s.doc, std::nullopt).error() == Error::invalid_argument);
  // Signed by Mallory, not the owner.
  Bytes forged = spec_access(1, s.alice.id, s.doc.id, 1, 1, 1, s.access.members(), s.mallory.secrets.identity());
  CHECK(open_access_list(forged, s.alice.identity(), s.doc, std::nullopt).error() == Error::signature_invalid);
  // Rules of the layout, signed properly: still record_invalid.
  auto m = s.access.members();
  std::vector<UserId> unsorted = {m[1], m[0], m[2]}, dup = {m[0], m[0], m[1], m[2]};
  std::vector<UserId> without_owner;
  for (const auto& u : m)
    if (!(u == s.alice.id)) without_owner.push_back(u);
  const SigningKey& a = s.alice.secrets.identity();
  for (const Bytes& bad : {spec_access(1, s.alice.id, s.doc.id, 1, 1, 1, unsorted, a),
                           spec_access(1, s.alice.id, s.doc.id, 1, 1, 1, dup, a),
                           spec_access(1, s.alice.id, s.doc.id, 1, 1, 1, without_owner, a),
                           spec_access(1, s.alice.id, s.doc.id, 1, 1, 1, {}, a),
                           spec_access(1, s.alice.id, s.doc.id, 1, 0, 1, m, a),
                           spec_access(1, s.alice.id, s.doc.id, 1, 1, 0, m, a),
                           spec_access(4, s.alice.id, s.doc.id, 1, 1, 1, m, a)}) {
    CHECK(open_access_list(bad, s.alice.identity(), s.doc, std::nullopt).error() == Error::record_invalid);
  }
  Bytes extended = bytes;
  extended.push_back(0);
  CHECK(open_access_list(extended, s.alice.identity(), s.doc, std::nullopt).error() == Error::record_invalid);

  // Adding Dave: revision 2, same key version. The pin then refuses revision 1.
  auto added = add_members(s.alice.secrets, s.access, std::vector<UserId>{s.dave.id}).take();
  CHECK(added.revision() == 2);
  CHECK(added.key_version() == 1);
  CHECK(added.is_member(s.dave.id));
  auto pin = open_access_list(added.bytes(), s.alice.identity(), s.doc, s.access.pin()).take().pin();
  CHECK(open_access_list(bytes, s.alice.identity(), s.doc, pin).error() == Error::key_version_rollback);
  CHECK(open_access_list(added.bytes(), s.alice.identity(), s.doc, pin).error() == Error::ok);
}

TEST_CASE("sharing: every byte of an access list flipped gives an error, never a list") {
  Scene s;
  const Bytes& bytes = s.access.bytes();
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    Bytes t = bytes;
    t[i] ^= 0x01;
    auto r = open_access_list(t, s.alice.identity(), s.doc, std::nullopt);
    REQUIRE(!r.ok());
    Error e = r.error();
    if (i < 5 || (i >= 54 && i < 58)) CHECK(e == Error::record_invalid);        // magic, version, n
    else if (i < 38) CHECK((e == Error::wrong_context || e == Error::record_invalid));  // purpose, owner, id
    else if (i < 42) CHECK(e == Error::trust_mismatch);                          // owner generation
    else CHECK((e == Error::signature_invalid || e == Error::record_invalid));   // the rest is signed
  }
  // Cut at every length.
  for (std::size_t n = 0; n < bytes.size(); ++n) {
    CHECK(open_access_list(std::span(bytes).first(n), s.alice.identity(), s.doc, std::nullopt).error() ==
          Error::record_invalid);
  }
}

TEST_CASE("sharing: wraps swapped between documents, versions or users are wrong_context") {
  Scene s;
  Bytes to_bob = s.wrap_to(s.alice, s.bob, s.access, s.key);
  // Another document of Alice's, with the same members.
  auto doc2 = doc_of(s.alice, 2);
  auto access2 = make_access_list(s.alice.secrets, doc2, 1, 1, {s.bob.id, s.carol.id}).take();
  CHECK(s.open(to_bob, s.bob, access2, s.alice).error() == Error::wrong_context);
  // The same document id for another purpose.
  auto as_drive = s.doc;
  as_drive.purpose = Purpose::drive_node;
  auto access_drive = make_access_list(s.alice.secrets, as_drive, 1, 1, {s.bob.id, s.carol.id}).take();
  CHECK(s.open(to_bob, s.bob, access_drive, s.alice).error() == Error::wrong_context);
  // Bob's wrap served to Carol.
  CHECK(s.open(to_bob, s.carol, s.access, s.alice).error() == Error::wrong_context);
  // A wrap of version 1 served as the key of version 2.
  auto rng = acct::rng_for('R', 3);
  auto rotation = rotate_content_key(s.alice.secrets, s.access, {}, rng).take();
  CHECK(s.open(to_bob, s.bob, rotation.access, s.alice).error() == Error::wrong_context);
}

TEST_CASE("sharing: senders and recipients outside the list, substituted or flipped signatures") {
  Scene s;
  // Mallory (not a member) wraps a key of her choice to Bob, signed with her own identity.
  auto chosen = content_key(1, 66);
  Bytes from_mallory = spec_wrap(s.fields(s.mallory, s.bob), s.bob.recipient().suite_pk, eseed(1),
                                 chosen.key.secret().reveal(), s.mallory.secrets.identity());
  CHECK(s.open(from_mallory, s.bob, s.access, s.mallory).error() == Error::not_a_member);
  // A wrap to Dave, who is not a member: refused to Dave even though it is addressed to him.
  Bytes to_dave = spec_wrap(s.fields(s.alice, s.dave), s.dave.recipient().suite_pk, eseed(2),
                            s.key.key.secret().reveal(), s.alice.secrets.identity());
  CHECK(s.open(to_dave, s.dave, s.access, s.alice).error() == Error::not_a_member);
  // The store claims Carol sent a wrap it made itself (it holds no identity key): signature_invalid.
  Bytes claimed = spec_wrap(s.fields(s.carol, s.bob), s.bob.recipient().suite_pk, eseed(3),
                            chosen.key.secret().reveal(), s.mallory.secrets.identity());
  CHECK(s.open(claimed, s.bob, s.access, s.carol).error() == Error::signature_invalid);
  // A substituted sender key in the caller's trust (same generation) does not verify either.
  Bytes genuine = s.wrap_to(s.alice, s.bob, s.access, s.key);
  auto substituted = s.mallory.identity();
  substituted.user = s.alice.id;
  CHECK(open_content_wrap(genuine, s.bob.id, s.bob.secrets, s.access, substituted).error() ==
        Error::signature_invalid);
  auto newer = s.alice.identity();
  newer.generation = 2;
  CHECK(open_content_wrap(genuine, s.bob.id, s.bob.secrets, s.access, newer).error() == Error::trust_mismatch);
  CHECK(open_content_wrap(genuine, s.bob.id, s.bob.secrets, s.access, s.carol.identity()).error() ==
        Error::invalid_argument);
  Bytes flipped = genuine;
  flipped[flipped.size() - 1] ^= 0x80;
  CHECK(s.open(flipped, s.bob, s.access, s.alice).error() == Error::signature_invalid);
}

TEST_CASE("sharing: every byte of a wrap flipped gives an error, never a key") {
  Scene s;
  Bytes w = s.wrap_to(s.alice, s.bob, s.access, s.key);
  for (std::size_t i = 0; i < w.size(); ++i) {
    Bytes t = w;
    t[i] ^= 0x01;
    auto r = s.open(t, s.bob, s.access, s.alice);
    REQUIRE(!r.ok());
    Error e = r.error();
    if (i < 5) CHECK(e == Error::wrap_invalid);                        // magic, version
    else if (i < 42) CHECK(e == Error::wrong_context);                 // purpose, owner, document, key version
    else if (i < 58) CHECK(e == Error::not_a_member);                  // sender
    else if (i < 62) CHECK(e == Error::trust_mismatch);                // sender generation
    else if (i < 78) CHECK(e == Error::wrong_context);                 // recipient
    else CHECK(e == Error::signature_invalid);                         // suite version, ct, sealed key, signature
  }
  for (std::size_t n : {std::size_t{0}, std::size_t{81}, kContentWrapSize - 1}) {
    CHECK(s.open(Bytes(w.begin(), w.begin() + static_cast<std::ptrdiff_t>(n)), s.bob, s.access, s.alice).error() ==
          Error::wrap_invalid);
  }
  Bytes longer = w;
  longer.push_back(0);
  CHECK(s.open(longer, s.bob, s.access, s.alice).error() == Error::wrap_invalid);
  CHECK(wrap_sender(longer).error() == Error::wrap_invalid);

  // Past the signature (a malicious member signs what it changed): the suite version, ct and sealed key are
  // still authenticated by the KEM and the AEAD.
  const SigningKey& a = s.alice.secrets.identity();
  for (std::size_t i : {std::size_t{78}, std::size_t{81}, kWrapHeader, kWrapHeader + 600, kCtEnd - 1, kCtEnd,
                        kSealedEnd - 1}) {
    Bytes t = w;
    t[i] ^= 0x01;
    CHECK(s.open(resigned(t, a), s.bob, s.access, s.alice).error() == Error::wrap_invalid);
  }
  // A small-order X25519 part of ct (0 is of small order): decapsulation fails, wrap_invalid.
  Bytes small_order = w;
  std::fill(small_order.begin() + kCtEnd - 32, small_order.begin() + kCtEnd, 0);
  CHECK(s.open(resigned(small_order, a), s.bob, s.access, s.alice).error() == Error::wrap_invalid);
  CHECK(s.open(resigned(w, a), s.bob, s.access, s.alice).error() == Error::ok);
}

TEST_CASE("sharing: a wrap to a suite version the recipient does not hold is wrap_invalid") {
  Scene s;
  auto r = s.bob.recipient();
  r.suite_version = 7;
  auto rng = acct::rng_for('W', 7);
  Bytes w = wrap_content_key(s.alice.id, s.alice.secrets, r, s.access, s.key, rng).take();
  CHECK(s.open(w, s.bob, s.access, s.alice).error() == Error::wrap_invalid);
  // Another user's suite key under Bob's name and version: Bob's key does not open it.
  auto wrong_pk = s.carol.recipient();
  wrong_pk.user = s.bob.id;
  Bytes w2 = wrap_content_key(s.alice.id, s.alice.secrets, wrong_pk, s.access, s.key, rng).take();
  CHECK(s.open(w2, s.bob, s.access, s.alice).error() == Error::wrap_invalid);
}

TEST_CASE("sharing: removing a member rotates the content key; old content stays readable, old lists are refused") {
  Scene s;
  Bytes v1_to_bob = s.wrap_to(s.alice, s.bob, s.access, s.key);
  Bytes v1_to_carol = s.wrap_to(s.alice, s.carol, s.access, s.key, 2);
  Context ctx1{"doc", 5, 1};
  auto rng = acct::rng_for('R', 1);
  Bytes old_doc = seal_document(s.key.key, ctx1, random_bytes(100), rng).take();

  CHECK(rotate_content_key(s.alice.secrets, s.access, std::vector<UserId>{s.alice.id}, rng).error() ==
        Error::invalid_argument);
  CHECK(rotate_content_key(s.alice.secrets, s.access, std::vector<UserId>{s.dave.id}, rng).error() ==
        Error::invalid_argument);
  auto rot = rotate_content_key(s.alice.secrets, s.access, std::vector<UserId>{s.carol.id}, rng).take();
  CHECK(rot.key.version == 2);
  CHECK(rot.access.key_version() == 2);
  CHECK(rot.access.revision() == 2);
  CHECK(!rot.access.is_member(s.carol.id));
  CHECK(!rot.key.key.secret().equals(s.key.key.secret()));
  std::vector<WrapRecipient> remaining = {s.alice.recipient(), s.bob.recipient()};
  auto wraps = wrap_content_key_to_many(s.alice.id, s.alice.secrets, remaining, rot.access, rot.key, rng).take();

  // Bob pins version 2, reads new content and still reads old content through the version-1 list (no pin).
  auto v2 = open_access_list(rot.access.bytes(), s.alice.identity(), s.doc, s.access.pin());
  REQUIRE(v2.error() == Error::ok);
  auto pin = v2.value().pin();
  auto k2 = s.open(wraps[1], s.bob, v2.value(), s.alice);
  REQUIRE(k2.error() == Error::ok);
  CHECK(same_key(k2.value(), rot.key));
  auto v1 = open_access_list(s.access.bytes(), s.alice.identity(), s.doc, std::nullopt).take();
  CHECK(same_key(s.open(v1_to_bob, s.bob, v1, s.alice).take(), s.key));
  // The store replays version 1 as the current list: refused by the pin.
  CHECK(open_access_list(s.access.bytes(), s.alice.identity(), s.doc, pin).error() == Error::key_version_rollback);

  // Carol: no wrap of version 2 is hers; Bob cannot make one (library) nor forge one she accepts.
  for (const auto& w : wraps) CHECK(s.open(w, s.carol, v2.value(), s.alice).error() == Error::wrong_context);
  CHECK(s.open(v1_to_carol, s.carol, v2.value(), s.alice).error() == Error::wrong_context);
  auto wrng = acct::rng_for('W', 3);
  CHECK(wrap_content_key(s.bob.id, s.bob.secrets, s.carol.recipient(), v2.value(), k2.value(), wrng).error() ==
        Error::not_a_member);
  WrapFields f{s.doc, 2, s.bob.id, 1, s.carol.id, 1};
  Bytes forged = spec_wrap(f, s.carol.recipient().suite_pk, eseed(4), rot.key.key.secret().reveal(),
                           s.bob.secrets.identity());
  CHECK(s.open(forged, s.carol, v2.value(), s.bob).error() == Error::not_a_member);

  // Re-encryption: old content under version 2; Carol's version-1 key no longer opens it.
  auto re = reencrypt_document(old_doc, s.key, ctx1, rot.key, 6, rng);
  REQUIRE(re.error() == Error::ok);
  Context ctx2{"doc", 6, 2};
  CHECK(open_document(rot.key.key, ctx2, re.value()).value() == random_bytes(100));
  CHECK(!open_document(s.key.key, ctx2, re.value()).ok());
  CHECK(!open_document(s.key.key, Context{"doc", 6, 1}, re.value()).ok());
  CHECK(reencrypt_document(old_doc, s.key, ctx1, s.key, 6, rng).error() == Error::invalid_argument);
  CHECK(reencrypt_document(old_doc, rot.key, ctx1, rot.key, 6, rng).error() == Error::invalid_argument);
  CHECK(reencrypt_document(re.value(), s.key, ctx1, rot.key, 6, rng).error() == Error::wrong_context);
}

TEST_CASE("sharing: after a suite-key rotation, new wraps use the new version; the revoked device cannot open them") {
  auto bob = acct::account(31);
  auto laptop = acct::device(41);
  bob.add(laptop);
  // The laptop's copy of Bob's secrets (epoch 1: suite key 1 only).
  auto laptop_secrets = bob.secrets().clone().take();
  Scene s;
  auto access = make_access_list(s.alice.secrets, s.doc, 1, 1, {bob.user()}).take();
  auto old_rng = acct::rng_for('W', 4);
  Bytes old_wrap = wrap_content_key(s.alice.id, s.alice.secrets, WrapRecipient::of(bob.user(), bob.secrets()).take(),
                                    access, s.key, old_rng)
                       .take();

  // Bob revokes the laptop: suite key version 2, published in a new directory record.
  auto rng = acct::rng_for('V', 1);
  auto plan = plan_revocation(bob.s(), bob.secrets(), bob.first, laptop.id, rng).take();
  auto record = make_directory_record(bob.user(), plan.secrets, acct::kNow).take();
  CHECK(record.suite_version() == 2);
  CHECK(record.suite_pk() == plan.log.suite_pk);

  Bytes new_wrap = wrap_content_key(s.alice.id, s.alice.secrets, record.recipient(), access, s.key, rng).take();
  CHECK(open_content_wrap(new_wrap, bob.user(), laptop_secrets, access, s.alice.identity()).error() ==
        Error::wrap_invalid);
  auto k_new = open_content_wrap(new_wrap, bob.user(), plan.secrets, access, s.alice.identity());
  REQUIRE(k_new.error() == Error::ok);
  CHECK(same_key(k_new.value(), s.key));
  // The old wrap (suite version 1) still opens with the remaining devices' secrets.
  auto k_old = open_content_wrap(old_wrap, bob.user(), plan.secrets, access, s.alice.identity());
  REQUIRE(k_old.error() == Error::ok);
  CHECK(same_key(k_old.value(), s.key));
  // Bob wraps to his own new suite key (a member may wrap to a member): the laptop cannot open that either.
  Bytes self = wrap_content_key(bob.user(), plan.secrets, WrapRecipient::of(bob.user(), plan.secrets).take(), access,
                                k_old.value(), rng)
                   .take();
  auto bob_id = TrustedIdentity::of(bob.user(), plan.secrets);
  CHECK(open_content_wrap(self, bob.user(), plan.secrets, access, bob_id).error() == Error::ok);
  CHECK(open_content_wrap(self, bob.user(), laptop_secrets, access, bob_id).error() == Error::wrap_invalid);
  // The laptop signs a wrap as Bob with the identity key it kept (generation 1): whoever trusts Bob's generation 2
  // refuses it before any cryptography.
  Bytes forged = wrap_content_key(bob.user(), laptop_secrets, WrapRecipient::of(bob.user(), plan.secrets).take(),
                                  access, k_old.value(), rng)
                     .take();
  CHECK(open_content_wrap(forged, bob.user(), plan.secrets, access, bob_id).error() == Error::trust_mismatch);
}
