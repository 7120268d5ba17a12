/* A native client's view of coffre: plain C, only coffre.h. */
#include <coffre.h>

#include "expect.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void document_roundtrip(const coffre_key* key) {
  const char* text = "Compte rendu du conseil";
  uint8_t* env = NULL;
  size_t env_len = 0;
  EXPECT(coffre_document_seal(key, "doc-1", 5, 3, 1, (const uint8_t*)text, strlen(text), &env, &env_len) == COFFRE_OK);
  EXPECT(env_len == strlen(text) + coffre_document_overhead());
  uint8_t* plain = NULL;
  size_t plain_len = 0;
  EXPECT(coffre_document_open(key, "doc-1", 5, 3, 1, env, env_len, &plain, &plain_len) == COFFRE_OK);
  EXPECT(plain_len == strlen(text) && memcmp(plain, text, plain_len) == 0);
  coffre_buffer_free(plain, plain_len);
  EXPECT(coffre_document_open(key, "doc-1", 5, 4, 1, env, env_len, &plain, &plain_len) == COFFRE_E_WRONG_CONTEXT);
  env[env_len - 1] ^= 1;
  EXPECT(coffre_document_open(key, "doc-1", 5, 3, 1, env, env_len, &plain, &plain_len) == COFFRE_E_PAYLOAD_INVALID);
  coffre_buffer_free(env, env_len);
}

/* Opens a range reader the way a client does: the final chunk first, from the size the store gives. */
static int open_range(const uint8_t* ct, size_t ct_len, size_t header_size, const coffre_key* key,
                      coffre_range_reader** reader) {
  uint64_t fb = 0, fe = 0;
  int s = coffre_range_reader_final_chunk_range(ct, header_size, ct_len, &fb, &fe);
  if (s != COFFRE_OK) return s;
  return coffre_range_reader_new(ct, header_size, ct_len, ct + fb, (size_t)(fe - fb), key, "file-9", 6, 0, 1, reader);
}

/* An empty file under a passphrase at the minimum Argon2id cost: COFFRE_FILE_HEADER_MAX_BYTES + 16 bytes in ct. */
enum { EMPTY_FILE_BYTES = COFFRE_FILE_HEADER_MAX_BYTES + 16 };
static int encrypt_empty(const uint8_t* pw, size_t pw_len, uint8_t ct[EMPTY_FILE_BYTES]) {
  coffre_encryptor* enc = NULL;
  int s = coffre_encryptor_new_passphrase(pw, pw_len, "f", 1, 0, 0, COFFRE_MIN_ENCRYPT_OPSLIMIT,
                                          COFFRE_MIN_ENCRYPT_MEMLIMIT_KIB, 0, 1, &enc);
  if (s != COFFRE_OK) return s;
  size_t n = 0;
  s = coffre_encryptor_finish(enc, ct, EMPTY_FILE_BYTES, &n);
  coffre_encryptor_free(enc);
  return s == COFFRE_OK && n != EMPTY_FILE_BYTES ? COFFRE_E_BAD_STATE : s;
}

/* Argon2id costs: encryption refuses less than OWASP's minimum and an empty passphrase; a reader refuses a header
 * above its limit before running Argon2id. */
static void passphrase_costs(void) {
  const uint8_t pw[] = "correct horse";
  coffre_encryptor* enc = NULL;
  EXPECT(coffre_encryptor_new_passphrase(pw, 13, "f", 1, 0, 0, 1, 1 << 20, 0, 1, &enc) == COFFRE_E_INVALID_ARGUMENT);
  EXPECT(coffre_encryptor_new_passphrase(pw, 13, "f", 1, 0, 0, 2, 19455, 0, 1, &enc) == COFFRE_E_INVALID_ARGUMENT);
  EXPECT(coffre_encryptor_new_passphrase(pw, 0, "f", 1, 0, 0, 3, 1 << 15, 0, 1, &enc) == COFFRE_E_INVALID_ARGUMENT);
  EXPECT(enc == NULL);
  uint8_t ct[EMPTY_FILE_BYTES];
  EXPECT(encrypt_empty(pw, 13, ct) == COFFRE_OK);
  size_t n = sizeof ct;

  coffre_decryptor* dec = NULL;
  uint8_t out[sizeof ct];
  /* The header asks for 2 passes and 19 MiB: a limit of 1 pass, or of 18 MiB, refuses it before Argon2id. */
  EXPECT(coffre_decryptor_new_passphrase(pw, 13, "f", 1, 0, 0, 1, 1, 0, &dec) == COFFRE_OK);
  EXPECT(coffre_decryptor_update(dec, ct, n, out, sizeof out, &n) == COFFRE_E_KDF_COST_EXCEEDED);
  coffre_decryptor_free(dec);
  EXPECT(coffre_decryptor_new_passphrase(pw, 13, "f", 1, 0, 0, 1, 0, 18 * 1024, &dec) == COFFRE_OK);
  n = sizeof ct;
  EXPECT(coffre_decryptor_update(dec, ct, n, out, sizeof out, &n) == COFFRE_E_KDF_COST_EXCEEDED);
  coffre_decryptor_free(dec);
  EXPECT(strcmp(coffre_error_code(COFFRE_E_KDF_COST_EXCEEDED), "kdf_cost_exceeded") == 0);
  /* Default limits (0) admit it; the range reader takes the same limits. */
  coffre_range_reader* reader = NULL;
  EXPECT(coffre_range_reader_new_passphrase(ct, COFFRE_FILE_HEADER_MAX_BYTES, sizeof ct, ct + 154, 16, pw, 13, "f", 1,
                                            0, 0, 1, 0, &reader) == COFFRE_E_KDF_COST_EXCEEDED);
  EXPECT(coffre_range_reader_new_passphrase(ct, COFFRE_FILE_HEADER_MAX_BYTES, sizeof ct, ct + 154, 16, pw, 13, "f", 1,
                                            0, 0, 0, 0, &reader) == COFFRE_OK);
  EXPECT(coffre_range_reader_plaintext_size(reader) == 0);
  coffre_range_reader_free(reader);
}

