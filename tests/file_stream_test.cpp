#include "support.hpp"

#include <algorithm>

using namespace coffre;
using test::Bytes;

TEST_CASE("file envelope: sizes around chunk boundaries round-trip, whatever the input split") {
  const std::uint32_t chunk = 64;
  DeterministicRng pick(test::seed(3));
  for (std::size_t n : {0, 1, 63, 64, 65, 127, 128, 129, 640, 1000}) {
    Bytes plain = test::random_bytes(n);
    Bytes ct = test::encrypt(test::key(1), test::ctx(), plain, chunk);
    std::size_t chunks = n == 0 ? 1 : (n + chunk - 1) / chunk;
    CHECK(ct.size() == kFileHeaderSizeKey + n + 16 * chunks);
    for (std::size_t step : {std::size_t{1}, std::size_t{7}, std::size_t{80}, ct.size()}) {
      auto d = test::decrypt(test::key(1), test::ctx(), ct, step);
      CAPTURE(n);
      CAPTURE(step);
      CHECK(d.error == Error::ok);
      CHECK(d.ended);
      CHECK(d.released == plain);
    }
  }
}

TEST_CASE("file envelope: property - random sizes and random splits on both sides round-trip") {
  DeterministicRng rng(test::seed(4));
  for (int round = 0; round < 60; ++round) {
    std::uint8_t r[4];
    rng.fill(r);
    std::uint32_t chunk = 64 + r[0] % 200;
    std::size_t n = (std::size_t{r[1]} << 4 | r[2]) % (chunk * 6);
    Bytes plain = test::random_bytes(n, static_cast<std::uint8_t>(round));
    DeterministicRng seal_rng(test::seed(5));
    auto enc = FileEncryptor::create(test::key(1), test::ctx(), FileOptions{chunk, 1}, seal_rng);
    REQUIRE(enc.ok());
    Bytes ct = test::encrypt(enc.value(), plain, 1 + r[3] % 150);
    auto d = test::decrypt(test::key(1), test::ctx(), ct, 1 + r[2] % 170);
    CAPTURE(chunk);
    CAPTURE(n);
    CHECK(d.error == Error::ok);
    CHECK(d.released == plain);
  }
}

TEST_CASE("file envelope: parallel and single-threaded give the same bytes") {
  Bytes plain = test::random_bytes(3 * 65536 * 4 + 123);
  Bytes one = test::encrypt(test::key(1), test::ctx(), plain, 65536, 1);
  Bytes all = test::encrypt(test::key(1), test::ctx(), plain, 65536, 0);
  CHECK(one == all);
  auto d = test::decrypt(test::key(1), test::ctx(), all, SIZE_MAX, 0);
  CHECK(d.error == Error::ok);
  CHECK(d.released == plain);
}

TEST_CASE("file envelope: passphrase mode, with the Argon2id parameters in the header") {
  Bytes plain = test::random_bytes(300);
  const std::string pw = "correct horse battery staple";
  Passphrase pass{{reinterpret_cast<const std::uint8_t*>(pw.data()), pw.size()}};
  DeterministicRng rng(test::seed(6));
  auto enc = FileEncryptor::create(pass, test::ctx(), PassphraseParams{kMinEncryptOpslimit, kMinEncryptMemlimitKib},
                                   FileOptions{100, 1}, rng);
  REQUIRE(enc.ok());
  Bytes ct = test::encrypt(enc.value(), plain);
  auto info = inspect_file_header(ct);
  REQUIRE(info.ok());
  CHECK(info.value().header_size == kFileHeaderSizePassphrase);
  CHECK(info.value().passphrase_params->opslimit == 2);
  CHECK(info.value().passphrase_params->memlimit_kib == 19456);

  auto dec = FileDecryptor::create(pass, test::ctx());
  REQUIRE(dec.ok());
  auto d = test::decrypt(dec.value(), ct, 33);
  CHECK(d.error == Error::ok);
  CHECK(d.released == plain);

  const std::string wrong = "Correct horse battery staple";
  auto bad = FileDecryptor::create(Passphrase{{reinterpret_cast<const std::uint8_t*>(wrong.data()), wrong.size()}},
                                   test::ctx());
  CHECK(test::decrypt(bad.value(), ct).error == Error::wrong_key);
  CHECK(test::decrypt(test::key(1), test::ctx(), ct).error == Error::wrong_key);  // a key for a passphrase file
}

