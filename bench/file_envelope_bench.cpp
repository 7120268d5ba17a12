// coffre_bench_file: the file and document envelopes against the raw libsodium primitive they are built on,
// measured side by side in one process (interleaved rounds, alternating order), reported as medians and ratios.
//
//   file envelope, threads=1 : FileEncryptor/FileDecryptor, 64 KiB chunks, update() in 4 MiB steps (--step-kib), caller buffers
//   raw                      : crypto_aead_xchacha20poly1305_ietf_{en,de}crypt_detached over the same 64 KiB chunks,
//                              same buffers, same 32-byte associated data, counter nonce
//   file envelope, threads=0 : all cores (compared with the single-thread raw figure, and with a raw split over
//                              as many std::threads as cores: the ideal parallel peer)
//   documents                : seal_document/open_document of 100-byte messages vs crypto_aead_xchacha20poly1305_ietf
//                              of 100-byte messages (random nonce from randombytes_buf, 32-byte AD; and counter nonce)
//
// Usage: coffre_bench_file [--size-mib N] [--runs N] [--docs N] [--step-kib N] [--json-only] [--profile OP]
//   --step-kib N feeds update() N KiB at a time (default 4096).
//   --profile OP runs only OP (enc, dec, enc-mt, dec-mt, raw-enc, raw-dec, seal, open) --runs times: for perf/callgrind.
// Prints a human-readable table, then one JSON line starting with {"bench":"coffre_file"...}.
// Never used as a test: the machine is shared and figures are noisy; only ratios measured side by side mean anything.
#include <coffre/coffre.hpp>

#include <sodium.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;
using Bytes = std::vector<std::uint8_t>;

constexpr std::size_t kChunk = 65536;
constexpr std::size_t kTag = 16;
std::size_t kStep = 4u << 20;  // update() input size (--step-kib)

[[noreturn]] void die(const char* what, coffre::Error e = coffre::Error::ok) {
  std::fprintf(stderr, "coffre_bench_file: %s%s%s\n", what, e == coffre::Error::ok ? "" : ": ",
               e == coffre::Error::ok ? "" : std::string(coffre::error_code(e)).c_str());
  std::exit(1);
}

