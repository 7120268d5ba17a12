// The C ABI's "Signed store requests" section (coffre.h; docs/STORE.md section 2).
#include "abi.hpp"

#include <string>

struct coffre_sha256_hasher {
  coffre::Sha256Hasher hasher;
};

namespace {

using namespace coffre_abi;

// The fields as the C ABI passes them; invalid_argument for a NULL pointer with a length or a wrong fixed size.
// The rules on method and target are the C++ API's.
int make_request(const char* method, std::size_t method_len, const char* target, std::size_t target_len,
                 const std::uint8_t* content_sha256, std::size_t content_sha256_len, std::uint64_t time,
                 const std::uint8_t* nonce, std::size_t nonce_len, const std::uint8_t* user_id,
                 std::size_t user_id_len, coffre::StoreRequest& out) {
  if (!data_ok(method, method_len) || !data_ok(target, target_len)) return COFFRE_E_INVALID_ARGUMENT;
  if (content_sha256 == nullptr || content_sha256_len != coffre::kSha256Size) return COFFRE_E_INVALID_ARGUMENT;
  if (nonce == nullptr || nonce_len != coffre::kStoreNonceSize) return COFFRE_E_INVALID_ARGUMENT;
  if (!data_ok(user_id, user_id_len)) return COFFRE_E_INVALID_ARGUMENT;
  out.method.assign(method_len == 0 ? "" : method, method_len);
  out.target.assign(target_len == 0 ? "" : target, target_len);
  std::memcpy(out.content_sha256.data(), content_sha256, coffre::kSha256Size);
  out.time = time;
  std::memcpy(out.nonce.data(), nonce, coffre::kStoreNonceSize);
  if (user_id_len != 0) {
    auto user = coffre::UserId::from_bytes(bytes(user_id, user_id_len));
    if (!user) return status(user.error());
    out.user = user.value();
  }
  return COFFRE_OK;
}

int put_signature(const coffre::Result<coffre::SigningKey::Signature>& sig, std::uint8_t* out, std::size_t out_len) {
  if (!sig) return status(sig.error());
  return put_fixed(sig.value(), out, out_len);
}

}  // namespace

#define COFFRE_STORE_REQUEST_ARGS                                                                                \
  method, method_len, target, target_len, content_sha256, content_sha256_len, time, nonce, nonce_len, user_id, \
      user_id_len

