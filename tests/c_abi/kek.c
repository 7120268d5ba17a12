/* Data-key wraps under a key-encryption key through the C ABI (docs/SPEC.md section 21): a KEK from the application's
 * bytes, a file's data key wrapped and unwrapped, each refusal, and the argument checks. Plain C, only coffre.h. */
#include <coffre.h>

#include "expect.h"

#include <string.h>

static const char kLabel[] = "invoices/2026";
static const uint8_t kKeyId[] = "kms-key-1";
enum { KEY_ID_LEN = sizeof kKeyId - 1 };

static int unwrap(const coffre_kek* kek, const uint8_t* w, size_t len, const char* label, const uint8_t* id,
                  size_t id_len, coffre_key** out) {
  return coffre_data_key_unwrap(kek, w, len, label, label ? strlen(label) : 0, id, id_len, out);
}

int main(void) {
  REQUIRE_OK(coffre_init());
  EXPECT(coffre_kek_bytes() == COFFRE_KEK_BYTES);
  EXPECT(coffre_data_key_wrap_bytes() == COFFRE_DATA_KEY_WRAP_BYTES);

  /* The KEK as the application's KMS hands it over: raw bytes, imported then wiped by the caller. */
  uint8_t raw[COFFRE_KEK_BYTES];
  for (size_t i = 0; i < sizeof raw; i++) raw[i] = (uint8_t)(i * 7 + 1);
  coffre_kek *kek = NULL, *other = NULL, *bad = NULL;
  REQUIRE_OK(coffre_kek_from_bytes(raw, sizeof raw, &kek));
  REQUIRE_OK(coffre_kek_generate(&other));
  EXPECT_STATUS(coffre_kek_from_bytes(raw, 31, &bad), COFFRE_E_INVALID_ARGUMENT);
  EXPECT(bad == NULL);
  uint8_t exported[COFFRE_KEK_BYTES];
  REQUIRE_OK(coffre_kek_export(kek, exported, sizeof exported));
  EXPECT(memcmp(exported, raw, sizeof raw) == 0);
  EXPECT_STATUS(coffre_kek_export(kek, exported, 31), COFFRE_E_INVALID_ARGUMENT);

  coffre_key* data_key = NULL;
  REQUIRE_OK(coffre_key_generate(&data_key));
  uint8_t w[COFFRE_DATA_KEY_WRAP_BYTES], w2[COFFRE_DATA_KEY_WRAP_BYTES];
  REQUIRE_OK(coffre_data_key_wrap(kek, data_key, kLabel, strlen(kLabel), kKeyId, KEY_ID_LEN, w, sizeof w));
  REQUIRE_OK(coffre_data_key_wrap(kek, data_key, kLabel, strlen(kLabel), kKeyId, KEY_ID_LEN, w2, sizeof w2));
  EXPECT(memcmp(w, w2, sizeof w) != 0); /* a fresh nonce each time */
  EXPECT(memcmp(w, "CFRW\x01", 5) == 0);

  coffre_key* opened = NULL;
  REQUIRE_OK(unwrap(kek, w, sizeof w, kLabel, kKeyId, KEY_ID_LEN, &opened));
  uint8_t a[COFFRE_CONTENT_KEY_BYTES], b[COFFRE_CONTENT_KEY_BYTES];
  REQUIRE_OK(coffre_key_export(data_key, a, sizeof a));
  REQUIRE_OK(coffre_key_export(opened, b, sizeof b));
  EXPECT(memcmp(a, b, sizeof a) == 0);
  coffre_key_free(opened);

  /* Refusals, each with its code; nothing is returned. */
  opened = NULL;
  EXPECT_STATUS(unwrap(other, w, sizeof w, kLabel, kKeyId, KEY_ID_LEN, &opened), COFFRE_E_WRONG_KEY);
  EXPECT_STATUS(unwrap(kek, w, sizeof w, "invoices/2027", kKeyId, KEY_ID_LEN, &opened), COFFRE_E_WRONG_CONTEXT);
  EXPECT_STATUS(unwrap(kek, w, sizeof w, kLabel, NULL, 0, &opened), COFFRE_E_WRONG_CONTEXT);
  EXPECT_STATUS(unwrap(kek, w, sizeof w - 1, kLabel, kKeyId, KEY_ID_LEN, &opened), COFFRE_E_TRUNCATED);
  uint8_t longer[COFFRE_DATA_KEY_WRAP_BYTES + 1] = {0};
  memcpy(longer, w, sizeof w);
  EXPECT_STATUS(unwrap(kek, longer, sizeof longer, kLabel, kKeyId, KEY_ID_LEN, &opened), COFFRE_E_TRAILING_DATA);
  w[sizeof w - 1] ^= 1;
  EXPECT_STATUS(unwrap(kek, w, sizeof w, kLabel, kKeyId, KEY_ID_LEN, &opened), COFFRE_E_WRAP_INVALID);
  w[sizeof w - 1] ^= 1;
  w[0] ^= 1;
  EXPECT_STATUS(unwrap(kek, w, sizeof w, kLabel, kKeyId, KEY_ID_LEN, &opened), COFFRE_E_BAD_MAGIC);
  w[0] ^= 1;
  EXPECT(opened == NULL);

  /* Arguments: an empty label, NULL handles and pointers, a wrong output size. */
  EXPECT_STATUS(unwrap(kek, w, sizeof w, "", kKeyId, KEY_ID_LEN, &opened), COFFRE_E_INVALID_ARGUMENT);
  EXPECT_STATUS(unwrap(NULL, w, sizeof w, kLabel, kKeyId, KEY_ID_LEN, &opened), COFFRE_E_INVALID_ARGUMENT);
  EXPECT_STATUS(unwrap(kek, NULL, sizeof w, kLabel, kKeyId, KEY_ID_LEN, &opened), COFFRE_E_INVALID_ARGUMENT);
  EXPECT_STATUS(unwrap(kek, w, sizeof w, kLabel, NULL, 3, &opened), COFFRE_E_INVALID_ARGUMENT);
  EXPECT_STATUS(unwrap(kek, w, sizeof w, kLabel, kKeyId, KEY_ID_LEN, NULL), COFFRE_E_INVALID_ARGUMENT);
  EXPECT_STATUS(coffre_data_key_wrap(kek, data_key, kLabel, strlen(kLabel), kKeyId, KEY_ID_LEN, w2, sizeof w2 - 1),
                COFFRE_E_INVALID_ARGUMENT);
  EXPECT_STATUS(coffre_data_key_wrap(kek, NULL, kLabel, strlen(kLabel), kKeyId, KEY_ID_LEN, w2, sizeof w2),
                COFFRE_E_INVALID_ARGUMENT);
  EXPECT_STATUS(coffre_data_key_wrap(kek, data_key, NULL, 0, NULL, 0, w2, sizeof w2), COFFRE_E_INVALID_ARGUMENT);
  REQUIRE_OK(unwrap(kek, w, sizeof w, kLabel, kKeyId, KEY_ID_LEN, &opened)); /* w restored */
  coffre_key_free(opened);

  coffre_key_free(data_key);
  coffre_kek_free(kek);
  coffre_kek_free(other);
  coffre_kek_free(NULL);
  if (failures) fprintf(stderr, "%d failure(s)\n", failures);
  else puts("c_abi kek: ok");
  return failures ? 1 : 0;
}
