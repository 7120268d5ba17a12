// The C ABI (bindings/c/include/coffre.h) over the C++ API (lib/include/coffre/coffre.hpp).
//
// Every entry point is noexcept: the C++ API returns errors as values, and the only exceptions left (std::bad_alloc
// from a std::string or a handle allocation) are caught here and become COFFRE_E_OUT_OF_MEMORY.
// Pointer rules: handles and out-parameters must not be NULL; a data pointer may be NULL only with a length of 0.
#include <coffre.h>

#include <coffre/coffre.hpp>

#include <sodium.h>

#include <array>
#include <cstdlib>
#include <cstring>
#include <new>
#include <string>
#include <utility>
#include <vector>

struct coffre_key {
  coffre::ContentKey key;
};
struct coffre_encryptor {
  coffre::FileEncryptor enc;
};
struct coffre_decryptor {
  coffre::FileDecryptor dec;
};
struct coffre_range_reader {
  coffre::FileRangeReader reader;
};

namespace {

using coffre::Error;

int status(Error e) noexcept { return static_cast<int>(e); }

// Runs `f` (returning an int status); turns any escaping exception into a status. Nothing crosses the C boundary.
template <class F>
int guarded(F&& f) noexcept {
  try {
    return std::forward<F>(f)();
  } catch (const std::bad_alloc&) {
    return COFFRE_E_OUT_OF_MEMORY;
  } catch (...) {
    // No other exception is expected (the C++ API returns errors as values); length_error and the like are
    // allocation failures in practice.
    return COFFRE_E_OUT_OF_MEMORY;
  }
}

// A (pointer, length) pair is valid if the pointer is non-NULL or the length is 0.
bool data_ok(const void* p, std::size_t len) noexcept { return p != nullptr || len == 0; }

std::span<const std::uint8_t> bytes(const std::uint8_t* p, std::size_t len) noexcept {
  return len == 0 ? std::span<const std::uint8_t>{} : std::span<const std::uint8_t>{p, len};
}

std::span<std::uint8_t> bytes_mut(std::uint8_t* p, std::size_t len) noexcept {
  return len == 0 ? std::span<std::uint8_t>{} : std::span<std::uint8_t>{p, len};
}

// Builds the context; invalid_argument for a NULL object id with a non-zero length. Length bounds: the C++ API.
int make_context(const char* object_id, std::size_t object_id_len, std::uint64_t revision, std::uint32_t key_version,
                 coffre::Context& out) {
  if (!data_ok(object_id, object_id_len)) return COFFRE_E_INVALID_ARGUMENT;
  if (object_id_len > coffre::Context::kMaxObjectId) return COFFRE_E_INVALID_ARGUMENT;  // before allocating
  out.object_id.assign(object_id_len == 0 ? "" : object_id, object_id_len);
  out.revision = revision;
  out.key_version = key_version;
  return COFFRE_OK;
}

// A library-owned buffer for coffre_buffer_free: malloc'd (never NULL on success, even for 0 bytes).
int give_buffer(std::span<const std::uint8_t> data, std::uint8_t** out, std::size_t* out_len) noexcept {
  auto* p = static_cast<std::uint8_t*>(std::malloc(data.empty() ? 1 : data.size()));
  if (p == nullptr) return COFFRE_E_OUT_OF_MEMORY;
  if (!data.empty()) std::memcpy(p, data.data(), data.size());
  *out = p;
  *out_len = data.size();
  return COFFRE_OK;
}

// Handles are created with plain new inside guarded(): bad_alloc becomes out_of_memory.
template <class Handle, class T>
int give_handle(coffre::Result<T> r, Handle** out) {
  if (!r) return status(r.error());
  *out = new Handle{std::move(r).take()};
  return COFFRE_OK;
}

template <class T>
void clear_out(T** out) noexcept {
  if (out != nullptr) *out = nullptr;
}

coffre::FileOptions file_options(std::uint32_t chunk_size, std::uint32_t threads) noexcept {
  coffre::FileOptions o;
  o.chunk_size = chunk_size == 0 ? coffre::kDefaultChunkSize : chunk_size;
  o.threads = threads;
  return o;
}

}  // namespace

