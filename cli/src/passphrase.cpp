#include "passphrase.hpp"

#include "io.hpp"
#include "terminal.hpp"

#include <sodium.h>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <termios.h>
#include <unistd.h>

namespace coffre::cli {

namespace {

constexpr std::size_t kMaxPassphrase = 64 * 1024;

// docs/SPEC.md 5.1: the library would refuse it with invalid_argument; say why here.
Status require_utf8(std::span<const std::uint8_t> bytes) {
  if (passphrase_is_utf8(Passphrase{bytes})) return Status::success();
  return Status::fail(kExitUsage, "the passphrase is not valid UTF-8 (docs/SPEC.md 5.1); check the terminal's or "
                                  "the file's encoding");
}

Status copy_out(std::span<const std::uint8_t> bytes, SecretBytes& out) {
  if (Status s = require_utf8(bytes); !s.ok()) return s;
  auto r = SecretBytes::copy_of(bytes);
  if (!r) return Status::fail(kExitIo, std::string(error_message(r.error())));
  out = std::move(r).take();
  return Status::success();
}

}  // namespace

Status read_passphrase_file(const std::string& path, bool for_encryption, SecretBytes& out) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return io_failure("cannot open the passphrase file " + path, errno);
  SecretBytes buf(kMaxPassphrase + 1);
  if (!buf.valid()) {
    close(fd);
    return Status::fail(kExitIo, std::string(error_message(Error::out_of_memory)));
  }
  std::size_t got = 0;
  Status s = read_full(fd, buf.reveal_mut().data(), buf.size(), got, "the passphrase file " + path);
  close(fd);
  if (!s.ok()) return s;
  if (got > kMaxPassphrase) return Status::fail(kExitUsage, "the passphrase file " + path + " is larger than 64 KiB");
  auto b = buf.reveal().first(got);
  if (!b.empty() && b.back() == '\n') {
    b = b.first(b.size() - 1);
    if (!b.empty() && b.back() == '\r') b = b.first(b.size() - 1);
  }
  if (for_encryption && b.empty()) {
    return Status::fail(kExitUsage, "the passphrase file " + path + " is empty; write a passphrase in it");
  }
  return copy_out(b, out);
}

Status prompt_passphrase(bool for_encryption, SecretBytes& out) {
  if (Status s = require_terminal("pass --passphrase-file FILE or --key-file FILE"); !s.ok()) return s;
  Status s = read_hidden(for_encryption ? "Passphrase: " : "Passphrase to decrypt: ", out);
  if (s.ok()) s = require_utf8(out.reveal());
  if (!s.ok() || !for_encryption) return s;
  if (out.size() == 0) return Status::fail(kExitUsage, "the passphrase is empty; type a passphrase, or use --key-file");
  SecretBytes again;
  if (s = read_hidden("Same passphrase again: ", again); !s.ok()) return s;
  if (!out.equals(again)) {
    return Status::fail(kExitUsage, "the two passphrases differ; nothing was encrypted. Try again");
  }
  return Status::success();
}

}  // namespace coffre::cli
