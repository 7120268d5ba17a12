// A malicious store: every tamper class of docs/SPEC.md 5.3 and 5.4, each with its own error.
#include "support.hpp"

using namespace coffre;
using test::Bytes;

namespace {
constexpr std::uint32_t kChunk = 64;
constexpr std::size_t kC = kChunk + 16;
constexpr std::size_t kH = kFileHeaderSizeKey;

Bytes sample(std::size_t n = 4 * kChunk + 10) {
  return test::encrypt(test::key(1), test::ctx(), test::random_bytes(n), kChunk);
}
Bytes chunk(const Bytes& ct, std::size_t i) {
  auto from = ct.begin() + static_cast<std::ptrdiff_t>(kH + i * kC);
  return Bytes(from, std::min(ct.end(), from + kC));
}
Bytes join(const Bytes& header_src, std::initializer_list<Bytes> chunks) {
  Bytes out(header_src.begin(), header_src.begin() + kH);
  for (const auto& c : chunks) out.insert(out.end(), c.begin(), c.end());
  return out;
}
test::Decrypted open(const Bytes& ct) { return test::decrypt(test::key(1), test::ctx(), ct); }
}  // namespace

TEST_CASE("file envelope: wrong key, wrong context") {
  Bytes ct = sample();
  CHECK(test::decrypt(test::key(2), test::ctx(), ct).error == Error::wrong_key);
  CHECK(test::decrypt(test::key(1), test::ctx("other"), ct).error == Error::wrong_context);
  CHECK(test::decrypt(test::key(1), test::ctx("doc-1", 4), ct).error == Error::wrong_context);
  CHECK(test::decrypt(test::key(1), test::ctx("doc-1", 3, 9), ct).error == Error::wrong_context);
}

TEST_CASE("file envelope: every header byte altered gives the spec's error for that field") {
  Bytes ct = sample(10);
  for (std::size_t i = 0; i < kH; ++i) {
    Bytes bad = ct;
    bad[i] ^= 0x01;
    auto d = open(bad);
    CAPTURE(i);
    CHECK(d.released.empty());
    if (i <= 6) CHECK(d.error == Error::bad_magic);
    else if (i == 7) CHECK(d.error == Error::unsupported_version);
    else if (i == 8) CHECK(d.error == Error::unsupported_suite);
    else if (i == 9 || i == 10) CHECK(d.error == Error::malformed_header);  // key_source 0; chunk_size > 1 MiB
    else if (i < 14) CHECK(d.error == Error::header_tampered);  // chunk_size, still within bounds
    else if (i < 18) CHECK(d.error == Error::wrong_context);    // key_version
    else if (i < 82) CHECK(d.error == Error::wrong_key);        // salt, key_commit
    else if (i < 98) CHECK(d.error == Error::wrong_context);    // ctx_commit
    else CHECK(d.error == Error::header_tampered);              // header_mac
  }
}

TEST_CASE("file envelope: flipping any payload byte fails and releases only earlier chunks") {
  Bytes plain = test::random_bytes(2 * kChunk + 5);
  Bytes ct = test::encrypt(test::key(1), test::ctx(), plain, kChunk);
  for (std::size_t i = kH; i < ct.size(); ++i) {
    Bytes bad = ct;
    bad[i] ^= 0x80;
    auto d = open(bad);
    CAPTURE(i);
    CHECK(d.error == Error::chunk_invalid);
    std::size_t chunk_index = (i - kH) / kC;
    CHECK(d.released == Bytes(plain.begin(), plain.begin() + static_cast<std::ptrdiff_t>(chunk_index * kChunk)));
  }
}

TEST_CASE("file envelope: truncation, at a chunk boundary and inside a chunk") {
  Bytes ct = sample();
  CHECK(open(Bytes(ct.begin(), ct.begin() + kH + 2 * kC)).error == Error::truncated);
  CHECK(open(Bytes(ct.begin(), ct.begin() + kH + kC + 10)).error == Error::truncated);  // < 16 bytes of a chunk
  CHECK(open(Bytes(ct.begin(), ct.begin() + kH + kC + 40)).error == Error::chunk_invalid);
  CHECK(open(Bytes(ct.begin(), ct.begin() + kH)).error == Error::truncated);
  CHECK(open(Bytes(ct.begin(), ct.begin() + 50)).error == Error::truncated);
  CHECK(open(Bytes{}).error == Error::truncated);
}

