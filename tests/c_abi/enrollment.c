/* Device enrollment between two devices through the C ABI only (coffre.h), as a native client would do it, with the
 * store as a relay that tampers with every message (docs/SPEC.md sections 10 to 13); then revoking a device
 * (section 14), what the revoked device can still try with every secret it kept, enrolling with the recovery phrase,
 * and the identity fingerprint (section 9). The revoked device's forgeries re-sign entries with libsodium: an
 * attacker is not limited to the ABI (kept_secrets.h: the identity seed it reads from its own memory). */
#include <coffre.h>

#include "expect.h"
#include "kept_secrets.h"

#include <sodium.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A growing buffer of concatenated frames (u32 big-endian length || bytes): the log as the store serves it. */
typedef struct {
  uint8_t* data;
  size_t len;
} frames;

static void frames_add(frames* f, const uint8_t* entry, size_t len) {
  f->data = realloc(f->data, f->len + 4 + len);
  if (f->data == NULL) abort();
  f->data[f->len] = (uint8_t)(len >> 24);
  f->data[f->len + 1] = (uint8_t)(len >> 16);
  f->data[f->len + 2] = (uint8_t)(len >> 8);
  f->data[f->len + 3] = (uint8_t)len;
  memcpy(f->data + f->len + 4, entry, len);
  f->len += 4 + len;
}

static uint8_t* copy(const uint8_t* p, size_t len) {
  uint8_t* c = malloc(len);
  if (c == NULL) abort();
  memcpy(c, p, len);
  return c;
}

/* The account: device A created it; the store holds the log, the sealed state and the wraps. */
typedef struct {
  coffre_device_keys* a;
  coffre_account_secrets* secrets;
  coffre_root_key* root;
  coffre_recovery_phrase* phrase;
  frames log_frames;
  uint8_t* sealed;
  size_t sealed_len;
  uint8_t* recovery_wrap;
  size_t recovery_wrap_len;
  coffre_log* log;
  coffre_device_keys* laptop; /* enrolled by honest_enrollment */
} account;

static void account_create(account* acc) {
  memset(acc, 0, sizeof *acc);
  EXPECT_STATUS(coffre_device_keys_generate(&acc->a), COFFRE_OK);
  EXPECT_STATUS(coffre_recovery_phrase_generate(&acc->phrase), COFFRE_OK);
  uint8_t *genesis = NULL, *device_wrap = NULL;
  size_t genesis_len = 0, device_wrap_len = 0;
  EXPECT_STATUS(coffre_account_create(acc->a, "desktop", 7, NULL, &genesis, &genesis_len, &acc->sealed,
                                      &acc->sealed_len, &device_wrap, &device_wrap_len, &acc->recovery_wrap,
                                      &acc->recovery_wrap_len, &acc->secrets, &acc->root),
                COFFRE_E_INVALID_ARGUMENT);
  EXPECT(genesis == NULL && acc->secrets == NULL);
  EXPECT_STATUS(coffre_account_create(acc->a, "desktop", 7, acc->phrase, &genesis, &genesis_len,
                                      &acc->sealed, &acc->sealed_len, &device_wrap, &device_wrap_len,
                                      &acc->recovery_wrap, &acc->recovery_wrap_len, &acc->secrets, &acc->root),
                COFFRE_OK);
  EXPECT(device_wrap_len == coffre_root_wrap_bytes() && acc->recovery_wrap_len == COFFRE_ROOT_WRAP_BYTES);
  frames_add(&acc->log_frames, genesis, genesis_len);
  EXPECT_STATUS(coffre_log_verify(acc->log_frames.data, acc->log_frames.len, 0, NULL, 0, NULL, 0, &acc->log),
                COFFRE_OK);
  EXPECT(coffre_log_device_count(acc->log) == 1 && coffre_log_root_epoch(acc->log) == 1);

  /* A reopens its own wrap and the sealed state; so does the recovery phrase. */
  coffre_root_key* root = NULL;
  coffre_account_secrets* secrets = NULL;
  EXPECT_STATUS(coffre_root_key_unwrap(acc->a, acc->log, device_wrap, device_wrap_len, &root), COFFRE_OK);
  EXPECT(coffre_root_key_epoch(root) == 1);
  EXPECT_STATUS(coffre_account_state_open(root, acc->log, acc->sealed, acc->sealed_len, &secrets), COFFRE_OK);
  coffre_account_secrets_free(secrets);
  coffre_root_key_free(root);
  EXPECT_STATUS(coffre_root_key_unwrap_recovery(acc->phrase, acc->log, acc->recovery_wrap, acc->recovery_wrap_len,
                                                &root),
                COFFRE_OK);
  coffre_root_key_free(root);
  /* The device wrap is not the recovery key's, and a flipped byte does not open. */
  EXPECT_STATUS(coffre_root_key_unwrap_recovery(acc->phrase, acc->log, device_wrap, device_wrap_len, &root),
                COFFRE_E_WRAP_INVALID);
  EXPECT(root == NULL);
  /* Another phrase is not this account's (its public key is not the genesis's). */
  coffre_recovery_phrase* other = NULL;
  EXPECT_STATUS(coffre_recovery_phrase_generate(&other), COFFRE_OK);
  EXPECT_STATUS(coffre_root_key_unwrap_recovery(other, acc->log, acc->recovery_wrap, acc->recovery_wrap_len, &root),
                COFFRE_E_WRAP_INVALID);
  EXPECT(root == NULL);
  coffre_recovery_phrase_free(other);
  device_wrap[600] ^= 1;
  EXPECT_STATUS(coffre_root_key_unwrap(acc->a, acc->log, device_wrap, device_wrap_len, &root), COFFRE_E_WRAP_INVALID);
  coffre_buffer_free(genesis, genesis_len);
  coffre_buffer_free(device_wrap, device_wrap_len);
}

static void account_free(account* acc) {
  coffre_device_keys_free(acc->a);
  coffre_account_secrets_free(acc->secrets);
  coffre_root_key_free(acc->root);
  coffre_recovery_phrase_free(acc->phrase);
  free(acc->log_frames.data);
  coffre_buffer_free(acc->sealed, acc->sealed_len);
  coffre_buffer_free(acc->recovery_wrap, acc->recovery_wrap_len);
  coffre_log_free(acc->log);
  coffre_device_keys_free(acc->laptop);
}

static const uint64_t now = 1790000000;