double seconds(const std::function<void()>& f) {
  auto t0 = Clock::now();
  f();
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  std::size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

// --------------------------------------------------------------------------------------------------------------
// Raw primitive, laid out exactly like the envelope's payload: chunk_i = ct_i || tag_i, nonce = 0^15 || u64(i) || last.

struct Raw {
  std::uint8_t key[32];
  std::uint8_t ad[32];

  static void nonce(std::uint8_t n[24], std::uint64_t i, bool last) {
    std::memset(n, 0, 15);
    for (int b = 0; b < 8; ++b) n[15 + b] = static_cast<std::uint8_t>(i >> (56 - 8 * b));
    n[23] = last ? 1 : 0;
  }
  std::size_t chunks(std::size_t plain) const { return plain == 0 ? 1 : (plain + kChunk - 1) / kChunk; }

  // Chunks [first, last) of a plaintext of `plain` bytes.
  void seal_range(const std::uint8_t* in, std::uint8_t* out, std::size_t plain, std::size_t first,
                  std::size_t end) const {
    std::size_t n = chunks(plain);
    for (std::size_t i = first; i < end; ++i) {
      std::size_t len = i + 1 == n ? plain - i * kChunk : kChunk;
      std::uint8_t nn[24];
      nonce(nn, i, i + 1 == n);
      std::uint8_t* o = out + i * (kChunk + kTag);
      crypto_aead_xchacha20poly1305_ietf_encrypt_detached(o, o + len, nullptr, in + i * kChunk, len, ad, sizeof ad,
                                                          nullptr, nn, key);
    }
  }
  bool open_range(const std::uint8_t* in, std::uint8_t* out, std::size_t plain, std::size_t first,
                  std::size_t end) const {
    std::size_t n = chunks(plain);
    bool ok = true;
    for (std::size_t i = first; i < end; ++i) {
      std::size_t len = i + 1 == n ? plain - i * kChunk : kChunk;
      std::uint8_t nn[24];
      nonce(nn, i, i + 1 == n);
      const std::uint8_t* c = in + i * (kChunk + kTag);
      ok &= crypto_aead_xchacha20poly1305_ietf_decrypt_detached(out + i * kChunk, nullptr, c, len, c + len, ad,
                                                                 sizeof ad, nn, key) == 0;
    }
    return ok;
  }
  // The same work split over `threads` std::threads (started per call, as a naive parallel peer would).
  void seal_mt(const std::uint8_t* in, std::uint8_t* out, std::size_t plain, unsigned threads) const {
    run_split(chunks(plain), threads, [&](std::size_t a, std::size_t b) { seal_range(in, out, plain, a, b); });
  }
  void open_mt(const std::uint8_t* in, std::uint8_t* out, std::size_t plain, unsigned threads) const {
    run_split(chunks(plain), threads, [&](std::size_t a, std::size_t b) {
      if (!open_range(in, out, plain, a, b)) die("raw open failed");
    });
  }
  static void run_split(std::size_t n, unsigned threads, const std::function<void(std::size_t, std::size_t)>& f) {
    std::vector<std::thread> ts;
    std::size_t per = (n + threads - 1) / threads;
    for (unsigned t = 1; t < threads; ++t) {
      std::size_t a = std::min(n, t * per), b = std::min(n, (t + 1) * per);
      ts.emplace_back([&f, a, b] { f(a, b); });
    }
    f(0, std::min(n, per));
    for (auto& t : ts) t.join();
  }
};

// --------------------------------------------------------------------------------------------------------------
// Envelope, through the public streaming API with caller buffers.

std::size_t envelope_encrypt(const coffre::ContentKey& key, const coffre::Context& ctx, unsigned threads,
                             const Bytes& plain, Bytes& out) {
  auto enc = coffre::FileEncryptor::create(key, ctx, coffre::FileOptions{static_cast<std::uint32_t>(kChunk), threads});
  if (!enc) die("FileEncryptor::create", enc.error());
  coffre::FileEncryptor e = std::move(enc).take();
  std::size_t off = 0;
  for (std::size_t pos = 0; pos < plain.size(); pos += kStep) {
    std::size_t n = std::min(kStep, plain.size() - pos);
    std::size_t w = 0;
    coffre::Error err = e.update({plain.data() + pos, n}, {out.data() + off, out.size() - off}, w);
    if (err != coffre::Error::ok) die("FileEncryptor::update", err);
    off += w;
  }
  std::size_t w = 0;
  coffre::Error err = e.finish({out.data() + off, out.size() - off}, w);
  if (err != coffre::Error::ok) die("FileEncryptor::finish", err);
  return off + w;
}

std::size_t envelope_decrypt(const coffre::ContentKey& key, const coffre::Context& ctx, unsigned threads,
                             const std::uint8_t* ct, std::size_t ct_size, Bytes& out) {
  auto dec = coffre::FileDecryptor::create(key, ctx, threads);
  if (!dec) die("FileDecryptor::create", dec.error());
  coffre::FileDecryptor d = std::move(dec).take();
  std::size_t off = 0;
  for (std::size_t pos = 0; pos < ct_size; pos += kStep) {
    std::size_t n = std::min(kStep, ct_size - pos);
    std::size_t w = 0;
    coffre::Error err = d.update({ct + pos, n}, {out.data() + off, out.size() - off}, w);
    if (err != coffre::Error::ok) die("FileDecryptor::update", err);
    off += w;
  }
  std::size_t w = 0;
  coffre::Error err = d.finish({out.data() + off, out.size() - off}, w);
  if (err != coffre::Error::ok) die("FileDecryptor::finish", err);
  if (!d.ended_properly()) die("decryptor did not end properly");
  return off + w;
}

// --------------------------------------------------------------------------------------------------------------
// Document envelope "floor": the same bytes as seal_document/open_document (docs/SPEC.md section 4; checked
// byte for byte against the library below), with the same crypto calls, but the derived AEAD key on the stack and
// no allocation except the returned vector. It tells how much of the envelope's cost is the spec's work
// (3 keyed BLAKE2b + 1 AEAD + nonce) and how much is the implementation around it.

void frame_into(crypto_generichash_state& st, const std::uint8_t* p, std::size_t n) {
  std::uint8_t len[4] = {static_cast<std::uint8_t>(n >> 24), static_cast<std::uint8_t>(n >> 16),
                         static_cast<std::uint8_t>(n >> 8), static_cast<std::uint8_t>(n)};
  crypto_generichash_update(&st, len, 4);
  crypto_generichash_update(&st, p, n);
}

void floor_kdf(std::uint8_t* out, std::size_t out_len, const std::uint8_t key[32], std::string_view label,
               const std::uint8_t* a, std::size_t a_len, const std::uint8_t* b = nullptr, std::size_t b_len = 0) {
  crypto_generichash_state st;
  crypto_generichash_init(&st, key, 32, out_len);
  frame_into(st, reinterpret_cast<const std::uint8_t*>(label.data()), label.size());
  frame_into(st, a, a_len);
  if (b != nullptr) frame_into(st, b, b_len);
  crypto_generichash_final(&st, out, out_len);
  sodium_memzero(&st, sizeof st);
}

struct FloorDoc {
  std::uint8_t key[32];
  std::uint8_t ctx[1024 + 16];
  std::size_t ctx_len = 0;
  std::uint32_t key_version = 0;

  FloorDoc(const std::uint8_t k[32], const coffre::Context& c) : key_version(c.key_version) {
    std::memcpy(key, k, 32);
    std::size_t n = c.object_id.size();
    for (int i = 0; i < 4; ++i) ctx[i] = static_cast<std::uint8_t>(n >> (24 - 8 * i));
    std::memcpy(ctx + 4, c.object_id.data(), n);
    for (int i = 0; i < 8; ++i) ctx[4 + n + i] = static_cast<std::uint8_t>(c.revision >> (56 - 8 * i));
    for (int i = 0; i < 4; ++i) ctx[12 + n + i] = static_cast<std::uint8_t>(c.key_version >> (24 - 8 * i));
    ctx_len = n + 16;
  }

  Bytes seal(const Bytes& msg, coffre::Rng& rng) const {
    Bytes out(86 + msg.size() + kTag);
    std::uint8_t* e = out.data();
    std::memcpy(e, "COFFRED\x01\x01\x00", 10);
    for (int i = 0; i < 4; ++i) e[10 + i] = static_cast<std::uint8_t>(key_version >> (24 - 8 * i));
    rng.fill({e + 14, 24});
    floor_kdf(e + 38, 32, key, "coffre/v1/doc/commit", e + 14, 24);
    floor_kdf(e + 70, 16, key, "coffre/v1/doc/context", e + 14, 24, ctx, ctx_len);
    std::uint8_t aead_key[32], ad[86 + sizeof ctx];
    floor_kdf(aead_key, 32, key, "coffre/v1/doc/key", e + 14, 24);
    std::memcpy(ad, e, 86);
    std::memcpy(ad + 86, ctx, ctx_len);
    crypto_aead_xchacha20poly1305_ietf_encrypt(e + 86, nullptr, msg.data(), msg.size(), ad, 86 + ctx_len, nullptr,
                                               e + 14, aead_key);
    sodium_memzero(aead_key, sizeof aead_key);
    return out;
  }

  // Same checks in the same order as the library (prefix, key_version, commitments, AEAD).
  bool open(const Bytes& env, Bytes& plain) const {
    const std::uint8_t* e = env.data();
    if (env.size() < 86 + kTag || std::memcmp(e, "COFFRED\x01\x01\x00", 10) != 0) return false;
    std::uint32_t kv = 0;
    for (int i = 0; i < 4; ++i) kv = (kv << 8) | e[10 + i];
    if (kv != key_version) return false;
    std::uint8_t kc[32], cc[16], aead_key[32], ad[86 + sizeof ctx];
    floor_kdf(kc, 32, key, "coffre/v1/doc/commit", e + 14, 24);
    floor_kdf(cc, 16, key, "coffre/v1/doc/context", e + 14, 24, ctx, ctx_len);
    if (sodium_memcmp(kc, e + 38, 32) != 0 || sodium_memcmp(cc, e + 70, 16) != 0) return false;
    floor_kdf(aead_key, 32, key, "coffre/v1/doc/key", e + 14, 24);
    std::memcpy(ad, e, 86);
    std::memcpy(ad + 86, ctx, ctx_len);
    plain.resize(env.size() - 86 - kTag);
    bool ok = crypto_aead_xchacha20poly1305_ietf_decrypt(plain.data(), nullptr, nullptr, e + 86, env.size() - 86,
                                                         ad, 86 + ctx_len, e + 14, aead_key) == 0;
    sodium_memzero(aead_key, sizeof aead_key);
    return ok;
  }
};

struct Options {
  std::size_t size_mib = 256;
  int runs = 7;
  std::size_t docs = 200000;
  bool json_only = false;
  std::string profile;  // run only one operation, for perf/callgrind: enc, dec, enc-mt, dec-mt, raw-enc, raw-dec, seal, open
};

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string_view a = argv[i];
    auto next = [&]() -> const char* {
      if (i + 1 >= argc) die("missing value after an option");
      return argv[++i];
    };
    if (a == "--size-mib") {
      o.size_mib = std::strtoull(next(), nullptr, 10);
    } else if (a == "--runs") {
      o.runs = std::atoi(next());
    } else if (a == "--docs") {
      o.docs = std::strtoull(next(), nullptr, 10);
    } else if (a == "--step-kib") {
      kStep = std::strtoull(next(), nullptr, 10) << 10;
      if (kStep == 0) die("--step-kib must be positive");
    } else if (a == "--json-only") {
      o.json_only = true;
    } else if (a == "--profile") {
      o.profile = next();
    } else {
      std::fprintf(stderr, "usage: coffre_bench_file [--size-mib N] [--runs N] [--docs N] [--step-kib N] [--json-only] [--profile OP]\n");
      std::exit(a == "--help" || a == "-h" ? 0 : 2);
    }
  }
  if (o.size_mib == 0 || o.runs < 1 || o.docs == 0) die("sizes and counts must be positive");
  return o;
}

