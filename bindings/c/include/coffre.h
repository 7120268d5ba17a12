/* coffre C ABI: the single binding boundary (native clients, and the WebAssembly module the JS package wraps).
 *
 * Conventions:
 * - Every function that can fail returns a status (0 = COFFRE_OK, else a COFFRE_E_* code from docs/SPEC.md section 7)
 *   and writes results through out-parameters. Nothing throws across this boundary.
 * - Handles are opaque; each has a _free function that wipes its secrets. _free(NULL) is a no-op.
 * - Buffers returned by the library (uint8_t** out) are freed with coffre_buffer_free, which wipes them.
 * - Streaming functions write into caller buffers of at least the size the matching _max_*_output function gives.
 *   *out_len is set also on error: a decryptor releases the chunks that authenticated before the failing one.
 * - Handles and out-parameters must not be NULL (COFFRE_E_INVALID_ARGUMENT). A data pointer (plaintext, envelope,
 *   object_id, passphrase...) may be NULL only together with a length of 0. On failure, handle and buffer
 *   out-parameters are set to NULL (and *out_len to 0).
 * - Every size constant is also a function, so bindings never parse this header.
 * - A context is (object_id, object_id_len, revision, key_version), as in docs/SPEC.md section 3.
 */
#ifndef COFFRE_H
#define COFFRE_H

#include <coffre/export.h>
#include <coffre/version.h>

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define COFFRE_OK 0
#define COFFRE_E_INVALID_ARGUMENT 1
#define COFFRE_E_BAD_MAGIC 2
#define COFFRE_E_WRONG_ENVELOPE_TYPE 3
#define COFFRE_E_UNSUPPORTED_VERSION 4
#define COFFRE_E_UNSUPPORTED_SUITE 5
#define COFFRE_E_MALFORMED_HEADER 6
#define COFFRE_E_WRONG_KEY 7
#define COFFRE_E_WRONG_CONTEXT 8
#define COFFRE_E_HEADER_TAMPERED 9
#define COFFRE_E_PAYLOAD_INVALID 10
#define COFFRE_E_CHUNK_INVALID 11
#define COFFRE_E_CHUNK_OUT_OF_ORDER 12
#define COFFRE_E_CHUNK_DUPLICATED 13
#define COFFRE_E_TRUNCATED 14
#define COFFRE_E_TRAILING_DATA 15
#define COFFRE_E_EMPTY_CHUNK 16
#define COFFRE_E_RANGE_OUT_OF_BOUNDS 17
#define COFFRE_E_BAD_STATE 18
#define COFFRE_E_IO 19
#define COFFRE_E_OUT_OF_MEMORY 20
#define COFFRE_E_PUBLIC_KEY_INVALID 21
#define COFFRE_E_KEM_CIPHERTEXT_INVALID 22
#define COFFRE_E_SIGNATURE_INVALID 23
#define COFFRE_E_LOG_ROLLBACK 24
#define COFFRE_E_LOG_FORK 25
#define COFFRE_E_LOG_BROKEN_CHAIN 26
#define COFFRE_E_LOG_INVALID 27
#define COFFRE_E_DEVICE_NOT_ENROLLED 28
#define COFFRE_E_ENROLLMENT_EXPIRED 29
#define COFFRE_E_ENROLLMENT_REPLAYED 30
#define COFFRE_E_ENROLLMENT_INVALID 31
#define COFFRE_E_RECOVERY_PHRASE_INVALID 32
#define COFFRE_E_NOT_FOUND 33
#define COFFRE_E_ALREADY_EXISTS 34
#define COFFRE_E_WRAP_INVALID 35
#define COFFRE_E_TRUST_MISMATCH 36
#define COFFRE_E_USER_REFUSED 37
#define COFFRE_E_NOT_A_MEMBER 38
#define COFFRE_E_KEY_VERSION_ROLLBACK 39
#define COFFRE_E_NODE_BINDING_INVALID 40
#define COFFRE_E_RECORD_INVALID 41
#define COFFRE_E_DEVICE_REVOKED 42
#define COFFRE_E_IDENTITY_SUPERSEDED 43
#define COFFRE_E_DEVICE_UNEXPECTED 44
#define COFFRE_E_OPERATION_INCOMPLETE 45
#define COFFRE_E_KDF_COST_EXCEEDED 46
#define COFFRE_E_ARMOR_INVALID 47 /* the CLI's ASCII armor (SPEC 20); this ABI has no armor codec */

#define COFFRE_CONTENT_KEY_BYTES 32
#define COFFRE_DOCUMENT_OVERHEAD 102
#define COFFRE_CHUNK_OVERHEAD 16
#define COFFRE_DEFAULT_CHUNK_SIZE 65536
#define COFFRE_MIN_CHUNK_SIZE 64
#define COFFRE_MAX_CHUNK_SIZE 1048576
#define COFFRE_FILE_HEADER_PREFIX_BYTES 10
#define COFFRE_FILE_HEADER_MAX_BYTES 154
#define COFFRE_KEY_SOURCE_KEY 1
#define COFFRE_KEY_SOURCE_PASSPHRASE 2
/** Argon2id (docs/SPEC.md 5.1): encryption refuses less than these (OWASP's minimum); readers refuse a header asking
 * for more than their limit (COFFRE_E_KDF_COST_EXCEEDED, before Argon2id runs), by default these. */
#define COFFRE_MIN_ENCRYPT_OPSLIMIT 2
#define COFFRE_MIN_ENCRYPT_MEMLIMIT_KIB 19456
#define COFFRE_DEFAULT_MAX_OPSLIMIT 4
#define COFFRE_DEFAULT_MAX_MEMLIMIT_KIB 262144

COFFRE_API int coffre_init(void);

/** The library's version, "MAJOR.MINOR.PATCH" (the headers': COFFRE_VERSION_STRING, coffre/version.h). */
COFFRE_API const char* coffre_version(void);

/** Threads. Every call that takes `threads` reads 0 as this process default: 1 (no thread is ever started) until the
 * application sets another; worker threads start on the first call that asks for more, and only as many as asked.
 * coffre_set_default_threads(coffre_all_cores()) lets every call use all cores. 1 core in WebAssembly. */
COFFRE_API void coffre_set_default_threads(uint32_t threads); /**< 0 is taken as 1 */
COFFRE_API uint32_t coffre_default_threads(void);
COFFRE_API uint32_t coffre_all_cores(void);

COFFRE_API const char* coffre_error_code(int status);    /**< "wrong_key"; "unknown" for a value outside the enum */
COFFRE_API const char* coffre_error_message(int status); /**< one sentence, no secrets */

COFFRE_API size_t coffre_content_key_bytes(void);
COFFRE_API size_t coffre_document_overhead(void);
COFFRE_API size_t coffre_chunk_overhead(void);
COFFRE_API size_t coffre_default_chunk_size(void);
COFFRE_API size_t coffre_min_chunk_size(void);
COFFRE_API size_t coffre_max_chunk_size(void);
COFFRE_API size_t coffre_file_header_prefix_bytes(void);
COFFRE_API size_t coffre_file_header_max_bytes(void);

COFFRE_API void coffre_buffer_free(uint8_t* data, size_t len);

/** Content keys */
typedef struct coffre_key coffre_key;
COFFRE_API int coffre_key_generate(coffre_key** out);
COFFRE_API int coffre_key_from_bytes(const uint8_t* bytes, size_t len, coffre_key** out);
COFFRE_API int coffre_key_export(const coffre_key* key, uint8_t* out, size_t out_len); /**< out_len must be 32 */
COFFRE_API void coffre_key_free(coffre_key* key);

/** Document envelope */
COFFRE_API int coffre_document_seal(const coffre_key* key, const char* object_id, size_t object_id_len,
                                    uint64_t revision, uint32_t key_version, const uint8_t* plaintext,
                                    size_t plaintext_len, uint8_t** out, size_t* out_len);
COFFRE_API int coffre_document_open(const coffre_key* key, const char* object_id, size_t object_id_len,
                                    uint64_t revision, uint32_t key_version, const uint8_t* envelope,
                                    size_t envelope_len, uint8_t** out, size_t* out_len);

