/* coffre_recovery_phrase_check through nothing but coffre.h (docs/SPEC.md section 13). */
#include <coffre.h>

#include <stdio.h>
#include <string.h>

static int failures = 0;

static void expect(const char* what, int got, int want) {
  if (got != want) {
    fprintf(stderr, "FAIL %s: %d (%s), expected %d (%s)\n", what, got, coffre_error_code(got), want,
            coffre_error_code(want));
    ++failures;
  }
}

/* BIP-39 test vector (Trezor vectors.json, 256-bit entropy 68a79eac...). */
static const char kPhrase[] =
    "hamster diagram private dutch cause delay private meat slide toddler razor book happy fancy gospel tennis maple "
    "dilemma loan word shrug inflict delay length";

int main(void) {
  char buf[512];
  expect("valid", coffre_recovery_phrase_check(kPhrase, strlen(kPhrase)), COFFRE_OK);
  /* Not NUL-terminated: only len bytes are read. */
  memcpy(buf, kPhrase, strlen(kPhrase));
  memcpy(buf + strlen(kPhrase), " zoo", 4);
  expect("len bytes only", coffre_recovery_phrase_check(buf, strlen(kPhrase)), COFFRE_OK);
  expect("25 words", coffre_recovery_phrase_check(buf, strlen(kPhrase) + 4), COFFRE_E_RECOVERY_PHRASE_INVALID);
  expect("23 words", coffre_recovery_phrase_check(kPhrase, strlen(kPhrase) - strlen(" length")),
         COFFRE_E_RECOVERY_PHRASE_INVALID);
  snprintf(buf, sizeof buf, "  %s\n", kPhrase);
  buf[2] = 'H';
  expect("normalized", coffre_recovery_phrase_check(buf, strlen(buf)), COFFRE_OK);
  snprintf(buf, sizeof buf, "%s", kPhrase);
  memcpy(buf, "diagram hamster", 15); /* two words swapped: bad checksum */
  expect("swapped", coffre_recovery_phrase_check(buf, strlen(buf)), COFFRE_E_RECOVERY_PHRASE_INVALID);
  /* NFKD (BIP-39's normalization): a full-width first word (U+FF48 U+FF41 ... "hamster") and an ideographic space. */
  snprintf(buf, sizeof buf, "\xef\xbd\x88\xef\xbd\x81\xef\xbd\x8d\xef\xbd\x93\xef\xbd\x94\xef\xbd\x85\xef\xbd\x92"
                            "\xe3\x80\x80%s", kPhrase + strlen("hamster "));
  expect("NFKD", coffre_recovery_phrase_check(buf, strlen(buf)), COFFRE_OK);
  snprintf(buf, sizeof buf, "%s\xe9", kPhrase); /* a Latin-1 byte: not UTF-8 */
  expect("not UTF-8", coffre_recovery_phrase_check(buf, strlen(buf)), COFFRE_E_RECOVERY_PHRASE_INVALID);
  expect("empty", coffre_recovery_phrase_check(NULL, 0), COFFRE_E_RECOVERY_PHRASE_INVALID);
  expect("NULL", coffre_recovery_phrase_check(NULL, 5), COFFRE_E_INVALID_ARGUMENT);
  if (failures == 0) printf("recovery C ABI: ok\n");
  return failures == 0 ? 0 : 1;
}
