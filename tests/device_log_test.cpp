// Device list (docs/SPEC.md section 10): honest logs verify, fully or incrementally, to the same state; a malicious
// store that rolls back, forks, drops, reorders, inserts or edits entries gets the specific error of the spec; every
// single-byte change of a valid log fails. Vectors: device_log_vectors_test.cpp.
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

Error verify(const Entries& e, std::optional<LogHead> pinned = std::nullopt,
             std::optional<LogHash> genesis = std::nullopt) {
  return verify_log(e, pinned, genesis).error();
}

LogHead head_of(const Entries& e, std::size_t seq) { return LogHead{seq, entry_hash(e.at(seq))}; }

// genesis (device 10), add 11, add 12, revoke 11, rotate (version 2, epoch 2), add 13.
Account sample() {
  Account a = account(1);
  a.add(device(11));
  a.add(device(12));
  a.revoke(device(11).record.id);
  a.rotate(60);
  a.add(device(13));
  return a;
}

void check_same(const VerifiedLog& a, const VerifiedLog& b) {
  CHECK(a.user == b.user);
  CHECK(a.identity_pk == b.identity_pk);
  CHECK(a.identity_generation == b.identity_generation);
  CHECK(a.suite_pk == b.suite_pk);
  CHECK(a.suite_version == b.suite_version);
  CHECK(a.root_epoch == b.root_epoch);
  CHECK(a.recovery_pk == b.recovery_pk);
  CHECK(a.devices == b.devices);
  CHECK(a.revoked == b.revoked);
  CHECK(a.genesis_hash == b.genesis_hash);
  CHECK(a.head == b.head);
  CHECK(a == b);
}

}  // namespace

TEST_CASE("device log: an honest log verifies to its state") {
  Account a = sample();
  REQUIRE(a.entries.size() == 6);
  auto v = verify_log(a.entries, std::nullopt);
  REQUIRE(v.ok());
  const VerifiedLog& s = v.value();
  CHECK(s.user == a.user);
  CHECK(s.identity_pk == a.identity.verify_key());
  CHECK(s.identity_generation == 1);
  CHECK(s.suite_pk == xwing_pk(60));
  CHECK(s.suite_version == 2);
  CHECK(s.root_epoch == 2);
  CHECK(s.recovery_pk == recovery_key(201 + 2).public_key());
  CHECK(ids(s.devices) == std::vector{device(10).record.id, device(12).record.id, device(13).record.id});
  CHECK(ids(s.revoked) == std::vector{device(11).record.id});
  CHECK(s.devices[1] == device(12).record);
  CHECK(s.head == head_of(a.entries, 5));
  CHECK(s.genesis_hash == entry_hash(a.entries[0]));
  CHECK(s.contains(device(13).record.id));
  CHECK_FALSE(s.contains(device(11).record.id));
  CHECK(s.find(device(12).record.id)->name == "device 12");
  CHECK(s.find(device(11).record.id) == nullptr);
  check_same(s, a.s());  // the incremental state the writer kept

  // Pinned at every position, with or without the genesis pinned, on 1 thread or all: the same state.
  for (std::size_t p = 0; p < a.entries.size(); ++p) {
    CAPTURE(p);
    auto pinned = verify_log(a.entries, head_of(a.entries, p), s.genesis_hash, p % 2 == 0 ? 1 : 0);
    REQUIRE(pinned.ok());
    check_same(pinned.value(), s);
  }
  // Incremental from every prefix.
  for (std::size_t k = 1; k <= a.entries.size(); ++k) {
    CAPTURE(k);
    Entries prefix(a.entries.begin(), a.entries.begin() + static_cast<std::ptrdiff_t>(k));
    Entries rest(a.entries.begin() + static_cast<std::ptrdiff_t>(k), a.entries.end());
    auto first = verify_log(prefix, std::nullopt);
    REQUIRE(first.ok());
    CHECK(first.value().head == head_of(a.entries, k - 1));
    auto all = verify_appended(first.value(), rest);
    REQUIRE(all.ok());
    check_same(all.value(), s);
  }
}

