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
inline constexpr std::string_view kPopLabel = "coffre/v1/log/device-pop";

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

// An account whose log is written by honest builders; `state` is the verified state after `entries`.
struct Account {
  SigningKey identity;
  UserId user;
  Device first;
  Entries entries;
  std::optional<VerifiedLog> state;

  const VerifiedLog& s() const { return *state; }

  void append(Bytes entry) {
    auto next = verify_appended(s(), std::vector<Bytes>{entry});
    REQUIRE(next.ok());
    state = std::move(next).take();
    entries.push_back(std::move(entry));
  }
  void add(const Device& d) {
    auto e = make_add_device(s(), identity, d.record, pop(d, user));
    REQUIRE(e.ok());
    append(std::move(e).take());
  }
  void revoke(const DeviceId& id) {
    auto e = make_revoke(s(), identity, id);
    REQUIRE(e.ok());
    append(std::move(e).take());
  }
  void rotate(std::uint8_t n) {
    auto e = make_rotate_suite(s(), identity, xwing_pk(n));
    REQUIRE(e.ok());
    append(std::move(e).take());
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

// The entry that would follow `s` with `body` (unsigned).
inline LogEntry next_entry(const VerifiedLog& s, LogEntryBody body) {
  return LogEntry{s.head.seq + 1, s.head.hash, std::move(body), {}, std::nullopt};
}

// Signs `e` with `key` as the identity key would (the store cannot do this with the real identity key; tests can,
// to reach the rules that come after the chain checks).
inline Bytes sign_as(LogEntry e, const SigningKey& key) {
  e.identity_signature = key.sign(kEntryLabel, e.signed_part());
  return e.encode();
}

// Re-signs raw entry bytes (after an edit of the signed part) whose pop is `pop_size` bytes.
inline Bytes resign(Bytes entry, const SigningKey& key, std::size_t pop_size) {
  std::size_t signed_size = entry.size() - 64 - 4 - pop_size;
  auto sig = key.sign(kEntryLabel, std::span(entry).first(signed_size));
  std::copy(sig.begin(), sig.end(), entry.begin() + static_cast<std::ptrdiff_t>(signed_size));
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
