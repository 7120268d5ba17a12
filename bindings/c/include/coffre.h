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

int coffre_init(void);
const char* coffre_error_code(int status);    /* "wrong_key"; "unknown" for a value outside the enum */
const char* coffre_error_message(int status); /* one sentence, no secrets */

size_t coffre_content_key_bytes(void);
size_t coffre_document_overhead(void);
size_t coffre_chunk_overhead(void);
size_t coffre_default_chunk_size(void);
size_t coffre_min_chunk_size(void);
size_t coffre_max_chunk_size(void);
size_t coffre_file_header_prefix_bytes(void);
size_t coffre_file_header_max_bytes(void);

void coffre_buffer_free(uint8_t* data, size_t len);

/* Content keys */
typedef struct coffre_key coffre_key;
int coffre_key_generate(coffre_key** out);
int coffre_key_from_bytes(const uint8_t* bytes, size_t len, coffre_key** out);
int coffre_key_export(const coffre_key* key, uint8_t* out, size_t out_len); /* out_len must be 32 */
void coffre_key_free(coffre_key* key);

/* Document envelope */
int coffre_document_seal(const coffre_key* key, const char* object_id, size_t object_id_len, uint64_t revision,
                         uint32_t key_version, const uint8_t* plaintext, size_t plaintext_len, uint8_t** out,
                         size_t* out_len);
int coffre_document_open(const coffre_key* key, const char* object_id, size_t object_id_len, uint64_t revision,
                         uint32_t key_version, const uint8_t* envelope, size_t envelope_len, uint8_t** out,
                         size_t* out_len);

/* File header inspection: public fields only. opslimit/memlimit_kib are 0 for key_source COFFRE_KEY_SOURCE_KEY. */
int coffre_file_header_inspect(const uint8_t* bytes, size_t len, size_t* header_size, uint32_t* key_source,
                               uint32_t* chunk_size, uint32_t* key_version, uint32_t* opslimit,
                               uint32_t* memlimit_kib);

/* File encryption, streaming. chunk_size = 0: COFFRE_DEFAULT_CHUNK_SIZE. threads = 0: all cores (1 in WebAssembly). */
typedef struct coffre_encryptor coffre_encryptor;
int coffre_encryptor_new(const coffre_key* key, const char* object_id, size_t object_id_len, uint64_t revision,
                         uint32_t key_version, uint32_t chunk_size, uint32_t threads, coffre_encryptor** out);
int coffre_encryptor_new_passphrase(const uint8_t* passphrase, size_t passphrase_len, const char* object_id,
                                    size_t object_id_len, uint64_t revision, uint32_t key_version, uint32_t opslimit,
                                    uint32_t memlimit_kib, uint32_t chunk_size, uint32_t threads,
                                    coffre_encryptor** out);
size_t coffre_encryptor_max_update_output(const coffre_encryptor* enc, size_t in_len);
size_t coffre_encryptor_max_finish_output(const coffre_encryptor* enc);
int coffre_encryptor_update(coffre_encryptor* enc, const uint8_t* in, size_t in_len, uint8_t* out, size_t out_cap,
                            size_t* out_len);
int coffre_encryptor_finish(coffre_encryptor* enc, uint8_t* out, size_t out_cap, size_t* out_len);
void coffre_encryptor_free(coffre_encryptor* enc);

/* File decryption, streaming. Plaintext is released only after its chunk authenticated. */
typedef struct coffre_decryptor coffre_decryptor;
int coffre_decryptor_new(const coffre_key* key, const char* object_id, size_t object_id_len, uint64_t revision,
                         uint32_t key_version, uint32_t threads, coffre_decryptor** out);
int coffre_decryptor_new_passphrase(const uint8_t* passphrase, size_t passphrase_len, const char* object_id,
                                    size_t object_id_len, uint64_t revision, uint32_t key_version, uint32_t threads,
                                    coffre_decryptor** out);
size_t coffre_decryptor_max_update_output(const coffre_decryptor* dec, size_t in_len);
size_t coffre_decryptor_max_finish_output(const coffre_decryptor* dec);
int coffre_decryptor_update(coffre_decryptor* dec, const uint8_t* in, size_t in_len, uint8_t* out, size_t out_cap,
                            size_t* out_len);
