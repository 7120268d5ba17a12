// A C++ program using the installed library through <coffre/coffre.hpp> (tests/install/run.sh): prints the library's
// version, seals and opens a document with a key drawn from its own Rng subclass (the vtable crosses the library
// boundary), streams a file through FileEncryptor / FileDecryptor, and checks that a wrong context is refused.
#include <coffre/coffre.hpp>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string_view>
#include <vector>

namespace {

void check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "c++ consumer: %s\n", what);
    std::exit(1);
  }
}

// The application's own randomness source, here the system one with a count of calls.
class CountingRng final : public coffre::Rng {
 public:
  void fill(std::span<std::uint8_t> out) override {
    ++calls;
    coffre::system_rng().fill(out);
  }
  int calls = 0;
};

void document_roundtrip(const coffre::ContentKey& key, CountingRng& rng) {
  const std::string_view text = "minutes of the council";
  const std::vector<std::uint8_t> plain(text.begin(), text.end());
  const coffre::Context ctx{"doc", 7, 1};
  auto sealed = coffre::seal_document(key, ctx, plain, rng);
  check(sealed.ok(), "seal_document");
  auto opened = coffre::open_document(key, ctx, sealed.value());
  check(opened.ok() && opened.value() == plain, "open_document");
  auto replayed = coffre::open_document(key, coffre::Context{"doc", 8, 1}, sealed.value());
  check(replayed.error() == coffre::Error::wrong_context, "a wrong context is refused");
  check(coffre::error_code(replayed.error()) == "wrong_context", "error_code");
}

void file_roundtrip(const coffre::ContentKey& key) {
  std::vector<std::uint8_t> plain(3 * 64 + 10);
  for (std::size_t i = 0; i < plain.size(); ++i) plain[i] = static_cast<std::uint8_t>(i * 7);
  const coffre::Context ctx{"file", 1, 1};

  auto enc = coffre::FileEncryptor::create(key, ctx, coffre::FileOptions{64, 1});
  check(enc.ok(), "FileEncryptor::create");
  std::vector<std::uint8_t> ct(enc.value().max_update_output(plain.size()) + enc.value().max_finish_output());
  std::size_t n = 0, m = 0;
  check(enc.value().update(plain, ct, n) == coffre::Error::ok, "encrypt update");
  check(enc.value().finish(std::span(ct).subspan(n), m) == coffre::Error::ok, "encrypt finish");
  ct.resize(n + m);

  auto dec = coffre::FileDecryptor::create(key, ctx, 1);
  check(dec.ok(), "FileDecryptor::create");
  std::vector<std::uint8_t> out(dec.value().max_update_output(ct.size()) + dec.value().max_finish_output());
  check(dec.value().update(ct, out, n) == coffre::Error::ok, "decrypt update");
  check(dec.value().finish(std::span(out).subspan(n), m) == coffre::Error::ok, "decrypt finish");
  out.resize(n + m);
  check(dec.value().ended_properly() && out == plain, "file round trip");
}

}  // namespace

int main() {
  check(coffre::init() == coffre::Error::ok, "init");
  // The headers and the library must be the same version.
  check(coffre::version() == COFFRE_VERSION_STRING, "version");
  CountingRng rng;
  auto key = coffre::ContentKey::generate(rng);
  check(key.ok() && rng.calls == 1, "ContentKey::generate through the application's Rng");
  document_roundtrip(key.value(), rng);
  file_roundtrip(key.value());
  std::printf("c++ consumer: coffre %.*s: document and file round trips ok\n", static_cast<int>(coffre::version().size()),
              coffre::version().data());
  return 0;
}
