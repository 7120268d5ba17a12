// Account state (docs/SPEC.md sections 9, 11 and 14): the root key of an epoch, the account secrets sealed under it,
// root-key wraps to each device and to the recovery key, and the pure planners that produce what a client uploads
// when it creates an account or revokes a device. Nothing here does I/O: every function returns bytes for the store
// and values for the device's local state.
//
// Who holds what: a device keeps its DeviceKeys locally. Everything else it learns by opening, with its KEM secret
// key, the root wrap of the current epoch addressed to it (unwrap_root_key), then the sealed state of that epoch
// (open_account_state), then checking that state against the verified device list (check_account_secrets).
#pragma once

#include <coffre/device_log.hpp>
#include <coffre/error.hpp>
#include <coffre/export.h>
#include <coffre/random.hpp>
#include <coffre/secret.hpp>
#include <coffre/signing.hpp>
#include <coffre/xwing.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace coffre {

/// A device's own secret keys: its local state, never uploaded (section 9).
struct COFFRE_API DeviceKeys {
  DeviceId id;
  SigningKey sign_key;
  XWingSecretKey kem_key;
  XWingPublicKey kem_pk;  ///< derived from kem_key

  /// A fresh device: random id (never the recovery recipient id), signing key and KEM key.
  static Result<DeviceKeys> generate(Rng& rng);
  /// A device loaded from its local state. invalid_argument unless both seeds are 32 bytes.
  static Result<DeviceKeys> from_seeds(const DeviceId& id, std::span<const std::uint8_t> sign_seed,
                                       std::span<const std::uint8_t> kem_seed);
  /// The device as the log records it.
  DeviceRecord record(std::string name, const LogHash& transcript_hash = {}) const;
};

/// The 32-byte root key of one epoch (epochs start at 1).
class COFFRE_API RootKey {
 public:
  static constexpr std::size_t kSize = 32;
  /// invalid_argument if epoch is 0.
  static Result<RootKey> generate(std::uint32_t epoch, Rng& rng);
  /// invalid_argument unless 32 bytes and epoch > 0.
  static Result<RootKey> from_bytes(std::span<const std::uint8_t> bytes, std::uint32_t epoch);

  std::uint32_t epoch() const noexcept { return epoch_; }
  const SecretBytes& secret() const noexcept { return key_; }

 private:
  RootKey(SecretBytes key, std::uint32_t epoch) : key_(std::move(key)), epoch_(epoch) {}
  SecretBytes key_;
  std::uint32_t epoch_ = 0;
};

/// One suite X-Wing secret key and its version.
struct COFFRE_API SuiteSecretKey {
  std::uint32_t version;
  XWingSecretKey key;
};

/// The account's secrets, as sealed in the account state: the identity key with its generation, and every suite key
/// the account ever had, versions 1..n in order (so that documents wrapped to an old suite key still open).
class COFFRE_API AccountSecrets {
 public:
  /// invalid_argument: generation 0, no suite key, or versions that are not exactly 1, 2, ..., n in order.
  static Result<AccountSecrets> create(SigningKey identity, std::uint32_t identity_generation,
                                       std::vector<SuiteSecretKey> suite_keys);
  /// A new account's secrets: a fresh identity key (generation 1) and suite key version 1.
  static Result<AccountSecrets> generate(Rng& rng);

  const SigningKey& identity() const noexcept { return identity_; }
  std::uint32_t identity_generation() const noexcept { return identity_generation_; }
  const std::vector<SuiteSecretKey>& suite_keys() const noexcept { return suite_keys_; }
  /// The last suite key (highest version). Not on a moved-from object.
  const SuiteSecretKey& current_suite_key() const noexcept { return suite_keys_.back(); }
  const XWingSecretKey* suite_key(std::uint32_t version) const noexcept;  ///< nullptr if this version is unknown

  /// A copy (secure memory is not copied implicitly).
  Result<AccountSecrets> clone() const;
  /// The secrets after a revocation (section 14): `new_identity` with generation + 1, and one more suite key
  /// (version n + 1). invalid_argument if the generation or version would overflow.
  Result<AccountSecrets> rotated(SigningKey new_identity, XWingSecretKey new_suite_key) const;

 private:
  AccountSecrets(SigningKey identity, std::uint32_t generation, std::vector<SuiteSecretKey> suite_keys)
      : identity_(std::move(identity)), identity_generation_(generation), suite_keys_(std::move(suite_keys)) {}
  SigningKey identity_;
  std::uint32_t identity_generation_;
  std::vector<SuiteSecretKey> suite_keys_;
};

/// ok if `secrets` are the account's of `log`: same identity key and generation, and a current suite key with the
/// log's suite version and public key. wrap_invalid otherwise (a sealed state of another account or epoch).
COFFRE_API Error check_account_secrets(const AccountSecrets& secrets, const VerifiedLog& log);

/// sealed_state of section 11, for root.epoch(). The nonce comes from `rng`.
COFFRE_API Result<std::vector<std::uint8_t>> seal_account_state(const RootKey& root, const UserId& user,
                                                                const AccountSecrets& secrets, Rng& rng);
/// wrap_invalid if `sealed` does not open under `root` for `user` and root.epoch() (modified, truncated, extended,
/// another user or epoch, or a plaintext that breaks the layout).
COFFRE_API Result<AccountSecrets> open_account_state(const RootKey& root, const UserId& user,
                                                     std::span<const std::uint8_t> sealed);

