// coffre_bench_sharing: content-key wraps (docs/SPEC.md section 16).
//
//   wrap N   : wrap_content_key_to_many of one content key to N recipients (default 1,000), on 1 thread and on all
//              cores. Each wrap is an X-Wing encapsulation, a KDF, an AEAD seal and an Ed25519 signature.
//   unwrap 1 : open_content_wrap of one wrap (signature verification, X-Wing decapsulation, AEAD open).
// Each is measured side by side, round after round, with its floor: the raw primitives alone on the same inputs
// (xwing_encapsulate + crypto_sign_detached of 1,250 bytes + XChaCha20-Poly1305 of 32 bytes per recipient, on as
// many threads; crypto_sign_verify_detached + xwing_decapsulate + the AEAD open for one unwrap). Ratios are
// coffre / floor time (1.0 = no overhead). Last line: one JSON object for scripts/bench.sh.
//
// Usage: coffre_bench_sharing [--recipients N] [--runs N] [--unwraps N]. Never a test: the machine is shared.
#include <coffre/coffre.hpp>

#include <sodium.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <string>
#include <thread>
#include <ctime>
#include <vector>

namespace {

using namespace coffre;
using Clock = std::chrono::steady_clock;
using Bytes = std::vector<std::uint8_t>;

[[noreturn]] void die(const char* what, Error e) {
  std::fprintf(stderr, "coffre_bench_sharing: %s: %s\n", what, std::string(error_code(e)).c_str());
  std::exit(1);
}

template <class T>
T take(Result<T> r, const char* what) {
  if (!r) die(what, r.error());
  return std::move(r).take();
}

// CPU seconds of the whole process (all threads): on a loaded machine, closer than wall time to what an idle one
// would show for the 1-thread cases.
double cpu_now() {
  timespec t{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) * 1e-9;
}

struct Time {
  double wall = 0, cpu = 0;
};

Time seconds(const std::function<void()>& f) {
  const double c0 = cpu_now();
  auto t0 = Clock::now();
  f();
  return {std::chrono::duration<double>(Clock::now() - t0).count(), cpu_now() - c0};
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
}
Time median(const std::vector<Time>& v) {
  std::vector<double> w, c;
  for (const auto& t : v) w.push_back(t.wall), c.push_back(t.cpu);
  return {median(w), median(c)};
}
Time per(Time t, std::size_t n) { return {t.wall / static_cast<double>(n), t.cpu / static_cast<double>(n)}; }

// Runs task(i) for i in [0, n) on `threads` std::threads (the floor's own parallelism, not the library's pool).
void split(std::size_t n, unsigned threads, const std::function<void(std::size_t)>& task) {
  std::vector<std::thread> pool;
  for (unsigned t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      for (std::size_t i = t; i < n; i += threads) task(i);
    });
  }
  for (auto& th : pool) th.join();
}

struct Recipient {
  UserId user;
  AccountSecrets secrets;
  WrapRecipient to;
};

// The raw work of one wrap: encapsulate, seal 32 bytes, sign a wrap-sized message.
void floor_wrap(const XWingPublicKey& pk, const unsigned char* sk, const unsigned char* key, Rng& rng) {
  auto enc = take(xwing_encapsulate(pk, rng), "encapsulate");
  unsigned char msg[kContentWrapSize - 64] = {}, nonce[24] = {}, sig[64];
  crypto_aead_xchacha20poly1305_ietf_encrypt(msg + 82 + 1120, nullptr, key, 32, msg, 82 + 1120, nullptr, nonce,
                                             enc.shared_secret.reveal().data());
  crypto_sign_detached(sig, nullptr, msg, sizeof msg, sk);
}

}  // namespace