/** Data-key wraps under a key-encryption key (docs/SPEC.md section 21), for applications with their own key
 * management: a KEK (32 bytes from the application's KMS or HSM, or generated) wraps the data key (a coffre_key, e.g.
 * a file's) bound to a label (1..COFFRE_DATA_KEY_CONTEXT_MAX_BYTES bytes, its purpose) and a key id (0..max bytes,
 * how the application finds its KEK; NULL with length 0 for none). The wrap is COFFRE_DATA_KEY_WRAP_BYTES bytes.
 * Unwrapping refuses, in this order: a bad label or key id (COFFRE_E_INVALID_ARGUMENT), COFFRE_E_BAD_MAGIC,
 * COFFRE_E_UNSUPPORTED_VERSION, COFFRE_E_TRUNCATED, COFFRE_E_TRAILING_DATA, another KEK (COFFRE_E_WRONG_KEY), another
 * label or key id (COFFRE_E_WRONG_CONTEXT), a modified sealed key (COFFRE_E_WRAP_INVALID). */
#define COFFRE_KEK_BYTES 32
#define COFFRE_DATA_KEY_WRAP_BYTES 125
#define COFFRE_DATA_KEY_CONTEXT_MAX_BYTES 1024
typedef struct coffre_kek coffre_kek;
COFFRE_API size_t coffre_kek_bytes(void);
COFFRE_API size_t coffre_data_key_wrap_bytes(void);
COFFRE_API int coffre_kek_generate(coffre_kek** out); /**< from the system RNG */
COFFRE_API int coffre_kek_from_bytes(const uint8_t* bytes, size_t len, coffre_kek** out); /**< SECRET input, 32 */
COFFRE_API int coffre_kek_export(const coffre_kek* kek, uint8_t* out, size_t out_len);    /**< SECRET, out_len 32 */
COFFRE_API void coffre_kek_free(coffre_kek* kek);
/** out_len must be COFFRE_DATA_KEY_WRAP_BYTES; the nonce comes from the system RNG. */
COFFRE_API int coffre_data_key_wrap(const coffre_kek* kek, const coffre_key* data_key, const char* label,
                                    size_t label_len, const uint8_t* key_id, size_t key_id_len, uint8_t* out,
                                    size_t out_len);
COFFRE_API int coffre_data_key_unwrap(const coffre_kek* kek, const uint8_t* wrapped, size_t wrapped_len,
                                      const char* label, size_t label_len, const uint8_t* key_id, size_t key_id_len,
                                      coffre_key** out);

/** File header inspection: public fields only. opslimit/memlimit_kib are 0 for key_source COFFRE_KEY_SOURCE_KEY. */
COFFRE_API int coffre_file_header_inspect(const uint8_t* bytes, size_t len, size_t* header_size, uint32_t* key_source,
                                          uint32_t* chunk_size, uint32_t* key_version, uint32_t* opslimit,
                                          uint32_t* memlimit_kib);

/** File encryption, streaming. chunk_size = 0: COFFRE_DEFAULT_CHUNK_SIZE. threads = 0: the process default
 * (coffre_set_default_threads). A passphrase must not be empty, and opslimit/memlimit_kib at least COFFRE_MIN_ENCRYPT_* (else
 * COFFRE_E_INVALID_ARGUMENT). Every passphrase (encryption, decryption, range reader) is UTF-8, used in its Unicode
 * NFKD form (docs/SPEC.md 5.1): bytes that are not valid UTF-8 are COFFRE_E_INVALID_ARGUMENT. */
typedef struct coffre_encryptor coffre_encryptor;
COFFRE_API int coffre_encryptor_new(const coffre_key* key, const char* object_id, size_t object_id_len,
                                    uint64_t revision, uint32_t key_version, uint32_t chunk_size, uint32_t threads,
                                    coffre_encryptor** out);
COFFRE_API int coffre_encryptor_new_passphrase(const uint8_t* passphrase, size_t passphrase_len, const char* object_id,
                                               size_t object_id_len, uint64_t revision, uint32_t key_version,
                                               uint32_t opslimit, uint32_t memlimit_kib, uint32_t chunk_size,
                                               uint32_t threads, coffre_encryptor** out);
COFFRE_API size_t coffre_encryptor_max_update_output(const coffre_encryptor* enc, size_t in_len);
COFFRE_API size_t coffre_encryptor_max_finish_output(const coffre_encryptor* enc);
COFFRE_API int coffre_encryptor_update(coffre_encryptor* enc, const uint8_t* in, size_t in_len, uint8_t* out,
                                       size_t out_cap, size_t* out_len);
COFFRE_API int coffre_encryptor_finish(coffre_encryptor* enc, uint8_t* out, size_t out_cap, size_t* out_len);
COFFRE_API void coffre_encryptor_free(coffre_encryptor* enc);

/** File decryption, streaming. Plaintext is released only after its chunk authenticated. max_opslimit and
 * max_memlimit_kib cap the Argon2id cost a header may ask for (0: COFFRE_DEFAULT_MAX_*). */
typedef struct coffre_decryptor coffre_decryptor;
COFFRE_API int coffre_decryptor_new(const coffre_key* key, const char* object_id, size_t object_id_len,
                                    uint64_t revision, uint32_t key_version, uint32_t threads, coffre_decryptor** out);
COFFRE_API int coffre_decryptor_new_passphrase(const uint8_t* passphrase, size_t passphrase_len, const char* object_id,
                                               size_t object_id_len, uint64_t revision, uint32_t key_version,
                                               uint32_t threads, uint32_t max_opslimit, uint32_t max_memlimit_kib,
                                               coffre_decryptor** out);
COFFRE_API size_t coffre_decryptor_max_update_output(const coffre_decryptor* dec, size_t in_len);
COFFRE_API size_t coffre_decryptor_max_finish_output(const coffre_decryptor* dec);
COFFRE_API int coffre_decryptor_update(coffre_decryptor* dec, const uint8_t* in, size_t in_len, uint8_t* out,
                                       size_t out_cap, size_t* out_len);
COFFRE_API int coffre_decryptor_finish(coffre_decryptor* dec, uint8_t* out, size_t out_cap, size_t* out_len);
COFFRE_API int coffre_decryptor_ended_properly(const coffre_decryptor* dec); /**< 1 or 0 */
COFFRE_API void coffre_decryptor_free(coffre_decryptor* dec);

/** Random access (docs/SPEC.md 5.5). The total size the store gives is not trusted: fetch the header and the final
 * chunk (the file offsets coffre_range_reader_final_chunk_range gives), then open the reader, which authenticates
 * both before answering any range. A file cut or extended at a chunk boundary is refused there (COFFRE_E_TRUNCATED,
 * COFFRE_E_CHUNK_DUPLICATED, ...). header: at least the header for final_chunk_range, exactly it for _new. */
typedef struct coffre_range_reader coffre_range_reader;
COFFRE_API int coffre_range_reader_final_chunk_range(const uint8_t* header, size_t header_len, uint64_t ciphertext_size,
                                                     uint64_t* ciphertext_begin, uint64_t* ciphertext_end);
COFFRE_API int coffre_range_reader_new(const uint8_t* header, size_t header_len, uint64_t ciphertext_size,
                                       const uint8_t* final_chunk, size_t final_chunk_len, const coffre_key* key,
                                       const char* object_id, size_t object_id_len, uint64_t revision,
                                       uint32_t key_version, coffre_range_reader** out);
COFFRE_API int coffre_range_reader_new_passphrase(const uint8_t* header, size_t header_len, uint64_t ciphertext_size,
                                                  const uint8_t* final_chunk, size_t final_chunk_len,
                                                  const uint8_t* passphrase, size_t passphrase_len,
                                                  const char* object_id, size_t object_id_len, uint64_t revision,
                                                  uint32_t key_version, uint32_t max_opslimit,
                                                  uint32_t max_memlimit_kib, coffre_range_reader** out);
/** Authenticated (the final chunk opened as the final one). */
COFFRE_API uint64_t coffre_range_reader_plaintext_size(const coffre_range_reader* reader);
COFFRE_API int coffre_range_reader_ciphertext_range(const coffre_range_reader* reader, uint64_t begin, uint64_t end,
                                                    uint64_t* ciphertext_begin, uint64_t* ciphertext_end);
/** out_cap must be at least end - begin. begin > end or end > the plaintext size: COFFRE_E_RANGE_OUT_OF_BOUNDS; an
 * empty range (begin == end) fetches nothing (fetched_len 0) and succeeds. */
