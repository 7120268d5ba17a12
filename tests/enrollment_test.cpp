// Enrolling a device (docs/SPEC.md section 12), with the store as a malicious relay: it substitutes, replays, delays,
// forges and modifies the messages between the new device N and the enrolled device E.
#include "account_support.hpp"

#include <coffre/account.hpp>
#include <coffre/enrollment.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>

using namespace coffre;
using namespace coffre::test;
using acct::kNow;
namespace spec = acct::spec;

namespace {

constexpr std::string_view kName = "new phone";

std::array<std::uint8_t, 16> request_id_of(const Bytes& request) {
  std::array<std::uint8_t, 16> id{};
  std::copy_n(request.begin() + 6, 16, id.begin());
  return id;
}

Bytes nonce_of_reveal(const Bytes& reveal) { return Bytes(reveal.begin() + 22, reveal.begin() + 54); }

EnrollmentRequester start(const DeviceKeys& n, std::uint8_t seed_n = 1, std::uint64_t now = kNow,
                          std::uint64_t lifetime = kEnrollmentMaxLifetime) {
  auto rng = acct::rng_for('N', seed_n);
  auto r = EnrollmentRequester::start(n, std::string(kName), now, rng, lifetime);
  REQUIRE(r.ok());
  return std::move(r).take();
}

Result<EnrollmentApprover> answer(const acct::Account& a, std::span<const std::uint8_t> request,
                                  std::uint64_t now = kNow + 5, UsedEnrollmentRequests* used = nullptr) {
  UsedEnrollmentRequests fresh;
  auto rng = acct::rng_for('E', 1);
  return EnrollmentApprover::on_request(request, a.first, a.s(), now, used ? *used : fresh, rng);
}

bool six_digits(const std::string& s) {
  return s.size() == 6 && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

TEST_CASE("honest enrollment: both devices show the same SAS, N ends up enrolled with the account's secrets") {
  auto a = acct::account(30);
  auto n = acct::device(40);
  auto req = start(n);
  const Bytes request = req.request();

  UsedEnrollmentRequests used;
  auto appr = answer(a, request, kNow + 5, &used);
  REQUIRE(appr.error() == Error::ok);
  CHECK(used.contains(req.request_id()));
  CHECK(appr.value().requester() == n.record(std::string(kName)));

  auto nc = req.on_response(appr.value().response(), a.s(), kNow + 10);
  REQUIRE(nc.error() == Error::ok);
  auto ec = appr.value().on_reveal(nc.value().reveal, kNow + 12);
  REQUIRE(ec.error() == Error::ok);

  CHECK(six_digits(nc.value().sas));
  CHECK(nc.value().sas == ec.value().sas);
  CHECK(req.transcript_hash() == ec.value().transcript_hash);
  CHECK(ec.value().device == n.record(std::string(kName), req.transcript_hash()));
  MESSAGE("SAS of the honest run: " << nc.value().sas);

  // The three messages follow section 12 byte for byte (an independent encoder of the spec agrees).
  const Bytes& response = appr.value().response();
  const Bytes& reveal = nc.value().reveal;
  REQUIRE(request.size() == 1350 + kName.size());
  REQUIRE(response.size() == 198);
  REQUIRE(reveal.size() == 118);
  Bytes nonce_n = nonce_of_reveal(reveal);
  auto id = request_id_of(request);
  CHECK(spec::request(id, kNow, kNow + 600, n.record(std::string(kName)), nonce_n) == request);
  auto vk = a.first.sign_key.verify_key();
  CHECK(vk.verify("coffre/v1/enroll/response", std::span(response).first(134), std::span(response).subspan(134)) ==
        Error::ok);
  Bytes nonce_e(response.begin() + 102, response.begin() + 134);
  CHECK(spec::response(id, a.user(), a.first.id, a.s().head, nonce_e, a.first.sign_key) == response);
  LogHash th = spec::transcript(request, response, nonce_n);
  CHECK(th == req.transcript_hash());
  CHECK(spec::sas(th) == nc.value().sas);
  auto pop = device_pop(n.sign_key, a.user(), n.record(std::string(kName), th)).take();
  CHECK(spec::reveal(id, nonce_n, pop) == reveal);

  // E appends the add-device entry and wraps the root key; N finds itself in the log and opens the account.
  auto rng = acct::rng_for('E', 2);
  auto approval = approve(appr.value(), a.s(), a.secrets(), a.root(), a.first, rng);
  REQUIRE(approval.error() == Error::ok);
  CHECK(req.check_enrolled(a.s()) == Error::device_not_enrolled);  // not yet appended
  a.append({approval.value().entry});
  CHECK(req.check_enrolled(a.s()) == Error::ok);
  CHECK(a.s().find(n.id)->transcript_hash == th);
  CHECK(approval.value().wrap.recipient == n.id);

  auto root = unwrap_root_key(n.kem_key, a.user(), n.id, a.s().root_epoch, approval.value().wrap.bytes);
  REQUIRE(root.ok());
  auto secrets = open_account_state(root.value(), a.user(), a.created->sealed_state);
  REQUIRE(secrets.ok());
  CHECK(check_account_secrets(secrets.value(), a.s()) == Error::ok);

  // Each state machine runs once.
  CHECK(req.on_response(response, a.s(), kNow + 10).error() == Error::bad_state);
  CHECK(appr.value().on_reveal(reveal, kNow + 12).error() == Error::bad_state);
  // Approving twice: the log refuses the device a second time.
  CHECK(approve(appr.value(), a.s(), a.secrets(), a.root(), a.first, rng).error() == Error::already_exists);
}

TEST_CASE("MITM: the relay substitutes its own request; the SAS and transcripts differ, N is not enrolled") {
  auto a = acct::account(31);
  auto n = acct::device(41);
  auto m = acct::device(42);  // the relay's own device, which it wants enrolled
  auto req = start(n);
  auto id = request_id_of(req.request());

  // The relay keeps N's request id (so that E's response names it) and puts its own keys and nonce.
  Bytes nonce_m = random_bytes(32, 9);
  Bytes forged = spec::request(id, kNow, kNow + 600, m.record(std::string(kName)), nonce_m);
  auto appr = answer(a, forged);
  REQUIRE(appr.ok());

  // N accepts E's response: it is E's, for N's request id.
  auto nc = req.on_response(appr.value().response(), a.s(), kNow + 10);
  REQUIRE(nc.error() == Error::ok);

  // Forwarding N's reveal to E fails: N's nonce does not open the relay's commitment.
  {
    auto appr2 = answer(a, forged);
    CHECK(appr2.value().on_reveal(nc.value().reveal, kNow + 12).error() == Error::enrollment_invalid);
  }
  // The relay reveals its own nonce with its own proof of possession over E's transcript.
  LogHash th_m = spec::transcript(forged, appr.value().response(), nonce_m);
  auto pop_m = device_pop(m.sign_key, a.user(), m.record(std::string(kName), th_m)).take();
  auto ec = appr.value().on_reveal(spec::reveal(id, nonce_m, pop_m), kNow + 12);
  REQUIRE(ec.error() == Error::ok);

  CHECK(ec.value().transcript_hash == th_m);
  CHECK(ec.value().transcript_hash != req.transcript_hash());
  CHECK(ec.value().sas != nc.value().sas);
  MESSAGE("MITM: N shows " << nc.value().sas << ", E shows " << ec.value().sas);

  // A user who confirms anyway enrols the relay's device, not N: N notices in the log.
  auto rng = acct::rng_for('E', 3);
  auto approval = approve(appr.value(), a.s(), a.secrets(), a.root(), a.first, rng).take();
  a.append({approval.entry});
  CHECK(a.s().contains(m.id));
  CHECK(req.check_enrolled(a.s()) == Error::device_not_enrolled);

  // Over many relay attempts (each a fresh request id, as E refuses replays), the SAS never matched here.
  int equal = 0;
  for (std::uint8_t i = 0; i < 32; ++i) {
    auto b = acct::account(32);
    auto r = start(n, static_cast<std::uint8_t>(10 + i));
    auto rid = request_id_of(r.request());
    Bytes nm = random_bytes(32, static_cast<std::uint8_t>(100 + i));
    Bytes f = spec::request(rid, kNow, kNow + 600, m.record(std::string(kName)), nm);
    auto e = answer(b, f);
    auto ncf = r.on_response(e.value().response(), b.s(), kNow + 10).take();
    LogHash t = spec::transcript(f, e.value().response(), nm);
    auto p = device_pop(m.sign_key, b.user(), m.record(std::string(kName), t)).take();
    auto ecf = e.value().on_reveal(spec::reveal(rid, nm, p), kNow + 12).take();
    equal += ecf.sas == ncf.sas;
  }
  CHECK(equal == 0);
}

TEST_CASE("a relay that modifies any byte of N's request is caught before the SAS") {
  auto a = acct::account(33);
  auto n = acct::device(43);
  const Bytes request = start(n).request();
  std::size_t refused_by_e = 0, refused_by_n = 0, refused_at_reveal = 0;
  for (std::size_t i = 0; i < request.size(); ++i) {
    Bytes t = request;
    t[i] ^= 0x01;
    auto e = answer(a, t);
    if (!e) {
      ++refused_by_e;
      continue;
    }
    auto req = start(n);  // the same N (same seed): N's state for the original request
    auto nc = req.on_response(e.value().response(), a.s(), kNow + 10);
    if (!nc) {
      CHECK(nc.error() == Error::enrollment_invalid);  // the request id was modified
      ++refused_by_n;
      continue;
    }
    auto ec = e.value().on_reveal(nc.value().reveal, kNow + 12);
    CHECK_MESSAGE(!ec.ok(), "byte " << i);
    ++refused_at_reveal;  // commitment mismatch, or N's pop over another transcript
  }
  MESSAGE("request bytes refused by E: " << refused_by_e << ", by N: " << refused_by_n
                                         << ", at the reveal: " << refused_at_reveal);
  CHECK(refused_by_e + refused_by_n + refused_at_reveal == request.size());
}

TEST_CASE("replayed request: E answers a request id once") {
  auto a = acct::account(34);
  auto n = acct::device(44);
  const Bytes request = start(n).request();
  UsedEnrollmentRequests used;
  REQUIRE(answer(a, request, kNow + 5, &used).ok());
  CHECK(answer(a, request, kNow + 6, &used).error() == Error::enrollment_replayed);
  // Even with another nonce and keys under the same id.
  Bytes other = spec::request(request_id_of(request), kNow, kNow + 600, acct::device(45).record("x"),
                              random_bytes(32, 4));
  CHECK(answer(a, other, kNow + 6, &used).error() == Error::enrollment_replayed);

  // Pruning keeps the id while the request is alive; once it expired the request is refused as expired anyway.
  used.prune(kNow + 599);
  CHECK(answer(a, request, kNow + 599, &used).error() == Error::enrollment_replayed);
  used.prune(kNow + 600);
  CHECK(used.entries().empty());
  CHECK(answer(a, request, kNow + 600, &used).error() == Error::enrollment_expired);
}

TEST_CASE("expired requests and late messages") {
  auto a = acct::account(35);
  auto n = acct::device(46);
  const Bytes request = start(n).request();
  CHECK(answer(a, request, kNow + 599).ok());
  CHECK(answer(a, request, kNow + 600).error() == Error::enrollment_expired);
  CHECK(answer(a, request, kNow + 100000).error() == Error::enrollment_expired);

  // Lifetimes and clocks.
  auto rec = acct::device(47).record("x");
  Bytes nonce = random_bytes(32, 5);
  std::array<std::uint8_t, 16> id{};
  auto with_times = [&](std::uint64_t created, std::uint64_t expires) {
    id[0]++;
    return answer(a, spec::request(id, created, expires, rec, nonce), kNow).error();
  };
  CHECK(with_times(kNow - 599, kNow + 1) == Error::ok);
  CHECK(with_times(kNow - 600, kNow + 1) == Error::enrollment_invalid);  // lifetime above 10 minutes
  CHECK(with_times(kNow, kNow) == Error::enrollment_invalid);            // empty lifetime
  CHECK(with_times(kNow + 5, kNow) == Error::enrollment_invalid);        // expires before it is created
  CHECK(with_times(kNow + 600, kNow + 1200) == Error::ok);               // N's clock 10 minutes ahead
  CHECK(with_times(kNow + 601, kNow + 1201) == Error::enrollment_expired);  // further ahead: refused
  CHECK(with_times(0, UINT64_MAX) == Error::enrollment_invalid);

  auto rng = acct::rng_for('N', 1);
  CHECK(EnrollmentRequester::start(n, "x", kNow, rng, 0).error() == Error::invalid_argument);
  CHECK(EnrollmentRequester::start(n, "x", kNow, rng, 601).error() == Error::invalid_argument);
  CHECK(EnrollmentRequester::start(n, "x", UINT64_MAX - 10, rng, 600).error() == Error::invalid_argument);
  CHECK(EnrollmentRequester::start(n, std::string(65, 'x'), kNow, rng).error() == Error::invalid_argument);
  CHECK(EnrollmentRequester::start(n, "\xff", kNow, rng).error() == Error::invalid_argument);

  // A response that reaches N after its request expired; a reveal that reaches E after it.
  {
    auto req = start(n, 2, kNow, 60);
    auto e = answer(a, req.request(), kNow + 1);
    REQUIRE(e.ok());
    CHECK(req.on_response(e.value().response(), a.s(), kNow + 60).error() == Error::enrollment_expired);
    CHECK(req.on_response(e.value().response(), a.s(), kNow + 10).error() == Error::bad_state);  // final
  }
  {
    auto req = start(n, 3, kNow, 60);
    auto e = answer(a, req.request(), kNow + 1);
    auto nc = req.on_response(e.value().response(), a.s(), kNow + 2);
    REQUIRE(nc.ok());
    CHECK(e.value().on_reveal(nc.value().reveal, kNow + 60).error() == Error::enrollment_expired);
  }
}

TEST_CASE("reveal that does not match the commitment, the request, or N's key") {
  auto a = acct::account(36);
  auto n = acct::device(48);
  auto req = start(n);
  auto e0 = answer(a, req.request());
  auto nc = req.on_response(e0.value().response(), a.s(), kNow + 10).take();
  const Bytes reveal = nc.reveal;
  auto fresh = [&] { return answer(a, req.request()).take(); };  // E's state for the same request and response
  REQUIRE(fresh().on_reveal(reveal, kNow + 12).ok());

  Bytes other_nonce = reveal;
  other_nonce[30] ^= 1;
  CHECK(fresh().on_reveal(other_nonce, kNow + 12).error() == Error::enrollment_invalid);
  Bytes other_id = reveal;
  other_id[7] ^= 1;
  CHECK(fresh().on_reveal(other_id, kNow + 12).error() == Error::enrollment_invalid);
  Bytes bad_pop = reveal;
  bad_pop[100] ^= 1;
  CHECK(fresh().on_reveal(bad_pop, kNow + 12).error() == Error::signature_invalid);
  // A pop by another key over the right message.
  auto m = acct::device(49);
  auto pop_m = device_pop(m.sign_key, a.user(), m.record(std::string(kName), req.transcript_hash())).take();
  Bytes nonce_n = nonce_of_reveal(reveal);
  CHECK(fresh().on_reveal(spec::reveal(request_id_of(req.request()), nonce_n, pop_m), kNow + 12).error() ==
        Error::signature_invalid);
  // A pop by N over another transcript (as if for another response).
  LogHash other_th{};
  other_th[0] = 1;
  auto pop_other = device_pop(n.sign_key, a.user(), n.record(std::string(kName), other_th)).take();
  CHECK(fresh().on_reveal(spec::reveal(request_id_of(req.request()), nonce_n, pop_other), kNow + 12).error() ==
        Error::signature_invalid);

  // Every byte, truncation and extension.
  for (std::size_t i = 0; i < reveal.size(); ++i) {
    Bytes t = reveal;
    t[i] ^= 0x40;
    Error want = i < 54 ? Error::enrollment_invalid : Error::signature_invalid;
    CHECK_MESSAGE(fresh().on_reveal(t, kNow + 12).error() == want, "byte " << i);
  }
  CHECK(fresh().on_reveal(std::span(reveal).first(117), kNow + 12).error() == Error::enrollment_invalid);
  Bytes longer = reveal;
  longer.push_back(0);
  CHECK(fresh().on_reveal(longer, kNow + 12).error() == Error::enrollment_invalid);

  // After a failure the approver is finished.
  auto e = fresh();
  CHECK(e.on_reveal(other_nonce, kNow + 12).error() == Error::enrollment_invalid);
  CHECK(e.on_reveal(reveal, kNow + 12).error() == Error::bad_state);
  auto rng = acct::rng_for('E', 4);
  CHECK(approve(e, a.s(), a.secrets(), a.root(), a.first, rng).error() == Error::bad_state);
}

TEST_CASE("responses N refuses: not from an enrolled device, not E's signature, another request or user") {
  auto a = acct::account(37);
  auto n = acct::device(50);
  auto m = acct::device(51);  // never enrolled
  auto probe = start(n);
  auto id = request_id_of(probe.request());
  Bytes nonce_e = random_bytes(32, 6);
  auto respond = [&](const Bytes& response, const VerifiedLog& log) {
    auto req = start(n);
    return req.on_response(response, log, kNow + 10).error();
  };
  REQUIRE(respond(spec::response(id, a.user(), a.first.id, a.s().head, nonce_e, a.first.sign_key), a.s()) ==
          Error::ok);

  // Signed by a device that is not in the log, under its own id or E's.
  CHECK(respond(spec::response(id, a.user(), m.id, a.s().head, nonce_e, m.sign_key), a.s()) ==
        Error::device_not_enrolled);
  CHECK(respond(spec::response(id, a.user(), a.first.id, a.s().head, nonce_e, m.sign_key), a.s()) ==
        Error::signature_invalid);
  // For another request id, another user.
  auto other_id = id;
  other_id[0] ^= 1;
  CHECK(respond(spec::response(other_id, a.user(), a.first.id, a.s().head, nonce_e, a.first.sign_key), a.s()) ==
        Error::enrollment_invalid);
  UserId other_user = a.user();
  other_user.bytes[15] ^= 1;
  CHECK(respond(spec::response(id, other_user, a.first.id, a.s().head, nonce_e, a.first.sign_key), a.s()) ==
        Error::enrollment_invalid);
  // E signed a head that N's log does not contain: N's log is older, or forked at that seq.
  LogHead ahead{a.s().head.seq + 1, a.s().head.hash};
  CHECK(respond(spec::response(id, a.user(), a.first.id, ahead, nonce_e, a.first.sign_key), a.s()) ==
        Error::log_rollback);
  LogHead forked = a.s().head;
  forked.hash[0] ^= 1;
  CHECK(respond(spec::response(id, a.user(), a.first.id, forked, nonce_e, a.first.sign_key), a.s()) ==
        Error::log_fork);

  // A device that was revoked: its responses are refused, and it cannot answer requests any more.
  auto x = acct::device(52);
  a.add(x);
  const VerifiedLog before = a.s();
  auto rng = acct::rng_for('V', 4);
  a.append({plan_revocation(a.s(), a.secrets(), a.first, x.id, rng).take().entry});
  Bytes from_x = spec::response(id, a.user(), x.id, before.head, nonce_e, x.sign_key);
  CHECK(respond(from_x, before) == Error::ok);
  CHECK(respond(from_x, a.s()) == Error::device_not_enrolled);
  UsedEnrollmentRequests used;
  CHECK(EnrollmentApprover::on_request(probe.request(), x, a.s(), kNow, used, rng).error() ==
        Error::device_not_enrolled);
  CHECK(used.entries().empty());

  // Every byte of an honest response, truncation and extension.
  auto e = answer(a, probe.request());
  const Bytes response = e.value().response();
  for (std::size_t i = 0; i < response.size(); ++i) {
    Bytes t = response;
    t[i] ^= 0x01;
    CHECK_MESSAGE(respond(t, a.s()) != Error::ok, "byte " << i);
  }
  CHECK(respond(Bytes(response.begin(), response.end() - 1), a.s()) == Error::enrollment_invalid);
  Bytes longer = response;
  longer.push_back(0);
  CHECK(respond(longer, a.s()) == Error::enrollment_invalid);
  CHECK(respond(response, a.s()) == Error::ok);
}

TEST_CASE("requests E refuses, and approve's preconditions") {
  auto a = acct::account(38);
  auto n = acct::device(53);
  const Bytes request = start(n).request();

  // E itself must be enrolled with this key.
  auto rng = acct::rng_for('E', 5);
  UsedEnrollmentRequests used;
  auto stranger = acct::device(54);
  CHECK(EnrollmentApprover::on_request(request, stranger, a.s(), kNow, used, rng).error() ==
        Error::device_not_enrolled);
  auto impostor = DeviceKeys::from_seeds(a.first.id, stranger.sign_key.seed().reveal(),
                                         a.first.kem_key.secret().reveal()).take();
  CHECK(EnrollmentApprover::on_request(request, impostor, a.s(), kNow, used, rng).error() ==
        Error::device_not_enrolled);

  // Malformed requests.
  CHECK(answer(a, std::span(request).first(request.size() - 1)).error() == Error::enrollment_invalid);
  Bytes longer = request;
  longer.push_back(0);
  CHECK(answer(a, longer).error() == Error::enrollment_invalid);
  CHECK(answer(a, Bytes{}).error() == Error::enrollment_invalid);
  std::array<std::uint8_t, 16> id{1};
  Bytes nonce = random_bytes(32, 7);
  auto bad_name = n.record("x");
  bad_name.name = "\xc0\x80";  // overlong encoding
  CHECK(answer(a, spec::request(id, kNow, kNow + 60, bad_name, nonce)).error() == Error::enrollment_invalid);
  auto recovery_id = n.record("x");
  recovery_id.id = recovery_recipient_id();
  CHECK(answer(a, spec::request(id, kNow, kNow + 60, recovery_id, nonce)).error() == Error::enrollment_invalid);
  Bytes bad_kem = spec::request(id, kNow, kNow + 60, n.record("x"), nonce);
  std::fill(bad_kem.begin() + 98 + 1184, bad_kem.begin() + 98 + 1216, 0);  // small-order X25519 part
  CHECK(answer(a, bad_kem).error() == Error::enrollment_invalid);

  // A device id that is (or was) in the log.
  CHECK(answer(a, spec::request(id, kNow, kNow + 60, a.first.record("x"), nonce)).error() == Error::already_exists);

  // approve: after a successful reveal only, for this account's log and epoch.
  auto req = start(n);
  auto e = answer(a, req.request()).take();
  CHECK(approve(e, a.s(), a.secrets(), a.root(), a.first, rng).error() == Error::bad_state);
  auto nc = req.on_response(e.response(), a.s(), kNow + 10).take();
  REQUIRE(e.on_reveal(nc.reveal, kNow + 11).ok());
  auto other = acct::account(39);
  CHECK(approve(e, other.s(), other.secrets(), other.root(), a.first, rng).error() == Error::invalid_argument);
  auto root2 = RootKey::from_bytes(a.root().secret().reveal(), 2).take();
  CHECK(approve(e, a.s(), a.secrets(), root2, a.first, rng).error() == Error::invalid_argument);
  CHECK(approve(e, a.s(), other.secrets(), a.root(), a.first, rng).error() == Error::invalid_argument);
  // Only the device that answered the request authors the entry (it saw the SAS).
  CHECK(approve(e, a.s(), a.secrets(), a.root(), acct::device(60), rng).error() == Error::invalid_argument);
  CHECK(req.check_enrolled(other.s()) == Error::enrollment_invalid);
  CHECK(approve(e, a.s(), a.secrets(), a.root(), a.first, rng).ok());
}

TEST_CASE("enrollment crypto time on each side (native; target < 20 ms)") {
  using Clock = std::chrono::steady_clock;
  auto a = acct::account(40);
  auto n = acct::device(55);
  std::vector<double> n_ms, e_ms;
  for (std::uint8_t i = 0; i < 15; ++i) {
    auto rng_n = acct::rng_for('N', static_cast<std::uint8_t>(50 + i));
    auto rng_e = acct::rng_for('E', static_cast<std::uint8_t>(50 + i));
    UsedEnrollmentRequests used;
    double tn = 0, te = 0;
    auto t0 = Clock::now();
    auto req = EnrollmentRequester::start(n, std::string(kName), kNow, rng_n).take();
    auto t1 = Clock::now();
    auto appr = EnrollmentApprover::on_request(req.request(), a.first, a.s(), kNow + 1, used, rng_e).take();
    auto t2 = Clock::now();
    auto nc = req.on_response(appr.response(), a.s(), kNow + 2).take();
    auto t3 = Clock::now();
    auto ec = appr.on_reveal(nc.reveal, kNow + 3).take();
    auto approval = approve(appr, a.s(), a.secrets(), a.root(), a.first, rng_e).take();
    auto t4 = Clock::now();
    auto log = verify_appended(a.s(), std::vector<Bytes>{approval.entry}, 1).take();
    REQUIRE(req.check_enrolled(log) == Error::ok);
    auto root = unwrap_root_key(n.kem_key, a.user(), n.id, 1, approval.wrap.bytes).take();
    auto secrets = open_account_state(root, a.user(), a.created->sealed_state).take();
    REQUIRE(check_account_secrets(secrets, log) == Error::ok);
    auto t5 = Clock::now();
    auto ms = [](auto d) { return std::chrono::duration<double, std::milli>(d).count(); };
    tn = ms(t1 - t0) + ms(t3 - t2) + ms(t5 - t4);
    te = ms(t2 - t1) + ms(t4 - t3);
    CHECK(ec.sas == nc.sas);
    n_ms.push_back(tn);
    e_ms.push_back(te);
  }
  std::sort(n_ms.begin(), n_ms.end());
  std::sort(e_ms.begin(), e_ms.end());
  char line[200];
  std::snprintf(line, sizeof line,
                "enrollment crypto, median of 15: new device %.3f ms (start, response, log check + unwrap + "
                "open), enrolled device %.3f ms (request, reveal, approve)",
                n_ms[7], e_ms[7]);
  MESSAGE(line);
  CHECK(n_ms[7] < 20.0);
  CHECK(e_ms[7] < 20.0);
}
