#include "support.hpp"

using namespace coffre;
using test::Bytes;

namespace {
Bytes read_range(const FileRangeReader& r, const Bytes& ct, ByteRange range, Error* error = nullptr) {
  auto fetch = r.ciphertext_range(range);
  REQUIRE(fetch.ok());
  Bytes fetched(ct.begin() + static_cast<std::ptrdiff_t>(fetch.value().begin),
                ct.begin() + static_cast<std::ptrdiff_t>(fetch.value().end));
  Bytes out(range.size());
  Error e = r.read(range, fetched, out);
  if (error) *error = e;
  else REQUIRE(e == Error::ok);
  return out;
}
}  // namespace

TEST_CASE("random access: every range equals the slice of a full decrypt, fetching only covering chunks") {
  for (std::size_t n : {1, 64, 65, 300, 640}) {
    Bytes plain = test::random_bytes(n);
    Bytes ct = test::encrypt(test::key(1), test::ctx(), plain, 64);
    auto reader = FileRangeReader::open({ct.data(), kFileHeaderSizeKey}, ct.size(), test::key(1), test::ctx());
    REQUIRE(reader.ok());
    CHECK(reader.value().plaintext_size() == n);
    for (std::uint64_t a = 0; a <= n; a += 13) {
      for (std::uint64_t b = a; b <= n; b += 29) {
        Bytes got = read_range(reader.value(), ct, {a, b});
        CHECK(got == Bytes(plain.begin() + static_cast<std::ptrdiff_t>(a), plain.begin() + static_cast<std::ptrdiff_t>(b)));
        auto fetch = reader.value().ciphertext_range({a, b}).value();
        if (b > a) CHECK(fetch.size() <= ((b - 1) / 64 - a / 64 + 1) * 80);
      }
    }
    CHECK(reader.value().ciphertext_range({0, n + 1}).error() == Error::range_out_of_bounds);
  }
}

TEST_CASE("random access: the header and the total size are checked; a tampered chunk releases nothing") {
  Bytes plain = test::random_bytes(300);
  Bytes ct = test::encrypt(test::key(1), test::ctx(), plain, 64);
  std::span<const std::uint8_t> header{ct.data(), kFileHeaderSizeKey};
  CHECK(FileRangeReader::open(header, ct.size(), test::key(2), test::ctx()).error() == Error::wrong_key);
  CHECK(FileRangeReader::open(header, ct.size(), test::key(1), test::ctx("x")).error() == Error::wrong_context);
  CHECK(FileRangeReader::open(header, kFileHeaderSizeKey + 80 + 5, test::key(1), test::ctx()).error() ==
        Error::truncated);
  CHECK(FileRangeReader::open(header, kFileHeaderSizeKey + 80 + 16, test::key(1), test::ctx()).error() ==
        Error::empty_chunk);

  auto reader = FileRangeReader::open(header, ct.size(), test::key(1), test::ctx());
  Bytes bad = ct;
  bad[kFileHeaderSizeKey + 2 * 80 + 5] ^= 1;
  Error e = Error::ok;
  Bytes out = read_range(reader.value(), bad, {60, 200}, &e);
  CHECK(e == Error::chunk_invalid);
  CHECK(out == Bytes(140, 0));
  // Lying about the size moves the final flag: the last chunk no longer authenticates.
  auto shorter = FileRangeReader::open(header, ct.size() - 80, test::key(1), test::ctx());
  REQUIRE(shorter.ok());
  read_range(shorter.value(), ct, {0, shorter.value().plaintext_size()}, &e);
  CHECK(e == Error::chunk_invalid);
}

TEST_CASE("file layout: chunk count and plaintext size follow from the header and the total size") {
  for (std::size_t n : {0, 1, 64, 65, 640}) {
    Bytes ct = test::encrypt(test::key(1), test::ctx(), test::random_bytes(n), 64);
    auto info = inspect_file_header(ct).value();
    auto layout = file_layout(info, ct.size());
    REQUIRE(layout.ok());
    CHECK(layout.value().plaintext_size == n);
    CHECK(layout.value().chunk_count == (n == 0 ? 1 : (n + 63) / 64));
  }
  auto info = inspect_file_header(test::encrypt(test::key(1), test::ctx(), {}, 64)).value();
  CHECK(file_layout(info, kFileHeaderSizeKey).error() == Error::truncated);
  CHECK(file_layout(info, kFileHeaderSizeKey + 15).error() == Error::truncated);
  CHECK(file_layout(info, kFileHeaderSizeKey + 80 + 16).error() == Error::empty_chunk);
}