COFFRE_API int coffre_range_reader_read(const coffre_range_reader* reader, uint64_t begin, uint64_t end,
                                        const uint8_t* fetched, size_t fetched_len, uint8_t* out, size_t out_cap);
COFFRE_API void coffre_range_reader_free(coffre_range_reader* reader);

/** Recovery phrase (docs/SPEC.md section 13): whether `words` (len bytes of UTF-8, need not be NUL-terminated) is a
 * valid 24-word recovery phrase after normalization (Unicode NFKD, as BIP-39; then ASCII case and ASCII whitespace).
 * COFFRE_OK or COFFRE_E_RECOVERY_PHRASE_INVALID (not UTF-8, a non-ASCII byte left after NFKD, not 24 words, an unknown
 * word or a bad checksum); COFFRE_E_INVALID_ARGUMENT for NULL with len > 0. Keeps nothing. */
COFFRE_API int coffre_recovery_phrase_check(const char* words, size_t len);

/** ---------------------------------------------------------------------------------------------------------------
 * Accounts and devices (docs/SPEC.md sections 9 to 14)
 *
 * - Times (`now`) are uint64 seconds since the Unix epoch, from the caller's clock. Nothing here does I/O: the caller
 *   moves the returned bytes to and from the store.
 * - Fixed-size outputs go to caller buffers whose size must be exactly the matching constant (else
 *   COFFRE_E_INVALID_ARGUMENT); variable-size outputs are library buffers (coffre_buffer_free).
 * - A SAS is written as 6 ASCII digits and a NUL into a caller buffer of at least COFFRE_SAS_BYTES (7).
 * - Lists of log entries are passed as one buffer of concatenated frames: for each entry, its length as a 4-byte
 *   big-endian integer, then its bytes (the `frame` of docs/SPEC.md section 1). Bad framing: COFFRE_E_INVALID_ARGUMENT.
 */
#define COFFRE_DEVICE_ID_BYTES 16
#define COFFRE_USER_ID_BYTES 16
#define COFFRE_SEED_BYTES 32
#define COFFRE_SIGN_PUBLIC_KEY_BYTES 32
#define COFFRE_KEM_PUBLIC_KEY_BYTES 1216
#define COFFRE_LOG_HASH_BYTES 32
#define COFFRE_ROOT_WRAP_BYTES 1197
#define COFFRE_SAS_BYTES 7
#define COFFRE_DEVICE_NAME_MAX_BYTES 64
#define COFFRE_ENROLLMENT_MAX_LIFETIME 600
#define COFFRE_IDENTITY_FINGERPRINT_BYTES 50 /**< 49 characters and a NUL */

COFFRE_API size_t coffre_device_id_bytes(void);
COFFRE_API size_t coffre_user_id_bytes(void);
COFFRE_API size_t coffre_seed_bytes(void);
COFFRE_API size_t coffre_sign_public_key_bytes(void);
COFFRE_API size_t coffre_kem_public_key_bytes(void);
COFFRE_API size_t coffre_log_hash_bytes(void);
COFFRE_API size_t coffre_root_wrap_bytes(void);
COFFRE_API size_t coffre_sas_bytes(void);
COFFRE_API size_t coffre_device_name_max_bytes(void);
COFFRE_API uint64_t coffre_enrollment_max_lifetime(void);
COFFRE_API size_t coffre_identity_fingerprint_bytes(void);

/** A device's own keys (its local state): device id, Ed25519 signing key, X-Wing KEM key. */
typedef struct coffre_device_keys coffre_device_keys;
COFFRE_API int coffre_device_keys_generate(coffre_device_keys** out);
/** From the local state: id (16 bytes), signing seed (32), KEM seed (32). */
COFFRE_API int coffre_device_keys_from_seeds(const uint8_t* id, size_t id_len, const uint8_t* sign_seed,
                                             size_t sign_seed_len, const uint8_t* kem_seed, size_t kem_seed_len,
                                             coffre_device_keys** out);
COFFRE_API int coffre_device_keys_id(const coffre_device_keys* keys, uint8_t* out, size_t out_len); /**< 16 */
COFFRE_API int coffre_device_keys_sign_public_key(const coffre_device_keys* keys, uint8_t* out,
                                                  size_t out_len); /* 32 */
COFFRE_API int coffre_device_keys_kem_public_key(const coffre_device_keys* keys, uint8_t* out,
                                                 size_t out_len); /* 1216 */
/** SECRET: the two seeds, to persist in the device's protected local state. Wipe them after use. */
COFFRE_API int coffre_device_keys_export_secret_seeds(const coffre_device_keys* keys, uint8_t* sign_seed,
                                                      size_t sign_seed_len, uint8_t* kem_seed, size_t kem_seed_len);
COFFRE_API void coffre_device_keys_free(coffre_device_keys* keys);

/** A verified device list (section 10). pinned_hash: NULL (with len 0) on a first fetch, else the 32-byte hash of the
 * pinned head at pinned_seq. genesis_hash: NULL (len 0) or the pinned 32-byte genesis hash. Statuses: log_rollback,
 * log_fork, log_broken_chain, log_invalid, device_revoked (an entry authored by a revoked device),
 * identity_superseded (an entry signed by an identity key a revocation replaced), signature_invalid (in the spec's
 * order). */
typedef struct coffre_log coffre_log;
COFFRE_API int coffre_log_verify(const uint8_t* entries, size_t entries_len, uint64_t pinned_seq,
                                 const uint8_t* pinned_hash, size_t pinned_hash_len, const uint8_t* genesis_hash,
                                 size_t genesis_hash_len, coffre_log** out);
/** The entries after `current`'s head (same framing), verified incrementally; a new handle, `current` unchanged. */
COFFRE_API int coffre_log_verify_appended(const coffre_log* current, const uint8_t* entries, size_t entries_len,
                                          coffre_log** out);
COFFRE_API int coffre_log_user_id(const coffre_log* log, uint8_t* out, size_t out_len);               /**< 16 */
COFFRE_API int coffre_log_head(const coffre_log* log, uint64_t* seq, uint8_t* hash, size_t hash_len); /**< hash: 32 */
COFFRE_API int coffre_log_genesis_hash(const coffre_log* log, uint8_t* out, size_t out_len);          /**< 32 */
COFFRE_API int coffre_log_identity_public_key(const coffre_log* log, uint8_t* out, size_t out_len);   /**< 32 */
/** The identity fingerprint the user confirms on a first fetch (section 9): 40 lowercase hex digits in 10 groups of 4
 * separated by single spaces, and a NUL, into a buffer of at least COFFRE_IDENTITY_FINGERPRINT_BYTES (50). */
COFFRE_API int coffre_log_identity_fingerprint(const coffre_log* log, char* out, size_t out_cap);
COFFRE_API uint32_t coffre_log_identity_generation(const coffre_log* log); /**< 0 for NULL */
COFFRE_API uint32_t coffre_log_suite_version(const coffre_log* log);
COFFRE_API uint32_t coffre_log_root_epoch(const coffre_log* log);
/** 1216, current */
COFFRE_API int coffre_log_suite_public_key(const coffre_log* log, uint8_t* out, size_t out_len);
COFFRE_API int coffre_log_recovery_public_key(const coffre_log* log, uint8_t* out, size_t out_len); /**< 1216 */
/** The recovery signing key the genesis records: it authors the add-device entry of a recovery enrollment. */
COFFRE_API int coffre_log_recovery_sign_public_key(const coffre_log* log, uint8_t* out, size_t out_len); /**< 32 */
/** The identity keys a revocation replaced (generations before the current one, oldest first; index < count). An
 * entry, record or signature under one of them is a revoked device's or older than the revocation. */
COFFRE_API size_t coffre_log_superseded_identity_count(const coffre_log* log);
COFFRE_API int coffre_log_superseded_identity(const coffre_log* log, size_t index, uint8_t* out,
                                              size_t out_len); /* 32 */
/** Enrolled devices, in the order they were added (index < count, else COFFRE_E_INVALID_ARGUMENT). */
COFFRE_API size_t coffre_log_device_count(const coffre_log* log);
COFFRE_API int coffre_log_device_id(const coffre_log* log, size_t index, uint8_t* out, size_t out_len); /**< 16 */
COFFRE_API int coffre_log_device_sign_public_key(const coffre_log* log, size_t index, uint8_t* out,
                                                 size_t out_len); /* 32 */