/* The whole protocol, untouched, then the new device opens the account. */
static void honest_enrollment(account* acc) {
  coffre_device_keys* n = NULL;
  EXPECT_STATUS(coffre_device_keys_generate(&n), COFFRE_OK);
  coffre_enrollment_requester* req = NULL;
  EXPECT_STATUS(coffre_enrollment_requester_start(n, "laptop", 6, now, 0, &req), COFFRE_OK);
  uint8_t* request = NULL;
  size_t request_len = 0;
  EXPECT_STATUS(coffre_enrollment_requester_request(req, &request, &request_len), COFFRE_OK);
  EXPECT(request_len == 1350 + 6);

  coffre_used_requests* used = NULL;
  EXPECT_STATUS(coffre_used_requests_new(&used), COFFRE_OK);
  coffre_enrollment_approver* app = NULL;
  EXPECT_STATUS(coffre_enrollment_approver_on_request(request, request_len, acc->a, acc->log, now + 5, used, &app),
                COFFRE_OK);
  EXPECT(coffre_used_requests_count(used) == 1);
  uint8_t* name = NULL;
  size_t name_len = 0;
  EXPECT_STATUS(coffre_enrollment_approver_requester_name(app, &name, &name_len), COFFRE_OK);
  EXPECT(name_len == 6 && memcmp(name, "laptop", 6) == 0);
  coffre_buffer_free(name, name_len);

  /* The same request again (the store replays it): refused, also after the used ids went through persistence. */
  coffre_enrollment_approver* again = NULL;
  EXPECT_STATUS(coffre_enrollment_approver_on_request(request, request_len, acc->a, acc->log, now + 6, used, &again),
                COFFRE_E_ENROLLMENT_REPLAYED);
  EXPECT(again == NULL);
  uint8_t* records = NULL;
  size_t records_len = 0;
  EXPECT_STATUS(coffre_used_requests_export(used, &records, &records_len), COFFRE_OK);
  EXPECT(records_len == 24);
  coffre_used_requests* reloaded = NULL;
  EXPECT_STATUS(coffre_used_requests_import(records, records_len, &reloaded), COFFRE_OK);
  EXPECT_STATUS(coffre_enrollment_approver_on_request(request, request_len, acc->a, acc->log, now + 6, reloaded,
                                                      &again),
                COFFRE_E_ENROLLMENT_REPLAYED);
  EXPECT_STATUS(coffre_used_requests_prune(reloaded, now + 600), COFFRE_OK);
  EXPECT(coffre_used_requests_count(reloaded) == 0);
  coffre_used_requests_free(reloaded);
  coffre_buffer_free(records, records_len);

  uint8_t* response = NULL;
  size_t response_len = 0;
  EXPECT_STATUS(coffre_enrollment_approver_response(app, &response, &response_len), COFFRE_OK);
  EXPECT(response_len == 198);
  uint8_t* reveal = NULL;
  size_t reveal_len = 0;
  char sas_n[COFFRE_SAS_BYTES], sas_e[COFFRE_SAS_BYTES];
  EXPECT_STATUS(coffre_enrollment_requester_on_response(req, response, response_len, acc->log, now + 10, &reveal,
                                                        &reveal_len, sas_n, sizeof sas_n),
                COFFRE_OK);
  EXPECT(reveal_len == 118 && strlen(sas_n) == 6);
  EXPECT_STATUS(coffre_enrollment_approver_on_reveal(app, reveal, reveal_len, now + 15, sas_e, sizeof sas_e),
                COFFRE_OK);
  EXPECT(strcmp(sas_n, sas_e) == 0);
  /* Not yet in the log. */
  EXPECT_STATUS(coffre_enrollment_requester_check_enrolled(req, acc->log), COFFRE_E_DEVICE_NOT_ENROLLED);

  /* The user saw equal SAS: A appends the device (authoring the entry: only the device that answered may) and wraps
   * the root key to it. */
  uint8_t *entry = NULL, *wrap = NULL;
  size_t entry_len = 0, wrap_len = 0;
  EXPECT_STATUS(coffre_enrollment_approve(app, acc->log, acc->secrets, acc->root, n, &entry, &entry_len, &wrap,
                                          &wrap_len),
                COFFRE_E_INVALID_ARGUMENT);
  EXPECT(entry == NULL && wrap == NULL);
  EXPECT_STATUS(coffre_enrollment_approve(app, acc->log, acc->secrets, acc->root, NULL, &entry, &entry_len, &wrap,
                                          &wrap_len),
                COFFRE_E_INVALID_ARGUMENT);
  EXPECT_STATUS(coffre_enrollment_approve(app, acc->log, acc->secrets, acc->root, acc->a, &entry, &entry_len, &wrap,
                                          &wrap_len),
                COFFRE_OK);
  uint8_t pinned[COFFRE_LOG_HASH_BYTES];
  uint64_t pinned_seq = 99;
  EXPECT_STATUS(coffre_log_head(acc->log, &pinned_seq, pinned, sizeof pinned), COFFRE_OK);
  EXPECT(pinned_seq == 0);
  frames appended = {NULL, 0};
  frames_add(&appended, entry, entry_len);
  frames_add(&acc->log_frames, entry, entry_len);

  /* N fetches the whole log (trust on first use), A only what follows its head: the same state. */
  coffre_log* log_n = NULL;
  coffre_log* log_a = NULL;
  EXPECT_STATUS(coffre_log_verify(acc->log_frames.data, acc->log_frames.len, 0, NULL, 0, NULL, 0, &log_n), COFFRE_OK);
  EXPECT_STATUS(coffre_log_verify_appended(acc->log, appended.data, appended.len, &log_a), COFFRE_OK);
  uint8_t id_n[COFFRE_DEVICE_ID_BYTES], id[COFFRE_DEVICE_ID_BYTES], head_a[32], head_n[32];
  uint64_t seq_a = 0, seq_n = 0;
  EXPECT_STATUS(coffre_log_head(log_a, &seq_a, head_a, sizeof head_a), COFFRE_OK);
  EXPECT_STATUS(coffre_log_head(log_n, &seq_n, head_n, sizeof head_n), COFFRE_OK);
  EXPECT(seq_a == 1 && seq_n == 1 && memcmp(head_a, head_n, 32) == 0);
  EXPECT_STATUS(coffre_device_keys_id(n, id_n, sizeof id_n), COFFRE_OK);
  EXPECT(coffre_log_contains(log_n, id_n, sizeof id_n) == 1 && coffre_log_contains(acc->log, id_n, 16) == 0);
  EXPECT(coffre_log_device_count(log_n) == 2);
  EXPECT_STATUS(coffre_log_device_id(log_n, 1, id, sizeof id), COFFRE_OK);
  EXPECT(memcmp(id, id_n, 16) == 0);
  EXPECT_STATUS(coffre_log_device_id(log_n, 2, id, sizeof id), COFFRE_E_INVALID_ARGUMENT);
  EXPECT_STATUS(coffre_log_device_name(log_n, 1, &name, &name_len), COFFRE_OK);
  EXPECT(name_len == 6 && memcmp(name, "laptop", 6) == 0);
  coffre_buffer_free(name, name_len);
  EXPECT_STATUS(coffre_enrollment_requester_check_enrolled(req, log_n), COFFRE_OK);

  /* N opens its root wrap and the sealed state: it now has the account's secrets. */
  coffre_root_key* root = NULL;
  coffre_account_secrets* secrets = NULL;
  EXPECT_STATUS(coffre_root_key_unwrap(n, log_n, wrap, wrap_len, &root), COFFRE_OK);
  EXPECT_STATUS(coffre_account_state_open(root, log_n, acc->sealed, acc->sealed_len, &secrets), COFFRE_OK);
  EXPECT(secrets != NULL);
  /* A's wrap key is not N's. */
  coffre_root_key* wrong = NULL;
  EXPECT_STATUS(coffre_root_key_unwrap(acc->a, log_n, wrap, wrap_len, &wrong), COFFRE_E_WRAP_INVALID);

  /* The store serves the old log to someone who pinned the new head: rollback; or a modified entry. */
  coffre_log* bad = NULL;
  size_t genesis_frame_len = acc->log_frames.len - 4 - entry_len;
  EXPECT_STATUS(coffre_log_verify(acc->log_frames.data, genesis_frame_len, seq_n, head_n, 32, NULL, 0, &bad),
                COFFRE_E_LOG_ROLLBACK);
  uint8_t* forked = copy(acc->log_frames.data, acc->log_frames.len);
  forked[acc->log_frames.len - 1] ^= 1; /* the pop's last byte */
  EXPECT_STATUS(coffre_log_verify(forked, acc->log_frames.len, 1, head_n, 32, NULL, 0, &bad), COFFRE_E_LOG_FORK);
  EXPECT_STATUS(coffre_log_verify(forked, acc->log_frames.len, 0, NULL, 0, NULL, 0, &bad),
                COFFRE_E_SIGNATURE_INVALID);
  EXPECT_STATUS(coffre_log_verify(forked, acc->log_frames.len - 1, 0, NULL, 0, NULL, 0, &bad),
                COFFRE_E_INVALID_ARGUMENT); /* framing */
  EXPECT(bad == NULL);
  free(forked);

  /* A device id can be enrolled once. */
  coffre_enrollment_requester* req2 = NULL;
  EXPECT_STATUS(coffre_enrollment_requester_start(n, "laptop", 6, now, 0, &req2), COFFRE_OK);
  uint8_t* request2 = NULL;
  size_t request2_len = 0;
  EXPECT_STATUS(coffre_enrollment_requester_request(req2, &request2, &request2_len), COFFRE_OK);
  coffre_enrollment_approver* app2 = NULL;
  EXPECT_STATUS(coffre_enrollment_approver_on_request(request2, request2_len, acc->a, log_a, now, used, &app2),
                COFFRE_E_ALREADY_EXISTS);
  coffre_buffer_free(request2, request2_len);
  coffre_enrollment_requester_free(req2);

  coffre_log_free(acc->log);
  acc->log = log_a;
  coffre_log_free(log_n);
  coffre_root_key_free(root);
  coffre_account_secrets_free(secrets);
  free(appended.data);
  coffre_buffer_free(entry, entry_len);
  coffre_buffer_free(wrap, wrap_len);
  coffre_buffer_free(reveal, reveal_len);
  coffre_buffer_free(response, response_len);
  coffre_buffer_free(request, request_len);
  coffre_enrollment_approver_free(app);
  coffre_used_requests_free(used);
  coffre_enrollment_requester_free(req);
  acc->laptop = n;
}

/* One exchange up to the point where the relay tampers. */
typedef struct {
  coffre_device_keys* n;
  coffre_enrollment_requester* req;
  coffre_enrollment_approver* app;
  coffre_used_requests* used;
  uint8_t* request;
  size_t request_len;
  uint8_t* response;
  size_t response_len;
} exchange;

static void exchange_start(exchange* x, const account* acc) {
  memset(x, 0, sizeof *x);
  EXPECT_STATUS(coffre_device_keys_generate(&x->n), COFFRE_OK);
  EXPECT_STATUS(coffre_enrollment_requester_start(x->n, "phone", 5, now, 60, &x->req), COFFRE_OK);
  EXPECT_STATUS(coffre_enrollment_requester_request(x->req, &x->request, &x->request_len), COFFRE_OK);
  EXPECT_STATUS(coffre_used_requests_new(&x->used), COFFRE_OK);
}

static void exchange_answer(exchange* x, const account* acc) {
  EXPECT_STATUS(coffre_enrollment_approver_on_request(x->request, x->request_len, acc->a, acc->log, now, x->used,
                                                      &x->app),
                COFFRE_OK);
  EXPECT_STATUS(coffre_enrollment_approver_response(x->app, &x->response, &x->response_len), COFFRE_OK);
}

