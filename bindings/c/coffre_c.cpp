// The C ABI (bindings/c/include/coffre.h) over the C++ API (lib/include/coffre/coffre.hpp).
//
// Every entry point is noexcept: the C++ API returns errors as values, and the only exceptions left (std::bad_alloc
// from a std::string or a handle allocation) are caught here and become COFFRE_E_OUT_OF_MEMORY.
// Entry points that make, derive or unwrap keys burn the stack afterwards (guarded_secret, abi.hpp). The per-call
// hot paths (document seal/open, encryptor/decryptor update and finish, range reads) do not: 64 KiB wiped per call
// would cost more than a small document's envelope, and what they leave is an envelope's subkey and keystream of
// data the caller already holds in the same memory.
// Pointer rules: handles and out-parameters must not be NULL; a data pointer may be NULL only with a length of 0.
#include <coffre.h>

#include "abi.hpp"

#include <coffre/coffre.hpp>

#include <sodium.h>

#include <array>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <new>
#include <optional>
#include <tuple>
#include <string>
#include <utility>
#include <vector>

struct coffre_encryptor {
  coffre::FileEncryptor enc;
};
struct coffre_decryptor {
  coffre::FileDecryptor dec;
};
struct coffre_range_reader {
  coffre::FileRangeReader reader;
};

struct coffre_used_requests {
  coffre::UsedEnrollmentRequests used;
};
struct coffre_enrollment_requester {
  coffre::EnrollmentRequester r;
};
struct coffre_enrollment_approver {
  coffre::EnrollmentApprover a;
};
struct coffre_root_key {
  coffre::RootKey root;
};
struct coffre_revocation {
  coffre::RevocationPlan plan;
};

namespace {

using namespace coffre_abi;
using coffre::Error;

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

coffre::FileOptions file_options(std::uint32_t chunk_size, std::uint32_t threads) noexcept {
  coffre::FileOptions o;
  o.chunk_size = chunk_size == 0 ? coffre::kDefaultChunkSize : chunk_size;
  o.threads = threads;
  return o;
}

// 0: the library's default limit.
coffre::PassphraseLimits passphrase_limits(std::uint32_t max_opslimit, std::uint32_t max_memlimit_kib) noexcept {
  coffre::PassphraseLimits l;
  if (max_opslimit != 0) l.max_opslimit = max_opslimit;
  if (max_memlimit_kib != 0) l.max_memlimit_kib = max_memlimit_kib;
  return l;
}

}  // namespace

extern "C" {

int coffre_init(void) { return status(coffre::init()); }

const char* coffre_version(void) { return COFFRE_VERSION_STRING; }

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

void coffre_set_default_threads(uint32_t threads) { coffre::set_default_threads(threads); }
uint32_t coffre_default_threads(void) { return coffre::default_threads(); }
uint32_t coffre_all_cores(void) { return coffre::all_cores(); }

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
  return guarded_secret([&] { return give_handle(coffre::ContentKey::generate(coffre::system_rng()), out); });
}