int coffre_decryptor_finish(coffre_decryptor* dec, uint8_t* out, size_t out_cap, size_t* out_len);
int coffre_decryptor_ended_properly(const coffre_decryptor* dec); /* 1 or 0 */
void coffre_decryptor_free(coffre_decryptor* dec);

/* Random access. */
typedef struct coffre_range_reader coffre_range_reader;
int coffre_range_reader_new(const uint8_t* header, size_t header_len, uint64_t ciphertext_size, const coffre_key* key,
                            const char* object_id, size_t object_id_len, uint64_t revision, uint32_t key_version,
                            coffre_range_reader** out);
int coffre_range_reader_new_passphrase(const uint8_t* header, size_t header_len, uint64_t ciphertext_size,
                                       const uint8_t* passphrase, size_t passphrase_len, const char* object_id,
                                       size_t object_id_len, uint64_t revision, uint32_t key_version,
                                       coffre_range_reader** out);
uint64_t coffre_range_reader_plaintext_size(const coffre_range_reader* reader);
int coffre_range_reader_ciphertext_range(const coffre_range_reader* reader, uint64_t begin, uint64_t end,
                                         uint64_t* ciphertext_begin, uint64_t* ciphertext_end);
/* out_cap must be at least end - begin. */
int coffre_range_reader_read(const coffre_range_reader* reader, uint64_t begin, uint64_t end, const uint8_t* fetched,
                             size_t fetched_len, uint8_t* out, size_t out_cap);
void coffre_range_reader_free(coffre_range_reader* reader);

/* Recovery phrase (docs/SPEC.md section 13): whether `words` (len bytes, need not be NUL-terminated) is a valid
 * 24-word recovery phrase after normalization. COFFRE_OK or COFFRE_E_RECOVERY_PHRASE_INVALID (a non-ASCII byte, not 24
 * words, an unknown word or a bad checksum); COFFRE_E_INVALID_ARGUMENT for NULL with len > 0. Keeps nothing. */
int coffre_recovery_phrase_check(const char* words, size_t len);

/* ---------------------------------------------------------------------------------------------------------------
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

size_t coffre_device_id_bytes(void);
size_t coffre_user_id_bytes(void);
size_t coffre_seed_bytes(void);
size_t coffre_sign_public_key_bytes(void);
size_t coffre_kem_public_key_bytes(void);
size_t coffre_log_hash_bytes(void);
size_t coffre_root_wrap_bytes(void);
size_t coffre_sas_bytes(void);
size_t coffre_device_name_max_bytes(void);
uint64_t coffre_enrollment_max_lifetime(void);

/* A device's own keys (its local state): device id, Ed25519 signing key, X-Wing KEM key. */
typedef struct coffre_device_keys coffre_device_keys;
int coffre_device_keys_generate(coffre_device_keys** out);
/* From the local state: id (16 bytes), signing seed (32), KEM seed (32). */
int coffre_device_keys_from_seeds(const uint8_t* id, size_t id_len, const uint8_t* sign_seed, size_t sign_seed_len,
                                  const uint8_t* kem_seed, size_t kem_seed_len, coffre_device_keys** out);
int coffre_device_keys_id(const coffre_device_keys* keys, uint8_t* out, size_t out_len);               /* 16 */
int coffre_device_keys_sign_public_key(const coffre_device_keys* keys, uint8_t* out, size_t out_len);  /* 32 */
int coffre_device_keys_kem_public_key(const coffre_device_keys* keys, uint8_t* out, size_t out_len);   /* 1216 */
/* SECRET: the two seeds, to persist in the device's protected local state. Wipe them after use. */
int coffre_device_keys_export_secret_seeds(const coffre_device_keys* keys, uint8_t* sign_seed, size_t sign_seed_len,
                                           uint8_t* kem_seed, size_t kem_seed_len);
void coffre_device_keys_free(coffre_device_keys* keys);

/* A verified device list (section 10). pinned_hash: NULL (with len 0) on a first fetch, else the 32-byte hash of the
 * pinned head at pinned_seq. genesis_hash: NULL (len 0) or the pinned 32-byte genesis hash. Statuses: log_rollback,
 * log_fork, log_broken_chain, log_invalid, signature_invalid (in the spec's order). */
