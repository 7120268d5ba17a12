// File envelope (docs/SPEC.md section 5): streaming, chunked, random access, parallel on native builds.
//
// Streaming works with caller buffers: update() and finish() write into `out`, which must hold at least
// max_update_output(in.size()) / max_finish_output() bytes, and set `written` to the bytes written (also on error:
// a decryptor releases the chunks that authenticated before the failing one). Memory stays O(chunk size).
#pragma once

#include <coffre/context.hpp>
#include <coffre/error.hpp>
#include <coffre/export.h>
#include <coffre/random.hpp>
#include <coffre/secret.hpp>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>

namespace coffre {

inline constexpr std::uint32_t kDefaultChunkSize = 65536;
inline constexpr std::uint32_t kMinChunkSize = 64;
inline constexpr std::uint32_t kMaxChunkSize = 1048576;
inline constexpr std::size_t kChunkOverhead = 16;
inline constexpr std::size_t kFileHeaderSizeKey = 130;
inline constexpr std::size_t kFileHeaderSizePassphrase = 154;
inline constexpr std::size_t kFileHeaderMaxSize = kFileHeaderSizePassphrase;
/// Bytes needed to know a header's full size (magic .. key_source).
inline constexpr std::size_t kFileHeaderPrefixSize = 10;

/// A passphrase: UTF-8, used in its Unicode NFKD form, so that "é" typed as U+00E9 or as e + U+0301 (or a full-width
/// letter and its ASCII one) give the same key; ASCII is used as is (docs/SPEC.md 5.1). Text that is not valid UTF-8
/// is invalid_argument, for encryption and decryption alike. The CLI strips one trailing "\n" or "\r\n". Encryption
/// refuses an empty one; decryption takes any.
struct COFFRE_API Passphrase {
  std::span<const std::uint8_t> bytes;
};

/// Whether `passphrase` is valid UTF-8 (RFC 3629), as file encryption and decryption require: for a precise message
/// before a passphrase is used (those calls give invalid_argument otherwise).
bool passphrase_is_utf8(Passphrase passphrase) noexcept;

/// Argon2id cost, written in the header. A reader accepts the format's bounds (1..16 passes, 8 KiB..1 GiB, capped by
/// PassphraseLimits); a writer refuses less than OWASP's Argon2id minimum, 2 passes and 19 MiB (docs/SPEC.md 5.1).
inline constexpr std::uint32_t kMinEncryptOpslimit = 2;
inline constexpr std::uint32_t kMinEncryptMemlimitKib = 19 * 1024;
struct COFFRE_API PassphraseParams {
  std::uint32_t opslimit = 3;
  std::uint32_t memlimit_kib = 256 * 1024;
};

/// The most Argon2id work a reader runs for a header before anything is authenticated: a header asking for more is
/// refused (kdf_cost_exceeded) before Argon2id runs. The default admits the default cost above, with one pass to
/// spare, and keeps a hostile header to the default's memory instead of the format's 1 GiB x 16 passes.
inline constexpr std::uint32_t kDefaultMaxOpslimit = 4;
inline constexpr std::uint32_t kDefaultMaxMemlimitKib = 256 * 1024;
struct COFFRE_API PassphraseLimits {
  std::uint32_t max_opslimit = kDefaultMaxOpslimit;
  std::uint32_t max_memlimit_kib = kDefaultMaxMemlimitKib;
};

struct COFFRE_API FileOptions {
  std::uint32_t chunk_size = kDefaultChunkSize;
  unsigned threads = 0;  ///< 0: the process default (coffre/threads.hpp: 1 unless the application sets it)
};

enum class KeySource : std::uint8_t { key = 1, passphrase = 2 };

/// The public fields of a file header (what `coffre inspect` shows). No key needed, nothing authenticated yet.
struct COFFRE_API FileHeaderInfo {
  std::size_t header_size = 0;
  KeySource key_source = KeySource::key;
  std::uint32_t chunk_size = 0;
  std::uint32_t key_version = 0;
  std::optional<PassphraseParams> passphrase_params;
};
/// Needs the whole header (header_size bytes; kFileHeaderPrefixSize bytes tell that size): `truncated` if shorter.
COFFRE_API Result<FileHeaderInfo> inspect_file_header(std::span<const std::uint8_t> bytes);

/// What a file's total ciphertext size says, with its header (docs/SPEC.md 5.2): lets Drive show sizes without a key.
/// `truncated` or `empty_chunk` when the size does not fit the format. UNAUTHENTICATED: the sizes are whatever the
/// store's size says (a file cut or extended at a chunk boundary still fits); FileRangeReader::plaintext_size() and a
/// decryption that ended properly are the authenticated ones.
struct COFFRE_API FileLayout {
  std::uint64_t chunk_count = 0;
  std::uint64_t plaintext_size = 0;
};
COFFRE_API Result<FileLayout> file_layout(const FileHeaderInfo& header, std::uint64_t ciphertext_size);

/// A byte range [begin, end).
struct COFFRE_API ByteRange {
  std::uint64_t begin = 0;
  std::uint64_t end = 0;  ///< exclusive
  std::uint64_t size() const noexcept { return end - begin; }
};

class COFFRE_API FileEncryptor {
 public:
  static Result<FileEncryptor> create(const ContentKey& key, const Context& context, FileOptions options = {},
                                      Rng& rng = system_rng());
  static Result<FileEncryptor> create(Passphrase passphrase, const Context& context, PassphraseParams params,
                                      FileOptions options = {}, Rng& rng = system_rng());
  FileEncryptor(FileEncryptor&&) noexcept;
  FileEncryptor& operator=(FileEncryptor&&) noexcept;
  ~FileEncryptor();