COFFRE_API int coffre_log_device_name(const coffre_log* log, size_t index, uint8_t** out,
                                      size_t* out_len); /* UTF-8, no NUL */
COFFRE_API int coffre_log_device_kem_public_key(const coffre_log* log, size_t index, uint8_t* out,
                                                size_t out_len); /* 1216 */
COFFRE_API int coffre_log_device_transcript_hash(const coffre_log* log, size_t index, uint8_t* out,
                                                 size_t out_len); /* 32 */
/** Revoked devices, in the order they were revoked. */
COFFRE_API size_t coffre_log_revoked_count(const coffre_log* log);
COFFRE_API int coffre_log_revoked_id(const coffre_log* log, size_t index, uint8_t* out, size_t out_len); /**< 16 */
/** 1 if `id` (16 bytes) is an enrolled device of the log, else 0. */
COFFRE_API int coffre_log_contains(const coffre_log* log, const uint8_t* id, size_t id_len);
COFFRE_API void coffre_log_free(coffre_log* log);

/** Request ids an enrolled device has answered (section 12), to persist with its local state: export gives 24-byte
 * records (request id[16] || u64 big-endian expiry), import takes them back. */
typedef struct coffre_used_requests coffre_used_requests;
COFFRE_API int coffre_used_requests_new(coffre_used_requests** out);
COFFRE_API int coffre_used_requests_import(const uint8_t* records, size_t len, coffre_used_requests** out);
COFFRE_API int coffre_used_requests_export(const coffre_used_requests* used, uint8_t** out, size_t* out_len);
COFFRE_API int coffre_used_requests_prune(coffre_used_requests* used, uint64_t now); /**< forgets expired ids */
COFFRE_API size_t coffre_used_requests_count(const coffre_used_requests* used);
COFFRE_API void coffre_used_requests_free(coffre_used_requests* used);

/** The new device's side of an enrollment. lifetime: seconds, 1..600; 0 means 600. */
typedef struct coffre_enrollment_requester coffre_enrollment_requester;
COFFRE_API int coffre_enrollment_requester_start(const coffre_device_keys* device, const char* name, size_t name_len,
                                                 uint64_t now, uint64_t lifetime, coffre_enrollment_requester** out);
COFFRE_API int coffre_enrollment_requester_request(const coffre_enrollment_requester* r, uint8_t** out,
                                                   size_t* out_len);
/** E's response, against the log verified after it arrived: the reveal to send, and the SAS to show. */
COFFRE_API int coffre_enrollment_requester_on_response(coffre_enrollment_requester* r, const uint8_t* response,
                                                       size_t response_len, const coffre_log* log, uint64_t now,
                                                       uint8_t** reveal, size_t* reveal_len, char* sas, size_t sas_cap);
/** After approval: COFFRE_OK if `log` holds this device exactly as requested (device_not_enrolled, enrollment_invalid). */
COFFRE_API int coffre_enrollment_requester_check_enrolled(const coffre_enrollment_requester* r, const coffre_log* log);
COFFRE_API void coffre_enrollment_requester_free(coffre_enrollment_requester* r);

/** The enrolled device's side. On success the request id is recorded in `used`. */
typedef struct coffre_enrollment_approver coffre_enrollment_approver;
COFFRE_API int coffre_enrollment_approver_on_request(const uint8_t* request, size_t request_len,
                                                     const coffre_device_keys* own, const coffre_log* log, uint64_t now,
                                                     coffre_used_requests* used, coffre_enrollment_approver** out);
COFFRE_API int coffre_enrollment_approver_response(const coffre_enrollment_approver* a, uint8_t** out, size_t* out_len);
/** The requester's name as its request gives it (to show next to the SAS). */
COFFRE_API int coffre_enrollment_approver_requester_name(const coffre_enrollment_approver* a, uint8_t** out,
                                                         size_t* out_len);
COFFRE_API int coffre_enrollment_approver_on_reveal(coffre_enrollment_approver* a, const uint8_t* reveal,
                                                    size_t reveal_len, uint64_t now, char* sas, size_t sas_cap);
COFFRE_API void coffre_enrollment_approver_free(coffre_enrollment_approver* a);

/** A completed exchange checked without either side's state (a third party, a test vector): the three messages are
 * well formed and belong together (one request id, the nonce opens the commitment) and the reveal's proof of
 * possession verifies over the transcript. Gives the transcript hash (32 bytes) and the SAS. Statuses:
 * enrollment_invalid, signature_invalid. The response's signature, the log head and the times are not checked. */
COFFRE_API int coffre_enrollment_transcript(const uint8_t* request, size_t request_len, const uint8_t* response,
                                            size_t response_len, const uint8_t* reveal, size_t reveal_len,
                                            uint8_t* transcript_hash, size_t transcript_hash_len, char* sas,
                                            size_t sas_cap);

/** Account secrets and root keys (section 11). */
typedef struct coffre_root_key coffre_root_key;
typedef struct coffre_account_secrets coffre_account_secrets;
/** Opens the root wrap addressed to `device` for the log's user and current root epoch (wrap_invalid). */
COFFRE_API int coffre_root_key_unwrap(const coffre_device_keys* device, const coffre_log* log, const uint8_t* wrap,
                                      size_t wrap_len, coffre_root_key** out);
COFFRE_API uint32_t coffre_root_key_epoch(const coffre_root_key* root);
COFFRE_API void coffre_root_key_free(coffre_root_key* root);
/** Opens the sealed state of root's epoch and checks it against `log` (wrap_invalid). */
COFFRE_API int coffre_account_state_open(const coffre_root_key* root, const coffre_log* log, const uint8_t* sealed,
                                         size_t sealed_len, coffre_account_secrets** out);
/** 0 for NULL */
COFFRE_API uint32_t coffre_account_secrets_identity_generation(const coffre_account_secrets* secrets);
COFFRE_API void coffre_account_secrets_free(coffre_account_secrets* secrets);

typedef struct coffre_recovery_phrase coffre_recovery_phrase;

/** A new account with `device` as its first device, recoverable with `phrase` (the genesis records the phrase's
 * public key and its MAC of the genesis keys, section 13): the genesis entry, the sealed state of epoch 1, the root
 * wraps to the device and to the recovery key (all four to upload), and the secrets and root key for this device. */
COFFRE_API int coffre_account_create(const coffre_device_keys* device, const char* name, size_t name_len,
                                     const coffre_recovery_phrase* phrase, uint8_t** genesis, size_t* genesis_len,
                                     uint8_t** sealed_state, size_t* sealed_state_len, uint8_t** device_wrap,
                                     size_t* device_wrap_len, uint8_t** recovery_wrap, size_t* recovery_wrap_len,
                                     coffre_account_secrets** secrets, coffre_root_key** root);

/** After the user confirmed equal SAS on both devices: the add-device entry (append after log's head), authored and
 * co-signed by `own`, the device that answered the request, and the root wrap to the new device. Statuses:
 * bad_state (before a successful on_reveal), invalid_argument (`own` is not the device that answered, `root` is not
 * of the log's epoch, `secrets` are not the log's), device_revoked / device_not_enrolled (`own` is no longer
 * enrolled), already_exists (the device was added in the meantime). */
COFFRE_API int coffre_enrollment_approve(const coffre_enrollment_approver* a, const coffre_log* log,
                                         const coffre_account_secrets* secrets, const coffre_root_key* root,
                                         const coffre_device_keys* own, uint8_t** entry, size_t* entry_len,
                                         uint8_t** wrap, size_t* wrap_len);

/** Revoking a device (section 14). The revoke entry also replaces the identity key (generation + 1), the suite key
 * (version + 1) and the root epoch (+ 1); `own`, the revoking device, authors it. The plan holds everything the
 * revoking device uploads: the entry, the sealed state of the new epoch and its root wraps (to every remaining device
 * in log order, then to the recovery key, recipient ff..ff), and, for this device, the verified log after the entry
 * (pin its head once the store accepted it), the new root key and the new secrets (new handles, copies; publish a new
 * directory record with them and the old secrets as `previous`: coffre_directory_record_make). Statuses of
 * coffre_revocation_plan: device_not_enrolled (`device_id` or `own` is not an enrolled device of `log`),
 * device_revoked (`own` was revoked), wrap_invalid (`secrets` are not this log's), invalid_argument (`own` is the
 * revoked device, a generation, version or epoch would overflow, or an id that is not 16 bytes). */
