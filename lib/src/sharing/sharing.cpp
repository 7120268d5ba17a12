// Content keys, access lists and content-key wraps (docs/SPEC.md section 16).
#include "base/bytes.hpp"
#include "crypto/kdf.hpp"
#include "base/parallel.hpp"
#include "base/reader.hpp"

#include <coffre/coffre.hpp>
#include <coffre/document.hpp>
#include <coffre/sharing.hpp>

#include <sodium.h>

#include <algorithm>
#include <limits>

namespace coffre {

using namespace detail;

// The only way to build an AccessList: from fields checked by make_access_list or open_access_list.
struct AccessListAccess {
  static AccessList make(const DocumentRef& document, std::uint32_t owner_generation, std::uint32_t key_version,
                         std::uint64_t revision, std::vector<UserId> members, Bytes bytes) {
    AccessList a;
    a.document_ = document;
    a.owner_generation_ = owner_generation;
    a.key_version_ = key_version;
    a.revision_ = revision;
    a.members_ = std::move(members);
    a.bytes_ = std::move(bytes);
    return a;
  }
};

namespace {

constexpr std::uint8_t kAccessMagic[5] = {'C', 'F', 'R', 'A', 0x01};  // magic || version
constexpr std::uint8_t kWrapMagic[5] = {'C', 'F', 'R', 'K', 0x01};
constexpr std::size_t kSig = SigningKey::kSignatureSize;
constexpr std::size_t kTag = crypto_aead_xchacha20poly1305_ietf_ABYTES;
constexpr std::size_t kNonce = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
// magic | version | purpose | owner | document | generation | key_version | revision | n
constexpr std::size_t kAccessFixed = 5 + 1 + UserId::kSize + DocumentId::kSize + 4 + 4 + 8 + 4;
static_assert(kAccessFixed + kSig == kAccessListBaseSize);
// magic | version | purpose | owner | document | key_version | sender | generation | recipient | suite version
constexpr std::size_t kWrapHeader = 5 + 1 + UserId::kSize + DocumentId::kSize + 4 + UserId::kSize + 4 +
                                    UserId::kSize + 4;
constexpr std::size_t kSealedKey = ContentKey::kSize + kTag;
static_assert(kWrapHeader == 82);
static_assert(kWrapHeader + XWingCiphertext::kSize + kSealedKey + kSig == kContentWrapSize);

bool purpose_valid(std::uint8_t p) noexcept { return p >= 1 && p <= 3; }

// Sorted, without duplicates, with the owner.
std::vector<UserId> normalized_members(std::vector<UserId> members, const UserId& owner) {
  members.push_back(owner);
  std::sort(members.begin(), members.end());
  members.erase(std::unique(members.begin(), members.end()), members.end());
  return members;
}

bool contains(const std::vector<UserId>& sorted, const UserId& u) noexcept {
  return std::binary_search(sorted.begin(), sorted.end(), u);
}

// ------------------------------------------------------------------------------------------------- access list

Result<AccessList> sign_access_list(const AccountSecrets& owner, const DocumentRef& document,
                                    std::uint32_t key_version, std::uint64_t revision, std::vector<UserId> members) {
  COFFRE_TRY(init());
  if (key_version == 0 || revision == 0 || !purpose_valid(static_cast<std::uint8_t>(document.purpose)))
    return Error::invalid_argument;
  members = normalized_members(std::move(members), document.owner);
  if (members.size() > kAccessListMaxMembers) return Error::invalid_argument;

  Bytes out(std::begin(kAccessMagic), std::end(kAccessMagic));
  out.reserve(kAccessListBaseSize + UserId::kSize * members.size());
  out.push_back(static_cast<std::uint8_t>(document.purpose));
  append(out, document.owner.bytes);
  append(out, document.id.bytes);
  append_u32(out, owner.identity_generation());
  append_u32(out, key_version);
  append_u64(out, revision);
  append_u32(out, static_cast<std::uint32_t>(members.size()));
  for (const auto& m : members) append(out, m.bytes);
  append(out, owner.identity().sign(label::access_signature, out));
  return AccessListAccess::make(document, owner.identity_generation(), key_version, revision, std::move(members),
                                std::move(out));
}

struct ParsedAccess {
  DocumentRef document;
  std::uint32_t generation = 0;
  std::uint32_t key_version = 0;
  std::uint64_t revision = 0;
  std::vector<UserId> members;
  ByteView signed_part, sig;
};

// 16.1 step 1: the layout and its rules, else record_invalid.
Result<ParsedAccess> parse_access_list(ByteView bytes) {
  ParsedAccess p;
  ByteReader r(bytes);
  std::uint8_t purpose = 0;
  std::uint32_t n = 0;
  ByteView owner, doc;
  if (!r.literal(kAccessMagic) || !r.u8(purpose) || !r.bytes(UserId::kSize, owner) ||
      !r.bytes(DocumentId::kSize, doc) || !r.u32(p.generation) || !r.u32(p.key_version) || !r.u64(p.revision) ||
      !r.u32(n) || n == 0 || n > kAccessListMaxMembers ||
      bytes.size() != kAccessListBaseSize + std::size_t{UserId::kSize} * n || !purpose_valid(purpose) ||
      p.key_version == 0 || p.revision == 0) {
    return Error::record_invalid;
  }
  p.document = {UserId{copy_array<UserId::kSize>(owner)}, DocumentId{copy_array<DocumentId::kSize>(doc)},
                static_cast<Purpose>(purpose)};
  p.members.reserve(n);
  for (std::uint32_t i = 0; i < n; ++i) {
    ByteView m;
    if (!r.bytes(UserId::kSize, m)) return Error::record_invalid;
    UserId u{copy_array<UserId::kSize>(m)};
    if (!p.members.empty() && !(p.members.back() < u)) return Error::record_invalid;
    p.members.push_back(u);
  }
  p.signed_part = bytes.first(r.pos());
  if (!r.bytes(kSig, p.sig) || !r.done() || !contains(p.members, p.document.owner)) return Error::record_invalid;
  return p;
}

// ------------------------------------------------------------------------------------------------------- wraps

struct WrapHeader {
  DocumentRef document;
  std::uint32_t key_version = 0;
  UserId sender;
  std::uint32_t sender_generation = 0;
  UserId recipient;
  std::uint32_t suite_version = 0;
};

Bytes encode_wrap_header(const WrapHeader& h) {
  Bytes out(std::begin(kWrapMagic), std::end(kWrapMagic));
  out.reserve(kContentWrapSize);
  out.push_back(static_cast<std::uint8_t>(h.document.purpose));
  append(out, h.document.owner.bytes);
  append(out, h.document.id.bytes);
  append_u32(out, h.key_version);
  append(out, h.sender.bytes);
  append_u32(out, h.sender_generation);
  append(out, h.recipient.bytes);
  append_u32(out, h.suite_version);
  return out;
}

// 16.2 step 1: wrap_invalid unless 1314 bytes with magic and version. The purpose byte is not checked here: an
// unknown one differs from the access list's (step 2).
Result<WrapHeader> parse_wrap_header(ByteView wrap) {
  if (wrap.size() != kContentWrapSize) return Error::wrap_invalid;
  ByteReader r(wrap);
  WrapHeader h;
  std::uint8_t purpose = 0;
  ByteView owner, doc, sender, recipient;
  if (!r.literal(kWrapMagic) || !r.u8(purpose) || !r.bytes(UserId::kSize, owner) ||
      !r.bytes(DocumentId::kSize, doc) || !r.u32(h.key_version) || !r.bytes(UserId::kSize, sender) ||
      !r.u32(h.sender_generation) || !r.bytes(UserId::kSize, recipient) || !r.u32(h.suite_version)) {
    return Error::wrap_invalid;
  }
  h.document = {UserId{copy_array<UserId::kSize>(owner)}, DocumentId{copy_array<DocumentId::kSize>(doc)},
                static_cast<Purpose>(purpose)};
  h.sender = UserId{copy_array<UserId::kSize>(sender)};
  h.recipient = UserId{copy_array<UserId::kSize>(recipient)};
  return h;
}

// KDF(ss, "coffre/v1/wrap/key", header, ct, recipient_suite_pk), into `key` (32 bytes, wiped by the caller).
void wrap_key(std::uint8_t* key, const SecretBytes& ss, ByteView header, ByteView ct, const XWingPublicKey& pk) {
  kdf({key, 32}, ss, label::wrap_key, {header, ct, pk.bytes()});
}

// One wrap with the encapsulation randomness `eseed` (64 bytes, fresh for every wrap).
Result<Bytes> seal_wrap(const WrapHeader& header, const AccountSecrets& sender, const XWingPublicKey& recipient_pk,
                        const VersionedContentKey& key, ByteView eseed) {
  auto enc = xwing_encapsulate_deterministic(recipient_pk, eseed);
  if (!enc) return enc.error();
  Bytes out = encode_wrap_header(header);
  append(out, enc.value().ciphertext.bytes());
  std::uint8_t aead_key[32];
  wrap_key(aead_key, enc.value().shared_secret, ByteView(out).first(kWrapHeader), enc.value().ciphertext.bytes(),
           recipient_pk);
  const std::size_t ad_size = out.size();
  out.resize(ad_size + kSealedKey);
  const std::uint8_t zero_nonce[kNonce] = {};
  crypto_aead_xchacha20poly1305_ietf_encrypt(&out[ad_size], nullptr, key.key.secret().reveal().data(),
                                             ContentKey::kSize, out.data(), ad_size, nullptr, zero_nonce, aead_key);
  sodium_memzero(aead_key, sizeof aead_key);
  append(out, sender.identity().sign(label::wrap_signature, out));
  return out;
}

// What every wrap of `key` under `access` from `sender` shares, after the checks a wrapping client makes.
Result<WrapHeader> wrap_template(const UserId& sender, const AccountSecrets& secrets, const AccessList& access,
                                 const VersionedContentKey& key) {
  COFFRE_TRY(init());
  if (key.version != access.key_version() || key.key.secret().size() != ContentKey::kSize)
    return Error::invalid_argument;
  if (!access.is_member(sender)) return Error::not_a_member;
  WrapHeader h;
  h.document = access.document();
  h.key_version = access.key_version();
  h.sender = sender;
  h.sender_generation = secrets.identity_generation();
  return h;
}

Error check_recipient(const WrapRecipient& recipient, const AccessList& access) noexcept {
  if (!access.is_member(recipient.user)) return Error::not_a_member;
  return recipient.suite_version == 0 ? Error::invalid_argument : Error::ok;
}

Result<Bytes> wrap_to(WrapHeader header, const AccountSecrets& secrets, const WrapRecipient& recipient,
                      const VersionedContentKey& key, ByteView eseed) {
  header.recipient = recipient.user;
  header.suite_version = recipient.suite_version;
  return seal_wrap(header, secrets, recipient.suite_pk, key, eseed);
}

// 16.2 step 6: the content key, or wrap_invalid.
Result<VersionedContentKey> unseal_wrap(ByteView wrap, const WrapHeader& h, const AccountSecrets& me) {
  const XWingSecretKey* sk = me.suite_key(h.suite_version);
  if (sk == nullptr) return Error::wrap_invalid;
  ByteView header = wrap.first(kWrapHeader);
  ByteView ct_bytes = wrap.subspan(kWrapHeader, XWingCiphertext::kSize);
  ByteView sealed = wrap.subspan(kWrapHeader + XWingCiphertext::kSize, kSealedKey);
  auto ct = XWingCiphertext::from_bytes(ct_bytes);
  if (!ct) return Error::wrap_invalid;
  auto kem = xwing_decapsulate_with_public_key(*sk, ct.value());  // the KDF binds our public key
  if (!kem) return kem.error() == Error::out_of_memory ? Error::out_of_memory : Error::wrap_invalid;
  std::uint8_t aead_key[32];
  wrap_key(aead_key, kem.value().shared_secret, header, ct_bytes, kem.value().public_key);
  SecretBytes content(ContentKey::kSize);
  if (!content.valid()) return Error::out_of_memory;
  const std::uint8_t zero_nonce[kNonce] = {};
  const int rc = crypto_aead_xchacha20poly1305_ietf_decrypt(content.reveal_mut().data(), nullptr, nullptr,
                                                            sealed.data(), sealed.size(), wrap.data(),
                                                            kWrapHeader + XWingCiphertext::kSize, zero_nonce,
                                                            aead_key);
  sodium_memzero(aead_key, sizeof aead_key);
  if (rc != 0) return Error::wrap_invalid;
  return VersionedContentKey::from_bytes(h.key_version, content.reveal());
}

}  // namespace

// ----------------------------------------------------------------------------------------------- small types

DocumentId DocumentId::generate(Rng& rng) {
  DocumentId id;
  rng.fill(id.bytes);
  return id;
}

Result<DocumentId> DocumentId::from_bytes(std::span<const std::uint8_t> b) {
  if (b.size() != kSize) return Error::invalid_argument;
  return DocumentId{copy_array<kSize>(b)};
}

Result<VersionedContentKey> VersionedContentKey::generate(std::uint32_t version, Rng& rng) {
  if (version == 0) return Error::invalid_argument;
  auto key = ContentKey::generate(rng);
  if (!key) return key.error();
  return VersionedContentKey{version, std::move(key).take()};
}

Result<VersionedContentKey> VersionedContentKey::from_bytes(std::uint32_t version, std::span<const std::uint8_t> key) {
  if (version == 0) return Error::invalid_argument;
  auto k = ContentKey::from_bytes(key);
  if (!k) return k.error();
  return VersionedContentKey{version, std::move(k).take()};
}

bool AccessList::is_member(const UserId& user) const noexcept { return contains(members_, user); }

// ------------------------------------------------------------------------------------------------ access lists

Result<AccessList> make_access_list(const AccountSecrets& owner_secrets, const DocumentRef& document,
                                    std::uint32_t key_version, std::uint64_t revision, std::vector<UserId> members) {
  return sign_access_list(owner_secrets, document, key_version, revision, std::move(members));
}

Result<AccessList> add_members(const AccountSecrets& owner_secrets, const AccessList& current,
                               std::span<const UserId> added) {
  if (current.revision() == std::numeric_limits<std::uint64_t>::max()) return Error::invalid_argument;
  std::vector<UserId> members = current.members();
  members.insert(members.end(), added.begin(), added.end());
  return sign_access_list(owner_secrets, current.document(), current.key_version(), current.revision() + 1,
                          std::move(members));
}

Result<ContentKeyRotation> rotate_content_key(const AccountSecrets& owner_secrets, const AccessList& current,
                                              std::span<const UserId> removed, Rng& rng) {
  if (current.key_version() == std::numeric_limits<std::uint32_t>::max() ||
      current.revision() == std::numeric_limits<std::uint64_t>::max()) {
    return Error::invalid_argument;
  }
  std::vector<UserId> members;
  for (const auto& r : removed) {
    if (r == current.document().owner || !current.is_member(r)) return Error::invalid_argument;
  }
  for (const auto& m : current.members()) {
    if (std::find(removed.begin(), removed.end(), m) == removed.end()) members.push_back(m);
  }
  auto key = VersionedContentKey::generate(current.key_version() + 1, rng);
  if (!key) return key.error();
  auto access = sign_access_list(owner_secrets, current.document(), current.key_version() + 1,
                                 current.revision() + 1, std::move(members));
  if (!access) return access.error();
  return ContentKeyRotation{std::move(key).take(), std::move(access).take()};
}

Result<AccessList> open_access_list(std::span<const std::uint8_t> bytes, const TrustedIdentity& owner,
                                    const DocumentRef& expected, std::optional<AccessPin> pin) {
  COFFRE_TRY(init());
  if (!(owner.user == expected.owner)) return Error::invalid_argument;
  auto parsed = parse_access_list(bytes);
  if (!parsed) return parsed.error();
  ParsedAccess& p = parsed.value();
  if (!(p.document == expected)) return Error::wrong_context;
  if (p.generation != owner.generation) return Error::trust_mismatch;
  COFFRE_TRY(owner.identity_pk.verify(label::access_signature, p.signed_part, p.sig));
  if (pin && (p.revision < pin->revision || p.key_version < pin->key_version)) return Error::key_version_rollback;
  return AccessListAccess::make(p.document, p.generation, p.key_version, p.revision, std::move(p.members),
                                Bytes(bytes.begin(), bytes.end()));
}

// ------------------------------------------------------------------------------------------------------- wraps

Result<std::vector<std::uint8_t>> wrap_content_key(const UserId& sender, const AccountSecrets& sender_secrets,
                                                   const WrapRecipient& recipient, const AccessList& access,
                                                   const VersionedContentKey& key, Rng& rng) {
  auto header = wrap_template(sender, sender_secrets, access, key);
  if (!header) return header.error();
  COFFRE_TRY(check_recipient(recipient, access));
  SecretBytes eseed(kXWingEncapsulationSeedSize);
  if (!eseed.valid()) return Error::out_of_memory;
  rng.fill(eseed.reveal_mut());
  return wrap_to(header.value(), sender_secrets, recipient, key, eseed.reveal());
}

Result<std::vector<std::vector<std::uint8_t>>> wrap_content_key_to_many(
    const UserId& sender, const AccountSecrets& sender_secrets, std::span<const WrapRecipient> recipients,
    const AccessList& access, const VersionedContentKey& key, Rng& rng, unsigned threads) {
  auto header = wrap_template(sender, sender_secrets, access, key);
  if (!header) return header.error();
  for (const auto& r : recipients) COFFRE_TRY(check_recipient(r, access));  // before any randomness or work
  const std::size_t n = recipients.size();
  SecretBytes eseeds(kXWingEncapsulationSeedSize * n);
  if (n > 0 && !eseeds.valid()) return Error::out_of_memory;
  for (std::size_t i = 0; i < n; ++i)  // in recipient order, as one wrap_content_key after another would
    rng.fill(eseeds.reveal_mut().subspan(i * kXWingEncapsulationSeedSize, kXWingEncapsulationSeedSize));

  std::vector<Bytes> wraps(n);
  std::vector<Error> errors(n, Error::ok);
  parallel_for(n, threads, [&](std::size_t i) {
    auto w = wrap_to(header.value(), sender_secrets, recipients[i], key,
                     eseeds.reveal().subspan(i * kXWingEncapsulationSeedSize, kXWingEncapsulationSeedSize));
    if (w) wraps[i] = std::move(w).take();
    else errors[i] = w.error();
  });
  for (Error e : errors) COFFRE_TRY(e);
  return wraps;
}

Result<UserId> wrap_sender(std::span<const std::uint8_t> wrap) {
  auto h = parse_wrap_header(wrap);
  if (!h) return h.error();
  return h.value().sender;
}

Result<VersionedContentKey> open_content_wrap(std::span<const std::uint8_t> wrap, const UserId& me,
                                              const AccountSecrets& my_secrets, const AccessList& access,
                                              const TrustedIdentity& sender) {
  COFFRE_TRY(init());
  auto parsed = parse_wrap_header(wrap);
  if (!parsed) return parsed.error();
  const WrapHeader& h = parsed.value();
  if (!(h.document == access.document()) || h.key_version != access.key_version() || !(h.recipient == me))
    return Error::wrong_context;
  if (!access.is_member(h.sender) || !access.is_member(me)) return Error::not_a_member;
  if (!(sender.user == h.sender)) return Error::invalid_argument;
  if (h.sender_generation != sender.generation) return Error::trust_mismatch;
  const std::size_t signed_size = kContentWrapSize - kSig;
  COFFRE_TRY(sender.identity_pk.verify(label::wrap_signature, wrap.first(signed_size), wrap.subspan(signed_size)));
  return unseal_wrap(wrap, h, my_secrets);
}

// -------------------------------------------------------------------------------------------- re-encryption

Result<std::vector<std::uint8_t>> reencrypt_document(std::span<const std::uint8_t> envelope,
                                                     const VersionedContentKey& old_key, const Context& old_context,
                                                     const VersionedContentKey& current_key,
                                                     std::uint64_t new_revision, Rng& rng) {
  if (old_context.key_version != old_key.version || current_key.version <= old_key.version)
    return Error::invalid_argument;
  auto plaintext = open_document(old_key.key, old_context, envelope);
  if (!plaintext) return plaintext.error();
  const Context current{old_context.object_id, new_revision, current_key.version};
  auto sealed = seal_document(current_key.key, current, plaintext.value(), rng);
  sodium_memzero(plaintext.value().data(), plaintext.value().size());
  return sealed;
}

}  // namespace coffre
