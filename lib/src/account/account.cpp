// Account state (docs/SPEC.md sections 11 and 14): root keys, sealed account secrets, root-key wraps, and the pure
// planners for account creation and revocation.
#include "base/reader.hpp"
#include "base/bytes.hpp"
#include "crypto/kdf.hpp"

#include <coffre/account.hpp>
#include <coffre/coffre.hpp>
#include <coffre/recovery.hpp>

#include <sodium.h>

#include <algorithm>
#include <cstring>
#include <limits>
#include <optional>
#include <tuple>

namespace coffre {

using namespace detail;

namespace {


constexpr std::uint8_t kStateMagic[5] = {'C', 'F', 'R', 'S', 0x01};  // magic || version
constexpr std::uint8_t kWrapMagic[5] = {'C', 'F', 'R', 'W', 0x01};
constexpr std::size_t kNonce = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;  // 24
constexpr std::size_t kTag = crypto_aead_xchacha20poly1305_ietf_ABYTES;       // 16
constexpr std::size_t kSeed = 32;
// "CFRS" | 0x01 | u32 epoch | nonce[24]
constexpr std::size_t kStateHeader = 5 + 4 + kNonce;
// frame(identity_seed) | u32 generation | u32 n, then n * (u32 version | frame(suite_seed))
constexpr std::size_t kStateFixed = 4 + kSeed + 4 + 4;
constexpr std::size_t kStatePerSuiteKey = 4 + 4 + kSeed;
// "CFRW" | 0x01 | u32 epoch | frame(recipient_id) | ct[1120]
constexpr std::size_t kWrapHeader = 5 + 4 + 4 + DeviceId::kSize + XWingCiphertext::kSize;
static_assert(kRootWrapSize == kWrapHeader + RootKey::kSize + kTag);

std::array<std::uint8_t, 4> be32(std::uint32_t v) noexcept {
  std::array<std::uint8_t, 4> b{};
  put_u32(b.data(), v);
  return b;
}

// KDF(root_key, "coffre/v1/account/state-key", user_id, u32(epoch))
Result<SecretBytes> state_key(const RootKey& root, const UserId& user) {
  auto epoch = be32(root.epoch());
  return kdf_key(root.secret(), label::account_state_key, {user.bytes, epoch});
}

// "CFRS" | 0x01 | u32 epoch | frame(user_id)
Bytes state_ad(std::uint32_t epoch, const UserId& user) {
  Bytes ad(std::begin(kStateMagic), std::end(kStateMagic));
  append_u32(ad, epoch);
  append_frame(ad, user.bytes);
  return ad;
}

// KDF(ss, "coffre/v1/account/root-wrap", user_id, recipient_id, u32(epoch), ct)
Result<SecretBytes> wrap_key(const SecretBytes& ss, const UserId& user, const DeviceId& recipient,
                             std::uint32_t epoch, ByteView ct) {
  auto e = be32(epoch);
  return kdf_key(ss, label::account_root_wrap, {user.bytes, recipient.bytes, e, ct});
}

Result<SigningKey> clone_signing_key(const SigningKey& key) { return SigningKey::from_seed(key.seed().reveal()); }
Result<XWingSecretKey> clone_xwing(const XWingSecretKey& key) {
  return XWingSecretKey::from_bytes(key.secret().reveal());
}

bool suite_versions_valid(const std::vector<SuiteSecretKey>& keys) noexcept {
  if (keys.empty()) return false;
  for (std::size_t i = 0; i < keys.size(); ++i) {
    if (keys[i].version != i + 1) return false;
  }
  return true;
}

Result<std::vector<RootWrap>> wrap_to_all(const RootKey& root, const VerifiedLog& log, Rng& rng) {
  std::vector<RootWrap> wraps;
  wraps.reserve(log.devices.size() + 1);
  for (const DeviceRecord& d : log.devices) {
    auto w = wrap_root_key(root, log.user, d.id, d.kem_pk, rng);
    if (!w) return w.error();
    wraps.push_back(RootWrap{d.id, std::move(w).take()});
  }
  auto w = wrap_root_key(root, log.user, recovery_recipient_id(), log.recovery_pk, rng);
  if (!w) return w.error();
  wraps.push_back(RootWrap{recovery_recipient_id(), std::move(w).take()});
  return wraps;
}

}  // namespace

// ------------------------------------------------------------------------------------------------- device keys

Result<DeviceKeys> DeviceKeys::generate(Rng& rng) {
  COFFRE_TRY(init());
  DeviceId id = DeviceId::generate(rng);
  while (id == recovery_recipient_id()) id = DeviceId::generate(rng);  // probability 2^-128
  auto sign = SigningKey::generate(rng);
  if (!sign) return sign.error();
  auto kem = xwing_generate(rng);
  if (!kem) return kem.error();
  auto pk = xwing_public_key(kem.value());
  if (!pk) return pk.error();
  return DeviceKeys{id, std::move(sign).take(), std::move(kem).take(), std::move(pk).take()};
}

Result<DeviceKeys> DeviceKeys::from_seeds(const DeviceId& id, std::span<const std::uint8_t> sign_seed,
                                          std::span<const std::uint8_t> kem_seed) {
  auto sign = SigningKey::from_seed(sign_seed);
  if (!sign) return sign.error();
  auto kem = XWingSecretKey::from_bytes(kem_seed);
  if (!kem) return kem.error();
  auto pk = xwing_public_key(kem.value());
  if (!pk) return pk.error();
  return DeviceKeys{id, std::move(sign).take(), std::move(kem).take(), std::move(pk).take()};
}

DeviceRecord DeviceKeys::record(std::string name, const LogHash& transcript_hash) const {
  return DeviceRecord{id, sign_key.verify_key(), kem_pk, std::move(name), transcript_hash};
}

// ---------------------------------------------------------------------------------------------------- root key

Result<RootKey> RootKey::generate(std::uint32_t epoch, Rng& rng) {
  if (epoch == 0) return Error::invalid_argument;
  SecretBytes key(kSize);
  if (!key.valid()) return Error::out_of_memory;
  rng.fill(key.reveal_mut());
  return RootKey(std::move(key), epoch);
}

Result<RootKey> RootKey::from_bytes(std::span<const std::uint8_t> bytes, std::uint32_t epoch) {
  if (bytes.size() != kSize || epoch == 0) return Error::invalid_argument;
  auto key = SecretBytes::copy_of(bytes);
  if (!key) return key.error();
  return RootKey(std::move(key).take(), epoch);
}

// ---------------------------------------------------------------------------------------------- account secrets

Result<AccountSecrets> AccountSecrets::create(SigningKey identity, std::uint32_t identity_generation,
                                              std::vector<SuiteSecretKey> suite_keys) {
  if (identity_generation == 0 || !suite_versions_valid(suite_keys)) return Error::invalid_argument;
  return AccountSecrets(std::move(identity), identity_generation, std::move(suite_keys));
}

Result<AccountSecrets> AccountSecrets::generate(Rng& rng) {
  auto identity = SigningKey::generate(rng);
  if (!identity) return identity.error();
  auto suite = xwing_generate(rng);
  if (!suite) return suite.error();
  std::vector<SuiteSecretKey> keys;
  keys.push_back(SuiteSecretKey{1, std::move(suite).take()});
  return create(std::move(identity).take(), 1, std::move(keys));
}

const XWingSecretKey* AccountSecrets::suite_key(std::uint32_t version) const noexcept {
  if (version == 0 || version > suite_keys_.size()) return nullptr;
  return &suite_keys_[version - 1].key;  // versions are 1..n in order (create)
}

Result<AccountSecrets> AccountSecrets::clone() const {
  auto identity = clone_signing_key(identity_);
  if (!identity) return identity.error();
  std::vector<SuiteSecretKey> keys;
  keys.reserve(suite_keys_.size() + 1);
  for (const SuiteSecretKey& k : suite_keys_) {
    auto copy = clone_xwing(k.key);
    if (!copy) return copy.error();
    keys.push_back(SuiteSecretKey{k.version, std::move(copy).take()});
  }
  return AccountSecrets(std::move(identity).take(), identity_generation_, std::move(keys));
}

Result<AccountSecrets> AccountSecrets::rotated(SigningKey new_identity, XWingSecretKey new_suite_key) const {
  constexpr auto kMax = std::numeric_limits<std::uint32_t>::max();
  if (suite_keys_.empty()) return Error::invalid_argument;  // moved from
  if (current_suite_key().version == kMax || identity_generation_ == kMax) return Error::invalid_argument;
  auto copy = clone();
  if (!copy) return copy.error();
  AccountSecrets out = std::move(copy).take();
  out.identity_ = std::move(new_identity);
  out.identity_generation_ = identity_generation_ + 1;
  out.suite_keys_.push_back(SuiteSecretKey{current_suite_key().version + 1, std::move(new_suite_key)});
  return out;
}

Error check_account_secrets(const AccountSecrets& secrets, const VerifiedLog& log) {
  if (secrets.suite_keys().empty()) return Error::invalid_argument;  // moved from
  if (!(secrets.identity().verify_key() == log.identity_pk) ||
      secrets.identity_generation() != log.identity_generation ||
      secrets.current_suite_key().version != log.suite_version) {
    return Error::wrap_invalid;
  }
  auto pk = xwing_public_key(secrets.current_suite_key().key);
  if (!pk) return pk.error();
  return pk.value() == log.suite_pk ? Error::ok : Error::wrap_invalid;
}

// ------------------------------------------------------------------------------------------------ sealed state

Result<std::vector<std::uint8_t>> seal_account_state(const RootKey& root, const UserId& user,
                                                     const AccountSecrets& secrets, Rng& rng) {
  COFFRE_TRY(init());
  const auto& keys = secrets.suite_keys();
  const std::size_t n = keys.size();
  if (n == 0 || root.secret().size() != RootKey::kSize) return Error::invalid_argument;  // moved from
  SecretBytes plain(kStateFixed + n * kStatePerSuiteKey);
  if (!plain.valid()) return Error::out_of_memory;
  std::uint8_t* p = plain.reveal_mut().data();
  auto put_seed = [&p](const SecretBytes& seed) {
    put_u32(p, static_cast<std::uint32_t>(seed.size()));
    std::memcpy(p + 4, seed.reveal().data(), seed.size());
    p += 4 + seed.size();
  };
  put_seed(secrets.identity().seed());
  put_u32(p, secrets.identity_generation());
  put_u32(p + 4, static_cast<std::uint32_t>(n));
  p += 8;
  for (const SuiteSecretKey& k : keys) {
    put_u32(p, k.version);
    p += 4;
    put_seed(k.key.secret());
  }

  Bytes out(std::begin(kStateMagic), std::end(kStateMagic));
  append_u32(out, root.epoch());
  out.resize(kStateHeader + plain.size() + kTag);
  ByteView nonce{&out[9], kNonce};
  rng.fill({&out[9], kNonce});
  auto key = state_key(root, user);
  if (!key) return key.error();
  Bytes ad = state_ad(root.epoch(), user);
  crypto_aead_xchacha20poly1305_ietf_encrypt(&out[kStateHeader], nullptr, plain.reveal().data(), plain.size(),
                                             ad.data(), ad.size(), nullptr, nonce.data(),
                                             key.value().reveal().data());
  return out;
}

Result<AccountSecrets> open_account_state(const RootKey& root, const UserId& user,
                                          std::span<const std::uint8_t> sealed) {
  COFFRE_TRY(init());
  if (root.secret().size() != RootKey::kSize) return Error::invalid_argument;  // moved from
  ByteReader header(sealed);
  std::uint32_t epoch = 0;
  ByteView nonce;
  if (!header.literal(kStateMagic) || !header.u32(epoch) || !header.bytes(kNonce, nonce) ||
      sealed.size() < kStateHeader + kTag + kStateFixed + kStatePerSuiteKey || epoch != root.epoch()) {
    return Error::wrap_invalid;
  }
  auto key = state_key(root, user);
  if (!key) return key.error();
  Bytes ad = state_ad(epoch, user);
  SecretBytes plain(sealed.size() - kStateHeader - kTag);
  if (!plain.valid()) return Error::out_of_memory;
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(plain.reveal_mut().data(), nullptr, nullptr, &sealed[kStateHeader],
                                                 sealed.size() - kStateHeader, ad.data(), ad.size(), nonce.data(),
                                                 key.value().reveal().data()) != 0) {
    return Error::wrap_invalid;
  }

