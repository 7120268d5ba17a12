// Enrolling a device (docs/SPEC.md section 12): the three messages a new device N and an enrolled device E exchange
// through the store's mailbox, and the state machine of each side. Pure: no I/O, time is passed in (`now`, u64
// seconds since the Unix epoch), randomness is injected.
//
//   N: EnrollmentRequester::start           -> request   (store it in the mailbox)
//   E: EnrollmentApprover::on_request       -> response  (E records the request id as used)
//   N: on_response(response, verified log)  -> reveal + SAS (show the SAS)
//   E: on_reveal(reveal)                    -> SAS (show it) + N's checked proof of possession
//   the user compares the two SAS; only if they are equal:
//   E: approve(...)                         -> add-device entry + root wrap to N (upload both)
//   N: check_enrolled(verified log), then unwrap_root_key and open_account_state (account.hpp)
//
// Every error is final: a state machine that failed answers bad_state to any later call (start over).
#pragma once

#include <coffre/account.hpp>
#include <coffre/device_log.hpp>
#include <coffre/error.hpp>
#include <coffre/export.h>
#include <coffre/random.hpp>
#include <coffre/signing.hpp>

#include <array>
#include <compare>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace coffre {

/// The longest lifetime of a request (expires - created), in seconds.
inline constexpr std::uint64_t kEnrollmentMaxLifetime = 600;

struct COFFRE_API EnrollmentRequestId {
  static constexpr std::size_t kSize = 16;
  std::array<std::uint8_t, kSize> bytes{};
  /// Not `<=> = default`: Emscripten 3.1.6's libc++ has no operator<=> for std::array.
  bool operator==(const EnrollmentRequestId&) const = default;
  bool operator<(const EnrollmentRequestId& o) const noexcept { return bytes < o.bytes; }
};

/// The request ids an enrolled device has answered, each with its request's expiry time. Persist it with the
/// device's local state. An id may be forgotten once its request has expired (prune): such a request is refused as
/// expired before the replay check.
class COFFRE_API UsedEnrollmentRequests {
 public:
  bool contains(const EnrollmentRequestId& id) const noexcept { return ids_.count(id) != 0; }
  void record(const EnrollmentRequestId& id, std::uint64_t expires) { ids_[id] = expires; }
  /// Forgets the ids whose request expired at `now` (expires <= now).
  void prune(std::uint64_t now);
  const std::map<EnrollmentRequestId, std::uint64_t>& entries() const noexcept { return ids_; }

 private:
  std::map<EnrollmentRequestId, std::uint64_t> ids_;
};

/// The 6-digit short authentication string of a transcript hash (section 12).
COFFRE_API std::string enrollment_sas(const LogHash& transcript_hash);

/// What the new device gets from a valid response.
struct COFFRE_API RequesterConfirmation {
  std::vector<std::uint8_t> reveal;  ///< to send to E
  std::string sas;                   ///< 6 digits, to show
};

/// The new device's side.
class COFFRE_API EnrollmentRequester {
 public:
  /// A request for `device` named `name`, created at `now`, expiring `lifetime` seconds later.
  /// invalid_argument: a name longer than 64 bytes or not UTF-8, a lifetime of 0 or above kEnrollmentMaxLifetime,
  /// a device id equal to the recovery recipient id.
  static Result<EnrollmentRequester> start(const DeviceKeys& device, std::string name, std::uint64_t now, Rng& rng,
                                           std::uint64_t lifetime = kEnrollmentMaxLifetime);

  const std::vector<std::uint8_t>& request() const noexcept { return request_; }
  const EnrollmentRequestId& request_id() const noexcept { return request_id_; }
  std::uint64_t expires() const noexcept { return expires_; }

  /// E's response, checked against `log`, the account's log as verified after the response arrived (its user must
  /// be the response's). In this order: bad_state (not waiting for a response), enrollment_expired (now >= expires),
  /// enrollment_invalid (malformed, another request id, another user), device_not_enrolled (E is not an enrolled
  /// device of `log`), signature_invalid (not E's signature), log_rollback / log_fork (`log` is older than the head E
  /// signed, or differs from it at that seq). Then the reveal, with the proof of possession over the transcript hash.
  Result<RequesterConfirmation> on_response(std::span<const std::uint8_t> response, const VerifiedLog& log,
                                            std::uint64_t now);

  /// The transcript hash (zero before a successful on_response).
  const LogHash& transcript_hash() const noexcept { return transcript_hash_; }
  /// After E approved: ok if `log` (the account's, verified) holds this device with its keys, name and transcript
  /// hash. bad_state before on_response; device_not_enrolled if it does not hold this device; enrollment_invalid if
  /// it holds it with anything else (another enrollment was approved under this device id).
  Error check_enrolled(const VerifiedLog& log) const;