/// Account pins (section 11): what every device of the account saw, so that no device accepts a rollback that another
/// one already saw past. Ids are raw bytes here (sharing.hpp and drive.hpp build on this header).
struct COFFRE_API AccountDocumentPin {
  UserId owner;
  std::array<std::uint8_t, 16> document{};  ///< the section-16 document_id
  std::uint8_t purpose = 0;                 ///< 1, 2 or 3 (section 16)
  std::uint64_t revision = 0;               ///< >= 1: the highest access-list revision opened
  std::uint32_t key_version = 0;            ///< >= 1: the highest content-key version of an access list opened
  bool operator==(const AccountDocumentPin&) const = default;
};
struct COFFRE_API AccountDrivePin {
  UserId owner;
  std::array<std::uint8_t, 16> node{};  ///< a Drive file's node id (section 18)
  std::uint64_t revision = 0;           ///< >= 1: the highest content revision of that file opened
  bool operator==(const AccountDrivePin&) const = default;
};
/// Both lists strictly ascending: documents by (owner, document, purpose), drive by (owner, node), bytewise.
struct COFFRE_API AccountPins {
  std::vector<AccountDocumentPin> documents;
  std::vector<AccountDrivePin> drive;
  bool operator==(const AccountPins&) const = default;
};

/// account_pins of section 11: object number `n` (>= 1) of root.epoch(). The nonce comes from `rng`.
/// invalid_argument: n = 0, or pins that break the rules above (order, duplicates, zero or out-of-range fields).
COFFRE_API Result<std::vector<std::uint8_t>> seal_account_pins(const RootKey& root, const UserId& user, std::uint64_t n,
                                                               const AccountPins& pins, Rng& rng);
/// wrap_invalid if `sealed` is not object `n` of `user` for root.epoch() under `root` (modified, truncated, extended,
/// another user, epoch or number, or a plaintext that breaks the rules). invalid_argument: n = 0.
COFFRE_API Result<AccountPins> open_account_pins(const RootKey& root, const UserId& user, std::uint64_t n,
                                                 std::span<const std::uint8_t> sealed);

/// root_wrap of section 11: always kRootWrapSize bytes.
inline constexpr std::size_t kRootWrapSize = 4 + 1 + 4 + 4 + DeviceId::kSize + XWingCiphertext::kSize + 32 + 16;
/// The recipient id of the recovery key's wrap: 16 bytes 0xff (no device may have it).
COFFRE_API DeviceId recovery_recipient_id() noexcept;

/// Wraps `root` to `recipient_pk` (a device KEM key with its device id, or the recovery key with
/// recovery_recipient_id()).
COFFRE_API Result<std::vector<std::uint8_t>> wrap_root_key(const RootKey& root, const UserId& user,
                                                           const DeviceId& recipient,
                                                           const XWingPublicKey& recipient_pk, Rng& rng);
/// The root key of epoch `epoch` in `wrap`. wrap_invalid if it does not open with `recipient_sk` for exactly this
/// user, recipient and epoch (every byte of a wrap is authenticated).
COFFRE_API Result<RootKey> unwrap_root_key(const XWingSecretKey& recipient_sk, const UserId& user,
                                           const DeviceId& recipient, std::uint32_t epoch,
                                           std::span<const std::uint8_t> wrap);

/// A root wrap and whom it is for (recovery_recipient_id() for the recovery key).
struct COFFRE_API RootWrap {
  DeviceId recipient;
  std::vector<std::uint8_t> bytes;
};

/// Everything a new account uploads (section 9): the genesis entry, the sealed state of epoch 1 and the root wraps of
/// epoch 1 (the first device, then the recovery key). `secrets` and `root` are for the creating device's memory only.
struct COFFRE_API AccountCreation {
  UserId user;
  AccountSecrets secrets;
  RootKey root;
  std::vector<std::uint8_t> genesis_entry;
  std::vector<std::uint8_t> sealed_state;
  std::vector<RootWrap> wraps;
};
/// `recovery`: the key of the phrase shown to the user (RecoveryKey::from_phrase, recovery.hpp); the genesis
/// records its public key and its MAC of the genesis keys (SPEC sections 10 and 13), and epoch 1 is wrapped to it.
/// invalid_argument: a device name longer than 64 bytes or not UTF-8.
COFFRE_API Result<AccountCreation> create_account(const DeviceKeys& first_device, std::string device_name,
                                                  const RecoveryKey& recovery, Rng& rng);

/// Revoking a device (section 14), everything the revoking device uploads, computed without I/O:
///   entry         the revoke entry (it also rotates the identity key, the suite key and the root epoch);
///   log           the verified state after it (pin its head once the store accepted it);
///   root          the new epoch's root key (epoch + 1);
///   secrets       the new identity key (generation + 1), every suite key so far plus the new one (version + 1);
///   sealed_state  `secrets` sealed under `root`;
///   wraps         `root` wrapped to every remaining device (in log order), then to the recovery key.
struct COFFRE_API RevocationPlan {
  std::vector<std::uint8_t> entry;
  VerifiedLog log;
  RootKey root;
  AccountSecrets secrets;
  std::vector<std::uint8_t> sealed_state;
  std::vector<RootWrap> wraps;
};
/// `own`: the revoking device, which authors the entry. device_not_enrolled: `revoked` or `own` is not an enrolled
/// device of `log` (device_revoked: `own` was revoked); invalid_argument: `own` is `revoked`, or the generation,
/// suite version or epoch would overflow; wrap_invalid: `secrets` are not this log's (check_account_secrets).
/// Every remaining device gets a wrap: the caller must have accepted each of them (none unexpected) beforehand.
COFFRE_API Result<RevocationPlan> plan_revocation(const VerifiedLog& log, const AccountSecrets& secrets,
                                                  const DeviceKeys& own, const DeviceId& revoked, Rng& rng);

}  // namespace coffre
