/* Sharing, trust and Drive through the C ABI only (coffre.h), as a native client would do it, with the store played
 * by this test and assumed malicious (docs/SPEC.md sections 16 to 18): alice shares a document with bob through
 * directory records, trust stores, an access list and wraps; the store tampers with a wrap, swaps one, substitutes
 * bob's key and serves an old access list; then a Drive folder is listed and a node moved by the store. */
#include <coffre.h>

#include "expect.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char kObjectId[] = "doc-1";

/* A user: id, secrets, its published directory record (as the store keeps it) and its trust store. */
typedef struct {
  uint8_t id[COFFRE_USER_ID_BYTES];
  coffre_account_secrets* secrets;
  coffre_trusted_contact* self;
  uint8_t record[COFFRE_DIRECTORY_RECORD_BYTES];
  coffre_trust_store* trust;
} user;

static void user_new(user* u, uint8_t tag) {
  memset(u->id, tag, sizeof u->id);
  REQUIRE_OK(coffre_account_secrets_generate(&u->secrets));
  REQUIRE_OK(coffre_trusted_contact_self(u->id, sizeof u->id, u->secrets, &u->self));
  coffre_directory_record* r = NULL;
  REQUIRE_OK(coffre_directory_record_make(u->id, sizeof u->id, u->secrets, 1700000000, NULL, &r));
  REQUIRE_OK(coffre_directory_record_export(r, u->record, sizeof u->record));
  coffre_directory_record_free(r);
  REQUIRE_OK(coffre_trust_store_new(&u->trust));
}

static void user_free(user* u) {
  coffre_trust_store_free(u->trust);
  coffre_trusted_contact_free(u->self);
  coffre_account_secrets_free(u->secrets);
}

/* `reader` fetches `owner`'s record from the store (`served`), verifies it and observes it. */
static int observe(user* reader, const uint8_t* served) {
  coffre_directory_record* r = NULL;
  int s = coffre_directory_record_verify(served, COFFRE_DIRECTORY_RECORD_BYTES, &r);
  uint32_t observation = 0;
  if (s == COFFRE_OK) s = coffre_trust_store_observe(reader->trust, r, &observation);
  coffre_directory_record_free(r);
  return s;
}

/* What the store keeps for the document: the access list and the wraps, and the document envelope. */
typedef struct {
  uint8_t doc_id[COFFRE_DOCUMENT_ID_BYTES];
  uint8_t* access;
  size_t access_len;
  uint8_t* wraps; /* alice's self-wrap, then bob's */
  size_t wraps_len;
  uint8_t* envelope;
  size_t envelope_len;
} store;

/* Bob reads the document: opens the access list with alice's trusted identity, finds the sender of `wrap`, opens it
 * and the envelope. Returns the first failing status; on success the plaintext is compared. */
static int bob_reads(user* bob, const uint8_t* alice_id, const store* st, const uint8_t* wrap, int has_pin,
                     uint64_t pin_revision, uint32_t pin_version) {
  coffre_trusted_contact* owner = NULL;
  coffre_trusted_contact* sender = NULL;
  coffre_access_list* list = NULL;
  coffre_key* key = NULL;
  uint8_t* plain = NULL;
  size_t plain_len = 0;
  uint32_t version = 0;
  uint8_t sender_id[COFFRE_USER_ID_BYTES];
  int s = coffre_trust_store_check_sharable(bob->trust, alice_id, COFFRE_USER_ID_BYTES, &owner);
  if (s == COFFRE_OK) {
    s = coffre_access_list_open(st->access, st->access_len, owner, st->doc_id, sizeof st->doc_id,
                                COFFRE_PURPOSE_DOCUMENT, has_pin, pin_revision, pin_version, &list);
  }
  if (s == COFFRE_OK) s = coffre_wrap_sender(wrap, COFFRE_CONTENT_WRAP_BYTES, sender_id, sizeof sender_id);
  if (s == COFFRE_OK) s = coffre_trust_store_check_sharable(bob->trust, sender_id, sizeof sender_id, &sender);
  if (s == COFFRE_OK) {
    s = coffre_wrap_open(wrap, COFFRE_CONTENT_WRAP_BYTES, bob->id, sizeof bob->id, bob->secrets, list, sender, &key,
                         &version);
  }
  if (s == COFFRE_OK) {
    EXPECT(version == coffre_access_list_key_version(list));
    s = coffre_document_open(key, kObjectId, strlen(kObjectId), 1, version, st->envelope, st->envelope_len, &plain,
                             &plain_len);
  }
  if (s == COFFRE_OK) EXPECT(plain_len == 5 && memcmp(plain, "hello", 5) == 0);
  coffre_buffer_free(plain, plain_len);
  coffre_key_free(key);
  coffre_access_list_free(list);
  coffre_trusted_contact_free(sender);
  coffre_trusted_contact_free(owner);
  return s;
}

