// Device list (docs/SPEC.md section 10): honest logs verify, fully or incrementally, to the same state; a malicious
// store that rolls back, forks, drops, reorders, inserts or edits entries gets the specific error of the spec; so
// does a revoked device that kept every old key (device_revoked, identity_superseded); every single-byte change of a
// valid log fails. Vectors: device_log_vectors_test.cpp.
#include "device_log_support.hpp"

#include <coffre/device_log.hpp>

#include <algorithm>

using namespace coffre;
using namespace coffre::test::log;
using coffre::test::Bytes;

namespace {

std::vector<DeviceId> ids(const std::vector<DeviceRecord>& records) {
  std::vector<DeviceId> out;
  for (const auto& r : records) out.push_back(r.id);
  return out;
}

// verify_log on one thread and on all cores (the outcome must not depend on it) and, with nothing pinned,
// verify_appended after every prefix that verifies: the same outcome and state (SPEC 10.3, incremental).
Error verify(const Entries& e, std::optional<LogHead> pinned = std::nullopt,
             std::optional<LogHash> genesis = std::nullopt) {
  auto one = verify_log(e, pinned, genesis, 1);
  auto all = verify_log(e, pinned, genesis, 0);
  CHECK(one.error() == all.error());
  if (one.ok() && all.ok()) CHECK(one.value() == all.value());
  if (pinned || genesis) return one.error();
  for (std::size_t k = 1; k < e.size(); ++k) {
    auto prefix = verify_log(std::span(e).first(k), std::nullopt, std::nullopt, 1);
    if (!prefix) continue;
    CAPTURE(k);
    auto rest = verify_appended(prefix.value(), std::span(e).subspan(k), 1);
    CHECK(rest.error() == one.error());
    if (rest.ok() && one.ok()) CHECK(rest.value() == one.value());
  }
  return one.error();
}

LogHead head_of(const Entries& e, std::size_t seq) { return LogHead{seq, entry_hash(e.at(seq))}; }

// genesis (device 10, identity key 1), add 11 by 10, add 12 by 11, revoke 11 by 10 (identity key 41, suite key 60:
// generation, suite version and root epoch 2), add 13 by 12.
struct Sample {
  Device d10 = device(10), d11 = device(11), d12 = device(12), d13 = device(13);
  Account a = account(1);

  Sample() {
    a.add(d11);
    a.add(d12, &d11);
    a.revoke(d11.record.id, 41, 60);
    a.add(d13, &d12);
  }
  const SigningKey& old_identity() const { return a.old_identities.at(0); }
  // The keys of the honest writers, entry by entry (before any further append).
  std::vector<Signers> signers() const {
    const SigningKey* k1 = &old_identity();
    const SigningKey* k41 = &a.identity;
    return {{k1, &d10.key}, {k1, &d10.key}, {k1, &d11.key}, {k1, &d10.key, k41}, {k41, &d12.key}};
  }
};

void check_same(const VerifiedLog& a, const VerifiedLog& b) {
  CHECK(a.user == b.user);
  CHECK(a.identity_pk == b.identity_pk);
  CHECK(a.identity_generation == b.identity_generation);
  CHECK(a.suite_pk == b.suite_pk);
  CHECK(a.suite_version == b.suite_version);
  CHECK(a.root_epoch == b.root_epoch);
  CHECK(a.recovery_pk == b.recovery_pk);
  CHECK(a.recovery_mac == b.recovery_mac);
  CHECK(a.recovery_sign_pk == b.recovery_sign_pk);
  CHECK(a.devices == b.devices);
  CHECK(a.revoked == b.revoked);
  CHECK(a.superseded_identities == b.superseded_identities);
  CHECK(a.genesis_hash == b.genesis_hash);
  CHECK(a.head == b.head);
  CHECK(a == b);
}

Bytes bytes_of(const DeviceId& id) { return Bytes(id.bytes.begin(), id.bytes.end()); }

}  // namespace

TEST_CASE("device log: an honest log verifies to its state") {
  const Sample x;
  const Entries& e = x.a.entries;
  REQUIRE(e.size() == 5);
  auto v = verify_log(e, std::nullopt);
  REQUIRE(v.ok());
  const VerifiedLog& s = v.value();
  CHECK(s.user == x.a.user);
  CHECK(s.identity_pk == signing_key(41).verify_key());
  CHECK(s.identity_generation == 2);
  CHECK(s.superseded_identities == std::vector{signing_key(1).verify_key()});
  CHECK(s.genesis_identity_pk() == signing_key(1).verify_key());
  CHECK(s.genesis_identity_generation() == 1);
  CHECK(s.suite_pk == xwing_pk(60));
  CHECK(s.suite_version == 2);
  CHECK(s.root_epoch == 2);
  const RecoveryKey rk = recovery_key(201 + 2);
  CHECK(s.recovery_pk == rk.public_key());
  CHECK(s.recovery_sign_pk == rk.signing_key().verify_key());
  CHECK(rk.check_genesis(s) == Error::ok);  // the MAC covers the genesis's identity key, not the current one
  CHECK(ids(s.devices) == std::vector{x.d10.record.id, x.d12.record.id, x.d13.record.id});
  CHECK(ids(s.revoked) == std::vector{x.d11.record.id});
  CHECK(s.revoked[0] == x.d11.record);
  CHECK(s.devices[1] == x.d12.record);
  CHECK(s.head == head_of(e, 4));
  CHECK(s.genesis_hash == entry_hash(e[0]));
  CHECK(s.contains(x.d13.record.id));
  CHECK_FALSE(s.contains(x.d11.record.id));
  CHECK(s.was_revoked(x.d11.record.id));
  CHECK_FALSE(s.was_revoked(x.d12.record.id));
  CHECK(s.find(x.d12.record.id)->name == "device 12");
  CHECK(s.find(x.d11.record.id) == nullptr);
  CHECK(identity_fingerprint(s) == identity_fingerprint(s.user, signing_key(41).verify_key(), 2));
  check_same(s, x.a.s());  // the incremental state the writer kept

  // Pinned at every position, with or without the genesis pinned, on 1 thread or all: the same state.
  for (std::size_t p = 0; p < e.size(); ++p) {
    CAPTURE(p);
    auto pinned = verify_log(e, head_of(e, p), s.genesis_hash, p % 2 == 0 ? 1 : 0);
    REQUIRE(pinned.ok());
    check_same(pinned.value(), s);
  }
  // Incremental from every prefix.
  for (std::size_t k = 1; k <= e.size(); ++k) {
    CAPTURE(k);
    Entries prefix(e.begin(), e.begin() + static_cast<std::ptrdiff_t>(k));
    Entries rest(e.begin() + static_cast<std::ptrdiff_t>(k), e.end());
    auto first = verify_log(prefix, std::nullopt);
    REQUIRE(first.ok());
    CHECK(first.value().head == head_of(e, k - 1));
    auto all = verify_appended(first.value(), rest);
    REQUIRE(all.ok());
    check_same(all.value(), s);
  }
  // The writers' keys re-link the same bytes (what the tests of faults in the middle of a log build on).
  CHECK(chain(parsed(e), x.signers()) == e);
}