static void exchange_free(exchange* x) {
  coffre_device_keys_free(x->n);
  coffre_enrollment_requester_free(x->req);
  coffre_enrollment_approver_free(x->app);
  coffre_used_requests_free(x->used);
  coffre_buffer_free(x->request, x->request_len);
  coffre_buffer_free(x->response, x->response_len);
}

static void tampering_relay(const account* acc) {
  char sas[COFFRE_SAS_BYTES], sas_e[COFFRE_SAS_BYTES];
  uint8_t* reveal = NULL;
  size_t reveal_len = 0;
  exchange x;

  /* The request's name byte: the request parses, but its commitment still holds: caught by N's pop at the reveal
   * (N's transcript is not E's). A modified key instead fails on the request. */
  exchange_start(&x, acc);
  x.request[x.request_len - 32 - 1] ^= 1; /* last byte of the name */
  exchange_answer(&x, acc);
  EXPECT_STATUS(coffre_enrollment_requester_on_response(x.req, x.response, x.response_len, acc->log, now, &reveal,
                                                        &reveal_len, sas, sizeof sas),
                COFFRE_OK);
  EXPECT_STATUS(coffre_enrollment_approver_on_reveal(x.app, reveal, reveal_len, now, sas_e, sizeof sas_e),
                COFFRE_E_SIGNATURE_INVALID);
  EXPECT(sas_e[0] == '\0');
  /* Every error is final. */
  EXPECT_STATUS(coffre_enrollment_approver_on_reveal(x.app, reveal, reveal_len, now, sas_e, sizeof sas_e),
                COFFRE_E_BAD_STATE);
  coffre_buffer_free(reveal, reveal_len);
  exchange_free(&x);

  /* The request's commitment: the reveal no longer matches it. */
  exchange_start(&x, acc);
  x.request[x.request_len - 1] ^= 1;
  exchange_answer(&x, acc);
  EXPECT_STATUS(coffre_enrollment_requester_on_response(x.req, x.response, x.response_len, acc->log, now, &reveal,
                                                        &reveal_len, sas, sizeof sas),
                COFFRE_OK);
  EXPECT_STATUS(coffre_enrollment_approver_on_reveal(x.app, reveal, reveal_len, now, sas_e, sizeof sas_e),
                COFFRE_E_ENROLLMENT_INVALID);
  coffre_buffer_free(reveal, reveal_len);
  exchange_free(&x);

  /* The request's lifetime field: malformed (expires <= created). */
  exchange_start(&x, acc);
  memset(x.request + 6 + 16 + 8, 0, 8);
  EXPECT_STATUS(coffre_enrollment_approver_on_request(x.request, x.request_len, acc->a, acc->log, now, x.used, &x.app),
                COFFRE_E_ENROLLMENT_INVALID);
  EXPECT(x.app == NULL && coffre_used_requests_count(x.used) == 0);
  exchange_free(&x);

  /* The response: its signature, its request id, or its user id; then a response out of time. */
  static const size_t response_offsets[] = {197, 6, 6 + 16 + 4};
  static const int response_statuses[] = {COFFRE_E_SIGNATURE_INVALID, COFFRE_E_ENROLLMENT_INVALID,
                                          COFFRE_E_ENROLLMENT_INVALID};
  for (size_t i = 0; i < 3; ++i) {
    exchange_start(&x, acc);
    exchange_answer(&x, acc);
    x.response[response_offsets[i]] ^= 1;
    EXPECT_STATUS(coffre_enrollment_requester_on_response(x.req, x.response, x.response_len, acc->log, now, &reveal,
                                                          &reveal_len, sas, sizeof sas),
                  response_statuses[i]);
    EXPECT(reveal == NULL && reveal_len == 0 && sas[0] == '\0');
    x.response[response_offsets[i]] ^= 1;
    EXPECT_STATUS(coffre_enrollment_requester_on_response(x.req, x.response, x.response_len, acc->log, now, &reveal,
                                                          &reveal_len, sas, sizeof sas),
                  COFFRE_E_BAD_STATE);
    exchange_free(&x);
  }
  exchange_start(&x, acc);
  exchange_answer(&x, acc);
  EXPECT_STATUS(coffre_enrollment_requester_on_response(x.req, x.response, x.response_len, acc->log, now + 60, &reveal,
                                                        &reveal_len, sas, sizeof sas),
                COFFRE_E_ENROLLMENT_EXPIRED);
  exchange_free(&x);

  /* The reveal: its nonce (commitment), its pop, or a reveal that arrives too late. */
  static const size_t reveal_offsets[] = {6 + 16, 117};
  static const int reveal_statuses[] = {COFFRE_E_ENROLLMENT_INVALID, COFFRE_E_SIGNATURE_INVALID};
  for (size_t i = 0; i < 3; ++i) {
    exchange_start(&x, acc);
    exchange_answer(&x, acc);
    EXPECT_STATUS(coffre_enrollment_requester_on_response(x.req, x.response, x.response_len, acc->log, now, &reveal,
                                                          &reveal_len, sas, sizeof sas),
                  COFFRE_OK);
    if (i < 2) {
      reveal[reveal_offsets[i]] ^= 1;
      EXPECT_STATUS(coffre_enrollment_approver_on_reveal(x.app, reveal, reveal_len, now, sas_e, sizeof sas_e),
                    reveal_statuses[i]);
    } else {
      EXPECT_STATUS(coffre_enrollment_approver_on_reveal(x.app, reveal, reveal_len, now + 60, sas_e, sizeof sas_e),
                    COFFRE_E_ENROLLMENT_EXPIRED);
    }
    coffre_buffer_free(reveal, reveal_len);
    exchange_free(&x);
  }

  /* The store substitutes its own request (its device M) for N's: E's transcript is M's, and the SAS E shows is not
   * the one N shows in its own, genuine exchange. N, handed E's response to M, refuses it. */
  exchange genuine, mitm;
  exchange_start(&genuine, acc);
  exchange_start(&mitm, acc);
  exchange_answer(&mitm, acc);
  EXPECT_STATUS(coffre_enrollment_requester_on_response(genuine.req, mitm.response, mitm.response_len, acc->log, now,
                                                        &reveal, &reveal_len, sas, sizeof sas),
                COFFRE_E_ENROLLMENT_INVALID);
  coffre_enrollment_requester_free(genuine.req);
  genuine.req = NULL;
  EXPECT_STATUS(coffre_enrollment_requester_start(genuine.n, "phone", 5, now, 60, &genuine.req), COFFRE_OK);
  coffre_buffer_free(genuine.request, genuine.request_len);
  EXPECT_STATUS(coffre_enrollment_requester_request(genuine.req, &genuine.request, &genuine.request_len), COFFRE_OK);
  exchange_answer(&genuine, acc);
  char sas_m[COFFRE_SAS_BYTES], sas_em[COFFRE_SAS_BYTES];
  EXPECT_STATUS(coffre_enrollment_requester_on_response(mitm.req, mitm.response, mitm.response_len, acc->log, now,
                                                        &reveal, &reveal_len, sas_m, sizeof sas_m),
                COFFRE_OK);
  EXPECT_STATUS(coffre_enrollment_approver_on_reveal(mitm.app, reveal, reveal_len, now, sas_em, sizeof sas_em),
                COFFRE_OK);
  coffre_buffer_free(reveal, reveal_len);
  EXPECT_STATUS(coffre_enrollment_requester_on_response(genuine.req, genuine.response, genuine.response_len, acc->log,
                                                        now, &reveal, &reveal_len, sas, sizeof sas),
                COFFRE_OK);
  coffre_buffer_free(reveal, reveal_len);
  EXPECT(strcmp(sas_em, sas_m) == 0);
  EXPECT(strcmp(sas, sas_em) != 0); /* fails with probability 1e-6 */
  exchange_free(&genuine);
  exchange_free(&mitm);

  /* A device that is not enrolled cannot answer. */
  exchange_start(&x, acc);
  EXPECT_STATUS(coffre_enrollment_approver_on_request(x.request, x.request_len, x.n, acc->log, now, x.used, &x.app),
                COFFRE_E_DEVICE_NOT_ENROLLED);
  exchange_free(&x);
}

