/* What PQClean's sources expect from their environment, supplied by coffre:
 * - PQCLEAN_randombytes (renamed coffre_pqclean_randombytes by lib/mlkem768.cmake): PQClean's common/randombytes.c is not built. coffre only calls the deterministic entry
 *   points (keypair_derand, enc_derand) with randomness from its injected Rng; the randomized ones in kem.c are
 *   linked but unused, and would draw from libsodium's CSPRNG.
 * - coffre_pqclean_malloc/free: lib/mlkem768.cmake compiles common/fips202.c with malloc/free renamed to these, so
 *   every heap Keccak state (which holds secret-derived bytes and can be run backwards) is wiped before it is freed. */
#include <sodium.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int PQCLEAN_randombytes(uint8_t *output, size_t n);
void *coffre_pqclean_malloc(size_t n);
void coffre_pqclean_free(void *p);

int PQCLEAN_randombytes(uint8_t *output, size_t n) {
  randombytes_buf(output, n);
  return 0;
}

/* A 16-byte header keeps the allocation size for the wipe (and the 8-byte alignment of uint64_t states). */
#define COFFRE_PQCLEAN_HEADER 16

void *coffre_pqclean_malloc(size_t n) {
  if (n > SIZE_MAX - COFFRE_PQCLEAN_HEADER) return NULL;
  uint8_t *p = (uint8_t *)malloc(n + COFFRE_PQCLEAN_HEADER);
  if (p == NULL) return NULL;
  memcpy(p, &n, sizeof n);
  return p + COFFRE_PQCLEAN_HEADER;
}

void coffre_pqclean_free(void *q) {
  if (q == NULL) return;
  uint8_t *p = (uint8_t *)q - COFFRE_PQCLEAN_HEADER;
  size_t n;
  memcpy(&n, p, sizeof n);
  sodium_memzero(q, n);
  free(p);
}
