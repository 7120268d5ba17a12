// Content keys, access lists and content-key wraps (docs/SPEC.md section 16).
//
// Every document (or file, or Drive node) has its own content key, with a version. The owner signs an access list
// (who may hold the key of one version) and wraps the key to each member's suite key, signing each wrap with its
// identity key. A store that is assumed malicious serves access lists and wraps: every binding (document, purpose,
// key version, recipient, sender) is checked when opening, and signatures come from keys the client trusts
// (directory.hpp), so the store can neither hand a user a key of its choosing nor move a wrap to another document.
//
//   owner, sharing:   make_access_list -> wrap_content_key_to_many(members' TrustStore::check_sharable recipients)
//   owner, removing:  rotate_content_key (new version, new list) -> wrap to the remaining members -> reencrypt_document
//   reader:           open_access_list(bytes, owner's trusted identity, document, pin) -> wrap_sender(wrap) ->
//                     open_content_wrap(wrap, me, access list, sender's trusted identity)
#pragma once

#include <coffre/account.hpp>
#include <coffre/context.hpp>
#include <coffre/device_log.hpp>
#include <coffre/directory.hpp>
#include <coffre/error.hpp>
#include <coffre/export.h>
#include <coffre/random.hpp>
#include <coffre/secret.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace coffre {

/// 16 random bytes drawn by the owner.
struct COFFRE_API DocumentId {
  static constexpr std::size_t kSize = 16;
  std::array<std::uint8_t, kSize> bytes{};
  static DocumentId generate(Rng& rng);
  static Result<DocumentId> from_bytes(std::span<const std::uint8_t> b);  ///< invalid_argument unless 16 bytes
  bool operator==(const DocumentId&) const = default;
  bool operator<(const DocumentId& o) const noexcept { return bytes < o.bytes; }
};

/// What a content key opens (the purpose byte of section 16).
enum class Purpose : std::uint8_t {
  document = 1,    ///< Docs envelopes (section 4)
  file = 2,        ///< a shared file envelope (section 5)
  drive_node = 3,  ///< a Drive folder or file node key (section 18)
};

/// A document as access lists and wraps name it: (owner, id, purpose).
struct COFFRE_API DocumentRef {
  UserId owner;
  DocumentId id;
  Purpose purpose = Purpose::document;
  bool operator==(const DocumentRef&) const = default;
};

/// A content key with its version (>= 1): the key_version of the envelopes it seals (section 3).
struct COFFRE_API VersionedContentKey {
  std::uint32_t version = 0;
  ContentKey key;
  /// invalid_argument if version is 0.
  static Result<VersionedContentKey> generate(std::uint32_t version, Rng& rng);
  static Result<VersionedContentKey> from_bytes(std::uint32_t version, std::span<const std::uint8_t> key);
};

/// The highest access list a client opened for a document: older ones are refused (key_version_rollback).
struct COFFRE_API AccessPin {
  std::uint64_t revision = 0;
  std::uint32_t key_version = 0;
  bool operator==(const AccessPin&) const = default;
};

inline constexpr std::size_t kAccessListMaxMembers = 4096;
inline constexpr std::size_t kAccessListBaseSize = 122;  ///< size = 122 + 16 * members
inline constexpr std::size_t kContentWrapSize = 1314;

/// A signed access list that was made here or opened (layout, binding to the document, owner's generation and
/// signature checked). Only make_access_list, rotate_content_key, add_members and open_access_list produce one.
class COFFRE_API AccessList {
 public:
  const DocumentRef& document() const noexcept { return document_; }
  std::uint32_t owner_identity_generation() const noexcept { return owner_generation_; }
  std::uint32_t key_version() const noexcept { return key_version_; }
  std::uint64_t revision() const noexcept { return revision_; }
  /// Strictly increasing; the owner is one of them.
  const std::vector<UserId>& members() const noexcept { return members_; }
  bool is_member(const UserId& user) const noexcept;
  /// What to pin once this list is accepted.
  AccessPin pin() const noexcept { return {revision_, key_version_}; }
  /// The exact signed bytes (what the store keeps).
  const std::vector<std::uint8_t>& bytes() const noexcept { return bytes_; }

 private:
  friend struct AccessListAccess;
  AccessList() = default;
  DocumentRef document_;
  std::uint32_t owner_generation_ = 0;
  std::uint32_t key_version_ = 0;
  std::uint64_t revision_ = 0;
  std::vector<UserId> members_;
  std::vector<std::uint8_t> bytes_;
};

