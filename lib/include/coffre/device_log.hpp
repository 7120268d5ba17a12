// The device list (docs/SPEC.md section 10): an append-only, hash-chained log of entries, each signed by the
// account's identity key in force AND by its author (an enrolled device, or the recovery key for a recovery
// enrollment), served by a store that is assumed malicious. A revocation rotates the identity key: the entry is
// signed by the old and the new key, and from then on only the new one counts, so a revoked device that kept every
// old secret can no longer append anything an honest device accepts.
//
// Writing:  make_genesis once, then make_add_device / make_revoke on top of a VerifiedLog; each returns the entry's
//           bytes, to upload. device_pop runs on the device being added (it holds that key).
// Reading:  verify_log(all entries, pinned head) on a fetch of the whole log, or verify_appended(state, new entries)
//           for the entries after a state already verified. Both are pure: they change nothing; persist the
//           returned head (and device set) yourself, only on success.
#pragma once

#include <coffre/error.hpp>
#include <coffre/export.h>
#include <coffre/random.hpp>
#include <coffre/signing.hpp>
#include <coffre/xwing.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <variant>
#include <vector>

namespace coffre {

/// A BLAKE2b-256 entry hash (entry_hash of the spec).
using LogHash = std::array<std::uint8_t, 32>;
/// The genesis's recovery_mac (SPEC sections 10 and 13): a MAC of the account's genesis keys under a key only the
/// recovery phrase derives. Public; computed and checked by RecoveryKey (recovery.hpp).
using RecoveryMac = std::array<std::uint8_t, 32>;

class RecoveryKey;

struct COFFRE_API DeviceId {
  static constexpr std::size_t kSize = 16;
  std::array<std::uint8_t, kSize> bytes{};
  static DeviceId generate(Rng& rng);
  static Result<DeviceId> from_bytes(std::span<const std::uint8_t> b);  ///< invalid_argument unless 16 bytes
  bool operator==(const DeviceId&) const = default;
  bool operator<(const DeviceId& o) const noexcept { return bytes < o.bytes; }
};

struct COFFRE_API UserId {
  static constexpr std::size_t kSize = 16;
  std::array<std::uint8_t, kSize> bytes{};
  static UserId generate(Rng& rng);
  static Result<UserId> from_bytes(std::span<const std::uint8_t> b);  ///< invalid_argument unless 16 bytes
  bool operator==(const UserId&) const = default;
  bool operator<(const UserId& o) const noexcept { return bytes < o.bytes; }
};

inline constexpr std::size_t kDeviceNameMaxSize = 64;  ///< bytes of well-formed UTF-8

/// The author id of an entry made with the recovery key (16 bytes 0xff; no device may have it). It is also the
/// recipient id of the recovery key's root wraps (account.hpp).
COFFRE_API DeviceId recovery_author_id() noexcept;

/// A device as the log records it. transcript_hash: the enrollment transcript (section 12), or 32 zero bytes for the
/// genesis device and for a device enrolled with the recovery phrase (section 13).
struct COFFRE_API DeviceRecord {
  DeviceId id;
  VerifyKey sign_pk;
  XWingPublicKey kem_pk;
  std::string name;
  LogHash transcript_hash{};
  bool operator==(const DeviceRecord&) const = default;
};

enum class LogEntryKind : std::uint8_t { genesis = 1, add_device = 2, revoke_device = 3 };

struct COFFRE_API GenesisBody {
  UserId user;
  VerifyKey identity_pk;
  std::uint32_t identity_generation;
  XWingPublicKey suite_pk;
  std::uint32_t suite_version;
  XWingPublicKey recovery_pk;
  RecoveryMac recovery_mac;
  VerifyKey recovery_sign_pk;  ///< signs the add-device entries of recovery enrollments
  std::uint32_t root_epoch;
  DeviceRecord device;
  bool operator==(const GenesisBody&) const = default;
};
struct COFFRE_API AddDeviceBody {
  DeviceRecord device;
  bool operator==(const AddDeviceBody&) const = default;
};
/// Revoking a device also rotates every account key (SPEC section 14): a new identity key (generation + 1), a new
/// suite key (version + 1) and a new root epoch (+ 1), all sealed only to the devices that remain.
struct COFFRE_API RevokeDeviceBody {
  DeviceId device;
  VerifyKey identity_pk;
  std::uint32_t identity_generation;
  XWingPublicKey suite_pk;
  std::uint32_t suite_version;
  std::uint32_t root_epoch;
  bool operator==(const RevokeDeviceBody&) const = default;
};
/// The alternative's index + 1 is the kind byte.
using LogEntryBody = std::variant<GenesisBody, AddDeviceBody, RevokeDeviceBody>;

/// One entry, parsed. encode() and parse() are the exact byte layout of the spec; parse() checks structure only
/// (magic, version, kind, field lengths, keys, name, no trailing bytes), never signatures or the chain: that is
/// verify_log's job.
struct COFFRE_API LogEntry {
  std::uint64_t seq = 0;
  LogHash prev{};  ///< zero for seq 0, else entry_hash of entry seq - 1
  LogEntryBody body;
  DeviceId author;                           ///< an enrolled device, or recovery_author_id()
  SigningKey::Signature identity_signature{};  ///< by the identity key in force before this entry
  SigningKey::Signature author_signature{};    ///< by the author's signing key (or the recovery signing key)
  /// Kinds 1 and 2: the added device's proof of possession. Kind 3: the new identity key's signature.
  SigningKey::Signature tail{};

