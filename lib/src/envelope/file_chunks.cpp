#include "envelope/file_chunks.hpp"

#include <sodium.h>

#include <cstring>

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

// XChaCha20-Poly1305-IETF computes tag = Poly1305(otk, ad || pad16 || ct || pad16 || le64(|ad|) || le64(|ct|)),
// otk being the first 32 bytes of ChaCha20-IETF(HChaCha20(key, nonce[0..16]), 0^4 || nonce[16..24]). The Poly1305
// state after each 16-byte block of ct is reused for every candidate length ending in the next block.
bool ChunkCipher::has_final_prefix(std::uint64_t index, ByteView piece) const noexcept {
  if (piece.size() <= kTagSize) return false;
  std::uint8_t nonce[24], subkey[32], inner_nonce[12] = {}, otk[32];
  make_nonce(nonce, index, true);
  crypto_core_hchacha20(subkey, nonce, keys_.payload_key.reveal().data(), nullptr);
  std::memcpy(inner_nonce + 4, nonce + 16, 8);
  crypto_stream_chacha20_ietf(otk, sizeof otk, inner_nonce, subkey);

  static const std::uint8_t zeros[16] = {};
  crypto_onetimeauth_poly1305_state base, st;
  crypto_onetimeauth_poly1305_init(&base, otk);
  crypto_onetimeauth_poly1305_update(&base, keys_.header_mac, sizeof keys_.header_mac);  // 32 bytes: no padding
  bool found = false;
  const std::size_t last_ct = piece.size() - kTagSize - 1;  // strict prefixes: ct lengths 0 .. size - 17
  for (std::size_t block = 0; block <= last_ct && !found; block += 16) {
    for (std::size_t m = block; m < block + 16 && m <= last_ct && !found; ++m) {
      st = base;
      crypto_onetimeauth_poly1305_update(&st, piece.data() + block, m - block);
      crypto_onetimeauth_poly1305_update(&st, zeros, (16 - m % 16) % 16);
      std::uint8_t lengths[16], tag[16];
      // std::uint64_t: size_t is 32-bit in WebAssembly, where shifting it by 32 or more is undefined.
      for (int i = 0; i < 8; ++i) lengths[i] = static_cast<std::uint8_t>(std::uint64_t{sizeof keys_.header_mac} >> (8 * i));
      for (int i = 0; i < 8; ++i) lengths[8 + i] = static_cast<std::uint8_t>(std::uint64_t{m} >> (8 * i));
      crypto_onetimeauth_poly1305_update(&st, lengths, sizeof lengths);
      crypto_onetimeauth_poly1305_final(&st, tag);
      found = crypto_verify_16(tag, piece.data() + m) == 0;
    }
    if (block + 16 <= piece.size()) crypto_onetimeauth_poly1305_update(&base, piece.data() + block, 16);
  }
  sodium_memzero(subkey, sizeof subkey);
  sodium_memzero(otk, sizeof otk);
  sodium_memzero(&base, sizeof base);
  sodium_memzero(&st, sizeof st);
  return found;
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

Error ChunkCipher::diagnose_final(std::uint64_t index, ByteView piece, std::size_t chunk_size,
                                  std::uint8_t* scratch) const noexcept {
  Error e = Error::ok;
  if (piece.size() == chunk_size + kTagSize && open(index, false, piece, scratch)) {
    e = Error::truncated;  // a whole non-final chunk, and then nothing: cut at a chunk boundary
  } else if (has_final_prefix(index, piece)) {
    e = Error::trailing_data;
  } else {
    e = diagnose_position(index, true, piece, scratch);
  }
  sodium_memzero(scratch, chunk_size);
  return e;
}

}  // namespace coffre::detail