TEST_CASE("device log: entries parse and re-encode byte for byte") {
  const Sample x;
  const Entries& e = x.a.entries;
  const LogEntryKind kinds[] = {LogEntryKind::genesis, LogEntryKind::add_device, LogEntryKind::add_device,
                                LogEntryKind::revoke_device, LogEntryKind::add_device};
  const DeviceId authors[] = {x.d10.record.id, x.d10.record.id, x.d11.record.id, x.d10.record.id, x.d12.record.id};
  for (std::size_t i = 0; i < e.size(); ++i) {
    CAPTURE(i);
    auto p = LogEntry::parse(e[i]);
    REQUIRE(p.ok());
    CHECK(p.value().seq == i);
    CHECK(p.value().kind() == kinds[i]);
    CHECK(p.value().author == authors[i]);
    CHECK(p.value().encode() == e[i]);
    CHECK(p.value().signed_part() == Bytes(e[i].begin(), e[i].end() - kSignaturesSize));
    CHECK(p.value().prev == (i == 0 ? LogHash{} : entry_hash(e[i - 1])));
  }
  // Layout of section 10: magic, version, seq, prev, kind, frame(body), author, sig_identity, sig_author, tail.
  const Bytes& revoke = e[3];
  CHECK(Bytes(revoke.begin(), revoke.begin() + 5) == Bytes{'C', 'F', 'R', 'L', 0x03});
  CHECK(revoke[12] == 3);           // u64 seq, big-endian
  CHECK(revoke[kKindOffset] == 3);  // revoke
  CHECK(Bytes(revoke.begin() + 46, revoke.begin() + 50) ==
        Bytes{0, 0, kRevokeBodySize >> 8, kRevokeBodySize & 0xff});
  CHECK(revoke.size() == kBodyOffset + kRevokeBodySize + 16 + kSignaturesSize);
  const std::size_t author_at = kBodyOffset + kRevokeBodySize;
  CHECK(Bytes(revoke.begin() + author_at, revoke.begin() + author_at + 16) == bytes_of(x.d10.record.id));
  // Each signature by its key, under its label, over every byte before the signatures.
  const auto part = std::span(revoke).first(author_at + 16);
  auto sig = [&](std::size_t k) { return std::span(revoke).subspan(author_at + 16 + 64 * k, 64); };
  CHECK(signing_key(1).verify_key().verify(kEntryLabel, part, sig(0)) == Error::ok);  // the key before the entry
  CHECK(x.d10.key.verify_key().verify(kAuthorLabel, part, sig(1)) == Error::ok);
  CHECK(signing_key(41).verify_key().verify(kNewIdentityLabel, part, sig(2)) == Error::ok);
  CHECK(signing_key(41).verify_key().verify(kEntryLabel, part, sig(0)) == Error::signature_invalid);
  CHECK(std::get<RevokeDeviceBody>(LogEntry::parse(revoke).take().body) ==
        RevokeDeviceBody{x.d11.record.id, signing_key(41).verify_key(), 2, xwing_pk(60), 2, 2});
  // An add-device entry: its tail is the device's pop; entry 2's author is device 11.
  auto add = LogEntry::parse(e[2]).take();
  CHECK(add.tail == pop(x.d12, x.a.user));
  CHECK(x.d11.key.verify_key().verify(kAuthorLabel, add.signed_part(), add.author_signature) == Error::ok);

  auto g = LogEntry::parse(e[0]).take();
  const auto& body = std::get<GenesisBody>(g.body);
  const RecoveryKey rk = recovery_key(203);
  CHECK(body.device == x.d10.record);
  CHECK(body.suite_version == 1);
  CHECK(body.recovery_mac == rk.genesis_mac(x.a.user, signing_key(1).verify_key(), 1));
  CHECK(body.recovery_sign_pk == rk.signing_key().verify_key());
  CHECK(g.tail == pop(x.d10, x.a.user));
  // user, identity, generation, suite key, version, recovery key, MAC, recovery signing key, epoch; then the device
  // (id, signing key, KEM key, name "device 10", transcript hash).
  CHECK(e[0].size() == kBodyOffset + (20 + 36 + 4 + 1220 + 4 + 1220 + 36 + 36 + 4) + (20 + 36 + 1220 + 4 + 9 + 36) +
                           16 + kSignaturesSize);
  CHECK(e[1].size() == kBodyOffset + (20 + 36 + 1220 + 4 + 9 + 36) + 16 + kSignaturesSize);
}

TEST_CASE("device log: entries of other versions (0x01, 0x02 before authors) and kind 4 are log_invalid") {
  const Sample x;
  const Entries& e = x.a.entries;
  const auto k = x.signers();
  for (std::uint8_t version : {0x00, 0x01, 0x02, 0x04, 0xff}) {
    for (std::size_t i = 0; i < e.size(); ++i) {
      CAPTURE(int{version});
      CAPTURE(i);
      Bytes old = e[i];
      old[4] = version;
      CHECK(LogEntry::parse(old).error() == Error::log_invalid);
      Entries t(e.begin(), e.begin() + static_cast<std::ptrdiff_t>(i));
      t.push_back(resign(old, k[i]));
      CHECK(verify(t) == Error::log_invalid);
    }
  }
  // Kind 4 (rotate suite key, version 0x02) is gone: its body (frame(suite_pk) | u32 version | u32 epoch) under
  // version 0x03 is log_invalid.
  Bytes kind4 = kind4_entry(e, x.d10.record.id, 61, 3, 3);
  CHECK(LogEntry::parse(kind4).error() == Error::log_invalid);
  CHECK(verify(with(e, resign(kind4, x.a.identity, x.d10.key))) == Error::log_invalid);
  kind4[kKindOffset] = 3;  // nor does it parse as a revoke body
  CHECK(LogEntry::parse(kind4).error() == Error::log_invalid);

  // The version 0x02 revoke body (frame(device_id) alone) under version 0x03 does not parse either.
  Bytes short_revoke(e[3].begin(), e[3].begin() + kBodyOffset - 4);
  for (std::uint8_t b : {0, 0, 0, 20, 0, 0, 0, 16}) short_revoke.push_back(b);
  const Bytes id = bytes_of(x.d11.record.id);
  short_revoke.insert(short_revoke.end(), id.begin(), id.end());
  const Bytes author = bytes_of(x.d10.record.id);
  short_revoke.insert(short_revoke.end(), author.begin(), author.end());
  short_revoke.resize(short_revoke.size() + kSignaturesSize);
  Entries t(e.begin(), e.begin() + 3);
  CHECK(verify(with(t, resign(short_revoke, k[3]))) == Error::log_invalid);
  // Nor a genesis without the recovery_sign_pk frame (the version 0x02 body).
  Bytes g = e[0];
  const std::size_t sign_pk_at = kBodyOffset + 20 + 36 + 4 + 1220 + 4 + 1220 + 36;
  g.erase(g.begin() + static_cast<std::ptrdiff_t>(sign_pk_at), g.begin() + static_cast<std::ptrdiff_t>(sign_pk_at + 36));
  const auto body = static_cast<std::uint32_t>(g.size() - kBodyOffset - 16 - kSignaturesSize);
  for (int b = 0; b < 4; ++b) g[46 + b] = static_cast<std::uint8_t>(body >> (24 - 8 * b));
  CHECK(LogEntry::parse(g).error() == Error::log_invalid);
  CHECK(verify({resign(g, k[0])}) == Error::log_invalid);
}