  LogEntryKind kind() const noexcept { return static_cast<LogEntryKind>(body.index() + 1); }
  std::vector<std::uint8_t> encode() const;
  /// The bytes every signature of the entry covers (each under its own label): every byte before them.
  std::vector<std::uint8_t> signed_part() const;
  /// log_invalid if the bytes are not exactly one well-formed entry.
  static Result<LogEntry> parse(std::span<const std::uint8_t> bytes);
  bool operator==(const LogEntry&) const = default;
};

/// H("coffre/v1/log/entry-hash", entry bytes): what the next entry's prev and a pinned head hold.
COFFRE_API LogHash entry_hash(std::span<const std::uint8_t> entry_bytes) noexcept;

struct COFFRE_API LogHead {
  std::uint64_t seq = 0;
  LogHash hash{};
  bool operator==(const LogHead&) const = default;
};

/// The state of a verified log (its last entry is `head`).
struct COFFRE_API VerifiedLog {
  UserId user;
  VerifyKey identity_pk;
  std::uint32_t identity_generation;
  XWingPublicKey suite_pk;
  std::uint32_t suite_version;
  std::uint32_t root_epoch;
  XWingPublicKey recovery_pk;
  RecoveryMac recovery_mac{};         ///< the genesis's (RecoveryKey::check_genesis checks it)
  VerifyKey recovery_sign_pk;         ///< the genesis's
  std::vector<DeviceRecord> devices;  ///< enrolled and not revoked, in the order they were added
  std::vector<DeviceRecord> revoked;  ///< in the order they were revoked
  std::vector<VerifyKey> superseded_identities;  ///< identity keys of generations before the current one, in order
  LogHash genesis_hash{};             ///< entry_hash of entry 0 (to pin with verify_log's expected_genesis_hash)
  LogHead head;