/* docs/SPEC.md 5.1: a passphrase is used in its NFKD form, and must be UTF-8. */
static void passphrase_unicode(void) {
  static const uint8_t nfc[] = "caf\xc3\xa9";    /* U+00E9 */
  static const uint8_t nfd[] = "cafe\xcc\x81";   /* e + U+0301 */
  static const uint8_t latin1[] = "caf\xe9";
  uint8_t ct[EMPTY_FILE_BYTES];
  EXPECT(encrypt_empty(nfc, sizeof nfc - 1, ct) == COFFRE_OK);
  size_t n = sizeof ct;
  coffre_decryptor* dec = NULL;
  uint8_t out[sizeof ct];
  EXPECT(coffre_decryptor_new_passphrase(nfd, sizeof nfd - 1, "f", 1, 0, 0, 1, 0, 0, &dec) == COFFRE_OK);
  EXPECT(coffre_decryptor_update(dec, ct, n, out, sizeof out, &n) == COFFRE_OK);
  EXPECT(coffre_decryptor_finish(dec, out, sizeof out, &n) == COFFRE_OK && coffre_decryptor_ended_properly(dec));
  coffre_decryptor_free(dec);

  coffre_encryptor* enc = NULL;
  dec = NULL;
  coffre_range_reader* reader = NULL;
  EXPECT(coffre_encryptor_new_passphrase(latin1, sizeof latin1 - 1, "f", 1, 0, 0, COFFRE_MIN_ENCRYPT_OPSLIMIT,
                                         COFFRE_MIN_ENCRYPT_MEMLIMIT_KIB, 0, 1, &enc) == COFFRE_E_INVALID_ARGUMENT);
  EXPECT(coffre_decryptor_new_passphrase(latin1, sizeof latin1 - 1, "f", 1, 0, 0, 1, 0, 0, &dec) ==
         COFFRE_E_INVALID_ARGUMENT);
  EXPECT(coffre_range_reader_new_passphrase(ct, COFFRE_FILE_HEADER_MAX_BYTES, sizeof ct, ct + 154, 16, latin1,
                                            sizeof latin1 - 1, "f", 1, 0, 0, 0, 0, &reader) ==
         COFFRE_E_INVALID_ARGUMENT);
  EXPECT(enc == NULL && dec == NULL && reader == NULL);
}

