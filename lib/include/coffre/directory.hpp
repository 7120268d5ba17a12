// Key directory, trust store and safety numbers (docs/SPEC.md section 17).
//
// Each user publishes one directory record: its identity key (with its generation) and its current suite key (with
// its version), signed by the identity key and, after an identity change, by the previous identity key too. A store
// serves the records and is assumed malicious: it may substitute a key, replay an old record or show different
// records to different users. A client therefore keeps a TrustStore: it pins the first record it sees of each contact
// (trust on first use), checks every record against the contact's verified device list (check_record_against_log),
// follows only a newer suite version under the pinned identity key, holds any identity change as pending (even one
// the previous key signed: a revoked device holds that key), and lets the user compare a safety number out of band to
// verify a contact or accept a changed key.
//
//   publish:  make_directory_record(user, secrets, created[, previous secrets]) -> bytes for the store
//   read:     verify_record(bytes) -> DirectoryRecord (alone, without trust), then store.observe(record)
//   share:    store.check_sharable(u) -> TrustedContact: whom to wrap to and whose signatures to accept
//   compare:  store.safety_number(u, me) shown to the user; store.verify(u, typed number, me)
#pragma once

#include <coffre/account.hpp>
#include <coffre/device_log.hpp>
#include <coffre/error.hpp>
#include <coffre/export.h>
#include <coffre/signing.hpp>
#include <coffre/xwing.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace coffre {

/// A user's identity as this client trusts it: whose signatures (access lists, wraps) it accepts. Handed out by
/// TrustStore::check_sharable for contacts; TrustedIdentity::of for the client's own account.
struct COFFRE_API TrustedIdentity {
  UserId user;
  VerifyKey identity_pk;
  std::uint32_t generation = 0;

  /// The client's own identity (its secrets are the account's: check_account_secrets).
  static TrustedIdentity of(const UserId& user, const AccountSecrets& secrets);
  bool operator==(const TrustedIdentity&) const = default;
};

/// Whom a content key is wrapped to: a user's suite public key of one version.
struct COFFRE_API WrapRecipient {
  UserId user;
  std::uint32_t suite_version = 0;
  XWingPublicKey suite_pk;

  /// The client's own current suite key (a self-wrap). Derives the public key.
  static Result<WrapRecipient> of(const UserId& user, const AccountSecrets& secrets);
  bool operator==(const WrapRecipient&) const = default;
};

/// A directory record that passed verify_record (layout, keys, signature and continuity signature). Only
/// verify_record and make_directory_record produce one; it says nothing about trust (that is TrustStore's job).
class COFFRE_API DirectoryRecord {
 public:
  static constexpr std::size_t kSize = 1445;

  const UserId& user() const noexcept { return user_; }
  std::uint32_t identity_generation() const noexcept { return identity_generation_; }
  const VerifyKey& identity_pk() const noexcept { return identity_pk_; }
  std::uint32_t suite_version() const noexcept { return suite_version_; }
  const XWingPublicKey& suite_pk() const noexcept { return suite_pk_; }
  std::uint64_t created() const noexcept { return created_; }
  /// The identity key of generation - 1 (generation > 1 only).
  const std::optional<VerifyKey>& previous_identity_pk() const noexcept { return previous_identity_pk_; }
  /// The record's exact bytes (what the store serves).
  std::span<const std::uint8_t, kSize> bytes() const noexcept { return bytes_; }

  TrustedIdentity identity() const { return {user_, identity_pk_, identity_generation_}; }
  WrapRecipient recipient() const { return {user_, suite_version_, suite_pk_}; }
  bool operator==(const DirectoryRecord& o) const noexcept { return bytes_ == o.bytes_; }

 private:
  friend struct DirectoryRecordAccess;
  DirectoryRecord(std::span<const std::uint8_t, kSize> bytes, const UserId& user, std::uint32_t generation,
                  const VerifyKey& identity_pk, std::uint32_t suite_version, const XWingPublicKey& suite_pk,
                  std::uint64_t created, std::optional<VerifyKey> previous_identity_pk);
  std::array<std::uint8_t, kSize> bytes_{};
  UserId user_;
  std::uint32_t identity_generation_ = 0;
  VerifyKey identity_pk_;
  std::uint32_t suite_version_ = 0;
  XWingPublicKey suite_pk_;
  std::uint64_t created_ = 0;
  std::optional<VerifyKey> previous_identity_pk_;
};

/// The record of `user`'s identity and current suite key (from `secrets`), created at `created` (Unix seconds).
/// `previous_identity`: the identity key of generation - 1, required when the generation is above 1 and refused
/// (invalid_argument) when it is 1. Any key is accepted as the previous one: prefer the overload below, which checks
/// it.
COFFRE_API Result<DirectoryRecord> make_directory_record(const UserId& user, const AccountSecrets& secrets,
                                                         std::uint64_t created,
                                                         const SigningKey* previous_identity = nullptr);