std::string loadavg() {
  char buf[64] = {};
  if (FILE* f = std::fopen("/proc/loadavg", "r")) {
    if (std::fscanf(f, "%63s", buf) != 1) buf[0] = 0;
    std::fclose(f);
  }
  return buf[0] ? buf : "?";
}

// A named series of timings (seconds) and the work each run did.
struct Series {
  std::vector<double> t;
  double med() const { return median(t); }
};

}  // namespace

int main(int argc, char** argv) {
  coffre::set_default_threads(coffre::all_cores());  // threads = 0 is "all cores" in every figure here
  Options opt = parse(argc, argv);
  if (coffre::init() != coffre::Error::ok) die("init");
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  const std::size_t plain_size = opt.size_mib << 20;
  const double mb = static_cast<double>(plain_size) / 1e6;

  // Buffers, all pre-faulted so that no run pays for page faults another does not. Envelope and raw use the SAME
  // buffers: the raw payload is written at ct + header size, so that every raw chunk sits at exactly the address of
  // the envelope's chunk with the same index (alignment, pages and cache behaviour are identical).
  Bytes plain(plain_size), ct(coffre::kFileHeaderSizeKey + plain_size + (plain_size / kChunk + 1) * kTag),
      out(plain_size + kChunk);
  randombytes_buf(plain.data(), plain.size());
  std::memset(ct.data(), 0, ct.size());
  std::memset(out.data(), 0, out.size());
  std::uint8_t* raw_ct = ct.data() + coffre::kFileHeaderSizeKey;

  std::uint8_t key_bytes[32];
  randombytes_buf(key_bytes, sizeof key_bytes);
  auto key_r = coffre::ContentKey::from_bytes(key_bytes);
  if (!key_r) die("ContentKey", key_r.error());
  const coffre::ContentKey key = std::move(key_r).take();
  const coffre::Context ctx{"bench-file-0001", 1, 1};
  Raw raw;
  randombytes_buf(raw.key, sizeof raw.key);
  randombytes_buf(raw.ad, sizeof raw.ad);
  const std::size_t nchunks = raw.chunks(plain_size);

  // Correctness first (outside timing): the envelope round-trips, with the size the spec gives.
  const std::size_t env_size = envelope_encrypt(key, ctx, 1, plain, ct);
  if (env_size != coffre::kFileHeaderSizeKey + plain_size + nchunks * kTag) die("unexpected envelope size");
  if (envelope_decrypt(key, ctx, 0, ct.data(), env_size, out) != plain_size ||
      std::memcmp(out.data(), plain.data(), plain_size) != 0) {
    die("envelope round trip failed");
  }
  auto check_out = [&](const char* what) {
    if (std::memcmp(out.data(), plain.data(), plain_size) != 0) die(what);
    std::memset(out.data(), 0, 4096);
  };

  // The eight timed operations. Each decryption reads what the encryption before it (same kind) wrote.
  auto raw_enc_1 = [&] { raw.seal_range(plain.data(), raw_ct, plain_size, 0, nchunks); };
  auto raw_dec_1 = [&] {
    if (!raw.open_range(raw_ct, out.data(), plain_size, 0, nchunks)) die("raw open failed");
  };
  auto raw_enc_n = [&] { raw.seal_mt(plain.data(), raw_ct, plain_size, cores); };
  auto raw_dec_n = [&] { raw.open_mt(raw_ct, out.data(), plain_size, cores); };
  auto env_enc_1 = [&] { envelope_encrypt(key, ctx, 1, plain, ct); };
  auto env_dec_1 = [&] { envelope_decrypt(key, ctx, 1, ct.data(), env_size, out); };
  auto env_enc_n = [&] { envelope_encrypt(key, ctx, 0, plain, ct); };
  auto env_dec_n = [&] { envelope_decrypt(key, ctx, 0, ct.data(), env_size, out); };

  if (!opt.profile.empty()) {
    const std::string& p = opt.profile;
    Bytes m(100, 7);
    auto doc = coffre::seal_document(key, ctx, m);
    if (p == "raw-dec") raw_enc_1();
    for (int r = 0; r < opt.runs; ++r) {
      double t = seconds([&] {
        if (p == "enc") {
          env_enc_1();
        } else if (p == "enc-mt") {
          env_enc_n();
        } else if (p == "dec") {
          env_dec_1();
        } else if (p == "dec-mt") {
          env_dec_n();
        } else if (p == "raw-enc") {
          raw_enc_1();
        } else if (p == "raw-dec") {
          raw_dec_1();
        } else if (p == "seal") {
          for (std::size_t i = 0; i < opt.docs; ++i) (void)coffre::seal_document(key, ctx, m);
        } else if (p == "open") {
          for (std::size_t i = 0; i < opt.docs; ++i) (void)coffre::open_document(key, ctx, doc.value());
        } else {
          die("unknown --profile operation");
        }
      });
      std::printf("%s: %.4f s\n", p.c_str(), t);
    }
    return 0;
  }

  Series raw_enc, env_enc, raw_dec, env_dec, env_enc_mt, env_dec_mt, raw_enc_mt, raw_dec_mt;
  std::vector<double> r_enc, r_dec, r_enc_mt, r_dec_mt, r_enc_mt_ideal, r_dec_mt_ideal;
  if (!opt.json_only) {
    std::printf("coffre_bench_file: %zu MiB, 64 KiB chunks, update() in %zu KiB steps, %d rounds, %u cores, load %s\n",
                opt.size_mib, kStep >> 10, opt.runs, cores, loadavg().c_str());
  }
  const std::string load_before = loadavg();
  for (int r = 0; r < opt.runs; ++r) {
    // Rounds alternate which side goes first, so that drift on the shared machine favours neither.
    auto raw_block = [&] {
      raw_enc.t.push_back(seconds(raw_enc_1));
      raw_dec.t.push_back(seconds(raw_dec_1));
      raw_enc_mt.t.push_back(seconds(raw_enc_n));
      raw_dec_mt.t.push_back(seconds(raw_dec_n));
      check_out("raw round trip failed");
    };
    auto env_block = [&] {
      env_enc.t.push_back(seconds(env_enc_1));
      env_dec.t.push_back(seconds(env_dec_1));
      env_enc_mt.t.push_back(seconds(env_enc_n));
      env_dec_mt.t.push_back(seconds(env_dec_n));
      check_out("envelope round trip failed");
    };
    if (r % 2 == 0) {
      raw_block();
      env_block();
    } else {
      env_block();
      raw_block();
    }
    // Ratios per round (envelope speed / peer speed = peer time / envelope time), then their median.
    r_enc.push_back(raw_enc.t.back() / env_enc.t.back());
    r_dec.push_back(raw_dec.t.back() / env_dec.t.back());
    r_enc_mt.push_back(raw_enc.t.back() / env_enc_mt.t.back());
    r_dec_mt.push_back(raw_dec.t.back() / env_dec_mt.t.back());
    r_enc_mt_ideal.push_back(raw_enc_mt.t.back() / env_enc_mt.t.back());
    r_dec_mt_ideal.push_back(raw_dec_mt.t.back() / env_dec_mt.t.back());
    if (!opt.json_only) {
      std::printf("  round %d: enc %.3fx dec %.3fx (1 thread)  enc %.2fx dec %.2fx (all cores vs raw 1 thread)\n", r + 1,
                  r_enc.back(), r_dec.back(), r_enc_mt.back(), r_dec_mt.back());
    }
  }

  // ------------------------------------------------------------------------------------------------------------
  // 100-byte documents. Rounds interleave envelope and raw batches.
  const std::size_t doc_n = opt.docs;
  const int doc_rounds = opt.runs;
  Bytes msg(100);
  randombytes_buf(msg.data(), msg.size());
  auto sealed_r = coffre::seal_document(key, ctx, msg);
  if (!sealed_r) die("seal_document", sealed_r.error());
  const Bytes sealed = std::move(sealed_r).take();
  std::uint8_t raw_nonce[24];
  randombytes_buf(raw_nonce, sizeof raw_nonce);
  Bytes raw_box(msg.size() + kTag);
  crypto_aead_xchacha20poly1305_ietf_encrypt(raw_box.data(), nullptr, msg.data(), msg.size(), raw.ad, sizeof raw.ad,
                                             nullptr, raw_nonce, raw.key);
  Bytes raw_out(msg.size() + kTag + 24);
  std::size_t sink = 0;

  // The floor produces exactly the library's bytes (same nonce from the same deterministic RNG), and opens them.
  const FloorDoc floor_doc(key_bytes, ctx);
  {
    std::uint8_t seed[32] = {42};
    coffre::DeterministicRng r1(seed), r2(seed);
    auto lib = coffre::seal_document(key, ctx, msg, r1);
    Bytes mine = floor_doc.seal(msg, r2), back;
    if (!lib || lib.value() != mine) die("document floor differs from seal_document");
    if (!floor_doc.open(mine, back) || back != msg) die("document floor open failed");
  }

  Series d_seal, d_open, d_raw_seal, d_raw_seal_ctr, d_raw_open, d_floor_seal, d_floor_open;
  std::vector<double> r_seal, r_open, r_seal_ctr, r_floor_seal, r_floor_open;
  for (int r = 0; r < doc_rounds; ++r) {
    auto env_seal = [&] {
      for (std::size_t i = 0; i < doc_n; ++i) {
        auto s = coffre::seal_document(key, ctx, msg);
        if (!s) die("seal_document", s.error());
        sink += s.value()[doc_n % 90 + 86];
      }
    };
    auto env_open = [&] {
      for (std::size_t i = 0; i < doc_n; ++i) {
        auto p = coffre::open_document(key, ctx, sealed);
        if (!p) die("open_document", p.error());
        sink += p.value()[i % 100];
      }
    };
    auto floor_seal = [&] {
      for (std::size_t i = 0; i < doc_n; ++i) sink += floor_doc.seal(msg, coffre::system_rng())[i % 100 + 86];
    };
    auto floor_open = [&] {
      Bytes p;
      for (std::size_t i = 0; i < doc_n; ++i) {
        if (!floor_doc.open(sealed, p)) die("floor open failed");
        sink += p[i % 100];
      }
    };
    // A raw user's seal: a fresh random nonce per message (as the envelope draws one), output nonce || ct || tag.
    auto raw_seal = [&] {
      for (std::size_t i = 0; i < doc_n; ++i) {
        randombytes_buf(raw_out.data(), 24);
        crypto_aead_xchacha20poly1305_ietf_encrypt(raw_out.data() + 24, nullptr, msg.data(), msg.size(), raw.ad,
                                                   sizeof raw.ad, nullptr, raw_out.data(), raw.key);
        sink += raw_out[i % 116];
      }
    };
    // The primitive alone (counter nonce), as in BASELINES.md.
    auto raw_seal_ctr = [&] {
      std::uint8_t n[24] = {};
      for (std::size_t i = 0; i < doc_n; ++i) {
        std::memcpy(n, &i, sizeof i);
        crypto_aead_xchacha20poly1305_ietf_encrypt(raw_out.data(), nullptr, msg.data(), msg.size(), raw.ad,
                                                   sizeof raw.ad, nullptr, n, raw.key);
        sink += raw_out[i % 116];
      }
    };
    auto raw_open = [&] {
      for (std::size_t i = 0; i < doc_n; ++i) {
        if (crypto_aead_xchacha20poly1305_ietf_decrypt(raw_out.data(), nullptr, nullptr, raw_box.data(),
                                                       raw_box.size(), raw.ad, sizeof raw.ad, raw_nonce,
                                                       raw.key) != 0) {
          die("raw document open failed");
        }
        sink += raw_out[i % 100];
      }
    };
    if (r % 2 == 0) {
      d_raw_seal.t.push_back(seconds(raw_seal));
      d_raw_seal_ctr.t.push_back(seconds(raw_seal_ctr));
      d_floor_seal.t.push_back(seconds(floor_seal));
      d_seal.t.push_back(seconds(env_seal));
      d_raw_open.t.push_back(seconds(raw_open));
      d_floor_open.t.push_back(seconds(floor_open));
      d_open.t.push_back(seconds(env_open));
    } else {
      d_seal.t.push_back(seconds(env_seal));
      d_floor_seal.t.push_back(seconds(floor_seal));
      d_raw_seal_ctr.t.push_back(seconds(raw_seal_ctr));
      d_raw_seal.t.push_back(seconds(raw_seal));
      d_open.t.push_back(seconds(env_open));
      d_floor_open.t.push_back(seconds(floor_open));
      d_raw_open.t.push_back(seconds(raw_open));
    }
    r_seal.push_back(d_raw_seal.t.back() / d_seal.t.back());
    r_seal_ctr.push_back(d_raw_seal_ctr.t.back() / d_seal.t.back());
    r_open.push_back(d_raw_open.t.back() / d_open.t.back());
    r_floor_seal.push_back(d_floor_seal.t.back() / d_seal.t.back());
    r_floor_open.push_back(d_floor_open.t.back() / d_open.t.back());
  }

  auto mbps = [&](const Series& s) { return mb / s.med(); };
  auto per_s = [&](const Series& s) { return static_cast<double>(doc_n) / s.med(); };
  const double q_enc = median(r_enc), q_dec = median(r_dec);

  if (!opt.json_only) {
    std::printf("\nfile envelope, 1 thread (MB/s = 1e6 B/s of plaintext, medians)\n");
    std::printf("  %-34s %10s %10s %8s\n", "", "envelope", "raw", "ratio");
    std::printf("  %-34s %10.0f %10.0f %7.3fx %s\n", "encrypt", mbps(env_enc), mbps(raw_enc), q_enc,
                q_enc >= 0.9 ? "(target >= 0.9x: met)" : "(target >= 0.9x: MISSED)");
    std::printf("  %-34s %10.0f %10.0f %7.3fx %s\n", "decrypt", mbps(env_dec), mbps(raw_dec), q_dec,
                q_dec >= 0.9 ? "(target >= 0.9x: met)" : "(target >= 0.9x: MISSED)");
    std::printf("file envelope, threads=0 (%u cores)\n", cores);
    std::printf("  %-34s %10.0f %10.0f %7.2fx  (raw split over %u threads: %.0f MB/s, envelope/that %.2fx)\n",
                "encrypt vs raw 1 thread", mbps(env_enc_mt), mbps(raw_enc), median(r_enc_mt), cores,
                mbps(raw_enc_mt), median(r_enc_mt_ideal));
    std::printf("  %-34s %10.0f %10.0f %7.2fx  (raw split over %u threads: %.0f MB/s, envelope/that %.2fx)\n",
                "decrypt vs raw 1 thread", mbps(env_dec_mt), mbps(raw_dec), median(r_dec_mt), cores,
                mbps(raw_dec_mt), median(r_dec_mt_ideal));
    std::printf("100-byte documents (messages/s, medians of %d x %zu)\n", doc_rounds, doc_n);
    std::printf("  %-34s %10.0f %10.0f %7.3fx\n", "seal vs raw (random nonce)", per_s(d_seal), per_s(d_raw_seal),
                median(r_seal));
    std::printf("  %-34s %10.0f %10.0f %7.3fx\n", "seal vs raw (counter nonce)", per_s(d_seal),
                per_s(d_raw_seal_ctr), median(r_seal_ctr));
    std::printf("  %-34s %10.0f %10.0f %7.3fx\n", "open vs raw", per_s(d_open), per_s(d_raw_open), median(r_open));
    std::printf("  %-34s %10.0f %10.0f %7.3fx  (same bytes, key on the stack, no allocation)\n",
                "seal vs spec floor", per_s(d_seal), per_s(d_floor_seal), median(r_floor_seal));
    std::printf("  %-34s %10.0f %10.0f %7.3fx\n", "open vs spec floor", per_s(d_open), per_s(d_floor_open),
                median(r_floor_open));
  }
  std::printf(
      "{\"bench\":\"coffre_file\",\"size_mib\":%zu,\"chunk\":%zu,\"step\":%zu,\"runs\":%d,\"cores\":%u,"
      "\"enc_mbps\":%.1f,\"raw_enc_mbps\":%.1f,\"enc_ratio\":%.4f,"
      "\"dec_mbps\":%.1f,\"raw_dec_mbps\":%.1f,\"dec_ratio\":%.4f,"
      "\"enc_mt_mbps\":%.1f,\"raw_enc_mt_mbps\":%.1f,\"enc_mt_ratio\":%.4f,\"enc_mt_vs_raw_mt\":%.4f,"
      "\"dec_mt_mbps\":%.1f,\"raw_dec_mt_mbps\":%.1f,\"dec_mt_ratio\":%.4f,\"dec_mt_vs_raw_mt\":%.4f,"
      "\"doc_n\":%zu,\"doc_seal_per_s\":%.0f,\"raw_seal_per_s\":%.0f,\"raw_seal_ctr_per_s\":%.0f,"
      "\"doc_seal_ratio\":%.4f,\"doc_seal_ratio_ctr\":%.4f,"
      "\"doc_open_per_s\":%.0f,\"raw_open_per_s\":%.0f,\"doc_open_ratio\":%.4f,"
      "\"floor_seal_per_s\":%.0f,\"floor_open_per_s\":%.0f,\"doc_seal_vs_floor\":%.4f,\"doc_open_vs_floor\":%.4f,"
      "\"load_before\":\"%s\",\"load_after\":\"%s\",\"sink\":%zu}\n",
      opt.size_mib, kChunk, kStep, opt.runs, cores, mbps(env_enc), mbps(raw_enc), q_enc, mbps(env_dec), mbps(raw_dec),
      q_dec, mbps(env_enc_mt), mbps(raw_enc_mt), median(r_enc_mt), median(r_enc_mt_ideal), mbps(env_dec_mt),
      mbps(raw_dec_mt), median(r_dec_mt), median(r_dec_mt_ideal), doc_n, per_s(d_seal), per_s(d_raw_seal),
      per_s(d_raw_seal_ctr), median(r_seal), median(r_seal_ctr), per_s(d_open), per_s(d_raw_open), median(r_open),
      per_s(d_floor_seal), per_s(d_floor_open), median(r_floor_seal), median(r_floor_open), load_before.c_str(), loadavg().c_str(),
      sink % 10);
  return 0;
}
