// Streaming file encryption and decryption (docs/SPEC.md 5.2 and 5.4).
#include "envelope/file_chunks.hpp"
#include "base/parallel.hpp"

#include <coffre/coffre.hpp>

#include <sodium.h>

#include <algorithm>
#include <cstring>
#include <optional>

namespace coffre {

using namespace detail;

namespace {

// Appends up to `want - buf.size()` bytes of `in` to `buf`; returns the rest of `in`.
ByteView fill(Bytes& buf, std::size_t want, ByteView in) {
  std::size_t n = std::min(in.size(), want - std::min(want, buf.size()));
  append(buf, in.first(n));
  return in.subspan(n);
}

}  // namespace

// ---------------------------------------------------------------------------------------------------------------
// Encryptor

struct COFFRE_LOCAL FileEncryptor::Impl {
  Impl(ChunkCipher c, Bytes h, std::uint32_t size, unsigned t)
      : cipher(std::move(c)), header(std::move(h)), chunk_size(size), threads(t) {
    pending.reserve(size);
  }

  ChunkCipher cipher;
  Bytes header;
  std::uint32_t chunk_size;
  unsigned threads;
  bool header_written = false;
  bool finished = false;
  Bytes pending;  // plaintext of the chunk not yet known to be non-final; never more than chunk_size
  std::uint64_t next_index = 0;

  std::size_t cipher_chunk() const { return chunk_size + kTagSize; }
  std::size_t pending_header() const { return header_written ? 0 : header.size(); }

  void write_header(std::uint8_t* out, std::size_t& written) {
    if (header_written) return;
    std::memcpy(out + written, header.data(), header.size());
    written += header.size();
    header_written = true;
  }