TEST_CASE("device log: entries parse and re-encode byte for byte") {
  Account a = sample();
  const LogEntryKind kinds[] = {LogEntryKind::genesis,       LogEntryKind::add_device,       LogEntryKind::add_device,
                                LogEntryKind::revoke_device, LogEntryKind::rotate_suite_key, LogEntryKind::add_device};
  for (std::size_t i = 0; i < a.entries.size(); ++i) {
    CAPTURE(i);
    auto e = LogEntry::parse(a.entries[i]);
    REQUIRE(e.ok());
    CHECK(e.value().seq == i);
    CHECK(e.value().kind() == kinds[i]);
    CHECK(e.value().encode() == a.entries[i]);
    CHECK(e.value().pop.has_value() == (i != 3 && i != 4));
    CHECK(e.value().prev == (i == 0 ? LogHash{} : entry_hash(a.entries[i - 1])));
  }
  // Layout of section 10: magic, version, seq, prev, kind, frame(body), signature, frame(pop).
  const Bytes& revoke = a.entries[3];
  CHECK(Bytes(revoke.begin(), revoke.begin() + 5) == Bytes{'C', 'F', 'R', 'L', 0x02});
  CHECK(revoke[12] == 3);                  // u64 seq, big-endian
  CHECK(revoke[kKindOffset] == 3);         // revoke
  CHECK(revoke[49] == 20);                 // body = frame(device_id): 4 + 16 bytes
  CHECK(revoke.size() == 50 + 20 + 64 + 4);
  auto g = LogEntry::parse(a.entries[0]).take();
  const auto& body = std::get<GenesisBody>(g.body);
  CHECK(body.device == device(10).record);
  CHECK(body.suite_version == 1);
  CHECK(body.recovery_mac == recovery_key(203).genesis_mac(a.user, a.identity.verify_key(), 1));
  CHECK(a.entries[0].size() ==
        50 + (20 + 36 + 4 + 1220 + 4 + 1220 + 36 + 4) + (20 + 36 + 1220 + 4 + 9 + 36) + 64 + 68);
}

TEST_CASE("device log: version 0x01 entries (before recovery_mac) are log_invalid, of every kind") {
  Account a = sample();
  for (std::size_t i = 0; i < a.entries.size(); ++i) {
    CAPTURE(i);
    Bytes old = a.entries[i];
    old[4] = 0x01;
    CHECK(LogEntry::parse(old).error() == Error::log_invalid);
    Entries e(a.entries.begin(), a.entries.begin() + static_cast<std::ptrdiff_t>(i));
    const std::size_t pop_size = LogEntry::parse(a.entries[i]).take().pop ? 64 : 0;
    e.push_back(resign(old, a.identity, pop_size));
    CHECK(verify(e) == Error::log_invalid);
  }
  // A genesis without the recovery_mac frame (the version 1 body under version 2) does not parse either.
  Bytes g = a.entries[0];
  const std::size_t mac_at = 50 + 20 + 36 + 4 + 1220 + 4 + 1220;
  g.erase(g.begin() + static_cast<std::ptrdiff_t>(mac_at), g.begin() + static_cast<std::ptrdiff_t>(mac_at + 36));
  const std::uint32_t body = static_cast<std::uint32_t>(g.size() - 50 - 64 - 68);
  for (int k = 0; k < 4; ++k) g[46 + k] = static_cast<std::uint8_t>(body >> (24 - 8 * k));
  CHECK(LogEntry::parse(g).error() == Error::log_invalid);
}

