// The device list (docs/SPEC.md section 10): entry layout, builders, and verification in the spec's order.
#include "base/bytes.hpp"
#include "crypto/kdf.hpp"
#include "base/parallel.hpp"
#include "base/reader.hpp"
#include "account/device_log_detail.hpp"

#include <coffre/device_log.hpp>
#include <coffre/recovery.hpp>

#include <algorithm>
#include <atomic>
#include <limits>
#include <set>

namespace coffre {

using namespace detail;

namespace {


constexpr std::uint8_t kMagic[4] = {'C', 'F', 'R', 'L'};
// 0x03: every entry has an author and its signature; revocation rotates the identity key (SPEC change log).
constexpr std::uint8_t kVersion = 0x03;
// magic, version, u64 seq, prev, kind
constexpr std::size_t kHeaderSize = 4 + 1 + 8 + 32 + 1;
constexpr std::size_t kSig = SigningKey::kSignatureSize;
// identity signature, author signature, tail (pop or new identity signature)
constexpr std::size_t kSignaturesSize = 3 * kSig;



bool is_zero(const LogHash& h) noexcept {
  return std::all_of(h.begin(), h.end(), [](std::uint8_t b) { return b == 0; });
}


std::optional<XWingPublicKey> read_xwing(ByteReader& r) {
  ByteView b;
  if (!r.fixed_frame(b, XWingPublicKey::kSize)) return std::nullopt;
  auto k = XWingPublicKey::from_bytes(b);  // the checks of section 8.2
  if (!k) return std::nullopt;
  return std::move(k).take();
}

std::optional<DeviceRecord> read_device(ByteReader& r) {
  ByteView id, sign_pk, name, transcript;
  if (!r.fixed_frame(id, DeviceId::kSize) || !r.fixed_frame(sign_pk, VerifyKey::kSize)) return std::nullopt;
  auto kem_pk = read_xwing(r);
  if (!kem_pk || !r.frame(name, 0, kDeviceNameMaxSize) || !utf8_valid(name) || !r.fixed_frame(transcript, 32)) {
    return std::nullopt;
  }
  return DeviceRecord{DeviceId::from_bytes(id).take(), VerifyKey::from_bytes(sign_pk).take(), std::move(*kem_pk),
                      std::string(name.begin(), name.end()), copy_array<32>(transcript)};
}

std::optional<LogEntryBody> read_body(std::uint8_t kind, ByteView body) {
  ByteReader r(body);
  std::optional<LogEntryBody> out;
  switch (kind) {
    case 1: {
      ByteView user, identity_pk;
      std::uint32_t generation = 0, suite_version = 0, root_epoch = 0;
      if (!r.fixed_frame(user, UserId::kSize) || !r.fixed_frame(identity_pk, VerifyKey::kSize) || !r.u32(generation)) break;
      auto suite_pk = read_xwing(r);
      if (!suite_pk || !r.u32(suite_version)) break;
      auto recovery_pk = read_xwing(r);
      ByteView mac, recovery_sign_pk;
      if (!recovery_pk || !r.fixed_frame(mac, std::tuple_size_v<RecoveryMac>) ||
          !r.fixed_frame(recovery_sign_pk, VerifyKey::kSize) || !r.u32(root_epoch)) {
        break;
      }
      auto device = read_device(r);
      if (!device) break;
      out.emplace(GenesisBody{UserId::from_bytes(user).take(), VerifyKey::from_bytes(identity_pk).take(), generation,
                              std::move(*suite_pk), suite_version, std::move(*recovery_pk),
                              copy_array<std::tuple_size_v<RecoveryMac>>(mac),
                              VerifyKey::from_bytes(recovery_sign_pk).take(), root_epoch, std::move(*device)});
      break;
    }
    case 2: {
      auto device = read_device(r);
      if (device) out.emplace(AddDeviceBody{std::move(*device)});
      break;
    }
    case 3: {
      ByteView id, identity_pk;
      std::uint32_t generation = 0, suite_version = 0, root_epoch = 0;
      if (!r.fixed_frame(id, DeviceId::kSize) || !r.fixed_frame(identity_pk, VerifyKey::kSize) || !r.u32(generation)) {
        break;
      }
      auto suite_pk = read_xwing(r);
      if (suite_pk && r.u32(suite_version) && r.u32(root_epoch)) {
        out.emplace(RevokeDeviceBody{DeviceId::from_bytes(id).take(), VerifyKey::from_bytes(identity_pk).take(),
                                     generation, std::move(*suite_pk), suite_version, root_epoch});
      }
      break;
    }
    default:
      break;
  }
  if (!r.done()) return std::nullopt;  // trailing bytes in the body
  return out;
}

void append_device(Bytes& out, const DeviceRecord& d) {
  append_frame(out, d.id.bytes);
  append_frame(out, d.sign_pk.bytes());
  append_frame(out, d.kem_pk.bytes());
  append_frame(out, as_bytes(d.name));
  append_frame(out, d.transcript_hash);
}

Bytes encode_body(const LogEntryBody& body) {
  Bytes out;
  if (const auto* g = std::get_if<GenesisBody>(&body)) {
    append_frame(out, g->user.bytes);
    append_frame(out, g->identity_pk.bytes());
    append_u32(out, g->identity_generation);
    append_frame(out, g->suite_pk.bytes());
    append_u32(out, g->suite_version);
    append_frame(out, g->recovery_pk.bytes());
    append_frame(out, g->recovery_mac);
    append_frame(out, g->recovery_sign_pk.bytes());
    append_u32(out, g->root_epoch);
    append_device(out, g->device);
  } else if (const auto* a = std::get_if<AddDeviceBody>(&body)) {
    append_device(out, a->device);
  } else if (const auto* r = std::get_if<RevokeDeviceBody>(&body)) {
    append_frame(out, r->device.bytes);
    append_frame(out, r->identity_pk.bytes());
    append_u32(out, r->identity_generation);
    append_frame(out, r->suite_pk.bytes());
    append_u32(out, r->suite_version);
    append_u32(out, r->root_epoch);
  }
  return out;
}


// The device a genesis or add-device entry adds (nullptr for other kinds).
const DeviceRecord* added_device(const LogEntry& e) noexcept {
  if (const auto* g = std::get_if<GenesisBody>(&e.body)) return &g->device;
  if (const auto* a = std::get_if<AddDeviceBody>(&e.body)) return &a->device;
  return nullptr;
}

bool ever_added(const VerifiedLog& log, const DeviceId& id) noexcept {
  auto same = [&](const DeviceRecord& d) { return d.id == id; };
  return std::any_of(log.devices.begin(), log.devices.end(), same) ||
         std::any_of(log.revoked.begin(), log.revoked.end(), same);
}

bool successor(std::uint32_t next, std::uint32_t current) noexcept {
  return std::uint64_t{next} == std::uint64_t{current} + 1;
}

bool identity_used(const VerifiedLog& log, const VerifyKey& pk) noexcept {
  return pk == log.identity_pk ||
         std::find(log.superseded_identities.begin(), log.superseded_identities.end(), pk) !=
             log.superseded_identities.end();
}

// The signing key of an entry's author in `state` (SPEC 10.3 step 3): an enrolled device, or the recovery key for an
// add-device entry. device_revoked for a revoked device; log_invalid for anyone else.
Result<VerifyKey> author_key(const VerifiedLog& state, const DeviceId& author, LogEntryKind kind) {
  if (author == recovery_author_id()) {
    if (kind != LogEntryKind::add_device) return Error::log_invalid;
    return state.recovery_sign_pk;
  }
  if (const DeviceRecord* d = state.find(author)) return d->sign_pk;
  if (state.was_revoked(author)) return Error::device_revoked;
  return Error::log_invalid;
}

// Applies one non-genesis entry to `state` (rules of SPEC 10.3 step 3, after the author check).
Error apply_entry(VerifiedLog& state, std::set<DeviceId>& added, const LogEntry& e) {
  if (const auto* a = std::get_if<AddDeviceBody>(&e.body)) {
    if (a->device.id == recovery_author_id()) return Error::log_invalid;  // the recovery key's id
    if (!added.insert(a->device.id).second) return Error::log_invalid;   // device id added twice
    state.devices.push_back(a->device);
    return Error::ok;
  }
  const auto& r = std::get<RevokeDeviceBody>(e.body);
  auto it = std::find_if(state.devices.begin(), state.devices.end(),
                         [&](const DeviceRecord& d) { return d.id == r.device; });
  if (it == state.devices.end() || r.device == e.author) return Error::log_invalid;  // not enrolled, or itself
  if (!successor(r.identity_generation, state.identity_generation) ||
      !successor(r.suite_version, state.suite_version) || !successor(r.root_epoch, state.root_epoch) ||
      identity_used(state, r.identity_pk)) {
    return Error::log_invalid;
  }
  state.revoked.push_back(std::move(*it));
  state.devices.erase(it);
  state.superseded_identities.push_back(state.identity_pk);
  state.identity_pk = r.identity_pk;
  state.identity_generation = r.identity_generation;
  state.suite_pk = r.suite_pk;
  state.suite_version = r.suite_version;
  state.root_epoch = r.root_epoch;
  return Error::ok;
}

// The keys an entry's signatures must verify under, fixed by the rules pass (SPEC 10.3 step 4).
struct EntryKeys {
  VerifyKey identity;        // in force before the entry (the genesis's own for the genesis)
  std::size_t superseded;    // how many superseded identity keys existed before the entry
  VerifyKey author;
  VerifyKey tail;            // the added device's key (pop) or the new identity key
};

// Step 4 for one entry, in the order identity, author, tail.
Error check_signatures(const LogEntry& e, ByteView bytes, const EntryKeys& k, const UserId& user,
                       std::span<const VerifyKey> superseded) {
  ByteView signed_part = bytes.first(bytes.size() - kSignaturesSize);
  if (k.identity.verify(label::log_entry, signed_part, e.identity_signature) != Error::ok) {
    for (std::size_t j = 0; j < k.superseded; ++j) {
      if (superseded[j].verify(label::log_entry, signed_part, e.identity_signature) == Error::ok) {
        return Error::identity_superseded;
      }
    }
    return Error::signature_invalid;
  }
  COFFRE_TRY(k.author.verify(label::log_author, signed_part, e.author_signature));
  if (const DeviceRecord* d = added_device(e)) return d->sign_pk.verify(label::log_device_pop, device_pop_message(user, *d), e.tail);
  return k.tail.verify(label::log_new_identity, signed_part, e.tail);
}

// Steps 3 and 4 of SPEC section 10 over `entries`, starting from `base` (a verified state whose head the first
// entry must follow) or, without base, from an empty log (the first entry must be the genesis).
Result<VerifiedLog> verify_entries(const VerifiedLog* base, std::span<const std::vector<std::uint8_t>> entries,
                                   unsigned threads) {
  const std::size_t n = entries.size();
  if (n == 0) {
    if (base == nullptr) return Error::log_invalid;  // no genesis
    return *base;
  }
  if (base != nullptr && base->head.seq == std::numeric_limits<std::uint64_t>::max()) return Error::log_broken_chain;

  // Parsing and hashing are per entry: done in parallel, their outcomes then examined in order.
  std::vector<std::optional<LogEntry>> parsed(n);
  std::vector<LogHash> hashes(n);
  parallel_for(n, threads, [&](std::size_t i) {
    auto e = LogEntry::parse(entries[i]);
    if (e) parsed[i] = std::move(e).take();
    hashes[i] = entry_hash(entries[i]);
  });

  // Step 3: chain and rules, entry by entry; each entry's signing keys are fixed by the state before it.
  std::optional<VerifiedLog> state;
  std::set<DeviceId> added;  // every device id ever added, revoked or not
  std::vector<EntryKeys> keys;
  keys.reserve(n);
  std::uint64_t seq = 0;
  LogHash prev{};
  if (base != nullptr) {
    state = *base;
    for (const auto& d : base->devices) added.insert(d.id);
    for (const auto& d : base->revoked) added.insert(d.id);
    seq = base->head.seq + 1;
    prev = base->head.hash;
  }
  for (std::size_t i = 0; i < n; ++i, ++seq) {
    if (!parsed[i]) return Error::log_invalid;
    const LogEntry& e = *parsed[i];
    if (e.seq != seq || e.prev != prev) return Error::log_broken_chain;

    if (const auto* g = std::get_if<GenesisBody>(&e.body)) {
      if (state) return Error::log_invalid;  // a genesis after seq 0
      if (g->identity_generation == 0 || g->suite_version != 1 || g->root_epoch != 1 ||
          !is_zero(g->device.transcript_hash) || e.author != g->device.id || e.author == recovery_author_id()) {
        return Error::log_invalid;
      }
      state.emplace(VerifiedLog{g->user, g->identity_pk, g->identity_generation, g->suite_pk, g->suite_version,
                                g->root_epoch, g->recovery_pk, g->recovery_mac, g->recovery_sign_pk, {g->device},
                                {}, {}, hashes[i], LogHead{}});
      added.insert(g->device.id);
      keys.push_back(EntryKeys{g->identity_pk, 0, g->device.sign_pk, g->device.sign_pk});
    } else if (!state) {
      return Error::log_invalid;  // the first entry is not a genesis
    } else {
      auto author = author_key(*state, e.author, e.kind());
      if (!author) return author.error();
      EntryKeys k{state->identity_pk, state->superseded_identities.size(), author.value(), author.value()};
      COFFRE_TRY(apply_entry(*state, added, e));
      if (const auto* r = std::get_if<RevokeDeviceBody>(&e.body)) k.tail = r->identity_pk;
      keys.push_back(k);
    }
    prev = hashes[i];
  }

  // Step 4: signatures, each entry independent of the others; the first failing entry gives the error.
  std::vector<Error> outcome(n, Error::ok);
  const UserId user = state->user;
  const std::span<const VerifyKey> superseded = state->superseded_identities;
  parallel_for(n, threads, [&](std::size_t i) {
    outcome[i] = check_signatures(*parsed[i], entries[i], keys[i], user, superseded);
  });
  for (Error e : outcome) COFFRE_TRY(e);

  state->head = LogHead{seq - 1, hashes[n - 1]};
  return std::move(*state);
}

Error check_identity(const VerifiedLog& current, const SigningKey& identity) noexcept {
  return identity.verify_key() == current.identity_pk ? Error::ok : Error::invalid_argument;
}

// The author must be able to sign in `current` (the same rule verification applies), with the key it claims.
Error check_author(const VerifiedLog& current, const EntryAuthor& author, LogEntryKind kind) {
  auto key = author_key(current, author.id, kind);
  if (!key) return key.error() == Error::log_invalid ? Error::device_not_enrolled : key.error();
  return key.value() == author.key.verify_key() ? Error::ok : Error::invalid_argument;
}

Result<LogEntry> next_entry(const VerifiedLog& current, LogEntryBody body, const DeviceId& author) {
  if (current.head.seq == std::numeric_limits<std::uint64_t>::max()) return Error::invalid_argument;
  return LogEntry{current.head.seq + 1, current.head.hash, std::move(body), author, {}, {}, {}};
}

// Signs with the identity key and the author's key; the tail is the pop already set, or the new identity's signature.
std::vector<std::uint8_t> sign_and_encode(LogEntry entry, const SigningKey& identity, const SigningKey& author,
                                          const SigningKey* new_identity = nullptr) {
  const Bytes signed_part = entry.signed_part();
  entry.identity_signature = identity.sign(label::log_entry, signed_part);
  entry.author_signature = author.sign(label::log_author, signed_part);
  if (new_identity != nullptr) entry.tail = new_identity->sign(label::log_new_identity, signed_part);
  return entry.encode();
}

}  // namespace

// ---- identifiers ----

std::array<std::uint8_t, kIdentityFingerprintSize> identity_fingerprint_bytes(const UserId& user,
                                                                              const VerifyKey& identity_pk,
                                                                              std::uint32_t generation) noexcept {
  std::uint8_t gen[4];
  put_u32(gen, generation);
  LogHash h = hash(label::identity_fingerprint, {user.bytes, identity_pk.bytes(), gen});
  return copy_array<kIdentityFingerprintSize>(ByteView(h).first(kIdentityFingerprintSize));
}

std::string identity_fingerprint(const UserId& user, const VerifyKey& identity_pk, std::uint32_t generation) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(kIdentityFingerprintTextSize);
  auto fp = identity_fingerprint_bytes(user, identity_pk, generation);
  for (std::size_t i = 0; i < fp.size(); ++i) {
    if (i > 0 && i % 2 == 0) out += ' ';  // groups of 4 hex digits = 2 bytes
    out += kDigits[fp[i] >> 4];
    out += kDigits[fp[i] & 0x0f];
  }
  return out;
}