extern "C" {

size_t coffre_sha256_bytes(void) { return coffre::kSha256Size; }
size_t coffre_store_nonce_bytes(void) { return coffre::kStoreNonceSize; }
size_t coffre_signature_bytes(void) { return coffre::SigningKey::kSignatureSize; }

int coffre_sha256(const uint8_t* data, size_t len, uint8_t* out, size_t out_len) {
  if (!data_ok(data, len)) return COFFRE_E_INVALID_ARGUMENT;
  return put_fixed(coffre::content_sha256(bytes(data, len)), out, out_len);
}

int coffre_sha256_hasher_new(coffre_sha256_hasher** out) {
  if (out == nullptr) return COFFRE_E_INVALID_ARGUMENT;
  *out = nullptr;
  return guarded([&] {
    *out = new coffre_sha256_hasher{};
    return COFFRE_OK;
  });
}

int coffre_sha256_hasher_update(coffre_sha256_hasher* h, const uint8_t* data, size_t len) {
  if (h == nullptr || !data_ok(data, len)) return COFFRE_E_INVALID_ARGUMENT;
  h->hasher.update(bytes(data, len));
  return COFFRE_OK;
}

int coffre_sha256_hasher_final(coffre_sha256_hasher* h, uint8_t* out, size_t out_len) {
  if (h == nullptr || out == nullptr || out_len != coffre::kSha256Size) return COFFRE_E_INVALID_ARGUMENT;
  return put_fixed(h->hasher.finish(), out, out_len);
}

void coffre_sha256_hasher_free(coffre_sha256_hasher* h) { delete h; }

int coffre_store_request_nonce(uint8_t* out, size_t out_len) {
  if (out == nullptr || out_len != coffre::kStoreNonceSize) return COFFRE_E_INVALID_ARGUMENT;
  if (int s = status(coffre::init()); s != COFFRE_OK) return s;
  return put_fixed(coffre::draw_store_nonce(coffre::system_rng()), out, out_len);
}

int coffre_store_request_message(const char* method, size_t method_len, const char* target, size_t target_len,
                                 const uint8_t* content_sha256, size_t content_sha256_len, uint64_t time,
                                 const uint8_t* nonce, size_t nonce_len, const uint8_t* user_id, size_t user_id_len,
                                 uint8_t** out, size_t* out_len) {
  if (!buffer_out_ok(out, out_len)) return COFFRE_E_INVALID_ARGUMENT;
  return guarded([&] {
    coffre::StoreRequest r;
    if (int s = make_request(COFFRE_STORE_REQUEST_ARGS, r); s != COFFRE_OK) return s;
    auto m = coffre::store_request_message(r);
    if (!m) return status(m.error());
    return give_buffer(m.value(), out, out_len);
  });
}

int coffre_store_request_sign(const coffre_device_keys* keys, const char* method, size_t method_len,
                              const char* target, size_t target_len, const uint8_t* content_sha256,
                              size_t content_sha256_len, uint64_t time, const uint8_t* nonce, size_t nonce_len,
                              const uint8_t* user_id, size_t user_id_len, uint8_t* signature, size_t signature_len) {
  if (keys == nullptr) return COFFRE_E_INVALID_ARGUMENT;
  return guarded_secret([&] {
    coffre::StoreRequest r;
    if (int s = make_request(COFFRE_STORE_REQUEST_ARGS, r); s != COFFRE_OK) return s;
    return put_signature(coffre::sign_store_request(keys->keys.sign_key, r), signature, signature_len);
  });
}

int coffre_store_request_sign_recovery(const coffre_recovery_phrase* phrase, const char* method, size_t method_len,
                                       const char* target, size_t target_len, const uint8_t* content_sha256,
                                       size_t content_sha256_len, uint64_t time, const uint8_t* nonce,
                                       size_t nonce_len, const uint8_t* user_id, size_t user_id_len,
                                       uint8_t* signature, size_t signature_len) {
  if (phrase == nullptr) return COFFRE_E_INVALID_ARGUMENT;
  return guarded_secret([&] {
    coffre::StoreRequest r;
    if (int s = make_request(COFFRE_STORE_REQUEST_ARGS, r); s != COFFRE_OK) return s;
    auto recovery = coffre::RecoveryKey::from_phrase(phrase->phrase);
    if (!recovery) return status(recovery.error());
    return put_signature(coffre::sign_store_request(recovery.value().signing_key(), r), signature, signature_len);
  });
}

int coffre_store_request_verify(const uint8_t* public_key, size_t public_key_len, const char* method,
                                size_t method_len, const char* target, size_t target_len,
                                const uint8_t* content_sha256, size_t content_sha256_len, uint64_t time,
                                const uint8_t* nonce, size_t nonce_len, const uint8_t* user_id, size_t user_id_len,
                                const uint8_t* signature, size_t signature_len) {
  if (!data_ok(public_key, public_key_len) || !data_ok(signature, signature_len)) return COFFRE_E_INVALID_ARGUMENT;
  return guarded([&] {
    auto key = coffre::VerifyKey::from_bytes(bytes(public_key, public_key_len));
    if (!key) return status(key.error());
    coffre::StoreRequest r;
    if (int s = make_request(COFFRE_STORE_REQUEST_ARGS, r); s != COFFRE_OK) return s;
    return status(coffre::verify_store_request(key.value(), r, bytes(signature, signature_len)));
  });
}

}  // extern "C"

#undef COFFRE_STORE_REQUEST_ARGS
