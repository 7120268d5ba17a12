// coffre_bench_drive: Drive trees (docs/SPEC.md section 18) on a 10,000-entry folder.
//
//   list    : list_folder of every record (opening each: parent check, node-key unwrap, metadata open, rules, lookup
//             hash; then the duplicate checks), on 1 thread and on all cores. Target: < 1 s.
//   create  : make_node_record for every entry (node keys drawn beforehand), 1 thread.
// Peers, run side by side in the same process (rounds interleaved): the raw floor of the same work with libsodium
// directly and no allocation: per entry 3 keyed BLAKE2b (wrap key, metadata key, lookup hash) and 2
// XChaCha20-Poly1305 opens (48-byte node key, the metadata: 128 bytes padded here), or 2 seals and a random nonce
// for create; "all cores" split in as
// many std::threads. And the cost of one guarded allocation per entry (`sodium_malloc` + `sodium_free` of 32 bytes:
// each opened node holds its key in SecretBytes).
//
// Usage: coffre_bench_drive [--entries N] [--runs N]. Prints a table (medians, ms) and one JSON line. Never a test.
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
#include <vector>

namespace {

using namespace coffre;
using Clock = std::chrono::steady_clock;
using Bytes = std::vector<std::uint8_t>;

[[noreturn]] void die(const char* what, Error e) {
  std::fprintf(stderr, "coffre_bench_drive: %s: %s\n", what, std::string(error_code(e)).c_str());
  std::exit(1);
}

template <class T>
T take(Result<T> r, const char* what) {
  if (!r) die(what, r.error());
  return std::move(r).take();
}

double ms_of(const std::function<void()>& f) {
  auto t0 = Clock::now();
  f();
  return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
}

// Metadata as a typical file: a 22-byte name, "application/pdf" (128 bytes of meta once padded).
NodeMeta meta_of(std::size_t i) {
  char name[48];
  std::snprintf(name, sizeof name, "report-%06zu-final.pdf", i);
  return NodeMeta{name, 100000 + i, 1, "application/pdf", 1'764'115'200, 1'764'115'200};
}

struct Folder {
  NodeId id;
  NodeKey key;
  std::vector<NodeId> ids;
  std::vector<NodeKey> keys;
  std::vector<Bytes> records;
};

Folder make_folder(std::size_t n) {
  std::uint8_t seed[32] = {42};
  DeterministicRng rng(seed);
  Folder f{NodeId::generate(rng), take(NodeKey::generate(rng), "key"), {}, {}, {}};
  for (std::size_t i = 0; i < n; ++i) {
    f.ids.push_back(NodeId::generate(rng));
    f.keys.push_back(take(NodeKey::generate(rng), "key"));
  }
  return f;
}

void create_all(Folder& f, unsigned) {
  f.records.clear();
  for (std::size_t i = 0; i < f.ids.size(); ++i) {
    f.records.push_back(
        take(make_node_record(f.id, f.key, NodeKind::file, f.ids[i], f.keys[i], meta_of(i)), "make_node_record"));
  }
}

// The raw floor: the same primitives on the same bytes, no allocation, no checks beyond the AEADs.
constexpr std::size_t kHeader = 70, kNonce = 24, kSealedKey = 48;

void kdf(std::uint8_t out[32], const std::uint8_t key[32], const char* label, const std::uint8_t* part,
         std::size_t part_len) {
  std::uint8_t msg[4 + 64 + 4 + 256];
  std::size_t ll = std::strlen(label), n = 0;
  auto frame = [&](const std::uint8_t* p, std::size_t len) {
    msg[n] = 0, msg[n + 1] = 0, msg[n + 2] = static_cast<std::uint8_t>(len >> 8), msg[n + 3] = static_cast<std::uint8_t>(len);
    std::memcpy(msg + n + 4, p, len);
    n += 4 + len;
  };
  frame(reinterpret_cast<const std::uint8_t*>(label), ll);
  if (part) frame(part, part_len);
  crypto_generichash(out, 32, msg, n, key, 32);
}

void floor_open_range(const Folder& f, const std::uint8_t parent_key[32], std::size_t from, std::size_t to) {
  std::uint8_t wrap[32], node_key[32], meta_key[32], hash[32], meta[576];
  for (std::size_t i = from; i < to; ++i) {
    const Bytes& r = f.records[i];
    const std::uint8_t* nonce = &r[kHeader];
    kdf(wrap, parent_key, "coffre/v1/drive/node-key", nullptr, 0);
    if (crypto_aead_xchacha20poly1305_ietf_decrypt(node_key, nullptr, nullptr, &r[kHeader + kNonce], kSealedKey,
                                                   r.data(), kHeader, nonce, wrap) != 0) {
      die("floor open key", Error::node_binding_invalid);
    }
    kdf(meta_key, node_key, "coffre/v1/drive/metadata", nullptr, 0);
    std::size_t off = kHeader + kNonce + kSealedKey;
    if (crypto_aead_xchacha20poly1305_ietf_decrypt(meta, nullptr, nullptr, &r[off], r.size() - off, r.data(), kHeader,
                                                   nonce, meta_key) != 0) {
      die("floor open meta", Error::node_binding_invalid);
    }
    std::size_t name_len = meta[3];
    kdf(hash, parent_key, "coffre/v1/drive/name-hash", meta + 4, name_len);
    if (sodium_memcmp(hash, &r[38], 32) != 0) die("floor name hash", Error::node_binding_invalid);
  }
  sodium_memzero(node_key, sizeof node_key);
}

void floor_seal_all(const Folder& f, Bytes& scratch) {
  std::uint8_t wrap[32], meta_key[32], hash[32], nonce[24], meta[576] = {};
  const std::uint8_t* parent_key = f.key.reveal().data();
  const std::size_t meta_size = f.records[0].size() - kHeader - kNonce - kSealedKey - 16;  // the same padded size
  scratch.resize(f.records[0].size());
  for (std::size_t i = 0; i < f.ids.size(); ++i) {
    const std::uint8_t* node_key = f.keys[i].reveal().data();
    kdf(hash, parent_key, "coffre/v1/drive/name-hash", meta + 4, 22);
    std::memcpy(&scratch[38], hash, 32);
    randombytes_buf(nonce, sizeof nonce);
    kdf(wrap, parent_key, "coffre/v1/drive/node-key", nullptr, 0);
    crypto_aead_xchacha20poly1305_ietf_encrypt(&scratch[kHeader + kNonce], nullptr, node_key, 32, scratch.data(),
                                               kHeader, nullptr, nonce, wrap);
    kdf(meta_key, node_key, "coffre/v1/drive/metadata", nullptr, 0);
    crypto_aead_xchacha20poly1305_ietf_encrypt(&scratch[kHeader + kNonce + kSealedKey], nullptr, meta, meta_size,
                                               scratch.data(), kHeader, nullptr, nonce, meta_key);
  }
}

void floor_open_all(const Folder& f, unsigned threads) {
  const std::uint8_t* pk = f.key.reveal().data();
  std::size_t n = f.records.size();
  if (threads <= 1) return floor_open_range(f, pk, 0, n);
  std::vector<std::thread> pool;
  for (unsigned t = 0; t < threads; ++t) {
    pool.emplace_back(floor_open_range, std::cref(f), pk, n * t / threads, n * (t + 1) / threads);
  }
  for (auto& th : pool) th.join();
}

void guarded_allocations(std::size_t n) {
  std::vector<void*> p(n);
  for (auto& x : p) x = sodium_malloc(32);
  for (auto* x : p) sodium_free(x);
}

}  // namespace