TEST_CASE("device log: builders refuse what verification would refuse") {
  const Sample x;
  const VerifiedLog& s = x.a.s();
  const UserId& u = x.a.user;
  const SigningKey& id = x.a.identity;
  const SigningKey& old_id = x.old_identity();
  const SigningKey other_id = signing_key(2);
  const RecoveryKey rk = recovery_key(203);
  const EntryAuthor by10 = author(x.d10);
  const EntryAuthor by_recovery{recovery_author_id(), rk.signing_key()};
  Device d14 = device(14);
  auto add = [&](const EntryAuthor& by, const DeviceRecord& r, std::span<const std::uint8_t> p,
                 const SigningKey* identity = nullptr) {
    return make_add_device(s, identity ? *identity : id, by, r, p).error();
  };
  const auto p14 = pop(d14, u);

  // make_add_device: the entry it makes verifies after `s`.
  for (const EntryAuthor* by : {&by10, &by_recovery}) {
    auto entry = make_add_device(s, id, *by, d14.record, p14);
    REQUIRE(entry.ok());
    CHECK(LogEntry::parse(entry.value()).take().author == by->id);
    auto next = verify_appended(s, Entries{entry.value()});
    REQUIRE(next.ok());
    CHECK(next.value().contains(d14.record.id));
  }
  CHECK(add(by10, x.d12.record, pop(x.d12, u)) == Error::already_exists);
  CHECK(add(by10, x.d11.record, pop(x.d11, u)) == Error::already_exists);  // revoked: its id never comes back
  CHECK(add(by10, d14.record, p14, &old_id) == Error::invalid_argument);   // the superseded identity key
  CHECK(add(by10, d14.record, p14, &other_id) == Error::invalid_argument);
  // The author: revoked, never added, the device being added, a key that is not the author's.
  CHECK(add(author(x.d11), d14.record, p14) == Error::device_revoked);
  CHECK(add(author(device(15)), d14.record, p14) == Error::device_not_enrolled);
  CHECK(add(author(d14), d14.record, p14) == Error::invalid_argument);
  CHECK(add(EntryAuthor{x.d12.record.id, x.d13.key}, d14.record, p14) == Error::invalid_argument);
  CHECK(add(EntryAuthor{recovery_author_id(), recovery_key(205).signing_key()}, d14.record, p14) ==
        Error::invalid_argument);
  CHECK(add(EntryAuthor{recovery_author_id(), x.d10.key}, d14.record, p14) == Error::invalid_argument);
  // A device under the recovery author id.
  Device ff = device(14);
  ff.record.id = recovery_author_id();
  CHECK(add(by10, ff.record, pop(ff, u)) == Error::invalid_argument);
  // Proofs of possession.
  CHECK(add(by10, d14.record, pop(x.d12, u)) == Error::signature_invalid);
  CHECK(add(by10, d14.record, std::span(p14).first(63)) == Error::signature_invalid);
  CHECK(add(by10, d14.record, pop(d14, account(2).user)) == Error::signature_invalid);
  CHECK(device_pop(x.d12.key, u, d14.record).error() == Error::invalid_argument);
  // Names.
  Device long_name = device(15, std::string(65, 'x'));
  CHECK(add(by10, long_name.record, pop(long_name, u)) == Error::invalid_argument);
  Device bad_utf8 = device(15, "caf\xc3");
  CHECK(add(by10, bad_utf8.record, pop(bad_utf8, u)) == Error::invalid_argument);
  Device max_name = device(15, std::string(16, '\0') + "\xf0\x9f\x94\x90" + std::string(44, 'a'));  // 64 bytes
  CHECK(add(by10, max_name.record, pop(max_name, u)) == Error::ok);

  // make_revoke.
  const SigningKey next = signing_key(42);
  auto revoke = [&](const SigningKey& identity, const EntryAuthor& by, const DeviceId& device,
                    const SigningKey& new_identity) {
    return make_revoke(s, identity, by, device, new_identity, xwing_pk(61));
  };
  auto revoked = revoke(id, by10, x.d12.record.id, next);
  REQUIRE(revoked.ok());
  auto after = verify_appended(s, Entries{revoked.value()});
  REQUIRE(after.ok());
  CHECK(after.value().identity_pk == next.verify_key());
  CHECK(after.value().identity_generation == 3);
  CHECK(after.value().suite_pk == xwing_pk(61));
  CHECK(after.value().suite_version == 3);
  CHECK(after.value().root_epoch == 3);
  CHECK(after.value().superseded_identities == std::vector{old_id.verify_key(), id.verify_key()});
  CHECK(revoked.value() ==
        sign_as(next_entry(s, revoke_body(s, x.d12.record.id, next, 61), x.d10.record.id), id, x.d10.key, &next));

  const DeviceId& d12 = x.d12.record.id;
  CHECK(revoke(id, by10, x.d11.record.id, next).error() == Error::device_not_enrolled);  // already revoked
  CHECK(revoke(id, by10, d14.record.id, next).error() == Error::device_not_enrolled);    // never added
  CHECK(revoke(id, by10, recovery_author_id(), next).error() == Error::device_not_enrolled);
  CHECK(revoke(old_id, by10, d12, next).error() == Error::invalid_argument);
  CHECK(revoke(other_id, by10, d12, next).error() == Error::invalid_argument);
  CHECK(revoke(id, author(x.d12), d12, next).error() == Error::invalid_argument);  // the author itself
  CHECK(revoke(id, by_recovery, d12, next).error() == Error::invalid_argument);    // the recovery key: adds only
  CHECK(revoke(id, author(x.d11), d12, next).error() == Error::device_revoked);
  CHECK(revoke(id, author(d14), d12, next).error() == Error::device_not_enrolled);
  CHECK(revoke(id, EntryAuthor{x.d10.record.id, x.d12.key}, d12, next).error() == Error::invalid_argument);
  CHECK(revoke(id, by10, d12, id).error() == Error::invalid_argument);      // the current identity key again
  CHECK(revoke(id, by10, d12, old_id).error() == Error::invalid_argument);  // a superseded one
  // No successor generation: an account created at generation 0xffffffff cannot revoke (and cannot be forged to).
  {
    Account top = account(4);
    auto g = make_genesis(top.identity, UINT32_MAX, top.user, xwing_pk(1), 1, recovery_key(2), 1, top.first.record,
                          top.first.key);
    REQUIRE(g.ok());
    Entries log{g.value()};
    auto st = verify_log(log, std::nullopt);
    REQUIRE(st.ok());
    Device d = device(11);
    auto added = make_add_device(st.value(), top.identity, author(top.first), d.record, pop(d, top.user));
    REQUIRE(added.ok());
    log.push_back(added.value());
    st = verify_log(log, std::nullopt);
    REQUIRE(st.ok());
    CHECK(make_revoke(st.value(), top.identity, author(top.first), d.record.id, next, xwing_pk(61)).error() ==
          Error::invalid_argument);
    RevokeDeviceBody wrapped = revoke_body(st.value(), d.record.id, next, 61);
    CHECK(wrapped.identity_generation == 0);
    CHECK(verify(with(log, sign_as(next_entry(st.value(), wrapped, top.first.record.id), top.identity, top.first.key,
                                   &next))) == Error::log_invalid);
  }

  // make_genesis.
  const Device& d10 = x.d10;
  auto genesis = [&](std::uint32_t gen, std::uint32_t version, std::uint32_t epoch, const DeviceRecord& r,
                     const SigningKey& k) {
    return make_genesis(id, gen, u, xwing_pk(1), version, recovery_key(2), epoch, r, k).error();
  };
  CHECK(genesis(1, 1, 1, d10.record, d10.key) == Error::ok);
  CHECK(genesis(7, 1, 1, d10.record, d10.key) == Error::ok);
  CHECK(genesis(0, 1, 1, d10.record, d10.key) == Error::invalid_argument);
  CHECK(genesis(1, 2, 1, d10.record, d10.key) == Error::invalid_argument);
  CHECK(genesis(1, 1, 0, d10.record, d10.key) == Error::invalid_argument);
  CHECK(genesis(1, 1, 1, d10.record, x.d12.key) == Error::invalid_argument);
  CHECK(genesis(1, 1, 1, device(10, "d", LogHash{1}).record, d10.key) == Error::invalid_argument);
  CHECK(genesis(1, 1, 1, ff.record, ff.key) == Error::invalid_argument);
  CHECK(genesis(1, 1, 1, long_name.record, long_name.key) == Error::invalid_argument);

  CHECK(DeviceId::from_bytes(Bytes(15)).error() == Error::invalid_argument);
  CHECK(UserId::from_bytes(Bytes(17)).error() == Error::invalid_argument);
  CHECK(DeviceId::from_bytes(Bytes(16, 9)).value().bytes[15] == 9);
  std::array<std::uint8_t, DeviceId::kSize> all_ff{};
  all_ff.fill(0xff);
  CHECK(recovery_author_id().bytes == all_ff);
}

TEST_CASE("device log: rollback and fork against the pinned head") {
  const Sample x;
  const Entries& e = x.a.entries;
  const LogHead pinned = head_of(e, 3);
  const LogHash genesis = entry_hash(e[0]);

  // Rolled back: the store serves the log as it was before entries the client has seen.
  CHECK(verify(Entries(e.begin(), e.begin() + 3), pinned) == Error::log_rollback);
  CHECK(verify(Entries(e.begin(), e.begin() + 1), pinned) == Error::log_rollback);
  CHECK(verify({}, pinned) == Error::log_rollback);
  CHECK(verify({}, std::nullopt, genesis) == Error::log_rollback);
  CHECK(verify(e, LogHead{UINT64_MAX, pinned.hash}) == Error::log_rollback);
  CHECK(verify(Entries(e.begin(), e.begin() + 4), pinned) == Error::ok);

  // Forked: at the pinned position the store serves another entry (another history).
  Account b = account(1);  // the same account...
  const Device d11 = device(11);
  b.add(d11);
  b.add(device(12), &d11);
  b.revoke(device(12).record.id, 41, 60);  // ... a different entry 3 (validly signed)
  CHECK(verify(b.entries) == Error::ok);
  CHECK(verify(b.entries, pinned) == Error::log_fork);
  CHECK(verify(b.entries, head_of(e, 2)) == Error::ok);  // a common prefix up to the pin: accepted
  CHECK(verify(e, LogHead{3, entry_hash(e[2])}) == Error::log_fork);

  // Another account's genesis (the store swaps the whole log): the pinned genesis catches it.
  Account other = account(2);
  CHECK(verify(other.entries) == Error::ok);  // on its own, a valid log
  CHECK(verify(other.entries, std::nullopt, genesis) == Error::log_fork);
  CHECK(verify(other.entries, LogHead{0, genesis}) == Error::log_fork);

  // Rollback is checked before fork, fork before anything in the entries.
  CHECK(verify(Entries(b.entries.begin(), b.entries.begin() + 3), pinned) == Error::log_rollback);
  Entries broken = b.entries;
  broken[1].push_back(0);
  CHECK(verify(broken, pinned) == Error::log_fork);
}