  // The plaintext is authentic; its layout is still checked strictly (a bug elsewhere must not go unnoticed).
  ByteReader r(plain.reveal());
  ByteView identity_seed;
  std::uint32_t generation = 0, n = 0;
  if (!r.fixed_frame(identity_seed, kSeed) || !r.u32(generation) || !r.u32(n) ||
      std::uint64_t{plain.size()} != kStateFixed + std::uint64_t{n} * kStatePerSuiteKey) {
    return Error::wrap_invalid;
  }
  auto identity = SigningKey::from_seed(identity_seed);
  if (!identity) return identity.error() == Error::out_of_memory ? Error::out_of_memory : Error::wrap_invalid;
  std::vector<SuiteSecretKey> keys;
  keys.reserve(n);
  for (std::uint32_t i = 0; i < n; ++i) {
    std::uint32_t version = 0;
    ByteView seed;
    if (!r.u32(version) || !r.fixed_frame(seed, kSeed)) return Error::wrap_invalid;
    auto k = XWingSecretKey::from_bytes(seed);
    if (!k) return k.error() == Error::out_of_memory ? Error::out_of_memory : Error::wrap_invalid;
    keys.push_back(SuiteSecretKey{version, std::move(k).take()});
  }
  if (!r.done()) return Error::wrap_invalid;
  auto secrets = AccountSecrets::create(std::move(identity).take(), generation, std::move(keys));
  if (!secrets) return Error::wrap_invalid;  // generation 0, or versions not 1..n
  return secrets;
}

