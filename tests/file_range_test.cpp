#include "support.hpp"

#include <algorithm>

using namespace coffre;
using test::Bytes;

namespace {
// Opens a reader as a client does: the final chunk first, fetched from `ct` where the claimed `size` puts it.
Result<FileRangeReader> open_range(const Bytes& ct, std::uint64_t size, const ContentKey& key,
                                   const Context& context = test::ctx()) {
  std::span<const std::uint8_t> header{ct.data(), kFileHeaderSizeKey};
  auto where = FileRangeReader::final_chunk_range(header, size);
  if (!where) return where.error();
  std::span<const std::uint8_t> final_chunk{ct.data() + where.value().begin,
                                            static_cast<std::size_t>(where.value().size())};
  return FileRangeReader::open(header, size, final_chunk, key, context);
}

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
    auto reader = open_range(ct, ct.size(), test::key(1));
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
  CHECK(open_range(ct, ct.size(), test::key(2)).error() == Error::wrong_key);
  CHECK(open_range(ct, ct.size(), test::key(1), test::ctx("x")).error() == Error::wrong_context);
  CHECK(open_range(ct, kFileHeaderSizeKey + 80 + 5, test::key(1)).error() == Error::truncated);
  CHECK(open_range(ct, kFileHeaderSizeKey + 80 + 16, test::key(1)).error() == Error::empty_chunk);
  // The final chunk must be exactly the bytes final_chunk_range() names.
  std::span<const std::uint8_t> header{ct.data(), kFileHeaderSizeKey};
  CHECK(FileRangeReader::open(header, ct.size(), {ct.data() + ct.size() - 60, 59}, test::key(1), test::ctx()).error() ==
        Error::invalid_argument);

  auto reader = open_range(ct, ct.size(), test::key(1));
  REQUIRE(reader.ok());
  Bytes bad = ct;
  bad[kFileHeaderSizeKey + 2 * 80 + 5] ^= 1;
  Error e = Error::ok;
  Bytes out = read_range(reader.value(), bad, {60, 200}, &e);
  CHECK(e == Error::chunk_invalid);
  CHECK(out == Bytes(140, 0));
  // A covered chunk that is another position's: the same diagnosis as streaming (docs/SPEC.md 5.5).
  Bytes swapped = ct;
  std::copy_n(ct.begin() + kFileHeaderSizeKey, 80, swapped.begin() + kFileHeaderSizeKey + 80);
  read_range(reader.value(), swapped, {70, 100}, &e);
  CHECK(e == Error::chunk_duplicated);
}

TEST_CASE("random access: the size is authenticated, so a file cut or extended at a chunk boundary answers no range") {
  Bytes plain = test::random_bytes(300);  // 5 chunks of 64: 4 full, then 44 bytes
  Bytes ct = test::encrypt(test::key(1), test::ctx(), plain, 64);
  const std::size_t c = 80;
  // Cut after chunk 3 (a full, non-final chunk): ranges in chunks 0 to 2 would authenticate, yet nothing opens.
  Bytes cut(ct.begin(), ct.begin() + static_cast<std::ptrdiff_t>(kFileHeaderSizeKey + 4 * c));
  CHECK(open_range(cut, cut.size(), test::key(1)).error() == Error::truncated);
  // The store lies about the size only: the same.
  CHECK(open_range(ct, kFileHeaderSizeKey + 4 * c, test::key(1)).error() == Error::truncated);
  // Extended by a chunk's worth of bytes: the short final chunk and them now straddle a boundary.
  Bytes longer = ct;
  longer.insert(longer.end(), ct.begin() + kFileHeaderSizeKey, ct.begin() + kFileHeaderSizeKey + c);
  CHECK(open_range(longer, longer.size(), test::key(1)).error() == Error::chunk_invalid);
  // A file whose final chunk is full: cut at the boundary before it; extended by a copy of chunk 0, or by bytes of no
  // chunk; extended by fewer than 16 bytes.
  Bytes full = test::encrypt(test::key(1), test::ctx(), test::random_bytes(256), 64);
  CHECK(open_range(full, full.size() - c, test::key(1)).error() == Error::truncated);
  Bytes again = full;
  again.insert(again.end(), full.begin() + kFileHeaderSizeKey, full.begin() + kFileHeaderSizeKey + c);
  CHECK(open_range(again, again.size(), test::key(1)).error() == Error::chunk_duplicated);
  Bytes noise = full;
  Bytes extra = test::random_bytes(c, 9);
  noise.insert(noise.end(), extra.begin(), extra.end());
  CHECK(open_range(noise, noise.size(), test::key(1)).error() == Error::chunk_invalid);
  Bytes tail = full;
  tail.insert(tail.end(), 20, 0);  // one more chunk of 20 bytes: the real final chunk is now "non-final"
  CHECK(open_range(tail, tail.size(), test::key(1)).error() == Error::chunk_invalid);
}

TEST_CASE("random access: empty and reversed ranges") {
  Bytes ct = test::encrypt(test::key(1), test::ctx(), test::random_bytes(300), 64);
  auto reader = open_range(ct, ct.size(), test::key(1));
  REQUIRE(reader.ok());
  for (std::uint64_t a : {0, 64, 299, 300}) {
    auto fetch = reader.value().ciphertext_range({a, a});
    REQUIRE(fetch.ok());
    CHECK(fetch.value().begin == kFileHeaderSizeKey);
    CHECK(fetch.value().size() == 0);
    Bytes none;
    CHECK(reader.value().read({a, a}, none, none) == Error::ok);
  }
  CHECK(reader.value().ciphertext_range({5, 4}).error() == Error::range_out_of_bounds);
  CHECK(reader.value().ciphertext_range({301, 301}).error() == Error::range_out_of_bounds);
  Bytes out(10);
  CHECK(reader.value().read({5, 4}, {}, out) == Error::range_out_of_bounds);

  Bytes empty = test::encrypt(test::key(1), test::ctx(), {}, 64);
  auto r0 = open_range(empty, empty.size(), test::key(1));
  REQUIRE(r0.ok());
  CHECK(r0.value().plaintext_size() == 0);
  CHECK(r0.value().read({0, 0}, {}, {}) == Error::ok);
  CHECK(r0.value().ciphertext_range({0, 1}).error() == Error::range_out_of_bounds);
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