int main(int argc, char** argv) {
  coffre::set_default_threads(coffre::all_cores());  // threads = 0 is "all cores" in every figure here
  std::size_t n = 1000, unwraps = 1000;
  int runs = 5;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--recipients") == 0) n = std::strtoul(argv[i + 1], nullptr, 10);
    if (std::strcmp(argv[i], "--runs") == 0) runs = std::atoi(argv[i + 1]);
    if (std::strcmp(argv[i], "--unwraps") == 0) unwraps = std::strtoul(argv[i + 1], nullptr, 10);
  }
  if (init() != Error::ok || n < 1 || n > kAccessListMaxMembers - 1 || runs < 1 || unwraps < 1) return 1;
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());

  std::uint8_t seed[32] = {42};
  DeterministicRng rng(seed);
  auto owner_secrets = take(AccountSecrets::generate(rng), "owner");
  const UserId owner = UserId::generate(rng);
  std::vector<Recipient> people;
  std::vector<WrapRecipient> to;
  std::vector<UserId> members;
  for (std::size_t i = 0; i < n; ++i) {
    auto secrets = take(AccountSecrets::generate(rng), "recipient");
    UserId u = UserId::generate(rng);
    auto r = take(WrapRecipient::of(u, secrets), "recipient pk");
    to.push_back(r);
    members.push_back(u);
    people.push_back({u, std::move(secrets), r});
  }
  const DocumentRef doc{owner, DocumentId::generate(rng), Purpose::document};
  const auto access = take(make_access_list(owner_secrets, doc, 1, 1, members), "access list");
  const auto key = take(VersionedContentKey::generate(1, rng), "content key");

  unsigned char sign_pk[32], sign_sk[64];
  crypto_sign_seed_keypair(sign_pk, sign_sk, owner_secrets.identity().seed().reveal().data());
  const unsigned char* raw_key = key.key.secret().reveal().data();

  // Wrap to n recipients: coffre and floor alternate, on 1 thread and on all cores.
  std::vector<Time> w1, f1, wn, fn;
  for (int r = 0; r < runs; ++r) {
    w1.push_back(seconds([&] {
      if (take(wrap_content_key_to_many(owner, owner_secrets, to, access, key, rng, 1), "wrap").size() != n)
        die("wrap", Error::invalid_argument);
    }));
    f1.push_back(seconds([&] { split(n, 1, [&](std::size_t i) { floor_wrap(to[i].suite_pk, sign_sk, raw_key, rng); }); }));
    wn.push_back(seconds([&] { (void)take(wrap_content_key_to_many(owner, owner_secrets, to, access, key, rng, 0), "wrap"); }));
    fn.push_back(seconds([&] {
      // one DeterministicRng per thread: Rng is not thread-safe
      std::vector<DeterministicRng> rngs;
      for (unsigned t = 0; t < cores; ++t) rngs.emplace_back(std::array<std::uint8_t, 32>{static_cast<std::uint8_t>(t)});
      split(n, cores, [&](std::size_t i) { floor_wrap(to[i].suite_pk, sign_sk, raw_key, rngs[i % cores]); });
    }));
  }

  // Unwrap one wrap (repeated `unwraps` times per round), and its floor.
  const Bytes wrap = take(wrap_content_key(owner, owner_secrets, people[0].to, access, key, rng), "wrap one");
  const TrustedIdentity sender = TrustedIdentity::of(owner, owner_secrets);
  const Recipient& me = people[0];
  const XWingCiphertext ct = take(XWingCiphertext::from_bytes(std::span(wrap).subspan(82, 1120)), "ct");
  const XWingSecretKey& suite_sk = *me.secrets.suite_key(1);
  unsigned char raw_sig[64];  // the floor verifies a valid raw signature of the same bytes
  crypto_sign_detached(raw_sig, nullptr, wrap.data(), kContentWrapSize - 64, sign_sk);
  std::vector<Time> u1, uf;
  for (int r = 0; r < runs; ++r) {
    u1.push_back(per(seconds([&] {
      for (std::size_t i = 0; i < unwraps; ++i)
        (void)take(open_content_wrap(wrap, me.user, me.secrets, access, sender), "open wrap");
    }), unwraps));
    uf.push_back(per(seconds([&] {
      for (std::size_t i = 0; i < unwraps; ++i) {
        if (crypto_sign_verify_detached(raw_sig, wrap.data(), kContentWrapSize - 64, sign_pk) != 0)
          die("floor verify", Error::signature_invalid);
        auto ss = take(xwing_decapsulate(suite_sk, ct), "decapsulate");
        unsigned char out[32];
        // Another key than the wrap's (no KDF in the floor): the tag check runs in full and fails.
        if (crypto_aead_xchacha20poly1305_ietf_decrypt(out, nullptr, nullptr, wrap.data() + 82 + 1120, 48, wrap.data(),
                                                       82 + 1120, wrap.data(), ss.reveal().data()) == 0)
          die("floor open", Error::wrap_invalid);
      }
    }), unwraps));
  }

  const Time W1 = median(w1), F1 = median(f1), WN = median(wn), FN = median(fn), U = median(u1), UF = median(uf);
  std::printf("content-key wraps, %zu recipients, %d rounds (medians), %u cores; wall time (CPU time of the process)\n",
              n, runs, cores);
  std::printf("%-22s %22s %22s %8s %10s\n", "", "coffre", "floor", "ratio", "target");
  std::printf("%-22s %9.3f s (%6.3f s) %9.3f s (%6.3f s) %8.3f %10s\n", "wrap to N, 1 thread", W1.wall, W1.cpu,
              F1.wall, F1.cpu, W1.wall / F1.wall, "< 0.25 s");
  std::printf("%-22s %9.3f s (%6.3f s) %9.3f s (%6.3f s) %8.3f %10s\n", "wrap to N, all cores", WN.wall, WN.cpu,
              FN.wall, FN.cpu, WN.wall / FN.wall, "< 0.25 s");
  std::printf("%-22s %8.1f us (%5.1f us) %8.1f us (%5.1f us) %8.3f %10s\n", "unwrap one", U.wall * 1e6, U.cpu * 1e6,
              UF.wall * 1e6, UF.cpu * 1e6, U.wall / UF.wall, "< 0.5 ms");
  std::printf("{\"bench\":\"coffre_sharing\",\"recipients\":%zu,\"cores\":%u,\"wrap_1t_s\":%.4f,\"wrap_1t_cpu_s\":%.4f,"
              "\"floor_1t_s\":%.4f,\"wrap_1t_ratio\":%.3f,\"wrap_mt_s\":%.4f,\"floor_mt_s\":%.4f,\"wrap_mt_ratio\":%.3f,"
              "\"unwrap_us\":%.1f,\"unwrap_cpu_us\":%.1f,\"floor_unwrap_us\":%.1f,\"unwrap_ratio\":%.3f}\n",
              n, cores, W1.wall, W1.cpu, F1.wall, W1.wall / F1.wall, WN.wall, FN.wall, WN.wall / FN.wall, U.wall * 1e6,
              U.cpu * 1e6, UF.wall * 1e6, U.wall / UF.wall);
  return 0;
}
