// The C ABI of sharing (docs/SPEC.md section 16), the key directory and trust store (section 17) and Drive trees
// (section 18): the last part of bindings/c/include/coffre.h, over sharing.hpp, directory.hpp and drive.hpp.
// Same rules as coffre_c.cpp: nothing throws across the boundary, out-parameters are cleared first. Every entry point
// that computes burns the stack afterwards (guarded_secret, abi.hpp): nearly all of them handle keys.
#include <coffre.h>

#include "abi.hpp"

#include <sodium.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

struct coffre_directory_record {
  coffre::DirectoryRecord record;
};
struct coffre_trusted_contact {
  coffre::TrustedIdentity identity;
  std::optional<coffre::WrapRecipient> recipient;  // none: made from keys without a suite key (signatures only)
};
struct coffre_trust_store {
  coffre::TrustStore store;
};
struct coffre_access_list {
  coffre::AccessList list;
};
struct coffre_node_key {
  coffre::NodeKey key;
};
struct coffre_node {
  coffre::OpenedNode node;
};
struct coffre_folder_listing {
  std::vector<std::unique_ptr<coffre_node>> nodes;  // null once taken
};

namespace {

using namespace coffre_abi;
using coffre::Error;

// A 16-byte id (user, document, node) from a caller buffer: invalid_argument unless exactly 16 bytes.
template <class Id>
coffre::Result<Id> id_of(const std::uint8_t* p, std::size_t len) {
  if (p == nullptr) return Error::invalid_argument;
  return Id::from_bytes(bytes(p, len));
}

// n concatenated 16-byte user ids; invalid_argument for a NULL pointer with n > 0 or a length not a multiple of 16.
coffre::Result<std::vector<coffre::UserId>> user_ids(const std::uint8_t* p, std::size_t len) {
  if (!data_ok(p, len) || len % coffre::UserId::kSize != 0) return Error::invalid_argument;
  std::vector<coffre::UserId> out(len / coffre::UserId::kSize);
  for (std::size_t i = 0; i < out.size(); ++i) {
    std::memcpy(out[i].bytes.data(), p + i * coffre::UserId::kSize, coffre::UserId::kSize);
  }
  return out;
}

std::string_view text(const char* p, std::size_t len) { return len == 0 ? std::string_view{} : std::string_view{p, len}; }

bool purpose_valid(std::uint32_t purpose) {
  return purpose >= COFFRE_PURPOSE_DOCUMENT && purpose <= COFFRE_PURPOSE_DRIVE_NODE;
}

// The safety number as text into a caller buffer of at least COFFRE_SAFETY_NUMBER_BYTES.
int put_number(const coffre::Result<coffre::SafetyNumber>& number, char* out, std::size_t cap) {
  if (!number) return status(number.error());
  const std::string s = number.value().to_string();
  if (s.size() + 1 > cap) return COFFRE_E_INVALID_ARGUMENT;
  std::memcpy(out, s.data(), s.size());
  out[s.size()] = '\0';
  return COFFRE_OK;
}

void clear_text(char* out, std::size_t cap) {
  if (out != nullptr && cap > 0) out[0] = '\0';
}

// A content key handle with the version the caller states (the C handle has none).
coffre::Result<coffre::VersionedContentKey> versioned(const coffre_key& key, std::uint32_t version) {
  auto secret = key.key.secret().reveal();
  return coffre::VersionedContentKey::from_bytes(version, secret);
}

int give_string(const std::string& s, std::uint8_t** out, std::size_t* out_len) {
  return give_buffer(bytes(reinterpret_cast<const std::uint8_t*>(s.data()), s.size()), out, out_len);
}

}  // namespace

