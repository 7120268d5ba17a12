// Helpers for the device-list tests (docs/SPEC.md section 10): deterministic accounts and devices, an honest writer,
// and the raw tools of a malicious store (entries re-signed or edited byte by byte).
#pragma once

#include "support.hpp"

#include <coffre/device_log.hpp>
#include <coffre/recovery.hpp>

#include <optional>
#include <string>
#include <vector>

namespace coffre::test::log {

using Entries = std::vector<Bytes>;

inline constexpr std::string_view kEntryLabel = "coffre/v1/log/entry";  // SPEC section 10
inline constexpr std::string_view kAuthorLabel = "coffre/v1/log/author";
inline constexpr std::string_view kNewIdentityLabel = "coffre/v1/log/new-identity";
inline constexpr std::string_view kPopLabel = "coffre/v1/log/device-pop";
// identity signature, author signature, tail: the last 192 bytes of every entry
inline constexpr std::size_t kSignaturesSize = 3 * 64;

// A deterministic RNG per (purpose, n), so that no two keys or ids share a stream.
inline DeterministicRng rng_for(char purpose, std::uint8_t n) {
  auto s = seed(n);
  s[0] = static_cast<std::uint8_t>(purpose);
  return DeterministicRng(s);
}

// X-Wing public key n (suite, recovery and device KEM keys).
inline XWingPublicKey xwing_pk(std::uint8_t n) {
  auto rng = rng_for('x', n);
  return xwing_public_key(xwing_generate(rng).take()).take();
}

// The recovery key of the phrase with entropy n (its MAC key signs nothing; it makes the genesis's recovery_mac).
inline RecoveryKey recovery_key(std::uint8_t n) {
  auto rng = rng_for('r', n);
  std::array<std::uint8_t, RecoveryPhrase::kEntropySize> entropy{};
  rng.fill(entropy);
  return RecoveryKey::from_phrase(RecoveryPhrase::from_entropy(entropy).take()).take();
}

// Identity key n.
inline SigningKey signing_key(std::uint8_t n) {
  auto rng = rng_for('i', n);
  return SigningKey::generate(rng).take();
}

struct Device {
  SigningKey key;
  DeviceRecord record;
};

// Device n (n < 100): its id, keys and name all follow from n.
inline Device device(std::uint8_t n, std::string name = {}, LogHash transcript = {}) {
  auto id_rng = rng_for('d', n);
  auto key_rng = rng_for('s', n);
  DeviceId id = DeviceId::generate(id_rng);
  SigningKey key = SigningKey::generate(key_rng).take();
  if (name.empty()) name = "device " + std::to_string(n);
  DeviceRecord r{id, key.verify_key(), xwing_pk(static_cast<std::uint8_t>(100 + n)), std::move(name), transcript};
  return Device{std::move(key), std::move(r)};
}

inline SigningKey::Signature pop(const Device& d, const UserId& user) { return device_pop(d.key, user, d.record).take(); }

inline EntryAuthor author(const Device& d) { return EntryAuthor{d.record.id, d.key}; }

// An account whose log is written by honest builders; `state` is the verified state after `entries`. `identity` is
// the identity key in force (a revocation replaces it; `old_identities` keeps the superseded ones, as a revoked
// device that kept its sealed states would).
struct Account {
  SigningKey identity;
  UserId user;
  Device first;
  Entries entries;
  std::optional<VerifiedLog> state;
  std::vector<SigningKey> old_identities;

  const VerifiedLog& s() const { return *state; }

