#include "base/unicode.hpp"

#include <coffre/file.hpp>

#include <utf8proc.h>

namespace coffre::detail {

namespace {

// utf8proc's NFKD (what utf8proc_NFKD does), on a length rather than a NUL-terminated string.
constexpr auto kNfkd = static_cast<utf8proc_option_t>(UTF8PROC_STABLE | UTF8PROC_DECOMPOSE | UTF8PROC_COMPAT);

}  // namespace

bool is_ascii(ByteView text) noexcept {
  std::uint8_t high = 0;
  for (std::uint8_t c : text) high |= c;
  return high < 0x80;
}

bool is_utf8(ByteView text) noexcept {
  const auto* p = reinterpret_cast<const utf8proc_uint8_t*>(text.data());
  auto left = static_cast<utf8proc_ssize_t>(text.size());
  while (left > 0) {
    utf8proc_int32_t c = 0;
    const utf8proc_ssize_t n = utf8proc_iterate(p, left, &c);
    if (n <= 0) return false;
    p += n;
    left -= n;
  }
  return true;
}

Result<SecretBytes> nfkd(ByteView text) {
  if (is_ascii(text)) return SecretBytes::copy_of(text);
  const auto* in = reinterpret_cast<const utf8proc_uint8_t*>(text.data());
  const auto in_len = static_cast<utf8proc_ssize_t>(text.size());
  // First pass: the number of code points (nothing written), or the reason the text is refused.
  const utf8proc_ssize_t count = utf8proc_decompose(in, in_len, nullptr, 0, kNfkd);
  if (count == UTF8PROC_ERROR_INVALIDUTF8) return Error::invalid_argument;
  if (count < 0) return Error::out_of_memory;  // UTF8PROC_ERROR_OVERFLOW: too long to count
  const auto n = static_cast<std::size_t>(count);
  // The code points in secure memory (a multiple of 4 bytes: sodium_malloc's pointer is then 4-aligned).
  SecretBytes points(n * sizeof(utf8proc_int32_t));
  SecretBytes utf8(n * 4);  // at most 4 bytes per code point
  if (!points.valid() || !utf8.valid()) return Error::out_of_memory;
  auto* cp = reinterpret_cast<utf8proc_int32_t*>(points.reveal_mut().data());
  if (utf8proc_decompose(in, in_len, cp, count, kNfkd) != count) return Error::out_of_memory;
  std::size_t size = 0;
  for (std::size_t i = 0; i < n; ++i) {
    size += static_cast<std::size_t>(utf8proc_encode_char(cp[i], utf8.reveal_mut().data() + size));
  }
  return SecretBytes::copy_of(utf8.reveal().first(size));
}

}  // namespace coffre::detail

namespace coffre {

bool passphrase_is_utf8(Passphrase passphrase) noexcept { return detail::is_utf8(passphrase.bytes); }

}  // namespace coffre