std::string identity_fingerprint(const VerifiedLog& log) {
  return identity_fingerprint(log.user, log.identity_pk, log.identity_generation);
}

DeviceId recovery_author_id() noexcept {
  DeviceId id;
  id.bytes.fill(0xff);
  return id;
}

DeviceId DeviceId::generate(Rng& rng) {
  DeviceId id;
  rng.fill(id.bytes);
  return id;
}

namespace detail {

bool device_name_valid(std::string_view name) noexcept {
  return name.size() <= kDeviceNameMaxSize && utf8_valid(as_bytes(name));
}

// frame(user_id) || frame(device_id) || frame(device_sign_pk) || frame(device_kem_pk) || frame(transcript_hash)
Bytes device_pop_message(const UserId& user, const DeviceRecord& d) {
  Bytes m;
  m.reserve(5 * 4 + 16 + 16 + 32 + XWingPublicKey::kSize + 32);
  append_frame(m, user.bytes);
  append_frame(m, d.id.bytes);
  append_frame(m, d.sign_pk.bytes());
  append_frame(m, d.kem_pk.bytes());
  append_frame(m, d.transcript_hash);
  return m;
}

}  // namespace detail

Result<DeviceId> DeviceId::from_bytes(std::span<const std::uint8_t> b) {
  if (b.size() != kSize) return Error::invalid_argument;
  return DeviceId{copy_array<kSize>(b)};
}

