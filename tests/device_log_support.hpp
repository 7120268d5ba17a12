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

// Offsets in an entry (SPEC section 10): magic 4, version 1, seq 8, prev 32, kind 1, u32 body length, body...
inline constexpr std::size_t kKindOffset = 45;
inline constexpr std::size_t kBodyOffset = 50;
// In an add-device body: frame(device_id) frame(sign_pk) frame(kem_pk)...
inline constexpr std::size_t kAddSignPkOffset = kBodyOffset + 4 + 16 + 4;
inline constexpr std::size_t kAddKemPkOffset = kAddSignPkOffset + 32 + 4;

inline Entries with(Entries e, Bytes extra) {
  e.push_back(std::move(extra));
  return e;
}

}  // namespace coffre::test::log