TEST_CASE("device log: builders refuse what verification would refuse") {
  Account a = sample();
  const UserId& u = a.user;
  Device d14 = device(14);
  Device d12 = device(12);
  CHECK(make_add_device(a.s(), a.identity, d12.record, pop(d12, u)).error() == Error::already_exists);
  Device d11 = device(11);  // revoked: its id can never come back
  CHECK(make_add_device(a.s(), a.identity, d11.record, pop(d11, u)).error() == Error::already_exists);
  CHECK(make_add_device(a.s(), signing_key(2), d14.record, pop(d14, u)).error() == Error::invalid_argument);
  CHECK(make_add_device(a.s(), a.identity, d14.record, pop(d12, u)).error() == Error::signature_invalid);
  auto p14 = pop(d14, u);
  CHECK(make_add_device(a.s(), a.identity, d14.record, std::span(p14).first(63)).error() == Error::signature_invalid);
  CHECK(make_add_device(a.s(), a.identity, d14.record, pop(d14, account(2).user)).error() ==
        Error::signature_invalid);
  Device long_name = device(15, std::string(65, 'x'));
  CHECK(make_add_device(a.s(), a.identity, long_name.record, pop(long_name, u)).error() == Error::invalid_argument);
  Device bad_utf8 = device(15, "caf\xc3");
  CHECK(make_add_device(a.s(), a.identity, bad_utf8.record, pop(bad_utf8, u)).error() == Error::invalid_argument);
  Device max_name = device(15, std::string(16, '\0') + "\xf0\x9f\x94\x90" + std::string(44, 'a'));  // 64 bytes
  CHECK(make_add_device(a.s(), a.identity, max_name.record, pop(max_name, u)).ok());

  CHECK(device_pop(d12.key, u, d14.record).error() == Error::invalid_argument);
  CHECK(make_revoke(a.s(), a.identity, d11.record.id).error() == Error::device_not_enrolled);
  CHECK(make_revoke(a.s(), a.identity, d14.record.id).error() == Error::device_not_enrolled);
  CHECK(make_revoke(a.s(), signing_key(2), d12.record.id).error() == Error::invalid_argument);
  CHECK(make_rotate_suite(a.s(), signing_key(2), xwing_pk(61)).error() == Error::invalid_argument);

  Device d10 = device(10);
  auto genesis = [&](std::uint32_t gen, std::uint32_t version, std::uint32_t epoch, const DeviceRecord& r,
                     const SigningKey& k) {
    return make_genesis(a.identity, gen, u, xwing_pk(1), version, recovery_key(2), epoch, r, k).error();
  };
  CHECK(genesis(1, 1, 1, d10.record, d10.key) == Error::ok);
  CHECK(genesis(7, 1, 1, d10.record, d10.key) == Error::ok);
  CHECK(genesis(0, 1, 1, d10.record, d10.key) == Error::invalid_argument);
  CHECK(genesis(1, 2, 1, d10.record, d10.key) == Error::invalid_argument);
  CHECK(genesis(1, 1, 0, d10.record, d10.key) == Error::invalid_argument);
  CHECK(genesis(1, 1, 1, d10.record, d12.key) == Error::invalid_argument);
  CHECK(genesis(1, 1, 1, device(10, "d", LogHash{1}).record, d10.key) == Error::invalid_argument);

  CHECK(DeviceId::from_bytes(Bytes(15)).error() == Error::invalid_argument);
  CHECK(UserId::from_bytes(Bytes(17)).error() == Error::invalid_argument);
  CHECK(DeviceId::from_bytes(Bytes(16, 9)).value().bytes[15] == 9);
}

TEST_CASE("device log: rollback and fork against the pinned head") {
  Account a = sample();
  const Entries& e = a.entries;
  const LogHead pinned = head_of(e, 4);
  const LogHash genesis = entry_hash(e[0]);

  // Rolled back: the store serves the log as it was before entries the client has seen.
  CHECK(verify(Entries(e.begin(), e.begin() + 4), pinned) == Error::log_rollback);
  CHECK(verify(Entries(e.begin(), e.begin() + 1), pinned) == Error::log_rollback);
  CHECK(verify({}, pinned) == Error::log_rollback);
  CHECK(verify({}, std::nullopt, genesis) == Error::log_rollback);
  CHECK(verify(e, LogHead{UINT64_MAX, pinned.hash}) == Error::log_rollback);
  CHECK(verify(Entries(e.begin(), e.begin() + 5), pinned) == Error::ok);

  // Forked: at the pinned position the store serves another entry (another history).
  Account b = account(1);  // the same account...
  b.add(device(11));
  b.add(device(12));
  b.revoke(device(12).record.id);  // ... a different entry 3 (validly signed)
  b.rotate(60);
  CHECK(verify(b.entries) == Error::ok);
  CHECK(verify(b.entries, pinned) == Error::log_fork);
  CHECK(verify(b.entries, head_of(e, 2)) == Error::ok);  // a common prefix up to the pin: accepted
  CHECK(verify(e, LogHead{4, entry_hash(e[3])}) == Error::log_fork);

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
  Account a = sample();
  const Entries& e = a.entries;
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
  LogEntry skip = next_entry(a.s(), RevokeDeviceBody{device(12).record.id});
  skip.seq += 1;
  CHECK(verify(with(e, sign_as(skip, a.identity))) == Error::log_broken_chain);
  LogEntry wrong_prev = next_entry(a.s(), RevokeDeviceBody{device(12).record.id});
  wrong_prev.prev = entry_hash(e[4]);
  CHECK(verify(with(e, sign_as(wrong_prev, a.identity))) == Error::log_broken_chain);
  CHECK(verify(with(e, sign_as(next_entry(a.s(), RevokeDeviceBody{device(12).record.id}), a.identity))) ==
        Error::ok);
}