static void keys_and_phrase(void) {
  coffre_device_keys *k = NULL, *k2 = NULL;
  EXPECT_STATUS(coffre_device_keys_generate(&k), COFFRE_OK);
  uint8_t id[16], sign_seed[32], kem_seed[32], pk[1216], pk2[1216], spk[32], spk2[32];
  EXPECT_STATUS(coffre_device_keys_id(k, id, sizeof id), COFFRE_OK);
  EXPECT_STATUS(coffre_device_keys_export_secret_seeds(k, sign_seed, 32, kem_seed, 32), COFFRE_OK);
  EXPECT_STATUS(coffre_device_keys_from_seeds(id, 16, sign_seed, 32, kem_seed, 32, &k2), COFFRE_OK);
  EXPECT_STATUS(coffre_device_keys_kem_public_key(k, pk, sizeof pk), COFFRE_OK);
  EXPECT_STATUS(coffre_device_keys_kem_public_key(k2, pk2, sizeof pk2), COFFRE_OK);
  EXPECT_STATUS(coffre_device_keys_sign_public_key(k, spk, sizeof spk), COFFRE_OK);
  EXPECT_STATUS(coffre_device_keys_sign_public_key(k2, spk2, sizeof spk2), COFFRE_OK);
  EXPECT(memcmp(pk, pk2, sizeof pk) == 0 && memcmp(spk, spk2, 32) == 0);
  EXPECT_STATUS(coffre_device_keys_kem_public_key(k, pk, 1215), COFFRE_E_INVALID_ARGUMENT);
  coffre_device_keys_free(k2);
  k2 = NULL;
  EXPECT_STATUS(coffre_device_keys_from_seeds(id, 15, sign_seed, 32, kem_seed, 32, &k2), COFFRE_E_INVALID_ARGUMENT);
  memset(id, 0xff, sizeof id);
  EXPECT_STATUS(coffre_device_keys_from_seeds(id, 16, sign_seed, 32, kem_seed, 32, &k2), COFFRE_E_INVALID_ARGUMENT);
  EXPECT(k2 == NULL);
  coffre_device_keys_free(k);
  coffre_device_keys_free(NULL);

  coffre_recovery_phrase *p = NULL, *p2 = NULL;
  EXPECT_STATUS(coffre_recovery_phrase_generate(&p), COFFRE_OK);
  uint8_t* words = NULL;
  size_t words_len = 0;
  EXPECT_STATUS(coffre_recovery_phrase_words(p, &words, &words_len), COFFRE_OK);
  size_t spaces = 0;
  for (size_t i = 0; i < words_len; ++i) spaces += words[i] == ' ';
  EXPECT(spaces == 23);
  EXPECT_STATUS(coffre_recovery_phrase_check((const char*)words, words_len), COFFRE_OK);
  EXPECT_STATUS(coffre_recovery_phrase_from_words((const char*)words, words_len, &p2), COFFRE_OK);
  EXPECT_STATUS(coffre_recovery_phrase_kem_public_key(p, pk, sizeof pk), COFFRE_OK);
  EXPECT_STATUS(coffre_recovery_phrase_kem_public_key(p2, pk2, sizeof pk2), COFFRE_OK);
  EXPECT(memcmp(pk, pk2, sizeof pk) == 0);
  coffre_recovery_phrase_free(p2);
  p2 = NULL;
  EXPECT_STATUS(coffre_recovery_phrase_from_words((const char*)words, words_len - 1, &p2),
                COFFRE_E_RECOVERY_PHRASE_INVALID);
  EXPECT(p2 == NULL);
  coffre_buffer_free(words, words_len);
  coffre_recovery_phrase_free(p);
  EXPECT(coffre_root_wrap_bytes() == COFFRE_ROOT_WRAP_BYTES && coffre_sas_bytes() == COFFRE_SAS_BYTES &&
         coffre_kem_public_key_bytes() == COFFRE_KEM_PUBLIC_KEY_BYTES &&
         coffre_enrollment_max_lifetime() == COFFRE_ENROLLMENT_MAX_LIFETIME);
}

/* Enrolls a fresh device (the honest exchange, without the checks of honest_enrollment) and appends it to acc. */
static coffre_device_keys* enroll(account* acc, const char* name) {
  coffre_device_keys* n = NULL;
  coffre_enrollment_requester* req = NULL;
  coffre_used_requests* used = NULL;
  coffre_enrollment_approver* app = NULL;
  uint8_t *request = NULL, *response = NULL, *reveal = NULL, *entry = NULL, *wrap = NULL;
  size_t request_len = 0, response_len = 0, reveal_len = 0, entry_len = 0, wrap_len = 0;
  char sas_n[COFFRE_SAS_BYTES], sas_e[COFFRE_SAS_BYTES];
  EXPECT_STATUS(coffre_device_keys_generate(&n), COFFRE_OK);
  EXPECT_STATUS(coffre_enrollment_requester_start(n, name, strlen(name), now, 0, &req), COFFRE_OK);
  EXPECT_STATUS(coffre_enrollment_requester_request(req, &request, &request_len), COFFRE_OK);
  EXPECT_STATUS(coffre_used_requests_new(&used), COFFRE_OK);
  EXPECT_STATUS(coffre_enrollment_approver_on_request(request, request_len, acc->a, acc->log, now, used, &app),
                COFFRE_OK);
  EXPECT_STATUS(coffre_enrollment_approver_response(app, &response, &response_len), COFFRE_OK);
  EXPECT_STATUS(coffre_enrollment_requester_on_response(req, response, response_len, acc->log, now, &reveal,
                                                        &reveal_len, sas_n, sizeof sas_n),
                COFFRE_OK);
  EXPECT_STATUS(coffre_enrollment_approver_on_reveal(app, reveal, reveal_len, now, sas_e, sizeof sas_e), COFFRE_OK);
  EXPECT(strcmp(sas_n, sas_e) == 0);
  /* A third party (or a vector) computes the same transcript and SAS from the three messages alone. */
  uint8_t transcript[COFFRE_LOG_HASH_BYTES];
  char sas_t[COFFRE_SAS_BYTES];
  EXPECT_STATUS(coffre_enrollment_transcript(request, request_len, response, response_len, reveal, reveal_len,
                                             transcript, sizeof transcript, sas_t, sizeof sas_t),
                COFFRE_OK);
  EXPECT(strcmp(sas_t, sas_n) == 0);
  reveal[reveal_len - 1] ^= 1; /* the pop */
  EXPECT_STATUS(coffre_enrollment_transcript(request, request_len, response, response_len, reveal, reveal_len,
                                             transcript, sizeof transcript, sas_t, sizeof sas_t),
                COFFRE_E_SIGNATURE_INVALID);
  EXPECT(sas_t[0] == '\0');
  reveal[30] ^= 1; /* the nonce: it no longer opens the commitment */
  EXPECT_STATUS(coffre_enrollment_transcript(request, request_len, response, response_len, reveal, reveal_len,
                                             transcript, sizeof transcript, sas_t, sizeof sas_t),
                COFFRE_E_ENROLLMENT_INVALID);

  EXPECT_STATUS(coffre_enrollment_approve(app, acc->log, acc->secrets, acc->root, acc->a, &entry, &entry_len, &wrap,
                                          &wrap_len),
                COFFRE_OK);
  frames appended = {NULL, 0};
  frames_add(&appended, entry, entry_len);
  frames_add(&acc->log_frames, entry, entry_len);
  coffre_log* next = NULL;
  EXPECT_STATUS(coffre_log_verify_appended(acc->log, appended.data, appended.len, &next), COFFRE_OK);
  coffre_log_free(acc->log);
  acc->log = next;
  free(appended.data);
  coffre_buffer_free(request, request_len);
  coffre_buffer_free(response, response_len);
  coffre_buffer_free(reveal, reveal_len);
  coffre_buffer_free(entry, entry_len);
  coffre_buffer_free(wrap, wrap_len);
  coffre_enrollment_approver_free(app);
  coffre_used_requests_free(used);
  coffre_enrollment_requester_free(req);
  return n;
}

/* Whether `device` opens any of the plan's wraps for `log` (and, if so, the sealed state too). */
static int opens_any_wrap(const coffre_revocation* plan, const coffre_device_keys* device, const coffre_log* log,
                          const uint8_t* sealed, size_t sealed_len) {
  int opened = 0;
  for (size_t i = 0; i < coffre_revocation_wrap_count(plan); i++) {
    uint8_t recipient[COFFRE_DEVICE_ID_BYTES], wrap[COFFRE_ROOT_WRAP_BYTES];
    EXPECT_STATUS(coffre_revocation_wrap(plan, i, recipient, sizeof recipient, wrap, sizeof wrap), COFFRE_OK);
    coffre_root_key* root = NULL;
    int st = coffre_root_key_unwrap(device, log, wrap, sizeof wrap, &root);
    EXPECT(st == COFFRE_OK || st == COFFRE_E_WRAP_INVALID);
    if (st != COFFRE_OK) continue;
    coffre_account_secrets* secrets = NULL;
    EXPECT(coffre_root_key_epoch(root) == coffre_log_root_epoch(log));
    EXPECT_STATUS(coffre_account_state_open(root, log, sealed, sealed_len, &secrets), COFFRE_OK);
    opened = 1;
    coffre_account_secrets_free(secrets);
    coffre_root_key_free(root);
  }
  return opened;
}

/* The entry layout (docs/SPEC.md section 10): seq at offset 5 (u64 big-endian), prev at 13 (32 bytes); at the end,
 * the author id (16 bytes) and the three signatures (identity, author, tail), which cover every byte before them. */
enum { ENTRY_SEQ_AT = 5, ENTRY_PREV_AT = 13, ENTRY_SIGNATURES = 3 * 64 };