UserId UserId::generate(Rng& rng) {
  UserId id;
  rng.fill(id.bytes);
  return id;
}

Result<UserId> UserId::from_bytes(std::span<const std::uint8_t> b) {
  if (b.size() != kSize) return Error::invalid_argument;
  return UserId{copy_array<kSize>(b)};
}

// ---- entries ----

std::vector<std::uint8_t> LogEntry::signed_part() const {
  Bytes body_bytes = encode_body(body);
  Bytes out;
  out.reserve(kHeaderSize + 4 + body_bytes.size() + DeviceId::kSize + kSignaturesSize);
  append(out, kMagic);
  out.push_back(kVersion);
  append_u64(out, seq);
  append(out, prev);
  out.push_back(static_cast<std::uint8_t>(kind()));
  append_frame(out, body_bytes);
  append(out, author.bytes);
  return out;
}

std::vector<std::uint8_t> LogEntry::encode() const {
  Bytes out = signed_part();
  append(out, identity_signature);
  append(out, author_signature);
  append(out, tail);
  return out;
}

Result<LogEntry> LogEntry::parse(std::span<const std::uint8_t> bytes) {
  ByteReader r(bytes);
  ByteView magic, prev, body_bytes, author, identity_sig, author_sig, tail;
  std::uint8_t version = 0, kind = 0;
  std::uint64_t seq = 0;
  if (!r.bytes(4, magic) || !std::equal(magic.begin(), magic.end(), kMagic) || !r.u8(version) ||
      version != kVersion || !r.u64(seq) || !r.bytes(32, prev) || !r.u8(kind) || kind < 1 || kind > 3 ||
      !r.frame(body_bytes, 0, bytes.size())) {
    return Error::log_invalid;
  }
  auto parsed_body = read_body(kind, body_bytes);
  if (!parsed_body || !r.bytes(DeviceId::kSize, author) || !r.bytes(kSig, identity_sig) || !r.bytes(kSig, author_sig) ||
      !r.bytes(kSig, tail) || !r.done()) {
    return Error::log_invalid;
  }
  return LogEntry{seq,
                  copy_array<32>(prev),
                  std::move(*parsed_body),
                  DeviceId::from_bytes(author).take(),
                  copy_array<kSig>(identity_sig),
                  copy_array<kSig>(author_sig),
                  copy_array<kSig>(tail)};
}

