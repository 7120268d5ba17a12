/* Signed store requests through the C ABI only (coffre.h; docs/STORE.md section 2): sign with a device-keys handle and
 * with a recovery phrase, verify, every altered field refused, the message checked against libsodium's Ed25519 and
 * SHA-256 directly, and the hashers. */
#include <coffre.h>

#include "expect.h"

#include <sodium.h>

#include <string.h>

static const char kMethod[] = "PUT";
static const char kTarget[] = "/v1/o/accounts/00112233445566778899aabbccddeeff/log/3.entry?x=1";

/* One request's fields, as the ABI takes them. */
typedef struct {
  const char* method;
  const char* target;
  uint8_t sha[COFFRE_SHA256_BYTES];
  uint64_t time;
  uint8_t nonce[COFFRE_STORE_NONCE_BYTES];
  uint8_t user[COFFRE_USER_ID_BYTES];
  size_t user_len; /* 0: no user */
} request;

static int verify(const uint8_t* pk, const request* r, const uint8_t* sig, size_t sig_len) {
  return coffre_store_request_verify(pk, COFFRE_SIGN_PUBLIC_KEY_BYTES, r->method, strlen(r->method), r->target,
                                     strlen(r->target), r->sha, sizeof r->sha, r->time, r->nonce, sizeof r->nonce,
                                     r->user_len ? r->user : NULL, r->user_len, sig, sig_len);
}

static int sign_device(const coffre_device_keys* keys, const request* r, uint8_t* sig) {
  return coffre_store_request_sign(keys, r->method, strlen(r->method), r->target, strlen(r->target), r->sha,
                                   sizeof r->sha, r->time, r->nonce, sizeof r->nonce, r->user_len ? r->user : NULL,
                                   r->user_len, sig, COFFRE_SIGNATURE_BYTES);
}

static void test_hashes(void) {
  static const uint8_t body[] = "a body sent in three pieces";
  uint8_t whole[COFFRE_SHA256_BYTES], pieces[COFFRE_SHA256_BYTES], ref[crypto_hash_sha256_BYTES];
  EXPECT(coffre_sha256_bytes() == 32 && coffre_store_nonce_bytes() == 16 && coffre_signature_bytes() == 64);
  REQUIRE_OK(coffre_sha256(body, sizeof body, whole, sizeof whole));
  crypto_hash_sha256(ref, body, sizeof body);
  EXPECT(memcmp(whole, ref, sizeof ref) == 0);

  coffre_sha256_hasher* h = NULL;
  REQUIRE_OK(coffre_sha256_hasher_new(&h));
  REQUIRE_OK(coffre_sha256_hasher_update(h, body, 5));
  REQUIRE_OK(coffre_sha256_hasher_update(h, NULL, 0));
  REQUIRE_OK(coffre_sha256_hasher_update(h, body + 5, sizeof body - 5));
  REQUIRE_OK(coffre_sha256_hasher_final(h, pieces, sizeof pieces));
  EXPECT(memcmp(pieces, ref, sizeof ref) == 0);
  REQUIRE_OK(coffre_sha256_hasher_final(h, pieces, sizeof pieces)); /* started again: SHA-256 of nothing */
  crypto_hash_sha256(ref, NULL, 0);
  EXPECT(memcmp(pieces, ref, sizeof ref) == 0);
  EXPECT_STATUS(coffre_sha256_hasher_final(h, pieces, 31), COFFRE_E_INVALID_ARGUMENT);
  EXPECT_STATUS(coffre_sha256(NULL, 1, whole, sizeof whole), COFFRE_E_INVALID_ARGUMENT);
  coffre_sha256_hasher_free(h);
  coffre_sha256_hasher_free(NULL);
}

