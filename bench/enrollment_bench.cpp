// coffre_bench_enrollment: the crypto time of one device enrollment (docs/SPEC.md section 12) on each side, and of
// the account-state operations around it (section 11) and of a revocation (section 14). Target: < 20 ms per side,
// native.
//
//   new device N      : start (request), on_response (E's signature, transcript, pop, reveal, SAS), then finish:
//                       verify_appended of the add-device entry, check_enrolled, unwrap_root_key,
//                       open_account_state, check_account_secrets
//   enrolled device E : on_request (parse, X-Wing key check, signed response), on_reveal (commitment, pop),
//                       approve (add-device entry: identity signature + pop check; root wrap: X-Wing encapsulation)
//   pieces            : wrap_root_key, unwrap_root_key, seal/open_account_state, plan_revocation with D devices
//
// Usage: coffre_bench_enrollment [--runs N] [--devices D]. Prints medians in milliseconds, then one JSON line
// starting with {"bench":"coffre_enrollment"...}. Never a test: the machine is shared and the figures are noisy.
#include <coffre/account.hpp>
#include <coffre/coffre.hpp>
#include <coffre/enrollment.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {

using namespace coffre;
using Clock = std::chrono::steady_clock;
using Bytes = std::vector<std::uint8_t>;

constexpr std::uint64_t kNow = 1'800'000'000;

[[noreturn]] void die(const char* what, Error e) {
  std::fprintf(stderr, "coffre_bench_enrollment: %s: %s\n", what, std::string(error_code(e)).c_str());
  std::exit(1);
}

template <class T>
T take(Result<T> r, const char* what) {
  if (!r) die(what, r.error());
  return std::move(r).take();
}

void ok(Error e, const char* what) {
  if (e != Error::ok) die(what, e);
}

double ms_since(Clock::time_point t0) { return std::chrono::duration<double, std::milli>(Clock::now() - t0).count(); }

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  std::size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

struct Account {
  DeviceKeys first;
  AccountCreation created;
  VerifiedLog log;
};

Account make_account(Rng& rng, int devices) {
  auto first = take(DeviceKeys::generate(rng), "device");
  auto recovery = take(RecoveryKey::from_phrase(take(RecoveryPhrase::generate(rng), "phrase")), "recovery key");
  auto created = take(create_account(first, "laptop", recovery, rng), "account");
  std::vector<Bytes> entries{created.genesis_entry};
  auto log = take(verify_log(entries, std::nullopt), "verify_log");
  for (int i = 1; i < devices; ++i) {
    auto d = take(DeviceKeys::generate(rng), "device");
    auto rec = d.record("device " + std::to_string(i));
    auto pop = take(device_pop(d.sign_key, created.user, rec), "pop");
    auto e = take(make_add_device(log, created.secrets.identity(), EntryAuthor{first.id, first.sign_key}, rec, pop),
                  "add");
    log = take(verify_appended(log, std::vector<Bytes>{e}, 1), "verify_appended");
  }
  return Account{std::move(first), std::move(created), std::move(log)};
}

}  // namespace