// ------------------------------------------------------------------------------------------------ account pins

namespace {

constexpr std::uint8_t kPinsMagic[5] = {'C', 'F', 'R', 'P', 0x01};
// "CFRP" | 0x01 | u32 epoch | u64 n | nonce[24]
constexpr std::size_t kPinsHeader = 5 + 4 + 8 + kNonce;
constexpr std::size_t kDocumentPinSize = 16 + 16 + 1 + 8 + 4;  // owner | document | purpose | revision | key_version
constexpr std::size_t kDrivePinSize = 16 + 16 + 8;             // owner | node | revision

// "CFRP" | 0x01 | u32 epoch | u64 n | frame(user_id): the AEAD's associated data.
Bytes pins_ad(std::uint32_t epoch, std::uint64_t n, const UserId& user) {
  Bytes ad(std::begin(kPinsMagic), std::end(kPinsMagic));
  append_u32(ad, epoch);
  append_u64(ad, n);
  append_frame(ad, user.bytes);
  return ad;
}

// KDF(root_key, "coffre/v1/account/pins-key", user_id, u32(epoch))
Result<SecretBytes> pins_key(const RootKey& root, const UserId& user) {
  auto epoch = be32(root.epoch());
  return kdf_key(root.secret(), label::account_pins_key, {user.bytes, epoch});
}

auto document_key(const AccountDocumentPin& p) { return std::tie(p.owner.bytes, p.document, p.purpose); }
auto drive_key(const AccountDrivePin& p) { return std::tie(p.owner.bytes, p.node); }

bool document_pin_valid(const AccountDocumentPin& p) noexcept {
  return p.purpose >= 1 && p.purpose <= 3 && p.revision != 0 && p.key_version != 0;
}

// The rules of section 11: every field in range, each list strictly ascending (so no duplicates).
bool pins_valid(const AccountPins& pins) {
  for (std::size_t i = 0; i < pins.documents.size(); ++i) {
    if (!document_pin_valid(pins.documents[i])) return false;
    if (i > 0 && !(document_key(pins.documents[i - 1]) < document_key(pins.documents[i]))) return false;
  }
  for (std::size_t i = 0; i < pins.drive.size(); ++i) {
    if (pins.drive[i].revision == 0) return false;
    if (i > 0 && !(drive_key(pins.drive[i - 1]) < drive_key(pins.drive[i]))) return false;
  }
  return true;
}

Bytes encode_pins(const AccountPins& pins) {
  Bytes out;
  out.reserve(8 + pins.documents.size() * kDocumentPinSize + pins.drive.size() * kDrivePinSize);
  append_u32(out, static_cast<std::uint32_t>(pins.documents.size()));
  for (const AccountDocumentPin& p : pins.documents) {
    append(out, p.owner.bytes);
    append(out, p.document);
    out.push_back(p.purpose);
    append_u64(out, p.revision);
    append_u32(out, p.key_version);
  }
  append_u32(out, static_cast<std::uint32_t>(pins.drive.size()));
  for (const AccountDrivePin& p : pins.drive) {
    append(out, p.owner.bytes);
    append(out, p.node);
    append_u64(out, p.revision);
  }
  return out;
}

bool read_id(ByteReader& r, std::array<std::uint8_t, 16>& id) {
  ByteView b;
  if (!r.bytes(id.size(), b)) return false;
  std::copy(b.begin(), b.end(), id.begin());
  return true;
}

// nullopt if the plaintext breaks the layout or the rules.
std::optional<AccountPins> decode_pins(ByteView plain) {
  ByteReader r(plain);
  AccountPins pins;
  std::uint32_t count = 0;
  if (!r.u32(count) || count > plain.size() / kDocumentPinSize) return std::nullopt;
  pins.documents.resize(count);
  for (AccountDocumentPin& p : pins.documents) {
    if (!read_id(r, p.owner.bytes) || !read_id(r, p.document) || !r.u8(p.purpose) || !r.u64(p.revision) ||
        !r.u32(p.key_version)) {
      return std::nullopt;
    }
  }
  if (!r.u32(count) || count > plain.size() / kDrivePinSize) return std::nullopt;
  pins.drive.resize(count);
  for (AccountDrivePin& p : pins.drive) {
    if (!read_id(r, p.owner.bytes) || !read_id(r, p.node) || !r.u64(p.revision)) return std::nullopt;
  }
  if (!r.done() || !pins_valid(pins)) return std::nullopt;
  return pins;
}

}  // namespace