namespace {

Passphrase pass_of(const std::string& s) {
  return Passphrase{{reinterpret_cast<const std::uint8_t*>(s.data()), s.size()}};
}

}  // namespace

TEST_CASE("file envelope: a passphrase is used in its NFKD form (docs/SPEC.md 5.1)") {
  const Bytes plain = test::random_bytes(200);
  const PassphraseParams params{kMinEncryptOpslimit, kMinEncryptMemlimitKib};
  // Each pair: two encodings of the same text, which must open each other's files.
  const std::pair<std::string, std::string> same[] = {
      {"caf\xc3\xa9", "cafe\xcc\x81"},                                              // U+00E9 / e + U+0301
      {"\xed\x95\x9c", "\xe1\x84\x92\xe1\x85\xa1\xe1\x86\xab"},                    // Hangul syllable / its jamo
      {"\xef\xbd\x90\xef\xbd\x97\xe3\x80\x80\xef\xbc\x91", "pw 1"},              // full-width, U+3000 / ASCII
      {"\xe1\xb9\xa9", "s\xcc\xa3\xcc\x87"},  // U+1E69 / s + dot below + dot above (canonical reordering)
      {"\xe1\xb9\xa9", "s\xcc\x87\xcc\xa3"},  // ... marks typed in the other order
  };
  for (const auto& [written, read] : same) {
    CAPTURE(written);
    DeterministicRng rng(test::seed(7));
    auto enc = FileEncryptor::create(pass_of(written), test::ctx(), params, FileOptions{64, 1}, rng);
    REQUIRE(enc.ok());
    const Bytes ct = test::encrypt(enc.value(), plain);
    for (const auto& other : {read, written}) {
      auto dec = FileDecryptor::create(pass_of(other), test::ctx());
      REQUIRE(dec.ok());
      auto d = test::decrypt(dec.value(), ct);
      CHECK(d.error == Error::ok);
      CHECK(d.released == plain);
    }
    // The same rng and the same text: the same bytes, whichever form was typed.
    DeterministicRng again(test::seed(7));
    auto enc2 = FileEncryptor::create(pass_of(read), test::ctx(), params, FileOptions{64, 1}, again);
    REQUIRE(enc2.ok());
    CHECK(test::encrypt(enc2.value(), plain) == ct);
  }
  // NFKD keeps the accent: "cafe" is another passphrase.
  DeterministicRng rng(test::seed(8));
  auto enc = FileEncryptor::create(pass_of("caf\xc3\xa9"), test::ctx(), params, FileOptions{64, 1}, rng);
  const Bytes ct = test::encrypt(enc.value(), plain);
  auto cafe = FileDecryptor::create(pass_of("cafe"), test::ctx());
  REQUIRE(cafe.ok());
  CHECK(test::decrypt(cafe.value(), ct).error == Error::wrong_key);

  // Not UTF-8: invalid_argument when writing, when reading, and for random access, before any byte is looked at.
  for (const char* bad : {"caf\xe9", "\x80", "ab\xc3", "\xc0\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80"}) {
    CAPTURE(bad);
    CHECK_FALSE(passphrase_is_utf8(pass_of(bad)));
    CHECK(FileEncryptor::create(pass_of(bad), test::ctx(), params, {}, rng).error() == Error::invalid_argument);
    CHECK(FileDecryptor::create(pass_of(bad), test::ctx()).error() == Error::invalid_argument);
    const std::span<const std::uint8_t> header{ct.data(), kFileHeaderSizePassphrase};
    const auto last = FileRangeReader::final_chunk_range(header, ct.size()).value();
    const std::span<const std::uint8_t> final_chunk{ct.data() + last.begin, static_cast<std::size_t>(last.size())};
    CHECK(FileRangeReader::open(header, ct.size(), final_chunk, pass_of(bad), test::ctx()).error() ==
          Error::invalid_argument);
  }
  for (const std::string good : {std::string(), std::string("pw"), std::string("a\0b", 3),
                                  std::string("\xf4\x8f\xbf\xbf"), std::string("\xef\xbf\xbf")}) {
    CHECK(passphrase_is_utf8(pass_of(good)));  // empty, NUL, U+10FFFF, U+FFFF (a noncharacter) are UTF-8
  }
}