  std::size_t max_update_output(std::size_t in_size) const noexcept;
  std::size_t max_finish_output() const noexcept;
  /// Writes the header first, then every chunk that is known not to be the last.
  Error update(std::span<const std::uint8_t> in, std::span<std::uint8_t> out, std::size_t& written);
  /// Writes the final chunk. After finish(), update() and finish() return bad_state.
  Error finish(std::span<std::uint8_t> out, std::size_t& written);

  struct Impl;  ///< defined in the library only, which alone constructs from one
  COFFRE_LOCAL explicit FileEncryptor(std::unique_ptr<Impl> impl);

 private:
  std::unique_ptr<Impl> impl_;
};

class COFFRE_API FileDecryptor {
 public:
  static Result<FileDecryptor> create(const ContentKey& key, const Context& context, unsigned threads = 0);
  static Result<FileDecryptor> create(Passphrase passphrase, const Context& context, unsigned threads = 0,
                                      PassphraseLimits limits = {});
  FileDecryptor(FileDecryptor&&) noexcept;
  FileDecryptor& operator=(FileDecryptor&&) noexcept;
  ~FileDecryptor();

  std::size_t max_update_output(std::size_t in_size) const noexcept;
  std::size_t max_finish_output() const noexcept;
  /// Releases plaintext of chunks that authenticated. After an error every later call returns bad_state.
  Error update(std::span<const std::uint8_t> in, std::span<std::uint8_t> out, std::size_t& written);
  /// End of input: authenticates the final chunk, or says why the stream did not end properly.
  Error finish(std::span<std::uint8_t> out, std::size_t& written);
  /// True only after finish() succeeded: a final chunk authenticated and nothing followed it.
  bool ended_properly() const noexcept;

  struct Impl;  ///< defined in the library only, which alone constructs from one
  COFFRE_LOCAL explicit FileDecryptor(std::unique_ptr<Impl> impl);

 private:
  std::unique_ptr<Impl> impl_;
};

/// Random access (docs/SPEC.md 5.5): decrypt any plaintext range from the header and the chunks that cover it.
/// The file's total size comes from the store, unauthenticated: open() takes the final chunk too and authenticates it
/// as the final one, so a file cut or extended at a chunk boundary is refused before any range is answered.
class COFFRE_API FileRangeReader {
 public:
  /// The ciphertext bytes (file offsets) of the final chunk that open() needs. `header`: the file's first bytes (at
  /// least its header); `ciphertext_size`: the file's total size as the store tells it. Errors as file_layout.
  static Result<ByteRange> final_chunk_range(std::span<const std::uint8_t> header, std::uint64_t ciphertext_size);
  /// `header` is exactly the file's header (header_size bytes); `final_chunk` exactly the bytes of final_chunk_range().
  static Result<FileRangeReader> open(std::span<const std::uint8_t> header, std::uint64_t ciphertext_size,
                                      std::span<const std::uint8_t> final_chunk, const ContentKey& key,
                                      const Context& context);
  static Result<FileRangeReader> open(std::span<const std::uint8_t> header, std::uint64_t ciphertext_size,
                                      std::span<const std::uint8_t> final_chunk, Passphrase passphrase,
                                      const Context& context, PassphraseLimits limits = {});
  FileRangeReader(FileRangeReader&&) noexcept;
  FileRangeReader& operator=(FileRangeReader&&) noexcept;
  ~FileRangeReader();

  /// Authenticated: the final chunk opened as the final one at the position the size gives.
  std::uint64_t plaintext_size() const noexcept;
  /// The ciphertext bytes (file offsets) to fetch for a plaintext range; [header_size, header_size) for an empty one.
  Result<ByteRange> ciphertext_range(ByteRange plaintext) const;
  /// `fetched` holds exactly the bytes of ciphertext_range(plaintext); writes plaintext.size() bytes to `out`.
  Error read(ByteRange plaintext, std::span<const std::uint8_t> fetched, std::span<std::uint8_t> out) const;

  struct Impl;  ///< defined in the library only, which alone constructs from one
  COFFRE_LOCAL explicit FileRangeReader(std::unique_ptr<Impl> impl);

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace coffre
