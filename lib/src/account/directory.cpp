// Key directory records, trust store and safety numbers (docs/SPEC.md section 17).
#include "base/bytes.hpp"
#include "crypto/kdf.hpp"
#include "base/reader.hpp"

#include <coffre/coffre.hpp>
#include <coffre/directory.hpp>

#include <sodium.h>

#include <algorithm>

namespace coffre {

using namespace detail;

// The only ways to build a DirectoryRecord and a SafetyNumber: from checked fields.
struct DirectoryRecordAccess {
  static DirectoryRecord make(std::span<const std::uint8_t, DirectoryRecord::kSize> bytes, const UserId& user,
                              std::uint32_t generation, const VerifyKey& identity_pk, std::uint32_t suite_version,
                              const XWingPublicKey& suite_pk, std::uint64_t created,
                              std::optional<VerifyKey> previous) {
    return DirectoryRecord(bytes, user, generation, identity_pk, suite_version, suite_pk, created, previous);
  }
};

struct SafetyNumberAccess {
  static std::array<char, SafetyNumber::kDigits>& digits(SafetyNumber& n) { return n.digits_; }
};

DirectoryRecord::DirectoryRecord(std::span<const std::uint8_t, kSize> bytes, const UserId& user,
                                 std::uint32_t generation, const VerifyKey& identity_pk, std::uint32_t suite_version,
                                 const XWingPublicKey& suite_pk, std::uint64_t created,
                                 std::optional<VerifyKey> previous_identity_pk)
    : user_(user),
      identity_generation_(generation),
      identity_pk_(identity_pk),
      suite_version_(suite_version),
      suite_pk_(suite_pk),
      created_(created),
      previous_identity_pk_(previous_identity_pk) {
  std::copy(bytes.begin(), bytes.end(), bytes_.begin());
}

namespace {

constexpr std::uint8_t kRecordMagic[5] = {'C', 'F', 'R', 'U', 0x01};  // magic || version
constexpr std::uint8_t kStoreMagic[5] = {'C', 'F', 'R', 'T', 0x01};
constexpr std::size_t kSig = SigningKey::kSignatureSize;
constexpr std::size_t kSigned = 5 + UserId::kSize + 4 + VerifyKey::kSize + 4 + XWingPublicKey::kSize + 8 +
                                VerifyKey::kSize;
static_assert(kSigned == 1317 && kSigned + 2 * kSig == DirectoryRecord::kSize);

bool all_zero(ByteView b) noexcept { return sodium_is_zero(b.data(), b.size()) == 1; }

// The 30 digits of one user (17.2).
void half_number(char* out, const TrustedIdentity& id) {
  auto part = hash(label::directory_safety_number, {id.user.bytes, id.identity_pk.bytes()});
  for (std::size_t k = 0; k < 6; ++k) {
    std::uint64_t v = 0;
    for (std::size_t i = 0; i < 5; ++i) v = (v << 8) | part[5 * k + i];
    v %= 100000;
    for (std::size_t d = 5; d-- > 0;) {
      out[5 * k + d] = static_cast<char>('0' + v % 10);
      v /= 10;
    }
  }
}

// ok if `previous` are the secrets that a revocation replaced by `secrets` (AccountSecrets::rotated): generation - 1,
// and the same account: its suite keys are the first suite keys of `secrets` (compared in constant time).
Error check_predecessor(const AccountSecrets& previous, const AccountSecrets& secrets) noexcept {
  const std::uint32_t generation = secrets.identity_generation();
  if (generation == 1 || previous.identity_generation() != generation - 1) return Error::invalid_argument;
  const auto& old_keys = previous.suite_keys();
  const auto& keys = secrets.suite_keys();
  if (old_keys.size() > keys.size()) return Error::invalid_argument;
  for (std::size_t i = 0; i < old_keys.size(); ++i) {
    const auto a = old_keys[i].key.secret().reveal();
    const auto b = keys[i].key.secret().reveal();
    if (old_keys[i].version != keys[i].version || a.size() != b.size() ||
        sodium_memcmp(a.data(), b.data(), a.size()) != 0) {
      return Error::invalid_argument;
    }
  }
  return Error::ok;
}

const DirectoryRecord& shown_record(const ContactTrust& c) { return c.pending ? *c.pending : c.pinned; }

// 17.1 step 3 to 6 for a user already pinned and not refused.
Result<Observation> observe_known(ContactTrust& c, const DirectoryRecord& r) {
  const DirectoryRecord& p = c.pinned;
  if (r.identity_pk() == p.identity_pk() && r.identity_generation() == p.identity_generation()) {
    if (r.suite_version() > p.suite_version()) {
      c.pinned = r;
      return Observation::followed;
    }
    if (r.suite_version() < p.suite_version()) return Error::key_version_rollback;
    if (r.suite_pk() == p.suite_pk()) return Observation::unchanged;
    c.pending = r;
    return Error::trust_mismatch;
  }
  // Any other identity key waits for the user, even one the pinned key signed (continuity): a revoked device holds
  // the old key and could sign a successor of its own (SPEC 17.1).
  if (r.identity_generation() < p.identity_generation()) return Error::key_version_rollback;
  c.pending = r;
  return Error::trust_mismatch;
}

Result<DirectoryRecord> read_record(ByteReader& r) {
  ByteView b;
  if (!r.bytes(DirectoryRecord::kSize, b)) return Error::record_invalid;
  auto rec = verify_record(b);
  if (!rec) return Error::record_invalid;
  return rec;
}

}  // namespace

// ------------------------------------------------------------------------------------------------ identities

TrustedIdentity TrustedIdentity::of(const UserId& user, const AccountSecrets& secrets) {
  return {user, secrets.identity().verify_key(), secrets.identity_generation()};
}

Result<WrapRecipient> WrapRecipient::of(const UserId& user, const AccountSecrets& secrets) {
  auto pk = xwing_public_key(secrets.current_suite_key().key);
  if (!pk) return pk.error();
  return WrapRecipient{user, secrets.current_suite_key().version, pk.value()};
}

// --------------------------------------------------------------------------------------------------- records

Result<DirectoryRecord> make_directory_record(const UserId& user, const AccountSecrets& secrets, std::uint64_t created,
                                              const SigningKey* previous_identity) {
  COFFRE_TRY(init());
  const std::uint32_t generation = secrets.identity_generation();
  if ((generation == 1) != (previous_identity == nullptr)) return Error::invalid_argument;
  auto recipient = WrapRecipient::of(user, secrets);
  if (!recipient) return recipient.error();

  Bytes out(std::begin(kRecordMagic), std::end(kRecordMagic));
  out.reserve(DirectoryRecord::kSize);
  append(out, user.bytes);
  append_u32(out, generation);
  append(out, secrets.identity().verify_key().bytes());
  append_u32(out, recipient.value().suite_version);
  append(out, recipient.value().suite_pk.bytes());
  append_u64(out, created);
  std::optional<VerifyKey> previous;
  if (previous_identity) previous = previous_identity->verify_key();
  if (previous) append(out, previous->bytes());
  else out.resize(out.size() + VerifyKey::kSize);
  const auto sig = secrets.identity().sign(label::directory_record, out);
  SigningKey::Signature continuity{};
  if (previous_identity) continuity = previous_identity->sign(label::directory_continuity, out);
  append(out, sig);
  append(out, continuity);
  return DirectoryRecordAccess::make(std::span<const std::uint8_t, DirectoryRecord::kSize>(out.data(), out.size()),
                                     user, generation, secrets.identity().verify_key(),
                                     recipient.value().suite_version, recipient.value().suite_pk, created, previous);
}

Result<DirectoryRecord> make_directory_record(const UserId& user, const AccountSecrets& secrets, std::uint64_t created,
                                              const AccountSecrets& previous) {
  if (Error e = check_predecessor(previous, secrets); e != Error::ok) return e;
  return make_directory_record(user, secrets, created, &previous.identity());
}

Result<DirectoryRecord> verify_record(std::span<const std::uint8_t> bytes) {
  COFFRE_TRY(init());
  ByteReader r(bytes);
  ByteView user, identity, suite, prev, sig, continuity;
  std::uint32_t generation = 0, suite_version = 0;
  std::uint64_t created = 0;
  if (bytes.size() != DirectoryRecord::kSize || !r.literal(kRecordMagic) || !r.bytes(UserId::kSize, user) ||
      !r.u32(generation) || !r.bytes(VerifyKey::kSize, identity) || !r.u32(suite_version) ||
      !r.bytes(XWingPublicKey::kSize, suite) || !r.u64(created) || !r.bytes(VerifyKey::kSize, prev) ||
      !r.bytes(kSig, sig) || !r.bytes(kSig, continuity) || generation == 0 || suite_version == 0 ||
      (generation == 1 && (!all_zero(prev) || !all_zero(continuity))) || (generation > 1 && all_zero(prev))) {
    return Error::record_invalid;
  }
  auto suite_pk = XWingPublicKey::from_bytes(suite);
  if (!suite_pk) return Error::public_key_invalid;
  auto identity_pk = VerifyKey::from_bytes(identity);
  if (!identity_pk) return identity_pk.error();
  ByteView signed_part = bytes.first(kSigned);
  COFFRE_TRY(identity_pk.value().verify(label::directory_record, signed_part, sig));
  std::optional<VerifyKey> previous;
  if (generation > 1) {
    auto p = VerifyKey::from_bytes(prev);
    if (!p) return p.error();
    COFFRE_TRY(p.value().verify(label::directory_continuity, signed_part, continuity));
    previous = p.value();
  }
  return DirectoryRecordAccess::make(std::span<const std::uint8_t, DirectoryRecord::kSize>(bytes.data(), bytes.size()),
                                     UserId{copy_array<UserId::kSize>(user)}, generation, identity_pk.value(),
                                     suite_version, suite_pk.value(), created, previous);
}

// -------------------------------------------------------------------------------------------- safety numbers

Result<SafetyNumber> SafetyNumber::parse(std::string_view typed) {
  SafetyNumber n;
  std::size_t count = 0;
  for (char c : typed) {
    if (c == ' ' || c == '\t' || c == '-') continue;
    if (c < '0' || c > '9' || count == kDigits) return Error::invalid_argument;
    n.digits_[count++] = c;
  }
  if (count != kDigits) return Error::invalid_argument;
  return n;
}

std::string SafetyNumber::to_string() const {
  std::string out;
  out.reserve(kDigits + kDigits / 5 - 1);
  for (std::size_t i = 0; i < kDigits; ++i) {
    if (i > 0 && i % 5 == 0) out.push_back(' ');
    out.push_back(digits_[i]);
  }
  return out;
}

Result<SafetyNumber> safety_number(const TrustedIdentity& a, const TrustedIdentity& b) {
  COFFRE_TRY(init());
  if (a.user == b.user) return Error::invalid_argument;
  const bool a_first = a.user < b.user;
  SafetyNumber n;
  auto& digits = SafetyNumberAccess::digits(n);
  half_number(digits.data(), a_first ? a : b);
  half_number(digits.data() + SafetyNumber::kDigits / 2, a_first ? b : a);
  return n;
}

// ------------------------------------------------------------------------------------------------ trust store

Result<Observation> TrustStore::observe(const DirectoryRecord& record) {
  auto it = contacts_.find(record.user());
  if (it == contacts_.end()) {
    contacts_.emplace(record.user(), ContactTrust{record, TrustState::unknown, std::nullopt});
    return Observation::pinned_first;
  }
  if (it->second.state == TrustState::refused) return Error::user_refused;
  return observe_known(it->second, record);
}

Result<TrustedContact> TrustStore::check_sharable(const UserId& user) const {
  const ContactTrust* c = find(user);
  if (c == nullptr) return Error::not_found;
  if (c->state == TrustState::refused) return Error::user_refused;
  if (c->pending) return Error::trust_mismatch;
  return TrustedContact{c->pinned.identity(), c->pinned.recipient()};
}

Result<SafetyNumber> TrustStore::safety_number(const UserId& user, const TrustedIdentity& me) const {
  const ContactTrust* c = find(user);
  if (c == nullptr) return Error::not_found;
  return coffre::safety_number(me, shown_record(*c).identity());
}

Error TrustStore::verify(const UserId& user, const SafetyNumber& typed, const TrustedIdentity& me) {
  auto expected = safety_number(user, me);
  if (!expected) return expected.error();
  if (!(expected.value() == typed)) return Error::trust_mismatch;
  ContactTrust& c = contacts_.find(user)->second;
  if (c.pending) c.pinned = *c.pending;
  c.pending.reset();
  c.state = TrustState::verified;
  return Error::ok;
}

Error TrustStore::refuse(const UserId& user) {
  auto it = contacts_.find(user);
  if (it == contacts_.end()) return Error::not_found;
  it->second.state = TrustState::refused;
  return Error::ok;
}

const ContactTrust* TrustStore::find(const UserId& user) const noexcept {
  auto it = contacts_.find(user);
  return it == contacts_.end() ? nullptr : &it->second;
}

std::vector<std::uint8_t> TrustStore::encode() const {
  Bytes out(std::begin(kStoreMagic), std::end(kStoreMagic));
  append_u32(out, static_cast<std::uint32_t>(contacts_.size()));
  for (const auto& [user, c] : contacts_) {
    out.push_back(static_cast<std::uint8_t>(c.state));
    append(out, c.pinned.bytes());
    out.push_back(c.pending ? 1 : 0);
    if (c.pending) append(out, c.pending->bytes());
  }
  return out;
}

Result<TrustStore> TrustStore::parse(std::span<const std::uint8_t> bytes) {
  COFFRE_TRY(init());
  ByteReader r(bytes);
  std::uint32_t n = 0;
  if (!r.literal(kStoreMagic) || !r.u32(n)) return Error::record_invalid;
  TrustStore store;
  for (std::uint32_t i = 0; i < n; ++i) {
    std::uint8_t state = 0, has_pending = 0;
    if (!r.u8(state) || state < 1 || state > 3) return Error::record_invalid;
    auto pinned = read_record(r);
    if (!pinned) return pinned.error();
    if (!r.u8(has_pending) || has_pending > 1) return Error::record_invalid;
    std::optional<DirectoryRecord> pending;
    if (has_pending == 1) {
      auto p = read_record(r);
      if (!p || !(p.value().user() == pinned.value().user())) return Error::record_invalid;
      pending = p.value();
    }
    const UserId user = pinned.value().user();
    if (!store.contacts_.empty() && !(store.contacts_.rbegin()->first < user)) return Error::record_invalid;
    store.contacts_.emplace_hint(store.contacts_.end(), user,
                                 ContactTrust{pinned.value(), static_cast<TrustState>(state), std::move(pending)});
  }
  if (!r.done()) return Error::record_invalid;
  return store;
}

Error check_record_against_log(const DirectoryRecord& record, const VerifiedLog& log) {
  if (record.user() != log.user) return Error::record_invalid;
  if (record.identity_generation() < log.identity_generation ||
      (record.identity_generation() == log.identity_generation && record.suite_version() < log.suite_version)) {
    return Error::key_version_rollback;
  }
  if (record.identity_generation() != log.identity_generation || !(record.identity_pk() == log.identity_pk) ||
      record.suite_version() != log.suite_version || !(record.suite_pk() == log.suite_pk)) {
    return Error::record_invalid;
  }
  return Error::ok;
}

}  // namespace coffre