/* An Ed25519 signature by the key of `seed` over frame(label) || message, as the library signs (SPEC section 6). */
static void sign_labeled(const uint8_t seed[32], const char* label, const uint8_t* message, size_t len,
                         uint8_t sig[64]) {
  unsigned char pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES];
  crypto_sign_seed_keypair(pk, sk, seed);
  const size_t label_len = strlen(label);
  uint8_t* m = malloc(4 + label_len + len);
  if (m == NULL) abort();
  for (int i = 0; i < 4; i++) m[i] = (uint8_t)(label_len >> (24 - 8 * i));
  memcpy(m + 4, label, label_len);
  memcpy(m + 4 + label_len, message, len);
  crypto_sign_detached(sig, NULL, m, 4 + label_len + len, sk);
  sodium_memzero(sk, sizeof sk);
  free(m);
}

/* What a forger holding the keys can do with an entry: put it at (seq, prev), name `author`, and sign it again with
 * `identity_seed` (the identity signature) and `author_seed` (the author signature). The tail, a proof of
 * possession, does not cover the position and stays. A new buffer of the same length (free it). */
static uint8_t* forge_entry(const uint8_t* entry, size_t len, uint64_t seq, const uint8_t prev[32],
                           const uint8_t author[COFFRE_DEVICE_ID_BYTES], const uint8_t identity_seed[32],
                           const uint8_t author_seed[32]) {
  uint8_t* e = copy(entry, len);
  for (int i = 0; i < 8; i++) e[ENTRY_SEQ_AT + i] = (uint8_t)(seq >> (56 - 8 * i));
  memcpy(e + ENTRY_PREV_AT, prev, 32);
  const size_t signed_len = len - ENTRY_SIGNATURES;
  memcpy(e + signed_len - COFFRE_DEVICE_ID_BYTES, author, COFFRE_DEVICE_ID_BYTES);
  sign_labeled(identity_seed, "coffre/v1/log/entry", e, signed_len, e + signed_len);
  sign_labeled(author_seed, "coffre/v1/log/author", e, signed_len, e + signed_len + 64);
  return e;
}

/* verify_appended of one entry after `log`. */
static int append_one(const coffre_log* log, const uint8_t* entry, size_t len, coffre_log** out) {
  frames f = {NULL, 0};
  frames_add(&f, entry, len);
  int st = coffre_log_verify_appended(log, f.data, f.len, out);
  free(f.data);
  return st;
}

/* An add-device entry for a fresh device, approved by `approver` against `log` with `secrets` and `root` (the
 * honest exchange through the ABI). */
static void approved_entry(const coffre_device_keys* approver, const coffre_log* log,
                           const coffre_account_secrets* secrets, const coffre_root_key* root, uint8_t** entry,
                           size_t* entry_len) {
  coffre_device_keys* n = NULL;
  coffre_enrollment_requester* req = NULL;
  coffre_used_requests* used = NULL;
  coffre_enrollment_approver* app = NULL;
  uint8_t *request = NULL, *response = NULL, *reveal = NULL, *wrap = NULL;
  size_t request_len = 0, response_len = 0, reveal_len = 0, wrap_len = 0;
  char sas_n[COFFRE_SAS_BYTES], sas_e[COFFRE_SAS_BYTES];
  REQUIRE_OK(coffre_device_keys_generate(&n));
  REQUIRE_OK(coffre_enrollment_requester_start(n, "intruder", 8, now, 0, &req));
  REQUIRE_OK(coffre_enrollment_requester_request(req, &request, &request_len));
  REQUIRE_OK(coffre_used_requests_new(&used));
  REQUIRE_OK(coffre_enrollment_approver_on_request(request, request_len, approver, log, now, used, &app));
  REQUIRE_OK(coffre_enrollment_approver_response(app, &response, &response_len));
  REQUIRE_OK(coffre_enrollment_requester_on_response(req, response, response_len, log, now, &reveal, &reveal_len,
                                                     sas_n, sizeof sas_n));
  REQUIRE_OK(coffre_enrollment_approver_on_reveal(app, reveal, reveal_len, now, sas_e, sizeof sas_e));
  REQUIRE_OK(coffre_enrollment_approve(app, log, secrets, root, approver, entry, entry_len, &wrap, &wrap_len));
  coffre_buffer_free(request, request_len);
  coffre_buffer_free(response, response_len);
  coffre_buffer_free(reveal, reveal_len);
  coffre_buffer_free(wrap, wrap_len);
  coffre_enrollment_approver_free(app);
  coffre_used_requests_free(used);
  coffre_enrollment_requester_free(req);
  coffre_device_keys_free(n);
}

/* The laptop, revoked, kept every secret it had: its device keys, and epoch 1's log, root key and account secrets
 * (the old identity key among them). It tries to add a device of its own after the revocation (section 14). */
static void revoked_device_appends(const account* acc, const coffre_log* after, const uint8_t* revoke_entry,
                                   size_t revoke_entry_len, const uint8_t honest_id[COFFRE_DEVICE_ID_BYTES]) {
  uint8_t laptop_id[COFFRE_DEVICE_ID_BYTES], laptop_seed[32], kem_seed[32], identity_seed[32];
  REQUIRE_OK(coffre_device_keys_id(acc->laptop, laptop_id, sizeof laptop_id));
  REQUIRE_OK(coffre_device_keys_export_secret_seeds(acc->laptop, laptop_seed, 32, kem_seed, 32));
  kept_identity_seed(acc->secrets, identity_seed);

  /* Against the current log it is no device: it cannot answer a request. */
  coffre_device_keys* n = NULL;
  coffre_enrollment_requester* req = NULL;
  coffre_used_requests* used = NULL;
  coffre_enrollment_approver* app = NULL;
  uint8_t* request = NULL;
  size_t request_len = 0;
  REQUIRE_OK(coffre_device_keys_generate(&n));
  REQUIRE_OK(coffre_enrollment_requester_start(n, "intruder", 8, now, 0, &req));
  REQUIRE_OK(coffre_enrollment_requester_request(req, &request, &request_len));
  REQUIRE_OK(coffre_used_requests_new(&used));
  EXPECT_STATUS(coffre_enrollment_approver_on_request(request, request_len, acc->laptop, after, now, used, &app),
                COFFRE_E_DEVICE_NOT_ENROLLED);
  coffre_buffer_free(request, request_len);
  coffre_used_requests_free(used);
  coffre_enrollment_requester_free(req);
  coffre_device_keys_free(n);

  /* Against the epoch-1 log it kept, the ABI lets it approve: an entry authored by the laptop, signed with the old
   * identity key, after the old head. Appended as it is, it does not follow the revocation. */
  uint8_t* entry = NULL;
  size_t entry_len = 0;
  approved_entry(acc->laptop, acc->log, acc->secrets, acc->root, &entry, &entry_len);
  coffre_log* bad = NULL;
  EXPECT_STATUS(append_one(after, entry, entry_len, &bad), COFFRE_E_LOG_BROKEN_CHAIN);

  uint8_t head[COFFRE_LOG_HASH_BYTES];
  uint64_t seq = 0;
  REQUIRE_OK(coffre_log_head(after, &seq, head, sizeof head));
  /* (a) Re-chained after the revocation and signed again with the keys it holds: its author is revoked. Also when a
   * new device fetches the whole log. */
  uint8_t* own = forge_entry(entry, entry_len, seq + 1, head, laptop_id, identity_seed, laptop_seed);
  EXPECT_STATUS(append_one(after, own, entry_len, &bad), COFFRE_E_DEVICE_REVOKED);
  frames whole = {copy(acc->log_frames.data, acc->log_frames.len), acc->log_frames.len};
  frames_add(&whole, revoke_entry, revoke_entry_len);
  frames_add(&whole, own, entry_len);
  EXPECT_STATUS(coffre_log_verify(whole.data, whole.len, 0, NULL, 0, NULL, 0, &bad), COFFRE_E_DEVICE_REVOKED);
  /* (b) Naming an enrolled device as its author: it cannot make that device's signature (it signs with its own key),
   * and the identity signature is by the key the revocation replaced, which is checked first. */
  uint8_t* borrowed = forge_entry(entry, entry_len, seq + 1, head, honest_id, identity_seed, laptop_seed);
  EXPECT_STATUS(append_one(after, borrowed, entry_len, &bad), COFFRE_E_IDENTITY_SUPERSEDED);
  EXPECT(bad == NULL);
  /* The same forgery before the revocation (the old identity in force): only the author signature fails. */
  uint64_t old_seq = 0;
  uint8_t old_head[COFFRE_LOG_HASH_BYTES];
  REQUIRE_OK(coffre_log_head(acc->log, &old_seq, old_head, sizeof old_head));
  uint8_t* early = forge_entry(entry, entry_len, old_seq + 1, old_head, honest_id, identity_seed, laptop_seed);
  EXPECT_STATUS(append_one(acc->log, early, entry_len, &bad), COFFRE_E_SIGNATURE_INVALID);

  sodium_memzero(identity_seed, sizeof identity_seed);
  sodium_memzero(laptop_seed, sizeof laptop_seed);
  sodium_memzero(kem_seed, sizeof kem_seed);
  free(whole.data);
  free(own);
  free(borrowed);
  free(early);
  coffre_buffer_free(entry, entry_len);
}

/* The first (here: only) contact of a trust store: its state and whether a record is pending. */
static void contact_state(const coffre_trust_store* store, uint32_t* state, int* has_pending) {
  uint8_t user[COFFRE_USER_ID_BYTES];
  REQUIRE_OK(coffre_trust_store_contact(store, 0, user, sizeof user, state, has_pending));
}