TEST_CASE("device log: entries the identity key did not sign") {
  Account a = sample();
  const Entries& e = a.entries;
  const SigningKey attacker = signing_key(9);
  Device mallory = device(20, "attacker");

  // An appended add-device entry (the store's own device), signed by a key that is not the identity key.
  LogEntry add = next_entry(a.s(), AddDeviceBody{mallory.record});
  add.pop = pop(mallory, a.user);
  CHECK(verify(with(e, sign_as(add, attacker))) == Error::signature_invalid);
  CHECK(verify(with(e, sign_as(add, a.identity))) == Error::ok);  // control: the same entry, properly signed
  // ... and in the middle: its successor's prev no longer matches.
  Entries mid = e;
  mid.insert(mid.begin() + 3, sign_as(LogEntry{3, entry_hash(e[2]), AddDeviceBody{mallory.record}, {}, add.pop},
                                      attacker));
  CHECK(verify(mid) == Error::log_broken_chain);

  // A revoke of a real device, signed by the attacker.
  CHECK(verify(with(e, sign_as(next_entry(a.s(), RevokeDeviceBody{device(12).record.id}), attacker))) ==
        Error::signature_invalid);

  // A zero or truncated signature.
  Bytes zero_sig = e.back();
  std::fill(zero_sig.end() - 4 - 64 - 64, zero_sig.end() - 4 - 64, 0);
  Entries z = e;
  z.back() = zero_sig;
  CHECK(verify(z) == Error::signature_invalid);
}

TEST_CASE("device log: proofs of possession") {
  Account a = sample();
  const Entries& e = a.entries;
  Device d = device(20);
  auto add_with_pop = [&](const SigningKey::Signature& p) {
    LogEntry add = next_entry(a.s(), AddDeviceBody{d.record});
    add.pop = p;
    return verify(with(e, sign_as(add, a.identity)));
  };
  CHECK(add_with_pop(pop(d, a.user)) == Error::ok);
  // The identity key signed, but the device did not: a pop by another device key.
  CHECK(add_with_pop(device_pop(device(21).key, a.user, device(21).record).value()) == Error::signature_invalid);
  // The device's pop for another account (a relayed enrollment).
  CHECK(add_with_pop(pop(d, account(2).user)) == Error::signature_invalid);
  // The device's pop over another KEM key or transcript (the KEM key swapped by whoever relayed it).
  DeviceRecord other_kem = d.record;
  other_kem.kem_pk = xwing_pk(99);
  CHECK(add_with_pop(device_pop(d.key, a.user, other_kem).value()) == Error::signature_invalid);
  DeviceRecord other_transcript = d.record;
  other_transcript.transcript_hash[0] = 1;
  CHECK(add_with_pop(device_pop(d.key, a.user, other_transcript).value()) == Error::signature_invalid);
  // The pop label is the spec's.
  CHECK(add_with_pop(d.key.sign("coffre/v1/log/entry", Bytes{})) == Error::signature_invalid);
  CHECK(pop(d, a.user) != SigningKey::Signature{});

  // The genesis device's pop too.
  auto g = LogEntry::parse(e[0]).take();
  g.pop = device_pop(device(21).key, a.user, device(21).record).value();
  CHECK(verify({sign_as(g, a.identity)}) == Error::signature_invalid);
}