/// The record after a revocation, continuity-signed by `previous`: the account's secrets that the revocation replaced
/// by `secrets` (section 14; AccountSecrets::rotated). invalid_argument, checked in this order: `secrets` are of
/// generation 1 (no continuity); `previous` are not of generation - 1 (the same generation, an older or a newer one);
/// `previous` are another account's (their suite keys are not the first suite keys of `secrets`). No secret key
/// leaves the two AccountSecrets.
COFFRE_API Result<DirectoryRecord> make_directory_record(const UserId& user, const AccountSecrets& secrets,
                                                         std::uint64_t created, const AccountSecrets& previous);

/// A record served by the store, checked alone in the spec's order: record_invalid (layout, sizes, zero generation or
/// version, continuity fields inconsistent with the generation), public_key_invalid (suite key), signature_invalid
/// (signature, then continuity signature).
COFFRE_API Result<DirectoryRecord> verify_record(std::span<const std::uint8_t> bytes);

/// A 60-digit safety number (section 17.2): the same for both users of a pair, changed by either identity key.
class COFFRE_API SafetyNumber {
 public:
  static constexpr std::size_t kDigits = 60;
  /// A number typed by the user: ASCII spaces, tabs and hyphens are ignored; then exactly 60 ASCII digits, else
  /// invalid_argument.
  static Result<SafetyNumber> parse(std::string_view typed);
  /// 12 groups of 5 digits separated by single spaces.
  std::string to_string() const;
  std::span<const char, kDigits> digits() const noexcept { return digits_; }
  bool operator==(const SafetyNumber& o) const noexcept { return digits_ == o.digits_; }

 private:
  friend struct SafetyNumberAccess;
  std::array<char, kDigits> digits_{};
};

/// The safety number of users a and b (their user ids and identity keys; generations do not enter it).
/// invalid_argument if a and b have the same user id.
COFFRE_API Result<SafetyNumber> safety_number(const TrustedIdentity& a, const TrustedIdentity& b);

enum class TrustState : std::uint8_t {
  unknown = 1,   ///< trust on first use: seen, not compared
  verified = 2,  ///< the user compared safety numbers
  refused = 3,   ///< the user refused this contact's key
};

/// What observe did with a record.
enum class Observation : std::uint8_t {
  pinned_first = 1,  ///< the user was unknown: pinned as unknown
  followed = 2,      ///< a newer suite version under the same identity key: pinned, state kept
  unchanged = 3,     ///< the pinned record's key and version again
};

/// Everything needed to share with a contact: whom to wrap to and whose signatures to accept.
struct COFFRE_API TrustedContact {
  TrustedIdentity identity;
  WrapRecipient recipient;
};

/// One contact's trust: the pinned record, its state, and at most one pending (changed, not followed) record.
struct COFFRE_API ContactTrust {
  DirectoryRecord pinned;
  TrustState state = TrustState::unknown;
  std::optional<DirectoryRecord> pending;
};

/// ok if `record` states exactly the user id, identity key and generation, suite key and version of `log`, the
/// user's verified device list (section 17): key_version_rollback if the record is older than the log (a lower
/// generation or suite version), record_invalid for any other difference (a record no device of the account made
/// after the log's last revocation).
COFFRE_API Error check_record_against_log(const DirectoryRecord& record, const VerifiedLog& log);

/// The client's trust in its contacts' directory records (section 17.1). Local state: encode() to persist it, and
/// persist after every change (observe, verify, refuse). Not thread-safe.
class COFFRE_API TrustStore {
 public:
  /// Observes a record the store served, in the spec's order:
  ///   user_refused          the user is refused (nothing changes);
  ///   trust_mismatch        the same suite version with another suite key, or another identity key or generation
  ///                         (with or without continuity): the record becomes pending, the pinned one stays;
  ///   key_version_rollback  a lower suite version or identity generation than pinned (nothing changes).
  Result<Observation> observe(const DirectoryRecord& record);

  /// The contact to share with or accept signatures from: not_found (unknown user), user_refused, trust_mismatch
  /// (a pending record waits for the user's decision).
  Result<TrustedContact> check_sharable(const UserId& user) const;

  /// The number to show the user for `user`: of its pending record if there is one, else of the pinned one.
  /// not_found: unknown user; invalid_argument: `user` is `me`.
  Result<SafetyNumber> safety_number(const UserId& user, const TrustedIdentity& me) const;

  /// Compares a number the user typed (or scanned) with safety_number(user, me): equal, the pending record (if any)
  /// becomes pinned and the contact verified (which also lifts a refusal); different: trust_mismatch and nothing
  /// changes. not_found: unknown user.
  Error verify(const UserId& user, const SafetyNumber& typed, const TrustedIdentity& me);

  /// Marks the contact refused (not_found if unknown): it can no longer be shared with until verified.
  Error refuse(const UserId& user);

  const ContactTrust* find(const UserId& user) const noexcept;  ///< nullptr if unknown
  const std::map<UserId, ContactTrust>& contacts() const noexcept { return contacts_; }

  /// The byte layout of section 17.1 ("CFRT"). parse: record_invalid if malformed (every record is verified again).
  std::vector<std::uint8_t> encode() const;
  static Result<TrustStore> parse(std::span<const std::uint8_t> bytes);

 private:
  std::map<UserId, ContactTrust> contacts_;
};

}  // namespace coffre