typedef struct coffre_revocation coffre_revocation;
COFFRE_API int coffre_revocation_plan(const coffre_log* log, const coffre_account_secrets* secrets,
                                      const coffre_device_keys* own, const uint8_t* device_id, size_t device_id_len,
                                      coffre_revocation** out);
COFFRE_API int coffre_revocation_entry(const coffre_revocation* plan, uint8_t** out, size_t* out_len);
COFFRE_API int coffre_revocation_sealed_state(const coffre_revocation* plan, uint8_t** out, size_t* out_len);
COFFRE_API size_t coffre_revocation_wrap_count(const coffre_revocation* plan);
/** Wrap `index` (< count): its recipient id (16 bytes) and its bytes (COFFRE_ROOT_WRAP_BYTES). */
COFFRE_API int coffre_revocation_wrap(const coffre_revocation* plan, size_t index, uint8_t* recipient_id,
                                      size_t recipient_id_len, uint8_t* wrap, size_t wrap_len);
COFFRE_API int coffre_revocation_log(const coffre_revocation* plan, coffre_log** out);
COFFRE_API int coffre_revocation_root_key(const coffre_revocation* plan, coffre_root_key** out);
COFFRE_API int coffre_revocation_secrets(const coffre_revocation* plan, coffre_account_secrets** out);
COFFRE_API void coffre_revocation_free(coffre_revocation* plan);

/** Recovery phrase (section 13). words: NUL-free UTF-8 of `len` bytes; the phrase is a secret. */
COFFRE_API int coffre_recovery_phrase_generate(coffre_recovery_phrase** out);
COFFRE_API int coffre_recovery_phrase_from_words(const char* words, size_t len, coffre_recovery_phrase** out);
/** SECRET: the 24 words, single spaces, no NUL. */
COFFRE_API int coffre_recovery_phrase_words(const coffre_recovery_phrase* phrase, uint8_t** out, size_t* out_len);
COFFRE_API int coffre_recovery_phrase_kem_public_key(const coffre_recovery_phrase* phrase, uint8_t* out,
                                                     size_t out_len);
/** The recovery signing key's public key (32 bytes; coffre_log_recovery_sign_public_key of the phrase's account). */
COFFRE_API int coffre_recovery_phrase_sign_public_key(const coffre_recovery_phrase* phrase, uint8_t* out,
                                                      size_t out_len);
/** Opens the recovery key's root wrap for the log's user and current epoch, after checking that the log's genesis is
 * the phrase's account: COFFRE_E_WRAP_INVALID if its recovery public key is another phrase's, COFFRE_E_LOG_FORK if
 * its recovery MAC is not the phrase's (a genesis forged by the store). */
COFFRE_API int coffre_root_key_unwrap_recovery(const coffre_recovery_phrase* phrase, const coffre_log* log,
                                               const uint8_t* wrap, size_t wrap_len, coffre_root_key** out);
/** Enrolls `device` (named `name`) with the recovery phrase, all devices being lost (section 13): the add-device
 * entry, authored and co-signed by the recovery key (author ff..ff), to append after the log's head, and the root
 * wrap to the device. `root` and `secrets`: from coffre_root_key_unwrap_recovery and coffre_account_state_open on
 * `log`. Statuses: wrap_invalid / log_fork (the phrase is not the log's account, as for unwrap_recovery),
 * invalid_argument (`root` is not of the log's epoch, `secrets` are not the log's, a name over 64 bytes or not
 * UTF-8), already_exists (this device id was added before). */
COFFRE_API int coffre_recovery_enroll(const coffre_recovery_phrase* phrase, const coffre_log* log,
                                      const coffre_account_secrets* secrets, const coffre_root_key* root,
                                      const coffre_device_keys* device, const char* name, size_t name_len,
                                      uint8_t** entry, size_t* entry_len, uint8_t** wrap, size_t* wrap_len);
COFFRE_API void coffre_recovery_phrase_free(coffre_recovery_phrase* phrase);

/** ---------------------------------------------------------------------------------------------------------------
 * Sharing (docs/SPEC.md section 16), key directory and trust (section 17), Drive trees (section 18)
 *
 * - User, document and node ids are 16-byte buffers. "me" is a user id with its coffre_account_secrets.
 * - A coffre_trusted_contact is whom to wrap to (user, suite key and version) and whose signatures to accept (user,
 *   identity key and generation): from coffre_trust_store_check_sharable for a contact, coffre_trusted_contact_self
 *   for the client's own account. Nothing else makes one, so a store cannot hand a key of its choosing.
 * - A content key handle (coffre_key) carries no version: the functions below take the version from the access list,
 *   or as a parameter.
 * - A list of records (access-list members, wraps, node records) passed in one buffer uses the frames of the
 *   "Accounts and devices" section; fixed-size items (user ids, wraps) are simply concatenated.
 */
#define COFFRE_DOCUMENT_ID_BYTES 16
#define COFFRE_CONTENT_WRAP_BYTES 1314
#define COFFRE_ACCESS_LIST_BASE_BYTES 122 /**< an access list is 122 + 16 * members bytes */
#define COFFRE_ACCESS_LIST_MAX_MEMBERS 4096
#define COFFRE_DIRECTORY_RECORD_BYTES 1445
#define COFFRE_SAFETY_NUMBER_DIGITS 60
#define COFFRE_SAFETY_NUMBER_BYTES 72 /**< 12 groups of 5 digits, 11 spaces and a NUL */
#define COFFRE_NODE_ID_BYTES 16
#define COFFRE_NODE_KEY_BYTES 32
#define COFFRE_NAME_HASH_BYTES 32
#define COFFRE_NODE_NAME_MAX_BYTES 255
#define COFFRE_MEDIA_TYPE_MAX_BYTES 255
#define COFFRE_NODE_RECORD_MIN_BYTES 222
#define COFFRE_NODE_RECORD_MAX_BYTES 734
#define COFFRE_DRIVE_OBJECT_ID_BYTES 45 /**< "coffre-drive/" and 32 hex digits, no NUL */

#define COFFRE_PURPOSE_DOCUMENT 1
#define COFFRE_PURPOSE_FILE 2
#define COFFRE_PURPOSE_DRIVE_NODE 3
#define COFFRE_TRUST_UNKNOWN 1
#define COFFRE_TRUST_VERIFIED 2
#define COFFRE_TRUST_REFUSED 3
#define COFFRE_OBSERVED_PINNED_FIRST 1
#define COFFRE_OBSERVED_FOLLOWED 2
#define COFFRE_OBSERVED_UNCHANGED 3
#define COFFRE_NODE_FOLDER 1
#define COFFRE_NODE_FILE 2

COFFRE_API size_t coffre_document_id_bytes(void);
COFFRE_API size_t coffre_content_wrap_bytes(void);
COFFRE_API size_t coffre_access_list_base_bytes(void);
COFFRE_API size_t coffre_access_list_max_members(void);
COFFRE_API size_t coffre_directory_record_bytes(void);
COFFRE_API size_t coffre_safety_number_digits(void);
COFFRE_API size_t coffre_safety_number_bytes(void);
COFFRE_API size_t coffre_node_id_bytes(void);
COFFRE_API size_t coffre_node_key_bytes(void);
COFFRE_API size_t coffre_name_hash_bytes(void);
COFFRE_API size_t coffre_node_name_max_bytes(void);
COFFRE_API size_t coffre_media_type_max_bytes(void);
COFFRE_API size_t coffre_node_record_min_bytes(void);
COFFRE_API size_t coffre_node_record_max_bytes(void);
COFFRE_API size_t coffre_drive_object_id_bytes(void);

/** FOR TESTS AND VECTORS ONLY. Account secrets from their seeds: the identity signing seed (32) with its generation
 * (>= 1), and the suite-key seeds of versions 1..n concatenated (n * 32 bytes, n >= 1). SECRET inputs: wipe them after
 * use. No flow of the suite needs it, and nothing checks such secrets against a device list: an account's secrets
 * come from coffre_account_create, coffre_account_state_open (an enrolled device, any epoch whose root key it holds)
 * and coffre_revocation_secrets, and no secret key is exported. */