static void sharing_flow(void) {
  user alice, bob;
  user_new(&alice, 0xa1);
  user_new(&bob, 0xb0);
  store st;
  memset(&st, 0, sizeof st);
  memset(st.doc_id, 0xd0, sizeof st.doc_id);

  /* Trust on first use, both ways, through the store's copies of the records. */
  EXPECT_STATUS(observe(&alice, bob.record), COFFRE_OK);
  EXPECT_STATUS(observe(&bob, alice.record), COFFRE_OK);
  EXPECT(coffre_trust_store_count(alice.trust) == 1);

  /* Alice: access list {alice, bob}, a content key, wraps to herself and bob, the envelope. */
  coffre_trusted_contact* bob_contact = NULL;
  REQUIRE_OK(coffre_trust_store_check_sharable(alice.trust, bob.id, sizeof bob.id, &bob_contact));
  coffre_access_list* list = NULL;
  REQUIRE_OK(coffre_access_list_make(alice.id, sizeof alice.id, alice.secrets, st.doc_id, sizeof st.doc_id,
                                     COFFRE_PURPOSE_DOCUMENT, 1, 1, bob.id, sizeof bob.id, &list));
  EXPECT(coffre_access_list_member_count(list) == 2);
  EXPECT(coffre_access_list_is_member(list, bob.id, sizeof bob.id) == 1);
  REQUIRE_OK(coffre_access_list_bytes(list, &st.access, &st.access_len));
  EXPECT(st.access_len == COFFRE_ACCESS_LIST_BASE_BYTES + 2 * COFFRE_USER_ID_BYTES);
  coffre_key* key = NULL;
  REQUIRE_OK(coffre_key_generate(&key));
  const coffre_trusted_contact* recipients[2] = {alice.self, bob_contact};
  REQUIRE_OK(coffre_wrap_content_key_to_many(alice.id, sizeof alice.id, alice.secrets, recipients, 2, list, key, 0,
                                             &st.wraps, &st.wraps_len));
  EXPECT(st.wraps_len == 2 * COFFRE_CONTENT_WRAP_BYTES);
  REQUIRE_OK(coffre_document_seal(key, kObjectId, strlen(kObjectId), 1, 1, (const uint8_t*)"hello", 5, &st.envelope,
                                  &st.envelope_len));
  uint8_t single[COFFRE_CONTENT_WRAP_BYTES];
  EXPECT_STATUS(coffre_wrap_content_key(alice.id, sizeof alice.id, alice.secrets, bob_contact, list, key, single,
                                        sizeof single),
                COFFRE_OK);

  /* Bob opens his wrap, and a single wrap too. */
  uint8_t* bob_wrap = st.wraps + COFFRE_CONTENT_WRAP_BYTES;
  EXPECT_STATUS(bob_reads(&bob, alice.id, &st, bob_wrap, 1, 1, 1), COFFRE_OK);
  EXPECT_STATUS(bob_reads(&bob, alice.id, &st, single, 1, 1, 1), COFFRE_OK);

  /* The store tampers: a flipped byte in the KEM ciphertext (signed), a swapped wrap (alice's own). */
  uint8_t tampered[COFFRE_CONTENT_WRAP_BYTES];
  memcpy(tampered, bob_wrap, sizeof tampered);
  tampered[200] ^= 1;
  EXPECT_STATUS(bob_reads(&bob, alice.id, &st, tampered, 1, 1, 1), COFFRE_E_SIGNATURE_INVALID);
  EXPECT_STATUS(bob_reads(&bob, alice.id, &st, st.wraps, 1, 1, 1), COFFRE_E_WRONG_CONTEXT);
  memcpy(tampered, bob_wrap, sizeof tampered);
  memcpy(tampered, "CFRX", 4);
  EXPECT_STATUS(bob_reads(&bob, alice.id, &st, tampered, 1, 1, 1), COFFRE_E_WRAP_INVALID);

  /* Alice removes bob: a new key version and list; bob is no longer a member and cannot be wrapped to. */
  coffre_key* key2 = NULL;
  coffre_access_list* list2 = NULL;
  REQUIRE_OK(coffre_access_list_rotate(alice.secrets, list, bob.id, sizeof bob.id, &key2, &list2));
  EXPECT(coffre_access_list_key_version(list2) == 2 && coffre_access_list_revision(list2) == 2);
  EXPECT(coffre_access_list_is_member(list2, bob.id, sizeof bob.id) == 0);
  EXPECT_STATUS(coffre_wrap_content_key(alice.id, sizeof alice.id, alice.secrets, bob_contact, list2, key2, single,
                                        sizeof single),
                COFFRE_E_NOT_A_MEMBER);
  /* Bob pinned revision 2 (say he saw it): the store serving the old list is a rollback. */
  EXPECT_STATUS(bob_reads(&bob, alice.id, &st, bob_wrap, 1, 2, 2), COFFRE_E_KEY_VERSION_ROLLBACK);
  /* Re-encryption under version 2: the old key no longer opens it, the new one does. */
  uint8_t* re = NULL;
  size_t re_len = 0;
  REQUIRE_OK(coffre_reencrypt_document(st.envelope, st.envelope_len, key, kObjectId, strlen(kObjectId), 1, 1, key2,
                                       2, 2, &re, &re_len));
  uint8_t* plain = NULL;
  size_t plain_len = 0;
  EXPECT_STATUS(coffre_document_open(key2, kObjectId, strlen(kObjectId), 2, 2, re, re_len, &plain, &plain_len),
                COFFRE_OK);
  EXPECT(plain_len == 5 && memcmp(plain, "hello", 5) == 0);
  coffre_buffer_free(plain, plain_len);
  EXPECT_STATUS(coffre_document_open(key, kObjectId, strlen(kObjectId), 2, 2, re, re_len, &plain, &plain_len),
                COFFRE_E_WRONG_KEY);
  coffre_buffer_free(re, re_len);

  /* The store substitutes bob's key (a record of bob's user id with another identity): alice holds it as pending
   * and refuses to share until she verifies bob's safety number. */
  user mallory;
  user_new(&mallory, 0xb0); /* same user id as bob */
  EXPECT_STATUS(observe(&alice, mallory.record), COFFRE_E_TRUST_MISMATCH);
  coffre_trusted_contact* blocked = NULL;
  EXPECT_STATUS(coffre_trust_store_check_sharable(alice.trust, bob.id, sizeof bob.id, &blocked), COFFRE_E_TRUST_MISMATCH);
  EXPECT(blocked == NULL);
  uint8_t uid[COFFRE_USER_ID_BYTES];
  uint32_t state = 0;
  int pending = 0;
  REQUIRE_OK(coffre_trust_store_contact(alice.trust, 0, uid, sizeof uid, &state, &pending));
  EXPECT(memcmp(uid, bob.id, sizeof uid) == 0 && state == COFFRE_TRUST_UNKNOWN && pending == 1);
  /* Persisted and parsed back: same decision. */
  uint8_t* encoded = NULL;
  size_t encoded_len = 0;
  REQUIRE_OK(coffre_trust_store_encode(alice.trust, &encoded, &encoded_len));
  coffre_trust_store* reloaded = NULL;
  REQUIRE_OK(coffre_trust_store_parse(encoded, encoded_len, &reloaded));
  EXPECT_STATUS(coffre_trust_store_check_sharable(reloaded, bob.id, sizeof bob.id, &blocked), COFFRE_E_TRUST_MISMATCH);
  encoded[5] ^= 1;
  coffre_trust_store* broken = NULL;
  EXPECT_STATUS(coffre_trust_store_parse(encoded, encoded_len, &broken), COFFRE_E_RECORD_INVALID);
  coffre_buffer_free(encoded, encoded_len);
  coffre_trust_store_free(reloaded);

  /* Bob reads alice his real safety number out of band; alice's screen shows the pending (mallory's) one. */
  char shown[COFFRE_SAFETY_NUMBER_BYTES], real[COFFRE_SAFETY_NUMBER_BYTES];
  REQUIRE_OK(coffre_trust_store_safety_number(alice.trust, bob.id, sizeof bob.id, alice.self, shown, sizeof shown));
  EXPECT(strlen(shown) == COFFRE_SAFETY_NUMBER_BYTES - 1);
  REQUIRE_OK(coffre_trust_store_safety_number(bob.trust, alice.id, sizeof alice.id, bob.self, real, sizeof real));
  EXPECT(strcmp(shown, real) != 0);
  EXPECT_STATUS(coffre_trust_store_verify(alice.trust, bob.id, sizeof bob.id, real, strlen(real), alice.self),
                COFFRE_E_TRUST_MISMATCH);
  EXPECT_STATUS(coffre_trust_store_verify(alice.trust, bob.id, sizeof bob.id, "12345", 5, alice.self),
                COFFRE_E_INVALID_ARGUMENT);
  /* Alice refuses the changed key: sharing stays blocked. */
  EXPECT_STATUS(coffre_trust_store_refuse(alice.trust, bob.id, sizeof bob.id), COFFRE_OK);
  EXPECT_STATUS(coffre_trust_store_check_sharable(alice.trust, bob.id, sizeof bob.id, &blocked), COFFRE_E_USER_REFUSED);
  EXPECT_STATUS(observe(&alice, bob.record), COFFRE_E_USER_REFUSED);
  /* Both records' safety number equals what bob's store shows for alice. */
  coffre_directory_record *ra = NULL, *rb = NULL;
  REQUIRE_OK(coffre_directory_record_verify(alice.record, sizeof alice.record, &ra));
  REQUIRE_OK(coffre_directory_record_verify(bob.record, sizeof bob.record, &rb));
  char pair[COFFRE_SAFETY_NUMBER_BYTES];
  REQUIRE_OK(coffre_safety_number_of_records(ra, rb, pair, sizeof pair));
  EXPECT(strcmp(pair, real) == 0);
  EXPECT_STATUS(coffre_safety_number_of_records(ra, ra, pair, sizeof pair), COFFRE_E_INVALID_ARGUMENT);
  uint8_t prev[32];
  EXPECT_STATUS(coffre_directory_record_previous_identity_public_key(ra, prev, sizeof prev), COFFRE_E_NOT_FOUND);
  EXPECT(coffre_directory_record_identity_generation(ra) == 1 && coffre_directory_record_suite_version(ra) == 1);
  /* Contacts from keys (trusted by other means): the same number; a signatures-only contact cannot be wrapped to. */
  uint8_t alice_pk[32];
  REQUIRE_OK(coffre_directory_record_identity_public_key(ra, alice_pk, sizeof alice_pk));
  coffre_trusted_contact* alice_keys = NULL;
  REQUIRE_OK(coffre_trusted_contact_from_keys(alice.id, sizeof alice.id, alice_pk, sizeof alice_pk, 1, 0, NULL, 0,
                                              &alice_keys));
  char from_keys[COFFRE_SAFETY_NUMBER_BYTES];
  REQUIRE_OK(coffre_safety_number(alice_keys, bob.self, from_keys, sizeof from_keys));
  EXPECT(strcmp(from_keys, real) == 0);
  EXPECT_STATUS(coffre_safety_number_check(bob.self, alice_keys, real, strlen(real)), COFFRE_OK);
  EXPECT_STATUS(coffre_safety_number_check(bob.self, alice_keys, shown, strlen(shown)), COFFRE_E_TRUST_MISMATCH);
  EXPECT_STATUS(coffre_safety_number_check(bob.self, alice_keys, "1-2", 3), COFFRE_E_INVALID_ARGUMENT);
  EXPECT(coffre_trusted_contact_suite_version(alice_keys) == 0);
  EXPECT_STATUS(coffre_trusted_contact_suite_public_key(alice_keys, (uint8_t*)single, COFFRE_KEM_PUBLIC_KEY_BYTES),
                COFFRE_E_NOT_FOUND);
  EXPECT_STATUS(coffre_wrap_content_key(alice.id, sizeof alice.id, alice.secrets, alice_keys, list, key, single,
                                        sizeof single),
                COFFRE_E_INVALID_ARGUMENT);
  coffre_trusted_contact_free(alice_keys);
  coffre_directory_record_free(ra);
  coffre_directory_record_free(rb);
  uint8_t bad_record[COFFRE_DIRECTORY_RECORD_BYTES];
  memcpy(bad_record, alice.record, sizeof bad_record);
  bad_record[sizeof bad_record - 100] ^= 1; /* in the signature */
  EXPECT_STATUS(coffre_directory_record_verify(bad_record, sizeof bad_record, &ra), COFFRE_E_SIGNATURE_INVALID);
  EXPECT(ra == NULL);

  coffre_key_free(key2);
  coffre_access_list_free(list2);
  coffre_key_free(key);
  coffre_access_list_free(list);
  coffre_trusted_contact_free(bob_contact);
  coffre_buffer_free(st.access, st.access_len);
  coffre_buffer_free(st.wraps, st.wraps_len);
  coffre_buffer_free(st.envelope, st.envelope_len);
  user_free(&mallory);
  user_free(&alice);
  user_free(&bob);
}