TEST_CASE("device log: dropped, reordered and inserted entries break the chain") {
  const Sample x;
  const Entries& e = x.a.entries;
  const VerifiedLog& s = x.a.s();
  auto without = [&](std::size_t i) {
    Entries out = e;
    out.erase(out.begin() + static_cast<std::ptrdiff_t>(i));
    return out;
  };
  for (std::size_t i = 1; i + 1 < e.size(); ++i) {
    CAPTURE(i);
    CHECK(verify(without(i)) == Error::log_broken_chain);
    Entries swapped = e;
    std::swap(swapped[i], swapped[i + 1]);
    CHECK(verify(swapped) == Error::log_broken_chain);
  }
  CHECK(verify(without(0)) == Error::log_broken_chain);  // entry 1 served first: its seq is not 0
  CHECK(verify(without(e.size() - 1)) == Error::ok);     // the last entry withheld: unseen, not detectable unpinned
  CHECK(verify(without(e.size() - 1), head_of(e, e.size() - 1)) == Error::log_rollback);

  // Duplicated entry.
  Entries dup = e;
  dup.insert(dup.begin() + 2, e[2]);
  CHECK(verify(dup) == Error::log_broken_chain);

  // Inserted in the middle: a validly signed entry of the right seq, but the next entry's prev names another one.
  Account b = account(1);
  b.add(device(14));
  Entries inserted = e;
  inserted.insert(inserted.begin() + 1, b.entries[1]);
  CHECK(verify(inserted) == Error::log_broken_chain);
  Entries replaced = e;
  replaced[1] = b.entries[1];
  CHECK(verify(replaced) == Error::log_broken_chain);

  // A well-formed entry whose seq or prev is off.
  const Device d20 = device(20);
  LogEntry skip = add_entry(s, d20, x.d12.record.id);
  skip.seq += 1;
  CHECK(verify(with(e, sign_as(skip, x.a.identity, x.d12.key))) == Error::log_broken_chain);
  LogEntry wrong_prev = add_entry(s, d20, x.d12.record.id);
  wrong_prev.prev = entry_hash(e[3]);
  CHECK(verify(with(e, sign_as(wrong_prev, x.a.identity, x.d12.key))) == Error::log_broken_chain);
  CHECK(verify(with(e, sign_as(add_entry(s, d20, x.d12.record.id), x.a.identity, x.d12.key))) == Error::ok);
}

TEST_CASE("device log: entries the identity key did not sign") {
  const Sample x;
  const Entries& e = x.a.entries;
  const VerifiedLog& s = x.a.s();
  const SigningKey attacker = signing_key(9);
  const Device mallory = device(20, "attacker");

  // An appended add-device entry (the store's own device) by a valid author, signed by a key that is not the
  // identity key.
  LogEntry add = add_entry(s, mallory, x.d13.record.id);
  CHECK(verify(with(e, sign_as(add, attacker, x.d13.key))) == Error::signature_invalid);
  CHECK(verify(with(e, sign_as(add, x.a.identity, x.d13.key))) == Error::ok);  // control: properly signed
  // ... and in the middle: its successor's prev no longer matches.
  Entries mid = e;
  LogEntry inserted = add_entry(x.a.s(), mallory, x.d10.record.id);
  inserted.seq = 3;
  inserted.prev = entry_hash(e[2]);
  mid.insert(mid.begin() + 3, sign_as(inserted, attacker, x.d10.key));
  CHECK(verify(mid) == Error::log_broken_chain);
  // ... and re-linked after it (the store rewrote every later entry's prev: it cannot sign them).
  auto k = x.signers();
  k[2].identity = &attacker;
  CHECK(verify(chain(parsed(e), k)) == Error::signature_invalid);

  // A revoke of a real device, signed by the attacker (whose own key as the new identity).
  LogEntry rv = next_entry(s, revoke_body(s, x.d12.record.id, attacker, 61), x.d13.record.id);
  CHECK(verify(with(e, sign_as(rv, attacker, x.d13.key, &attacker))) == Error::signature_invalid);
  // A revoke signed by its new identity key only (not by the key in force).
  const SigningKey next = signing_key(42);
  LogEntry rv2 = next_entry(s, revoke_body(s, x.d12.record.id, next, 61), x.d13.record.id);
  CHECK(verify(with(e, sign_as(rv2, next, x.d13.key, &next))) == Error::signature_invalid);
  CHECK(verify(with(e, sign_as(rv2, x.a.identity, x.d13.key, &next))) == Error::ok);
  // An entry signed by the identity key the next revocation brings, before that revocation (key 41 at entry 2).
  k = x.signers();
  k[2].identity = &x.a.identity;
  CHECK(verify(chain(parsed(e), k)) == Error::signature_invalid);

  // A zero identity signature, and one under another label.
  Entries z = e;
  std::fill(z.back().end() - kSignaturesSize, z.back().end() - 128, 0);
  CHECK(verify(z) == Error::signature_invalid);
  LogEntry relabelled = LogEntry::parse(e.back()).take();
  relabelled.identity_signature = x.a.identity.sign(kAuthorLabel, relabelled.signed_part());
  z.back() = relabelled.encode();
  CHECK(verify(z) == Error::signature_invalid);
}

TEST_CASE("device log: entries their author did not sign") {
  const Sample x;
  const Entries& e = x.a.entries;
  const VerifiedLog& s = x.a.s();
  const SigningKey& id = x.a.identity;
  const Device d20 = device(20);
  LogEntry add = add_entry(s, d20, x.d12.record.id);  // authored by device 12
  CHECK(verify(with(e, sign_as(add, id, x.d12.key))) == Error::ok);
  CHECK(verify(with(e, sign_as(add, id, x.d13.key))) == Error::signature_invalid);  // another enrolled device's key
  CHECK(verify(with(e, sign_as(add, id, d20.key))) == Error::signature_invalid);    // the added device's own
  CHECK(verify(with(e, sign_as(add, id, id))) == Error::signature_invalid);         // the identity key
  // The author's key under another label, a zero signature.
  add.author_signature = x.d12.key.sign(kEntryLabel, add.signed_part());
  add.identity_signature = id.sign(kEntryLabel, add.signed_part());
  CHECK(verify(with(e, add.encode())) == Error::signature_invalid);
  add.author_signature = {};
  CHECK(verify(with(e, add.encode())) == Error::signature_invalid);
  // A revoke entry whose author signature is another device's.
  const SigningKey next = signing_key(42);
  LogEntry rv = next_entry(s, revoke_body(s, x.d13.record.id, next, 61), x.d10.record.id);
  CHECK(verify(with(e, sign_as(rv, id, x.d12.key, &next))) == Error::signature_invalid);
  // In the middle (re-linked) and on the genesis.
  for (std::size_t i : {0, 2, 3}) {
    CAPTURE(i);
    auto k = x.signers();
    k[i].author = &x.d13.key;
    CHECK(verify(chain(parsed(e), k)) == Error::signature_invalid);
  }
}

