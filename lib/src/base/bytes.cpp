#include "base/bytes.hpp"

#include <sodium.h>

namespace coffre::detail {

void put_u32(std::uint8_t* out, std::uint32_t v) noexcept {
  for (int i = 3; i >= 0; --i, v >>= 8) out[i] = static_cast<std::uint8_t>(v);
}
void put_u64(std::uint8_t* out, std::uint64_t v) noexcept {
  for (int i = 7; i >= 0; --i, v >>= 8) out[i] = static_cast<std::uint8_t>(v);
}
std::uint32_t get_u32(const std::uint8_t* in) noexcept {
  std::uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v = (v << 8) | in[i];
  return v;
}
std::uint64_t get_u64(const std::uint8_t* in) noexcept {
  std::uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | in[i];
  return v;
}

void append(Bytes& out, ByteView bytes) { out.insert(out.end(), bytes.begin(), bytes.end()); }
void append_u32(Bytes& out, std::uint32_t v) {
  std::uint8_t b[4];
  put_u32(b, v);
  append(out, b);
}
void append_u64(Bytes& out, std::uint64_t v) {
  std::uint8_t b[8];
  put_u64(b, v);
  append(out, b);
}
void append_frame(Bytes& out, ByteView bytes) {
  append_u32(out, static_cast<std::uint32_t>(bytes.size()));
  append(out, bytes);
}

ByteView as_bytes(std::string_view s) noexcept {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

Bytes encode_context(const Context& context) {
  Bytes out;
  append_frame(out, as_bytes(context.object_id));
  append_u64(out, context.revision);
  append_u32(out, context.key_version);
  return out;
}

bool context_valid(const Context& context) noexcept { return context.object_id.size() <= Context::kMaxObjectId; }

bool utf8_valid(ByteView s) noexcept {
  std::size_t i = 0;
  while (i < s.size()) {
    std::uint8_t c = s[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t len;
    std::uint32_t cp;
    if (c >= 0xc2 && c <= 0xdf) {
      len = 2;
      cp = c & 0x1fu;
    } else if ((c & 0xf0) == 0xe0) {
      len = 3;
      cp = c & 0x0fu;
    } else if (c >= 0xf0 && c <= 0xf4) {
      len = 4;
      cp = c & 0x07u;
    } else {
      return false;
    }
    if (s.size() - i < len) return false;
    for (std::size_t k = 1; k < len; ++k) {
      if ((s[i + k] & 0xc0) != 0x80) return false;
      cp = (cp << 6) | (s[i + k] & 0x3fu);
    }
    if (len == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) return false;
    if (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) return false;
    i += len;
  }
  return true;
}

bool equal_ct(ByteView a, ByteView b) noexcept {
  return a.size() == b.size() && sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace coffre::detail