/* Appends one frame (u32 big-endian length || bytes) to a listing buffer. */
static void frame_add(uint8_t** buf, size_t* len, const uint8_t* rec, size_t rec_len) {
  *buf = realloc(*buf, *len + 4 + rec_len);
  if (*buf == NULL) abort();
  uint8_t* p = *buf + *len;
  p[0] = (uint8_t)(rec_len >> 24);
  p[1] = (uint8_t)(rec_len >> 16);
  p[2] = (uint8_t)(rec_len >> 8);
  p[3] = (uint8_t)rec_len;
  memcpy(p + 4, rec, rec_len);
  *len += 4 + rec_len;
}

static void drive_flow(void) {
  /* The root's key arrives as a section-16 content key of purpose drive node. */
  coffre_key* root_content = NULL;
  REQUIRE_OK(coffre_key_generate(&root_content));
  coffre_node_key* root_key = NULL;
  REQUIRE_OK(coffre_node_key_from_content_key(root_content, &root_key));
  uint8_t root_id[COFFRE_NODE_ID_BYTES], docs_id[COFFRE_NODE_ID_BYTES], file_id[COFFRE_NODE_ID_BYTES];
  memset(root_id, 1, sizeof root_id);
  memset(docs_id, 2, sizeof docs_id);
  memset(file_id, 3, sizeof file_id);
  coffre_node_key *docs_key = NULL, *file_key = NULL;
  REQUIRE_OK(coffre_node_key_generate(&docs_key));
  REQUIRE_OK(coffre_node_key_generate(&file_key));

  uint8_t *docs_rec = NULL, *file_rec = NULL;
  size_t docs_len = 0, file_len = 0;
  REQUIRE_OK(coffre_node_record_make(root_id, sizeof root_id, root_key, COFFRE_NODE_FOLDER, docs_id, sizeof docs_id,
                                     docs_key, "Documents", 9, 0, 0, "", 0, 10, 20, &docs_rec, &docs_len));
  REQUIRE_OK(coffre_node_record_make(root_id, sizeof root_id, root_key, COFFRE_NODE_FILE, file_id, sizeof file_id,
                                     file_key, "notes.txt", 9, 5, 3, "text/plain", 10, 11, 21, &file_rec, &file_len));
  EXPECT(docs_len >= COFFRE_NODE_RECORD_MIN_BYTES && docs_len <= COFFRE_NODE_RECORD_MAX_BYTES);
  uint8_t* scratch = NULL;
  size_t scratch_len = 0;
  EXPECT_STATUS(coffre_node_record_make(root_id, sizeof root_id, root_key, COFFRE_NODE_FOLDER, docs_id,
                                        sizeof docs_id, docs_key, "..", 2, 0, 0, "", 0, 0, 0, &scratch, &scratch_len),
                COFFRE_E_INVALID_ARGUMENT);

  /* Listing the root. */
  uint8_t* listing_buf = NULL;
  size_t listing_len = 0;
  frame_add(&listing_buf, &listing_len, docs_rec, docs_len);
  frame_add(&listing_buf, &listing_len, file_rec, file_len);
  coffre_folder_listing* listing = NULL;
  REQUIRE_OK(coffre_folder_list(root_id, sizeof root_id, root_key, listing_buf, listing_len, 0, &listing));
  EXPECT(coffre_folder_listing_count(listing) == 2);
  const coffre_node* file = coffre_folder_listing_node(listing, 1);
  EXPECT(coffre_folder_listing_node(listing, 2) == NULL);
  EXPECT(coffre_node_kind(file) == COFFRE_NODE_FILE && coffre_node_size(file) == 5 && coffre_node_revision(file) == 3);
  uint8_t* name = NULL;
  size_t name_len = 0;
  REQUIRE_OK(coffre_node_name(file, &name, &name_len));
  EXPECT(name_len == 9 && memcmp(name, "notes.txt", 9) == 0);
  coffre_buffer_free(name, name_len);
  uint8_t hash[COFFRE_NAME_HASH_BYTES], expected_hash[COFFRE_NAME_HASH_BYTES];
  REQUIRE_OK(coffre_node_name_hash(file, hash, sizeof hash));
  REQUIRE_OK(coffre_drive_name_hash(root_key, "notes.txt", 9, expected_hash, sizeof expected_hash));
  EXPECT(memcmp(hash, expected_hash, sizeof hash) == 0);

  /* The file's content under its node key and context; another node's key does not open it. */
  coffre_node_key* opened_file_key = NULL;
  REQUIRE_OK(coffre_node_key_of(file, &opened_file_key));
  coffre_key* content = NULL;
  REQUIRE_OK(coffre_drive_file_key(opened_file_key, &content));
  char object_id[COFFRE_DRIVE_OBJECT_ID_BYTES];
  uint32_t key_version = 0;
  REQUIRE_OK(coffre_drive_file_context(file_id, sizeof file_id, object_id, sizeof object_id, &key_version));
  EXPECT(key_version == 1 && memcmp(object_id, "coffre-drive/03030303", 21) == 0);
  coffre_encryptor* enc = NULL;
  REQUIRE_OK(coffre_encryptor_new(content, object_id, sizeof object_id, coffre_node_revision(file), key_version, 0, 1,
                                  &enc));
  uint8_t ct[256];
  size_t n1 = 0, n2 = 0;
  REQUIRE_OK(coffre_encryptor_update(enc, (const uint8_t*)"hello", 5, ct, sizeof ct, &n1));
  REQUIRE_OK(coffre_encryptor_finish(enc, ct + n1, sizeof ct - n1, &n2));
  coffre_encryptor_free(enc);
  coffre_key* other = NULL;
  REQUIRE_OK(coffre_drive_file_key(docs_key, &other));
  coffre_decryptor* dec = NULL;
  uint8_t pt[256];
  size_t got = 0;
  REQUIRE_OK(coffre_decryptor_new(content, object_id, sizeof object_id, 3, 1, 1, &dec));
  size_t last = 0;
  EXPECT_STATUS(coffre_decryptor_update(dec, ct, n1 + n2, pt, sizeof pt, &got), COFFRE_OK);
  EXPECT_STATUS(coffre_decryptor_finish(dec, pt + got, sizeof pt - got, &last), COFFRE_OK);
  EXPECT(got + last == 5 && memcmp(pt, "hello", 5) == 0 && coffre_decryptor_ended_properly(dec) == 1);
  coffre_decryptor_free(dec);
  REQUIRE_OK(coffre_decryptor_new(other, object_id, sizeof object_id, 3, 1, 1, &dec));
  EXPECT_STATUS(coffre_decryptor_update(dec, ct, n1 + n2, pt, sizeof pt, &got), COFFRE_E_WRONG_KEY);
  coffre_decryptor_free(dec);

  /* Moving the file into Documents: the new record opens there; the store replaying the new record under the root,
   * or the old one under Documents, is caught. */
  uint8_t* moved = NULL;
  size_t moved_len = 0;
  REQUIRE_OK(coffre_node_record_move(file, docs_id, sizeof docs_id, docs_key, "renamed.txt", 11, &moved, &moved_len));
  coffre_node* node = NULL;
  REQUIRE_OK(coffre_node_record_open(docs_id, sizeof docs_id, docs_key, moved, moved_len, &node));
  uint8_t parent[COFFRE_NODE_ID_BYTES];
  REQUIRE_OK(coffre_node_parent_id(node, parent, sizeof parent));
  EXPECT(memcmp(parent, docs_id, sizeof parent) == 0);
  coffre_node_free(node);
  EXPECT_STATUS(coffre_node_record_open(root_id, sizeof root_id, root_key, moved, moved_len, &node),
                COFFRE_E_NODE_BINDING_INVALID);
  EXPECT_STATUS(coffre_node_record_open(docs_id, sizeof docs_id, docs_key, file_rec, file_len, &node),
                COFFRE_E_NODE_BINDING_INVALID);
  EXPECT(node == NULL);
  /* A listing with a record moved in by the store fails as a whole; so does a duplicate. */
  coffre_folder_listing* bad = NULL;
  frame_add(&listing_buf, &listing_len, moved, moved_len);
  EXPECT_STATUS(coffre_folder_list(root_id, sizeof root_id, root_key, listing_buf, listing_len, 0, &bad),
                COFFRE_E_NODE_BINDING_INVALID);
  EXPECT(bad == NULL);
  EXPECT_STATUS(coffre_folder_list(root_id, sizeof root_id, root_key, listing_buf, listing_len - 1, 0, &bad),
                COFFRE_E_INVALID_ARGUMENT);

  /* A node taken out of the listing outlives it. */
  coffre_node* taken = NULL;
  REQUIRE_OK(coffre_folder_listing_take(listing, 0, &taken));
  EXPECT_STATUS(coffre_folder_listing_take(listing, 0, &node), COFFRE_E_BAD_STATE);
  EXPECT(coffre_folder_listing_node(listing, 0) == NULL && node == NULL);

  /* The node key round-trips as a content key (to share the folder through section 16). */
  coffre_key* as_content = NULL;
  REQUIRE_OK(coffre_node_key_to_content_key(root_key, &as_content));
  uint8_t a[32], b[32];
  REQUIRE_OK(coffre_key_export(as_content, a, sizeof a));
  REQUIRE_OK(coffre_key_export(root_content, b, sizeof b));
  EXPECT(memcmp(a, b, sizeof a) == 0);

  coffre_key_free(as_content);
  coffre_buffer_free(moved, moved_len);
  coffre_key_free(other);
  coffre_key_free(content);
  coffre_node_key_free(opened_file_key);
  coffre_folder_listing_free(listing);
  EXPECT(coffre_node_kind(taken) == COFFRE_NODE_FOLDER);
  coffre_node_free(taken);
  free(listing_buf);
  coffre_buffer_free(docs_rec, docs_len);
  coffre_buffer_free(file_rec, file_len);
  coffre_node_key_free(docs_key);
  coffre_node_key_free(file_key);
  coffre_node_key_free(root_key);
  coffre_key_free(root_content);
}