Result<std::vector<std::uint8_t>> seal_account_pins(const RootKey& root, const UserId& user, std::uint64_t n,
                                                    const AccountPins& pins, Rng& rng) {
  COFFRE_TRY(init());
  if (n == 0 || root.secret().size() != RootKey::kSize || !pins_valid(pins)) return Error::invalid_argument;
  if (pins.documents.size() > std::numeric_limits<std::uint32_t>::max() ||
      pins.drive.size() > std::numeric_limits<std::uint32_t>::max()) {
    return Error::invalid_argument;
  }
  // Pins name documents and versions, not keys: the plaintext needs no secure memory.
  const Bytes plain = encode_pins(pins);
  Bytes out(std::begin(kPinsMagic), std::end(kPinsMagic));
  append_u32(out, root.epoch());
  append_u64(out, n);
  out.resize(kPinsHeader + plain.size() + kTag);
  std::uint8_t* nonce = &out[kPinsHeader - kNonce];
  rng.fill({nonce, kNonce});
  auto key = pins_key(root, user);
  if (!key) return key.error();
  const Bytes ad = pins_ad(root.epoch(), n, user);
  crypto_aead_xchacha20poly1305_ietf_encrypt(&out[kPinsHeader], nullptr, plain.data(), plain.size(), ad.data(),
                                             ad.size(), nullptr, nonce, key.value().reveal().data());
  return out;
}

