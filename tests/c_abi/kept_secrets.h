/* Test code only: what a revoked device that kept every secret it had (docs/SPEC.md section 14) reads out of its own
 * memory. The ABI has no function for it, on purpose: no secret key has to leave the library. */
#ifndef COFFRE_TESTS_C_ABI_KEPT_SECRETS_H
#define COFFRE_TESTS_C_ABI_KEPT_SECRETS_H

#include <coffre.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The 32-byte seed of the identity key held by `secrets`. */
void kept_identity_seed(const coffre_account_secrets* secrets, uint8_t out[32]);

#ifdef __cplusplus
}
#endif

#endif
