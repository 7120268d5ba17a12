/* ML-KEM-768 (FIPS 203) and the SHA-3 functions X-Wing needs, over PQClean's "clean" implementation (fetched at
 * build time by scripts/fetch-pqclean.sh, built by lib/mlkem768.cmake as the static target coffre_mlkem768).
 * Internal to coffre: only lib/src/xwing.cpp includes this. PQClean's own headers stay private to the target.
 * Only deterministic entry points: randomness is drawn by the caller (coffre injects its Rng). */
#ifndef COFFRE_MLKEM768_H
#define COFFRE_MLKEM768_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define COFFRE_MLKEM768_PUBLICKEYBYTES 1184
#define COFFRE_MLKEM768_SECRETKEYBYTES 2400
#define COFFRE_MLKEM768_CIPHERTEXTBYTES 1088
#define COFFRE_MLKEM768_SHAREDSECRETBYTES 32
#define COFFRE_MLKEM768_SEEDBYTES 64 /* d || z */
#define COFFRE_MLKEM768_ENCSEEDBYTES 32 /* m */

/* ML-KEM.KeyGen_internal(d = seed[0..32], z = seed[32..64]). */
void coffre_mlkem768_keypair_derand(uint8_t pk[COFFRE_MLKEM768_PUBLICKEYBYTES],
                                    uint8_t sk[COFFRE_MLKEM768_SECRETKEYBYTES],
                                    const uint8_t seed[COFFRE_MLKEM768_SEEDBYTES]);

/* Encapsulation key check of FIPS 203 section 7.2 (modulus check): 0 if every 12-bit coefficient of the encoded
 * vector is < q = 3329, else -1. (The type check is the caller's fixed length.) Not secret: runs in variable time. */
int coffre_mlkem768_check_public_key(const uint8_t pk[COFFRE_MLKEM768_PUBLICKEYBYTES]);

/* ML-KEM.Encaps_internal(pk, m), after the check above: -1 (and nothing written) if it fails, else 0. */
int coffre_mlkem768_enc_derand(uint8_t ct[COFFRE_MLKEM768_CIPHERTEXTBYTES],
                               uint8_t ss[COFFRE_MLKEM768_SHAREDSECRETBYTES],
                               const uint8_t pk[COFFRE_MLKEM768_PUBLICKEYBYTES],
                               const uint8_t m[COFFRE_MLKEM768_ENCSEEDBYTES]);

/* ML-KEM.Decaps_internal: never fails; a ciphertext that does not re-encrypt gives the implicit-rejection secret. */
void coffre_mlkem768_dec(uint8_t ss[COFFRE_MLKEM768_SHAREDSECRETBYTES],
                         const uint8_t ct[COFFRE_MLKEM768_CIPHERTEXTBYTES],
                         const uint8_t sk[COFFRE_MLKEM768_SECRETKEYBYTES]);

/* SHAKE256(in, outlen bytes). */
void coffre_shake256(uint8_t *out, size_t outlen, const uint8_t *in, size_t inlen);

/* SHA3-256(parts[0] || ... || parts[n-1]). */
void coffre_sha3_256(uint8_t out[32], const uint8_t *const *parts, const size_t *lens, size_t n);

#ifdef __cplusplus
}
#endif

#endif /* COFFRE_MLKEM768_H */