TEST_CASE("file envelope: bad arguments are refused") {
  DeterministicRng rng(test::seed(1));
  CHECK(FileEncryptor::create(test::key(1), test::ctx(), FileOptions{63, 1}, rng).error() == Error::invalid_argument);
  CHECK(FileEncryptor::create(test::key(1), test::ctx(), FileOptions{kMaxChunkSize + 1, 1}, rng).error() ==
        Error::invalid_argument);
  Passphrase empty{};
  CHECK(FileEncryptor::create(empty, test::ctx(), PassphraseParams{0, 64}, {}, rng).error() == Error::invalid_argument);
  CHECK(FileEncryptor::create(empty, test::ctx(), PassphraseParams{1, 4}, {}, rng).error() == Error::invalid_argument);
  const std::uint8_t pw[] = {'p', 'w'};
  CHECK(FileEncryptor::create(empty, test::ctx(), PassphraseParams{}, {}, rng).error() == Error::invalid_argument);
  // Below OWASP's Argon2id minimum (2 passes, 19 MiB) a writer refuses, though a reader accepts it (format bounds).
  CHECK(FileEncryptor::create(Passphrase{pw}, test::ctx(), PassphraseParams{1, 1 << 20}, {}, rng).error() ==
        Error::invalid_argument);
  CHECK(FileEncryptor::create(Passphrase{pw}, test::ctx(), PassphraseParams{3, 19455}, {}, rng).error() ==
        Error::invalid_argument);
  CHECK(FileEncryptor::create(Passphrase{pw}, test::ctx(), PassphraseParams{17, 1 << 15}, {}, rng).error() ==
        Error::invalid_argument);
  auto enc = FileEncryptor::create(test::key(1), test::ctx(), FileOptions{64, 1}, rng);
  Bytes small(1);
  std::size_t n = 0;
  CHECK(enc.value().update(Bytes(10), small, n) == Error::invalid_argument);
}

TEST_CASE("file envelope: a finished or failed stream refuses further use") {
  Bytes ct = test::encrypt(test::key(1), test::ctx(), test::random_bytes(10));
  auto dec = FileDecryptor::create(test::key(2), test::ctx());
  Bytes out(1000);
  std::size_t n = 0;
  CHECK(dec.value().update(ct, out, n) == Error::wrong_key);
  CHECK(dec.value().update(ct, out, n) == Error::bad_state);
  CHECK(dec.value().finish(out, n) == Error::bad_state);
  CHECK_FALSE(dec.value().ended_properly());
}

