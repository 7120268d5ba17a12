// Helpers for the account and enrollment tests (docs/SPEC.md sections 11, 12, 14): deterministic devices and accounts,
// and an independent encoder of the spec's objects written from the spec text with raw libsodium, which plays the
// malicious store (it builds requests, responses and reveals the library never would) and cross-checks the layout.
#pragma once

#include "support.hpp"

#include <coffre/account.hpp>
#include <coffre/enrollment.hpp>
#include <coffre/recovery.hpp>

#include <sodium.h>

#include <cstring>
#include <optional>
#include <string>
#include <vector>

namespace coffre::test::acct {

inline constexpr std::uint64_t kNow = 1'800'000'000;  // seconds since the Unix epoch (2027)

// A deterministic RNG per (purpose, n).
inline DeterministicRng rng_for(char purpose, std::uint8_t n) {
  auto s = seed(n);
  s[1] = static_cast<std::uint8_t>(purpose);
  return DeterministicRng(s);
}

inline DeviceKeys device(std::uint8_t n) {
  auto rng = rng_for('D', n);
  return DeviceKeys::generate(rng).take();
}

// The recovery key of a phrase with entropy from (R, n).
inline RecoveryPhrase recovery_phrase(std::uint8_t n) {
  auto rng = rng_for('R', n);
  std::array<std::uint8_t, RecoveryPhrase::kEntropySize> entropy{};
  rng.fill(entropy);
  return RecoveryPhrase::from_entropy(entropy).take();
}
inline RecoveryKey recovery_key(std::uint8_t n) { return RecoveryKey::from_phrase(recovery_phrase(n)).take(); }

// An account as the store holds it (entries, sealed states, wraps) and as its first device knows it.
struct Account {
  DeviceKeys first;
  RecoveryKey recovery;
  std::optional<AccountCreation> created;
  std::vector<Bytes> entries;
  std::optional<VerifiedLog> log;

  const VerifiedLog& s() const { return *log; }
  const AccountSecrets& secrets() const { return created->secrets; }
  const RootKey& root() const { return created->root; }
  const UserId& user() const { return created->user; }