extern "C" {

int coffre_init(void) { return status(coffre::init()); }

const char* coffre_error_code(int s) {
  // std::string copies: NUL-terminated whatever the C++ API's string_views point to. Index kErrorCount = unknown.
  static const auto table = [] {
    std::array<std::string, coffre::kErrorCount + 1> t;
    for (int i = 0; i <= coffre::kErrorCount; ++i) t[static_cast<std::size_t>(i)] = coffre::error_code(Error(i));
    return t;
  }();
  return table[(s >= 0 && s < coffre::kErrorCount) ? static_cast<std::size_t>(s) : coffre::kErrorCount].c_str();
}

const char* coffre_error_message(int s) {
  static const auto table = [] {
    std::array<std::string, coffre::kErrorCount + 1> t;
    for (int i = 0; i <= coffre::kErrorCount; ++i) t[static_cast<std::size_t>(i)] = coffre::error_message(Error(i));
    return t;
  }();
  return table[(s >= 0 && s < coffre::kErrorCount) ? static_cast<std::size_t>(s) : coffre::kErrorCount].c_str();
}

size_t coffre_content_key_bytes(void) { return coffre::ContentKey::kSize; }
size_t coffre_document_overhead(void) { return coffre::kDocumentOverhead; }
size_t coffre_chunk_overhead(void) { return coffre::kChunkOverhead; }
size_t coffre_default_chunk_size(void) { return coffre::kDefaultChunkSize; }
size_t coffre_min_chunk_size(void) { return coffre::kMinChunkSize; }
size_t coffre_max_chunk_size(void) { return coffre::kMaxChunkSize; }
size_t coffre_file_header_prefix_bytes(void) { return coffre::kFileHeaderPrefixSize; }
size_t coffre_file_header_max_bytes(void) { return coffre::kFileHeaderMaxSize; }

void coffre_buffer_free(uint8_t* data, size_t len) {
  if (data == nullptr) return;
  sodium_memzero(data, len);
  std::free(data);
}

// ---------------------------------------------------------------------------------------------------------------
// Content keys

int coffre_key_generate(coffre_key** out) {
  clear_out(out);
  if (out == nullptr) return COFFRE_E_INVALID_ARGUMENT;
  return guarded([&] { return give_handle(coffre::ContentKey::generate(coffre::system_rng()), out); });
}

int coffre_key_from_bytes(const uint8_t* b, size_t len, coffre_key** out) {
  clear_out(out);
  if (out == nullptr || b == nullptr) return COFFRE_E_INVALID_ARGUMENT;
  return guarded([&] { return give_handle(coffre::ContentKey::from_bytes(bytes(b, len)), out); });
}

int coffre_key_export(const coffre_key* key, uint8_t* out, size_t out_len) {
  if (key == nullptr || out == nullptr || out_len != coffre::ContentKey::kSize) return COFFRE_E_INVALID_ARGUMENT;
  auto secret = key->key.secret().reveal();
  std::memcpy(out, secret.data(), secret.size());
  return COFFRE_OK;
}

void coffre_key_free(coffre_key* key) { delete key; }  // SecretBytes wipes on destruction

// ---------------------------------------------------------------------------------------------------------------
// Document envelope

int coffre_document_seal(const coffre_key* key, const char* object_id, size_t object_id_len, uint64_t revision,
                         uint32_t key_version, const uint8_t* plaintext, size_t plaintext_len, uint8_t** out,
                         size_t* out_len) {
  clear_out(out);
  if (out_len != nullptr) *out_len = 0;
  if (key == nullptr || out == nullptr || out_len == nullptr || !data_ok(plaintext, plaintext_len)) {
    return COFFRE_E_INVALID_ARGUMENT;
  }
  return guarded([&] {
    coffre::Context ctx;
    if (int s = make_context(object_id, object_id_len, revision, key_version, ctx)) return s;
    auto r = coffre::seal_document(key->key, ctx, bytes(plaintext, plaintext_len));
    if (!r) return status(r.error());
    return give_buffer(r.value(), out, out_len);
  });
}

int coffre_document_open(const coffre_key* key, const char* object_id, size_t object_id_len, uint64_t revision,
                         uint32_t key_version, const uint8_t* envelope, size_t envelope_len, uint8_t** out,
                         size_t* out_len) {
  clear_out(out);
  if (out_len != nullptr) *out_len = 0;
  if (key == nullptr || out == nullptr || out_len == nullptr || !data_ok(envelope, envelope_len)) {
    return COFFRE_E_INVALID_ARGUMENT;
  }
  return guarded([&] {
    coffre::Context ctx;
    if (int s = make_context(object_id, object_id_len, revision, key_version, ctx)) return s;
    auto r = coffre::open_document(key->key, ctx, bytes(envelope, envelope_len));
    if (!r) return status(r.error());
    // The C++ API hands plaintext back in a std::vector: copy it out, then wipe the vector.
    std::vector<std::uint8_t>& plain = r.value();
    int s = give_buffer(plain, out, out_len);
    sodium_memzero(plain.data(), plain.size());
    return s;
  });
}

// ---------------------------------------------------------------------------------------------------------------
// File header inspection

int coffre_file_header_inspect(const uint8_t* b, size_t len, size_t* header_size, uint32_t* key_source,
                               uint32_t* chunk_size, uint32_t* key_version, uint32_t* opslimit,
                               uint32_t* memlimit_kib) {
  if (!data_ok(b, len) || header_size == nullptr || key_source == nullptr || chunk_size == nullptr ||
      key_version == nullptr || opslimit == nullptr || memlimit_kib == nullptr) {
    return COFFRE_E_INVALID_ARGUMENT;
  }
  return guarded([&] {
    auto r = coffre::inspect_file_header(bytes(b, len));
    if (!r) return status(r.error());
    const coffre::FileHeaderInfo& info = r.value();
    *header_size = info.header_size;
    *key_source = static_cast<std::uint32_t>(info.key_source);
    *chunk_size = info.chunk_size;
    *key_version = info.key_version;
    *opslimit = info.passphrase_params ? info.passphrase_params->opslimit : 0;
    *memlimit_kib = info.passphrase_params ? info.passphrase_params->memlimit_kib : 0;
    return COFFRE_OK;
  });
}

// ---------------------------------------------------------------------------------------------------------------
// File encryption

int coffre_encryptor_new(const coffre_key* key, const char* object_id, size_t object_id_len, uint64_t revision,
                         uint32_t key_version, uint32_t chunk_size, uint32_t threads, coffre_encryptor** out) {
  clear_out(out);
  if (key == nullptr || out == nullptr) return COFFRE_E_INVALID_ARGUMENT;
  return guarded([&] {
    coffre::Context ctx;
    if (int s = make_context(object_id, object_id_len, revision, key_version, ctx)) return s;
    return give_handle(coffre::FileEncryptor::create(key->key, ctx, file_options(chunk_size, threads)), out);
  });
}

int coffre_encryptor_new_passphrase(const uint8_t* passphrase, size_t passphrase_len, const char* object_id,
                                    size_t object_id_len, uint64_t revision, uint32_t key_version, uint32_t opslimit,
                                    uint32_t memlimit_kib, uint32_t chunk_size, uint32_t threads,
                                    coffre_encryptor** out) {
  clear_out(out);
  if (out == nullptr || !data_ok(passphrase, passphrase_len)) return COFFRE_E_INVALID_ARGUMENT;
  return guarded([&] {
    coffre::Context ctx;
    if (int s = make_context(object_id, object_id_len, revision, key_version, ctx)) return s;
    coffre::PassphraseParams params{opslimit, memlimit_kib};
    return give_handle(coffre::FileEncryptor::create(coffre::Passphrase{bytes(passphrase, passphrase_len)}, ctx,
                                                     params, file_options(chunk_size, threads)),
                       out);
  });
}

size_t coffre_encryptor_max_update_output(const coffre_encryptor* enc, size_t in_len) {
  return enc == nullptr ? 0 : enc->enc.max_update_output(in_len);
}

size_t coffre_encryptor_max_finish_output(const coffre_encryptor* enc) {
  return enc == nullptr ? 0 : enc->enc.max_finish_output();
}

int coffre_encryptor_update(coffre_encryptor* enc, const uint8_t* in, size_t in_len, uint8_t* out, size_t out_cap,
                            size_t* out_len) {
  if (out_len != nullptr) *out_len = 0;
  if (enc == nullptr || out_len == nullptr || !data_ok(in, in_len) || !data_ok(out, out_cap)) {
    return COFFRE_E_INVALID_ARGUMENT;
  }
  return guarded([&] {
    std::size_t written = 0;
    Error e = enc->enc.update(bytes(in, in_len), bytes_mut(out, out_cap), written);
    *out_len = written;
    return status(e);
  });
}

int coffre_encryptor_finish(coffre_encryptor* enc, uint8_t* out, size_t out_cap, size_t* out_len) {
  if (out_len != nullptr) *out_len = 0;
  if (enc == nullptr || out_len == nullptr || !data_ok(out, out_cap)) return COFFRE_E_INVALID_ARGUMENT;
  return guarded([&] {
    std::size_t written = 0;
    Error e = enc->enc.finish(bytes_mut(out, out_cap), written);
    *out_len = written;
    return status(e);
  });
}

void coffre_encryptor_free(coffre_encryptor* enc) { delete enc; }

// ---------------------------------------------------------------------------------------------------------------
// File decryption

int coffre_decryptor_new(const coffre_key* key, const char* object_id, size_t object_id_len, uint64_t revision,
                         uint32_t key_version, uint32_t threads, coffre_decryptor** out) {
  clear_out(out);
  if (key == nullptr || out == nullptr) return COFFRE_E_INVALID_ARGUMENT;
  return guarded([&] {
    coffre::Context ctx;
    if (int s = make_context(object_id, object_id_len, revision, key_version, ctx)) return s;
    return give_handle(coffre::FileDecryptor::create(key->key, ctx, threads), out);
  });
}

int coffre_decryptor_new_passphrase(const uint8_t* passphrase, size_t passphrase_len, const char* object_id,
                                    size_t object_id_len, uint64_t revision, uint32_t key_version, uint32_t threads,
                                    coffre_decryptor** out) {
  clear_out(out);
  if (out == nullptr || !data_ok(passphrase, passphrase_len)) return COFFRE_E_INVALID_ARGUMENT;
  return guarded([&] {
    coffre::Context ctx;
    if (int s = make_context(object_id, object_id_len, revision, key_version, ctx)) return s;
    return give_handle(
        coffre::FileDecryptor::create(coffre::Passphrase{bytes(passphrase, passphrase_len)}, ctx, threads), out);
  });
}

size_t coffre_decryptor_max_update_output(const coffre_decryptor* dec, size_t in_len) {
  return dec == nullptr ? 0 : dec->dec.max_update_output(in_len);
}

size_t coffre_decryptor_max_finish_output(const coffre_decryptor* dec) {
  return dec == nullptr ? 0 : dec->dec.max_finish_output();
}

int coffre_decryptor_update(coffre_decryptor* dec, const uint8_t* in, size_t in_len, uint8_t* out, size_t out_cap,
                            size_t* out_len) {
  if (out_len != nullptr) *out_len = 0;
  if (dec == nullptr || out_len == nullptr || !data_ok(in, in_len) || !data_ok(out, out_cap)) {
    return COFFRE_E_INVALID_ARGUMENT;
  }
  return guarded([&] {
    std::size_t written = 0;
    Error e = dec->dec.update(bytes(in, in_len), bytes_mut(out, out_cap), written);
    *out_len = written;  // also on error: the chunks that authenticated before the failure
    return status(e);
  });
}

int coffre_decryptor_finish(coffre_decryptor* dec, uint8_t* out, size_t out_cap, size_t* out_len) {
  if (out_len != nullptr) *out_len = 0;
  if (dec == nullptr || out_len == nullptr || !data_ok(out, out_cap)) return COFFRE_E_INVALID_ARGUMENT;
  return guarded([&] {
    std::size_t written = 0;
    Error e = dec->dec.finish(bytes_mut(out, out_cap), written);
    *out_len = written;
    return status(e);
  });
}

int coffre_decryptor_ended_properly(const coffre_decryptor* dec) {
  return dec != nullptr && dec->dec.ended_properly() ? 1 : 0;
}

void coffre_decryptor_free(coffre_decryptor* dec) { delete dec; }

// ---------------------------------------------------------------------------------------------------------------
// Random access

int coffre_range_reader_new(const uint8_t* header, size_t header_len, uint64_t ciphertext_size, const coffre_key* key,
                            const char* object_id, size_t object_id_len, uint64_t revision, uint32_t key_version,
                            coffre_range_reader** out) {
  clear_out(out);
  if (key == nullptr || out == nullptr || !data_ok(header, header_len)) return COFFRE_E_INVALID_ARGUMENT;
  return guarded([&] {
    coffre::Context ctx;
    if (int s = make_context(object_id, object_id_len, revision, key_version, ctx)) return s;
    return give_handle(coffre::FileRangeReader::open(bytes(header, header_len), ciphertext_size, key->key, ctx), out);
  });
}

int coffre_range_reader_new_passphrase(const uint8_t* header, size_t header_len, uint64_t ciphertext_size,
                                       const uint8_t* passphrase, size_t passphrase_len, const char* object_id,
                                       size_t object_id_len, uint64_t revision, uint32_t key_version,
                                       coffre_range_reader** out) {
  clear_out(out);
  if (out == nullptr || !data_ok(header, header_len) || !data_ok(passphrase, passphrase_len)) {
    return COFFRE_E_INVALID_ARGUMENT;
  }
  return guarded([&] {
    coffre::Context ctx;
    if (int s = make_context(object_id, object_id_len, revision, key_version, ctx)) return s;
    return give_handle(coffre::FileRangeReader::open(bytes(header, header_len), ciphertext_size,
                                                     coffre::Passphrase{bytes(passphrase, passphrase_len)}, ctx),
                       out);
  });
}

uint64_t coffre_range_reader_plaintext_size(const coffre_range_reader* reader) {
  return reader == nullptr ? 0 : reader->reader.plaintext_size();
}

int coffre_range_reader_ciphertext_range(const coffre_range_reader* reader, uint64_t begin, uint64_t end,
                                         uint64_t* ciphertext_begin, uint64_t* ciphertext_end) {
  if (reader == nullptr || ciphertext_begin == nullptr || ciphertext_end == nullptr) return COFFRE_E_INVALID_ARGUMENT;
  return guarded([&] {
    auto r = reader->reader.ciphertext_range(coffre::ByteRange{begin, end});
    if (!r) return status(r.error());
    *ciphertext_begin = r.value().begin;
    *ciphertext_end = r.value().end;
    return COFFRE_OK;
  });
}

int coffre_range_reader_read(const coffre_range_reader* reader, uint64_t begin, uint64_t end, const uint8_t* fetched,
                             size_t fetched_len, uint8_t* out, size_t out_cap) {
  if (reader == nullptr || !data_ok(fetched, fetched_len) || !data_ok(out, out_cap)) return COFFRE_E_INVALID_ARGUMENT;
  return guarded([&] {
    return status(
        reader->reader.read(coffre::ByteRange{begin, end}, bytes(fetched, fetched_len), bytes_mut(out, out_cap)));
  });
}

void coffre_range_reader_free(coffre_range_reader* reader) { delete reader; }

int coffre_recovery_phrase_check(const char* words, size_t len) {
  if (!data_ok(words, len)) return COFFRE_E_INVALID_ARGUMENT;
  return status(coffre::RecoveryPhrase::check(len == 0 ? std::string_view{} : std::string_view{words, len}));
}

}  // extern "C"