TEST_CASE("file envelope: a reader refuses a header asking for more Argon2id than its limits, before running it") {
  const std::string pw = "correct horse battery staple";
  Passphrase pass{{reinterpret_cast<const std::uint8_t*>(pw.data()), pw.size()}};
  DeterministicRng rng(test::seed(6));
  auto enc = FileEncryptor::create(pass, test::ctx(), PassphraseParams{2, 20000}, FileOptions{100, 1}, rng);
  REQUIRE(enc.ok());
  Bytes ct = test::encrypt(enc.value(), test::random_bytes(300));
  auto open = [&](const Bytes& bytes, PassphraseLimits limits, Passphrase p) {
    auto dec = FileDecryptor::create(p, test::ctx(), 1, limits);
    REQUIRE(dec.ok());
    return test::decrypt(dec.value(), bytes);
  };
  CHECK(open(ct, {2, 20000}, pass).error == Error::ok);  // limits are inclusive
  CHECK(open(ct, {}, pass).error == Error::ok);          // the default admits it
  auto over = open(ct, {1, 20000}, pass);
  CHECK(over.error == Error::kdf_cost_exceeded);
  CHECK(over.released.empty());
  CHECK(open(ct, {2, 19999}, pass).error == Error::kdf_cost_exceeded);

  // A header altered to 1 GiB (in the format's bounds, above the default limit): refused before Argon2id, so before
  // the key commitment that needs its output - also with a wrong passphrase.
  Bytes big = ct;
  big[22] = 0x00, big[23] = 0x10, big[24] = 0x00, big[25] = 0x00;  // memlimit_kib = 1048576
  const std::uint8_t other[] = {'x'};
  CHECK(open(big, {}, Passphrase{other}).error == Error::kdf_cost_exceeded);
  Bytes passes = ct;
  passes[21] = 5;  // opslimit 5 > the default 4
  CHECK(open(passes, {}, pass).error == Error::kdf_cost_exceeded);
  passes[21] = 17;  // out of the format's bounds: malformed, whatever the limits
  CHECK(open(passes, {16, 1 << 20}, pass).error == Error::malformed_header);
  // A key for a passphrase file is wrong_key before any limit applies.
  CHECK(test::decrypt(test::key(1), test::ctx(), big).error == Error::wrong_key);

  // The range reader takes the same limits.
  std::span<const std::uint8_t> header{ct.data(), kFileHeaderSizePassphrase};
  auto where = FileRangeReader::final_chunk_range(header, ct.size()).value();
  std::span<const std::uint8_t> final_chunk{ct.data() + where.begin, static_cast<std::size_t>(where.size())};
  CHECK(FileRangeReader::open(header, ct.size(), final_chunk, pass, test::ctx(), {1, 20000}).error() ==
        Error::kdf_cost_exceeded);
  CHECK(FileRangeReader::open(header, ct.size(), final_chunk, pass, test::ctx()).ok());
}

TEST_CASE("file header: each field is checked as soon as its bytes are present (docs/SPEC.md 5.3)") {
  Bytes ct = test::encrypt(test::key(1), test::ctx(), test::random_bytes(10));
  auto first = [&](const Bytes& b, std::size_t n) { return inspect_file_header({b.data(), n}).error(); };
  CHECK(first(ct, 0) == Error::truncated);
  Bytes bad = ct;
  bad[2] = 'X';
  CHECK(first(bad, 3) == Error::bad_magic);
  CHECK(first(bad, 2) == Error::truncated);
  bad = ct;
  bad[9] = 3;
  CHECK(first(bad, 10) == Error::malformed_header);
  CHECK(first(bad, 9) == Error::truncated);
  bad = ct;
  bad[10] = 0xff;  // chunk_size far above 1 MiB: refused with its 4 bytes, before key_version is present
  CHECK(first(bad, 14) == Error::malformed_header);
  CHECK(first(bad, 13) == Error::truncated);
  bad = ct;
  bad[9] = 2;  // a passphrase header: opslimit at 18..22, memlimit at 22..26
  std::fill_n(bad.begin() + 18, 4, 0);  // opslimit 0
  CHECK(first(bad, 22) == Error::malformed_header);
  CHECK(first(bad, 21) == Error::truncated);
  bad[21] = 1;
  bad[22] = 0xff;  // memlimit above 1 GiB
  CHECK(first(bad, 26) == Error::malformed_header);
  CHECK(first(bad, 25) == Error::truncated);
}