  // Seals `count` full chunks of `plain` (non-final) to out + written, on all cores.
  void seal_full(ByteView plain, std::size_t count, std::uint8_t* out, std::size_t& written) {
    std::uint8_t* dst = out + written;
    std::uint64_t first = next_index;
    parallel_for(count, threads, [&](std::size_t i) {
      cipher.seal(first + i, false, plain.subspan(i * chunk_size, chunk_size), dst + i * cipher_chunk());
    });
    next_index += count;
    written += count * cipher_chunk();
  }
};

Result<FileEncryptor> make_encryptor(FileSecret secret, std::optional<PassphraseParams> params, const Context& context,
                                     FileOptions options, Rng& rng) {
  auto h = build_file_header(secret, params, options.chunk_size, context, rng);
  if (!h) return h.error();
  NewHeader nh = std::move(h).take();
  auto impl = std::make_unique<FileEncryptor::Impl>(ChunkCipher(std::move(nh.keys)), std::move(nh.bytes),
                                                    options.chunk_size, options.threads);
  return FileEncryptor(std::move(impl));
}

Result<FileEncryptor> FileEncryptor::create(const ContentKey& key, const Context& context, FileOptions options,
                                            Rng& rng) {
  auto s = FileSecret::of(key);
  if (!s) return s.error();
  return make_encryptor(std::move(s).take(), std::nullopt, context, options, rng);
}

Result<FileEncryptor> FileEncryptor::create(Passphrase passphrase, const Context& context, PassphraseParams params,
                                            FileOptions options, Rng& rng) {
  // docs/SPEC.md 5.1: a writer's floor (readers accept less, down to the format's bounds).
  if (passphrase.bytes.empty() || params.opslimit < kMinEncryptOpslimit ||
      params.memlimit_kib < kMinEncryptMemlimitKib) {
    return Error::invalid_argument;
  }
  auto s = FileSecret::of(passphrase);
  if (!s) return s.error();
  return make_encryptor(std::move(s).take(), params, context, options, rng);
}

FileEncryptor::FileEncryptor(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
FileEncryptor::FileEncryptor(FileEncryptor&&) noexcept = default;
FileEncryptor& FileEncryptor::operator=(FileEncryptor&&) noexcept = default;
FileEncryptor::~FileEncryptor() {
  if (impl_) sodium_memzero(impl_->pending.data(), impl_->pending.size());
}

std::size_t FileEncryptor::max_update_output(std::size_t in_size) const noexcept {
  return impl_->pending_header() + (impl_->pending.size() + in_size) / impl_->chunk_size * impl_->cipher_chunk();
}

std::size_t FileEncryptor::max_finish_output() const noexcept {
  return impl_->pending_header() + impl_->pending.size() + kTagSize;
}

Error FileEncryptor::update(std::span<const std::uint8_t> in, std::span<std::uint8_t> out, std::size_t& written) {
  written = 0;
  Impl& s = *impl_;
  if (s.finished) return Error::bad_state;
  if (out.size() < max_update_output(in.size())) return Error::invalid_argument;
  s.write_header(out.data(), written);
  // A full chunk is sealed only once a byte after it is known: the last chunk must carry the final flag.
  if (!s.pending.empty()) {
    in = fill(s.pending, s.chunk_size, in);
    if (in.empty()) return Error::ok;
    s.seal_full(s.pending, 1, out.data(), written);
    s.pending.clear();
  }
  if (in.empty()) return Error::ok;
  std::size_t full = (in.size() - 1) / s.chunk_size;
  s.seal_full(in, full, out.data(), written);
  append(s.pending, in.subspan(full * s.chunk_size));
  return Error::ok;
}

Error FileEncryptor::finish(std::span<std::uint8_t> out, std::size_t& written) {
  written = 0;
  Impl& s = *impl_;
  if (s.finished) return Error::bad_state;
  if (out.size() < max_finish_output()) return Error::invalid_argument;
  s.write_header(out.data(), written);
  s.cipher.seal(s.next_index++, true, s.pending, out.data() + written);
  written += s.pending.size() + kTagSize;
  sodium_memzero(s.pending.data(), s.pending.size());
  s.pending.clear();
  s.finished = true;
  return Error::ok;
}

// ---------------------------------------------------------------------------------------------------------------
// Decryptor

struct COFFRE_LOCAL FileDecryptor::Impl {
  enum class Phase { header, chunks, ended, failed };

  FileSecret secret;
  Context context;
  unsigned threads;
  Phase phase = Phase::header;
  Bytes header;
  std::optional<ChunkCipher> cipher;
  std::size_t chunk_size = 0;
  Bytes pending;  // ciphertext of at most one chunk, held until we know whether it is the last
  Bytes scratch;  // one chunk of plaintext, for diagnosis only
  std::uint64_t next_index = 0;

  std::size_t cipher_chunk() const { return chunk_size + kTagSize; }

  Error fail(Error e) {
    phase = Phase::failed;
    return e;
  }

  // Collects the header; once whole, authenticates it. Returns the input left after the header.
  Error take_header(ByteView& in) {
    in = fill(header, kFileHeaderPrefixSize, in);
    auto size = file_header_size(header);
    if (size) in = fill(header, size.value(), in);
    // Errors in the bytes present are reported at once; a header still incomplete waits for more input.
    auto info = inspect_file_header(header);
    if (!info) return info.error() == Error::truncated ? Error::ok : info.error();
    auto keys = open_file_header(header, secret, context);
    if (!keys) return keys.error();
    cipher.emplace(std::move(keys).take());
    chunk_size = info.value().chunk_size;
    pending.reserve(cipher_chunk());
    scratch.resize(chunk_size);
    phase = Phase::chunks;
    return Error::ok;
  }

  // Opens `count` full, non-final chunks from `ct` into out + written. Stops at the first that fails.
  Error open_full(ByteView ct, std::size_t count, std::uint8_t* out, std::size_t& written) {
    std::uint8_t* dst = out + written;
    std::uint64_t first = next_index;
    std::vector<char> ok(count, 0);
    parallel_for(count, threads, [&](std::size_t i) {
      ok[i] = cipher->open(first + i, false, ct.subspan(i * cipher_chunk(), cipher_chunk()), dst + i * chunk_size);
    });
    std::size_t good = static_cast<std::size_t>(std::find(ok.begin(), ok.end(), 0) - ok.begin());
    next_index += good;
    written += good * chunk_size;
    if (good == count) return Error::ok;
    // Chunks after the failing one may have decrypted: they are not released, so wipe them.
    sodium_memzero(dst + good * chunk_size, (count - good) * chunk_size);
    ByteView bad = ct.subspan(good * cipher_chunk(), cipher_chunk());
    // More bytes follow this piece, yet the final chunk is all of it or a prefix of it: trailing data.
    if (cipher->open(next_index, true, bad, scratch.data()) || cipher->has_final_prefix(next_index, bad)) {
      sodium_memzero(scratch.data(), scratch.size());
      return Error::trailing_data;
    }
    return cipher->diagnose_position(next_index, false, bad, scratch.data());
  }

  Error open_final(ByteView piece, std::uint8_t* out, std::size_t& written) {
    if (piece.size() < kTagSize) return Error::truncated;
    if (piece.size() == kTagSize && next_index > 0) return Error::empty_chunk;
    if (cipher->open(next_index, true, piece, out + written)) {
      written += piece.size() - kTagSize;
      return Error::ok;
    }
    return cipher->diagnose_final(next_index, piece, chunk_size, scratch.data());
  }

  Error update(ByteView in, std::uint8_t* out, std::size_t& written) {
    if (phase == Phase::header) {
      COFFRE_TRY(take_header(in));
      if (phase == Phase::header) return Error::ok;
    }
    if (!pending.empty()) {
      in = fill(pending, cipher_chunk(), in);
      if (in.empty()) return Error::ok;
      COFFRE_TRY(open_full(pending, 1, out, written));
      pending.clear();
    }
    if (in.empty()) return Error::ok;
    std::size_t full = (in.size() - 1) / cipher_chunk();
    COFFRE_TRY(open_full(in, full, out, written));
    append(pending, in.subspan(full * cipher_chunk()));
    return Error::ok;
  }

  Error finish(std::uint8_t* out, std::size_t& written) {
    if (phase == Phase::header) {
      auto info = inspect_file_header(header);
      return info ? Error::truncated : info.error();
    }
    if (pending.empty()) return Error::truncated;  // no chunk at all
    COFFRE_TRY(open_final(pending, out, written));
    pending.clear();
    phase = Phase::ended;
    return Error::ok;
  }
};

Result<FileDecryptor> make_decryptor(Result<FileSecret> secret, const Context& context, unsigned threads) {
  if (!secret) return secret.error();
  if (!context_valid(context)) return Error::invalid_argument;
  auto impl = std::make_unique<FileDecryptor::Impl>();
  impl->secret = std::move(secret).take();
  impl->context = context;
  impl->threads = threads;
  return FileDecryptor(std::move(impl));
}

Result<FileDecryptor> FileDecryptor::create(const ContentKey& key, const Context& context, unsigned threads) {
  return make_decryptor(FileSecret::of(key), context, threads);
}

Result<FileDecryptor> FileDecryptor::create(Passphrase passphrase, const Context& context, unsigned threads,
                                            PassphraseLimits limits) {
  return make_decryptor(FileSecret::of(passphrase, limits), context, threads);
}

FileDecryptor::FileDecryptor(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
FileDecryptor::FileDecryptor(FileDecryptor&&) noexcept = default;
FileDecryptor& FileDecryptor::operator=(FileDecryptor&&) noexcept = default;
FileDecryptor::~FileDecryptor() = default;

std::size_t FileDecryptor::max_update_output(std::size_t in_size) const noexcept {
  return in_size + impl_->pending.size();
}

std::size_t FileDecryptor::max_finish_output() const noexcept { return impl_->pending.size(); }

Error FileDecryptor::update(std::span<const std::uint8_t> in, std::span<std::uint8_t> out, std::size_t& written) {
  written = 0;
  Impl& s = *impl_;
  if (s.phase == Impl::Phase::ended || s.phase == Impl::Phase::failed) return Error::bad_state;
  if (out.size() < max_update_output(in.size())) return Error::invalid_argument;
  Error e = s.update(in, out.data(), written);
  return e == Error::ok ? e : s.fail(e);
}

Error FileDecryptor::finish(std::span<std::uint8_t> out, std::size_t& written) {
  written = 0;
  Impl& s = *impl_;
  if (s.phase == Impl::Phase::ended || s.phase == Impl::Phase::failed) return Error::bad_state;
  if (out.size() < max_finish_output()) return Error::invalid_argument;
  Error e = s.finish(out.data(), written);
  return e == Error::ok ? e : s.fail(e);
}

bool FileDecryptor::ended_properly() const noexcept { return impl_->phase == Impl::Phase::ended; }

}  // namespace coffre