int main(int argc, char** argv) {
  int runs = 51, devices = 10;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--runs") && i + 1 < argc) {
      runs = std::max(1, std::atoi(argv[++i]));
    } else if (!std::strcmp(argv[i], "--devices") && i + 1 < argc) {
      devices = std::max(2, std::atoi(argv[++i]));
    } else {
      std::fprintf(stderr, "usage: coffre_bench_enrollment [--runs N] [--devices D]\n");
      return 2;
    }
  }
  ok(init(), "init");
  Rng& rng = system_rng();
  Account a = make_account(rng, 1);
  auto n = take(DeviceKeys::generate(rng), "new device");

  std::vector<double> n_start, n_response, n_finish, e_request, e_reveal, e_approve, n_total, e_total;
  for (int r = 0; r < runs; ++r) {
    UsedEnrollmentRequests used;
    auto t = Clock::now();
    auto req = take(EnrollmentRequester::start(n, "new phone", kNow, rng), "start");
    n_start.push_back(ms_since(t));

    t = Clock::now();
    auto appr = take(EnrollmentApprover::on_request(req.request(), a.first, a.log, kNow + 1, used, rng), "request");
    e_request.push_back(ms_since(t));

    t = Clock::now();
    auto nc = take(req.on_response(appr.response(), a.log, kNow + 2), "response");
    n_response.push_back(ms_since(t));

    t = Clock::now();
    auto ec = take(appr.on_reveal(nc.reveal, kNow + 3), "reveal");
    e_reveal.push_back(ms_since(t));
    if (ec.sas != nc.sas) die("SAS differ", Error::enrollment_invalid);

    t = Clock::now();
    auto approval = take(approve(appr, a.log, a.created.secrets, a.created.root, a.first, rng), "approve");
    e_approve.push_back(ms_since(t));

    t = Clock::now();
    auto log = take(verify_appended(a.log, std::vector<Bytes>{approval.entry}, 1), "verify new entry");
    ok(req.check_enrolled(log), "check_enrolled");
    auto root = take(unwrap_root_key(n.kem_key, a.created.user, n.id, log.root_epoch, approval.wrap.bytes), "unwrap");
    auto secrets = take(open_account_state(root, a.created.user, a.created.sealed_state), "open state");
    ok(check_account_secrets(secrets, log), "check secrets");
    n_finish.push_back(ms_since(t));

    n_total.push_back(n_start.back() + n_response.back() + n_finish.back());
    e_total.push_back(e_request.back() + e_reveal.back() + e_approve.back());
  }

  // Pieces.
  std::vector<double> wrap, unwrap, seal, open, revoke;
  Account big = make_account(rng, devices);
  for (int r = 0; r < runs; ++r) {
    auto t = Clock::now();
    auto w = take(wrap_root_key(a.created.root, a.created.user, a.first.id, a.first.kem_pk, rng), "wrap");
    wrap.push_back(ms_since(t));
    t = Clock::now();
    auto root = take(unwrap_root_key(a.first.kem_key, a.created.user, a.first.id, 1, w), "unwrap");
    unwrap.push_back(ms_since(t));
    t = Clock::now();
    auto s = take(seal_account_state(root, a.created.user, a.created.secrets, rng), "seal");
    seal.push_back(ms_since(t));
    t = Clock::now();
    auto secrets = take(open_account_state(root, a.created.user, s), "open");
    open.push_back(ms_since(t));
    t = Clock::now();
    auto plan =
        take(plan_revocation(big.log, big.created.secrets, big.first, big.log.devices.back().id, rng), "revocation");
    revoke.push_back(ms_since(t));
  }

  std::printf("coffre_bench_enrollment: medians of %d runs, milliseconds\n\n", runs);
  std::printf("new device N\n");
  std::printf("  start (request)                               %8.3f\n", median(n_start));
  std::printf("  on_response (reveal + SAS)                    %8.3f\n", median(n_response));
  std::printf("  finish (verify entry, unwrap, open state)     %8.3f\n", median(n_finish));
  std::printf("  total                                         %8.3f   (target < 20)\n", median(n_total));
  std::printf("enrolled device E\n");
  std::printf("  on_request (response)                         %8.3f\n", median(e_request));
  std::printf("  on_reveal (commitment, pop, SAS)              %8.3f\n", median(e_reveal));
  std::printf("  approve (add-device entry + root wrap)        %8.3f\n", median(e_approve));
  std::printf("  total                                         %8.3f   (target < 20)\n", median(e_total));
  std::printf("pieces\n");
  std::printf("  wrap_root_key                                 %8.3f\n", median(wrap));
  std::printf("  unwrap_root_key                               %8.3f\n", median(unwrap));
  std::printf("  seal_account_state (1 suite key)              %8.3f\n", median(seal));
  std::printf("  open_account_state (1 suite key)              %8.3f\n", median(open));
  std::printf("  plan_revocation (%3d devices -> %3d wraps)    %8.3f\n", devices, devices, median(revoke));
  std::printf(
      "\n{\"bench\":\"coffre_enrollment\",\"runs\":%d,\"n_start_ms\":%.4f,\"n_response_ms\":%.4f,"
      "\"n_finish_ms\":%.4f,\"n_total_ms\":%.4f,\"e_request_ms\":%.4f,\"e_reveal_ms\":%.4f,\"e_approve_ms\":%.4f,"
      "\"e_total_ms\":%.4f,\"wrap_ms\":%.4f,\"unwrap_ms\":%.4f,\"seal_ms\":%.4f,\"open_ms\":%.4f,"
      "\"revocation_devices\":%d,\"revocation_ms\":%.4f}\n",
      runs, median(n_start), median(n_response), median(n_finish), median(n_total), median(e_request),
      median(e_reveal), median(e_approve), median(e_total), median(wrap), median(unwrap), median(seal), median(open),
      devices, median(revoke));
  return 0;
}