TEST_CASE("device log: a replaced public key in a signed entry") {
  Account a = sample();
  Entries e = a.entries;
  e.resize(3);  // genesis, add 11, add 12: entry 2 is the last one
  REQUIRE(verify(e) == Error::ok);
  Bytes original = e[2];

  // The device's KEM key replaced by the store's own (a valid key): the identity signature no longer matches.
  auto kem = xwing_pk(98);
  std::copy(kem.bytes().begin(), kem.bytes().end(), e[2].begin() + kAddKemPkOffset);
  CHECK(verify(e) == Error::signature_invalid);
  // ... even re-signed: the device's pop no longer matches.
  e[2] = resign(e[2], a.identity, 64);
  CHECK(verify(e) == Error::signature_invalid);

  // The device's signing key replaced (with the pop of the new key's owner): the identity signature fails.
  e[2] = original;
  Device m = device(21);
  std::copy(m.key.verify_key().bytes().begin(), m.key.verify_key().bytes().end(), e[2].begin() + kAddSignPkOffset);
  CHECK(verify(e) == Error::signature_invalid);

  // The same in an entry that is not the last: the next entry's prev catches it first.
  e[2] = original;
  std::copy(kem.bytes().begin(), kem.bytes().end(), e[1].begin() + kAddKemPkOffset);
  CHECK(verify(e) == Error::log_broken_chain);

  // The identity key replaced in the genesis (and re-signed with it): a different account, which a pin catches.
  Entries g{a.entries[0]};
  auto ge = LogEntry::parse(g[0]).take();
  std::get<GenesisBody>(ge.body).identity_pk = signing_key(9).verify_key();
  g[0] = sign_as(ge, signing_key(9));
  CHECK(verify(g) == Error::ok);
  CHECK(verify(g, std::nullopt, entry_hash(a.entries[0])) == Error::log_fork);
  // ... and not re-signed: the self-signature fails.
  g[0] = sign_as(ge, a.identity);
  CHECK(verify(g) == Error::signature_invalid);
}

TEST_CASE("device log: rules (log_invalid)") {
  Account a = sample();
  const Entries& e = a.entries;
  const VerifiedLog& s = a.s();
  auto signed_next = [&](LogEntryBody body, std::optional<SigningKey::Signature> p = std::nullopt) {
    LogEntry x = next_entry(s, std::move(body));
    x.pop = p;
    return sign_as(x, a.identity);
  };

  // A second genesis (for the same account, keys and device), at seq 6.
  auto g = LogEntry::parse(e[0]).take();
  CHECK(verify(with(e, signed_next(g.body, g.pop))) == Error::log_invalid);
  // No genesis first: an add-device entry at seq 0.
  Device d20 = device(20);
  CHECK(verify({sign_as(LogEntry{0, {}, AddDeviceBody{d20.record}, {}, pop(d20, a.user)}, a.identity)}) ==
        Error::log_invalid);
  CHECK(verify({}) == Error::log_invalid);

  // Revoking an unknown device, a revoked one, twice in a row.
  CHECK(verify(with(e, signed_next(RevokeDeviceBody{device(20).record.id}))) == Error::log_invalid);
  CHECK(verify(with(e, signed_next(RevokeDeviceBody{device(11).record.id}))) == Error::log_invalid);
  Account r = sample();
  r.revoke(device(13).record.id);
  CHECK(verify(with(r.entries, sign_as(next_entry(r.s(), RevokeDeviceBody{device(13).record.id}), r.identity))) ==
        Error::log_invalid);

  // A device id added twice: enrolled, revoked, or the genesis device; even with another device's keys.
  for (std::uint8_t n : {12, 11, 10}) {
    CAPTURE(int{n});
    Device again = device(n);
    CHECK(verify(with(e, signed_next(AddDeviceBody{again.record}, pop(again, a.user)))) == Error::log_invalid);
    Device clash = device(21);
    clash.record.id = again.record.id;
    CHECK(verify(with(e, signed_next(AddDeviceBody{clash.record}, pop(clash, a.user)))) == Error::log_invalid);
  }

  // Suite version and root epoch: exactly previous + 1 (they are 2 and 2 here).
  for (auto [version, epoch, ok] : {std::tuple{3u, 3u, true}, std::tuple{4u, 3u, false}, std::tuple{2u, 3u, false},
                                    std::tuple{3u, 4u, false}, std::tuple{3u, 2u, false}, std::tuple{1u, 1u, false}}) {
    CAPTURE(version);
    CAPTURE(epoch);
    CHECK(verify(with(e, signed_next(RotateSuiteKeyBody{xwing_pk(61), version, epoch}))) ==
          (ok ? Error::ok : Error::log_invalid));
  }

  // The genesis: identity generation >= 1, suite version and root epoch 1, the device's transcript hash zero.
  auto bad_genesis = [&](auto edit) {
    LogEntry x = LogEntry::parse(e[0]).take();
    edit(std::get<GenesisBody>(x.body));
    x.pop = device_pop(a.first.key, a.user, std::get<GenesisBody>(x.body).device).value();
    return verify({sign_as(x, a.identity)});
  };
  CHECK(bad_genesis([](GenesisBody& b) { b.identity_generation = 2; }) == Error::ok);
  CHECK(bad_genesis([](GenesisBody& b) { b.identity_generation = 0; }) == Error::log_invalid);
  CHECK(bad_genesis([](GenesisBody& b) { b.suite_version = 2; }) == Error::log_invalid);
  CHECK(bad_genesis([](GenesisBody& b) { b.root_epoch = 0; }) == Error::log_invalid);
  CHECK(bad_genesis([](GenesisBody& b) { b.device.transcript_hash[31] = 1; }) == Error::log_invalid);

  // Every rule of every entry is checked before any signature: a broken rule signed by the wrong key, alone or
  // after an entry that breaks no rule but whose signature is bad.
  const SigningKey attacker = signing_key(9);
  CHECK(verify(with(e, sign_as(next_entry(s, RevokeDeviceBody{device(20).record.id}), attacker))) ==
        Error::log_invalid);
  Device m = device(20);
  LogEntry bad_sig = next_entry(s, AddDeviceBody{m.record});
  bad_sig.pop = pop(m, a.user);
  Bytes k = sign_as(bad_sig, attacker);
  Bytes k1 = sign_as(LogEntry{s.head.seq + 2, entry_hash(k), RevokeDeviceBody{device(21).record.id}, {}, {}},
                     attacker);
  CHECK(verify(with(e, k)) == Error::signature_invalid);
  CHECK(verify(with(with(e, k), k1)) == Error::log_invalid);
}