static void sizes(void) {
  EXPECT(coffre_content_wrap_bytes() == COFFRE_CONTENT_WRAP_BYTES);
  EXPECT(coffre_directory_record_bytes() == COFFRE_DIRECTORY_RECORD_BYTES);
  EXPECT(coffre_access_list_base_bytes() == COFFRE_ACCESS_LIST_BASE_BYTES);
  EXPECT(coffre_access_list_max_members() == COFFRE_ACCESS_LIST_MAX_MEMBERS);
  EXPECT(coffre_safety_number_digits() == COFFRE_SAFETY_NUMBER_DIGITS);
  EXPECT(coffre_safety_number_bytes() == COFFRE_SAFETY_NUMBER_BYTES);
  EXPECT(coffre_document_id_bytes() == COFFRE_DOCUMENT_ID_BYTES);
  EXPECT(coffre_node_id_bytes() == COFFRE_NODE_ID_BYTES);
  EXPECT(coffre_node_key_bytes() == COFFRE_NODE_KEY_BYTES);
  EXPECT(coffre_name_hash_bytes() == COFFRE_NAME_HASH_BYTES);
  EXPECT(coffre_node_name_max_bytes() == COFFRE_NODE_NAME_MAX_BYTES);
  EXPECT(coffre_media_type_max_bytes() == COFFRE_MEDIA_TYPE_MAX_BYTES);
  EXPECT(coffre_node_record_min_bytes() == COFFRE_NODE_RECORD_MIN_BYTES);
  EXPECT(coffre_node_record_max_bytes() == COFFRE_NODE_RECORD_MAX_BYTES);
  EXPECT(coffre_drive_object_id_bytes() == COFFRE_DRIVE_OBJECT_ID_BYTES);
  /* NULL handles and short buffers are refused, never dereferenced. */
  coffre_access_list* list = NULL;
  EXPECT_STATUS(coffre_access_list_make(NULL, 0, NULL, NULL, 0, 1, 1, 1, NULL, 0, &list), COFFRE_E_INVALID_ARGUMENT);
  EXPECT_STATUS(coffre_wrap_sender((const uint8_t*)"CFRK", 4, NULL, 0), COFFRE_E_INVALID_ARGUMENT);
  uint8_t id[16];
  EXPECT_STATUS(coffre_wrap_sender((const uint8_t*)"CFRK", 4, id, sizeof id), COFFRE_E_WRAP_INVALID);
}

int main(void) {
  if (coffre_init() != COFFRE_OK) return 2;
  sizes();
  sharing_flow();
  drive_flow();
  if (failures != 0) {
    fprintf(stderr, "%d failure(s)\n", failures);
    return 1;
  }
  printf("c_abi sharing: ok\n");
  return 0;
}