Result<AccountPins> open_account_pins(const RootKey& root, const UserId& user, std::uint64_t n,
                                      std::span<const std::uint8_t> sealed) {
  COFFRE_TRY(init());
  if (n == 0 || root.secret().size() != RootKey::kSize) return Error::invalid_argument;
  ByteReader header(sealed);
  std::uint32_t epoch = 0;
  std::uint64_t number = 0;
  ByteView nonce;
  if (!header.literal(kPinsMagic) || !header.u32(epoch) || !header.u64(number) || !header.bytes(kNonce, nonce) ||
      sealed.size() < kPinsHeader + 8 + kTag || epoch != root.epoch() || number != n) {
    return Error::wrap_invalid;
  }
  auto key = pins_key(root, user);
  if (!key) return key.error();
  const Bytes ad = pins_ad(epoch, n, user);
  Bytes plain(sealed.size() - kPinsHeader - kTag);
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(plain.data(), nullptr, nullptr, &sealed[kPinsHeader],
                                                 sealed.size() - kPinsHeader, ad.data(), ad.size(), nonce.data(),
                                                 key.value().reveal().data()) != 0) {
    return Error::wrap_invalid;
  }
  auto pins = decode_pins(plain);
  if (!pins) return Error::wrap_invalid;
  return std::move(*pins);
}