LogHash entry_hash(std::span<const std::uint8_t> entry_bytes) noexcept {
  return detail::hash(label::log_entry_hash, {entry_bytes});
}

// ---- verification ----

const DeviceRecord* VerifiedLog::find(const DeviceId& id) const noexcept {
  auto it = std::find_if(devices.begin(), devices.end(), [&](const DeviceRecord& d) { return d.id == id; });
  return it == devices.end() ? nullptr : &*it;
}

bool VerifiedLog::was_revoked(const DeviceId& id) const noexcept {
  return std::any_of(revoked.begin(), revoked.end(), [&](const DeviceRecord& d) { return d.id == id; });
}

Result<VerifiedLog> verify_log(std::span<const std::vector<std::uint8_t>> entries, std::optional<LogHead> pinned,
                               std::optional<LogHash> expected_genesis_hash, unsigned threads) {
  // Step 1: rollback.
  if (pinned && entries.size() <= pinned->seq) return Error::log_rollback;
  if (expected_genesis_hash && entries.empty()) return Error::log_rollback;
  // Step 2: fork.
  if (pinned && entry_hash(entries[static_cast<std::size_t>(pinned->seq)]) != pinned->hash) return Error::log_fork;
  if (expected_genesis_hash && entry_hash(entries[0]) != *expected_genesis_hash) return Error::log_fork;
  // Steps 3 and 4.
  return verify_entries(nullptr, entries, threads);
}