int main(void) {
  REQUIRE_OK(coffre_init());
  test_hashes();

  request r = {kMethod, kTarget, {0}, 1767225600u, {0}, {0}, COFFRE_USER_ID_BYTES};
  REQUIRE_OK(coffre_sha256((const uint8_t*)"body", 4, r.sha, sizeof r.sha));
  REQUIRE_OK(coffre_store_request_nonce(r.nonce, sizeof r.nonce));
  uint8_t other_nonce[COFFRE_STORE_NONCE_BYTES];
  REQUIRE_OK(coffre_store_request_nonce(other_nonce, sizeof other_nonce));
  EXPECT(memcmp(r.nonce, other_nonce, sizeof other_nonce) != 0);
  memset(r.user, 0x42, sizeof r.user);

  coffre_device_keys* device = NULL;
  REQUIRE_OK(coffre_device_keys_generate(&device));
  uint8_t pk[COFFRE_SIGN_PUBLIC_KEY_BYTES], sig[COFFRE_SIGNATURE_BYTES];
  REQUIRE_OK(coffre_device_keys_sign_public_key(device, pk, sizeof pk));
  REQUIRE_OK(sign_device(device, &r, sig));
  EXPECT_STATUS(verify(pk, &r, sig, sizeof sig), COFFRE_OK);

  /* The message is the spec's, and the signature plain Ed25519 over it. */
  uint8_t* m = NULL;
  size_t m_len = 0;
  REQUIRE_OK(coffre_store_request_message(r.method, strlen(r.method), r.target, strlen(r.target), r.sha, sizeof r.sha,
                                          r.time, r.nonce, sizeof r.nonce, r.user, r.user_len, &m, &m_len));
  const size_t label_len = strlen("coffre/v1/store/request");
  EXPECT(m_len == 4 + label_len + 4 + strlen(kMethod) + 4 + strlen(kTarget) + 32 + 8 + 16 + 4 + 16);
  EXPECT(m[3] == label_len && memcmp(m + 4, "coffre/v1/store/request", label_len) == 0);
  EXPECT(memcmp(m + m_len - 16, r.user, 16) == 0 && m[m_len - 17] == 16);
  EXPECT(crypto_sign_verify_detached(sig, m, m_len, pk) == 0);
  coffre_buffer_free(m, m_len);

  /* Each altered field, another key, an altered or short signature: signature_invalid. */
  {
    request a = r;
    a.method = "POST";
    EXPECT_STATUS(verify(pk, &a, sig, sizeof sig), COFFRE_E_SIGNATURE_INVALID);
    a = r;
    a.target = "/v1/o/accounts/00112233445566778899aabbccddeeff/log/3.entry?x=2";
    EXPECT_STATUS(verify(pk, &a, sig, sizeof sig), COFFRE_E_SIGNATURE_INVALID);
    a = r;
    a.sha[0] ^= 1;
    EXPECT_STATUS(verify(pk, &a, sig, sizeof sig), COFFRE_E_SIGNATURE_INVALID);
    a = r;
    a.time++;
    EXPECT_STATUS(verify(pk, &a, sig, sizeof sig), COFFRE_E_SIGNATURE_INVALID);
    a = r;
    a.nonce[15] ^= 1;
    EXPECT_STATUS(verify(pk, &a, sig, sizeof sig), COFFRE_E_SIGNATURE_INVALID);
    a = r;
    a.user[0] ^= 1;
    EXPECT_STATUS(verify(pk, &a, sig, sizeof sig), COFFRE_E_SIGNATURE_INVALID);
    a = r;
    a.user_len = 0;
    EXPECT_STATUS(verify(pk, &a, sig, sizeof sig), COFFRE_E_SIGNATURE_INVALID);
    uint8_t bad[COFFRE_SIGNATURE_BYTES];
    memcpy(bad, sig, sizeof bad);
    bad[63] ^= 1;
    EXPECT_STATUS(verify(pk, &r, bad, sizeof bad), COFFRE_E_SIGNATURE_INVALID);
    EXPECT_STATUS(verify(pk, &r, sig, 63), COFFRE_E_SIGNATURE_INVALID);
    uint8_t other_pk[COFFRE_SIGN_PUBLIC_KEY_BYTES];
    memcpy(other_pk, pk, sizeof pk);
    other_pk[0] ^= 1;
    EXPECT_STATUS(verify(other_pk, &r, sig, sizeof sig), COFFRE_E_SIGNATURE_INVALID);
  }

  /* Without a user. */
  request no_user = r;
  no_user.user_len = 0;
  REQUIRE_OK(sign_device(device, &no_user, sig));
  EXPECT_STATUS(verify(pk, &no_user, sig, sizeof sig), COFFRE_OK);
  EXPECT_STATUS(verify(pk, &r, sig, sizeof sig), COFFRE_E_SIGNATURE_INVALID);

  /* Bad arguments: a method or target no request line carries, wrong sizes, NULLs. */
  {
    request a = r;
    a.method = "put";
    EXPECT_STATUS(sign_device(device, &a, sig), COFFRE_E_INVALID_ARGUMENT);
    a = r;
    a.target = "v1/o/x";
    EXPECT_STATUS(sign_device(device, &a, sig), COFFRE_E_INVALID_ARGUMENT);
    EXPECT_STATUS(verify(pk, &a, sig, sizeof sig), COFFRE_E_INVALID_ARGUMENT);
    a = r;
    a.user_len = 15;
    EXPECT_STATUS(sign_device(device, &a, sig), COFFRE_E_INVALID_ARGUMENT);
    EXPECT_STATUS(coffre_store_request_sign(device, kMethod, 3, kTarget, strlen(kTarget), r.sha, 31, r.time, r.nonce,
                                            16, NULL, 0, sig, sizeof sig),
                  COFFRE_E_INVALID_ARGUMENT);
    EXPECT_STATUS(coffre_store_request_sign(NULL, kMethod, 3, kTarget, strlen(kTarget), r.sha, 32, r.time, r.nonce, 16,
                                            NULL, 0, sig, sizeof sig),
                  COFFRE_E_INVALID_ARGUMENT);
    EXPECT_STATUS(coffre_store_request_verify(pk, 31, kMethod, 3, kTarget, strlen(kTarget), r.sha, 32, r.time,
                                              r.nonce, 16, NULL, 0, sig, sizeof sig),
                  COFFRE_E_INVALID_ARGUMENT);
    EXPECT_STATUS(coffre_store_request_nonce(other_nonce, 15), COFFRE_E_INVALID_ARGUMENT);
  }

  /* A recovery signer: the phrase's signing key. */
  coffre_recovery_phrase* phrase = NULL;
  REQUIRE_OK(coffre_recovery_phrase_generate(&phrase));
  uint8_t rpk[COFFRE_SIGN_PUBLIC_KEY_BYTES], rsig[COFFRE_SIGNATURE_BYTES];
  REQUIRE_OK(coffre_recovery_phrase_sign_public_key(phrase, rpk, sizeof rpk));
  REQUIRE_OK(coffre_store_request_sign_recovery(phrase, r.method, strlen(r.method), r.target, strlen(r.target), r.sha,
                                                sizeof r.sha, r.time, r.nonce, sizeof r.nonce, r.user, r.user_len,
                                                rsig, sizeof rsig));
  EXPECT_STATUS(verify(rpk, &r, rsig, sizeof rsig), COFFRE_OK);
  EXPECT_STATUS(verify(pk, &r, rsig, sizeof rsig), COFFRE_E_SIGNATURE_INVALID);
  EXPECT_STATUS(coffre_store_request_sign_recovery(NULL, kMethod, 3, kTarget, strlen(kTarget), r.sha, 32, r.time,
                                                   r.nonce, 16, NULL, 0, rsig, sizeof rsig),
                COFFRE_E_INVALID_ARGUMENT);

  coffre_recovery_phrase_free(phrase);
  coffre_device_keys_free(device);
  if (failures) fprintf(stderr, "%d failure(s)\n", failures);
  return failures ? 1 : 0;
}
