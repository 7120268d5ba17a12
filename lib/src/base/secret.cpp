#include <coffre/coffre.hpp>

#include <sodium.h>

#include <utility>

namespace coffre {

SecretBytes::SecretBytes(std::size_t size) {
  if (init() != Error::ok) return;
  // sodium_malloc: guard pages, mlock where possible, wiped by sodium_free. Never zero-sized.
  data_ = static_cast<std::uint8_t*>(sodium_malloc(size == 0 ? 1 : size));
  if (data_ == nullptr) return;
  sodium_memzero(data_, size == 0 ? 1 : size);
  size_ = size;
}

Result<SecretBytes> SecretBytes::copy_of(std::span<const std::uint8_t> bytes) {
  SecretBytes s(bytes.size());
  if (!s.valid()) return Error::out_of_memory;
  std::copy(bytes.begin(), bytes.end(), s.data_);
  return s;
}

SecretBytes::SecretBytes(SecretBytes&& other) noexcept
    : data_(std::exchange(other.data_, nullptr)), size_(std::exchange(other.size_, 0)) {}

SecretBytes& SecretBytes::operator=(SecretBytes&& other) noexcept {
  if (this != &other) {
    if (data_) sodium_free(data_);
    data_ = std::exchange(other.data_, nullptr);
    size_ = std::exchange(other.size_, 0);
  }
  return *this;
}

SecretBytes::~SecretBytes() {
  if (data_) sodium_free(data_);
}

bool SecretBytes::equals(const SecretBytes& other) const noexcept {
  if (size_ != other.size_) return false;
  if (size_ == 0) return true;
  return sodium_memcmp(data_, other.data_, size_) == 0;
}

Result<ContentKey> ContentKey::generate(Rng& rng) {
  SecretBytes b(kSize);
  if (!b.valid()) return Error::out_of_memory;
  rng.fill(b.reveal_mut());
  return ContentKey(std::move(b));
}

Result<ContentKey> ContentKey::from_bytes(std::span<const std::uint8_t> bytes) {
  if (bytes.size() != kSize) return Error::invalid_argument;
  auto b = SecretBytes::copy_of(bytes);
  if (!b) return b.error();
  return ContentKey(std::move(b).take());
}

}  // namespace coffre
