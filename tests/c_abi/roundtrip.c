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
  EXPECT(coffre_range_reader_new(ct, header_size, ct_len, key, "file-9", 6, 0, 1, &reader) == COFFRE_OK);
  EXPECT(coffre_range_reader_plaintext_size(reader) == N);
  uint64_t cb = 0, ce = 0;
  EXPECT(coffre_range_reader_ciphertext_range(reader, 5000, 9000, &cb, &ce) == COFFRE_OK);
  uint8_t slice[4000];
  EXPECT(coffre_range_reader_read(reader, 5000, 9000, ct + cb, (size_t)(ce - cb), slice, sizeof slice) == COFFRE_OK);
  EXPECT(memcmp(slice, data + 5000, sizeof slice) == 0);
  coffre_range_reader_free(reader);

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
  coffre_key_free(key);
  coffre_key_free(NULL);
  if (failures) return 1;
  puts("c_abi roundtrip: ok");
  return 0;
}