TEST_CASE("device log: malformed entries (log_invalid)") {
  Account a = sample();
  const Entries& e = a.entries;
  auto last_replaced = [&](Bytes b) {
    Entries out = e;
    out.back() = std::move(b);
    return verify(out);
  };
  const Bytes last = e.back();  // add device 13
  const Bytes revoke = e[3];

  // Trailing bytes, after the last entry or after one in the middle (there: malformed before its successor's prev
  // is looked at).
  CHECK(last_replaced(last) == Error::ok);
  Bytes trailing = last;
  trailing.push_back(0);
  CHECK(last_replaced(trailing) == Error::log_invalid);
  Entries mid = e;
  mid[2].push_back(0);
  CHECK(verify(mid) == Error::log_invalid);
  // Truncated: at every length.
  for (std::size_t n = 0; n < revoke.size(); ++n) {
    Entries t(e.begin(), e.begin() + 4);
    t[3].resize(n);
    CHECK(verify(t) == Error::log_invalid);
  }
  // Magic, version, kind.
  for (std::size_t i : {0, 3, 4}) {
    Bytes b = last;
    b[i] ^= 1;
    CHECK(last_replaced(resign(b, a.identity, 64)) == Error::log_invalid);
  }
  for (std::uint8_t kind : {0, 5, 255}) {
    Bytes b = revoke;
    b[kKindOffset] = kind;
    Entries t(e.begin(), e.begin() + 4);
    t[3] = resign(b, a.identity, 0);
    CHECK(verify(t) == Error::log_invalid);
  }
  // A revoke entry relabelled as an add: its body does not parse as one.
  Bytes relabelled = revoke;
  relabelled[kKindOffset] = 2;
  Entries t(e.begin(), e.begin() + 4);
  t[3] = resign(relabelled, a.identity, 0);
  CHECK(verify(t) == Error::log_invalid);

  // A pop where none belongs, none where one must be.
  LogEntry rv = LogEntry::parse(revoke).take();
  rv.pop = SigningKey::Signature{};
  t[3] = sign_as(rv, a.identity);
  CHECK(verify(t) == Error::log_invalid);
  LogEntry add = LogEntry::parse(last).take();
  add.pop.reset();
  CHECK(last_replaced(sign_as(add, a.identity)) == Error::log_invalid);

  // Device names: at most 64 bytes of well-formed UTF-8 (the identity key signed them anyway).
  auto with_name = [&](std::string name) {
    LogEntry x = LogEntry::parse(last).take();
    auto& rec = std::get<AddDeviceBody>(x.body).device;
    rec.name = std::move(name);
    x.pop = device_pop(device(13).key, a.user, rec).value();
    return last_replaced(sign_as(x, a.identity));
  };
  CHECK(with_name(std::string(64, 'n')) == Error::ok);
  CHECK(with_name("") == Error::ok);
  CHECK(with_name("\xc3\xa9t\xc3\xa9 \xe2\x82\xac \xf0\x9f\x94\x90") == Error::ok);
  CHECK(with_name(std::string(65, 'n')) == Error::log_invalid);
  for (const char* bad : {"\xc3", "\xc0\xaf", "\xe0\x80\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\xff", "\x80"}) {
    CAPTURE(std::string(bad));
    CHECK(with_name(std::string("name") + bad) == Error::log_invalid);
  }

  // A KEM key that fails X-Wing's checks (section 8.2): a coefficient not reduced mod q.
  Bytes bad_kem = last;
  bad_kem[kAddKemPkOffset] = 0xff;
  bad_kem[kAddKemPkOffset + 1] = 0xff;
  CHECK(last_replaced(resign(bad_kem, a.identity, 64)) == Error::log_invalid);
  // A field framed with the wrong length (the device id frame says 17).
  Bytes bad_frame = last;
  bad_frame[kBodyOffset + 3] = 17;
  CHECK(last_replaced(resign(bad_frame, a.identity, 64)) == Error::log_invalid);
  // The body frame longer or shorter than the body.
  for (int delta : {-1, 1}) {
    Bytes b = revoke;
    b[kBodyOffset - 1] = static_cast<std::uint8_t>(b[kBodyOffset - 1] + delta);
    Entries u(e.begin(), e.begin() + 4);
    u[3] = b;
    CHECK(verify(u) == Error::log_invalid);
  }
  CHECK(LogEntry::parse(trailing).error() == Error::log_invalid);
  CHECK(LogEntry::parse(Bytes{}).error() == Error::log_invalid);
}

