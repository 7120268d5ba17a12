#include "crypto/kdf.hpp"

#include <sodium.h>

namespace coffre::detail {

namespace {
void absorb_frame(crypto_generichash_state& st, ByteView bytes) noexcept {
  std::uint8_t len[4];
  put_u32(len, static_cast<std::uint32_t>(bytes.size()));
  crypto_generichash_update(&st, len, sizeof len);
  crypto_generichash_update(&st, bytes.data(), bytes.size());
}

void absorb_all(std::span<std::uint8_t> out, std::span<const std::uint8_t> key, std::string_view label,
                std::initializer_list<ByteView> parts) noexcept {
  crypto_generichash_state st;
  crypto_generichash_init(&st, key.data(), key.size(), out.size());
  absorb_frame(st, as_bytes(label));
  for (ByteView p : parts) absorb_frame(st, p);
  crypto_generichash_final(&st, out.data(), out.size());
  sodium_memzero(&st, sizeof st);
}
}  // namespace

void kdf(std::span<std::uint8_t> out, const SecretBytes& key, std::string_view label,
         std::initializer_list<ByteView> parts) noexcept {
  absorb_all(out, key.reveal(), label, parts);
}

void kdf(std::span<std::uint8_t> out, std::span<const std::uint8_t> key, std::string_view label,
         std::initializer_list<ByteView> parts) noexcept {
  absorb_all(out, key, label, parts);
}

std::array<std::uint8_t, 32> hash(std::string_view label, std::initializer_list<ByteView> parts) noexcept {
  std::array<std::uint8_t, 32> out{};
  absorb_all(out, {}, label, parts);
  return out;
}

Result<SecretBytes> kdf_key(const SecretBytes& key, std::string_view label, std::initializer_list<ByteView> parts,
                            std::size_t size) {
  SecretBytes out(size);
  if (!out.valid()) return Error::out_of_memory;
  kdf(out.reveal_mut(), key, label, parts);
  return out;
}

}  // namespace coffre::detail