TEST_CASE("file envelope: reordered, removed and duplicated chunks") {
  Bytes ct = sample();
  auto d = open(join(ct, {chunk(ct, 0), chunk(ct, 2), chunk(ct, 1), chunk(ct, 3), chunk(ct, 4)}));
  CHECK(d.error == Error::chunk_out_of_order);
  CHECK(d.released.size() == kChunk);
  CHECK(open(join(ct, {chunk(ct, 0), chunk(ct, 2), chunk(ct, 3), chunk(ct, 4)})).error == Error::chunk_out_of_order);
  CHECK(open(join(ct, {chunk(ct, 0), chunk(ct, 1), chunk(ct, 1), chunk(ct, 2), chunk(ct, 3), chunk(ct, 4)})).error ==
        Error::chunk_duplicated);
}

TEST_CASE("file envelope: chunks spliced from another file under the same key") {
  Bytes ct = sample();
  DeterministicRng rng(test::seed(42));
  auto enc = FileEncryptor::create(test::key(1), test::ctx(), FileOptions{kChunk, 1}, rng);
  Bytes other = test::encrypt(enc.value(), test::random_bytes(4 * kChunk + 10, 99));
  REQUIRE(Bytes(ct.begin(), ct.begin() + kH) != Bytes(other.begin(), other.begin() + kH));
  CHECK(open(join(ct, {chunk(ct, 0), chunk(other, 1), chunk(ct, 2), chunk(ct, 3), chunk(ct, 4)})).error ==
        Error::chunk_invalid);
  // The other file's header with this file's chunks: the header authenticates, the chunks do not.
  CHECK(open(join(other, {chunk(ct, 0)})).error == Error::chunk_invalid);
}

TEST_CASE("file envelope: trailing data after the final chunk") {
  Bytes short_final = sample(4 * kChunk + 10);  // final chunk: 26 bytes
  for (std::size_t extra : {1, 15, 16, 54, 55, 100, 256, 1000}) {
    Bytes bad = short_final;
    bad.insert(bad.end(), extra, 0xAA);
    CAPTURE(extra);
    CHECK(open(bad).error == Error::trailing_data);
  }
  Bytes full_final = sample(4 * kChunk);
  for (std::size_t extra : {1, 16, 17, 300}) {
    Bytes bad = full_final;
    bad.insert(bad.end(), extra, 0xAA);
    CAPTURE(extra);
    auto d = open(bad);
    CHECK(d.error == Error::trailing_data);
    CHECK(d.released.size() == 3 * kChunk);
  }
}

TEST_CASE("file envelope: property - any trailing bytes after any final chunk are reported as trailing data") {
  for (std::size_t final_len = 1; final_len <= kChunk; final_len += 9) {
    Bytes ct = sample(2 * kChunk + final_len);
    for (std::size_t extra : {1, 7, 16, 17, 63, 64, 65, 80, 81, 200}) {
      Bytes bad = ct;
      bad.insert(bad.end(), extra, static_cast<std::uint8_t>(extra));
      auto d = open(bad);
      CAPTURE(final_len);
      CAPTURE(extra);
      CHECK(d.error == Error::trailing_data);
      CHECK(d.released.size() == 2 * kChunk);  // the final chunk itself is not released
    }
  }
}

TEST_CASE("file envelope: an empty chunk where the format forbids one") {
  Bytes ct = sample(4 * kChunk);
  // A 16-byte piece after the full chunks: only an empty file may end with an empty chunk.
  Bytes bad = join(ct, {chunk(ct, 0), chunk(ct, 1), chunk(ct, 2), Bytes(16, 0)});
  CHECK(open(bad).error == Error::empty_chunk);
}

TEST_CASE("file envelope: the final flag cannot be moved") {
  // A file cut after a full chunk: the last full chunk was sealed non-final, so it is caught as truncation.
  Bytes ct = sample(4 * kChunk);
  CHECK(open(Bytes(ct.begin(), ct.begin() + kH + 3 * kC)).error == Error::truncated);
  CHECK(open(ct).error == Error::ok);
}