TEST_CASE("device log: revoke entries the new identity key did not sign") {
  const Sample x;
  const Entries& e = x.a.entries;
  const VerifiedLog& s = x.a.s();
  const SigningKey& id = x.a.identity;
  const SigningKey next = signing_key(42);
  const SigningKey other = signing_key(43);
  LogEntry rv = next_entry(s, revoke_body(s, x.d12.record.id, next, 61), x.d10.record.id);
  CHECK(verify(with(e, sign_as(rv, id, x.d10.key, &next))) == Error::ok);
  CHECK(verify(with(e, sign_as(rv, id, x.d10.key, &other))) == Error::signature_invalid);  // another key
  CHECK(verify(with(e, sign_as(rv, id, x.d10.key, &id))) == Error::signature_invalid);     // the key in force
  CHECK(verify(with(e, sign_as(rv, id, x.d10.key))) == Error::signature_invalid);          // zero tail
  // The new key under the entry label; the tail of the sample's own revoke entry.
  LogEntry relabelled = rv;
  relabelled.tail = next.sign(kEntryLabel, rv.signed_part());
  CHECK(verify(with(e, sign_as(relabelled, id, x.d10.key))) == Error::signature_invalid);
  LogEntry replayed = rv;
  replayed.tail = LogEntry::parse(e[3]).take().tail;
  CHECK(verify(with(e, sign_as(replayed, id, x.d10.key))) == Error::signature_invalid);
  // The new identity key replaced in the body (identity and author signatures unchanged).
  Bytes swapped = sign_as(rv, id, x.d10.key, &next);
  const auto other_pk = other.verify_key().bytes();
  std::copy(other_pk.begin(), other_pk.end(), swapped.begin() + kRevokeIdentityPkOffset);
  CHECK(verify(with(e, swapped)) == Error::signature_invalid);
  // In the middle of a log (re-linked after it).
  auto k = x.signers();
  k[3].new_identity = &other;
  CHECK(verify(chain(parsed(e), k)) == Error::signature_invalid);
}

TEST_CASE("device log: proofs of possession") {
  const Sample x;
  const Entries& e = x.a.entries;
  const Device d = device(20);
  auto add_with_pop = [&](const SigningKey::Signature& p) {
    LogEntry add = add_entry(x.a.s(), d, x.d13.record.id);
    add.tail = p;
    return verify(with(e, sign_as(add, x.a.identity, x.d13.key)));
  };
  CHECK(add_with_pop(pop(d, x.a.user)) == Error::ok);
  // The identity key and the author signed, but the device did not: a pop by another device key.
  const Device d21 = device(21);
  CHECK(add_with_pop(device_pop(d21.key, x.a.user, d21.record).value()) == Error::signature_invalid);
  // The device's pop for another account (a relayed enrollment).
  CHECK(add_with_pop(pop(d, account(2).user)) == Error::signature_invalid);
  // The device's pop over another KEM key or transcript (the KEM key swapped by whoever relayed it).
  DeviceRecord other_kem = d.record;
  other_kem.kem_pk = xwing_pk(99);
  CHECK(add_with_pop(device_pop(d.key, x.a.user, other_kem).value()) == Error::signature_invalid);
  DeviceRecord other_transcript = d.record;
  other_transcript.transcript_hash[0] = 1;
  CHECK(add_with_pop(device_pop(d.key, x.a.user, other_transcript).value()) == Error::signature_invalid);
  // The pop label is the spec's.
  CHECK(add_with_pop(d.key.sign(kEntryLabel, Bytes{})) == Error::signature_invalid);
  CHECK(pop(d, x.a.user) != SigningKey::Signature{});

  // The genesis device's pop too.
  auto g = LogEntry::parse(e[0]).take();
  g.tail = device_pop(d21.key, x.a.user, d21.record).value();
  CHECK(verify({sign_as(g, x.old_identity(), x.d10.key)}) == Error::signature_invalid);
}

TEST_CASE("device log: a replaced public key in a signed entry") {
  const Sample x;
  Entries e = x.a.entries;
  const auto k = x.signers();
  e.resize(3);  // genesis, add 11, add 12: entry 2 is the last one
  REQUIRE(verify(e) == Error::ok);
  const Bytes original = e[2];

  // The device's KEM key replaced by the store's own (a valid key): the signatures no longer match.
  auto kem = xwing_pk(98);
  std::copy(kem.bytes().begin(), kem.bytes().end(), e[2].begin() + kAddKemPkOffset);
  CHECK(verify(e) == Error::signature_invalid);
  // ... even re-signed by the identity key and the author: the device's pop no longer matches.
  e[2] = resign(e[2], k[2]);
  CHECK(verify(e) == Error::signature_invalid);

  // The device's signing key replaced (with the pop of the new key's owner): the identity signature fails.
  e[2] = original;
  const Device m = device(21);
  std::copy(m.key.verify_key().bytes().begin(), m.key.verify_key().bytes().end(), e[2].begin() + kAddSignPkOffset);
  CHECK(verify(e) == Error::signature_invalid);

  // The same in an entry that is not the last: the next entry's prev catches it first.
  e[2] = original;
  std::copy(kem.bytes().begin(), kem.bytes().end(), e[1].begin() + kAddKemPkOffset);
  CHECK(verify(e) == Error::log_broken_chain);

  // The suite key of a revoke entry replaced: the signatures fail.
  Entries r(x.a.entries.begin(), x.a.entries.begin() + 4);
  std::copy(kem.bytes().begin(), kem.bytes().end(), r[3].begin() + kRevokeSuitePkOffset);
  CHECK(verify(r) == Error::signature_invalid);

  // The identity key replaced in the genesis (and re-signed with it): a different account, which a pin catches.
  Entries g{x.a.entries[0]};
  auto ge = LogEntry::parse(g[0]).take();
  const SigningKey attacker = signing_key(9);
  std::get<GenesisBody>(ge.body).identity_pk = attacker.verify_key();
  g[0] = sign_as(ge, attacker, x.d10.key);
  CHECK(verify(g) == Error::ok);
  CHECK(verify(g, std::nullopt, entry_hash(x.a.entries[0])) == Error::log_fork);
  // ... and not re-signed: the self-signature fails.
  g[0] = sign_as(ge, x.old_identity(), x.d10.key);
  CHECK(verify(g) == Error::signature_invalid);
}

