// Contacts and sharing plumbing (docs/SPEC.md sections 15 to 17), shared by the sharing commands (sharing_cmds.cpp)
// and any other command that hands content keys to other users (coffre drive):
//
//   local state   <home>/trust.state         TrustStore::encode() (SPEC 17.1), mode 0600, replaced atomically
//                 <home>/pins.state          per-document access pins (SPEC 15), mode 0600, replaced atomically;
//                                            shared with the account's other devices through the store
//                                            (account_pins.hpp) by unlocked sessions
//                 <home>/contact-logs.state  each contact's device-list pins (genesis hash, head; SPEC 15.1)
//   directory     publish_record: this account's record to directory/<user hex>.record
//                 trusted_contact: fetch + verify a user's record, check it against their device list (fetched
//                 and verified against its pins), observe it, then TrustStore::check_sharable
//   documents     share_content_key: wrap a content key to members (trust-checked), store the wraps, then the
//                 access list of that version, then `current`
//                 open_my_content_key: the access list (pinned), this user's wrap, its sender checked
//
// A command opens a SharingSession, works on it in memory, and calls save_session only once everything succeeded:
// on any failure the home is left byte for byte as it was. A changed key the store shows (a pending record, SPEC
// 17.1) is never saved: it is derived from the store again at each command, until the user verifies or refuses it.
#pragma once

#include "account_cmds.hpp"
#include "account_pins.hpp"
#include "status.hpp"
#include "store.hpp"

#include <coffre/coffre.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

namespace coffre::cli {

inline constexpr const char* kTrustFileName = "trust.state";
inline constexpr const char* kPinsFileName = "pins.state";
inline constexpr const char* kPinsMagic = "coffre-pins-v1";
inline constexpr const char* kContactLogsFileName = "contact-logs.state";
inline constexpr const char* kContactLogsMagic = "coffre-contact-logs-v1";

// The highest access list opened per document (SPEC 16.1), so that the store cannot serve an older one; and the
// highest content revision opened per Drive file. This device's copy of the account's pins (account_pins.hpp).
class AccessPins {
 public:
  std::optional<AccessPin> get(const DocumentRef& doc) const;
  // Raises the pin of `doc` to `pin` (a pin never goes down); true if it changed.
  bool raise(const DocumentRef& doc, const AccessPin& pin);
  // The Drive hook: the highest content revision of the file `node` in `owner`'s drive that a device of the account
  // opened or wrote (nullopt: none). A record of a lower revision is a rollback (key_version_rollback).
  std::optional<std::uint64_t> drive_revision(const UserId& owner, const NodeId& node) const;
  // Raises it (revision >= 1; never goes down); true if it changed.
  bool raise_drive(const UserId& owner, const NodeId& node, std::uint64_t revision);
  std::size_t size() const noexcept { return pins_.size() + drive_.size(); }

  // The content of an account pins object (SPEC 11), and the merge of one into these pins: each pin to the
  // maximum of both. true if any pin rose.
  AccountPins to_account() const;
  bool merge(const AccountPins& other);

  // The text layout of SPEC section 15 ("coffre-pins-v1", then one "pin" line per document and one "drive" line per
  // Drive file).
  std::string encode() const;
  // kExitUsage if malformed (never repaired).
  static Status parse(std::string_view text, const std::string& name, AccessPins& out);

 private:
  using Key = std::tuple<UserId, DocumentId, std::uint8_t>;
  std::map<Key, AccessPin> pins_;
  std::map<std::pair<UserId, NodeId>, std::uint64_t> drive_;
};

// Each contact's device list as this client last verified it (its genesis hash and head), so that the store can
// neither roll it back nor fork it (log_rollback, log_fork), as device.state pins the account's own list.
class ContactLogPins {
 public:
  struct Pin {
    LogHash genesis{};
    LogHead head;
  };
  std::optional<Pin> get(const UserId& user) const;
  // Pins `log` (verified against the previous pin, so it only moves forward); true if it changed.
  bool update(const UserId& user, const VerifiedLog& log);

  // "coffre-contact-logs-v1", then "log <user hex> <genesis hex> <seq> <head hex>" lines (SPEC 15.1).
  std::string encode() const;
  // kExitUsage if malformed (never repaired).
  static Status parse(std::string_view text, const std::string& name, ContactLogPins& out);

 private:
  std::map<UserId, Pin> pins_;
};

// A small file of the home (at most 64 MiB): `out` stays nullopt if it does not exist. write_local replaces it
// atomically (temporary file mode 0600, fsync, rename, fsync of the directory).
Status read_local(const std::string& path, std::optional<std::vector<std::uint8_t>>& out);
Status write_local(const std::string& path, std::span<const std::uint8_t> bytes);

// Missing files are empty stores. A malformed file is kExitUsage (never repaired).
Status load_trust(const std::string& home, TrustStore& trust);
Status save_trust(const std::string& home, const TrustStore& trust);
Status load_pins(const std::string& home, AccessPins& pins);
Status save_pins(const std::string& home, const AccessPins& pins);
Status load_contact_logs(const std::string& home, ContactLogPins& logs);
Status save_contact_logs(const std::string& home, const ContactLogPins& logs);

// Makes this account's directory record and puts it at directory/<user hex>.record, replacing the previous one.
// `previous_identity`: the identity key of generation - 1, which signs the record's continuity; required above
// generation 1 (kExitUsage without it).
Status publish_record(const Store& store, const UserId& user, const AccountSecrets& secrets,
                      const SigningKey* previous_identity = nullptr);

// A command's local state: this device's verified account (unlocked when asked), the trust store and the pins.
struct SharingSession {
  std::unique_ptr<Store> server;  // --store
  UnlockedAccount account;
  TrustStore trust;
  AccessPins pins;
  ContactLogPins logs;
  std::map<UserId, VerifiedLog> verified_logs;  // contacts' lists verified by this command (fetched once)
  bool trust_changed = false;
  bool pins_changed = false;
  AccountPinsSync account_pins;  // what the store's account pins object held (unlocked sessions only)
  bool logs_changed = false;
  // The bytes of each document's current access list this command opened (by path): share_content_key replaces
  // it only if it still holds them (Store::put_if).
  std::map<std::string, std::vector<std::uint8_t>> current_lists_read;