 private:
  enum class State { waiting, revealed, failed };
  EnrollmentRequester(SigningKey key, DeviceRecord device) : key_(std::move(key)), device_(std::move(device)) {}
  SigningKey key_;
  DeviceRecord device_;  ///< transcript_hash filled by on_response
  EnrollmentRequestId request_id_;
  std::uint64_t expires_ = 0;
  std::array<std::uint8_t, 32> nonce_{};
  std::vector<std::uint8_t> request_;
  UserId user_;
  LogHash transcript_hash_{};
  State state_ = State::waiting;
};

/// What the enrolled device gets from a valid reveal: the SAS to show, and the device to add once the user confirmed
/// that both SAS are equal.
struct COFFRE_API ApproverConfirmation {
  std::string sas;
  DeviceRecord device;         ///< N as the add-device entry will record it (with the transcript hash)
  SigningKey::Signature pop;   ///< N's proof of possession, verified
  LogHash transcript_hash{};
};

/// The enrolled device's side.
class COFFRE_API EnrollmentApprover {
 public:
  /// N's request, answered by `own` (this device) for the account of `log` (verified, current). In this order:
  /// device_not_enrolled (`own` is not an enrolled device of `log` with this signing key), enrollment_invalid
  /// (malformed request, a lifetime of 0 or above 10 minutes, the recovery recipient id as device id),
  /// enrollment_expired (now >= expires, or created more than 10 minutes after `now`), enrollment_replayed (the
  /// request id is in `used`), already_exists (N's device id was added to the log before). On success the request
  /// id is recorded in `used`.
  static Result<EnrollmentApprover> on_request(std::span<const std::uint8_t> request, const DeviceKeys& own,
                                               const VerifiedLog& log, std::uint64_t now,
                                               UsedEnrollmentRequests& used, Rng& rng);

  const std::vector<std::uint8_t>& response() const noexcept { return response_; }
  const EnrollmentRequestId& request_id() const noexcept { return request_id_; }
  const UserId& user() const noexcept { return user_; }
  /// The enrolled device that answered the request (and must author the add-device entry).
  const DeviceId& answered_by() const noexcept { return answered_by_; }
  /// N as its request describes it (transcript hash zero until on_reveal succeeds).
  const DeviceRecord& requester() const noexcept { return device_; }

  /// N's reveal. In this order: bad_state (not waiting for a reveal), enrollment_expired (now >= expires),
  /// enrollment_invalid (malformed, another request id, a nonce that does not match the commitment),
  /// signature_invalid (the proof of possession does not verify).
  Result<ApproverConfirmation> on_reveal(std::span<const std::uint8_t> reveal, std::uint64_t now);
  /// The result of the successful on_reveal (nullopt before).
  const std::optional<ApproverConfirmation>& confirmation() const noexcept { return confirmation_; }

 private:
  enum class State { waiting, revealed, failed };
  explicit EnrollmentApprover(DeviceRecord device) : device_(std::move(device)) {}
  DeviceRecord device_;
  EnrollmentRequestId request_id_;
  std::uint64_t expires_ = 0;
  std::array<std::uint8_t, 32> commitment_{};
  std::vector<std::uint8_t> request_;
  std::vector<std::uint8_t> response_;  ///< with its signature (the transcript uses the part before it)
  UserId user_;
  DeviceId answered_by_;
  std::optional<ApproverConfirmation> confirmation_;
  State state_ = State::waiting;
};

/// A completed exchange checked without either side's state (a third party, a test vector): the three messages are
/// well formed and belong together (one request id, a nonce that opens the request's commitment), and the reveal's
/// proof of possession verifies under the request's signing key over the transcript hash. enrollment_invalid or
/// signature_invalid otherwise. It does not check the response's signature, the log head or the times: those need
/// the log and a clock (the state machines check them).
struct COFFRE_API EnrollmentTranscript {
  LogHash transcript_hash{};
  std::string sas;
};
COFFRE_API Result<EnrollmentTranscript> enrollment_transcript(std::span<const std::uint8_t> request,
                                                              std::span<const std::uint8_t> response,
                                                              std::span<const std::uint8_t> reveal);

/// What E uploads once the user confirmed the SAS: the add-device entry (appended after log.head) and the root key
/// of log.root_epoch wrapped to N.
struct COFFRE_API EnrollmentApproval {
  std::vector<std::uint8_t> entry;
  RootWrap wrap;
};
/// The entry is authored by `own`, the approving device (the one that answered the request). bad_state: `approver`
/// has no successful on_reveal. invalid_argument: `log` is another account's, `root` is not of log.root_epoch,
/// `secrets` do not hold the log's identity key, or `own` is not the device that answered. device_not_enrolled /
/// device_revoked: `own` is no longer enrolled. already_exists: N was added in the meantime.
COFFRE_API Result<EnrollmentApproval> approve(const EnrollmentApprover& approver, const VerifiedLog& log,
                                              const AccountSecrets& secrets, const RootKey& root, const DeviceKeys& own,
                                              Rng& rng);

}  // namespace coffre