/* Verifies the account's contact in bob's store with the safety number it shows (its pending record's if any). */
static void verify_contact(coffre_trust_store* store, const uint8_t* user, const coffre_trusted_contact* me) {
  char number[COFFRE_SAFETY_NUMBER_BYTES];
  REQUIRE_OK(coffre_trust_store_safety_number(store, user, COFFRE_USER_ID_BYTES, me, number, sizeof number));
  EXPECT_STATUS(coffre_trust_store_verify(store, user, COFFRE_USER_ID_BYTES, number, strlen(number), me), COFFRE_OK);
}

/* (c) The directory after the revocation (section 17): the laptop, with the epoch-1 log and secrets it kept, plans a
 * revocation of its own (of the desktop: a fork a store could serve) and, through the ABI like any client, publishes
 * the record of its new identity, continuity-signed by the old identity key. The device list and the trust store
 * both refuse it. */
static void revoked_device_publishes(const account* acc, const coffre_log* after,
                                     const coffre_account_secrets* new_secrets) {
  uint8_t user[COFFRE_USER_ID_BYTES], desktop_id[COFFRE_DEVICE_ID_BYTES];
  REQUIRE_OK(coffre_log_user_id(after, user, sizeof user));
  REQUIRE_OK(coffre_device_keys_id(acc->a, desktop_id, sizeof desktop_id));
  coffre_revocation* fork = NULL;
  coffre_account_secrets* forged_secrets = NULL;
  REQUIRE_OK(coffre_revocation_plan(acc->log, acc->secrets, acc->laptop, desktop_id, sizeof desktop_id, &fork));
  REQUIRE_OK(coffre_revocation_secrets(fork, &forged_secrets));
  coffre_revocation_free(fork);
  EXPECT(coffre_account_secrets_identity_generation(acc->secrets) == 1 &&
         coffre_account_secrets_identity_generation(new_secrets) == 2 &&
         coffre_account_secrets_identity_generation(forged_secrets) == 2);

  /* Generation 1; the revoking device's generation 2; the laptop's generation 2. All three verify alone. */
  coffre_directory_record *first = NULL, *honest = NULL, *forged = NULL;
  REQUIRE_OK(coffre_directory_record_make(user, sizeof user, acc->secrets, now, NULL, &first));
  REQUIRE_OK(coffre_directory_record_make(user, sizeof user, new_secrets, now + 1, acc->secrets, &honest));
  REQUIRE_OK(coffre_directory_record_make(user, sizeof user, forged_secrets, now + 1, acc->secrets, &forged));
  uint8_t previous[32], superseded[32];
  REQUIRE_OK(coffre_directory_record_previous_identity_public_key(forged, previous, sizeof previous));
  EXPECT(coffre_log_superseded_identity_count(after) == 1);
  REQUIRE_OK(coffre_log_superseded_identity(after, 0, superseded, sizeof superseded));
  EXPECT(memcmp(previous, superseded, 32) == 0); /* a genuine continuity signature */

  /* Against the verified device list, only the revoking device's record holds. */
  EXPECT_STATUS(coffre_directory_record_check_log(first, acc->log), COFFRE_OK);
  EXPECT_STATUS(coffre_directory_record_check_log(honest, after), COFFRE_OK);
  EXPECT_STATUS(coffre_directory_record_check_log(forged, after), COFFRE_E_RECORD_INVALID);
  EXPECT_STATUS(coffre_directory_record_check_log(first, after), COFFRE_E_KEY_VERSION_ROLLBACK);
  EXPECT_STATUS(coffre_directory_record_check_log(honest, acc->log), COFFRE_E_RECORD_INVALID); /* a stale log */
  EXPECT_STATUS(coffre_directory_record_check_log(honest, NULL), COFFRE_E_INVALID_ARGUMENT);

  /* Bob verified the account at generation 1. A new generation is never followed, even with continuity: it waits
   * as pending (trust_mismatch), and sharing stops until bob compares the new safety number. */
  coffre_account_secrets* bob = NULL;
  coffre_trusted_contact* me = NULL;
  coffre_trust_store* store = NULL;
  uint8_t bob_user[COFFRE_USER_ID_BYTES];
  randombytes_buf(bob_user, sizeof bob_user);
  REQUIRE_OK(coffre_account_secrets_generate(&bob));
  REQUIRE_OK(coffre_trusted_contact_self(bob_user, sizeof bob_user, bob, &me));
  REQUIRE_OK(coffre_trust_store_new(&store));
  uint32_t observation = 0, state = 0;
  int pending = -1;
  EXPECT_STATUS(coffre_trust_store_observe(store, first, &observation), COFFRE_OK);
  EXPECT(observation == COFFRE_OBSERVED_PINNED_FIRST);
  verify_contact(store, user, me);
  EXPECT_STATUS(coffre_trust_store_observe(store, forged, &observation), COFFRE_E_TRUST_MISMATCH);
  contact_state(store, &state, &pending);
  EXPECT(state == COFFRE_TRUST_VERIFIED && pending == 1);
  coffre_trusted_contact* contact = NULL;
  EXPECT_STATUS(coffre_trust_store_check_sharable(store, user, sizeof user, &contact), COFFRE_E_TRUST_MISMATCH);
  EXPECT(contact == NULL);
  coffre_directory_record* pinned = NULL;
  REQUIRE_OK(coffre_trust_store_pinned_record(store, 0, &pinned));
  EXPECT(coffre_directory_record_identity_generation(pinned) == 1);
  coffre_directory_record_free(pinned);
  /* The revoking device's record is held the same way; once bob compared its number, it is pinned. */
  EXPECT_STATUS(coffre_trust_store_observe(store, honest, &observation), COFFRE_E_TRUST_MISMATCH);
  verify_contact(store, user, me);
  EXPECT_STATUS(coffre_trust_store_check_sharable(store, user, sizeof user, &contact), COFFRE_OK);
  EXPECT(coffre_trusted_contact_identity_generation(contact) == 2);
  uint8_t pk[32], log_pk[32];
  REQUIRE_OK(coffre_trusted_contact_identity_public_key(contact, pk, sizeof pk));
  REQUIRE_OK(coffre_log_identity_public_key(after, log_pk, sizeof log_pk));
  EXPECT(memcmp(pk, log_pk, 32) == 0);

  coffre_trusted_contact_free(contact);
  coffre_trust_store_free(store);
  coffre_trusted_contact_free(me);
  coffre_account_secrets_free(bob);
  coffre_directory_record_free(first);
  coffre_directory_record_free(honest);
  coffre_directory_record_free(forged);
  coffre_account_secrets_free(forged_secrets);
}

/* The revoking device's record after the revocation (section 17): coffre_directory_record_make takes the replaced
 * secrets themselves, never an exported key. The record carries a continuity signature by the superseded identity key
 * that verifies; the previous secrets must be this account's, of generation - 1 (COFFRE_E_INVALID_ARGUMENT). */
static void continuity_record(const account* acc, const coffre_log* after, const coffre_account_secrets* new_secrets) {
  uint8_t user[COFFRE_USER_ID_BYTES], superseded[32], previous[32], bytes[COFFRE_DIRECTORY_RECORD_BYTES];
  REQUIRE_OK(coffre_log_user_id(after, user, sizeof user));
  REQUIRE_OK(coffre_log_superseded_identity(after, 0, superseded, sizeof superseded));
  coffre_directory_record *made = NULL, *verified = NULL, *again = NULL, *refused = NULL;
  REQUIRE_OK(coffre_directory_record_make(user, sizeof user, new_secrets, now, acc->secrets, &made));
  REQUIRE_OK(coffre_directory_record_export(made, bytes, sizeof bytes));
  EXPECT_STATUS(coffre_directory_record_verify(bytes, sizeof bytes, &verified), COFFRE_OK);
  EXPECT(coffre_directory_record_identity_generation(verified) == 2);
  REQUIRE_OK(coffre_directory_record_previous_identity_public_key(verified, previous, sizeof previous));
  EXPECT(memcmp(previous, superseded, 32) == 0);
  EXPECT_STATUS(coffre_directory_record_check_log(verified, after), COFFRE_OK);
  /* The continuity signature (the last 64 bytes) is checked: one bit flipped and the record is refused. */
  bytes[sizeof bytes - 1] ^= 1;
  EXPECT_STATUS(coffre_directory_record_verify(bytes, sizeof bytes, &refused), COFFRE_E_SIGNATURE_INVALID);
  EXPECT(refused == NULL);

  /* On another device (or after a restart): the epoch-1 secrets opened again from the sealed state, against the log as
   * it was before the revocation, make the same record (Ed25519 is deterministic). */
  coffre_account_secrets* reopened = NULL;
  REQUIRE_OK(coffre_account_state_open(acc->root, acc->log, acc->sealed, acc->sealed_len, &reopened));
  REQUIRE_OK(coffre_directory_record_make(user, sizeof user, new_secrets, now, reopened, &again));
  uint8_t again_bytes[COFFRE_DIRECTORY_RECORD_BYTES];
  REQUIRE_OK(coffre_directory_record_export(again, again_bytes, sizeof again_bytes));
  bytes[sizeof bytes - 1] ^= 1;
  EXPECT(memcmp(bytes, again_bytes, sizeof bytes) == 0);

  /* Refusals, in the documented order: no previous secrets above generation 1, previous secrets for generation 1;
   * previous secrets of the same generation (the new ones again); of another account (bob's, generation 1). */
  coffre_account_secrets* bob = NULL;
  REQUIRE_OK(coffre_account_secrets_generate(&bob));
  EXPECT_STATUS(coffre_directory_record_make(user, sizeof user, new_secrets, now, NULL, &refused),
                COFFRE_E_INVALID_ARGUMENT);
  EXPECT_STATUS(coffre_directory_record_make(user, sizeof user, acc->secrets, now, acc->secrets, &refused),
                COFFRE_E_INVALID_ARGUMENT);
  EXPECT_STATUS(coffre_directory_record_make(user, sizeof user, new_secrets, now, new_secrets, &refused),
                COFFRE_E_INVALID_ARGUMENT);
  EXPECT_STATUS(coffre_directory_record_make(user, sizeof user, new_secrets, now, bob, &refused),
                COFFRE_E_INVALID_ARGUMENT);
  EXPECT(refused == NULL);

  coffre_account_secrets_free(bob);
  coffre_account_secrets_free(reopened);
  coffre_directory_record_free(again);
  coffre_directory_record_free(verified);
  coffre_directory_record_free(made);
}