  const UserId& me() const noexcept { return account.state.user; }
  const Store& store() const noexcept { return *server; }
  // This account's identity and current suite key, as its verified device list says.
  TrustedContact self() const;
  // Only after open_session(..., unlock = true).
  const AccountSecrets& secrets() const { return *account.secrets; }
};

// Locks and loads the home, verifies the device list, loads trust.state, pins.state and contact-logs.state;
// `unlock`: also this device's keys (asking for the passphrase if needed) and the account secrets, and merges the
// account's pins from the store into pins.state's (pull_account_pins) before any pin is checked.
Status open_session(const AccountArgs& a, bool unlock, SharingSession& s);
// Writes the account's pins to the store if they hold something its newest object did not (push_account_pins; a
// failure there is a warning, the next command retries), then trust.state, pins.state and contact-logs.state if
// they changed. Call only when the command succeeded.
Status save_session(SharingSession& s);

// USER on the command line: a user id (32 hex digits), or a prefix of at least 8 hex digits that matches exactly one
// known contact (or this account).
Status resolve_user(const SharingSession& s, const std::string& arg, UserId& user);

// Fetches `user`'s directory record, verifies it (SPEC 17), fetches and verifies `user`'s device list against its
// pins, checks the record against it (check_record_against_log), and observes the record in the trust store (a first
// sight, a followed change and the list's new head are saved by save_session). Errors: not_found (no record, no
// device list), record_invalid (also: a record that is not the list's), public_key_invalid, signature_invalid, the
// device list's errors (log_rollback, log_fork, ..., device_revoked, identity_superseded), user_refused,
// key_version_rollback, trust_mismatch (a changed key: the pending record is kept in memory only when `keep_pending`,
// for contacts, fingerprint and verify).
// `error`, if given, receives the library error (Error::ok on success).
Status fetch_contact(SharingSession& s, const UserId& user, bool keep_pending = false, Error* error = nullptr);

// Whom to wrap to and whose signatures to accept: `user` fetched, then TrustStore::check_sharable; this account's
// own keys for s.me() (no store access).
Status trusted_contact(SharingSession& s, const UserId& user, std::optional<TrustedContact>& out);

// Wraps `key` (of access.key_version()) to `recipients` (members of `access`, each passed through trusted_contact),
// then puts the wraps, the access list under its key version, and last the access list as `current` (so that a
// reader never finds a current list without its wraps). Raises the document's pin. Needs an unlocked session.
// publish_content_key is the part before `current`, make_current the rest (an unshare puts FILE in place between
// them, SPEC 15.2).
Status share_content_key(SharingSession& s, const AccessList& access, const VersionedContentKey& key,
                         std::span<const UserId> recipients);
Status publish_content_key(SharingSession& s, const AccessList& access, const VersionedContentKey& key,
                           std::span<const UserId> recipients);
Status make_current(SharingSession& s, const AccessList& access);

// This user's content key of `doc`: opens the current access list with the pin (its owner trust-checked), then, for
// an older `key_version` (content sealed before a rotation), the access list of that version (no pin: its version
// must be the asked one); then this user's wrap of that version, its sender trust-checked, open_content_wrap.
// nullopt `key_version`: the current one. Raises the pin (in memory) only on success. Needs an unlocked session.
// Errors: not_a_member (this user is not in the list), not_found (no such document or wrap in the store),
// key_version_rollback (the store's current list is below the pin or below `key_version`), and every error of
// open_access_list, wrap_sender, trusted_contact and open_content_wrap.
struct OpenedContentKey {
  std::optional<AccessList> current;  // the current access list (to share or rotate from)
  std::optional<AccessList> access;   // the list of key.version (the current one unless an older version was asked)
  std::optional<VersionedContentKey> key;
};
Status open_my_content_key(SharingSession& s, const DocumentRef& doc, std::optional<std::uint32_t> key_version,
                           OpenedContentKey& out);

// The access list of the version after `current`'s when the store holds one that is not current (yet): what an
// unshare interrupted between its publish_content_key and make_current leaves (SPEC 15.2). Opened with the owner's
// trusted identity and `current`'s pin; it must be of key version current + 1 and a later revision (else
// wrong_context). `out` stays empty when there is none.
Status open_next_access_list(SharingSession& s, const AccessList& current, std::optional<AccessList>& out);
// This user's key of `access`'s version (a list already opened and checked): this user's wrap, its sender
// trust-checked, open_content_wrap. Errors: not_a_member, not_found, and those of open_my_content_key's last steps.
Status open_my_wrap(SharingSession& s, const AccessList& access, std::optional<VersionedContentKey>& out);

// "<owner hex>/<document hex>" for messages.
std::string describe(const DocumentRef& doc);

}  // namespace coffre::cli
