/* The main job's native half: a Docs snapshot and a Drive file, sealed and opened through the C ABI, printing what a
 * server would store (and would never see). Run by scripts/demo.sh; exits non-zero if anything is off. */
#include <coffre.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHECK(call)                                                                       \
  do {                                                                                    \
    int s_ = (call);                                                                      \
    if (s_ != COFFRE_OK) {                                                                \
      fprintf(stderr, "demo: %s failed: %s\n", #call, coffre_error_message(s_));          \
      exit(1);                                                                            \
    }                                                                                     \
  } while (0)

static void show(const char* what, const uint8_t* bytes, size_t len) {
  printf("  %-26s %zu bytes: ", what, len);
  for (size_t i = 0; i < len && i < 24; i++) printf("%02x", bytes[i]);
  printf("%s\n", len > 24 ? "..." : "");
}

static int contains(const uint8_t* hay, size_t n, const char* needle) {
  size_t m = strlen(needle);
  for (size_t i = 0; i + m <= n; i++)
    if (memcmp(hay + i, needle, m) == 0) return 1;
  return 0;
}

static void document_demo(const coffre_key* key) {
  const char* snapshot = "{\"title\":\"Conseil municipal\",\"blocks\":[\"Ordre du jour: budget 2027\"]}";
  const char* id = "docs:7c1e0b";
  uint8_t* env;
  size_t env_len;
  printf("Docs: a snapshot of document %s, revision 12, content key v1\n", id);
  CHECK(coffre_document_seal(key, id, strlen(id), 12, 1, (const uint8_t*)snapshot, strlen(snapshot), &env, &env_len));
  show("server stores", env, env_len);
  if (contains(env, env_len, "budget")) exit(1);

  uint8_t* plain;
  size_t plain_len;
  CHECK(coffre_document_open(key, id, strlen(id), 12, 1, env, env_len, &plain, &plain_len));
  printf("  opened by a member:        %.*s\n", (int)plain_len, (const char*)plain);
  coffre_buffer_free(plain, plain_len);
  int s = coffre_document_open(key, id, strlen(id), 13, 1, env, env_len, &plain, &plain_len);
  printf("  replayed as revision 13:   %s\n", coffre_error_code(s));
  if (s != COFFRE_E_WRONG_CONTEXT) exit(1);
  coffre_buffer_free(env, env_len);
}

static uint8_t* encrypt_file(const coffre_key* key, const char* id, const uint8_t* data, size_t n, size_t* ct_len) {
  coffre_encryptor* enc;
  CHECK(coffre_encryptor_new(key, id, strlen(id), 1, 1, COFFRE_DEFAULT_CHUNK_SIZE, 0, &enc));
  size_t cap = coffre_encryptor_max_update_output(enc, n) + COFFRE_FILE_HEADER_MAX_BYTES + COFFRE_DEFAULT_CHUNK_SIZE +
               COFFRE_CHUNK_OVERHEAD;
  uint8_t* ct = malloc(cap);
  size_t done = 0, w;
  /* Stream in 1 MiB pieces, as a reader of a large file would. */
  for (size_t off = 0; off < n; off += 1 << 20) {
    size_t piece = n - off < (1u << 20) ? n - off : (1u << 20);
    CHECK(coffre_encryptor_update(enc, data + off, piece, ct + done, cap - done, &w));
    done += w;
  }
  CHECK(coffre_encryptor_finish(enc, ct + done, cap - done, &w));
  coffre_encryptor_free(enc);
  *ct_len = done + w;
  return ct;
}

static void file_demo(const coffre_key* key) {
  const char* id = "drive:file/91ab";
  size_t n = 5 * 1000 * 1000 + 17;
  uint8_t* data = malloc(n);
  for (size_t i = 0; i < n; i++) data[i] = (uint8_t)"Drive file contents. "[i % 21];
  size_t ct_len;
  uint8_t* ct = encrypt_file(key, id, data, n, &ct_len);

  size_t header_size;
  uint32_t source, chunk, kv, ops, mem;
  CHECK(coffre_file_header_inspect(ct, ct_len, &header_size, &source, &chunk, &kv, &ops, &mem));
  printf("\nDrive: a %zu-byte file %s\n", n, id);
  show("server stores", ct, ct_len);
  printf("  public header fields:      chunk size %u, key version %u, header %zu bytes\n", chunk, kv, header_size);
  if (contains(ct, ct_len, "Drive file")) exit(1);

  /* Range download: the client fetches the final chunk (which authenticates the file's size), then only the chunks
   * covering the bytes it needs. */
  coffre_range_reader* r;
  uint64_t fb, fe;
  CHECK(coffre_range_reader_final_chunk_range(ct, header_size, ct_len, &fb, &fe));
  CHECK(coffre_range_reader_new(ct, header_size, ct_len, ct + fb, (size_t)(fe - fb), key, id, strlen(id), 1, 1, &r));
  uint64_t a = 3000000, b = a + 42, cb, ce;
  CHECK(coffre_range_reader_ciphertext_range(r, a, b, &cb, &ce));
  uint8_t slice[42];
  CHECK(coffre_range_reader_read(r, a, b, ct + cb, (size_t)(ce - cb), slice, sizeof slice));
  printf("  range [%llu, %llu):    fetched %llu of %zu ciphertext bytes: \"%.*s\"\n", (unsigned long long)a,
         (unsigned long long)b, (unsigned long long)(ce - cb), ct_len, 42, (const char*)slice);
  if (memcmp(slice, data + a, sizeof slice) != 0) exit(1);
  coffre_range_reader_free(r);

  /* The server flips one bit in the middle: decryption stops before that chunk. */
  ct[ct_len / 2] ^= 1;
  coffre_decryptor* dec;
  CHECK(coffre_decryptor_new(key, id, strlen(id), 1, 1, 0, &dec));
  uint8_t* out = malloc(coffre_decryptor_max_update_output(dec, ct_len));
  size_t w = 0;
  int s = coffre_decryptor_update(dec, ct, ct_len, out, coffre_decryptor_max_update_output(dec, ct_len), &w);
  printf("  one bit flipped by server: %s after %zu authentic bytes released\n", coffre_error_code(s), w);
  if (s != COFFRE_E_CHUNK_INVALID || memcmp(out, data, w) != 0) exit(1);
  coffre_decryptor_free(dec);
  free(out);
  free(ct);
  free(data);
}

int main(void) {
  CHECK(coffre_init());
  coffre_key* key;
  CHECK(coffre_key_generate(&key));
  document_demo(key);
  file_demo(key);
  coffre_key_free(key);
  printf("\nnative demo: ok\n");
  return 0;
}
