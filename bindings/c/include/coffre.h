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

#ifdef __cplusplus
}
#endif

#endif /* COFFRE_H */
