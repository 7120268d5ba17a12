/* A C program using the installed library through coffre.h alone (tests/install/run.sh): prints the library's
 * version, seals and opens a document, streams a file through the encryptor and decryptor, and checks that a wrong
 * context and a flipped byte are refused. Exits non-zero on any mismatch. */
#include <coffre.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHECK(cond)                                                   \
  do {                                                                \
    if (!(cond)) {                                                    \
      fprintf(stderr, "c consumer: %s:%d: %s\n", __FILE__, __LINE__, #cond); \
      exit(1);                                                        \
    }                                                                 \
  } while (0)

static void document_roundtrip(const coffre_key* key) {
  const char* text = "minutes of the council";
  uint8_t* env = NULL;
  size_t env_len = 0;
  CHECK(coffre_document_seal(key, "doc", 3, 7, 1, (const uint8_t*)text, strlen(text), &env, &env_len) == COFFRE_OK);
  uint8_t* plain = NULL;
  size_t plain_len = 0;
  CHECK(coffre_document_open(key, "doc", 3, 7, 1, env, env_len, &plain, &plain_len) == COFFRE_OK);
  CHECK(plain_len == strlen(text) && memcmp(plain, text, plain_len) == 0);
  coffre_buffer_free(plain, plain_len);
  CHECK(coffre_document_open(key, "doc", 3, 8, 1, env, env_len, &plain, &plain_len) == COFFRE_E_WRONG_CONTEXT);
  env[env_len - 1] ^= 1;
  CHECK(coffre_document_open(key, "doc", 3, 7, 1, env, env_len, &plain, &plain_len) == COFFRE_E_PAYLOAD_INVALID);
  coffre_buffer_free(env, env_len);
}

static void file_roundtrip(const coffre_key* key) {
  enum { size = 3 * 64 + 10 };
  uint8_t plain[size];
  for (size_t i = 0; i < size; i++) plain[i] = (uint8_t)(i * 7);

  coffre_encryptor* enc = NULL;
  CHECK(coffre_encryptor_new(key, "file", 4, 1, 1, 64, 1, &enc) == COFFRE_OK);
  size_t cap = coffre_encryptor_max_update_output(enc, size) + coffre_encryptor_max_finish_output(enc);
  uint8_t* ct = malloc(cap);
  size_t n = 0, m = 0;
  CHECK(ct && coffre_encryptor_update(enc, plain, size, ct, cap, &n) == COFFRE_OK);
  CHECK(coffre_encryptor_finish(enc, ct + n, cap - n, &m) == COFFRE_OK);
  coffre_encryptor_free(enc);
  size_t ct_len = n + m;

  coffre_decryptor* dec = NULL;
  CHECK(coffre_decryptor_new(key, "file", 4, 1, 1, 1, &dec) == COFFRE_OK);
  size_t out_cap = coffre_decryptor_max_update_output(dec, ct_len) + coffre_decryptor_max_finish_output(dec);
  uint8_t* out = malloc(out_cap);
  CHECK(out && coffre_decryptor_update(dec, ct, ct_len, out, out_cap, &n) == COFFRE_OK);
  CHECK(coffre_decryptor_finish(dec, out + n, out_cap - n, &m) == COFFRE_OK);
  CHECK(coffre_decryptor_ended_properly(dec) == 1);
  CHECK(n + m == size && memcmp(out, plain, size) == 0);
  coffre_decryptor_free(dec);
  free(out);
  free(ct);
}

int main(void) {
  CHECK(coffre_init() == COFFRE_OK);
  /* The headers and the library must be the same version. */
  CHECK(strcmp(coffre_version(), COFFRE_VERSION_STRING) == 0);
  coffre_key* key = NULL;
  CHECK(coffre_key_generate(&key) == COFFRE_OK);
  document_roundtrip(key);
  file_roundtrip(key);
  coffre_key_free(key);
  printf("c consumer: coffre %s: document and file round trips ok\n", coffre_version());
  return 0;
}