TEST_CASE("device log: verify_appended follows its state only") {
  Account a = sample();
  Account b = sample();
  b.add(device(14));
  b.revoke(device(10).record.id);
  Entries tail(b.entries.begin() + 6, b.entries.end());
  auto v = verify_appended(a.s(), tail);
  REQUIRE(v.ok());
  check_same(v.value(), b.s());
  CHECK(verify_appended(a.s(), {}).value().head == a.s().head);

  CHECK(verify_appended(a.s(), Entries(tail.begin() + 1, tail.end())).error() == Error::log_broken_chain);
  CHECK(verify_appended(a.s(), Entries{a.entries[5]}).error() == Error::log_broken_chain);  // already there
  Account other = sample();
  other.add(device(15));
  other.add(device(16));
  Account c = sample();
  c.rotate(61);  // another entry 6: other's entry 7 has the right seq but names its own entry 6
  CHECK(verify_appended(c.s(), Entries{other.entries[7]}).error() == Error::log_broken_chain);
  CHECK(verify_appended(c.s(), Entries{other.entries[6]}).error() == Error::log_broken_chain);
  // A genesis is never appended.
  auto g = LogEntry::parse(a.entries[0]).take();
  LogEntry g2 = next_entry(a.s(), g.body);
  g2.pop = g.pop;
  CHECK(verify_appended(a.s(), Entries{sign_as(g2, a.identity)}).error() == Error::log_invalid);
  // The same rules as a full verification.
  CHECK(verify_appended(a.s(), Entries{sign_as(next_entry(a.s(), RevokeDeviceBody{device(11).record.id}),
                                               a.identity)})
            .error() == Error::log_invalid);
  Device d = device(20);
  LogEntry add = next_entry(a.s(), AddDeviceBody{d.record});
  add.pop = pop(d, a.user);
  CHECK(verify_appended(a.s(), Entries{sign_as(add, signing_key(9))}).error() == Error::signature_invalid);
}

TEST_CASE("device log: every single-byte change of a small valid log fails") {
  Account a = account(3);
  a.add(device(11));
  a.revoke(device(10).record.id);
  a.rotate(62);
  const Entries& e = a.entries;
  REQUIRE(verify(e) == Error::ok);
  std::size_t checked = 0;
  for (std::size_t i = 0; i < e.size(); ++i) {
    for (std::size_t j = 0; j < e[i].size(); ++j) {
      Entries t = e;
      t[i][j] ^= static_cast<std::uint8_t>(1u << (j % 8));
      Error err = verify(t);
      if (err == Error::ok) FAIL_CHECK("entry " << i << " byte " << j << " flipped: still verifies");
      ++checked;
    }
  }
  CHECK(checked == e[0].size() + e[1].size() + e[2].size() + e[3].size());
}