// --------------------------------------------------------------------------------------------------- root wrap

DeviceId recovery_recipient_id() noexcept { return recovery_author_id(); }

Result<std::vector<std::uint8_t>> wrap_root_key(const RootKey& root, const UserId& user, const DeviceId& recipient,
                                                const XWingPublicKey& recipient_pk, Rng& rng) {
  COFFRE_TRY(init());
  if (root.secret().size() != RootKey::kSize) return Error::invalid_argument;  // a moved-from key
  auto enc = xwing_encapsulate(recipient_pk, rng);
  if (!enc) return enc.error();
  ByteView ct = enc.value().ciphertext.bytes();

  Bytes out(std::begin(kWrapMagic), std::end(kWrapMagic));
  out.reserve(kRootWrapSize);
  append_u32(out, root.epoch());
  append_frame(out, recipient.bytes);
  append(out, ct);
  auto key = wrap_key(enc.value().shared_secret, user, recipient, root.epoch(), ct);
  if (!key) return key.error();
  out.resize(kRootWrapSize);
  const std::uint8_t zero_nonce[kNonce] = {};
  crypto_aead_xchacha20poly1305_ietf_encrypt(&out[kWrapHeader], nullptr, root.secret().reveal().data(),
                                             RootKey::kSize, out.data(), kWrapHeader, nullptr, zero_nonce,
                                             key.value().reveal().data());
  return out;
}

Result<RootKey> unwrap_root_key(const XWingSecretKey& recipient_sk, const UserId& user, const DeviceId& recipient,
                                std::uint32_t epoch, std::span<const std::uint8_t> wrap) {
  COFFRE_TRY(init());
  ByteReader r(wrap);
  std::uint32_t wrap_epoch = 0;
  ByteView id, ct_bytes;
  if (wrap.size() != kRootWrapSize || !r.literal(kWrapMagic) || !r.u32(wrap_epoch) ||
      !r.fixed_frame(id, DeviceId::kSize) || !r.bytes(XWingCiphertext::kSize, ct_bytes) || wrap_epoch != epoch ||
      epoch == 0 || !std::equal(id.begin(), id.end(), recipient.bytes.begin())) {
    return Error::wrap_invalid;
  }
  auto ct = XWingCiphertext::from_bytes(ct_bytes);
  if (!ct) return Error::wrap_invalid;
  auto ss = xwing_decapsulate(recipient_sk, ct.value());
  if (!ss) return ss.error() == Error::out_of_memory ? Error::out_of_memory : Error::wrap_invalid;
  auto key = wrap_key(ss.value(), user, recipient, epoch, ct_bytes);
  if (!key) return key.error();
  SecretBytes root(RootKey::kSize);
  if (!root.valid()) return Error::out_of_memory;
  const std::uint8_t zero_nonce[kNonce] = {};
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(root.reveal_mut().data(), nullptr, nullptr, &wrap[kWrapHeader],
                                                 RootKey::kSize + kTag, wrap.data(), kWrapHeader, zero_nonce,
                                                 key.value().reveal().data()) != 0) {
    return Error::wrap_invalid;
  }
  return RootKey::from_bytes(root.reveal(), epoch);
}