  void append(Bytes entry) {
    auto next = verify_appended(s(), std::vector<Bytes>{entry});
    REQUIRE(next.ok());
    state = std::move(next).take();
    entries.push_back(std::move(entry));
  }
  // Adds `d`, approved by `by` (the genesis device unless given).
  void add(const Device& d, const Device* by = nullptr) {
    auto e = make_add_device(s(), identity, author(by ? *by : first), d.record, pop(d, user));
    REQUIRE(e.ok());
    append(std::move(e).take());
  }
  // Revokes `id` from device `by` (the genesis device unless given), rotating to identity key n and suite key m.
  void revoke(const DeviceId& id, std::uint8_t n, std::uint8_t m, const Device* by = nullptr) {
    SigningKey next = signing_key(n);
    auto e = make_revoke(s(), identity, author(by ? *by : first), id, next, xwing_pk(m));
    REQUIRE(e.ok());
    append(std::move(e).take());
    old_identities.push_back(std::move(identity));
    identity = std::move(next);
  }
};

// Account n (n < 50) with device `first_device` as its genesis device; suite key 200 + 2n, recovery key 201 + 2n.
// Its genesis checks with recovery_key(201 + 2n).
inline Account account(std::uint8_t n, std::uint8_t first_device = 10) {
  auto rng = rng_for('u', n);
  Account a{signing_key(n), UserId::generate(rng), device(first_device), {}, std::nullopt};
  auto g = make_genesis(a.identity, 1, a.user, xwing_pk(static_cast<std::uint8_t>(200 + 2 * n)), 1,
                        recovery_key(static_cast<std::uint8_t>(201 + 2 * n)), 1, a.first.record, a.first.key);
  REQUIRE(g.ok());
  a.entries.push_back(g.value());
  auto v = verify_log(a.entries, std::nullopt);
  REQUIRE(v.ok());
  a.state = std::move(v).take();
  return a;
}

// The entry that would follow `s` with `body` (unsigned), authored by `author_id`.
inline LogEntry next_entry(const VerifiedLog& s, LogEntryBody body, const DeviceId& author_id) {
  return LogEntry{s.head.seq + 1, s.head.hash, std::move(body), author_id, {}, {}, {}};
}

// Signs `e` as the identity key `identity` and the author `author_key` would (the store cannot do this with the real
// keys; tests can, to reach the rules that come after the chain checks, or to play a revoked device that kept old
// keys). `new_identity`: the new identity key of a revoke entry; otherwise the tail (pop) is kept.
inline Bytes sign_as(LogEntry e, const SigningKey& identity, const SigningKey& author_key,
                     const SigningKey* new_identity = nullptr) {
  const Bytes part = e.signed_part();
  e.identity_signature = identity.sign(kEntryLabel, part);
  e.author_signature = author_key.sign(kAuthorLabel, part);
  if (new_identity != nullptr) e.tail = new_identity->sign(kNewIdentityLabel, part);
  return e.encode();
}

// Re-signs raw entry bytes after an edit of the signed part: identity and author signatures, and the new identity's
// for a revoke entry (`new_identity`); a pop tail is left as it is.
inline Bytes resign(Bytes entry, const SigningKey& identity, const SigningKey& author_key,
                    const SigningKey* new_identity = nullptr) {
  const std::size_t signed_size = entry.size() - kSignaturesSize;
  auto part = std::span(entry).first(signed_size);
  auto put = [&](const SigningKey::Signature& sig, std::size_t at) {
    std::copy(sig.begin(), sig.end(), entry.begin() + static_cast<std::ptrdiff_t>(at));
  };
  const auto id_sig = identity.sign(kEntryLabel, part);
  const auto author_sig = author_key.sign(kAuthorLabel, part);
  std::optional<SigningKey::Signature> tail;
  if (new_identity != nullptr) tail = new_identity->sign(kNewIdentityLabel, part);
  put(id_sig, signed_size);
  put(author_sig, signed_size + 64);
  if (tail) put(*tail, signed_size + 128);
  return entry;
}

// The keys that sign one entry: the identity key in force before it, its author's key, and for a revoke entry the
// new identity key (nullptr otherwise: the tail, a pop, is kept).
struct Signers {
  const SigningKey* identity;
  const SigningKey* author;
  const SigningKey* new_identity = nullptr;
};

inline Bytes resign(Bytes entry, const Signers& k) {
  return resign(std::move(entry), *k.identity, *k.author, k.new_identity);
}

inline std::vector<LogEntry> parsed(const Entries& entries) {
  std::vector<LogEntry> out;
  for (const auto& e : entries) out.push_back(LogEntry::parse(e).take());
  return out;
}

// Links `entries` into a log (seq = position, prev = the hash of the entry before), each signed by its signers.
// Given an honest log's entries and writers it gives the same bytes (Ed25519 is deterministic); given another key or
// body at some position, a log faulty exactly there whose later entries still chain.
inline Entries chain(std::vector<LogEntry> entries, const std::vector<Signers>& signers) {
  REQUIRE(entries.size() == signers.size());
  Entries out;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    entries[i].seq = i;
    entries[i].prev = i == 0 ? LogHash{} : entry_hash(out.back());
    out.push_back(sign_as(std::move(entries[i]), *signers[i].identity, *signers[i].author, signers[i].new_identity));
  }
  return out;
}