int main(int argc, char** argv) {
  coffre::set_default_threads(coffre::all_cores());  // threads = 0 is "all cores" in every figure here
  std::size_t n = 10000;
  int runs = 7;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--entries") == 0) n = std::strtoul(argv[i + 1], nullptr, 10);
    if (std::strcmp(argv[i], "--runs") == 0) runs = std::atoi(argv[i + 1]);
  }
  if (init() != Error::ok || n < 1 || runs < 1) return 1;
  unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  Folder f = make_folder(n);
  create_all(f, 1);
  Bytes scratch;

  std::vector<double> list1, listn, floor1, floorn, create, floor_create, alloc, r1, rn, rc;
  for (int r = 0; r < runs; ++r) {
    // Interleaved, so that the load of a shared machine falls on both sides alike.
    double a = ms_of([&] { floor_open_all(f, 1); });
    double b = 0;
    {
      std::vector<OpenedNode> kept;
      b = ms_of([&] { kept = take(list_folder(f.id, f.key, std::span<const Bytes>(f.records), 1), "list 1"); });
      if (kept.size() != n) die("list", Error::invalid_argument);
    }
    double c = ms_of([&] { floor_open_all(f, cores); });
    double d = 0;
    {
      std::vector<OpenedNode> kept;
      d = ms_of([&] { kept = take(list_folder(f.id, f.key, std::span<const Bytes>(f.records), 0), "list all"); });
    }
    double e = ms_of([&] { floor_seal_all(f, scratch); });
    double g = ms_of([&] { create_all(f, 1); });
    alloc.push_back(ms_of([&] { guarded_allocations(n); }));
    floor1.push_back(a), list1.push_back(b), floorn.push_back(c), listn.push_back(d), floor_create.push_back(e),
        create.push_back(g);
    r1.push_back(b / a), rn.push_back(d / c), rc.push_back(g / e);
  }
  std::size_t bytes = 0;
  for (const auto& rec : f.records) bytes += rec.size();
  std::printf("Drive folder of %zu entries (%zu bytes of records), median of %d interleaved rounds (ms)\n", n, bytes,
              runs);
  std::printf("%-28s %10s %10s %12s\n", "", "coffre", "raw floor", "coffre/floor");
  std::printf("%-28s %10.1f %10.1f %12.2f\n", "list, 1 thread", median(list1), median(floor1), median(r1));
  std::printf("%-28s %10.1f %10.1f %12.2f\n", ("list, all cores (" + std::to_string(cores) + ")").c_str(),
              median(listn), median(floorn), median(rn));
  std::printf("%-28s %10.1f %10.1f %12.2f\n", "create, 1 thread", median(create), median(floor_create), median(rc));
  std::printf("%-28s %10.1f\n", "guarded alloc+free x N", median(alloc));
  std::printf(
      "{\"bench\":\"coffre_drive\",\"entries\":%zu,\"list_1t_ms\":%.1f,\"floor_1t_ms\":%.1f,\"list_1t_ratio\":%.3f,"
      "\"list_mt_ms\":%.1f,\"floor_mt_ms\":%.1f,\"list_mt_ratio\":%.3f,\"create_ms\":%.1f,\"floor_create_ms\":%.1f,"
      "\"create_ratio\":%.3f,\"alloc_ms\":%.1f,\"cores\":%u}\n",
      n, median(list1), median(floor1), median(r1), median(listn), median(floorn), median(rn), median(create),
      median(floor_create), median(rc), median(alloc), cores);
  return 0;
}