/// The owner's access list for `document` (document.owner is the owner, `owner_secrets` its account secrets).
/// `members` in any order, duplicates collapsed, the owner added if absent. invalid_argument: key_version or revision
/// of 0, more than 4096 members.
COFFRE_API Result<AccessList> make_access_list(const AccountSecrets& owner_secrets, const DocumentRef& document,
                                               std::uint32_t key_version, std::uint64_t revision,
                                               std::vector<UserId> members);

/// The next list (revision + 1, same key version) with `added` members too. invalid_argument as make_access_list.
COFFRE_API Result<AccessList> add_members(const AccountSecrets& owner_secrets, const AccessList& current,
                                          std::span<const UserId> added);

/// Removing members (section 16.3): a new content key of version current + 1 and its list (revision + 1) without
/// `removed`. Wrap `key` to every member of `access` (the owner included), then seal new content under it.
/// invalid_argument: removing the owner, or a version or revision that would overflow.
struct COFFRE_API ContentKeyRotation {
  VersionedContentKey key;
  AccessList access;
};
COFFRE_API Result<ContentKeyRotation> rotate_content_key(const AccountSecrets& owner_secrets, const AccessList& current,
                                                         std::span<const UserId> removed, Rng& rng);

/// Opens an access list served by the store for `expected` with the owner's trusted identity, in the spec's order
/// (16.1): record_invalid, wrong_context, trust_mismatch (owner's generation), signature_invalid,
/// key_version_rollback (below `pin`). Pass no pin only to read old content, and then check that key_version() is
/// the envelope's. invalid_argument: owner.user is not expected.owner.
COFFRE_API Result<AccessList> open_access_list(std::span<const std::uint8_t> bytes, const TrustedIdentity& owner,
                                               const DocumentRef& expected, std::optional<AccessPin> pin);

/// A wrap of `key` (of access.key_version()) to `recipient`, signed by `sender` (whose account secrets are
/// `sender_secrets`). not_a_member: the sender or the recipient is not a member of `access`; invalid_argument: the
/// key's version is not the list's; public_key_invalid: the recipient's suite key fails section 8.2.
COFFRE_API Result<std::vector<std::uint8_t>> wrap_content_key(const UserId& sender,
                                                              const AccountSecrets& sender_secrets,
                                                              const WrapRecipient& recipient, const AccessList& access,
                                                              const VersionedContentKey& key, Rng& rng);

/// The same to many recipients (in their order), on up to `threads` threads (0: the process default, coffre/threads.hpp).
/// The randomness is drawn from `rng` first, in recipient order, so the result does not depend on `threads`.
/// Fails as a whole: not_a_member or invalid_argument for the first such recipient before any work, else the first
/// recipient's error in recipient order.
COFFRE_API Result<std::vector<std::vector<std::uint8_t>>> wrap_content_key_to_many(
    const UserId& sender, const AccountSecrets& sender_secrets, std::span<const WrapRecipient> recipients,
    const AccessList& access, const VersionedContentKey& key, Rng& rng, unsigned threads = 0);

/// The sender a wrap names, to look up its trusted identity before open_content_wrap. wrap_invalid if the wrap is not
/// 1314 bytes with magic "CFRK" and version 0x01. Nothing in it is authenticated yet.
COFFRE_API Result<UserId> wrap_sender(std::span<const std::uint8_t> wrap);

/// The content key in `wrap`, for user `me` holding `my_secrets` (suite keys by version), under an opened access
/// list and the sender's trusted identity, in the spec's order (16.2): wrap_invalid (layout), wrong_context (another
/// document, purpose, key version or recipient), not_a_member (sender or me), trust_mismatch (sender's generation),
/// signature_invalid, wrap_invalid (no suite key of that version, decapsulation or AEAD fails).
/// invalid_argument: `sender`'s user id is not the wrap's sender (checked with the generation).
COFFRE_API Result<VersionedContentKey> open_content_wrap(std::span<const std::uint8_t> wrap, const UserId& me,
                                                         const AccountSecrets& my_secrets, const AccessList& access,
                                                         const TrustedIdentity& sender);

/// Explicit re-encryption (16.3): opens a document envelope (section 4) sealed under `old_key` in `old_context`, and
/// seals its plaintext again under `current_key` with the same object id, revision `new_revision` and key version
/// current_key.version. invalid_argument: old_context.key_version is not old_key.version, or current_key.version is
/// not above it. Any error of open_document otherwise.
COFFRE_API Result<std::vector<std::uint8_t>> reencrypt_document(std::span<const std::uint8_t> envelope,
                                                                const VersionedContentKey& old_key,
                                                                const Context& old_context,
                                                                const VersionedContentKey& current_key,
                                                                std::uint64_t new_revision, Rng& rng);

}  // namespace coffre
