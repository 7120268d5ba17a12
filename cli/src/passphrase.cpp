#include "passphrase.hpp"

#include "io.hpp"
#include "signals.hpp"

#include <sodium.h>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <termios.h>
#include <unistd.h>

namespace coffre::cli {

namespace {

constexpr std::size_t kMaxPassphrase = 64 * 1024;
constexpr std::size_t kMaxTyped = 4096;

Status copy_out(std::span<const std::uint8_t> bytes, SecretBytes& out) {
  auto r = SecretBytes::copy_of(bytes);
  if (!r) return Status::fail(kExitIo, std::string(error_message(r.error())));
  out = std::move(r).take();
  return Status::success();
}

void tty_write(int fd, const char* s) {
  [[maybe_unused]] auto n = write(fd, s, std::strlen(s));
}

// One line typed with echo off, without its newline.
Status read_hidden_line(int tty, const char* prompt, SecretBytes& out) {
  termios saved{};
  if (tcgetattr(tty, &saved) != 0) return io_failure("cannot configure the terminal", errno);
  termios quiet = saved;
  quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
  quiet.c_lflag |= ICANON;
  // Echo off before the prompt: nothing typed after the prompt shows, and TCSAFLUSH drops only earlier type-ahead.
  signals::arm_tty(tty, saved);
  if (tcsetattr(tty, TCSAFLUSH, &quiet) != 0) {
    signals::disarm_tty();
    return io_failure("cannot turn off echo on the terminal", errno);
  }
  tty_write(tty, prompt);
  SecretBytes buf(kMaxTyped);
  if (!buf.valid()) return Status::fail(kExitIo, std::string(error_message(Error::out_of_memory)));
  std::size_t len = 0;
  bool ended = false;
  Status s;
  auto b = buf.reveal_mut();
  while (len < b.size()) {
    ssize_t n = read(tty, b.data() + len, 1);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      s = io_failure("cannot read the passphrase from the terminal", errno);
      break;
    }
    if (n == 0 || b[len] == '\n') {
      ended = true;
      break;
    }
    ++len;
  }
  tcsetattr(tty, TCSAFLUSH, &saved);
  signals::disarm_tty();
  tty_write(tty, "\n");
  if (!s.ok()) return s;
  if (!ended) return Status::fail(kExitUsage, "the passphrase is too long (4096 bytes at most when typed)");
  if (len > 0 && b[len - 1] == '\r') --len;
  return copy_out(b.first(len), out);
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
  int tty = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (tty < 0) {
    return Status::fail(kExitUsage,
                        "no terminal to type a passphrase on; pass --passphrase-file FILE or --key-file FILE");
  }
  Status s = read_hidden_line(tty, for_encryption ? "Passphrase: " : "Passphrase to decrypt: ", out);
  if (s.ok() && for_encryption) {
    if (out.size() == 0) {
      s = Status::fail(kExitUsage, "the passphrase is empty; type a passphrase, or use --key-file");
    } else {
      SecretBytes again;
      s = read_hidden_line(tty, "Same passphrase again: ", again);
      if (s.ok() && !out.equals(again)) {
        s = Status::fail(kExitUsage, "the two passphrases differ; nothing was encrypted. Try again");
      }
    }
  }
  close(tty);
  return s;
}

}  // namespace coffre::cli