Result<VerifiedLog> verify_appended(const VerifiedLog& current, std::span<const std::vector<std::uint8_t>> entries,
                                    unsigned threads) {
  return verify_entries(&current, entries, threads);
}

// ---- builders ----

Result<SigningKey::Signature> device_pop(const SigningKey& device_key, const UserId& user,
                                         const DeviceRecord& device) {
  if (device_key.verify_key() != device.sign_pk) return Error::invalid_argument;
  return device_key.sign(label::log_device_pop, device_pop_message(user, device));
}

Result<std::vector<std::uint8_t>> make_genesis(const SigningKey& identity, std::uint32_t identity_generation,
                                               const UserId& user, const XWingPublicKey& suite_pk,
                                               std::uint32_t suite_version, const RecoveryKey& recovery,
                                               std::uint32_t root_epoch, const DeviceRecord& first_device,
                                               const SigningKey& first_device_key) {
  if (identity_generation == 0 || suite_version != 1 || root_epoch != 1 || !device_name_valid(first_device.name) ||
      !is_zero(first_device.transcript_hash) || first_device.id == recovery_author_id()) {
    return Error::invalid_argument;
  }
  auto pop = device_pop(first_device_key, user, first_device);
  if (!pop) return pop.error();
  const RecoveryMac mac = recovery.genesis_mac(user, identity.verify_key(), identity_generation);
  LogEntry e{0,
             LogHash{},
             GenesisBody{user, identity.verify_key(), identity_generation, suite_pk, suite_version,
                         recovery.public_key(), mac, recovery.signing_key().verify_key(), root_epoch, first_device},
             first_device.id,
             {},
             {},
             pop.value()};
  return sign_and_encode(std::move(e), identity, first_device_key);
}