COFFRE_API int coffre_account_secrets_from_seeds(const uint8_t* identity_seed, size_t identity_seed_len,
                                                 uint32_t generation, const uint8_t* suite_seeds,
                                                 size_t suite_seeds_len, coffre_account_secrets** out);
/** A new account's secrets (generation 1, suite version 1): for tests and benchmarks. */
COFFRE_API int coffre_account_secrets_generate(coffre_account_secrets** out);

/** Directory records (section 17). make: `me`'s record created at `created` (Unix seconds). `previous`: NULL for
 * generation 1; above it, the account secrets that the last revocation replaced, whose identity key signs the record
 * too (continuity): those passed to coffre_revocation_plan, or on another device those of the previous epoch
 * (coffre_account_state_open against the log as it was before the revocation). No secret key leaves the library.
 * COFFRE_E_INVALID_ARGUMENT, in this order: `previous` is NULL above generation 1 or given for generation 1;
 * `previous` is not of generation - 1 (the same generation, an older or a newer one); `previous` is another
 * account's (its suite keys are not the first suite keys of `secrets`).
 * verify: a record served by the store, checked alone (record_invalid, public_key_invalid, signature_invalid). */
typedef struct coffre_directory_record coffre_directory_record;
COFFRE_API int coffre_directory_record_make(const uint8_t* user_id, size_t user_id_len,
                                            const coffre_account_secrets* secrets, uint64_t created,
                                            const coffre_account_secrets* previous, coffre_directory_record** out);
COFFRE_API int coffre_directory_record_verify(const uint8_t* bytes, size_t len, coffre_directory_record** out);
/** Whether the record states exactly the identity key and generation, suite key and version of `log`, the user's
 * verified device list (section 17): COFFRE_OK; key_version_rollback if the record is older than the log;
 * record_invalid for another user or any other key (a record no device of the account made after the log's last
 * revocation: a revoked device signing with the identity key it kept). Check a contact's record against its log
 * before coffre_trust_store_observe when the log is at hand. */
COFFRE_API int coffre_directory_record_check_log(const coffre_directory_record* r, const coffre_log* log);
COFFRE_API int coffre_directory_record_export(const coffre_directory_record* r, uint8_t* out,
                                              size_t out_len); /* 1445 */
/** 16 */
COFFRE_API int coffre_directory_record_user_id(const coffre_directory_record* r, uint8_t* out, size_t out_len);
COFFRE_API uint32_t coffre_directory_record_identity_generation(const coffre_directory_record* r); /**< 0: NULL */
COFFRE_API int coffre_directory_record_identity_public_key(const coffre_directory_record* r, uint8_t* out,
                                                           size_t out_len); /* 32 */
COFFRE_API uint32_t coffre_directory_record_suite_version(const coffre_directory_record* r);
COFFRE_API int coffre_directory_record_suite_public_key(const coffre_directory_record* r, uint8_t* out,
                                                        size_t out_len); /* 1216 */
COFFRE_API uint64_t coffre_directory_record_created(const coffre_directory_record* r);
/** The identity key of generation - 1; COFFRE_E_NOT_FOUND for generation 1. */
COFFRE_API int coffre_directory_record_previous_identity_public_key(const coffre_directory_record* r, uint8_t* out,
                                                                    size_t out_len); /* 32 */
/** The safety number of two records' users (section 17.2), as text (12 groups of 5 digits) into a buffer of at least
 * COFFRE_SAFETY_NUMBER_BYTES; invalid_argument if both have the same user id. */
COFFRE_API int coffre_safety_number_of_records(const coffre_directory_record* a, const coffre_directory_record* b,
                                               char* out, size_t out_cap);
COFFRE_API void coffre_directory_record_free(coffre_directory_record* r);

/** A trusted contact (see above). */
typedef struct coffre_trusted_contact coffre_trusted_contact;
/** The client's own identity and current suite key (for self-wraps, its own access lists and safety numbers). */
COFFRE_API int coffre_trusted_contact_self(const uint8_t* user_id, size_t user_id_len,
                                           const coffre_account_secrets* secrets, coffre_trusted_contact** out);
/** A contact from keys the caller trusts by its own means (trust decisions kept elsewhere, test vectors): it bypasses
 * the trust store, so only for keys authenticated otherwise. identity_pk: 32 bytes, generation >= 1. suite_pk: the
 * 1216-byte suite key of suite_version >= 1, or NULL (len 0, version 0) for a contact whose signatures are accepted
 * but who cannot be wrapped to (wrapping to it: COFFRE_E_INVALID_ARGUMENT). */
COFFRE_API int coffre_trusted_contact_from_keys(const uint8_t* user_id, size_t user_id_len, const uint8_t* identity_pk,
                                                size_t identity_pk_len, uint32_t generation, uint32_t suite_version,
                                                const uint8_t* suite_pk, size_t suite_pk_len,
                                                coffre_trusted_contact** out);
COFFRE_API int coffre_trusted_contact_user_id(const coffre_trusted_contact* c, uint8_t* out, size_t out_len); /**< 16 */
COFFRE_API int coffre_trusted_contact_identity_public_key(const coffre_trusted_contact* c, uint8_t* out,
                                                          size_t out_len); /* 32 */
COFFRE_API uint32_t coffre_trusted_contact_identity_generation(const coffre_trusted_contact* c);
/** 0: cannot be wrapped to */
COFFRE_API uint32_t coffre_trusted_contact_suite_version(const coffre_trusted_contact* c);
/** COFFRE_E_NOT_FOUND for a contact without a suite key. */
COFFRE_API int coffre_trusted_contact_suite_public_key(const coffre_trusted_contact* c, uint8_t* out,
                                                       size_t out_len); /* 1216 */
/** The safety number of two contacts (section 17.2; e.g. TrustedContact self and a contact) as text, and the check of
 * a number the user typed against it: COFFRE_OK if equal, COFFRE_E_TRUST_MISMATCH if not, COFFRE_E_INVALID_ARGUMENT
 * unless 60 digits remain once spaces, tabs and hyphens are dropped (or a and b have the same user id). */
COFFRE_API int coffre_safety_number(const coffre_trusted_contact* a, const coffre_trusted_contact* b, char* out,
                                    size_t out_cap);
COFFRE_API int coffre_safety_number_check(const coffre_trusted_contact* a, const coffre_trusted_contact* b,
                                          const char* typed, size_t typed_len);
COFFRE_API void coffre_trusted_contact_free(coffre_trusted_contact* c);

/** The trust store (section 17.1): local state, persisted with encode after every change. Not thread-safe. */
typedef struct coffre_trust_store coffre_trust_store;
COFFRE_API int coffre_trust_store_new(coffre_trust_store** out);
COFFRE_API int coffre_trust_store_parse(const uint8_t* bytes, size_t len,
                                        coffre_trust_store** out); /* record_invalid */
COFFRE_API int coffre_trust_store_encode(const coffre_trust_store* store, uint8_t** out, size_t* out_len);
/** *observation: COFFRE_OBSERVED_* (followed: a newer suite version under the pinned identity key). Statuses:
 * user_refused, trust_mismatch (now pending: another suite key of the same version, or any identity change, even one
 * the pinned identity key signed, since a revoked device keeps that key), key_version_rollback. */
COFFRE_API int coffre_trust_store_observe(coffre_trust_store* store, const coffre_directory_record* record,
                                          uint32_t* observation);
/** not_found, user_refused, trust_mismatch (a pending record waits for the user's decision). */
COFFRE_API int coffre_trust_store_check_sharable(const coffre_trust_store* store, const uint8_t* user_id,
                                                 size_t user_id_len, coffre_trusted_contact** out);
/** The number to show for `user_id` (of its pending record if any), `me` from coffre_trusted_contact_self. */
COFFRE_API int coffre_trust_store_safety_number(const coffre_trust_store* store, const uint8_t* user_id,
                                                size_t user_id_len, const coffre_trusted_contact* me, char* out,
                                                size_t out_cap);
/** A typed number (spaces, tabs and hyphens ignored; invalid_argument unless 60 digits remain): equal, the contact is
 * verified and its pending record pinned; different: trust_mismatch. */
COFFRE_API int coffre_trust_store_verify(coffre_trust_store* store, const uint8_t* user_id, size_t user_id_len,
                                         const char* typed, size_t typed_len, const coffre_trusted_contact* me);
