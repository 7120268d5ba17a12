// Enrolling a device (docs/SPEC.md section 12): request, response, reveal; commit-then-reveal and the SAS.
#include "account/device_log_detail.hpp"
#include "base/reader.hpp"
#include "base/bytes.hpp"
#include "crypto/kdf.hpp"

#include <coffre/coffre.hpp>
#include <coffre/enrollment.hpp>

#include <sodium.h>

#include <cstdio>

namespace coffre {

using namespace detail;

namespace {


constexpr std::uint8_t kTypeRequest = 0x01;
constexpr std::uint8_t kTypeResponse = 0x02;
constexpr std::uint8_t kTypeReveal = 0x03;
constexpr std::size_t kNonce = 32;
constexpr std::size_t kSig = SigningKey::kSignatureSize;
constexpr std::size_t kPrefix = 6;  // "CFRE" | 0x01 | type
// prefix | request_id | frame(user_id) | frame(E device_id) | u64 head seq | head hash | nonce_E, then the signature
constexpr std::size_t kResponseSigned =
    kPrefix + EnrollmentRequestId::kSize + 4 + UserId::kSize + 4 + DeviceId::kSize + 8 + 32 + kNonce;
constexpr std::size_t kResponseSize = kResponseSigned + kSig;
// prefix | request_id | nonce_N | pop
constexpr std::size_t kRevealSize = kPrefix + EnrollmentRequestId::kSize + kNonce + kSig;

std::array<std::uint8_t, kPrefix> prefix(std::uint8_t type) noexcept { return {'C', 'F', 'R', 'E', 0x01, type}; }



// H("coffre/v1/enroll/commit", nonce_N, N sign_pk, N kem_pk)
LogHash commitment(ByteView nonce, const DeviceRecord& n) noexcept {
  return hash(label::enroll_commit, {nonce, n.sign_pk.bytes(), n.kem_pk.bytes()});
}

// H("coffre/v1/enroll/transcript", request, response without signature, nonce_N)
LogHash transcript(ByteView request, ByteView response_signed, ByteView nonce) noexcept {
  return hash(label::enroll_transcript, {request, response_signed, nonce});
}


bool was_ever_added(const VerifiedLog& log, const DeviceId& id) noexcept {
  auto same = [&id](const DeviceRecord& d) { return d.id == id; };
  return std::any_of(log.devices.begin(), log.devices.end(), same) ||
         std::any_of(log.revoked.begin(), log.revoked.end(), same);
}

struct ParsedRequest {
  EnrollmentRequestId id;
  std::uint64_t created = 0;
  std::uint64_t expires = 0;
  DeviceRecord device;
  std::array<std::uint8_t, 32> commitment{};
};

std::optional<ParsedRequest> parse_request(ByteView in) {
  ByteReader r(in);
  ByteView id, device_id, sign_pk, kem_pk, name, commit;
  std::uint64_t created = 0, expires = 0;
  if (!r.literal(prefix(kTypeRequest)) || !r.bytes(EnrollmentRequestId::kSize, id) || !r.u64(created) ||
      !r.u64(expires) || !r.fixed_frame(device_id, DeviceId::kSize) || !r.fixed_frame(sign_pk, VerifyKey::kSize) ||
      !r.fixed_frame(kem_pk, XWingPublicKey::kSize) || !r.frame(name, 0, kDeviceNameMaxSize) || !utf8_valid(name) ||
      !r.bytes(32, commit) || !r.done()) {
    return std::nullopt;
  }
  auto kem = XWingPublicKey::from_bytes(kem_pk);  // the checks of section 8.2
  if (!kem) return std::nullopt;
  return ParsedRequest{EnrollmentRequestId{copy_array<EnrollmentRequestId::kSize>(id)},
                       created,
                       expires,
                       DeviceRecord{DeviceId{copy_array<DeviceId::kSize>(device_id)},
                                    VerifyKey::from_bytes(sign_pk).take(), std::move(kem).take(),
                                    std::string(name.begin(), name.end()), LogHash{}},
                       copy_array<32>(commit)};
}

struct ParsedResponse {
  EnrollmentRequestId request_id;
  UserId user;
  DeviceId approver;
  LogHead head;
  ByteView signed_part;
  ByteView signature;
};

std::optional<ParsedResponse> parse_response(ByteView in) {
  ByteReader r(in);
  ByteView id, user, approver, head_hash, nonce, sig;
  std::uint64_t seq = 0;
  if (in.size() != kResponseSize || !r.literal(prefix(kTypeResponse)) || !r.bytes(EnrollmentRequestId::kSize, id) ||
      !r.fixed_frame(user, UserId::kSize) || !r.fixed_frame(approver, DeviceId::kSize) || !r.u64(seq) ||
      !r.bytes(32, head_hash) || !r.bytes(kNonce, nonce) || !r.bytes(kSig, sig) || !r.done()) {
    return std::nullopt;
  }
  return ParsedResponse{EnrollmentRequestId{copy_array<EnrollmentRequestId::kSize>(id)},
                        UserId{copy_array<UserId::kSize>(user)},
                        DeviceId{copy_array<DeviceId::kSize>(approver)},
                        LogHead{seq, copy_array<32>(head_hash)},
                        in.first(kResponseSigned),
                        sig};
}

// E's checks of a reveal (SPEC section 12, E on a reveal, steps 2 and 3): its layout and request id, the nonce against
// the commitment, and N's proof of possession over the transcript hash.
Result<ApproverConfirmation> check_reveal(ByteView reveal, const EnrollmentRequestId& request_id,
                                          const std::array<std::uint8_t, 32>& commitment_of_request, ByteView request,
                                          ByteView response_signed, const UserId& user, const DeviceRecord& requester) {
  ByteReader r(reveal);
  ByteView id, nonce, pop;
  if (reveal.size() != kRevealSize || !r.literal(prefix(kTypeReveal)) || !r.bytes(EnrollmentRequestId::kSize, id) ||
      !r.bytes(kNonce, nonce) || !r.bytes(kSig, pop) || !r.done() ||
      !std::equal(id.begin(), id.end(), request_id.bytes.begin())) {
    return Error::enrollment_invalid;
  }
  if (!equal_ct(commitment(nonce, requester), commitment_of_request)) return Error::enrollment_invalid;

  DeviceRecord device = requester;
  device.transcript_hash = transcript(request, response_signed, nonce);
  COFFRE_TRY(device.sign_pk.verify(label::log_device_pop, device_pop_message(user, device), pop));
  return ApproverConfirmation{enrollment_sas(device.transcript_hash), device, copy_array<kSig>(pop),
                              device.transcript_hash};
}

}  // namespace

void UsedEnrollmentRequests::prune(std::uint64_t now) {
  std::erase_if(ids_, [now](const auto& entry) { return entry.second <= now; });
}

std::string enrollment_sas(const LogHash& transcript_hash) {
  LogHash h = hash(label::enroll_sas, {transcript_hash});
  char digits[8];
  std::snprintf(digits, sizeof digits, "%06u", static_cast<unsigned>(get_u32(h.data()) % 1000000u));
  return digits;
}

// --------------------------------------------------------------------------------------------------- requester

Result<EnrollmentRequester> EnrollmentRequester::start(const DeviceKeys& device, std::string name, std::uint64_t now,
                                                       Rng& rng, std::uint64_t lifetime) {
  COFFRE_TRY(init());
  if (!device_name_valid(name) || lifetime == 0 || lifetime > kEnrollmentMaxLifetime ||
      now > UINT64_MAX - lifetime || device.id == recovery_recipient_id()) {
    return Error::invalid_argument;
  }
  auto key = SigningKey::from_seed(device.sign_key.seed().reveal());
  if (!key) return key.error();
  EnrollmentRequester n(std::move(key).take(), device.record(std::move(name)));
  rng.fill(n.request_id_.bytes);
  rng.fill(n.nonce_);
  n.expires_ = now + lifetime;

  Bytes& q = n.request_;
  auto p = prefix(kTypeRequest);
  q.assign(p.begin(), p.end());
  append(q, n.request_id_.bytes);
  append_u64(q, now);
  append_u64(q, n.expires_);
  append_frame(q, n.device_.id.bytes);
  append_frame(q, n.device_.sign_pk.bytes());
  append_frame(q, n.device_.kem_pk.bytes());
  append_frame(q, as_bytes(n.device_.name));
  append(q, commitment(n.nonce_, n.device_));
  return n;
}

Result<RequesterConfirmation> EnrollmentRequester::on_response(std::span<const std::uint8_t> response,
                                                               const VerifiedLog& log, std::uint64_t now) {
  COFFRE_TRY(init());
  if (state_ != State::waiting) return Error::bad_state;
  state_ = State::failed;  // until everything below passed
  if (now >= expires_) return Error::enrollment_expired;
  auto r = parse_response(response);
  if (!r || r->request_id != request_id_ || r->user != log.user) return Error::enrollment_invalid;
  const DeviceRecord* approver = log.find(r->approver);
  if (approver == nullptr) return Error::device_not_enrolled;
  COFFRE_TRY(approver->sign_pk.verify(label::enroll_response, r->signed_part, r->signature));
  // The log this device verified must contain the head E signed.
  if (log.head.seq < r->head.seq) return Error::log_rollback;
  if (log.head.seq == r->head.seq && log.head.hash != r->head.hash) return Error::log_fork;

  user_ = r->user;
  transcript_hash_ = transcript(request_, r->signed_part, nonce_);
  device_.transcript_hash = transcript_hash_;
  auto pop = device_pop(key_, user_, device_);
  if (!pop) return pop.error();

  RequesterConfirmation c;
  auto p = prefix(kTypeReveal);
  c.reveal.assign(p.begin(), p.end());
  append(c.reveal, request_id_.bytes);
  append(c.reveal, nonce_);
  append(c.reveal, pop.value());
  c.sas = enrollment_sas(transcript_hash_);
  state_ = State::revealed;
  return c;
}

Error EnrollmentRequester::check_enrolled(const VerifiedLog& log) const {
  if (state_ != State::revealed) return Error::bad_state;
  if (log.user != user_) return Error::enrollment_invalid;
  const DeviceRecord* d = log.find(device_.id);
  if (d == nullptr) return Error::device_not_enrolled;
  return *d == device_ ? Error::ok : Error::enrollment_invalid;
}

// ---------------------------------------------------------------------------------------------------- approver

Result<EnrollmentApprover> EnrollmentApprover::on_request(std::span<const std::uint8_t> request,
                                                          const DeviceKeys& own, const VerifiedLog& log,
                                                          std::uint64_t now, UsedEnrollmentRequests& used, Rng& rng) {
  COFFRE_TRY(init());
  const DeviceRecord* self = log.find(own.id);
  if (self == nullptr || !(self->sign_pk == own.sign_key.verify_key())) return Error::device_not_enrolled;
  auto q = parse_request(request);
  if (!q || q->expires <= q->created || q->expires - q->created > kEnrollmentMaxLifetime ||
      q->device.id == recovery_recipient_id()) {
    return Error::enrollment_invalid;
  }
  if (now >= q->expires || (q->created > now && q->created - now > kEnrollmentMaxLifetime)) {
    return Error::enrollment_expired;
  }
  if (used.contains(q->id)) return Error::enrollment_replayed;
  if (was_ever_added(log, q->device.id)) return Error::already_exists;

  EnrollmentApprover e(std::move(q->device));
  e.request_id_ = q->id;
  e.expires_ = q->expires;
  e.commitment_ = q->commitment;
  e.request_.assign(request.begin(), request.end());
  e.user_ = log.user;
  e.answered_by_ = own.id;

  Bytes& s = e.response_;
  auto p = prefix(kTypeResponse);
  s.assign(p.begin(), p.end());
  append(s, e.request_id_.bytes);
  append_frame(s, log.user.bytes);
  append_frame(s, own.id.bytes);
  append_u64(s, log.head.seq);
  append(s, log.head.hash);
  std::array<std::uint8_t, kNonce> nonce{};
  rng.fill(nonce);
  append(s, nonce);
  auto sig = own.sign_key.sign(label::enroll_response, s);
  append(s, sig);

  used.record(e.request_id_, e.expires_);
  return e;
}

Result<ApproverConfirmation> EnrollmentApprover::on_reveal(std::span<const std::uint8_t> reveal, std::uint64_t now) {
  COFFRE_TRY(init());
  if (state_ != State::waiting) return Error::bad_state;
  state_ = State::failed;  // until everything below passed
  if (now >= expires_) return Error::enrollment_expired;
  auto checked = check_reveal(reveal, request_id_, commitment_, request_, std::span(response_).first(kResponseSigned),
                              user_, device_);
  if (!checked) return checked.error();
  confirmation_ = std::move(checked).take();
  device_ = confirmation_->device;
  state_ = State::revealed;
  return *confirmation_;
}

Result<EnrollmentTranscript> enrollment_transcript(std::span<const std::uint8_t> request,
                                                   std::span<const std::uint8_t> response,
                                                   std::span<const std::uint8_t> reveal) {
  COFFRE_TRY(init());
  auto q = parse_request(request);
  auto r = parse_response(response);
  if (!q || !r || r->request_id != q->id) return Error::enrollment_invalid;
  auto checked = check_reveal(reveal, q->id, q->commitment, request, r->signed_part, r->user, q->device);
  if (!checked) return checked.error();
  return EnrollmentTranscript{checked.value().transcript_hash, checked.value().sas};
}

Result<EnrollmentApproval> approve(const EnrollmentApprover& approver, const VerifiedLog& log,
                                   const AccountSecrets& secrets, const RootKey& root, const DeviceKeys& own, Rng& rng) {
  COFFRE_TRY(init());
  const auto& c = approver.confirmation();
  if (!c) return Error::bad_state;
  if (log.user != approver.user() || root.epoch() != log.root_epoch || own.id != approver.answered_by()) {
    return Error::invalid_argument;
  }
  auto entry = make_add_device(log, secrets.identity(), EntryAuthor{own.id, own.sign_key}, c->device, c->pop);
  if (!entry) return entry.error();
  auto wrap = wrap_root_key(root, log.user, c->device.id, c->device.kem_pk, rng);
  if (!wrap) return wrap.error();
  return EnrollmentApproval{std::move(entry).take(), RootWrap{c->device.id, std::move(wrap).take()}};
}

}  // namespace coffre