  void append(const std::vector<Bytes>& more) {
    auto next = verify_appended(*log, more);
    REQUIRE(next.error() == Error::ok);
    log = std::move(next).take();
    entries.insert(entries.end(), more.begin(), more.end());
  }
  // Adds `d` without an enrollment exchange (no transcript), approved by the first device, for tests that need more
  // devices.
  Bytes add(const DeviceKeys& d, std::string name = "added") {
    auto rec = d.record(std::move(name));
    auto pop = device_pop(d.sign_key, user(), rec);
    REQUIRE(pop.ok());
    auto e = make_add_device(*log, secrets().identity(), EntryAuthor{first.id, first.sign_key}, rec, pop.value());
    REQUIRE(e.ok());
    append({e.value()});
    auto rng = rng_for('W', d.id.bytes[0]);
    auto w = wrap_root_key(root(), user(), d.id, d.kem_pk, rng);
    REQUIRE(w.ok());
    return std::move(w).take();
  }
};

inline Account account(std::uint8_t n, std::uint8_t first_device = 1) {
  Account a{device(first_device), recovery_key(n), std::nullopt, {}, std::nullopt};
  auto rng = rng_for('A', n);
  auto c = create_account(a.first, "laptop", a.recovery, rng);
  REQUIRE(c.ok());
  a.entries.push_back(c.value().genesis_entry);
  a.created = std::move(c).take();
  auto v = verify_log(a.entries, std::nullopt);
  REQUIRE(v.ok());
  a.log = std::move(v).take();
  return a;
}

// ---------------------------------------------------------------------------------------------- the spec, again

namespace spec {

// (resize + memcpy rather than insert: GCC 12 at -O3 warns falsely about inserts into small vectors.)
inline void put(Bytes& b, const void* p, std::size_t n) {
  std::size_t at = b.size();
  b.resize(at + n);
  if (n != 0) std::memcpy(b.data() + at, p, n);
}
inline void put_u32(Bytes& b, std::uint32_t v) {
  const std::uint8_t x[4] = {static_cast<std::uint8_t>(v >> 24), static_cast<std::uint8_t>(v >> 16),
                             static_cast<std::uint8_t>(v >> 8), static_cast<std::uint8_t>(v)};
  put(b, x, 4);
}
inline void put_u64(Bytes& b, std::uint64_t v) {
  put_u32(b, static_cast<std::uint32_t>(v >> 32));
  put_u32(b, static_cast<std::uint32_t>(v));
}
inline void put(Bytes& b, std::span<const std::uint8_t> x) { put(b, x.data(), x.size()); }
inline void put(Bytes& b, std::string_view s) { put(b, s.data(), s.size()); }
inline void frame(Bytes& b, std::span<const std::uint8_t> x) {
  put_u32(b, static_cast<std::uint32_t>(x.size()));
  put(b, x);
}
inline void frame(Bytes& b, std::string_view s) {
  put_u32(b, static_cast<std::uint32_t>(s.size()));
  put(b, s);
}
inline Bytes u32(std::uint32_t v) {
  Bytes b;
  put_u32(b, v);
  return b;
}

// BLAKE2b-256(key, frame(label) || frame(p1) || ...): KDF (with a key) and H (without), section 1 and 9.
inline LogHash blake(std::span<const std::uint8_t> key, std::string_view label,
                     std::initializer_list<std::span<const std::uint8_t>> parts) {
  crypto_generichash_state st;
  crypto_generichash_init(&st, key.empty() ? nullptr : key.data(), key.size(), 32);
  auto absorb = [&st](const std::uint8_t* p, std::size_t n) {
    const std::uint8_t len[4] = {static_cast<std::uint8_t>(n >> 24), static_cast<std::uint8_t>(n >> 16),
                                 static_cast<std::uint8_t>(n >> 8), static_cast<std::uint8_t>(n)};
    crypto_generichash_update(&st, len, 4);
    crypto_generichash_update(&st, p, n);
  };
  absorb(reinterpret_cast<const std::uint8_t*>(label.data()), label.size());
  for (auto p : parts) absorb(p.data(), p.size());
  LogHash out{};
  crypto_generichash_final(&st, out.data(), 32);
  return out;
}
inline LogHash H(std::string_view label, std::initializer_list<std::span<const std::uint8_t>> parts) {
  return blake({}, label, parts);
}

inline Bytes request(std::span<const std::uint8_t, 16> request_id, std::uint64_t created, std::uint64_t expires,
                     const DeviceRecord& n, std::span<const std::uint8_t> nonce_n) {
  Bytes b;
  put(b, std::string_view("CFRE\x01\x01", 6));
  put(b, request_id);
  put_u64(b, created);
  put_u64(b, expires);
  frame(b, n.id.bytes);
  frame(b, n.sign_pk.bytes());
  frame(b, n.kem_pk.bytes());
  frame(b, n.name);
  put(b, H("coffre/v1/enroll/commit", {nonce_n, n.sign_pk.bytes(), n.kem_pk.bytes()}));
  return b;
}

inline Bytes response(std::span<const std::uint8_t, 16> request_id, const UserId& user, const DeviceId& e,
                      const LogHead& head, std::span<const std::uint8_t> nonce_e, const SigningKey& e_key) {
  Bytes b;
  put(b, std::string_view("CFRE\x01\x02", 6));
  put(b, request_id);
  frame(b, user.bytes);
  frame(b, e.bytes);
  put_u64(b, head.seq);
  put(b, head.hash);
  put(b, nonce_e);
  auto sig = e_key.sign("coffre/v1/enroll/response", b);
  put(b, sig);
  return b;
}

inline constexpr std::size_t kResponseSigned = 134;

inline LogHash transcript(std::span<const std::uint8_t> request, std::span<const std::uint8_t> response,
                          std::span<const std::uint8_t> nonce_n) {
  return H("coffre/v1/enroll/transcript", {request, response.first(kResponseSigned), nonce_n});
}

inline std::string sas(const LogHash& transcript_hash) {
  LogHash h = H("coffre/v1/enroll/sas", {transcript_hash});
  std::uint32_t v = (std::uint32_t{h[0]} << 24) | (std::uint32_t{h[1]} << 16) | (std::uint32_t{h[2]} << 8) | h[3];
  std::string s = std::to_string(v % 1000000u);
  return std::string(6 - s.size(), '0') + s;
}

inline Bytes reveal(std::span<const std::uint8_t, 16> request_id, std::span<const std::uint8_t> nonce_n,
                    std::span<const std::uint8_t> pop) {
  Bytes b;
  put(b, std::string_view("CFRE\x01\x03", 6));
  put(b, request_id);
  put(b, nonce_n);
  put(b, pop);
  return b;
}

// sealed_state of section 11 with a caller-chosen nonce and plaintext.
inline Bytes sealed_state(std::span<const std::uint8_t> root, std::uint32_t epoch, const UserId& user,
                          std::span<const std::uint8_t, 24> nonce, const Bytes& plaintext) {
  auto key = blake(root, "coffre/v1/account/state-key", {user.bytes, u32(epoch)});
  Bytes out;
  put(out, std::string_view("CFRS\x01", 5));
  put_u32(out, epoch);
  Bytes ad = out;
  frame(ad, user.bytes);
  put(out, nonce);
  std::size_t at = out.size();
  out.resize(at + plaintext.size() + 16);
  crypto_aead_xchacha20poly1305_ietf_encrypt(&out[at], nullptr, plaintext.data(), plaintext.size(), ad.data(),
                                             ad.size(), nullptr, nonce.data(), key.data());
  return out;
}

// The plaintext of a sealed state: frame(identity_seed) | u32 generation | u32 n | n * (u32 version | frame(seed)).
inline Bytes state_plaintext(std::span<const std::uint8_t> identity_seed, std::uint32_t generation,
                             const std::vector<std::pair<std::uint32_t, Bytes>>& suite) {
  Bytes p;
  frame(p, identity_seed);
  put_u32(p, generation);
  put_u32(p, static_cast<std::uint32_t>(suite.size()));
  for (const auto& [v, s] : suite) {
    put_u32(p, v);
    frame(p, s);
  }
  return p;
}

// account_pins of section 11 with a caller-chosen nonce and plaintext.
inline Bytes account_pins(std::span<const std::uint8_t> root, std::uint32_t epoch, std::uint64_t n, const UserId& user,
                          std::span<const std::uint8_t, 24> nonce, const Bytes& plaintext) {
  auto key = blake(root, "coffre/v1/account/pins-key", {user.bytes, u32(epoch)});
  Bytes out;
  put(out, std::string_view("CFRP\x01", 5));
  put_u32(out, epoch);
  put_u64(out, n);
  Bytes ad = out;
  frame(ad, user.bytes);
  put(out, nonce);
  std::size_t at = out.size();
  out.resize(at + plaintext.size() + 16);
  crypto_aead_xchacha20poly1305_ietf_encrypt(&out[at], nullptr, plaintext.data(), plaintext.size(), ad.data(),
                                             ad.size(), nullptr, nonce.data(), key.data());
  return out;
}

// The plaintext of account pins: u32 d | d * (owner | document | u8 purpose | u64 revision | u32 key_version)
// | u32 f | f * (owner | node | u64 revision).
inline Bytes pins_plaintext(const AccountPins& pins) {
  Bytes p;
  put_u32(p, static_cast<std::uint32_t>(pins.documents.size()));
  for (const auto& d : pins.documents) {
    put(p, d.owner.bytes);
    put(p, d.document);
    put(p, &d.purpose, 1);
    put_u64(p, d.revision);
    put_u32(p, d.key_version);
  }
  put_u32(p, static_cast<std::uint32_t>(pins.drive.size()));
  for (const auto& f : pins.drive) {
    put(p, f.owner.bytes);
    put(p, f.node);
    put_u64(p, f.revision);
  }
  return p;
}

// root_wrap of section 11 with a caller-chosen X-Wing eseed.
inline Bytes root_wrap(std::span<const std::uint8_t> root, std::uint32_t epoch, const UserId& user,
                       const DeviceId& recipient, const XWingPublicKey& pk, std::span<const std::uint8_t> eseed) {
  auto enc = xwing_encapsulate_deterministic(pk, eseed).take();
  auto ct = enc.ciphertext.bytes();
  auto key = blake(enc.shared_secret.reveal(), "coffre/v1/account/root-wrap",
                   {user.bytes, recipient.bytes, u32(epoch), ct});
  Bytes out;
  put(out, std::string_view("CFRW\x01", 5));
  put_u32(out, epoch);
  frame(out, recipient.bytes);
  put(out, ct);
  std::size_t at = out.size();
  out.resize(at + 32 + 16);
  const std::uint8_t zero[24] = {};
  crypto_aead_xchacha20poly1305_ietf_encrypt(&out[at], nullptr, root.data(), root.size(), out.data(), at, nullptr,
                                             zero, key.data());
  return out;
}

}  // namespace spec

}  // namespace coffre::test::acct
