#include "keyfile.hpp"

#include "io.hpp"

#include <cerrno>
#include <cstdio>
#include <fcntl.h>
#include <string_view>
#include <sys/stat.h>
#include <unistd.h>

namespace coffre::cli {

namespace {

constexpr std::string_view kHeaderComment =
    "# coffre symmetric key (coffre keygen --symmetric). Keep this file secret: anyone who has it can decrypt the\n"
    "# files encrypted with it. Losing it loses those files.\n";

}  // namespace

Status write_new_key_file(const std::string& path) {
  if (is_std_stream(path)) return Status::fail(kExitUsage, "keygen writes the key to a file only: pass -o FILE");
  auto key = ContentKey::generate(system_rng());
  if (!key) return Status::fail(kExitIo, std::string(error_message(key.error())));

  // The key line lives in secure memory only.
  auto line = key_file_line(key.value());
  if (!line) return Status::fail(kExitIo, std::string(error_message(line.error())));

  struct stat st {};
  if (lstat(path.c_str(), &st) == 0) {
    return Status::fail(kExitUsage, path + " already exists; keygen never replaces a file (it may hold a key still "
                                           "in use). Choose another name");
  }
  Output out;
  if (Status s = out.open(path, /*force=*/false); !s.ok()) return s;
  auto comment = reinterpret_cast<const std::uint8_t*>(kHeaderComment.data());
  if (Status s = out.write(comment, kHeaderComment.size()); !s.ok()) return s;
  auto l = line.value().reveal();
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
  SecretBytes buf(kKeyFileMaxSize + 1);  // one byte more: a longer file is refused, not cut
  if (!buf.valid()) {
    close(fd);
    return Status::fail(kExitIo, std::string(error_message(Error::out_of_memory)));
  }
  std::size_t got = 0;
  Status s = read_full(fd, buf.reveal_mut().data(), buf.size(), got, "the key file " + path);
  close(fd);
  if (!s.ok()) return s;
  auto k = parse_key_file(buf.reveal().first(got));
  if (!k && k.error() == Error::invalid_argument) {
    return Status::fail(kExitUsage, "the key file " + path + " is not a coffre key file (expected one line '" +
                                        std::string(kKeyFileLinePrefix) +
                                        "<base64>', as written by 'coffre keygen --symmetric -o FILE')");
  }
  if (!k) return Status::fail(kExitIo, std::string(error_message(k.error())));
  key.emplace(std::move(k).take());
  return Status::success();
}

}  // namespace coffre::cli