typedef struct coffre_log coffre_log;
int coffre_log_verify(const uint8_t* entries, size_t entries_len, uint64_t pinned_seq, const uint8_t* pinned_hash,
                      size_t pinned_hash_len, const uint8_t* genesis_hash, size_t genesis_hash_len, coffre_log** out);
/* The entries after `current`'s head (same framing), verified incrementally; a new handle, `current` unchanged. */
int coffre_log_verify_appended(const coffre_log* current, const uint8_t* entries, size_t entries_len,
                               coffre_log** out);
int coffre_log_user_id(const coffre_log* log, uint8_t* out, size_t out_len);                  /* 16 */
int coffre_log_head(const coffre_log* log, uint64_t* seq, uint8_t* hash, size_t hash_len);     /* hash: 32 */
int coffre_log_genesis_hash(const coffre_log* log, uint8_t* out, size_t out_len);             /* 32 */
int coffre_log_identity_public_key(const coffre_log* log, uint8_t* out, size_t out_len);      /* 32 */
uint32_t coffre_log_identity_generation(const coffre_log* log);                               /* 0 for NULL */
uint32_t coffre_log_suite_version(const coffre_log* log);
uint32_t coffre_log_root_epoch(const coffre_log* log);
int coffre_log_suite_public_key(const coffre_log* log, uint8_t* out, size_t out_len);         /* 1216, current */
int coffre_log_recovery_public_key(const coffre_log* log, uint8_t* out, size_t out_len);      /* 1216 */
/* Enrolled devices, in the order they were added (index < count, else COFFRE_E_INVALID_ARGUMENT). */
size_t coffre_log_device_count(const coffre_log* log);
int coffre_log_device_id(const coffre_log* log, size_t index, uint8_t* out, size_t out_len);          /* 16 */
int coffre_log_device_sign_public_key(const coffre_log* log, size_t index, uint8_t* out, size_t out_len); /* 32 */
int coffre_log_device_name(const coffre_log* log, size_t index, uint8_t** out, size_t* out_len); /* UTF-8, no NUL */
int coffre_log_device_kem_public_key(const coffre_log* log, size_t index, uint8_t* out, size_t out_len); /* 1216 */
int coffre_log_device_transcript_hash(const coffre_log* log, size_t index, uint8_t* out, size_t out_len); /* 32 */
/* Revoked devices, in the order they were revoked. */
size_t coffre_log_revoked_count(const coffre_log* log);
int coffre_log_revoked_id(const coffre_log* log, size_t index, uint8_t* out, size_t out_len);         /* 16 */
/* 1 if `id` (16 bytes) is an enrolled device of the log, else 0. */
int coffre_log_contains(const coffre_log* log, const uint8_t* id, size_t id_len);
void coffre_log_free(coffre_log* log);

/* Request ids an enrolled device has answered (section 12), to persist with its local state: export gives 24-byte
 * records (request id[16] || u64 big-endian expiry), import takes them back. */
typedef struct coffre_used_requests coffre_used_requests;
int coffre_used_requests_new(coffre_used_requests** out);
int coffre_used_requests_import(const uint8_t* records, size_t len, coffre_used_requests** out);
int coffre_used_requests_export(const coffre_used_requests* used, uint8_t** out, size_t* out_len);
int coffre_used_requests_prune(coffre_used_requests* used, uint64_t now); /* forgets expired ids */
size_t coffre_used_requests_count(const coffre_used_requests* used);
void coffre_used_requests_free(coffre_used_requests* used);

/* The new device's side of an enrollment. lifetime: seconds, 1..600; 0 means 600. */
typedef struct coffre_enrollment_requester coffre_enrollment_requester;
int coffre_enrollment_requester_start(const coffre_device_keys* device, const char* name, size_t name_len,
                                      uint64_t now, uint64_t lifetime, coffre_enrollment_requester** out);
int coffre_enrollment_requester_request(const coffre_enrollment_requester* r, uint8_t** out, size_t* out_len);
/* E's response, against the log verified after it arrived: the reveal to send, and the SAS to show. */
int coffre_enrollment_requester_on_response(coffre_enrollment_requester* r, const uint8_t* response,
                                            size_t response_len, const coffre_log* log, uint64_t now,
                                            uint8_t** reveal, size_t* reveal_len, char* sas, size_t sas_cap);