Result<std::vector<std::uint8_t>> make_add_device(const VerifiedLog& current, const SigningKey& identity,
                                                  const EntryAuthor& author, const DeviceRecord& device,
                                                  std::span<const std::uint8_t> pop) {
  COFFRE_TRY(check_identity(current, identity));
  if (!device_name_valid(device.name) || device.id == author.id || device.id == recovery_author_id()) {
    return Error::invalid_argument;
  }
  COFFRE_TRY(check_author(current, author, LogEntryKind::add_device));
  if (ever_added(current, device.id)) return Error::already_exists;
  if (pop.size() != kSig) return Error::signature_invalid;
  COFFRE_TRY(device.sign_pk.verify(label::log_device_pop, device_pop_message(current.user, device), pop));
  auto e = next_entry(current, AddDeviceBody{device}, author.id);
  if (!e) return e.error();
  e.value().tail = copy_array<kSig>(pop);
  return sign_and_encode(std::move(e).take(), identity, author.key);
}

Result<std::vector<std::uint8_t>> make_revoke(const VerifiedLog& current, const SigningKey& identity,
                                              const EntryAuthor& author, const DeviceId& device,
                                              const SigningKey& new_identity, const XWingPublicKey& new_suite_pk) {
  COFFRE_TRY(check_identity(current, identity));
  if (author.id == device || author.id == recovery_author_id()) return Error::invalid_argument;
  COFFRE_TRY(check_author(current, author, LogEntryKind::revoke_device));
  if (!current.contains(device)) return Error::device_not_enrolled;
  constexpr auto kMax = std::numeric_limits<std::uint32_t>::max();
  if (current.identity_generation == kMax || current.suite_version == kMax || current.root_epoch == kMax ||
      identity_used(current, new_identity.verify_key())) {
    return Error::invalid_argument;
  }
  RevokeDeviceBody body{device,       new_identity.verify_key(), current.identity_generation + 1,
                        new_suite_pk, current.suite_version + 1, current.root_epoch + 1};
  auto e = next_entry(current, std::move(body), author.id);
  if (!e) return e.error();
  return sign_and_encode(std::move(e).take(), identity, author.key, &new_identity);
}

}  // namespace coffre
