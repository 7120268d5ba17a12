// coffre_bench_device_log: verification of 1,000-entry device lists (docs/SPEC.md section 10, entry version 0x03).
//
//   adds   : genesis + 999 add-device entries (the worst case per entry: identity and author signatures, a device
//            pop and an X-Wing key check each)
//   mixed  : genesis + 999 entries cycling add, add, revoke (a revocation rotates the identity key, signed by the
//            old and the new, and the suite key: what the former revoke + rotate-suite-key pair did)
// Each entry is authored by the most recently added device still enrolled. For each log: verify_log of the whole
// log (first fetch) on 1 thread and on all cores, and verify_appended of one new add-device entry on top of the
// verified 1,000-entry state (a later fetch). "floor" is the cost of the raw libsodium operations the log needs
// (Ed25519 verifications + X25519 small-order checks), measured in the same run.
//
// Usage: coffre_bench_device_log [--entries N] [--runs N]. Prints medians in milliseconds. Never a test: the machine
// is shared and the figures are noisy.
#include <coffre/coffre.hpp>

#include <sodium.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <string>
#include <thread>
#include <vector>

namespace {

using namespace coffre;
using Clock = std::chrono::steady_clock;
using Bytes = std::vector<std::uint8_t>;

[[noreturn]] void die(const char* what, Error e) {
  std::fprintf(stderr, "coffre_bench_device_log: %s: %s\n", what, std::string(error_code(e)).c_str());
  std::exit(1);
}

template <class T>
T take(Result<T> r, const char* what) {
  if (!r) die(what, r.error());
  return std::move(r).take();
}

double median_ms(int runs, const std::function<void()>& f) {
  std::vector<double> t;
  for (int i = 0; i < runs; ++i) {
    auto t0 = Clock::now();
    f();
    t.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
  }
  std::sort(t.begin(), t.end());
  return t[t.size() / 2];
}

struct Keys {
  SigningKey sign;
  DeviceRecord record;
};

Keys new_device(DeterministicRng& rng, int n) {
  DeviceId id = DeviceId::generate(rng);
  SigningKey sign = take(SigningKey::generate(rng), "device key");
  XWingPublicKey kem = take(xwing_public_key(take(xwing_generate(rng), "kem")), "kem pk");
  return Keys{std::move(sign), DeviceRecord{id, {}, kem, "device " + std::to_string(n), {}}};
}

struct Log {
  std::vector<Bytes> entries;
  std::optional<VerifiedLog> state;
  SigningKey identity;
  std::vector<Keys> live;  // enrolled devices, in the order added
  // Signatures over an entry's signed part (identity, author, new identity), device pops, X-Wing keys checked.
  std::size_t entry_signatures = 0, pops = 0, kem_keys = 0;

