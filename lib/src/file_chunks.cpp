#include "file_chunks.hpp"

#include <sodium.h>

namespace coffre::detail {

namespace {
constexpr std::uint64_t kDiagnosisWindow = 64;

// nonce = 15 zero bytes || u64(index) || last
void make_nonce(std::uint8_t nonce[24], std::uint64_t index, bool last) noexcept {
  for (int i = 0; i < 15; ++i) nonce[i] = 0;
  put_u64(nonce + 15, index);
  nonce[23] = last ? 1 : 0;
}
}  // namespace

void ChunkCipher::seal(std::uint64_t index, bool last, ByteView plain, std::uint8_t* out) const noexcept {
  std::uint8_t nonce[24];
  make_nonce(nonce, index, last);
  crypto_aead_xchacha20poly1305_ietf_encrypt_detached(out, out + plain.size(), nullptr, plain.data(), plain.size(),
                                                      keys_.header_mac, sizeof keys_.header_mac, nullptr, nonce,
                                                      keys_.payload_key.reveal().data());
}

bool ChunkCipher::open(std::uint64_t index, bool last, ByteView chunk, std::uint8_t* out) const noexcept {
  if (chunk.size() < kTagSize) return false;
  std::uint8_t nonce[24];
  make_nonce(nonce, index, last);
  std::size_t n = chunk.size() - kTagSize;
  return crypto_aead_xchacha20poly1305_ietf_decrypt_detached(out, nullptr, chunk.data(), n, chunk.data() + n,
                                                             keys_.header_mac, sizeof keys_.header_mac, nonce,
                                                             keys_.payload_key.reveal().data()) == 0;
}

Error ChunkCipher::diagnose_position(std::uint64_t index, bool last, ByteView chunk,
                                     std::uint8_t* scratch) const noexcept {
  Error found = Error::chunk_invalid;
  std::uint64_t lo = index > kDiagnosisWindow ? index - kDiagnosisWindow : 0;
  for (std::uint64_t j = lo; j <= index + kDiagnosisWindow && found == Error::chunk_invalid; ++j) {
    for (bool flag : {false, true}) {
      if (j == index && flag == last) continue;
      if (j != index && open(j, flag, chunk, scratch)) {
        found = j < index ? Error::chunk_duplicated : Error::chunk_out_of_order;
        break;
      }
    }
  }
  if (chunk.size() > kTagSize) sodium_memzero(scratch, chunk.size() - kTagSize);
  return found;
}

}  // namespace coffre::detail