/* After approval: COFFRE_OK if `log` holds this device exactly as requested (device_not_enrolled, enrollment_invalid). */
int coffre_enrollment_requester_check_enrolled(const coffre_enrollment_requester* r, const coffre_log* log);
void coffre_enrollment_requester_free(coffre_enrollment_requester* r);

/* The enrolled device's side. On success the request id is recorded in `used`. */
typedef struct coffre_enrollment_approver coffre_enrollment_approver;
int coffre_enrollment_approver_on_request(const uint8_t* request, size_t request_len, const coffre_device_keys* own,
                                          const coffre_log* log, uint64_t now, coffre_used_requests* used,
                                          coffre_enrollment_approver** out);
int coffre_enrollment_approver_response(const coffre_enrollment_approver* a, uint8_t** out, size_t* out_len);
/* The requester's name as its request gives it (to show next to the SAS). */
int coffre_enrollment_approver_requester_name(const coffre_enrollment_approver* a, uint8_t** out, size_t* out_len);
int coffre_enrollment_approver_on_reveal(coffre_enrollment_approver* a, const uint8_t* reveal, size_t reveal_len,
                                         uint64_t now, char* sas, size_t sas_cap);
void coffre_enrollment_approver_free(coffre_enrollment_approver* a);

/* Account secrets and root keys (section 11). */
typedef struct coffre_root_key coffre_root_key;
typedef struct coffre_account_secrets coffre_account_secrets;
/* Opens the root wrap addressed to `device` for the log's user and current root epoch (wrap_invalid). */
int coffre_root_key_unwrap(const coffre_device_keys* device, const coffre_log* log, const uint8_t* wrap,
                           size_t wrap_len, coffre_root_key** out);
uint32_t coffre_root_key_epoch(const coffre_root_key* root);
void coffre_root_key_free(coffre_root_key* root);
/* Opens the sealed state of root's epoch and checks it against `log` (wrap_invalid). */
int coffre_account_state_open(const coffre_root_key* root, const coffre_log* log, const uint8_t* sealed,
                              size_t sealed_len, coffre_account_secrets** out);
void coffre_account_secrets_free(coffre_account_secrets* secrets);

/* A new account with `device` as its first device: the genesis entry, the sealed state of epoch 1, the root wraps
 * to the device and to the recovery key (all four to upload), and the secrets and root key for this device. */
int coffre_account_create(const coffre_device_keys* device, const char* name, size_t name_len,
                          const uint8_t* recovery_pk, size_t recovery_pk_len, uint8_t** genesis, size_t* genesis_len,
                          uint8_t** sealed_state, size_t* sealed_state_len, uint8_t** device_wrap,
                          size_t* device_wrap_len, uint8_t** recovery_wrap, size_t* recovery_wrap_len,
                          coffre_account_secrets** secrets, coffre_root_key** root);

/* After the user confirmed equal SAS on both devices: the add-device entry (append after log's head) and the root
 * wrap to the new device (bad_state before a successful on_reveal). */
int coffre_enrollment_approve(const coffre_enrollment_approver* a, const coffre_log* log,
                              const coffre_account_secrets* secrets, const coffre_root_key* root, uint8_t** entry,
                              size_t* entry_len, uint8_t** wrap, size_t* wrap_len);

/* Recovery phrase (section 13). words: NUL-free UTF-8 of `len` bytes; the phrase is a secret. */
typedef struct coffre_recovery_phrase coffre_recovery_phrase;
int coffre_recovery_phrase_generate(coffre_recovery_phrase** out);
int coffre_recovery_phrase_from_words(const char* words, size_t len, coffre_recovery_phrase** out);
/* SECRET: the 24 words, single spaces, no NUL. */
int coffre_recovery_phrase_words(const coffre_recovery_phrase* phrase, uint8_t** out, size_t* out_len);
int coffre_recovery_phrase_kem_public_key(const coffre_recovery_phrase* phrase, uint8_t* out, size_t out_len);
/* Opens the recovery key's root wrap for the log's user and current epoch. */
int coffre_root_key_unwrap_recovery(const coffre_recovery_phrase* phrase, const coffre_log* log, const uint8_t* wrap,
                                    size_t wrap_len, coffre_root_key** out);
void coffre_recovery_phrase_free(coffre_recovery_phrase* phrase);

#ifdef __cplusplus
}
#endif

#endif /* COFFRE_H */