  EntryAuthor author() const { return EntryAuthor{live.back().record.id, live.back().sign}; }
};

Bytes add_entry(Log& log, DeterministicRng& rng, int n) {
  Keys d = new_device(rng, n);
  d.record.sign_pk = d.sign.verify_key();
  auto pop = take(device_pop(d.sign, log.state->user, d.record), "pop");
  Bytes e = take(make_add_device(*log.state, log.identity, log.author(), d.record, pop), "add");
  log.live.push_back(std::move(d));
  log.entry_signatures += 2;
  log.pops += 1;
  log.kem_keys += 1;
  return e;
}

// Revokes the oldest enrolled device, from the newest, to a new identity key and suite key.
Bytes revoke_entry(Log& log, DeterministicRng& rng) {
  SigningKey next = take(SigningKey::generate(rng), "identity");
  auto suite = take(xwing_public_key(take(xwing_generate(rng), "suite")), "suite pk");
  Bytes e = take(make_revoke(*log.state, log.identity, log.author(), log.live.front().record.id, next, suite),
                 "revoke");
  log.identity = std::move(next);
  log.live.erase(log.live.begin());
  log.entry_signatures += 3;
  log.kem_keys += 1;
  return e;
}

// `mixed`: add, add, revoke; else adds only.
Log build(std::size_t n, bool mixed) {
  std::uint8_t seed[32] = {mixed ? std::uint8_t{2} : std::uint8_t{1}};
  DeterministicRng rng(seed);
  Log log{{}, std::nullopt, take(SigningKey::generate(rng), "identity"), {}};
  UserId user = UserId::generate(rng);
  auto suite = take(xwing_public_key(take(xwing_generate(rng), "suite")), "suite pk");
  auto recovery = take(RecoveryKey::from_phrase(take(RecoveryPhrase::generate(rng), "phrase")), "recovery key");
  Keys first = new_device(rng, 0);
  first.record.sign_pk = first.sign.verify_key();
  log.entries.push_back(take(make_genesis(log.identity, 1, user, suite, 1, recovery, 1, first.record, first.sign),
                             "genesis"));
  log.live.push_back(std::move(first));
  log.state = take(verify_log(log.entries, std::nullopt), "verify genesis");
  log.entry_signatures += 2;
  log.pops += 1;
  log.kem_keys += 3;
  for (std::size_t i = 1; i < n; ++i) {
    Bytes e = mixed && i % 3 == 0 ? revoke_entry(log, rng) : add_entry(log, rng, static_cast<int>(i));
    log.state = take(verify_appended(*log.state, std::vector<Bytes>{e}, 1), "verify appended");
    log.entries.push_back(std::move(e));
  }
  return log;
}

// The raw libsodium work the log needs on one thread: Ed25519 verifications over the average entry size (identity,
// author and new-identity signatures) and over the pop message size (pops), an X25519 product per X-Wing key.
void floor_work(std::size_t entry_sigs, std::size_t entry_size, std::size_t pops, std::size_t keys) {
  unsigned char pk[32], sk[64], sig[64], pop_sig[64], q[32], s[32] = {9}, out[32];
  std::vector<unsigned char> m(entry_size, 7), pm(5 * 4 + 16 + 16 + 32 + 1216 + 32, 8);
  crypto_sign_keypair(pk, sk);
  crypto_sign_detached(sig, nullptr, m.data(), m.size(), sk);
  crypto_sign_detached(pop_sig, nullptr, pm.data(), pm.size(), sk);
  if (crypto_scalarmult_base(q, s) != 0) die("floor", Error::invalid_argument);
  std::size_t ok = 0;
  for (std::size_t i = 0; i < entry_sigs; ++i) ok += crypto_sign_verify_detached(sig, m.data(), m.size(), pk) == 0;
  for (std::size_t i = 0; i < pops; ++i) ok += crypto_sign_verify_detached(pop_sig, pm.data(), pm.size(), pk) == 0;
  for (std::size_t i = 0; i < keys; ++i) ok += crypto_scalarmult(out, s, q) == 0;
  if (ok != entry_sigs + pops + keys) die("floor", Error::signature_invalid);
}

}  // namespace

int main(int argc, char** argv) {
  coffre::set_default_threads(coffre::all_cores());  // threads = 0 is "all cores" in every figure here
  std::size_t n = 1000;
  int runs = 7;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--entries") == 0) n = std::strtoul(argv[i + 1], nullptr, 10);
    if (std::strcmp(argv[i], "--runs") == 0) runs = std::atoi(argv[i + 1]);
  }
  if (init() != Error::ok || n < 2 || runs < 1) return 1;
  std::printf("device list verification, %zu entries, median of %d runs (ms)\n", n, runs);
  std::printf("%-6s %9s %11s %10s %10s %14s %8s\n", "log", "bytes", "sigs+keys", "floor", "1 thread", "all cores",
              "append1");
  for (bool mixed : {false, true}) {
    Log log = build(n, mixed);
    std::size_t bytes = 0;
    for (const auto& e : log.entries) bytes += e.size();

    // One more entry, for the incremental case (never appended: `log` stays the n-entry log).
    std::uint8_t seed[32] = {3};
    DeterministicRng rng(seed);
    Keys d = new_device(rng, -1);
    d.record.sign_pk = d.sign.verify_key();
    auto pop = take(device_pop(d.sign, log.state->user, d.record), "pop");
    std::vector<Bytes> one{take(make_add_device(*log.state, log.identity, log.author(), d.record, pop), "add")};

    double floor = median_ms(runs, [&] { floor_work(log.entry_signatures, bytes / n, log.pops, log.kem_keys); });
    double t1 = median_ms(runs, [&] {
      auto v = verify_log(log.entries, std::nullopt, std::nullopt, 1);
      if (!v || v.value().head != log.state->head) die("verify_log", v.error());
    });
    double tn = median_ms(runs, [&] {
      auto v = verify_log(log.entries, std::nullopt, std::nullopt, 0);
      if (!v || v.value().head != log.state->head) die("verify_log", v.error());
    });
    double ta = median_ms(runs, [&] {
      auto v = verify_appended(*log.state, one, 1);
      if (!v) die("verify_appended", v.error());
    });
    char cores[32];
    std::snprintf(cores, sizeof cores, "%.1f (%u thr)", tn, std::max(1u, std::thread::hardware_concurrency()));
    std::printf("%-6s %9zu %5zu+%-5zu %10.1f %10.1f %14s %8.2f\n", mixed ? "mixed" : "adds", bytes,
                log.entry_signatures + log.pops, log.kem_keys, floor, t1, cores, ta);
  }
  return 0;
}