static void file_roundtrip(const coffre_key* key) {
  enum { N = 200000 };
  uint8_t* data = malloc(N);
  for (size_t i = 0; i < N; i++) data[i] = (uint8_t)(i * 31);

  coffre_encryptor* enc = NULL;
  EXPECT(coffre_encryptor_new(key, "file-9", 6, 0, 1, 4096, 0, &enc) == COFFRE_OK);
  size_t cap = coffre_encryptor_max_update_output(enc, N);
  uint8_t* ct = malloc(cap + coffre_encryptor_max_finish_output(enc) + 4096 + 16);
  size_t ct_len = 0, n = 0;
  EXPECT(coffre_encryptor_update(enc, data, N, ct, cap, &n) == COFFRE_OK);
  ct_len += n;
  EXPECT(coffre_encryptor_finish(enc, ct + ct_len, coffre_encryptor_max_finish_output(enc), &n) == COFFRE_OK);
  ct_len += n;
  coffre_encryptor_free(enc);

  size_t header_size = 0;
  uint32_t source = 0, chunk = 0, kv = 0, ops = 0, mem = 0;
  EXPECT(coffre_file_header_inspect(ct, ct_len, &header_size, &source, &chunk, &kv, &ops, &mem) == COFFRE_OK);
  EXPECT(header_size == 130 && source == COFFRE_KEY_SOURCE_KEY && chunk == 4096 && kv == 1);

  coffre_decryptor* dec = NULL;
  EXPECT(coffre_decryptor_new(key, "file-9", 6, 0, 1, 0, &dec) == COFFRE_OK);
  uint8_t* out = malloc(coffre_decryptor_max_update_output(dec, ct_len));
  size_t out_len = 0;
  EXPECT(coffre_decryptor_update(dec, ct, ct_len, out, coffre_decryptor_max_update_output(dec, ct_len), &n) ==
         COFFRE_OK);
  out_len += n;
  EXPECT(coffre_decryptor_finish(dec, out + out_len, coffre_decryptor_max_finish_output(dec), &n) == COFFRE_OK);
  out_len += n;
  EXPECT(coffre_decryptor_ended_properly(dec) == 1);
  EXPECT(out_len == N && memcmp(out, data, N) == 0);
  coffre_decryptor_free(dec);

  coffre_range_reader* reader = NULL;
  EXPECT(open_range(ct, ct_len, header_size, key, &reader) == COFFRE_OK);
  EXPECT(coffre_range_reader_plaintext_size(reader) == N);
  uint64_t cb = 0, ce = 0;
  EXPECT(coffre_range_reader_ciphertext_range(reader, 5000, 9000, &cb, &ce) == COFFRE_OK);
  uint8_t slice[4000];
  EXPECT(coffre_range_reader_read(reader, 5000, 9000, ct + cb, (size_t)(ce - cb), slice, sizeof slice) == COFFRE_OK);
  EXPECT(memcmp(slice, data + 5000, sizeof slice) == 0);
  /* An empty range fetches nothing and succeeds; a reversed one is out of bounds. */
  EXPECT(coffre_range_reader_ciphertext_range(reader, 7, 7, &cb, &ce) == COFFRE_OK && cb == ce);
  EXPECT(coffre_range_reader_read(reader, 7, 7, NULL, 0, slice, sizeof slice) == COFFRE_OK);
  EXPECT(coffre_range_reader_ciphertext_range(reader, 9, 8, &cb, &ce) == COFFRE_E_RANGE_OUT_OF_BOUNDS);
  coffre_range_reader_free(reader);

  /* The store cuts the file at a chunk boundary, or appends a chunk: the size no longer authenticates, so even a
   * range far from the end is refused when the reader opens. */
  const size_t cc = 4096 + COFFRE_CHUNK_OVERHEAD;
  EXPECT(open_range(ct, ct_len - (ct_len - header_size) % cc, header_size, key, &reader) == COFFRE_E_TRUNCATED &&
         reader == NULL);
  uint8_t* longer = malloc(ct_len + cc);
  memcpy(longer, ct, ct_len);
  memcpy(longer + ct_len, ct + header_size, cc); /* chunk 0's bytes: they straddle the last boundary with the short
                                                    final chunk, so the new final piece is no chunk */
  EXPECT(open_range(longer, ct_len + cc, header_size, key, &reader) == COFFRE_E_CHUNK_INVALID && reader == NULL);
  /* The file minus its short final chunk, plus chunk 0 again: the new final piece is chunk 0 (non-final). */
  const size_t full_len = ct_len - (ct_len - header_size) % cc;
  memcpy(longer + full_len, ct + header_size, cc);
  EXPECT(open_range(longer, full_len + cc, header_size, key, &reader) == COFFRE_E_CHUNK_DUPLICATED && reader == NULL);
  free(longer);

  free(out);
  free(ct);
  free(data);
}

int main(void) {
  EXPECT(coffre_init() == COFFRE_OK);
  EXPECT(coffre_content_key_bytes() == COFFRE_CONTENT_KEY_BYTES);
  EXPECT(strcmp(coffre_error_code(COFFRE_E_WRONG_KEY), "wrong_key") == 0);
  EXPECT(strcmp(coffre_error_code(999), "unknown") == 0);
  coffre_key* key = NULL;
  EXPECT(coffre_key_generate(&key) == COFFRE_OK);
  coffre_key* bad = NULL;
  EXPECT(coffre_key_from_bytes((const uint8_t*)"short", 5, &bad) == COFFRE_E_INVALID_ARGUMENT && bad == NULL);
  document_roundtrip(key);
  file_roundtrip(key);
  passphrase_costs();
  passphrase_unicode();
  coffre_key_free(key);
  coffre_key_free(NULL);
  if (failures) return 1;
  puts("c_abi roundtrip: ok");
  return 0;
}
