// C ABI: data-key wraps under a key-encryption key (docs/SPEC.md section 21).
#include "abi.hpp"

struct coffre_kek {
  coffre::KeyEncryptionKey kek;
};

using namespace coffre_abi;

namespace {

std::string_view text(const void* p, std::size_t len) noexcept {
  return len == 0 ? std::string_view{} : std::string_view{static_cast<const char*>(p), len};
}

}  // namespace

extern "C" {

size_t coffre_kek_bytes(void) { return coffre::KeyEncryptionKey::kSize; }
size_t coffre_data_key_wrap_bytes(void) { return coffre::kDataKeyWrapSize; }

int coffre_kek_generate(coffre_kek** out) {
  clear_out(out);
  if (out == nullptr) return COFFRE_E_INVALID_ARGUMENT;
  return guarded_secret([&] { return give_handle(coffre::KeyEncryptionKey::generate(coffre::system_rng()), out); });
}

int coffre_kek_from_bytes(const uint8_t* b, size_t len, coffre_kek** out) {
  clear_out(out);
  if (out == nullptr || b == nullptr) return COFFRE_E_INVALID_ARGUMENT;
  return guarded_secret([&] { return give_handle(coffre::KeyEncryptionKey::from_bytes(bytes(b, len)), out); });
}

int coffre_kek_export(const coffre_kek* kek, uint8_t* out, size_t out_len) {
  if (kek == nullptr) return COFFRE_E_INVALID_ARGUMENT;
  return put_fixed(kek->kek.secret().reveal(), out, out_len);
}

void coffre_kek_free(coffre_kek* kek) { delete kek; }  // SecretBytes wipes on destruction

int coffre_data_key_wrap(const coffre_kek* kek, const coffre_key* data_key, const char* label, size_t label_len,
                         const uint8_t* key_id, size_t key_id_len, uint8_t* out, size_t out_len) {
  if (kek == nullptr || data_key == nullptr || !data_ok(label, label_len) || !data_ok(key_id, key_id_len) ||
      out == nullptr || out_len != coffre::kDataKeyWrapSize) {
    return COFFRE_E_INVALID_ARGUMENT;
  }
  return guarded_secret([&] {
    auto r = coffre::wrap_data_key(kek->kek, data_key->key, {text(label, label_len), text(key_id, key_id_len)});
    if (!r) return status(r.error());
    return put_fixed(r.value(), out, out_len);
  });
}

int coffre_data_key_unwrap(const coffre_kek* kek, const uint8_t* wrapped, size_t wrapped_len, const char* label,
                           size_t label_len, const uint8_t* key_id, size_t key_id_len, coffre_key** out) {
  clear_out(out);
  if (kek == nullptr || out == nullptr || !data_ok(wrapped, wrapped_len) || !data_ok(label, label_len) ||
      !data_ok(key_id, key_id_len)) {
    return COFFRE_E_INVALID_ARGUMENT;
  }
  return guarded_secret([&] {
    return give_handle(coffre::unwrap_data_key(kek->kek, bytes(wrapped, wrapped_len),
                                               {text(label, label_len), text(key_id, key_id_len)}),
                       out);
  });
}

}  // extern "C"