TEST_CASE("device log: rules (log_invalid)") {
  const Sample x;
  const Entries& e = x.a.entries;
  const VerifiedLog& s = x.a.s();
  const SigningKey& id = x.a.identity;
  auto signed_next = [&](LogEntryBody body, const SigningKey::Signature& tail = {}) {
    LogEntry n = next_entry(s, std::move(body), x.d10.record.id);
    n.tail = tail;
    return sign_as(n, id, x.d10.key);
  };

  // A second genesis (for the same account, keys and device), at seq 5.
  auto g = LogEntry::parse(e[0]).take();
  CHECK(verify(with(e, signed_next(g.body, g.tail))) == Error::log_invalid);
  // No genesis first: an add-device entry at seq 0.
  const Device d20 = device(20);
  LogEntry first = add_entry(s, d20, x.d10.record.id);
  first.seq = 0;
  first.prev = {};
  CHECK(verify({sign_as(first, x.old_identity(), x.d10.key)}) == Error::log_invalid);
  CHECK(verify({}) == Error::log_invalid);

  // Revoking a device never added, a revoked one, the same twice in a row, the author itself.
  const SigningKey next = signing_key(42);
  auto revoke = [&](const VerifiedLog& st, const DeviceId& dev, const Device& by, const SigningKey& identity) {
    return sign_as(next_entry(st, revoke_body(st, dev, next, 61), by.record.id), identity, by.key, &next);
  };
  CHECK(verify(with(e, revoke(s, d20.record.id, x.d10, id))) == Error::log_invalid);
  CHECK(verify(with(e, revoke(s, x.d11.record.id, x.d10, id))) == Error::log_invalid);
  CHECK(verify(with(e, revoke(s, x.d12.record.id, x.d12, id))) == Error::log_invalid);
  CHECK(verify(with(e, revoke(s, x.d10.record.id, x.d10, id))) == Error::log_invalid);  // the genesis device too
  CHECK(verify(with(e, revoke(s, recovery_author_id(), x.d10, id))) == Error::log_invalid);
  CHECK(verify(with(e, revoke(s, x.d12.record.id, x.d10, id))) == Error::ok);  // control
  {
    Sample r;
    r.a.revoke(r.d13.record.id, 42, 61);
    const SigningKey next2 = signing_key(43);
    LogEntry again = next_entry(r.a.s(), revoke_body(r.a.s(), r.d13.record.id, next2, 62), r.d10.record.id);
    CHECK(verify(with(r.a.entries, sign_as(again, r.a.identity, r.d10.key, &next2))) == Error::log_invalid);
  }

  // A device id added twice: enrolled, revoked, or the genesis device; even with another device's keys.
  for (std::uint8_t n : {12, 11, 10}) {
    CAPTURE(int{n});
    const Device again = device(n);
    CHECK(verify(with(e, signed_next(AddDeviceBody{again.record}, pop(again, x.a.user)))) == Error::log_invalid);
    Device clash = device(21);
    clash.record.id = again.record.id;
    CHECK(verify(with(e, signed_next(AddDeviceBody{clash.record}, pop(clash, x.a.user)))) == Error::log_invalid);
  }

  // A revocation's identity generation, suite version and root epoch: each exactly the current one + 1 (all 2 here).
  for (auto [gen, version, epoch, ok] :
       {std::tuple{3u, 3u, 3u, true}, std::tuple{4u, 3u, 3u, false}, std::tuple{2u, 3u, 3u, false},
        std::tuple{3u, 4u, 3u, false}, std::tuple{3u, 2u, 3u, false}, std::tuple{3u, 3u, 4u, false},
        std::tuple{3u, 3u, 2u, false}, std::tuple{1u, 1u, 1u, false}, std::tuple{0u, 3u, 3u, false}}) {
    CAPTURE(gen);
    CAPTURE(version);
    CAPTURE(epoch);
    RevokeDeviceBody body = revoke_body(s, x.d12.record.id, next, 61);
    body.identity_generation = gen;
    body.suite_version = version;
    body.root_epoch = epoch;
    CHECK(verify(with(e, sign_as(next_entry(s, body, x.d10.record.id), id, x.d10.key, &next))) ==
          (ok ? Error::ok : Error::log_invalid));
  }
  // A revocation's identity key is new: not the current key, not a superseded one (whoever signs the tail).
  for (const SigningKey* reused : {&id, &x.old_identity()}) {
    LogEntry rv = next_entry(s, revoke_body(s, x.d12.record.id, *reused, 61), x.d10.record.id);
    CHECK(verify(with(e, sign_as(rv, id, x.d10.key, reused))) == Error::log_invalid);
  }
  {
    // ... nor one superseded two revocations ago.
    Sample r;
    r.a.revoke(r.d12.record.id, 42, 61, &r.d13);
    const SigningKey& first_key = r.a.old_identities[0];
    LogEntry rv = next_entry(r.a.s(), revoke_body(r.a.s(), r.d13.record.id, first_key, 62), r.d10.record.id);
    CHECK(verify(with(r.a.entries, sign_as(rv, r.a.identity, r.d10.key, &first_key))) == Error::log_invalid);
  }

  // The genesis: identity generation >= 1, suite version and root epoch 1, the device's transcript hash zero, its
  // author its own device.
  auto bad_genesis = [&](auto edit, const SigningKey& author_key) {
    LogEntry n = LogEntry::parse(e[0]).take();
    edit(n);
    n.tail = device_pop(x.d10.key, x.a.user, std::get<GenesisBody>(n.body).device).value();
    return verify({sign_as(n, x.old_identity(), author_key)});
  };
  auto body = [](auto f) { return [f](LogEntry& n) { f(std::get<GenesisBody>(n.body)); }; };
  CHECK(bad_genesis(body([](GenesisBody& b) { b.identity_generation = 2; }), x.d10.key) == Error::ok);
  CHECK(bad_genesis(body([](GenesisBody& b) { b.identity_generation = 0; }), x.d10.key) == Error::log_invalid);
  CHECK(bad_genesis(body([](GenesisBody& b) { b.suite_version = 2; }), x.d10.key) == Error::log_invalid);
  CHECK(bad_genesis(body([](GenesisBody& b) { b.root_epoch = 0; }), x.d10.key) == Error::log_invalid);
  CHECK(bad_genesis(body([](GenesisBody& b) { b.device.transcript_hash[31] = 1; }), x.d10.key) ==
        Error::log_invalid);
  const DeviceId d11_id = x.d11.record.id;
  CHECK(bad_genesis([&](LogEntry& n) { n.author = d11_id; }, x.d11.key) == Error::log_invalid);
  CHECK(bad_genesis([](LogEntry& n) { n.author = recovery_author_id(); }, recovery_key(203).signing_key()) ==
        Error::log_invalid);

  // Every rule of every entry is checked before any signature: a broken rule signed by the wrong keys, alone or
  // after an entry that breaks no rule but whose signature is bad.
  const SigningKey attacker = signing_key(9);
  CHECK(verify(with(e, sign_as(next_entry(s, revoke_body(s, d20.record.id, next, 61), x.d10.record.id), attacker,
                               attacker, &attacker))) == Error::log_invalid);
  Bytes k = sign_as(add_entry(s, d20, x.d10.record.id), attacker, x.d10.key);
  LogEntry k1 = next_entry(s, revoke_body(s, device(21).record.id, next, 61), x.d10.record.id);
  k1.seq += 1;
  k1.prev = entry_hash(k);
  CHECK(verify(with(e, k)) == Error::signature_invalid);
  CHECK(verify(with(with(e, k), sign_as(k1, attacker, x.d10.key, &next))) == Error::log_invalid);
}

TEST_CASE("device log: authors (log_invalid, device_revoked) and the recovery key") {
  const Sample x;
  const Entries& e = x.a.entries;
  const VerifiedLog& s = x.a.s();
  const SigningKey& id = x.a.identity;
  const Device d20 = device(20), d21 = device(21);
  const SigningKey next = signing_key(42);
  const DeviceId& d11 = x.d11.record.id;

  // Any enrolled device authors: the genesis device, or one enrolled since (control).
  CHECK(verify(with(e, sign_as(add_entry(s, d20, x.d10.record.id), id, x.d10.key))) == Error::ok);
  CHECK(verify(with(e, sign_as(add_entry(s, d20, x.d13.record.id), id, x.d13.key))) == Error::ok);
  // Entries a device authored before it was revoked stay valid: entry 2 of the sample is device 11's.
  CHECK(verify(e) == Error::ok);

  // An author never added: log_invalid, with its own valid signature; the device being added is not enrolled yet.
  CHECK(verify(with(e, sign_as(add_entry(s, d20, d21.record.id), id, d21.key))) == Error::log_invalid);
  CHECK(verify(with(e, sign_as(add_entry(s, d20, d20.record.id), id, d20.key))) == Error::log_invalid);
  LogEntry by_stranger = next_entry(s, revoke_body(s, x.d12.record.id, next, 61), d21.record.id);
  CHECK(verify(with(e, sign_as(by_stranger, id, d21.key, &next))) == Error::log_invalid);

  // A revoked author: device_revoked, even signed by the identity key in force (its holder is not revoked), or by
  // the superseded one the revoked device still holds; for an add or a revoke.
  for (const SigningKey* identity : {&id, &x.old_identity()}) {
    CHECK(verify(with(e, sign_as(add_entry(s, d20, d11), *identity, x.d11.key))) == Error::device_revoked);
    LogEntry rv = next_entry(s, revoke_body(s, x.d12.record.id, next, 61), d11);
    CHECK(verify(with(e, sign_as(rv, *identity, x.d11.key, &next))) == Error::device_revoked);
  }
  // The author is checked before the entry's other rules: a revoked author revoking a device never added.
  LogEntry rv_unknown = next_entry(s, revoke_body(s, d21.record.id, next, 61), d11);
  CHECK(verify(with(e, sign_as(rv_unknown, id, x.d11.key, &next))) == Error::device_revoked);
  // ... and the revoked author of an entry in the middle of a log (re-linked after it).
  auto k = x.signers();
  std::vector<LogEntry> p = parsed(e);
  p[4].author = d11;
  k[4].author = &x.d11.key;
  CHECK(verify(chain(p, k)) == Error::device_revoked);

  // The recovery key authors add-device entries only (a recovery enrollment), signing with its signing key.
  const RecoveryKey rk = recovery_key(203);
  LogEntry by_recovery = add_entry(s, d20, recovery_author_id());
  CHECK(verify(with(e, sign_as(by_recovery, id, rk.signing_key()))) == Error::ok);
  CHECK(verify(with(e, sign_as(by_recovery, id, recovery_key(205).signing_key()))) == Error::signature_invalid);
  CHECK(verify(with(e, sign_as(by_recovery, id, x.d10.key))) == Error::signature_invalid);
  LogEntry rv = next_entry(s, revoke_body(s, x.d12.record.id, next, 61), recovery_author_id());
  CHECK(verify(with(e, sign_as(rv, id, rk.signing_key(), &next))) == Error::log_invalid);
  // The builder makes the same entry; the device it enrolls authors later entries like any other.
  Account a = account(1);
  a.add(device(11));
  a.add(device(12), &x.d11);
  a.revoke(d11, 41, 60);
  a.add(device(13), &x.d12);
  auto built = make_add_device(a.s(), a.identity, EntryAuthor{recovery_author_id(), rk.signing_key()}, d20.record,
                               pop(d20, a.user));
  REQUIRE(built.ok());
  CHECK(built.value() == sign_as(by_recovery, id, rk.signing_key()));
  a.append(built.value());
  a.add(d21, &d20);
  CHECK(verify(a.entries) == Error::ok);
  CHECK(ids(a.s().devices).back() == d21.record.id);
}

