/* Smoke test for the wasm build of libsodium: deterministic XChaCha20-Poly1305 and
 * Argon2id outputs are compared with values from Debian's native libsodium 1.0.18,
 * then timed. Exit code 0 = all good. */
#include <sodium.h>

#include <stdio.h>
#include <string.h>
#include <time.h>

/* Native reference: same inputs through Debian's libsodium 1.0.18 (x86-64). */
static const char AEAD_HEX[] = /* 27-byte message + 16-byte tag */
    "b7566316a2855961ee87ea9edcf10af9f79ac0a1602a32fd0f10fdab30c140e326301132c02620a5e35a97";
static const char PWHASH_HEX[] =
    "f5a4ea39e49343d25be49e34c86e7506320576835b72372c8cffe322b5bef1cb";

static double now_s(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int check(const char *what, const unsigned char *got, size_t len, const char *want_hex) {
  char hex[2 * 128 + 1];
  sodium_bin2hex(hex, sizeof hex, got, len);
  printf("%-26s %s\n", what, hex);
  if (strcmp(hex, want_hex) != 0) {
    printf("FAIL: %s differs from native libsodium (%s)\n", what, want_hex);
    return 1;
  }
  return 0;
}

int main(void) {
  int bad = 0;
  if (sodium_init() < 0) {
    puts("FAIL: sodium_init");
    return 1;
  }
  printf("libsodium %s\n", sodium_version_string());

  /* Fixed key/nonce (bytes 0,1,2,...) so the output is reproducible. */
  unsigned char key[crypto_aead_xchacha20poly1305_ietf_KEYBYTES];
  unsigned char nonce[crypto_aead_xchacha20poly1305_ietf_NPUBBYTES];
  for (size_t i = 0; i < sizeof key; i++) key[i] = (unsigned char)i;
  for (size_t i = 0; i < sizeof nonce; i++) nonce[i] = (unsigned char)(0x40 + i);
  static const unsigned char msg[] = "coffre wasm smoke message!";
  static const unsigned char ad[] = "header";
  unsigned char ct[sizeof msg + crypto_aead_xchacha20poly1305_ietf_ABYTES];
  unsigned long long ctlen;
  crypto_aead_xchacha20poly1305_ietf_encrypt(ct, &ctlen, msg, sizeof msg, ad, sizeof ad - 1,
                                             NULL, nonce, key);
  bad |= check("xchacha20poly1305 ct", ct, (size_t)ctlen, AEAD_HEX);

  unsigned char pt[sizeof msg];
  unsigned long long ptlen;
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(pt, &ptlen, NULL, ct, ctlen, ad, sizeof ad - 1,
                                                 nonce, key) != 0 ||
      ptlen != sizeof msg || memcmp(pt, msg, sizeof msg) != 0) {
    puts("FAIL: decrypt");
    bad = 1;
  }
  ct[0] ^= 1; /* a flipped bit must be rejected */
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(pt, &ptlen, NULL, ct, ctlen, ad, sizeof ad - 1,
                                                 nonce, key) == 0) {
    puts("FAIL: tampered ciphertext accepted");
    bad = 1;
  }

  /* Argon2id, interactive limits (64 MiB: needs ALLOW_MEMORY_GROWTH). */
  unsigned char salt[crypto_pwhash_SALTBYTES] = "coffre-salt-16b";
  unsigned char out[32];
  double t0 = now_s();
  if (crypto_pwhash(out, sizeof out, "correct horse", 13, salt, crypto_pwhash_OPSLIMIT_INTERACTIVE,
                    crypto_pwhash_MEMLIMIT_INTERACTIVE, crypto_pwhash_ALG_ARGON2ID13) != 0) {
    puts("FAIL: crypto_pwhash");
    return 1;
  }
  double t_pw = now_s() - t0;
  bad |= check("argon2id (interactive)", out, sizeof out, PWHASH_HEX);

  /* Throughput, for choosing optimisation flags: 64 x 1 MiB in place. */
  static unsigned char buf[(1 << 20) + crypto_aead_xchacha20poly1305_ietf_ABYTES];
  randombytes_buf(buf, 1 << 20);
  t0 = now_s();
  for (int i = 0; i < 64; i++)
    crypto_aead_xchacha20poly1305_ietf_encrypt(buf, &ctlen, buf, 1 << 20, NULL, 0, NULL, nonce, key);
  double t_aead = now_s() - t0;
  printf("xchacha20poly1305 encrypt  %.0f MB/s\n", 64 * 1.048576 / t_aead);
  printf("argon2id interactive       %.0f ms\n", t_pw * 1000);

  puts(bad ? "SMOKE FAILED" : "SMOKE OK");
  return bad;
}
