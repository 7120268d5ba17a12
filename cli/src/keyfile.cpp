#include "keyfile.hpp"

#include "io.hpp"

#include <sodium.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <string_view>
#include <sys/stat.h>
#include <unistd.h>

namespace coffre::cli {

namespace {

constexpr std::size_t kMaxKeyFileSize = 4096;
constexpr std::string_view kHeaderComment =
    "# coffre symmetric key (coffre keygen --symmetric). Keep this file secret: anyone who has it can decrypt the\n"
    "# files encrypted with it. Losing it loses those files.\n";

}  // namespace

Status write_new_key_file(const std::string& path) {
  if (is_std_stream(path)) return Status::fail(kExitUsage, "keygen writes the key to a file only: pass -o FILE");
  auto key = ContentKey::generate(system_rng());
  if (!key) return Status::fail(kExitIo, std::string(error_message(key.error())));

  // The key line lives in secure memory only: prefix + base64 + newline.
  const std::size_t b64_len = sodium_base64_ENCODED_LEN(ContentKey::kSize, sodium_base64_VARIANT_ORIGINAL);
  const std::size_t prefix_len = std::strlen(kKeyLinePrefix);
  SecretBytes line(prefix_len + b64_len);  // b64_len counts the terminating NUL: room for the newline
  if (!line.valid()) return Status::fail(kExitIo, std::string(error_message(Error::out_of_memory)));
  auto l = line.reveal_mut();
  std::memcpy(l.data(), kKeyLinePrefix, prefix_len);
  auto k = key.value().secret().reveal();
  sodium_bin2base64(reinterpret_cast<char*>(l.data() + prefix_len), b64_len, k.data(), k.size(),
                    sodium_base64_VARIANT_ORIGINAL);
  l[l.size() - 1] = '\n';

  struct stat st {};
  if (lstat(path.c_str(), &st) == 0) {
    return Status::fail(kExitUsage, path + " already exists; keygen never replaces a file (it may hold a key still "
                                           "in use). Choose another name");
  }
  Output out;
  if (Status s = out.open(path, /*force=*/false); !s.ok()) return s;
  auto comment = reinterpret_cast<const std::uint8_t*>(kHeaderComment.data());
  if (Status s = out.write(comment, kHeaderComment.size()); !s.ok()) return s;
  if (Status s = out.write(l.data(), l.size()); !s.ok()) return s;
  return out.commit();
}

Status read_key_file(const std::string& path, std::optional<ContentKey>& key) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return io_failure("cannot open the key file " + path, errno);
  struct stat st {};
  if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 077) != 0) {
    std::fprintf(stderr, "coffre: warning: the key file %s can be read by other users; run chmod 600 %s\n",
                 path.c_str(), path.c_str());
  }
  SecretBytes buf(kMaxKeyFileSize + 1);
  if (!buf.valid()) {
    close(fd);
    return Status::fail(kExitIo, std::string(error_message(Error::out_of_memory)));
  }
  std::size_t got = 0;
  Status s = read_full(fd, buf.reveal_mut().data(), buf.size(), got, "the key file " + path);
  close(fd);
  if (!s.ok()) return s;
  const Status malformed = Status::fail(
      kExitUsage, "the key file " + path + " is not a coffre key file (expected one line '" + kKeyLinePrefix +
                      "<base64>', as written by 'coffre keygen --symmetric -o FILE')");
  if (got > kMaxKeyFileSize) return malformed;

  std::string_view text(reinterpret_cast<const char*>(buf.reveal().data()), got);
  std::optional<std::string_view> key_line;
  while (!text.empty()) {
    auto nl = text.find('\n');
    std::string_view lineview = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
    if (!lineview.empty() && lineview.back() == '\r') lineview.remove_suffix(1);
    if (lineview.empty() || lineview.front() == '#') continue;
    if (key_line || lineview.substr(0, std::strlen(kKeyLinePrefix)) != kKeyLinePrefix) return malformed;
    key_line = lineview.substr(std::strlen(kKeyLinePrefix));
  }
  if (!key_line) return malformed;

  SecretBytes raw(ContentKey::kSize + 1);
  if (!raw.valid()) return Status::fail(kExitIo, std::string(error_message(Error::out_of_memory)));
  std::size_t raw_len = 0;
  const char* end = nullptr;
  if (sodium_base642bin(raw.reveal_mut().data(), raw.size(), key_line->data(), key_line->size(), nullptr, &raw_len,
                        &end, sodium_base64_VARIANT_ORIGINAL) != 0 ||
      end != key_line->data() + key_line->size() || raw_len != ContentKey::kSize) {
    return malformed;
  }
  auto k = ContentKey::from_bytes(raw.reveal().first(ContentKey::kSize));
  if (!k) return Status::fail(kExitIo, std::string(error_message(k.error())));
  key.emplace(std::move(k).take());
  return Status::success();
}

}  // namespace coffre::cli