TEST_CASE("device log: entries under a superseded identity key (identity_superseded)") {
  Sample x;
  const SigningKey& old_id = x.old_identity();
  const Device d20 = device(20);
  const RecoveryKey rk = recovery_key(203);
  {
    const Entries& e = x.a.entries;
    const VerifiedLog& s = x.a.s();
    const SigningKey& id = x.a.identity;
    LogEntry add = add_entry(s, d20, x.d12.record.id);
    CHECK(verify(with(e, sign_as(add, id, x.d12.key))) == Error::ok);  // control
    // The old identity key is what a revoked device holds: with any author that may author the entry, ...
    for (const Device* by : {&x.d10, &x.d12, &x.d13}) {
      CAPTURE(by->record.name);
      CHECK(verify(with(e, sign_as(add_entry(s, d20, by->record.id), old_id, by->key))) ==
            Error::identity_superseded);
    }
    CHECK(verify(with(e, sign_as(add_entry(s, d20, recovery_author_id()), old_id, rk.signing_key()))) ==
          Error::identity_superseded);
    // ... with an author signature that fails too (the identity signature is checked first), ...
    CHECK(verify(with(e, sign_as(add, old_id, x.d13.key))) == Error::identity_superseded);
    LogEntry bad_pop = add;
    bad_pop.tail = pop(device(21), s.user);
    CHECK(verify(with(e, sign_as(bad_pop, old_id, x.d12.key))) == Error::identity_superseded);
    // ... or a revoke that would take the account back with a new identity key of the revoked device's choosing.
    const SigningKey mine = signing_key(50);
    LogEntry rv = next_entry(s, revoke_body(s, x.d10.record.id, mine, 61), x.d12.record.id);
    CHECK(verify(with(e, sign_as(rv, old_id, x.d12.key, &mine))) == Error::identity_superseded);
    // A key that was never the identity key: signature_invalid.
    CHECK(verify(with(e, sign_as(add, signing_key(9), x.d12.key))) == Error::signature_invalid);
    // In the middle of a log: entry 4 under the key entry 3 replaced (re-linked after it).
    const Device d14 = device(14);
    Sample y;
    y.a.add(d14, &y.d13);
    auto k = y.signers();
    k.push_back(Signers{&y.a.identity, &y.d13.key});
    REQUIRE(chain(parsed(y.a.entries), k) == y.a.entries);
    k[4].identity = &y.old_identity();
    CHECK(verify(chain(parsed(y.a.entries), k)) == Error::identity_superseded);
  }
  // After two revocations, either earlier key is superseded.
  x.a.revoke(x.d12.record.id, 42, 61, &x.d13);
  const Entries& e = x.a.entries;
  const VerifiedLog& s = x.a.s();
  REQUIRE(s.superseded_identities.size() == 2);
  REQUIRE(s.identity_generation == 3);
  for (const SigningKey& old : x.a.old_identities) {
    CHECK(verify(with(e, sign_as(add_entry(s, d20, x.d13.record.id), old, x.d13.key))) ==
          Error::identity_superseded);
  }
  CHECK(verify(with(e, sign_as(add_entry(s, d20, x.d13.record.id), x.a.identity, x.d13.key))) == Error::ok);
}

TEST_CASE("device log: the lowest failing entry gives the error, and every rule comes before any signature") {
  // The sample and add 14 by 13 (entry 5, under identity key 41).
  Sample x;
  const Device d14 = device(14);
  x.a.add(d14, &x.d13);
  const Entries& e = x.a.entries;
  auto honest = x.signers();
  honest.push_back(Signers{&x.a.identity, &x.d13.key});
  REQUIRE(chain(parsed(e), honest) == e);
  const SigningKey& old_id = x.old_identity();
  const SigningKey attacker = signing_key(9);

  auto k = honest;
  k[2].author = &x.d13.key;  // signature_invalid at 2
  k[4].identity = &old_id;   // identity_superseded at 4
  CHECK(verify(chain(parsed(e), k)) == Error::signature_invalid);
  k = honest;
  k[4].identity = &old_id;   // identity_superseded at 4
  k[5].author = &x.d10.key;  // signature_invalid at 5
  CHECK(verify(chain(parsed(e), k)) == Error::identity_superseded);
  k[3].new_identity = &attacker;  // signature_invalid at 3
  CHECK(verify(chain(parsed(e), k)) == Error::signature_invalid);

  // A pop that fails at 2, a superseded identity at 5.
  std::vector<LogEntry> p = parsed(e);
  p[2].tail = pop(d14, x.a.user);
  k = honest;
  k[5].identity = &old_id;
  CHECK(verify(chain(p, k)) == Error::signature_invalid);

  // Rules first: a bad signature at 1, a revoked author at 5 (device_revoked), or a rule broken at 5 (log_invalid).
  k = honest;
  k[1].identity = &attacker;
  p = parsed(e);
  p[5].author = x.d11.record.id;
  k[5].author = &x.d11.key;
  CHECK(verify(chain(p, k)) == Error::device_revoked);
  p = parsed(e);
  std::get<AddDeviceBody>(p[5].body).device.id = x.d12.record.id;
  CHECK(verify(chain(p, k)) == Error::log_invalid);
  // ... and the first broken rule: a revoked author at 4 before a never-added one at 5.
  p = parsed(e);
  k = honest;
  p[4].author = x.d11.record.id;
  k[4].author = &x.d11.key;
  p[5].author = device(21).record.id;
  CHECK(verify(chain(p, k)) == Error::device_revoked);
  p[4].author = device(21).record.id;
  p[5].author = x.d11.record.id;
  CHECK(verify(chain(p, k)) == Error::log_invalid);
}