// The body of a revocation of `id` after `s` as an honest device writes it: identity key `next`, suite key
// xwing_pk(m), the identity generation, suite version and root epoch each + 1.
inline RevokeDeviceBody revoke_body(const VerifiedLog& s, const DeviceId& id, const SigningKey& next, std::uint8_t m) {
  return RevokeDeviceBody{id, next.verify_key(), s.identity_generation + 1, xwing_pk(m), s.suite_version + 1,
                          s.root_epoch + 1};
}

// The entry adding `d` after `s` (unsigned, with d's pop), authored by `author_id`.
inline LogEntry add_entry(const VerifiedLog& s, const Device& d, const DeviceId& author_id) {
  LogEntry e = next_entry(s, AddDeviceBody{d.record}, author_id);
  e.tail = pop(d, s.user);
  return e;
}

// Offsets in an entry (SPEC section 10): magic 4, version 1, seq 8, prev 32, kind 1, u32 body length, body...
inline constexpr std::size_t kKindOffset = 45;
inline constexpr std::size_t kBodyOffset = 50;
// In an add-device body: frame(device_id) frame(sign_pk) frame(kem_pk)...
inline constexpr std::size_t kAddSignPkOffset = kBodyOffset + 4 + 16 + 4;
inline constexpr std::size_t kAddKemPkOffset = kAddSignPkOffset + 32 + 4;
// In a revoke body: frame(device_id) frame(identity_pk) u32 generation frame(suite_pk) u32 version u32 epoch.
inline constexpr std::size_t kRevokeIdentityPkOffset = kBodyOffset + 4 + 16 + 4;
inline constexpr std::size_t kRevokeSuitePkOffset = kRevokeIdentityPkOffset + 32 + 4 + 4;
inline constexpr std::size_t kRevokeBodySize = 20 + 36 + 4 + 1220 + 4 + 4;

inline void append_be(Bytes& out, std::uint64_t v, int size) {
  for (int k = size - 1; k >= 0; --k) out.push_back(static_cast<std::uint8_t>(v >> (8 * k)));
}

// An entry of kind 4 (rotate suite key, removed with version 0x03: frame(suite_pk) | u32 version | u32 epoch) that
// would follow `log`, by `author_id`, with zero signatures (resign it): it never parses.
inline Bytes kind4_entry(const Entries& log, const DeviceId& author_id, std::uint8_t suite_key, std::uint32_t version,
                         std::uint32_t epoch) {
  Bytes out{'C', 'F', 'R', 'L', 0x03};
  append_be(out, log.size(), 8);
  const LogHash prev = entry_hash(log.back());
  out.insert(out.end(), prev.begin(), prev.end());
  out.push_back(4);
  const auto pk = xwing_pk(suite_key);
  append_be(out, 4 + XWingPublicKey::kSize + 8, 4);
  append_be(out, XWingPublicKey::kSize, 4);
  out.insert(out.end(), pk.bytes().begin(), pk.bytes().end());
  append_be(out, version, 4);
  append_be(out, epoch, 4);
  out.insert(out.end(), author_id.bytes.begin(), author_id.bytes.end());
  out.resize(out.size() + kSignaturesSize);
  return out;
}

inline Entries with(Entries e, Bytes extra) {
  e.push_back(std::move(extra));
  return e;
}

}  // namespace coffre::test::log
