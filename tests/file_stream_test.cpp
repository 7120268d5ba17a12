#include "support.hpp"

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
  auto enc = FileEncryptor::create(pass, test::ctx(), PassphraseParams{1, 64}, FileOptions{100, 1}, rng);
  REQUIRE(enc.ok());
  Bytes ct = test::encrypt(enc.value(), plain);
  auto info = inspect_file_header(ct);
  REQUIRE(info.ok());
  CHECK(info.value().header_size == kFileHeaderSizePassphrase);
  CHECK(info.value().passphrase_params->opslimit == 1);
  CHECK(info.value().passphrase_params->memlimit_kib == 64);

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

TEST_CASE("file envelope: bad arguments are refused") {
  DeterministicRng rng(test::seed(1));
  CHECK(FileEncryptor::create(test::key(1), test::ctx(), FileOptions{63, 1}, rng).error() == Error::invalid_argument);
  CHECK(FileEncryptor::create(test::key(1), test::ctx(), FileOptions{kMaxChunkSize + 1, 1}, rng).error() ==
        Error::invalid_argument);
  Passphrase empty{};
  CHECK(FileEncryptor::create(empty, test::ctx(), PassphraseParams{0, 64}, {}, rng).error() == Error::invalid_argument);
  CHECK(FileEncryptor::create(empty, test::ctx(), PassphraseParams{1, 4}, {}, rng).error() == Error::invalid_argument);
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