extern "C" {

size_t coffre_document_id_bytes(void) { return coffre::DocumentId::kSize; }
size_t coffre_content_wrap_bytes(void) { return coffre::kContentWrapSize; }
size_t coffre_access_list_base_bytes(void) { return coffre::kAccessListBaseSize; }
size_t coffre_access_list_max_members(void) { return coffre::kAccessListMaxMembers; }
size_t coffre_directory_record_bytes(void) { return coffre::DirectoryRecord::kSize; }
size_t coffre_safety_number_digits(void) { return coffre::SafetyNumber::kDigits; }
size_t coffre_safety_number_bytes(void) { return COFFRE_SAFETY_NUMBER_BYTES; }
size_t coffre_node_id_bytes(void) { return coffre::NodeId::kSize; }
size_t coffre_node_key_bytes(void) { return coffre::NodeKey::kSize; }
size_t coffre_name_hash_bytes(void) { return coffre::NameHash::kSize; }
size_t coffre_node_name_max_bytes(void) { return coffre::kNodeNameMaxSize; }
size_t coffre_media_type_max_bytes(void) { return coffre::kMediaTypeMaxSize; }
size_t coffre_node_record_min_bytes(void) { return coffre::kNodeRecordMinSize; }
size_t coffre_node_record_max_bytes(void) { return coffre::kNodeRecordMaxSize; }
size_t coffre_drive_object_id_bytes(void) { return COFFRE_DRIVE_OBJECT_ID_BYTES; }

// ---------------------------------------------------------------------------------------------------------------
// Account secrets

int coffre_account_secrets_from_seeds(const uint8_t* identity_seed, size_t identity_seed_len, uint32_t generation,
                                      const uint8_t* suite_seeds, size_t suite_seeds_len,
                                      coffre_account_secrets** out) {
  clear_out(out);
  constexpr std::size_t kSeed = coffre::XWingSecretKey::kSize;
  if (out == nullptr || identity_seed == nullptr || !data_ok(suite_seeds, suite_seeds_len) ||
      suite_seeds_len % kSeed != 0) {
    return COFFRE_E_INVALID_ARGUMENT;
  }
  return guarded_secret([&] {
    auto identity = coffre::SigningKey::from_seed(bytes(identity_seed, identity_seed_len));
    if (!identity) return status(identity.error());
    std::vector<coffre::SuiteSecretKey> suites;
    for (std::size_t i = 0; i < suite_seeds_len / kSeed; ++i) {
      auto key = coffre::XWingSecretKey::from_bytes(bytes(suite_seeds + i * kSeed, kSeed));
      if (!key) return status(key.error());
      suites.push_back({static_cast<std::uint32_t>(i + 1), std::move(key).take()});
    }
    return give_handle(coffre::AccountSecrets::create(std::move(identity).take(), generation, std::move(suites)), out);
  });
}

int coffre_account_secrets_generate(coffre_account_secrets** out) {
  clear_out(out);
  if (out == nullptr) return COFFRE_E_INVALID_ARGUMENT;
  return guarded_secret([&] { return give_handle(coffre::AccountSecrets::generate(coffre::system_rng()), out); });
}

// ---------------------------------------------------------------------------------------------------------------
// Directory records

int coffre_directory_record_make(const uint8_t* user_id, size_t user_id_len, const coffre_account_secrets* secrets,
                                 uint64_t created, const coffre_account_secrets* previous,
                                 coffre_directory_record** out) {
  clear_out(out);
  if (out == nullptr || secrets == nullptr) return COFFRE_E_INVALID_ARGUMENT;
  return guarded_secret([&] {
    auto user = id_of<coffre::UserId>(user_id, user_id_len);
    if (!user) return status(user.error());
    return give_handle(previous != nullptr
                           ? coffre::make_directory_record(user.value(), secrets->secrets, created, previous->secrets)
                           : coffre::make_directory_record(user.value(), secrets->secrets, created),
                       out);
  });
}

int coffre_directory_record_verify(const uint8_t* b, size_t len, coffre_directory_record** out) {
  clear_out(out);
  if (out == nullptr || !data_ok(b, len)) return COFFRE_E_INVALID_ARGUMENT;
  return guarded_secret([&] { return give_handle(coffre::verify_record(bytes(b, len)), out); });
}

int coffre_directory_record_check_log(const coffre_directory_record* r, const coffre_log* log) {
  if (r == nullptr || log == nullptr) return COFFRE_E_INVALID_ARGUMENT;
  return guarded([&] { return status(coffre::check_record_against_log(r->record, log->log)); });
}

int coffre_directory_record_export(const coffre_directory_record* r, uint8_t* out, size_t out_len) {
  if (r == nullptr) return COFFRE_E_INVALID_ARGUMENT;
  return put_fixed(r->record.bytes(), out, out_len);
}

int coffre_directory_record_user_id(const coffre_directory_record* r, uint8_t* out, size_t out_len) {
  if (r == nullptr) return COFFRE_E_INVALID_ARGUMENT;
  return put_fixed(r->record.user().bytes, out, out_len);
}

uint32_t coffre_directory_record_identity_generation(const coffre_directory_record* r) {
  return r == nullptr ? 0 : r->record.identity_generation();
}

int coffre_directory_record_identity_public_key(const coffre_directory_record* r, uint8_t* out, size_t out_len) {
  if (r == nullptr) return COFFRE_E_INVALID_ARGUMENT;
  return put_fixed(r->record.identity_pk().bytes(), out, out_len);
}

uint32_t coffre_directory_record_suite_version(const coffre_directory_record* r) {
  return r == nullptr ? 0 : r->record.suite_version();
}

int coffre_directory_record_suite_public_key(const coffre_directory_record* r, uint8_t* out, size_t out_len) {
  if (r == nullptr) return COFFRE_E_INVALID_ARGUMENT;
  return put_fixed(r->record.suite_pk().bytes(), out, out_len);
}

uint64_t coffre_directory_record_created(const coffre_directory_record* r) {
  return r == nullptr ? 0 : r->record.created();
}

int coffre_directory_record_previous_identity_public_key(const coffre_directory_record* r, uint8_t* out,
                                                         size_t out_len) {
  if (r == nullptr) return COFFRE_E_INVALID_ARGUMENT;
  if (!r->record.previous_identity_pk()) return COFFRE_E_NOT_FOUND;
  return put_fixed(r->record.previous_identity_pk()->bytes(), out, out_len);
}

int coffre_safety_number_of_records(const coffre_directory_record* a, const coffre_directory_record* b, char* out,
                                    size_t out_cap) {
  clear_text(out, out_cap);
  if (a == nullptr || b == nullptr || out == nullptr) return COFFRE_E_INVALID_ARGUMENT;
  return guarded_secret([&] { return put_number(coffre::safety_number(a->record.identity(), b->record.identity()), out, out_cap); });
}

void coffre_directory_record_free(coffre_directory_record* r) { delete r; }

// ---------------------------------------------------------------------------------------------------------------
// Trusted contacts and the trust store

int coffre_trusted_contact_self(const uint8_t* user_id, size_t user_id_len, const coffre_account_secrets* secrets,
                                coffre_trusted_contact** out) {
  clear_out(out);
  if (out == nullptr || secrets == nullptr) return COFFRE_E_INVALID_ARGUMENT;
  return guarded_secret([&] {
    auto user = id_of<coffre::UserId>(user_id, user_id_len);
    if (!user) return status(user.error());
    auto recipient = coffre::WrapRecipient::of(user.value(), secrets->secrets);
    if (!recipient) return status(recipient.error());
    *out = new coffre_trusted_contact{coffre::TrustedIdentity::of(user.value(), secrets->secrets),
                                      std::move(recipient).take()};
    return COFFRE_OK;
  });
}

int coffre_trusted_contact_from_keys(const uint8_t* user_id, size_t user_id_len, const uint8_t* identity_pk,
                                     size_t identity_pk_len, uint32_t generation, uint32_t suite_version,
                                     const uint8_t* suite_pk, size_t suite_pk_len, coffre_trusted_contact** out) {
  clear_out(out);
  const bool with_suite = suite_pk_len != 0;
  if (out == nullptr || identity_pk == nullptr || generation == 0 || !data_ok(suite_pk, suite_pk_len) ||
      with_suite != (suite_version != 0)) {
    return COFFRE_E_INVALID_ARGUMENT;
  }
  return guarded_secret([&] {
    auto user = id_of<coffre::UserId>(user_id, user_id_len);
    if (!user) return status(user.error());
    auto identity = coffre::VerifyKey::from_bytes(bytes(identity_pk, identity_pk_len));
    if (!identity) return status(identity.error());
    std::optional<coffre::WrapRecipient> recipient;
    if (with_suite) {
      auto pk = coffre::XWingPublicKey::from_bytes(bytes(suite_pk, suite_pk_len));
      if (!pk) return status(pk.error());
      recipient = coffre::WrapRecipient{user.value(), suite_version, pk.value()};
    }
    *out = new coffre_trusted_contact{{user.value(), identity.value(), generation}, std::move(recipient)};
    return COFFRE_OK;
  });
}

int coffre_trusted_contact_identity_public_key(const coffre_trusted_contact* c, uint8_t* out, size_t out_len) {
  if (c == nullptr) return COFFRE_E_INVALID_ARGUMENT;
  return put_fixed(c->identity.identity_pk.bytes(), out, out_len);
}

int coffre_trusted_contact_suite_public_key(const coffre_trusted_contact* c, uint8_t* out, size_t out_len) {
  if (c == nullptr) return COFFRE_E_INVALID_ARGUMENT;
  if (!c->recipient) return COFFRE_E_NOT_FOUND;
  return put_fixed(c->recipient->suite_pk.bytes(), out, out_len);
}

int coffre_safety_number(const coffre_trusted_contact* a, const coffre_trusted_contact* b, char* out,
                         size_t out_cap) {
  clear_text(out, out_cap);
  if (a == nullptr || b == nullptr || out == nullptr) return COFFRE_E_INVALID_ARGUMENT;
  return guarded_secret(
      [&] { return put_number(coffre::safety_number(a->identity, b->identity), out, out_cap); });
}

int coffre_safety_number_check(const coffre_trusted_contact* a, const coffre_trusted_contact* b, const char* typed,
                               size_t typed_len) {
  if (a == nullptr || b == nullptr || !data_ok(typed, typed_len)) return COFFRE_E_INVALID_ARGUMENT;
  return guarded_secret([&] {
    auto number = coffre::safety_number(a->identity, b->identity);
    if (!number) return status(number.error());
    auto parsed = coffre::SafetyNumber::parse(text(typed, typed_len));
    if (!parsed) return status(parsed.error());
    return parsed.value() == number.value() ? COFFRE_OK : COFFRE_E_TRUST_MISMATCH;
  });
}

int coffre_trusted_contact_user_id(const coffre_trusted_contact* c, uint8_t* out, size_t out_len) {
  if (c == nullptr) return COFFRE_E_INVALID_ARGUMENT;
  return put_fixed(c->identity.user.bytes, out, out_len);
}

uint32_t coffre_trusted_contact_identity_generation(const coffre_trusted_contact* c) {
  return c == nullptr ? 0 : c->identity.generation;
}

uint32_t coffre_trusted_contact_suite_version(const coffre_trusted_contact* c) {
  return c == nullptr || !c->recipient ? 0 : c->recipient->suite_version;
}

void coffre_trusted_contact_free(coffre_trusted_contact* c) { delete c; }

int coffre_trust_store_new(coffre_trust_store** out) {
  clear_out(out);
  if (out == nullptr) return COFFRE_E_INVALID_ARGUMENT;
  return guarded_secret([&] {
    *out = new coffre_trust_store{};
    return COFFRE_OK;
  });
}

int coffre_trust_store_parse(const uint8_t* b, size_t len, coffre_trust_store** out) {
  clear_out(out);
  if (out == nullptr || !data_ok(b, len)) return COFFRE_E_INVALID_ARGUMENT;
  return guarded_secret([&] { return give_handle(coffre::TrustStore::parse(bytes(b, len)), out); });
}

int coffre_trust_store_encode(const coffre_trust_store* store, uint8_t** out, size_t* out_len) {
  if (!buffer_out_ok(out, out_len) || store == nullptr) return COFFRE_E_INVALID_ARGUMENT;
  return guarded_secret([&] { return give_buffer(store->store.encode(), out, out_len); });
}

int coffre_trust_store_observe(coffre_trust_store* store, const coffre_directory_record* record,
                               uint32_t* observation) {
  if (observation != nullptr) *observation = 0;
  if (store == nullptr || record == nullptr || observation == nullptr) return COFFRE_E_INVALID_ARGUMENT;
  return guarded_secret([&] {
    auto r = store->store.observe(record->record);
    if (!r) return status(r.error());
    *observation = static_cast<std::uint32_t>(r.value());
    return COFFRE_OK;
  });
}

int coffre_trust_store_check_sharable(const coffre_trust_store* store, const uint8_t* user_id, size_t user_id_len,
                                      coffre_trusted_contact** out) {
  clear_out(out);
  if (store == nullptr || out == nullptr) return COFFRE_E_INVALID_ARGUMENT;
  return guarded_secret([&] {
    auto user = id_of<coffre::UserId>(user_id, user_id_len);
    if (!user) return status(user.error());
    auto contact = store->store.check_sharable(user.value());
    if (!contact) return status(contact.error());
    *out = new coffre_trusted_contact{contact.value().identity, contact.value().recipient};
    return COFFRE_OK;
  });
}

int coffre_trust_store_safety_number(const coffre_trust_store* store, const uint8_t* user_id, size_t user_id_len,
                                     const coffre_trusted_contact* me, char* out, size_t out_cap) {
  clear_text(out, out_cap);
  if (store == nullptr || me == nullptr || out == nullptr) return COFFRE_E_INVALID_ARGUMENT;
  return guarded_secret([&] {
    auto user = id_of<coffre::UserId>(user_id, user_id_len);
    if (!user) return status(user.error());
    return put_number(store->store.safety_number(user.value(), me->identity), out, out_cap);
  });
}

int coffre_trust_store_verify(coffre_trust_store* store, const uint8_t* user_id, size_t user_id_len,
                              const char* typed, size_t typed_len, const coffre_trusted_contact* me) {
  if (store == nullptr || me == nullptr || !data_ok(typed, typed_len)) return COFFRE_E_INVALID_ARGUMENT;
  return guarded_secret([&] {
    auto user = id_of<coffre::UserId>(user_id, user_id_len);
    if (!user) return status(user.error());
    auto number = coffre::SafetyNumber::parse(text(typed, typed_len));
    if (!number) return status(number.error());
    return status(store->store.verify(user.value(), number.value(), me->identity));
  });
}

int coffre_trust_store_refuse(coffre_trust_store* store, const uint8_t* user_id, size_t user_id_len) {
  if (store == nullptr) return COFFRE_E_INVALID_ARGUMENT;
  return guarded_secret([&] {
    auto user = id_of<coffre::UserId>(user_id, user_id_len);
    if (!user) return status(user.error());
    return status(store->store.refuse(user.value()));
  });
}

size_t coffre_trust_store_count(const coffre_trust_store* store) {
  return store == nullptr ? 0 : store->store.contacts().size();
}

}  // extern "C"

