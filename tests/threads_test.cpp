// A library linked into an application starts no thread unless asked (coffre/threads.hpp). Its own process: the
// count of threads is the process's, and the doctest suite sets the default to all cores.
#include <coffre/coffre.hpp>

#include <cstdio>
#include <filesystem>
#include <vector>

namespace {

int failures = 0;

void check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "FAIL: %s\n", what);
    ++failures;
  }
}

std::size_t process_threads() {
  std::size_t n = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator("/proc/self/task")) ++n;
  return n;
}

// Encrypts 16 MiB (256 chunks: enough for every thread asked) with FileOptions::threads = `threads`.
bool encrypt_16_mib(const coffre::ContentKey& key, unsigned threads) {
  auto enc = coffre::FileEncryptor::create(key, coffre::Context{"threads-test", 1, 1}, coffre::FileOptions{65536, threads});
  if (!enc.ok()) return false;
  std::vector<std::uint8_t> in(16 << 20, 0x5a), out(enc.value().max_update_output(in.size()));
  std::size_t written = 0;
  if (enc.value().update(in, out, written) != coffre::Error::ok) return false;
  out.resize(enc.value().max_finish_output());
  return enc.value().finish(out, written) == coffre::Error::ok;
}

}  // namespace

int main() {
  if (coffre::init() != coffre::Error::ok) return 1;
  auto key = coffre::ContentKey::generate(coffre::system_rng());
  if (!key.ok()) return 1;

  check(coffre::default_threads() == 1, "the default is one thread");
  check(encrypt_16_mib(key.value(), 0), "encrypt with the default");
  check(process_threads() == 1, "a call with the default started a thread");

  const unsigned cores = coffre::all_cores();
  coffre::set_default_threads(3);
  check(coffre::default_threads() == 3, "set_default_threads(3)");
  check(encrypt_16_mib(key.value(), 0), "encrypt with a default of 3");
  // Workers: as many as asked beyond the caller, at most one per other core.
  check(process_threads() == std::min(3u, cores), "a default of 3 started as many workers as asked and cores allow");

  coffre::set_default_threads(0);
  check(coffre::default_threads() == 1, "set_default_threads(0) is taken as 1");
  std::printf("threads: default 1, then %zu with a default of 3 on %u cores\n", process_threads(), cores);
  return failures == 0 ? 0 : 1;
}