// ---------------------------------------------------------------------------------------------------- planners

Result<AccountCreation> create_account(const DeviceKeys& first_device, std::string device_name,
                                       const RecoveryKey& recovery, Rng& rng) {
  COFFRE_TRY(init());
  if (first_device.id == recovery_recipient_id()) return Error::invalid_argument;
  auto secrets = AccountSecrets::generate(rng);
  if (!secrets) return secrets.error();
  UserId user = UserId::generate(rng);
  auto suite_pk = xwing_public_key(secrets.value().current_suite_key().key);
  if (!suite_pk) return suite_pk.error();
  auto genesis = make_genesis(secrets.value().identity(), 1, user, suite_pk.value(), 1, recovery, 1,
                              first_device.record(std::move(device_name)), first_device.sign_key);
  if (!genesis) return genesis.error();
  auto root = RootKey::generate(1, rng);
  if (!root) return root.error();
  auto sealed = seal_account_state(root.value(), user, secrets.value(), rng);
  if (!sealed) return sealed.error();
  std::vector<RootWrap> wraps;
  for (auto [id, pk] : {std::pair{first_device.id, &first_device.kem_pk},
                        std::pair{recovery_recipient_id(), &recovery.public_key()}}) {
    auto w = wrap_root_key(root.value(), user, id, *pk, rng);
    if (!w) return w.error();
    wraps.push_back(RootWrap{id, std::move(w).take()});
  }
  return AccountCreation{user,
                         std::move(secrets).take(),
                         std::move(root).take(),
                         std::move(genesis).take(),
                         std::move(sealed).take(),
                         std::move(wraps)};
}

Result<RevocationPlan> plan_revocation(const VerifiedLog& log, const AccountSecrets& secrets, const DeviceKeys& own,
                                       const DeviceId& revoked, Rng& rng) {
  COFFRE_TRY(init());
  if (!log.contains(revoked)) return Error::device_not_enrolled;
  if (own.id == revoked) return Error::invalid_argument;
  COFFRE_TRY(check_account_secrets(secrets, log));

  // 1. New identity and suite keys; the revoke entry introduces them, signed by the old identity, the new one and
  //    this device.
  auto identity = SigningKey::generate(rng);
  if (!identity) return identity.error();
  auto suite = xwing_generate(rng);
  if (!suite) return suite.error();
  auto suite_pk = xwing_public_key(suite.value());
  if (!suite_pk) return suite_pk.error();
  auto entry = make_revoke(log, secrets.identity(), EntryAuthor{own.id, own.sign_key}, revoked, identity.value(),
                           suite_pk.value());
  if (!entry) return entry.error();
  auto after = verify_appended(log, std::span(&entry.value(), 1), 1);
  if (!after) return after.error();

  // 2. A new root key for the new epoch, sealing the new identity and every suite key (old and new), wrapped to the
  //    remaining devices (the revoked one is no longer among them) and to the recovery key.
  auto new_secrets = secrets.rotated(std::move(identity).take(), std::move(suite).take());
  if (!new_secrets) return new_secrets.error();
  auto root = RootKey::generate(after.value().root_epoch, rng);
  if (!root) return root.error();
  auto sealed = seal_account_state(root.value(), log.user, new_secrets.value(), rng);
  if (!sealed) return sealed.error();
  auto wraps = wrap_to_all(root.value(), after.value(), rng);
  if (!wraps) return wraps.error();

  return RevocationPlan{std::move(entry).take(),
                        std::move(after).take(),
                        std::move(root).take(),
                        std::move(new_secrets).take(),
                        std::move(sealed).take(),
                        std::move(wraps).take()};
}

}  // namespace coffre