int coffre_key_from_bytes(const uint8_t* b, size_t len, coffre_key** out) {
  clear_out(out);
  if (out == nullptr || b == nullptr) return COFFRE_E_INVALID_ARGUMENT;
  return guarded_secret([&] { return give_handle(coffre::ContentKey::from_bytes(bytes(b, len)), out); });
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
  return guarded_secret([&] {
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
  return guarded_secret([&] {
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
  return guarded_secret([&] {
    coffre::Context ctx;
    if (int s = make_context(object_id, object_id_len, revision, key_version, ctx)) return s;
    return give_handle(coffre::FileDecryptor::create(key->key, ctx, threads), out);
  });
}

int coffre_decryptor_new_passphrase(const uint8_t* passphrase, size_t passphrase_len, const char* object_id,
                                    size_t object_id_len, uint64_t revision, uint32_t key_version, uint32_t threads,
                                    uint32_t max_opslimit, uint32_t max_memlimit_kib, coffre_decryptor** out) {
  clear_out(out);
  if (out == nullptr || !data_ok(passphrase, passphrase_len)) return COFFRE_E_INVALID_ARGUMENT;
  return guarded_secret([&] {
    coffre::Context ctx;
    if (int s = make_context(object_id, object_id_len, revision, key_version, ctx)) return s;
    return give_handle(coffre::FileDecryptor::create(coffre::Passphrase{bytes(passphrase, passphrase_len)}, ctx,
                                                     threads, passphrase_limits(max_opslimit, max_memlimit_kib)),
                       out);
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

int coffre_range_reader_final_chunk_range(const uint8_t* header, size_t header_len, uint64_t ciphertext_size,
                                          uint64_t* ciphertext_begin, uint64_t* ciphertext_end) {
  if (!data_ok(header, header_len) || ciphertext_begin == nullptr || ciphertext_end == nullptr) {
    return COFFRE_E_INVALID_ARGUMENT;
  }
  return guarded([&] {
    auto r = coffre::FileRangeReader::final_chunk_range(bytes(header, header_len), ciphertext_size);
    if (!r) return status(r.error());
    *ciphertext_begin = r.value().begin;
    *ciphertext_end = r.value().end;
    return COFFRE_OK;
  });
}

int coffre_range_reader_new(const uint8_t* header, size_t header_len, uint64_t ciphertext_size,
                            const uint8_t* final_chunk, size_t final_chunk_len, const coffre_key* key,
                            const char* object_id, size_t object_id_len, uint64_t revision, uint32_t key_version,
                            coffre_range_reader** out) {
  clear_out(out);
  if (key == nullptr || out == nullptr || !data_ok(header, header_len) || !data_ok(final_chunk, final_chunk_len)) {
    return COFFRE_E_INVALID_ARGUMENT;
  }
  return guarded_secret([&] {
    coffre::Context ctx;
    if (int s = make_context(object_id, object_id_len, revision, key_version, ctx)) return s;
    return give_handle(coffre::FileRangeReader::open(bytes(header, header_len), ciphertext_size,
                                                     bytes(final_chunk, final_chunk_len), key->key, ctx),
                       out);
  });
}

int coffre_range_reader_new_passphrase(const uint8_t* header, size_t header_len, uint64_t ciphertext_size,
                                       const uint8_t* final_chunk, size_t final_chunk_len, const uint8_t* passphrase,
                                       size_t passphrase_len, const char* object_id, size_t object_id_len,
                                       uint64_t revision, uint32_t key_version, uint32_t max_opslimit,
                                       uint32_t max_memlimit_kib, coffre_range_reader** out) {
  clear_out(out);
  if (out == nullptr || !data_ok(header, header_len) || !data_ok(final_chunk, final_chunk_len) ||
      !data_ok(passphrase, passphrase_len)) {
    return COFFRE_E_INVALID_ARGUMENT;
  }
  return guarded_secret([&] {
    coffre::Context ctx;
    if (int s = make_context(object_id, object_id_len, revision, key_version, ctx)) return s;
    return give_handle(coffre::FileRangeReader::open(bytes(header, header_len), ciphertext_size,
                                                     bytes(final_chunk, final_chunk_len),
                                                     coffre::Passphrase{bytes(passphrase, passphrase_len)}, ctx,
                                                     passphrase_limits(max_opslimit, max_memlimit_kib)),
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

// ---------------------------------------------------------------------------------------------------------------
// Accounts and devices

namespace {

// A NUL-terminated string (SAS, fingerprint) into a caller buffer of `cap` bytes.
int put_text(const std::string& text, char* out, std::size_t cap) noexcept {
  if (out == nullptr || text.size() + 1 > cap) return COFFRE_E_INVALID_ARGUMENT;
  std::memcpy(out, text.data(), text.size());
  out[text.size()] = '\0';
  return COFFRE_OK;
}

std::string name_of(const char* name, std::size_t len) { return len == 0 ? std::string{} : std::string{name, len}; }

// An entry and a root wrap into two library buffers: both, or neither (the outs cleared).
int give_entry_and_wrap(std::span<const std::uint8_t> e, std::span<const std::uint8_t> w, std::uint8_t** entry,
                        std::size_t* entry_len, std::uint8_t** wrap, std::size_t* wrap_len) {
  int st = give_buffer(e, entry, entry_len);
  if (st == COFFRE_OK) st = give_buffer(w, wrap, wrap_len);
  if (st != COFFRE_OK) {
    coffre_buffer_free(*entry, *entry_len);
    buffer_out_ok(entry, entry_len);
    buffer_out_ok(wrap, wrap_len);
  }
  return st;
}

}  // namespace

extern "C" {

size_t coffre_device_id_bytes(void) { return coffre::DeviceId::kSize; }
size_t coffre_user_id_bytes(void) { return coffre::UserId::kSize; }
size_t coffre_seed_bytes(void) { return coffre::SigningKey::kSeedSize; }
size_t coffre_sign_public_key_bytes(void) { return coffre::VerifyKey::kSize; }
size_t coffre_kem_public_key_bytes(void) { return coffre::XWingPublicKey::kSize; }
size_t coffre_log_hash_bytes(void) { return std::tuple_size_v<coffre::LogHash>; }
size_t coffre_root_wrap_bytes(void) { return coffre::kRootWrapSize; }
size_t coffre_sas_bytes(void) { return COFFRE_SAS_BYTES; }
size_t coffre_device_name_max_bytes(void) { return coffre::kDeviceNameMaxSize; }
uint64_t coffre_enrollment_max_lifetime(void) { return coffre::kEnrollmentMaxLifetime; }
size_t coffre_identity_fingerprint_bytes(void) { return COFFRE_IDENTITY_FINGERPRINT_BYTES; }

// Device keys

int coffre_device_keys_generate(coffre_device_keys** out) {
  clear_out(out);
  if (out == nullptr) return COFFRE_E_INVALID_ARGUMENT;
  return guarded_secret([&] { return give_handle(coffre::DeviceKeys::generate(coffre::system_rng()), out); });
}

int coffre_device_keys_from_seeds(const uint8_t* id, size_t id_len, const uint8_t* sign_seed, size_t sign_seed_len,
                                  const uint8_t* kem_seed, size_t kem_seed_len, coffre_device_keys** out) {
  clear_out(out);
  if (out == nullptr || !data_ok(id, id_len) || !data_ok(sign_seed, sign_seed_len) ||
      !data_ok(kem_seed, kem_seed_len)) {
    return COFFRE_E_INVALID_ARGUMENT;
  }
  return guarded_secret([&] {
    auto device = coffre::DeviceId::from_bytes(bytes(id, id_len));
    if (!device) return status(device.error());
    if (device.value() == coffre::recovery_recipient_id()) return COFFRE_E_INVALID_ARGUMENT;
    return give_handle(coffre::DeviceKeys::from_seeds(device.value(), bytes(sign_seed, sign_seed_len),
                                                      bytes(kem_seed, kem_seed_len)),
                       out);
  });
}

int coffre_device_keys_id(const coffre_device_keys* keys, uint8_t* out, size_t out_len) {
  if (keys == nullptr) return COFFRE_E_INVALID_ARGUMENT;
  return put_fixed(keys->keys.id.bytes, out, out_len);
}

int coffre_device_keys_sign_public_key(const coffre_device_keys* keys, uint8_t* out, size_t out_len) {
  if (keys == nullptr) return COFFRE_E_INVALID_ARGUMENT;
  return put_fixed(keys->keys.sign_key.verify_key().bytes(), out, out_len);
}

int coffre_device_keys_kem_public_key(const coffre_device_keys* keys, uint8_t* out, size_t out_len) {
  if (keys == nullptr) return COFFRE_E_INVALID_ARGUMENT;
  return put_fixed(keys->keys.kem_pk.bytes(), out, out_len);
}

int coffre_device_keys_export_secret_seeds(const coffre_device_keys* keys, uint8_t* sign_seed, size_t sign_seed_len,
                                           uint8_t* kem_seed, size_t kem_seed_len) {
  if (keys == nullptr) return COFFRE_E_INVALID_ARGUMENT;
  if (int s = put_fixed(keys->keys.sign_key.seed().reveal(), sign_seed, sign_seed_len)) return s;
  return put_fixed(keys->keys.kem_key.secret().reveal(), kem_seed, kem_seed_len);
}

void coffre_device_keys_free(coffre_device_keys* keys) { delete keys; }

// Verified log

int coffre_log_verify(const uint8_t* entries, size_t entries_len, uint64_t pinned_seq, const uint8_t* pinned_hash,
                      size_t pinned_hash_len, const uint8_t* genesis_hash, size_t genesis_hash_len, coffre_log** out) {
  clear_out(out);
  if (out == nullptr || !data_ok(entries, entries_len) || !data_ok(pinned_hash, pinned_hash_len) ||
      !data_ok(genesis_hash, genesis_hash_len)) {
    return COFFRE_E_INVALID_ARGUMENT;
  }
  if ((pinned_hash_len != 0 && pinned_hash_len != 32) || (genesis_hash_len != 0 && genesis_hash_len != 32)) {
    return COFFRE_E_INVALID_ARGUMENT;
  }
  return guarded([&] {
    std::vector<std::vector<std::uint8_t>> list;
    if (!split_frames(entries, entries_len, list)) return COFFRE_E_INVALID_ARGUMENT;
    std::optional<coffre::LogHead> pinned;
    if (pinned_hash_len != 0) {
      pinned.emplace();
      pinned->seq = pinned_seq;
      std::memcpy(pinned->hash.data(), pinned_hash, 32);
    }
    std::optional<coffre::LogHash> genesis;
    if (genesis_hash_len != 0) {
      genesis.emplace();
      std::memcpy(genesis->data(), genesis_hash, 32);
    }
    return give_handle(coffre::verify_log(list, pinned, genesis), out);
  });
}

int coffre_log_verify_appended(const coffre_log* current, const uint8_t* entries, size_t entries_len,
                               coffre_log** out) {
  clear_out(out);
  if (current == nullptr || out == nullptr || !data_ok(entries, entries_len)) return COFFRE_E_INVALID_ARGUMENT;
  return guarded([&] {
    std::vector<std::vector<std::uint8_t>> list;
    if (!split_frames(entries, entries_len, list)) return COFFRE_E_INVALID_ARGUMENT;
    return give_handle(coffre::verify_appended(current->log, list), out);
  });
}

int coffre_log_user_id(const coffre_log* log, uint8_t* out, size_t out_len) {
  if (log == nullptr) return COFFRE_E_INVALID_ARGUMENT;
  return put_fixed(log->log.user.bytes, out, out_len);
}

int coffre_log_head(const coffre_log* log, uint64_t* seq, uint8_t* hash, size_t hash_len) {
  if (log == nullptr || seq == nullptr) return COFFRE_E_INVALID_ARGUMENT;
  if (int s = put_fixed(log->log.head.hash, hash, hash_len)) return s;
  *seq = log->log.head.seq;
  return COFFRE_OK;
}

int coffre_log_genesis_hash(const coffre_log* log, uint8_t* out, size_t out_len) {
  if (log == nullptr) return COFFRE_E_INVALID_ARGUMENT;
  return put_fixed(log->log.genesis_hash, out, out_len);
}

int coffre_log_identity_public_key(const coffre_log* log, uint8_t* out, size_t out_len) {
  if (log == nullptr) return COFFRE_E_INVALID_ARGUMENT;
  return put_fixed(log->log.identity_pk.bytes(), out, out_len);
}

int coffre_log_identity_fingerprint(const coffre_log* log, char* out, size_t out_cap) {
  if (out != nullptr && out_cap > 0) out[0] = '\0';
  if (log == nullptr) return COFFRE_E_INVALID_ARGUMENT;
  return guarded([&] { return put_text(coffre::identity_fingerprint(log->log), out, out_cap); });
}

uint32_t coffre_log_identity_generation(const coffre_log* log) {
  return log == nullptr ? 0 : log->log.identity_generation;
}
uint32_t coffre_log_suite_version(const coffre_log* log) { return log == nullptr ? 0 : log->log.suite_version; }
uint32_t coffre_log_root_epoch(const coffre_log* log) { return log == nullptr ? 0 : log->log.root_epoch; }

int coffre_log_suite_public_key(const coffre_log* log, uint8_t* out, size_t out_len) {
  if (log == nullptr) return COFFRE_E_INVALID_ARGUMENT;
  return put_fixed(log->log.suite_pk.bytes(), out, out_len);
}

int coffre_log_recovery_public_key(const coffre_log* log, uint8_t* out, size_t out_len) {
  if (log == nullptr) return COFFRE_E_INVALID_ARGUMENT;
  return put_fixed(log->log.recovery_pk.bytes(), out, out_len);
}

int coffre_log_recovery_sign_public_key(const coffre_log* log, uint8_t* out, size_t out_len) {
  if (log == nullptr) return COFFRE_E_INVALID_ARGUMENT;
  return put_fixed(log->log.recovery_sign_pk.bytes(), out, out_len);
}

size_t coffre_log_superseded_identity_count(const coffre_log* log) {
  return log == nullptr ? 0 : log->log.superseded_identities.size();
}

int coffre_log_superseded_identity(const coffre_log* log, size_t index, uint8_t* out, size_t out_len) {
  if (log == nullptr || index >= log->log.superseded_identities.size()) return COFFRE_E_INVALID_ARGUMENT;
  return put_fixed(log->log.superseded_identities[index].bytes(), out, out_len);
}

size_t coffre_log_device_count(const coffre_log* log) { return log == nullptr ? 0 : log->log.devices.size(); }

int coffre_log_device_id(const coffre_log* log, size_t index, uint8_t* out, size_t out_len) {
  if (log == nullptr || index >= log->log.devices.size()) return COFFRE_E_INVALID_ARGUMENT;
  return put_fixed(log->log.devices[index].id.bytes, out, out_len);
}

int coffre_log_device_sign_public_key(const coffre_log* log, size_t index, uint8_t* out, size_t out_len) {
  if (log == nullptr || index >= log->log.devices.size()) return COFFRE_E_INVALID_ARGUMENT;
  return put_fixed(log->log.devices[index].sign_pk.bytes(), out, out_len);
}

int coffre_log_device_name(const coffre_log* log, size_t index, uint8_t** out, size_t* out_len) {
  if (!buffer_out_ok(out, out_len) || log == nullptr || index >= log->log.devices.size()) {
    return COFFRE_E_INVALID_ARGUMENT;
  }
  const std::string& name = log->log.devices[index].name;
  return give_buffer(bytes(reinterpret_cast<const std::uint8_t*>(name.data()), name.size()), out, out_len);
}

int coffre_log_device_kem_public_key(const coffre_log* log, size_t index, uint8_t* out, size_t out_len) {
  if (log == nullptr || index >= log->log.devices.size()) return COFFRE_E_INVALID_ARGUMENT;
  return put_fixed(log->log.devices[index].kem_pk.bytes(), out, out_len);
}

int coffre_log_device_transcript_hash(const coffre_log* log, size_t index, uint8_t* out, size_t out_len) {
  if (log == nullptr || index >= log->log.devices.size()) return COFFRE_E_INVALID_ARGUMENT;
  return put_fixed(log->log.devices[index].transcript_hash, out, out_len);
}

size_t coffre_log_revoked_count(const coffre_log* log) { return log == nullptr ? 0 : log->log.revoked.size(); }

int coffre_log_revoked_id(const coffre_log* log, size_t index, uint8_t* out, size_t out_len) {
  if (log == nullptr || index >= log->log.revoked.size()) return COFFRE_E_INVALID_ARGUMENT;
  return put_fixed(log->log.revoked[index].id.bytes, out, out_len);
}

int coffre_log_contains(const coffre_log* log, const uint8_t* id, size_t id_len) {
  if (log == nullptr || id == nullptr) return 0;
  auto device = coffre::DeviceId::from_bytes(bytes(id, id_len));
  return device && log->log.contains(device.value()) ? 1 : 0;
}

void coffre_log_free(coffre_log* log) { delete log; }

// Used request ids

int coffre_used_requests_new(coffre_used_requests** out) {
  clear_out(out);
  if (out == nullptr) return COFFRE_E_INVALID_ARGUMENT;
  return guarded([&] {
    *out = new coffre_used_requests{};
    return COFFRE_OK;
  });
}

int coffre_used_requests_import(const uint8_t* records, size_t len, coffre_used_requests** out) {
  clear_out(out);
  if (out == nullptr || !data_ok(records, len) || len % 24 != 0) return COFFRE_E_INVALID_ARGUMENT;
  return guarded([&] {
    auto* h = new coffre_used_requests{};
    for (std::size_t i = 0; i < len; i += 24) {
      coffre::EnrollmentRequestId id;
      std::memcpy(id.bytes.data(), records + i, 16);
      std::uint64_t expires = 0;
      for (std::size_t k = 0; k < 8; ++k) expires = (expires << 8) | records[i + 16 + k];
      h->used.record(id, expires);
    }
    *out = h;
    return COFFRE_OK;
  });
}

int coffre_used_requests_export(const coffre_used_requests* used, uint8_t** out, size_t* out_len) {
  if (!buffer_out_ok(out, out_len) || used == nullptr) return COFFRE_E_INVALID_ARGUMENT;
  return guarded([&] {
    std::vector<std::uint8_t> v;
    v.reserve(used->used.entries().size() * 24);
    for (const auto& [id, expires] : used->used.entries()) {
      v.insert(v.end(), id.bytes.begin(), id.bytes.end());
      for (int k = 7; k >= 0; --k) v.push_back(static_cast<std::uint8_t>(expires >> (8 * k)));
    }
    return give_buffer(v, out, out_len);
  });
}

int coffre_used_requests_prune(coffre_used_requests* used, uint64_t now) {
  if (used == nullptr) return COFFRE_E_INVALID_ARGUMENT;
  return guarded([&] {
    used->used.prune(now);
    return COFFRE_OK;
  });
}

size_t coffre_used_requests_count(const coffre_used_requests* used) {
  return used == nullptr ? 0 : used->used.entries().size();
}

void coffre_used_requests_free(coffre_used_requests* used) { delete used; }

// Enrollment, new device

int coffre_enrollment_requester_start(const coffre_device_keys* device, const char* name, size_t name_len,
                                      uint64_t now, uint64_t lifetime, coffre_enrollment_requester** out) {
  clear_out(out);
  if (device == nullptr || out == nullptr || !data_ok(name, name_len)) return COFFRE_E_INVALID_ARGUMENT;
  if (name_len > coffre::kDeviceNameMaxSize) return COFFRE_E_INVALID_ARGUMENT;
  return guarded_secret([&] {
    return give_handle(coffre::EnrollmentRequester::start(device->keys, name_of(name, name_len), now,
                                                          coffre::system_rng(),
                                                          lifetime == 0 ? coffre::kEnrollmentMaxLifetime : lifetime),
                       out);
  });
}

int coffre_enrollment_requester_request(const coffre_enrollment_requester* r, uint8_t** out, size_t* out_len) {
  if (!buffer_out_ok(out, out_len) || r == nullptr) return COFFRE_E_INVALID_ARGUMENT;
  return give_buffer(r->r.request(), out, out_len);
}

int coffre_enrollment_requester_on_response(coffre_enrollment_requester* r, const uint8_t* response,
                                            size_t response_len, const coffre_log* log, uint64_t now,
                                            uint8_t** reveal, size_t* reveal_len, char* sas, size_t sas_cap) {
  if (sas != nullptr && sas_cap > 0) sas[0] = '\0';
  if (!buffer_out_ok(reveal, reveal_len) || r == nullptr || log == nullptr || sas == nullptr ||
      sas_cap < COFFRE_SAS_BYTES || !data_ok(response, response_len)) {
    return COFFRE_E_INVALID_ARGUMENT;
  }
  return guarded_secret([&] {
    auto c = r->r.on_response(bytes(response, response_len), log->log, now);
    if (!c) return status(c.error());
    if (int s = put_text(c.value().sas, sas, sas_cap)) return s;
    return give_buffer(c.value().reveal, reveal, reveal_len);
  });
}

int coffre_enrollment_requester_check_enrolled(const coffre_enrollment_requester* r, const coffre_log* log) {
  if (r == nullptr || log == nullptr) return COFFRE_E_INVALID_ARGUMENT;
  return guarded([&] { return status(r->r.check_enrolled(log->log)); });
}

void coffre_enrollment_requester_free(coffre_enrollment_requester* r) { delete r; }

// Enrollment, enrolled device

int coffre_enrollment_approver_on_request(const uint8_t* request, size_t request_len, const coffre_device_keys* own,
                                          const coffre_log* log, uint64_t now, coffre_used_requests* used,
                                          coffre_enrollment_approver** out) {
  clear_out(out);
  if (out == nullptr || own == nullptr || log == nullptr || used == nullptr || !data_ok(request, request_len)) {
    return COFFRE_E_INVALID_ARGUMENT;
  }
  return guarded_secret([&] {
    return give_handle(coffre::EnrollmentApprover::on_request(bytes(request, request_len), own->keys, log->log, now,
                                                              used->used, coffre::system_rng()),
                       out);
  });
}

int coffre_enrollment_approver_response(const coffre_enrollment_approver* a, uint8_t** out, size_t* out_len) {
  if (!buffer_out_ok(out, out_len) || a == nullptr) return COFFRE_E_INVALID_ARGUMENT;
  return give_buffer(a->a.response(), out, out_len);
}

int coffre_enrollment_approver_requester_name(const coffre_enrollment_approver* a, uint8_t** out, size_t* out_len) {
  if (!buffer_out_ok(out, out_len) || a == nullptr) return COFFRE_E_INVALID_ARGUMENT;
  const std::string& name = a->a.requester().name;
  return give_buffer(bytes(reinterpret_cast<const std::uint8_t*>(name.data()), name.size()), out, out_len);
}

int coffre_enrollment_approver_on_reveal(coffre_enrollment_approver* a, const uint8_t* reveal, size_t reveal_len,
                                         uint64_t now, char* sas, size_t sas_cap) {
  if (sas != nullptr && sas_cap > 0) sas[0] = '\0';
  if (a == nullptr || sas == nullptr || sas_cap < COFFRE_SAS_BYTES || !data_ok(reveal, reveal_len)) {
    return COFFRE_E_INVALID_ARGUMENT;
  }
  return guarded_secret([&] {
    auto c = a->a.on_reveal(bytes(reveal, reveal_len), now);
    if (!c) return status(c.error());
    return put_text(c.value().sas, sas, sas_cap);
  });
}

void coffre_enrollment_approver_free(coffre_enrollment_approver* a) { delete a; }

int coffre_enrollment_transcript(const uint8_t* request, size_t request_len, const uint8_t* response,
                                 size_t response_len, const uint8_t* reveal, size_t reveal_len,
                                 uint8_t* transcript_hash, size_t transcript_hash_len, char* sas, size_t sas_cap) {
  if (sas != nullptr && sas_cap > 0) sas[0] = '\0';
  if (!data_ok(request, request_len) || !data_ok(response, response_len) || !data_ok(reveal, reveal_len) ||
      transcript_hash == nullptr || transcript_hash_len != COFFRE_LOG_HASH_BYTES || sas == nullptr ||
      sas_cap < COFFRE_SAS_BYTES) {
    return COFFRE_E_INVALID_ARGUMENT;
  }
  return guarded([&] {
    auto t = coffre::enrollment_transcript(bytes(request, request_len), bytes(response, response_len),
                                           bytes(reveal, reveal_len));
    if (!t) return status(t.error());
    if (int st = put_fixed(t.value().transcript_hash, transcript_hash, transcript_hash_len)) return st;
    return put_text(t.value().sas, sas, sas_cap);
  });
}

// Account secrets and root keys

int coffre_root_key_unwrap(const coffre_device_keys* device, const coffre_log* log, const uint8_t* wrap,
                           size_t wrap_len, coffre_root_key** out) {
  clear_out(out);
  if (device == nullptr || log == nullptr || out == nullptr || !data_ok(wrap, wrap_len)) {
    return COFFRE_E_INVALID_ARGUMENT;
  }
  return guarded_secret([&] {
    return give_handle(coffre::unwrap_root_key(device->keys.kem_key, log->log.user, device->keys.id,
                                               log->log.root_epoch, bytes(wrap, wrap_len)),
                       out);
  });
}

uint32_t coffre_root_key_epoch(const coffre_root_key* root) { return root == nullptr ? 0 : root->root.epoch(); }

void coffre_root_key_free(coffre_root_key* root) { delete root; }

int coffre_account_state_open(const coffre_root_key* root, const coffre_log* log, const uint8_t* sealed,
                              size_t sealed_len, coffre_account_secrets** out) {
  clear_out(out);
  if (root == nullptr || log == nullptr || out == nullptr || !data_ok(sealed, sealed_len)) {
    return COFFRE_E_INVALID_ARGUMENT;
  }
  return guarded_secret([&] {
    auto secrets = coffre::open_account_state(root->root, log->log.user, bytes(sealed, sealed_len));
    if (!secrets) return status(secrets.error());
    if (Error e = coffre::check_account_secrets(secrets.value(), log->log); e != Error::ok) return status(e);
    return give_handle(std::move(secrets), out);
  });
}

uint32_t coffre_account_secrets_identity_generation(const coffre_account_secrets* secrets) {
  return secrets == nullptr ? 0 : secrets->secrets.identity_generation();
}

void coffre_account_secrets_free(coffre_account_secrets* secrets) { delete secrets; }

int coffre_account_create(const coffre_device_keys* device, const char* name, size_t name_len,
                          const coffre_recovery_phrase* phrase, uint8_t** genesis, size_t* genesis_len,
                          uint8_t** sealed_state, size_t* sealed_state_len, uint8_t** device_wrap,
                          size_t* device_wrap_len, uint8_t** recovery_wrap, size_t* recovery_wrap_len,
                          coffre_account_secrets** secrets, coffre_root_key** root) {
  clear_out(secrets);
  clear_out(root);
  const bool outs_ok = buffer_out_ok(genesis, genesis_len) & buffer_out_ok(sealed_state, sealed_state_len) &
                       buffer_out_ok(device_wrap, device_wrap_len) & buffer_out_ok(recovery_wrap, recovery_wrap_len);
  if (!outs_ok || device == nullptr || secrets == nullptr || root == nullptr || !data_ok(name, name_len) ||
      phrase == nullptr || name_len > coffre::kDeviceNameMaxSize) {
    return COFFRE_E_INVALID_ARGUMENT;
  }
  return guarded_secret([&] {
    auto recovery = coffre::RecoveryKey::from_phrase(phrase->phrase);
    if (!recovery) return status(recovery.error());
    auto created = coffre::create_account(device->keys, name_of(name, name_len), recovery.value(), coffre::system_rng());
    if (!created) return status(created.error());
    coffre::AccountCreation& c = created.value();
    if (c.wraps.size() != 2) return COFFRE_E_BAD_STATE;
    auto s = std::make_unique<coffre_account_secrets>(coffre_account_secrets{std::move(c.secrets)});
    auto r = std::make_unique<coffre_root_key>(coffre_root_key{std::move(c.root)});
    int st = give_buffer(c.genesis_entry, genesis, genesis_len);
    if (st == COFFRE_OK) st = give_buffer(c.sealed_state, sealed_state, sealed_state_len);
    if (st == COFFRE_OK) st = give_buffer(c.wraps[0].bytes, device_wrap, device_wrap_len);
    if (st == COFFRE_OK) st = give_buffer(c.wraps[1].bytes, recovery_wrap, recovery_wrap_len);
    if (st != COFFRE_OK) {
      coffre_buffer_free(*genesis, *genesis_len);
      coffre_buffer_free(*sealed_state, *sealed_state_len);
      coffre_buffer_free(*device_wrap, *device_wrap_len);
      coffre_buffer_free(*recovery_wrap, *recovery_wrap_len);
      buffer_out_ok(genesis, genesis_len);
      buffer_out_ok(sealed_state, sealed_state_len);
      buffer_out_ok(device_wrap, device_wrap_len);
      buffer_out_ok(recovery_wrap, recovery_wrap_len);
      return st;
    }
    *secrets = s.release();
    *root = r.release();
    return COFFRE_OK;
  });
}

// Revocation

int coffre_revocation_plan(const coffre_log* log, const coffre_account_secrets* secrets, const coffre_device_keys* own,
                           const uint8_t* device_id, size_t device_id_len, coffre_revocation** out) {
  clear_out(out);
  if (log == nullptr || secrets == nullptr || own == nullptr || out == nullptr || !data_ok(device_id, device_id_len)) {
    return COFFRE_E_INVALID_ARGUMENT;
  }
  return guarded_secret([&] {
    auto id = coffre::DeviceId::from_bytes(bytes(device_id, device_id_len));
    if (!id) return status(id.error());
    return give_handle(
        coffre::plan_revocation(log->log, secrets->secrets, own->keys, id.value(), coffre::system_rng()), out);
  });
}

int coffre_revocation_entry(const coffre_revocation* plan, uint8_t** out, size_t* out_len) {
  if (!buffer_out_ok(out, out_len) || plan == nullptr) return COFFRE_E_INVALID_ARGUMENT;
  return give_buffer(plan->plan.entry, out, out_len);
}

int coffre_revocation_sealed_state(const coffre_revocation* plan, uint8_t** out, size_t* out_len) {
  if (!buffer_out_ok(out, out_len) || plan == nullptr) return COFFRE_E_INVALID_ARGUMENT;
  return give_buffer(plan->plan.sealed_state, out, out_len);
}

size_t coffre_revocation_wrap_count(const coffre_revocation* plan) {
  return plan == nullptr ? 0 : plan->plan.wraps.size();
}

int coffre_revocation_wrap(const coffre_revocation* plan, size_t index, uint8_t* recipient_id,
                           size_t recipient_id_len, uint8_t* wrap, size_t wrap_len) {
  if (plan == nullptr || index >= plan->plan.wraps.size()) return COFFRE_E_INVALID_ARGUMENT;
  const coffre::RootWrap& w = plan->plan.wraps[index];
  if (recipient_id_len != coffre::DeviceId::kSize || wrap_len != w.bytes.size()) return COFFRE_E_INVALID_ARGUMENT;
  if (int st = put_fixed(w.recipient.bytes, recipient_id, recipient_id_len)) return st;
  return put_fixed(w.bytes, wrap, wrap_len);
}

int coffre_revocation_log(const coffre_revocation* plan, coffre_log** out) {
  clear_out(out);
  if (plan == nullptr || out == nullptr) return COFFRE_E_INVALID_ARGUMENT;
  return guarded([&] {
    *out = new coffre_log{plan->plan.log};
    return COFFRE_OK;
  });
}

int coffre_revocation_root_key(const coffre_revocation* plan, coffre_root_key** out) {
  clear_out(out);
  if (plan == nullptr || out == nullptr) return COFFRE_E_INVALID_ARGUMENT;
  return guarded_secret([&] {
    const coffre::RootKey& root = plan->plan.root;
    return give_handle(coffre::RootKey::from_bytes(root.secret().reveal(), root.epoch()), out);
  });
}

int coffre_revocation_secrets(const coffre_revocation* plan, coffre_account_secrets** out) {
  clear_out(out);
  if (plan == nullptr || out == nullptr) return COFFRE_E_INVALID_ARGUMENT;
  return guarded_secret([&] { return give_handle(plan->plan.secrets.clone(), out); });
}

void coffre_revocation_free(coffre_revocation* plan) { delete plan; }

int coffre_enrollment_approve(const coffre_enrollment_approver* a, const coffre_log* log,
                              const coffre_account_secrets* secrets, const coffre_root_key* root,
                              const coffre_device_keys* own, uint8_t** entry, size_t* entry_len, uint8_t** wrap,
                              size_t* wrap_len) {
  const bool outs_ok = buffer_out_ok(entry, entry_len) & buffer_out_ok(wrap, wrap_len);
  if (!outs_ok || a == nullptr || log == nullptr || secrets == nullptr || root == nullptr || own == nullptr) {
    return COFFRE_E_INVALID_ARGUMENT;
  }
  return guarded_secret([&] {
    auto approval = coffre::approve(a->a, log->log, secrets->secrets, root->root, own->keys, coffre::system_rng());
    if (!approval) return status(approval.error());
    return give_entry_and_wrap(approval.value().entry, approval.value().wrap.bytes, entry, entry_len, wrap, wrap_len);
  });
}

// Recovery phrase

int coffre_recovery_phrase_generate(coffre_recovery_phrase** out) {
  clear_out(out);
  if (out == nullptr) return COFFRE_E_INVALID_ARGUMENT;
  return guarded_secret([&] { return give_handle(coffre::RecoveryPhrase::generate(coffre::system_rng()), out); });
}

int coffre_recovery_phrase_from_words(const char* words, size_t len, coffre_recovery_phrase** out) {
  clear_out(out);
  if (out == nullptr || !data_ok(words, len)) return COFFRE_E_INVALID_ARGUMENT;
  return guarded_secret([&] {
    return give_handle(
        coffre::RecoveryPhrase::from_words(len == 0 ? std::string_view{} : std::string_view{words, len}), out);
  });
}

int coffre_recovery_phrase_words(const coffre_recovery_phrase* phrase, uint8_t** out, size_t* out_len) {
  if (!buffer_out_ok(out, out_len) || phrase == nullptr) return COFFRE_E_INVALID_ARGUMENT;
  return guarded_secret([&] {
    auto words = phrase->phrase.words();
    if (!words) return status(words.error());
    return give_buffer(words.value().reveal(), out, out_len);
  });
}

int coffre_recovery_phrase_kem_public_key(const coffre_recovery_phrase* phrase, uint8_t* out, size_t out_len) {
  if (phrase == nullptr) return COFFRE_E_INVALID_ARGUMENT;
  return guarded_secret([&] {
    auto sk = phrase->phrase.recovery_kem_key();
    if (!sk) return status(sk.error());
    auto pk = coffre::xwing_public_key(sk.value());
    if (!pk) return status(pk.error());
    return put_fixed(pk.value().bytes(), out, out_len);
  });
}

int coffre_recovery_phrase_sign_public_key(const coffre_recovery_phrase* phrase, uint8_t* out, size_t out_len) {
  if (phrase == nullptr) return COFFRE_E_INVALID_ARGUMENT;
  return guarded_secret([&] {
    auto recovery = coffre::RecoveryKey::from_phrase(phrase->phrase);
    if (!recovery) return status(recovery.error());
    return put_fixed(recovery.value().signing_key().verify_key().bytes(), out, out_len);
  });
}

int coffre_root_key_unwrap_recovery(const coffre_recovery_phrase* phrase, const coffre_log* log, const uint8_t* wrap,
                                    size_t wrap_len, coffre_root_key** out) {
  clear_out(out);
  if (phrase == nullptr || log == nullptr || out == nullptr || !data_ok(wrap, wrap_len)) {
    return COFFRE_E_INVALID_ARGUMENT;
  }
  return guarded_secret([&] {
    auto recovery = coffre::RecoveryKey::from_phrase(phrase->phrase);
    if (!recovery) return status(recovery.error());
    return give_handle(recovery.value().unwrap_root(log->log, bytes(wrap, wrap_len)), out);
  });
}

int coffre_recovery_enroll(const coffre_recovery_phrase* phrase, const coffre_log* log,
                           const coffre_account_secrets* secrets, const coffre_root_key* root,
                           const coffre_device_keys* device, const char* name, size_t name_len, uint8_t** entry,
                           size_t* entry_len, uint8_t** wrap, size_t* wrap_len) {
  const bool outs_ok = buffer_out_ok(entry, entry_len) & buffer_out_ok(wrap, wrap_len);
  if (!outs_ok || phrase == nullptr || log == nullptr || secrets == nullptr || root == nullptr || device == nullptr ||
      !data_ok(name, name_len) || name_len > coffre::kDeviceNameMaxSize) {
    return COFFRE_E_INVALID_ARGUMENT;
  }
  return guarded_secret([&] {
    const coffre::VerifiedLog& lg = log->log;
    if (root->root.epoch() != lg.root_epoch) return COFFRE_E_INVALID_ARGUMENT;
    auto recovery = coffre::RecoveryKey::from_phrase(phrase->phrase);
    if (!recovery) return status(recovery.error());
    if (Error e = recovery.value().check_genesis(lg); e != Error::ok) return status(e);
    // Transcript hash zero: a recovery enrollment has no exchange (SPEC section 10).
    const coffre::DeviceRecord record = device->keys.record(name_of(name, name_len));
    auto pop = coffre::device_pop(device->keys.sign_key, lg.user, record);
    if (!pop) return status(pop.error());
    const coffre::EntryAuthor author{coffre::recovery_author_id(), recovery.value().signing_key()};
    auto added = coffre::make_add_device(lg, secrets->secrets.identity(), author, record, pop.value());
    if (!added) return status(added.error());
    auto wrapped = coffre::wrap_root_key(root->root, lg.user, device->keys.id, device->keys.kem_pk, coffre::system_rng());
    if (!wrapped) return status(wrapped.error());
    return give_entry_and_wrap(added.value(), wrapped.value(), entry, entry_len, wrap, wrap_len);
  });
}

void coffre_recovery_phrase_free(coffre_recovery_phrase* phrase) { delete phrase; }

}  // extern "C"