/* All devices lost (section 13): a new device enrolls with the recovery phrase, which authors the entry. */
static void recovery_enrollment(const account* acc, const coffre_log* after, const uint8_t* recovery_wrap,
                                const uint8_t* sealed, size_t sealed_len) {
  uint8_t phrase_pk[32], log_pk[32];
  REQUIRE_OK(coffre_recovery_phrase_sign_public_key(acc->phrase, phrase_pk, sizeof phrase_pk));
  REQUIRE_OK(coffre_log_recovery_sign_public_key(after, log_pk, sizeof log_pk));
  EXPECT(memcmp(phrase_pk, log_pk, 32) == 0);
  coffre_root_key* root = NULL;
  coffre_account_secrets* secrets = NULL;
  REQUIRE_OK(coffre_root_key_unwrap_recovery(acc->phrase, after, recovery_wrap, COFFRE_ROOT_WRAP_BYTES, &root));
  REQUIRE_OK(coffre_account_state_open(root, after, sealed, sealed_len, &secrets));

  coffre_device_keys* rescued = NULL;
  REQUIRE_OK(coffre_device_keys_generate(&rescued));
  uint8_t *entry = NULL, *wrap = NULL;
  size_t entry_len = 0, wrap_len = 0;
  /* Refusals: another account's phrase, the epoch-1 root key or secrets, a name over 64 bytes. */
  coffre_recovery_phrase* other = NULL;
  REQUIRE_OK(coffre_recovery_phrase_generate(&other));
  EXPECT_STATUS(coffre_recovery_enroll(other, after, secrets, root, rescued, "rescued", 7, &entry, &entry_len, &wrap,
                                       &wrap_len),
                COFFRE_E_WRAP_INVALID);
  coffre_recovery_phrase_free(other);
  EXPECT_STATUS(coffre_recovery_enroll(acc->phrase, after, secrets, acc->root, rescued, "rescued", 7, &entry,
                                       &entry_len, &wrap, &wrap_len),
                COFFRE_E_INVALID_ARGUMENT);
  EXPECT_STATUS(coffre_recovery_enroll(acc->phrase, after, acc->secrets, root, rescued, "rescued", 7, &entry,
                                       &entry_len, &wrap, &wrap_len),
                COFFRE_E_INVALID_ARGUMENT);
  char long_name[COFFRE_DEVICE_NAME_MAX_BYTES + 1];
  memset(long_name, 'n', sizeof long_name);
  EXPECT_STATUS(coffre_recovery_enroll(acc->phrase, after, secrets, root, rescued, long_name, sizeof long_name, &entry,
                                       &entry_len, &wrap, &wrap_len),
                COFFRE_E_INVALID_ARGUMENT);
  EXPECT(entry == NULL && wrap == NULL);

  EXPECT_STATUS(coffre_recovery_enroll(acc->phrase, after, secrets, root, rescued, "rescued", 7, &entry, &entry_len,
                                       &wrap, &wrap_len),
                COFFRE_OK);
  uint8_t recovery_author[COFFRE_DEVICE_ID_BYTES];
  memset(recovery_author, 0xff, sizeof recovery_author);
  EXPECT(memcmp(entry + entry_len - ENTRY_SIGNATURES - COFFRE_DEVICE_ID_BYTES, recovery_author, 16) == 0);
  coffre_log* with = NULL;
  EXPECT_STATUS(append_one(after, entry, entry_len, &with), COFFRE_OK);
  uint8_t id[COFFRE_DEVICE_ID_BYTES], got[COFFRE_DEVICE_ID_BYTES], transcript[COFFRE_LOG_HASH_BYTES], zero[32] = {0};
  REQUIRE_OK(coffre_device_keys_id(rescued, id, sizeof id));
  const size_t last = coffre_log_device_count(with) - 1;
  REQUIRE_OK(coffre_log_device_id(with, last, got, sizeof got));
  REQUIRE_OK(coffre_log_device_transcript_hash(with, last, transcript, sizeof transcript));
  EXPECT(memcmp(got, id, 16) == 0 && memcmp(transcript, zero, 32) == 0);
  /* The new device opens the account from its wrap. */
  coffre_root_key* its_root = NULL;
  coffre_account_secrets* its_secrets = NULL;
  EXPECT_STATUS(coffre_root_key_unwrap(rescued, with, wrap, wrap_len, &its_root), COFFRE_OK);
  EXPECT_STATUS(coffre_account_state_open(its_root, with, sealed, sealed_len, &its_secrets), COFFRE_OK);
  /* Once added, the same device id cannot be added again. */
  uint8_t *again = NULL, *again_wrap = NULL;
  size_t again_len = 0, again_wrap_len = 0;
  EXPECT_STATUS(coffre_recovery_enroll(acc->phrase, with, secrets, root, rescued, "rescued", 7, &again, &again_len,
                                       &again_wrap, &again_wrap_len),
                COFFRE_E_ALREADY_EXISTS);
  /* The recovery key's signature covers the entry. */
  entry[entry_len - 64 - 64 + 5] ^= 1;
  coffre_log* bad = NULL;
  EXPECT_STATUS(append_one(after, entry, entry_len, &bad), COFFRE_E_SIGNATURE_INVALID);

  coffre_account_secrets_free(its_secrets);
  coffre_root_key_free(its_root);
  coffre_log_free(with);
  coffre_buffer_free(entry, entry_len);
  coffre_buffer_free(wrap, wrap_len);
  coffre_device_keys_free(rescued);
  coffre_account_secrets_free(secrets);
  coffre_root_key_free(root);
}

/* Revoking the laptop (section 14): the desktop and the tablet open the new epoch, the laptop does not; the identity
 * key, the suite key and the root epoch all change. */
