// Random access (docs/SPEC.md 5.2 sizes and 5.5): decrypt a plaintext range from the chunks covering it.
#include "envelope/file_chunks.hpp"

#include <coffre/coffre.hpp>

#include <sodium.h>

#include <algorithm>
#include <cstring>

namespace coffre {

using namespace detail;

struct COFFRE_LOCAL FileRangeReader::Impl {
  ChunkCipher cipher;
  std::uint64_t header_size;
  std::uint64_t chunk_size;
  std::uint64_t chunk_count;
  std::uint64_t plaintext_size;

  std::uint64_t cipher_chunk() const { return chunk_size + kTagSize; }
  std::uint64_t first_chunk(const ByteRange& r) const { return r.begin / chunk_size; }
  std::uint64_t last_chunk(const ByteRange& r) const { return (r.end - 1) / chunk_size; }
};

namespace {

// Where the final chunk lies, from the header's public fields and the claimed total size.
ByteRange final_range(const FileHeaderInfo& info, const FileLayout& layout, std::uint64_t ciphertext_size) {
  const std::uint64_t c = std::uint64_t{info.chunk_size} + kTagSize;
  return ByteRange{info.header_size + (layout.chunk_count - 1) * c, ciphertext_size};
}

// docs/SPEC.md 5.5: the header's public checks, the size's fit, the header's authenticity, then the final chunk,
// which authenticates the size.
Result<FileRangeReader> open_reader(ByteView header, std::uint64_t ciphertext_size, ByteView final_chunk,
                                    Result<FileSecret> secret, const Context& context) {
  if (!secret) return secret.error();
  // The context first, like every call that takes one (SPEC section 3).
  if (!context_valid(context)) return Error::invalid_argument;
  auto info = inspect_file_header(header);
  if (!info) return info.error();
  if (header.size() != info.value().header_size) return Error::invalid_argument;
  auto layout = file_layout(info.value(), ciphertext_size);
  if (!layout) return layout.error();
  if (final_chunk.size() != final_range(info.value(), layout.value(), ciphertext_size).size()) {
    return Error::invalid_argument;
  }

  auto keys = open_file_header(header, secret.value(), context);
  if (!keys) return keys.error();
  auto impl = std::make_unique<FileRangeReader::Impl>(FileRangeReader::Impl{
      ChunkCipher(std::move(keys).take()), info.value().header_size, info.value().chunk_size,
      layout.value().chunk_count, layout.value().plaintext_size});
  const std::uint64_t last = impl->chunk_count - 1;
  Bytes scratch(static_cast<std::size_t>(impl->chunk_size));
  if (!impl->cipher.open(last, true, final_chunk, scratch.data())) {
    return impl->cipher.diagnose_final(last, final_chunk, scratch.size(), scratch.data());
  }
  sodium_memzero(scratch.data(), scratch.size());
  return FileRangeReader(std::move(impl));
}

}  // namespace

Result<FileLayout> file_layout(const FileHeaderInfo& header, std::uint64_t ciphertext_size) {
  const std::uint64_t c = std::uint64_t{header.chunk_size} + kTagSize;
  if (ciphertext_size <= header.header_size) return Error::truncated;
  const std::uint64_t payload = ciphertext_size - header.header_size;
  const std::uint64_t n = (payload + c - 1) / c;
  const std::uint64_t last = payload - (n - 1) * c;
  if (last < kTagSize) return Error::truncated;
  if (last == kTagSize && n > 1) return Error::empty_chunk;
  return FileLayout{n, payload - n * kTagSize};
}

Result<ByteRange> FileRangeReader::final_chunk_range(std::span<const std::uint8_t> header,
                                                    std::uint64_t ciphertext_size) {
  auto info = inspect_file_header(header);
  if (!info) return info.error();
  auto layout = file_layout(info.value(), ciphertext_size);
  if (!layout) return layout.error();
  return final_range(info.value(), layout.value(), ciphertext_size);
}

Result<FileRangeReader> FileRangeReader::open(std::span<const std::uint8_t> header, std::uint64_t ciphertext_size,
                                              std::span<const std::uint8_t> final_chunk, const ContentKey& key,
                                              const Context& context) {
  return open_reader(header, ciphertext_size, final_chunk, FileSecret::of(key), context);
}

Result<FileRangeReader> FileRangeReader::open(std::span<const std::uint8_t> header, std::uint64_t ciphertext_size,
                                              std::span<const std::uint8_t> final_chunk, Passphrase passphrase,
                                              const Context& context, PassphraseLimits limits) {
  return open_reader(header, ciphertext_size, final_chunk, FileSecret::of(passphrase, limits), context);
}

FileRangeReader::FileRangeReader(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
FileRangeReader::FileRangeReader(FileRangeReader&&) noexcept = default;
FileRangeReader& FileRangeReader::operator=(FileRangeReader&&) noexcept = default;
FileRangeReader::~FileRangeReader() = default;

std::uint64_t FileRangeReader::plaintext_size() const noexcept { return impl_->plaintext_size; }

Result<ByteRange> FileRangeReader::ciphertext_range(ByteRange plaintext) const {
  const Impl& s = *impl_;
  if (plaintext.begin > plaintext.end || plaintext.end > s.plaintext_size) return Error::range_out_of_bounds;
  if (plaintext.size() == 0) return ByteRange{s.header_size, s.header_size};
  std::uint64_t ciphertext_end = s.header_size + (s.plaintext_size + s.chunk_count * kTagSize);
  return ByteRange{s.header_size + s.first_chunk(plaintext) * s.cipher_chunk(),
                   std::min(ciphertext_end, s.header_size + (s.last_chunk(plaintext) + 1) * s.cipher_chunk())};
}

Error FileRangeReader::read(ByteRange plaintext, std::span<const std::uint8_t> fetched,
                            std::span<std::uint8_t> out) const {
  const Impl& s = *impl_;
  auto want = ciphertext_range(plaintext);
  if (!want) return want.error();
  if (fetched.size() != want.value().size() || out.size() < plaintext.size()) return Error::invalid_argument;
  if (plaintext.size() == 0) return Error::ok;

  Bytes chunk(static_cast<std::size_t>(s.chunk_size));
  std::uint64_t first = s.first_chunk(plaintext);
  std::size_t written = 0;
  Error result = Error::ok;
  for (std::uint64_t i = first; i <= s.last_chunk(plaintext); ++i) {
    ByteView piece = fetched.subspan(static_cast<std::size_t>((i - first) * s.cipher_chunk()));
    piece = piece.first(std::min(piece.size(), static_cast<std::size_t>(s.cipher_chunk())));
    bool last = i == s.chunk_count - 1;
    if (!s.cipher.open(i, last, piece, chunk.data())) {
      result = s.cipher.diagnose_position(i, last, piece, chunk.data());
      break;
    }
    // The part of this chunk inside the range.
    std::uint64_t chunk_begin = i * s.chunk_size;
    std::uint64_t from = std::max(plaintext.begin, chunk_begin) - chunk_begin;
    std::uint64_t to = std::min(plaintext.end, chunk_begin + piece.size() - kTagSize) - chunk_begin;
    auto n = static_cast<std::size_t>(to - from);  // fits: it is part of `out`
    std::memcpy(out.data() + written, chunk.data() + from, n);
    written += n;
  }
  sodium_memzero(chunk.data(), chunk.size());
  // All or nothing: a range is released only if every chunk it covers authenticated.
  if (result != Error::ok) sodium_memzero(out.data(), written);
  return result;
}

}  // namespace coffre