namespace {

const coffre::ContactTrust* contact_at(const coffre_trust_store* store, std::size_t index) {
  if (store == nullptr || index >= store->store.contacts().size()) return nullptr;
  return &std::next(store->store.contacts().begin(), static_cast<std::ptrdiff_t>(index))->second;
}

}  // namespace

extern "C" {

int coffre_trust_store_contact(const coffre_trust_store* store, size_t index, uint8_t* user_id, size_t user_id_len,
                               uint32_t* state, int* has_pending) {
  const coffre::ContactTrust* c = contact_at(store, index);
  if (c == nullptr || state == nullptr || has_pending == nullptr) return COFFRE_E_INVALID_ARGUMENT;
  if (int s = put_fixed(c->pinned.user().bytes, user_id, user_id_len)) return s;
  *state = static_cast<std::uint32_t>(c->state);
  *has_pending = c->pending ? 1 : 0;
  return COFFRE_OK;
}

int coffre_trust_store_pinned_record(const coffre_trust_store* store, size_t index, coffre_directory_record** out) {
  clear_out(out);
  const coffre::ContactTrust* c = contact_at(store, index);
  if (c == nullptr || out == nullptr) return COFFRE_E_INVALID_ARGUMENT;
  return guarded_secret([&] {
    *out = new coffre_directory_record{c->pinned};
    return COFFRE_OK;
  });
}

int coffre_trust_store_pending_record(const coffre_trust_store* store, size_t index, coffre_directory_record** out) {
  clear_out(out);
  const coffre::ContactTrust* c = contact_at(store, index);
  if (c == nullptr || out == nullptr) return COFFRE_E_INVALID_ARGUMENT;
  if (!c->pending) return COFFRE_E_NOT_FOUND;
  return guarded_secret([&] {
    *out = new coffre_directory_record{*c->pending};
    return COFFRE_OK;
  });
}

void coffre_trust_store_free(coffre_trust_store* store) { delete store; }

// ---------------------------------------------------------------------------------------------------------------
// Access lists

int coffre_access_list_make(const uint8_t* owner_user_id, size_t owner_user_id_len,
                            const coffre_account_secrets* owner_secrets, const uint8_t* document_id,
                            size_t document_id_len, uint32_t purpose, uint32_t key_version, uint64_t revision,
                            const uint8_t* members, size_t members_len, coffre_access_list** out) {
  clear_out(out);
  if (out == nullptr || owner_secrets == nullptr || !purpose_valid(purpose)) return COFFRE_E_INVALID_ARGUMENT;
  return guarded_secret([&] {
    auto owner = id_of<coffre::UserId>(owner_user_id, owner_user_id_len);
    auto doc = id_of<coffre::DocumentId>(document_id, document_id_len);
    auto list = user_ids(members, members_len);
    if (!owner || !doc || !list) return COFFRE_E_INVALID_ARGUMENT;
    const coffre::DocumentRef ref{owner.value(), doc.value(), static_cast<coffre::Purpose>(purpose)};
    return give_handle(
        coffre::make_access_list(owner_secrets->secrets, ref, key_version, revision, std::move(list).take()), out);
  });
}

int coffre_access_list_add_members(const coffre_account_secrets* owner_secrets, const coffre_access_list* current,
                                   const uint8_t* added, size_t added_len, coffre_access_list** out) {
  clear_out(out);
  if (out == nullptr || owner_secrets == nullptr || current == nullptr) return COFFRE_E_INVALID_ARGUMENT;
  return guarded_secret([&] {
    auto list = user_ids(added, added_len);
    if (!list) return status(list.error());
    return give_handle(coffre::add_members(owner_secrets->secrets, current->list, list.value()), out);
  });
}

int coffre_access_list_rotate(const coffre_account_secrets* owner_secrets, const coffre_access_list* current,
                              const uint8_t* removed, size_t removed_len, coffre_key** out_key,
                              coffre_access_list** out_list) {
  clear_out(out_key);
  clear_out(out_list);
  if (out_key == nullptr || out_list == nullptr || owner_secrets == nullptr || current == nullptr) {
    return COFFRE_E_INVALID_ARGUMENT;
  }
  return guarded_secret([&] {
    auto list = user_ids(removed, removed_len);
    if (!list) return status(list.error());
    auto r = coffre::rotate_content_key(owner_secrets->secrets, current->list, list.value(), coffre::system_rng());
    if (!r) return status(r.error());
    auto key = std::make_unique<coffre_key>(coffre_key{std::move(r.value().key.key)});
    *out_list = new coffre_access_list{std::move(r.value().access)};
    *out_key = key.release();
    return COFFRE_OK;
  });
}

int coffre_access_list_open(const uint8_t* b, size_t len, const coffre_trusted_contact* owner,
                            const uint8_t* document_id, size_t document_id_len, uint32_t purpose, int has_pin,
                            uint64_t pin_revision, uint32_t pin_key_version, coffre_access_list** out) {
  clear_out(out);
  if (out == nullptr || owner == nullptr || !data_ok(b, len) || !purpose_valid(purpose)) {
    return COFFRE_E_INVALID_ARGUMENT;
  }
  return guarded_secret([&] {
    auto doc = id_of<coffre::DocumentId>(document_id, document_id_len);
    if (!doc) return status(doc.error());
    const coffre::TrustedIdentity& identity = owner->identity;
    const coffre::DocumentRef ref{identity.user, doc.value(), static_cast<coffre::Purpose>(purpose)};
    std::optional<coffre::AccessPin> pin;
    if (has_pin != 0) pin = coffre::AccessPin{pin_revision, pin_key_version};
    return give_handle(coffre::open_access_list(bytes(b, len), identity, ref, pin), out);
  });
}

int coffre_access_list_bytes(const coffre_access_list* list, uint8_t** out, size_t* out_len) {
  if (!buffer_out_ok(out, out_len) || list == nullptr) return COFFRE_E_INVALID_ARGUMENT;
  return give_buffer(list->list.bytes(), out, out_len);
}

int coffre_access_list_owner_user_id(const coffre_access_list* list, uint8_t* out, size_t out_len) {
  if (list == nullptr) return COFFRE_E_INVALID_ARGUMENT;
  return put_fixed(list->list.document().owner.bytes, out, out_len);
}

int coffre_access_list_document_id(const coffre_access_list* list, uint8_t* out, size_t out_len) {
  if (list == nullptr) return COFFRE_E_INVALID_ARGUMENT;
  return put_fixed(list->list.document().id.bytes, out, out_len);
}

uint32_t coffre_access_list_purpose(const coffre_access_list* list) {
  return list == nullptr ? 0 : static_cast<std::uint32_t>(list->list.document().purpose);
}

uint32_t coffre_access_list_owner_identity_generation(const coffre_access_list* list) {
  return list == nullptr ? 0 : list->list.owner_identity_generation();
}

uint32_t coffre_access_list_key_version(const coffre_access_list* list) {
  return list == nullptr ? 0 : list->list.key_version();
}

uint64_t coffre_access_list_revision(const coffre_access_list* list) {
  return list == nullptr ? 0 : list->list.revision();
}

size_t coffre_access_list_member_count(const coffre_access_list* list) {
  return list == nullptr ? 0 : list->list.members().size();
}

int coffre_access_list_member(const coffre_access_list* list, size_t index, uint8_t* out, size_t out_len) {
  if (list == nullptr || index >= list->list.members().size()) return COFFRE_E_INVALID_ARGUMENT;
  return put_fixed(list->list.members()[index].bytes, out, out_len);
}

int coffre_access_list_is_member(const coffre_access_list* list, const uint8_t* user_id, size_t user_id_len) {
  if (list == nullptr) return 0;
  auto user = id_of<coffre::UserId>(user_id, user_id_len);
  return user && list->list.is_member(user.value()) ? 1 : 0;
}

void coffre_access_list_free(coffre_access_list* list) { delete list; }

// ---------------------------------------------------------------------------------------------------------------
// Wraps

int coffre_wrap_content_key(const uint8_t* sender_user_id, size_t sender_user_id_len,
                            const coffre_account_secrets* sender_secrets, const coffre_trusted_contact* recipient,
                            const coffre_access_list* access, const coffre_key* key, uint8_t* out, size_t out_len) {
  if (sender_secrets == nullptr || recipient == nullptr || access == nullptr || key == nullptr || out == nullptr ||
      out_len != coffre::kContentWrapSize) {
    return COFFRE_E_INVALID_ARGUMENT;
  }
  if (!recipient->recipient) return COFFRE_E_INVALID_ARGUMENT;
  return guarded_secret([&] {
    auto sender = id_of<coffre::UserId>(sender_user_id, sender_user_id_len);
    if (!sender) return status(sender.error());
    auto k = versioned(*key, access->list.key_version());
    if (!k) return status(k.error());
    auto wrap = coffre::wrap_content_key(sender.value(), sender_secrets->secrets, *recipient->recipient,
                                         access->list, k.value(), coffre::system_rng());
    if (!wrap) return status(wrap.error());
    return put_fixed(wrap.value(), out, out_len);
  });
}

int coffre_wrap_content_key_to_many(const uint8_t* sender_user_id, size_t sender_user_id_len,
                                    const coffre_account_secrets* sender_secrets,
                                    const coffre_trusted_contact* const* recipients, size_t recipient_count,
                                    const coffre_access_list* access, const coffre_key* key, uint32_t threads,
                                    uint8_t** out, size_t* out_len) {
  if (!buffer_out_ok(out, out_len) || sender_secrets == nullptr || access == nullptr || key == nullptr ||
      !data_ok(recipients, recipient_count)) {
    return COFFRE_E_INVALID_ARGUMENT;
  }
  return guarded_secret([&] {
    auto sender = id_of<coffre::UserId>(sender_user_id, sender_user_id_len);
    if (!sender) return status(sender.error());
    std::vector<coffre::WrapRecipient> to;
    to.reserve(recipient_count);
    for (std::size_t i = 0; i < recipient_count; ++i) {
      if (recipients[i] == nullptr || !recipients[i]->recipient) return COFFRE_E_INVALID_ARGUMENT;
      to.push_back(*recipients[i]->recipient);
    }
    auto k = versioned(*key, access->list.key_version());
    if (!k) return status(k.error());
    auto wraps = coffre::wrap_content_key_to_many(sender.value(), sender_secrets->secrets, to, access->list,
                                                  k.value(), coffre::system_rng(), threads);
    if (!wraps) return status(wraps.error());
    std::vector<std::uint8_t> all;
    all.reserve(wraps.value().size() * coffre::kContentWrapSize);
    for (const auto& w : wraps.value()) all.insert(all.end(), w.begin(), w.end());
    return give_buffer(all, out, out_len);
  });
}

int coffre_wrap_sender(const uint8_t* wrap, size_t wrap_len, uint8_t* out, size_t out_len) {
  if (!data_ok(wrap, wrap_len) || out == nullptr) return COFFRE_E_INVALID_ARGUMENT;
  return guarded_secret([&] {
    auto sender = coffre::wrap_sender(bytes(wrap, wrap_len));
    if (!sender) return status(sender.error());
    return put_fixed(sender.value().bytes, out, out_len);
  });
}

int coffre_wrap_open(const uint8_t* wrap, size_t wrap_len, const uint8_t* me_user_id, size_t me_user_id_len,
                     const coffre_account_secrets* my_secrets, const coffre_access_list* access,
                     const coffre_trusted_contact* sender, coffre_key** out, uint32_t* key_version) {
  clear_out(out);
  if (key_version != nullptr) *key_version = 0;
  if (out == nullptr || key_version == nullptr || my_secrets == nullptr || access == nullptr || sender == nullptr ||
      !data_ok(wrap, wrap_len)) {
    return COFFRE_E_INVALID_ARGUMENT;
  }
  return guarded_secret([&] {
    auto me = id_of<coffre::UserId>(me_user_id, me_user_id_len);
    if (!me) return status(me.error());
    auto key = coffre::open_content_wrap(bytes(wrap, wrap_len), me.value(), my_secrets->secrets, access->list,
                                         sender->identity);
    if (!key) return status(key.error());
    *out = new coffre_key{std::move(key.value().key)};
    *key_version = key.value().version;
    return COFFRE_OK;
  });
}

int coffre_reencrypt_document(const uint8_t* envelope, size_t envelope_len, const coffre_key* old_key,
                              const char* object_id, size_t object_id_len, uint64_t old_revision,
                              uint32_t old_key_version, const coffre_key* current_key, uint32_t current_key_version,
                              uint64_t new_revision, uint8_t** out, size_t* out_len) {
  if (!buffer_out_ok(out, out_len) || old_key == nullptr || current_key == nullptr ||
      !data_ok(envelope, envelope_len) || !data_ok(object_id, object_id_len) ||
      object_id_len > coffre::Context::kMaxObjectId) {
    return COFFRE_E_INVALID_ARGUMENT;
  }
  return guarded_secret([&] {
    const coffre::Context ctx{std::string(text(object_id, object_id_len)), old_revision, old_key_version};
    auto old_k = versioned(*old_key, old_key_version);
    auto cur_k = versioned(*current_key, current_key_version);
    if (!old_k || !cur_k) return COFFRE_E_INVALID_ARGUMENT;
    auto r = coffre::reencrypt_document(bytes(envelope, envelope_len), old_k.value(), ctx, cur_k.value(),
                                        new_revision, coffre::system_rng());
    if (!r) return status(r.error());
    return give_buffer(r.value(), out, out_len);
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Drive

int coffre_node_key_generate(coffre_node_key** out) {
  clear_out(out);
  if (out == nullptr) return COFFRE_E_INVALID_ARGUMENT;
  return guarded_secret([&] { return give_handle(coffre::NodeKey::generate(coffre::system_rng()), out); });
}

int coffre_node_key_from_bytes(const uint8_t* b, size_t len, coffre_node_key** out) {
  clear_out(out);
  if (out == nullptr || b == nullptr) return COFFRE_E_INVALID_ARGUMENT;
  return guarded_secret([&] { return give_handle(coffre::NodeKey::from_bytes(bytes(b, len)), out); });
}

int coffre_node_key_from_content_key(const coffre_key* key, coffre_node_key** out) {
  clear_out(out);
  if (out == nullptr || key == nullptr) return COFFRE_E_INVALID_ARGUMENT;
  return guarded_secret([&] { return give_handle(coffre::NodeKey::from_content_key(key->key), out); });
}

int coffre_node_key_to_content_key(const coffre_node_key* key, coffre_key** out) {
  clear_out(out);
  if (out == nullptr || key == nullptr) return COFFRE_E_INVALID_ARGUMENT;
  return guarded_secret([&] { return give_handle(key->key.to_content_key(), out); });
}

void coffre_node_key_free(coffre_node_key* key) { delete key; }

int coffre_node_record_make(const uint8_t* parent_id, size_t parent_id_len, const coffre_node_key* parent_key,
                            uint32_t kind, const uint8_t* node_id, size_t node_id_len, const coffre_node_key* node_key,
                            const char* name, size_t name_len, uint64_t size, uint64_t revision,
                            const char* media_type, size_t media_type_len, uint64_t created, uint64_t modified,
                            uint8_t** out, size_t* out_len) {
  if (!buffer_out_ok(out, out_len) || parent_key == nullptr || node_key == nullptr || !data_ok(name, name_len) ||
      !data_ok(media_type, media_type_len) || (kind != COFFRE_NODE_FOLDER && kind != COFFRE_NODE_FILE) ||
      name_len > coffre::kNodeNameMaxSize || media_type_len > coffre::kMediaTypeMaxSize) {
    return COFFRE_E_INVALID_ARGUMENT;
  }
  return guarded_secret([&] {
    auto parent = id_of<coffre::NodeId>(parent_id, parent_id_len);
    auto node = id_of<coffre::NodeId>(node_id, node_id_len);
    if (!parent || !node) return COFFRE_E_INVALID_ARGUMENT;
    const coffre::NodeMeta meta{std::string(text(name, name_len)), size, revision,
                                std::string(text(media_type, media_type_len)), created, modified};
    auto r = coffre::make_node_record(parent.value(), parent_key->key, static_cast<coffre::NodeKind>(kind),
                                      node.value(), node_key->key, meta, coffre::system_rng());
    if (!r) return status(r.error());
    return give_buffer(r.value(), out, out_len);
  });
}

int coffre_node_record_open(const uint8_t* parent_id, size_t parent_id_len, const coffre_node_key* parent_key,
                            const uint8_t* record, size_t record_len, coffre_node** out) {
  clear_out(out);
  if (out == nullptr || parent_key == nullptr || !data_ok(record, record_len)) return COFFRE_E_INVALID_ARGUMENT;
  return guarded_secret([&] {
    auto parent = id_of<coffre::NodeId>(parent_id, parent_id_len);
    if (!parent) return status(parent.error());
    return give_handle(coffre::open_node_record(parent.value(), parent_key->key, bytes(record, record_len)), out);
  });
}

int coffre_node_record_move(const coffre_node* node, const uint8_t* new_parent_id, size_t new_parent_id_len,
                            const coffre_node_key* new_parent_key, const char* new_name, size_t new_name_len,
                            uint8_t** out, size_t* out_len) {
  if (!buffer_out_ok(out, out_len) || node == nullptr || new_parent_key == nullptr ||
      !data_ok(new_name, new_name_len) || new_name_len > coffre::kNodeNameMaxSize) {
    return COFFRE_E_INVALID_ARGUMENT;
  }
  return guarded_secret([&] {
    auto parent = id_of<coffre::NodeId>(new_parent_id, new_parent_id_len);
    if (!parent) return status(parent.error());
    auto r = coffre::move_node_record(node->node, parent.value(), new_parent_key->key, text(new_name, new_name_len),
                                      coffre::system_rng());
    if (!r) return status(r.error());
    return give_buffer(r.value(), out, out_len);
  });
}

int coffre_node_id(const coffre_node* node, uint8_t* out, size_t out_len) {
  if (node == nullptr) return COFFRE_E_INVALID_ARGUMENT;
  return put_fixed(node->node.id.bytes, out, out_len);
}

int coffre_node_parent_id(const coffre_node* node, uint8_t* out, size_t out_len) {
  if (node == nullptr) return COFFRE_E_INVALID_ARGUMENT;
  return put_fixed(node->node.parent.bytes, out, out_len);
}

uint32_t coffre_node_kind(const coffre_node* node) {
  return node == nullptr ? 0 : static_cast<std::uint32_t>(node->node.kind);
}

int coffre_node_name_hash(const coffre_node* node, uint8_t* out, size_t out_len) {
  if (node == nullptr) return COFFRE_E_INVALID_ARGUMENT;
  return put_fixed(node->node.name_hash.bytes, out, out_len);
}

int coffre_node_name(const coffre_node* node, uint8_t** out, size_t* out_len) {
  if (!buffer_out_ok(out, out_len) || node == nullptr) return COFFRE_E_INVALID_ARGUMENT;
  return guarded_secret([&] { return give_string(node->node.meta.name, out, out_len); });
}

int coffre_node_media_type(const coffre_node* node, uint8_t** out, size_t* out_len) {
  if (!buffer_out_ok(out, out_len) || node == nullptr) return COFFRE_E_INVALID_ARGUMENT;
  return guarded_secret([&] { return give_string(node->node.meta.media_type, out, out_len); });
}

uint64_t coffre_node_size(const coffre_node* node) { return node == nullptr ? 0 : node->node.meta.size; }
uint64_t coffre_node_revision(const coffre_node* node) { return node == nullptr ? 0 : node->node.meta.revision; }
uint64_t coffre_node_created(const coffre_node* node) { return node == nullptr ? 0 : node->node.meta.created; }
uint64_t coffre_node_modified(const coffre_node* node) { return node == nullptr ? 0 : node->node.meta.modified; }

int coffre_node_key_of(const coffre_node* node, coffre_node_key** out) {
  clear_out(out);
  if (node == nullptr || out == nullptr) return COFFRE_E_INVALID_ARGUMENT;
  return guarded_secret([&] { return give_handle(node->node.key.copy(), out); });
}

void coffre_node_free(coffre_node* node) { delete node; }

int coffre_folder_list(const uint8_t* parent_id, size_t parent_id_len, const coffre_node_key* parent_key,
                       const uint8_t* records, size_t records_len, uint32_t threads, coffre_folder_listing** out) {
  clear_out(out);
  if (out == nullptr || parent_key == nullptr || !data_ok(records, records_len)) return COFFRE_E_INVALID_ARGUMENT;
  return guarded_secret([&] {
    auto parent = id_of<coffre::NodeId>(parent_id, parent_id_len);
    if (!parent) return status(parent.error());
    std::vector<std::vector<std::uint8_t>> split;
    if (!split_frames(records, records_len, split)) return COFFRE_E_INVALID_ARGUMENT;
    auto nodes = coffre::list_folder(parent.value(), parent_key->key,
                                     std::span<const std::vector<std::uint8_t>>(split), threads);
    if (!nodes) return status(nodes.error());
    auto listing = std::make_unique<coffre_folder_listing>();
    listing->nodes.reserve(nodes.value().size());
    for (auto& n : nodes.value()) listing->nodes.push_back(std::make_unique<coffre_node>(coffre_node{std::move(n)}));
    *out = listing.release();
    return COFFRE_OK;
  });
}

size_t coffre_folder_listing_count(const coffre_folder_listing* listing) {
  return listing == nullptr ? 0 : listing->nodes.size();
}

const coffre_node* coffre_folder_listing_node(const coffre_folder_listing* listing, size_t index) {
  return listing == nullptr || index >= listing->nodes.size() ? nullptr : listing->nodes[index].get();
}

int coffre_folder_listing_take(coffre_folder_listing* listing, size_t index, coffre_node** out) {
  clear_out(out);
  if (listing == nullptr || out == nullptr || index >= listing->nodes.size()) return COFFRE_E_INVALID_ARGUMENT;
  if (listing->nodes[index] == nullptr) return COFFRE_E_BAD_STATE;
  *out = listing->nodes[index].release();
  return COFFRE_OK;
}

void coffre_folder_listing_free(coffre_folder_listing* listing) { delete listing; }

int coffre_drive_name_hash(const coffre_node_key* parent_key, const char* name, size_t name_len, uint8_t* out,
                           size_t out_len) {
  if (parent_key == nullptr || !data_ok(name, name_len) || name_len > coffre::kNodeNameMaxSize) {
    return COFFRE_E_INVALID_ARGUMENT;
  }
  return guarded_secret([&] {
    auto h = coffre::name_hash(parent_key->key, text(name, name_len));
    if (!h) return status(h.error());
    return put_fixed(h.value().bytes, out, out_len);
  });
}

int coffre_drive_file_key(const coffre_node_key* node_key, coffre_key** out) {
  clear_out(out);
  if (node_key == nullptr || out == nullptr) return COFFRE_E_INVALID_ARGUMENT;
  return guarded_secret([&] { return give_handle(coffre::drive_file_key(node_key->key), out); });
}

int coffre_drive_file_context(const uint8_t* node_id, size_t node_id_len, char* object_id, size_t object_id_len,
                              uint32_t* key_version) {
  if (key_version != nullptr) *key_version = 0;
  if (object_id == nullptr || key_version == nullptr || object_id_len != COFFRE_DRIVE_OBJECT_ID_BYTES) {
    return COFFRE_E_INVALID_ARGUMENT;
  }
  return guarded_secret([&] {
    auto node = id_of<coffre::NodeId>(node_id, node_id_len);
    if (!node) return status(node.error());
    const coffre::Context ctx = coffre::drive_file_context(node.value(), 0);
    if (ctx.object_id.size() != object_id_len) return COFFRE_E_BAD_STATE;
    std::memcpy(object_id, ctx.object_id.data(), object_id_len);
    *key_version = ctx.key_version;
    return COFFRE_OK;
  });
}

}  // extern "C"