COFFRE_API int coffre_trust_store_refuse(coffre_trust_store* store, const uint8_t* user_id, size_t user_id_len);
/** Contacts in user-id order (index < count): state COFFRE_TRUST_*, has_pending 0 or 1. */
COFFRE_API size_t coffre_trust_store_count(const coffre_trust_store* store);
COFFRE_API int coffre_trust_store_contact(const coffre_trust_store* store, size_t index, uint8_t* user_id,
                                          size_t user_id_len, uint32_t* state, int* has_pending);
/** A new handle on the pinned (or pending: COFFRE_E_NOT_FOUND if none) record of contact `index`. */
COFFRE_API int coffre_trust_store_pinned_record(const coffre_trust_store* store, size_t index,
                                                coffre_directory_record** out);
COFFRE_API int coffre_trust_store_pending_record(const coffre_trust_store* store, size_t index,
                                                 coffre_directory_record** out);
COFFRE_API void coffre_trust_store_free(coffre_trust_store* store);

/** Access lists (section 16.1). members: n concatenated 16-byte user ids, any order (the owner is added). */
typedef struct coffre_access_list coffre_access_list;
COFFRE_API int coffre_access_list_make(const uint8_t* owner_user_id, size_t owner_user_id_len,
                                       const coffre_account_secrets* owner_secrets, const uint8_t* document_id,
                                       size_t document_id_len, uint32_t purpose, uint32_t key_version,
                                       uint64_t revision, const uint8_t* members, size_t members_len,
                                       coffre_access_list** out);
/** The next list (revision + 1, same key version) with `added` members too. */
COFFRE_API int coffre_access_list_add_members(const coffre_account_secrets* owner_secrets,
                                              const coffre_access_list* current, const uint8_t* added, size_t added_len,
                                              coffre_access_list** out);
/** Removing members (16.3): a new content key (version current + 1, the new list's) and its list. */
COFFRE_API int coffre_access_list_rotate(const coffre_account_secrets* owner_secrets, const coffre_access_list* current,
                                         const uint8_t* removed, size_t removed_len, coffre_key** out_key,
                                         coffre_access_list** out_list);
/** A list served by the store for (owner's user id, document_id, purpose), with the owner's trusted identity, in the
 * spec's order (record_invalid, wrong_context, trust_mismatch, signature_invalid, key_version_rollback). has_pin 0:
 * no pin (reading old content: then check the key version); else the pinned (revision, key_version). */
COFFRE_API int coffre_access_list_open(const uint8_t* bytes, size_t len, const coffre_trusted_contact* owner,
                                       const uint8_t* document_id, size_t document_id_len, uint32_t purpose,
                                       int has_pin, uint64_t pin_revision, uint32_t pin_key_version,
                                       coffre_access_list** out);
COFFRE_API int coffre_access_list_bytes(const coffre_access_list* list, uint8_t** out, size_t* out_len);
/** 16 */
COFFRE_API int coffre_access_list_owner_user_id(const coffre_access_list* list, uint8_t* out, size_t out_len);
/** 16 */
COFFRE_API int coffre_access_list_document_id(const coffre_access_list* list, uint8_t* out, size_t out_len);
COFFRE_API uint32_t coffre_access_list_purpose(const coffre_access_list* list); /**< 0: NULL */
COFFRE_API uint32_t coffre_access_list_owner_identity_generation(const coffre_access_list* list);
COFFRE_API uint32_t coffre_access_list_key_version(const coffre_access_list* list);
COFFRE_API uint64_t coffre_access_list_revision(const coffre_access_list* list); /**< with key_version: what to pin */
COFFRE_API size_t coffre_access_list_member_count(const coffre_access_list* list);
COFFRE_API int coffre_access_list_member(const coffre_access_list* list, size_t index, uint8_t* out,
                                         size_t out_len); /* 16 */
COFFRE_API int coffre_access_list_is_member(const coffre_access_list* list, const uint8_t* user_id,
                                            size_t user_id_len); /* 1/0 */
COFFRE_API void coffre_access_list_free(coffre_access_list* list);

/** Content-key wraps (section 16.2). The key is of the list's key version. not_a_member (sender or recipient),
 * public_key_invalid. out: exactly COFFRE_CONTENT_WRAP_BYTES. */
COFFRE_API int coffre_wrap_content_key(const uint8_t* sender_user_id, size_t sender_user_id_len,
                                       const coffre_account_secrets* sender_secrets,
                                       const coffre_trusted_contact* recipient, const coffre_access_list* access,
                                       const coffre_key* key, uint8_t* out, size_t out_len);
/** The same to n recipients on up to `threads` threads (0: the process default): n wraps concatenated
 * (n * 1314 bytes) in recipient order; fails as a whole with the first recipient's error. */
COFFRE_API int coffre_wrap_content_key_to_many(const uint8_t* sender_user_id, size_t sender_user_id_len,
                                               const coffre_account_secrets* sender_secrets,
                                               const coffre_trusted_contact* const* recipients, size_t recipient_count,
                                               const coffre_access_list* access, const coffre_key* key,
                                               uint32_t threads, uint8_t** out, size_t* out_len);
/** The sender a wrap names (not authenticated yet): to look up its trusted contact. wrap_invalid. */
COFFRE_API int coffre_wrap_sender(const uint8_t* wrap, size_t wrap_len, uint8_t* out, size_t out_len); /**< 16 */
/** The content key in `wrap` for `me`, under an opened access list and the sender's trusted contact (wrap_invalid,
 * wrong_context, not_a_member, trust_mismatch, signature_invalid, wrap_invalid). *key_version: the key's version. */
COFFRE_API int coffre_wrap_open(const uint8_t* wrap, size_t wrap_len, const uint8_t* me_user_id, size_t me_user_id_len,
                                const coffre_account_secrets* my_secrets, const coffre_access_list* access,
                                const coffre_trusted_contact* sender, coffre_key** out, uint32_t* key_version);

/** Re-encryption (16.3): the document envelope sealed under old_key (context: object_id, old_revision,
 * old_key_version) sealed again under current_key (version current_key_version > old_key_version), same object id,
 * revision new_revision. */
COFFRE_API int coffre_reencrypt_document(const uint8_t* envelope, size_t envelope_len, const coffre_key* old_key,
                                         const char* object_id, size_t object_id_len, uint64_t old_revision,
                                         uint32_t old_key_version, const coffre_key* current_key,
                                         uint32_t current_key_version, uint64_t new_revision, uint8_t** out,
                                         size_t* out_len);

/** Drive node keys (section 18): the root's key (and a shared folder's) is a content key of purpose drive node. */
typedef struct coffre_node_key coffre_node_key;
COFFRE_API int coffre_node_key_generate(coffre_node_key** out);
COFFRE_API int coffre_node_key_from_bytes(const uint8_t* bytes, size_t len,
                                          coffre_node_key** out); /* SECRET input, 32 */
COFFRE_API int coffre_node_key_from_content_key(const coffre_key* key, coffre_node_key** out);
COFFRE_API int coffre_node_key_to_content_key(const coffre_node_key* key, coffre_key** out);
COFFRE_API void coffre_node_key_free(coffre_node_key* key);

/** A node record for node_id under parent_id (kind COFFRE_NODE_*). name: 1..255 bytes of UTF-8; media_type: 0..255
 * printable ASCII; size and revision 0 for a folder. invalid_argument for what a reader would refuse. */
COFFRE_API int coffre_node_record_make(const uint8_t* parent_id, size_t parent_id_len,
                                       const coffre_node_key* parent_key, uint32_t kind, const uint8_t* node_id,
                                       size_t node_id_len, const coffre_node_key* node_key, const char* name,
                                       size_t name_len, uint64_t size, uint64_t revision, const char* media_type,
                                       size_t media_type_len, uint64_t created, uint64_t modified, uint8_t** out,
                                       size_t* out_len);
/** An opened node: every field authenticated as a child of the parent it was opened under. */
typedef struct coffre_node coffre_node;
/** record_invalid, node_binding_invalid (another parent, swapped, modified, renamed by the store). */
COFFRE_API int coffre_node_record_open(const uint8_t* parent_id, size_t parent_id_len,
                                       const coffre_node_key* parent_key, const uint8_t* record, size_t record_len,
                                       coffre_node** out);