  bool operator==(const VerifiedLog&) const = default;
  bool contains(const DeviceId& id) const noexcept { return find(id) != nullptr; }
  const DeviceRecord* find(const DeviceId& id) const noexcept;  ///< enrolled devices only; nullptr if none
  bool was_revoked(const DeviceId& id) const noexcept;
  /// The genesis's identity key and generation (what recovery_mac covers): each revocation supersedes exactly one
  /// identity key and adds 1 to the generation.
  const VerifyKey& genesis_identity_pk() const noexcept {
    return superseded_identities.empty() ? identity_pk : superseded_identities.front();
  }
  std::uint32_t genesis_identity_generation() const noexcept {
    return identity_generation - static_cast<std::uint32_t>(superseded_identities.size());
  }
};

/// The identity fingerprint the user confirms on a first fetch (SPEC section 9): the first 20 bytes of
/// H("coffre/v1/identity/fingerprint", user_id, identity_pk, u32(generation)), as 40 lowercase hex digits in 10
/// groups of 4 separated by single spaces ("1a2b 3c4d ... 9f0e", 49 characters).
inline constexpr std::size_t kIdentityFingerprintSize = 20;
inline constexpr std::size_t kIdentityFingerprintTextSize = 49;
COFFRE_API std::array<std::uint8_t, kIdentityFingerprintSize> identity_fingerprint_bytes(
    const UserId& user, const VerifyKey& identity_pk, std::uint32_t generation) noexcept;
COFFRE_API std::string identity_fingerprint(const UserId& user, const VerifyKey& identity_pk, std::uint32_t generation);
/// The fingerprint of a verified log's identity (its user, identity key and generation).
COFFRE_API std::string identity_fingerprint(const VerifiedLog& log);

/// Verifies a whole served log, entries 0..n-1, in the order of SPEC section 10:
///   log_rollback         fewer entries than the pinned head (or none while a genesis hash is pinned);
///   log_fork             the entry at the pinned seq (or the genesis) is not the pinned one;
///   log_broken_chain     an entry's seq is not its position, or its prev is not the previous entry's hash;
///   log_invalid          a malformed entry or a broken rule (no genesis, genesis after seq 0, device id added twice,
///                        revoking a device that is not enrolled, an author that was never added, versions or
///                        epochs not previous + 1, a reused identity key...);
///   device_revoked       an entry's author is a revoked device;
///   identity_superseded  an entry's identity signature is by an identity key a revocation replaced;
///   signature_invalid    any other signature (identity, author, new identity, proof of possession) that fails.
/// `pinned`: none on a first fetch (trust on first use: confirm the identity fingerprint with the user).
/// threads: 0 = the process default (coffre/threads.hpp); the result does not depend on it.
COFFRE_API Result<VerifiedLog> verify_log(std::span<const std::vector<std::uint8_t>> entries,
                                          std::optional<LogHead> pinned,
                                          std::optional<LogHash> expected_genesis_hash = std::nullopt,
                                          unsigned threads = 0);

/// Verifies the entries that follow `current` (seq current.head.seq + 1, ...): the same checks and the same result
/// as verify_log over the whole log, at the cost of the new entries only. The first new entry must follow
/// current.head (else log_broken_chain). No entries: a copy of `current`.
COFFRE_API Result<VerifiedLog> verify_appended(const VerifiedLog& current,
                                               std::span<const std::vector<std::uint8_t>> entries,
                                               unsigned threads = 0);

/// A device's proof of possession of its signing key, bound to the account and to its KEM key and enrollment
/// transcript. Computed by the device being added (it alone holds device_key) and sent to the enrolling device.
/// invalid_argument if device_key is not the key of device.sign_pk.
COFFRE_API Result<SigningKey::Signature> device_pop(const SigningKey& device_key, const UserId& user,
                                                    const DeviceRecord& device);

/// Who co-signs an entry besides the identity key: an enrolled device (its id and signing key), or the recovery key
/// (id recovery_author_id(), key RecoveryKey::signing_key()) for the add-device entry of a recovery enrollment.
struct COFFRE_API EntryAuthor {
  DeviceId id;
  const SigningKey& key;
};

/// Builders: each returns the bytes of one signed entry, which verify_log accepts after the entries it follows.
/// invalid_argument: a name longer than 64 bytes or not UTF-8, the wrong identity key, a genesis transcript hash
/// that is not zero, a version or epoch of 0 (genesis: suite version and root epoch must be 1), an author key that
/// is not the author's (or the recovery key's) in `current`; device_revoked / device_not_enrolled: an author that is
/// revoked / not enrolled; signature_invalid: a pop that does not verify.
/// The genesis records the recovery key's public keys and its recovery_mac over the genesis keys: only the holder
/// of the phrase can make a genesis that recovery (RecoveryKey::check_genesis) accepts. Its author is the first
/// device.
COFFRE_API Result<std::vector<std::uint8_t>> make_genesis(const SigningKey& identity, std::uint32_t identity_generation,
                                                          const UserId& user, const XWingPublicKey& suite_pk,
                                                          std::uint32_t suite_version, const RecoveryKey& recovery,
                                                          std::uint32_t root_epoch, const DeviceRecord& first_device,
                                                          const SigningKey& first_device_key);

/// Appends after current.head, authored by the approving device (or the recovery key). already_exists: this device
/// id was added before (even if revoked since); invalid_argument: the author is the device being added.
COFFRE_API Result<std::vector<std::uint8_t>> make_add_device(const VerifiedLog& current, const SigningKey& identity,
                                                             const EntryAuthor& author, const DeviceRecord& device,
                                                             std::span<const std::uint8_t> pop);

/// Revokes `device` and rotates the account keys: the new identity key (generation + 1, signs the entry too), the
/// new suite key (version + 1) and root epoch + 1. device_not_enrolled: `device` is not in current.devices;
/// invalid_argument: the author is the revoked device or the recovery key, the new identity key is the current one
/// or a superseded one, or a generation, version or epoch would overflow.
COFFRE_API Result<std::vector<std::uint8_t>> make_revoke(const VerifiedLog& current, const SigningKey& identity,
                                                         const EntryAuthor& author, const DeviceId& device,
                                                         const SigningKey& new_identity,
                                                         const XWingPublicKey& new_suite_pk);

}  // namespace coffre