TEST_CASE("device log: malformed entries (log_invalid)") {
  const Sample x;
  const Entries& e = x.a.entries;
  const auto k = x.signers();
  auto last_replaced = [&](Bytes b) {
    Entries out = e;
    out.back() = std::move(b);
    return verify(out);
  };
  const Bytes last = e.back();  // add device 13 (by 12, identity key 41)
  const Bytes revoke = e[3];
  const Entries upto_revoke(e.begin(), e.begin() + 3);

  // Trailing bytes, after the last entry or after one in the middle (there: malformed before its successor's prev
  // is looked at).
  CHECK(last_replaced(last) == Error::ok);
  Bytes trailing = last;
  trailing.push_back(0);
  CHECK(last_replaced(trailing) == Error::log_invalid);
  Bytes tail_twice = last;
  tail_twice.insert(tail_twice.end(), last.end() - 64, last.end());
  CHECK(last_replaced(tail_twice) == Error::log_invalid);
  Entries mid = e;
  mid[2].push_back(0);
  CHECK(verify(mid) == Error::log_invalid);
  // Truncated: at every length (one thread; no incremental cross-check, for time).
  for (std::size_t n = 0; n < revoke.size(); ++n) {
    Entries t = with(upto_revoke, Bytes(revoke.begin(), revoke.begin() + static_cast<std::ptrdiff_t>(n)));
    CHECK(verify_log(t, std::nullopt, std::nullopt, 1).error() == Error::log_invalid);
  }
  // Magic, version, kind.
  for (std::size_t i : {0, 3, 4}) {
    Bytes b = last;
    b[i] ^= 1;
    CHECK(last_replaced(resign(b, k[4])) == Error::log_invalid);
  }
  for (std::uint8_t kind : {0, 4, 5, 255}) {
    CAPTURE(int{kind});
    Bytes b = revoke;
    b[kKindOffset] = kind;
    CHECK(verify(with(upto_revoke, resign(b, k[3]))) == Error::log_invalid);
  }
  // A revoke entry relabelled as an add, an add as a revoke: the body does not parse as one.
  Bytes relabelled = revoke;
  relabelled[kKindOffset] = 2;
  CHECK(verify(with(upto_revoke, resign(relabelled, k[3]))) == Error::log_invalid);
  relabelled = last;
  relabelled[kKindOffset] = 3;
  CHECK(last_replaced(resign(relabelled, k[4])) == Error::log_invalid);
  // A revoke body with its last field (root epoch) missing, or a field more.
  for (int delta : {-4, 4}) {
    CAPTURE(delta);
    LogEntry rv = LogEntry::parse(revoke).take();
    Bytes b = rv.encode();
    const std::size_t end = kBodyOffset + kRevokeBodySize;
    if (delta < 0) {
      b.erase(b.begin() + static_cast<std::ptrdiff_t>(end - 4), b.begin() + static_cast<std::ptrdiff_t>(end));
    } else {
      b.insert(b.begin() + static_cast<std::ptrdiff_t>(end), 4, 0);
    }
    const auto size = static_cast<std::uint32_t>(static_cast<int>(kRevokeBodySize) + delta);
    for (int j = 0; j < 4; ++j) b[46 + j] = static_cast<std::uint8_t>(size >> (24 - 8 * j));
    CHECK(verify(with(upto_revoke, resign(b, k[3]))) == Error::log_invalid);
  }

  // Device names: at most 64 bytes of well-formed UTF-8 (the identity key signed them anyway).
  auto with_name = [&](std::string name) {
    LogEntry n = LogEntry::parse(last).take();
    auto& rec = std::get<AddDeviceBody>(n.body).device;
    rec.name = std::move(name);
    n.tail = device_pop(x.d13.key, x.a.user, rec).value();
    return last_replaced(sign_as(n, *k[4].identity, *k[4].author));
  };
  CHECK(with_name(std::string(64, 'n')) == Error::ok);
  CHECK(with_name("") == Error::ok);
  CHECK(with_name("\xc3\xa9t\xc3\xa9 \xe2\x82\xac \xf0\x9f\x94\x90") == Error::ok);
  CHECK(with_name(std::string(65, 'n')) == Error::log_invalid);
  for (const char* bad : {"\xc3", "\xc0\xaf", "\xe0\x80\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\xff", "\x80"}) {
    CAPTURE(std::string(bad));
    CHECK(with_name(std::string("name") + bad) == Error::log_invalid);
  }

  // A KEM key that fails X-Wing's checks (section 8.2): a coefficient not reduced mod q; in an added device, and as
  // a revocation's suite key.
  Bytes bad_kem = last;
  bad_kem[kAddKemPkOffset] = 0xff;
  bad_kem[kAddKemPkOffset + 1] = 0xff;
  CHECK(last_replaced(resign(bad_kem, k[4])) == Error::log_invalid);
  Bytes bad_suite = revoke;
  bad_suite[kRevokeSuitePkOffset] = 0xff;
  bad_suite[kRevokeSuitePkOffset + 1] = 0xff;
  CHECK(verify(with(upto_revoke, resign(bad_suite, k[3]))) == Error::log_invalid);
  // A field framed with the wrong length (the device id frame says 17).
  Bytes bad_frame = last;
  bad_frame[kBodyOffset + 3] = 17;
  CHECK(last_replaced(resign(bad_frame, k[4])) == Error::log_invalid);
  // The body frame longer or shorter than the body.
  for (int delta : {-1, 1}) {
    Bytes b = revoke;
    b[kBodyOffset - 1] = static_cast<std::uint8_t>(b[kBodyOffset - 1] + delta);
    CHECK(verify(with(upto_revoke, b)) == Error::log_invalid);
  }
  CHECK(LogEntry::parse(trailing).error() == Error::log_invalid);
  CHECK(LogEntry::parse(Bytes{}).error() == Error::log_invalid);
}

TEST_CASE("device log: verify_appended follows its state only") {
  Sample x;
  Sample y;
  const Device d14 = device(14);
  y.a.add(d14, &y.d12);
  y.a.revoke(y.d10.record.id, 42, 61, &y.d13);
  y.a.add(device(15), &d14);
  Entries tail(y.a.entries.begin() + 5, y.a.entries.end());
  auto v = verify_appended(x.a.s(), tail);
  REQUIRE(v.ok());
  check_same(v.value(), y.a.s());
  CHECK(v.value().superseded_identities ==
        std::vector{signing_key(1).verify_key(), signing_key(41).verify_key()});
  CHECK(verify_appended(x.a.s(), {}).value() == x.a.s());

  CHECK(verify_appended(x.a.s(), Entries(tail.begin() + 1, tail.end())).error() == Error::log_broken_chain);
  CHECK(verify_appended(x.a.s(), Entries{x.a.entries[4]}).error() == Error::log_broken_chain);  // already there
  Sample other;
  other.a.add(device(15));
  other.a.add(device(16));
  Sample c;
  c.a.add(device(17));  // another entry 5: other's entry 6 has the right seq but names its own entry 5
  CHECK(verify_appended(c.a.s(), Entries{other.a.entries[6]}).error() == Error::log_broken_chain);
  CHECK(verify_appended(c.a.s(), Entries{other.a.entries[5]}).error() == Error::log_broken_chain);
  // A genesis is never appended.
  auto g = LogEntry::parse(x.a.entries[0]).take();
  LogEntry g2 = next_entry(x.a.s(), g.body, g.author);
  g2.tail = g.tail;
  CHECK(verify_appended(x.a.s(), Entries{sign_as(g2, x.a.identity, x.d10.key)}).error() == Error::log_invalid);
  // The same rules and signatures as a full verification, including those that depend on the state before: a
  // revoked author, a superseded identity key (verify() above compares every case with verify_log too).
  const Device d20 = device(20);
  const VerifiedLog& s = x.a.s();
  CHECK(verify_appended(s, Entries{sign_as(add_entry(s, d20, x.d11.record.id), x.a.identity, x.d11.key)}).error() ==
        Error::device_revoked);
  CHECK(verify_appended(s, Entries{sign_as(add_entry(s, d20, x.d12.record.id), x.old_identity(), x.d12.key)})
            .error() == Error::identity_superseded);
  CHECK(verify_appended(s, Entries{sign_as(add_entry(s, d20, x.d12.record.id), signing_key(9), x.d12.key)})
            .error() == Error::signature_invalid);
}

TEST_CASE("device log: every single-byte change of a small valid log fails") {
  // genesis (device 10), add 11, revoke 10 by 11 (identity key 43, suite key 62).
  Account a = account(3);
  const Device d11 = device(11);
  a.add(d11);
  a.revoke(device(10).record.id, 43, 62, &d11);
  const Entries& e = a.entries;
  REQUIRE(verify(e) == Error::ok);
  std::size_t checked = 0;
  for (std::size_t i = 0; i < e.size(); ++i) {
    for (std::size_t j = 0; j < e[i].size(); ++j) {
      Entries t = e;
      t[i][j] ^= static_cast<std::uint8_t>(1u << (j % 8));
      if (verify_log(t, std::nullopt, std::nullopt, 1).ok()) {
        FAIL_CHECK("entry " << i << " byte " << j << " flipped: still verifies");
      }
      ++checked;
    }
  }
  CHECK(checked == e[0].size() + e[1].size() + e[2].size());
}

// recovery_author_id() is no device's id (SPEC 10.3): not the genesis device's, not an added device's; else a device
// would share the recovery key's author id and root-wrap recipient id.
TEST_CASE("device log: no device has the recovery author id (log_invalid)") {
  const Sample x;
  Device ff = device(20);
  ff.record.id = recovery_author_id();
  LogEntry add = next_entry(x.a.s(), AddDeviceBody{ff.record}, x.d10.record.id);
  add.tail = pop(ff, x.a.user);
  CHECK(verify(with(x.a.entries, sign_as(add, x.a.identity, x.d10.key))) == Error::log_invalid);
  LogEntry g = LogEntry::parse(x.a.entries[0]).take();
  auto& body = std::get<GenesisBody>(g.body);
  body.device.id = recovery_author_id();
  g.author = recovery_author_id();
  g.tail = device_pop(x.d10.key, x.a.user, body.device).value();
  CHECK(verify({sign_as(g, x.old_identity(), x.d10.key)}) == Error::log_invalid);
}
