/* coffre's ML-KEM-768 and SHA-3 entry points (mlkem768.h) over PQClean's clean implementation. */
#include "mlkem768.h"

#include "fips202.h" /* PQClean common/; symbols renamed coffre_pqclean_* by lib/mlkem768.cmake */
#include "kem.h"     /* PQClean crypto_kem/ml-kem-768/clean/ */
#include "params.h"

#include <sodium.h>

_Static_assert(PQCLEAN_MLKEM768_CLEAN_CRYPTO_PUBLICKEYBYTES == COFFRE_MLKEM768_PUBLICKEYBYTES, "pk size");
_Static_assert(PQCLEAN_MLKEM768_CLEAN_CRYPTO_SECRETKEYBYTES == COFFRE_MLKEM768_SECRETKEYBYTES, "sk size");
_Static_assert(PQCLEAN_MLKEM768_CLEAN_CRYPTO_CIPHERTEXTBYTES == COFFRE_MLKEM768_CIPHERTEXTBYTES, "ct size");
_Static_assert(PQCLEAN_MLKEM768_CLEAN_CRYPTO_BYTES == COFFRE_MLKEM768_SHAREDSECRETBYTES, "ss size");
_Static_assert(2 * KYBER_SYMBYTES == COFFRE_MLKEM768_SEEDBYTES, "seed size");
_Static_assert(KYBER_SYMBYTES == COFFRE_MLKEM768_ENCSEEDBYTES, "m size");
_Static_assert(KYBER_POLYVECBYTES + KYBER_SYMBYTES == COFFRE_MLKEM768_PUBLICKEYBYTES, "pk layout");

/* PQClean's clean code does not wipe its stack temporaries (secret polynomials, Keccak states holding d, z or m).
 * After each secret-dependent call, overwrite the stack region it used: the calls below are made from the same
 * frame, so this frame's buffer covers theirs. 32 KiB: twice the deepest call measured (decapsulation, ~15 KiB at -O3).
 * (The heap Keccak states of fips202.c are wiped on free, see pqclean_support.c.) */
#define COFFRE_STACK_BURN_BYTES 32768
#if defined(__GNUC__) || defined(__clang__)
__attribute__((noinline))
#endif
static void burn_stack(void) {
  uint8_t buf[COFFRE_STACK_BURN_BYTES];
  sodium_memzero(buf, sizeof buf);
}

void coffre_mlkem768_keypair_derand(uint8_t pk[COFFRE_MLKEM768_PUBLICKEYBYTES],
                                    uint8_t sk[COFFRE_MLKEM768_SECRETKEYBYTES],
                                    const uint8_t seed[COFFRE_MLKEM768_SEEDBYTES]) {
  PQCLEAN_MLKEM768_CLEAN_crypto_kem_keypair_derand(pk, sk, seed);
  burn_stack();
}

int coffre_mlkem768_check_public_key(const uint8_t pk[COFFRE_MLKEM768_PUBLICKEYBYTES]) {
  /* ByteEncode12(ByteDecode12(ek)) == ek  <=>  every 12-bit little-endian value is already reduced mod q. */
  for (size_t i = 0; i < KYBER_POLYVECBYTES; i += 3) {
    uint16_t a = (uint16_t)(pk[i] | ((pk[i + 1] & 0x0f) << 8));
    uint16_t b = (uint16_t)((pk[i + 1] >> 4) | (pk[i + 2] << 4));
    if (a >= KYBER_Q || b >= KYBER_Q) return -1;
  }
  return 0;
}

int coffre_mlkem768_enc_derand(uint8_t ct[COFFRE_MLKEM768_CIPHERTEXTBYTES],
                               uint8_t ss[COFFRE_MLKEM768_SHAREDSECRETBYTES],
                               const uint8_t pk[COFFRE_MLKEM768_PUBLICKEYBYTES],
                               const uint8_t m[COFFRE_MLKEM768_ENCSEEDBYTES]) {
  if (coffre_mlkem768_check_public_key(pk) != 0) return -1;
  PQCLEAN_MLKEM768_CLEAN_crypto_kem_enc_derand(ct, ss, pk, m);
  burn_stack();
  return 0;
}

void coffre_mlkem768_dec(uint8_t ss[COFFRE_MLKEM768_SHAREDSECRETBYTES],
                         const uint8_t ct[COFFRE_MLKEM768_CIPHERTEXTBYTES],
                         const uint8_t sk[COFFRE_MLKEM768_SECRETKEYBYTES]) {
  PQCLEAN_MLKEM768_CLEAN_crypto_kem_dec(ss, ct, sk);
  burn_stack();
}

/* The incremental APIs keep the Keccak state on the heap (wiped when released) and squeeze straight into `out`;
 * the one-shot shake256()/sha3_256() would leave a full, invertible state or output block on the stack. */
void coffre_shake256(uint8_t *out, size_t outlen, const uint8_t *in, size_t inlen) {
  shake256incctx st;
  shake256_inc_init(&st);
  shake256_inc_absorb(&st, in, inlen);
  shake256_inc_finalize(&st);
  shake256_inc_squeeze(out, outlen, &st);
  shake256_inc_ctx_release(&st);
  burn_stack();
}

void coffre_sha3_256(uint8_t out[32], const uint8_t *const *parts, const size_t *lens, size_t n) {
  sha3_256incctx st;
  sha3_256_inc_init(&st);
  for (size_t i = 0; i < n; i++) sha3_256_inc_absorb(&st, parts[i], lens[i]);
  sha3_256_inc_finalize(out, &st); /* releases the state */
  burn_stack();
}
