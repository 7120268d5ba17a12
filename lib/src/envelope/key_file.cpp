#include <coffre/coffre.hpp>

#include <sodium.h>

#include <cstring>
#include <optional>

namespace coffre {

namespace {

std::string_view text_of(std::span<const std::uint8_t> bytes) {
  return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

// Section 19's line rules: lines end at LF, one CR before it is dropped, empty and '#' lines are comments, and the
// one other line must start with the prefix. Returns what follows the prefix on that line.
std::optional<std::string_view> find_key_text(std::string_view file) {
  std::optional<std::string_view> key_text;
  while (!file.empty()) {
    const auto lf = file.find('\n');
    std::string_view line = file.substr(0, lf);
    file = lf == std::string_view::npos ? std::string_view{} : file.substr(lf + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty() || line.front() == '#') continue;
    if (key_text || !line.starts_with(kKeyFileLinePrefix)) return std::nullopt;
    key_text = line.substr(kKeyFileLinePrefix.size());
  }
  return key_text;
}

}  // namespace

Result<ContentKey> parse_key_file(std::span<const std::uint8_t> file) {
  COFFRE_TRY(init());
  if (file.size() > kKeyFileMaxSize) return Error::invalid_argument;
  const auto key_text = find_key_text(text_of(file));
  if (!key_text) return Error::invalid_argument;
  // One byte of room: base64 of 33 bytes or more fails here instead of being cut to 32.
  SecretBytes raw(ContentKey::kSize + 1);
  if (!raw.valid()) return Error::out_of_memory;
  std::size_t raw_len = 0;
  const char* end = nullptr;
  // libsodium refuses a missing or extra '=', characters outside the alphabet and nonzero unused bits; `end` catches
  // anything after the padding.
  if (sodium_base642bin(raw.reveal_mut().data(), raw.size(), key_text->data(), key_text->size(), nullptr, &raw_len,
                        &end, sodium_base64_VARIANT_ORIGINAL) != 0 ||
      end != key_text->data() + key_text->size() || raw_len != ContentKey::kSize) {
    return Error::invalid_argument;
  }
  return ContentKey::from_bytes(raw.reveal().first(ContentKey::kSize));
}

Result<SecretBytes> key_file_line(const ContentKey& key) {
  COFFRE_TRY(init());
  // sodium's encoded length counts a terminating NUL: its place takes the newline.
  const std::size_t b64_len = sodium_base64_ENCODED_LEN(ContentKey::kSize, sodium_base64_VARIANT_ORIGINAL);
  SecretBytes line(kKeyFileLinePrefix.size() + b64_len);
  if (!line.valid()) return Error::out_of_memory;
  auto l = line.reveal_mut();
  std::memcpy(l.data(), kKeyFileLinePrefix.data(), kKeyFileLinePrefix.size());
  auto k = key.secret().reveal();
  sodium_bin2base64(reinterpret_cast<char*>(l.data() + kKeyFileLinePrefix.size()), b64_len, k.data(), k.size(),
                    sodium_base64_VARIANT_ORIGINAL);
  l[l.size() - 1] = '\n';
  return line;
}

}  // namespace coffre
