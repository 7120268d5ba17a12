#include "kdf.hpp"

#include <sodium.h>

namespace coffre::detail {

namespace {
void absorb_frame(crypto_generichash_state& st, ByteView bytes) noexcept {
  std::uint8_t len[4];
  put_u32(len, static_cast<std::uint32_t>(bytes.size()));
  crypto_generichash_update(&st, len, sizeof len);
  crypto_generichash_update(&st, bytes.data(), bytes.size());
}
}  // namespace

void kdf(std::span<std::uint8_t> out, const SecretBytes& key, std::string_view label,
         std::initializer_list<ByteView> parts) noexcept {
  crypto_generichash_state st;
  auto k = key.reveal();
  crypto_generichash_init(&st, k.data(), k.size(), out.size());
  absorb_frame(st, as_bytes(label));
  for (ByteView p : parts) absorb_frame(st, p);
  crypto_generichash_final(&st, out.data(), out.size());
  sodium_memzero(&st, sizeof st);
}

Result<SecretBytes> kdf_key(const SecretBytes& key, std::string_view label, std::initializer_list<ByteView> parts,
                            std::size_t size) {
  SecretBytes out(size);
  if (!out.valid()) return Error::out_of_memory;
  kdf(out.reveal_mut(), key, label, parts);
  return out;
}

}  // namespace coffre::detail