/** Moving and/or renaming: a new record of the same node under new_parent_id with new_name. */
COFFRE_API int coffre_node_record_move(const coffre_node* node, const uint8_t* new_parent_id, size_t new_parent_id_len,
                                       const coffre_node_key* new_parent_key, const char* new_name, size_t new_name_len,
                                       uint8_t** out, size_t* out_len);
COFFRE_API int coffre_node_id(const coffre_node* node, uint8_t* out, size_t out_len);           /**< 16 */
COFFRE_API int coffre_node_parent_id(const coffre_node* node, uint8_t* out, size_t out_len);    /**< 16 */
COFFRE_API uint32_t coffre_node_kind(const coffre_node* node);                                  /**< 0: NULL */
COFFRE_API int coffre_node_name_hash(const coffre_node* node, uint8_t* out, size_t out_len);    /**< 32 */
COFFRE_API int coffre_node_name(const coffre_node* node, uint8_t** out, size_t* out_len);       /**< UTF-8, no NUL */
COFFRE_API int coffre_node_media_type(const coffre_node* node, uint8_t** out, size_t* out_len); /**< ASCII, no NUL */
COFFRE_API uint64_t coffre_node_size(const coffre_node* node);
COFFRE_API uint64_t coffre_node_revision(const coffre_node* node);
COFFRE_API uint64_t coffre_node_created(const coffre_node* node);
COFFRE_API uint64_t coffre_node_modified(const coffre_node* node);
/** a new handle on the node's key */
COFFRE_API int coffre_node_key_of(const coffre_node* node, coffre_node_key** out);
COFFRE_API void coffre_node_free(coffre_node* node);

/** Every record of a folder (frames, as the store served them) opened on up to `threads` threads (0: the process default):
 * the error of the first failing record by position, then node_binding_invalid for a duplicate node id or name hash.
 * Nodes in the order given; coffre_folder_listing_node borrows (valid until the listing is freed). */
typedef struct coffre_folder_listing coffre_folder_listing;
COFFRE_API int coffre_folder_list(const uint8_t* parent_id, size_t parent_id_len, const coffre_node_key* parent_key,
                                  const uint8_t* records, size_t records_len, uint32_t threads,
                                  coffre_folder_listing** out);
COFFRE_API size_t coffre_folder_listing_count(const coffre_folder_listing* listing);
COFFRE_API const coffre_node* coffre_folder_listing_node(const coffre_folder_listing* listing,
                                                         size_t index); /* NULL: bad index */
/** Moves node `index` out into a handle of its own (freed with coffre_node_free); the listing then has NULL there
 * (COFFRE_E_BAD_STATE if already taken). For bindings that give every node its own lifetime. */
COFFRE_API int coffre_folder_listing_take(coffre_folder_listing* listing, size_t index, coffre_node** out);
COFFRE_API void coffre_folder_listing_free(coffre_folder_listing* listing);

/** The lookup hash of `name` under a folder's key (invalid_argument for a name breaking the rule). */
COFFRE_API int coffre_drive_name_hash(const coffre_node_key* parent_key, const char* name, size_t name_len,
                                      uint8_t* out, size_t out_len); /* 32 */
/** A Drive file's content: a file envelope under coffre_drive_file_key with the context coffre_drive_file_context
 * gives (object id of COFFRE_DRIVE_OBJECT_ID_BYTES, no NUL; key version 1; the revision is meta's). */
COFFRE_API int coffre_drive_file_key(const coffre_node_key* node_key, coffre_key** out);
COFFRE_API int coffre_drive_file_context(const uint8_t* node_id, size_t node_id_len, char* object_id,
                                         size_t object_id_len, uint32_t* key_version);

/** ---------------------------------------------------------------------------------------------------------------
 * Signed store requests (docs/STORE.md section 2)
 *
 * The fields every function below takes, in this order:
 *   method, method_len             the upper-case HTTP method (A-Z only, not empty; no NUL needed)
 *   target, target_len             the request target exactly as sent: starts with '/', visible ASCII (0x21-0x7e)
 *   content_sha256, ..._len        SHA-256 of the body (COFFRE_SHA256_BYTES; of no bytes when there is none)
 *   time                           Unix seconds, the client's clock
 *   nonce, nonce_len               COFFRE_STORE_NONCE_BYTES random bytes (coffre_store_request_nonce)
 *   user_id, user_id_len           the account the signer acts for (16 bytes), or NULL and 0 for none
 * A method or target breaking its rule, or a wrong size: COFFRE_E_INVALID_ARGUMENT.
 */
#define COFFRE_SHA256_BYTES 32
#define COFFRE_STORE_NONCE_BYTES 16
#define COFFRE_SIGNATURE_BYTES 64

COFFRE_API size_t coffre_sha256_bytes(void);
COFFRE_API size_t coffre_store_nonce_bytes(void);
COFFRE_API size_t coffre_signature_bytes(void);

/** SHA-256 (crypto_hash_sha256) of `len` bytes into out (COFFRE_SHA256_BYTES). */
COFFRE_API int coffre_sha256(const uint8_t* data, size_t len, uint8_t* out, size_t out_len);
/** The same over a body given in pieces: update each piece in order, then final (the hasher then starts again). */
typedef struct coffre_sha256_hasher coffre_sha256_hasher;
COFFRE_API int coffre_sha256_hasher_new(coffre_sha256_hasher** out);
COFFRE_API int coffre_sha256_hasher_update(coffre_sha256_hasher* h, const uint8_t* data, size_t len);
COFFRE_API int coffre_sha256_hasher_final(coffre_sha256_hasher* h, uint8_t* out, size_t out_len);
COFFRE_API void coffre_sha256_hasher_free(coffre_sha256_hasher* h);

/** A fresh random nonce (the system's CSPRNG) into out (COFFRE_STORE_NONCE_BYTES). */
COFFRE_API int coffre_store_request_nonce(uint8_t* out, size_t out_len);

/** The signed message m of STORE.md section 2 (a library buffer). */
COFFRE_API int coffre_store_request_message(const char* method, size_t method_len, const char* target,
                                            size_t target_len, const uint8_t* content_sha256, size_t content_sha256_len,
                                            uint64_t time, const uint8_t* nonce, size_t nonce_len,
                                            const uint8_t* user_id, size_t user_id_len, uint8_t** out, size_t* out_len);
/** The Coffre-Signature of a request signed with the device's signing key, into signature (COFFRE_SIGNATURE_BYTES). */
COFFRE_API int coffre_store_request_sign(const coffre_device_keys* keys, const char* method, size_t method_len,
                                         const char* target, size_t target_len, const uint8_t* content_sha256,
                                         size_t content_sha256_len, uint64_t time, const uint8_t* nonce,
                                         size_t nonce_len, const uint8_t* user_id, size_t user_id_len,
                                         uint8_t* signature, size_t signature_len);
/** The same signed with the recovery signing key of `phrase` (a recovery signer, STORE.md section 4). Derives the
 * recovery key from the phrase on each call (an X-Wing key generation: milliseconds). */
COFFRE_API int coffre_store_request_sign_recovery(const coffre_recovery_phrase* phrase, const char* method,
                                                  size_t method_len, const char* target, size_t target_len,
                                                  const uint8_t* content_sha256, size_t content_sha256_len,
                                                  uint64_t time, const uint8_t* nonce, size_t nonce_len,
                                                  const uint8_t* user_id, size_t user_id_len, uint8_t* signature,
                                                  size_t signature_len);
/** COFFRE_OK if `signature` (signature_len bytes) is the signature of the request by the Ed25519 public key
 * (COFFRE_SIGN_PUBLIC_KEY_BYTES); COFFRE_E_SIGNATURE_INVALID otherwise (also for a signature that is not 64 bytes).
 * Freshness of `time` and replay of `nonce` are the caller's checks. */
COFFRE_API int coffre_store_request_verify(const uint8_t* public_key, size_t public_key_len, const char* method,
                                           size_t method_len, const char* target, size_t target_len,
                                           const uint8_t* content_sha256, size_t content_sha256_len, uint64_t time,
                                           const uint8_t* nonce, size_t nonce_len, const uint8_t* user_id,
                                           size_t user_id_len, const uint8_t* signature, size_t signature_len);

#ifdef __cplusplus
}
#endif

#endif /* COFFRE_H */