static void revocation(account* acc) {
  coffre_device_keys* tablet = enroll(acc, "tablet");
  uint8_t laptop_id[COFFRE_DEVICE_ID_BYTES], tablet_id[COFFRE_DEVICE_ID_BYTES], a_id[COFFRE_DEVICE_ID_BYTES];
  EXPECT_STATUS(coffre_device_keys_id(acc->laptop, laptop_id, sizeof laptop_id), COFFRE_OK);
  EXPECT_STATUS(coffre_device_keys_id(tablet, tablet_id, sizeof tablet_id), COFFRE_OK);
  EXPECT_STATUS(coffre_device_keys_id(acc->a, a_id, sizeof a_id), COFFRE_OK);
  EXPECT(coffre_log_device_count(acc->log) == 3);
  char fingerprint_before[COFFRE_IDENTITY_FINGERPRINT_BYTES];
  EXPECT_STATUS(coffre_log_identity_fingerprint(acc->log, fingerprint_before, sizeof fingerprint_before), COFFRE_OK);
  uint8_t identity_before[32];
  EXPECT_STATUS(coffre_log_identity_public_key(acc->log, identity_before, sizeof identity_before), COFFRE_OK);
  EXPECT(coffre_log_superseded_identity_count(acc->log) == 0);

  /* The desktop revokes: it authors the entry. A device cannot revoke itself. */
  coffre_revocation* plan = NULL;
  EXPECT_STATUS(coffre_revocation_plan(acc->log, acc->secrets, acc->laptop, laptop_id, sizeof laptop_id, &plan),
                COFFRE_E_INVALID_ARGUMENT);
  EXPECT_STATUS(coffre_revocation_plan(acc->log, acc->secrets, NULL, laptop_id, sizeof laptop_id, &plan),
                COFFRE_E_INVALID_ARGUMENT);
  EXPECT(plan == NULL);
  EXPECT_STATUS(coffre_revocation_plan(acc->log, acc->secrets, acc->a, laptop_id, sizeof laptop_id, &plan),
                COFFRE_OK);
  uint8_t* entry = NULL;
  size_t entry_len = 0;
  EXPECT_STATUS(coffre_revocation_entry(plan, &entry, &entry_len), COFFRE_OK);
  EXPECT(memcmp(entry + entry_len - ENTRY_SIGNATURES - COFFRE_DEVICE_ID_BYTES, a_id, 16) == 0); /* the author */
  uint8_t* sealed = NULL;
  size_t sealed_len = 0;
  EXPECT_STATUS(coffre_revocation_sealed_state(plan, &sealed, &sealed_len), COFFRE_OK);

  /* Every device fetches the new entry and verifies it: the plan's log, epoch 2, without the laptop. */
  coffre_log *after = NULL, *planned = NULL;
  EXPECT_STATUS(append_one(acc->log, entry, entry_len, &after), COFFRE_OK);
  EXPECT_STATUS(coffre_revocation_log(plan, &planned), COFFRE_OK);
  uint8_t head[32], planned_head[32];
  uint64_t seq = 0, planned_seq = 0;
  EXPECT_STATUS(coffre_log_head(after, &seq, head, sizeof head), COFFRE_OK);
  EXPECT_STATUS(coffre_log_head(planned, &planned_seq, planned_head, sizeof planned_head), COFFRE_OK);
  EXPECT(seq == 3 && planned_seq == 3 && memcmp(head, planned_head, 32) == 0);
  EXPECT(coffre_log_root_epoch(after) == 2 && coffre_log_suite_version(after) == 2 &&
         coffre_log_identity_generation(after) == 2);
  EXPECT(coffre_log_device_count(after) == 2 && coffre_log_revoked_count(after) == 1);
  EXPECT(coffre_log_contains(after, laptop_id, 16) == 0 && coffre_log_contains(after, tablet_id, 16) == 1);
  /* The identity key changed; the one it replaced is superseded. */
  uint8_t identity_after[32], superseded[32];
  EXPECT_STATUS(coffre_log_identity_public_key(after, identity_after, sizeof identity_after), COFFRE_OK);
  EXPECT(memcmp(identity_after, identity_before, 32) != 0);
  EXPECT(coffre_log_superseded_identity_count(after) == 1);
  EXPECT_STATUS(coffre_log_superseded_identity(after, 0, superseded, sizeof superseded), COFFRE_OK);
  EXPECT(memcmp(superseded, identity_before, 32) == 0);
  EXPECT_STATUS(coffre_log_superseded_identity(after, 1, superseded, sizeof superseded), COFFRE_E_INVALID_ARGUMENT);

  /* Wraps: the desktop, the tablet (log order), then the recovery key; never the laptop. */
  EXPECT(coffre_revocation_wrap_count(plan) == 3);
  uint8_t recipient[COFFRE_DEVICE_ID_BYTES], wrap[COFFRE_ROOT_WRAP_BYTES], recovery_id[COFFRE_DEVICE_ID_BYTES];
  memset(recovery_id, 0xff, sizeof recovery_id);
  EXPECT_STATUS(coffre_revocation_wrap(plan, 0, recipient, sizeof recipient, wrap, sizeof wrap), COFFRE_OK);
  EXPECT(memcmp(recipient, a_id, 16) == 0);
  EXPECT_STATUS(coffre_revocation_wrap(plan, 1, recipient, sizeof recipient, wrap, sizeof wrap), COFFRE_OK);
  EXPECT(memcmp(recipient, tablet_id, 16) == 0);
  EXPECT_STATUS(coffre_revocation_wrap(plan, 2, recipient, sizeof recipient, wrap, sizeof wrap), COFFRE_OK);
  EXPECT(memcmp(recipient, recovery_id, 16) == 0);
  coffre_root_key* recovered = NULL;
  EXPECT_STATUS(coffre_root_key_unwrap_recovery(acc->phrase, after, wrap, sizeof wrap, &recovered), COFFRE_OK);
  EXPECT(coffre_root_key_epoch(recovered) == 2);
  coffre_root_key_free(recovered);
  EXPECT_STATUS(coffre_revocation_wrap(plan, 3, recipient, sizeof recipient, wrap, sizeof wrap),
                COFFRE_E_INVALID_ARGUMENT);
  EXPECT_STATUS(coffre_revocation_wrap(plan, 0, recipient, sizeof recipient, wrap, sizeof wrap - 1),
                COFFRE_E_INVALID_ARGUMENT);

  EXPECT(opens_any_wrap(plan, acc->a, after, sealed, sealed_len));
  EXPECT(opens_any_wrap(plan, tablet, after, sealed, sealed_len));
  EXPECT(!opens_any_wrap(plan, acc->laptop, after, sealed, sealed_len));
  EXPECT(!opens_any_wrap(plan, acc->laptop, acc->log, sealed, sealed_len)); /* nor with the old log (epoch 1) */
  /* The laptop's epoch-1 root key does not open the new sealed state. */
  coffre_account_secrets* stale = NULL;
  EXPECT_STATUS(coffre_account_state_open(acc->root, after, sealed, sealed_len, &stale), COFFRE_E_WRAP_INVALID);
  EXPECT(stale == NULL);

  /* The plan's root key and secrets are the new epoch's: they open and match the new log. */
  coffre_root_key* root2 = NULL;
  coffre_account_secrets *secrets2 = NULL, *opened = NULL;
  EXPECT_STATUS(coffre_revocation_root_key(plan, &root2), COFFRE_OK);
  EXPECT_STATUS(coffre_revocation_secrets(plan, &secrets2), COFFRE_OK);
  EXPECT(coffre_root_key_epoch(root2) == 2);
  EXPECT_STATUS(coffre_account_state_open(root2, after, sealed, sealed_len, &opened), COFFRE_OK);

  /* Refusals: the laptop is no longer enrolled (neither to be revoked nor to revoke); old secrets are not the new
   * log's; an id of the wrong size. */
  coffre_revocation* bad = NULL;
  EXPECT_STATUS(coffre_revocation_plan(after, secrets2, acc->a, laptop_id, 16, &bad), COFFRE_E_DEVICE_NOT_ENROLLED);
  EXPECT_STATUS(coffre_revocation_plan(after, secrets2, acc->laptop, tablet_id, 16, &bad), COFFRE_E_DEVICE_REVOKED);
  EXPECT_STATUS(coffre_revocation_plan(after, acc->secrets, acc->a, tablet_id, 16, &bad), COFFRE_E_WRAP_INVALID);
  EXPECT_STATUS(coffre_revocation_plan(after, secrets2, acc->a, tablet_id, 15, &bad), COFFRE_E_INVALID_ARGUMENT);
  EXPECT(bad == NULL);
  EXPECT_STATUS(coffre_revocation_plan(after, opened, tablet, a_id, 16, &bad), COFFRE_OK);
  coffre_revocation_free(bad);

  /* The fingerprint: 10 groups of 4 lowercase hex digits; a new identity key, a new fingerprint. */
  char fingerprint[COFFRE_IDENTITY_FINGERPRINT_BYTES];
  EXPECT_STATUS(coffre_log_identity_fingerprint(after, fingerprint, sizeof fingerprint), COFFRE_OK);
  EXPECT(strcmp(fingerprint, fingerprint_before) != 0 && strlen(fingerprint) == 49);
  for (size_t i = 0; i < 49; i++) {
    EXPECT(i % 5 == 4 ? fingerprint[i] == ' ' : strchr("0123456789abcdef", fingerprint[i]) != NULL);
  }
  EXPECT_STATUS(coffre_log_identity_fingerprint(after, fingerprint, 49), COFFRE_E_INVALID_ARGUMENT);
  EXPECT(fingerprint[0] == '\0' && coffre_identity_fingerprint_bytes() == COFFRE_IDENTITY_FINGERPRINT_BYTES);

  revoked_device_appends(acc, after, entry, entry_len, tablet_id);
  revoked_device_publishes(acc, after, secrets2);
  continuity_record(acc, after, secrets2);
  EXPECT_STATUS(coffre_revocation_wrap(plan, 2, recipient, sizeof recipient, wrap, sizeof wrap), COFFRE_OK);
  recovery_enrollment(acc, after, wrap, sealed, sealed_len);

  coffre_account_secrets_free(opened);
  coffre_account_secrets_free(secrets2);
  coffre_root_key_free(root2);
  coffre_log_free(after);
  coffre_log_free(planned);
  coffre_buffer_free(entry, entry_len);
  coffre_buffer_free(sealed, sealed_len);
  coffre_revocation_free(plan);
  coffre_device_keys_free(tablet);
}

int main(void) {
  if (coffre_init() != COFFRE_OK) return 1;
  keys_and_phrase();
  account acc;
  account_create(&acc);
  tampering_relay(&acc);
  honest_enrollment(&acc);
  tampering_relay(&acc); /* again, with two devices in the log */
  revocation(&acc);
  account_free(&acc);
  if (failures != 0) {
    fprintf(stderr, "%d failure(s)\n", failures);
    return 1;
  }
  printf("c_abi enrollment: ok\n");
  return 0;
}
