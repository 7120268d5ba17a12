#include "terminal.hpp"

#include "signals.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <termios.h>
#include <unistd.h>

namespace coffre::cli {

namespace {

constexpr std::size_t kMaxLine = 4096;

int open_tty() { return open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC); }

void tty_write(int fd, const std::string& s) { [[maybe_unused]] auto n = write(fd, s.data(), s.size()); }

// Reads up to a newline into `buf`; `len` excludes it (and a trailing '\r'). kExitUsage if the line is too long.
Status read_line(int tty, std::span<std::uint8_t> buf, std::size_t& len) {
  len = 0;
  while (true) {
    if (len == buf.size()) return Status::fail(kExitUsage, "the line typed is too long");
    ssize_t n = read(tty, buf.data() + len, 1);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return io_failure("cannot read from the terminal", errno);
    if (n == 0 || buf[len] == '\n') break;
    ++len;
  }
  if (len > 0 && buf[len - 1] == '\r') --len;
  return Status::success();
}

}  // namespace

Status require_terminal(const std::string& hint) {
  int tty = open_tty();
  if (tty < 0) return Status::fail(kExitUsage, "no terminal to ask on: " + hint);
  close(tty);
  return Status::success();
}

Status ask_yes_no(const std::string& question, bool& yes) {
  yes = false;
  int tty = open_tty();
  if (tty < 0) return Status::fail(kExitUsage, "no terminal to answer '" + question + "' on");
  tty_write(tty, question + " ");
  std::uint8_t buf[64];
  std::size_t len = 0;
  Status s = read_line(tty, buf, len);
  close(tty);
  if (!s.ok()) return s.code == kExitUsage ? Status::success() : s;  // a long answer is not "yes"
  std::string a(reinterpret_cast<const char*>(buf), len);
  for (auto& c : a) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  yes = a == "y" || a == "yes";
  return Status::success();
}

Status read_hidden(const std::string& prompt, SecretBytes& out) {
  int tty = open_tty();
  if (tty < 0) return Status::fail(kExitUsage, "no terminal to type on");
  termios saved{};
  if (tcgetattr(tty, &saved) != 0) {
    close(tty);
    return io_failure("cannot configure the terminal", errno);
  }
  termios quiet = saved;
  quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
  quiet.c_lflag |= ICANON;
  signals::arm_tty(tty, saved);
  if (tcsetattr(tty, TCSAFLUSH, &quiet) != 0) {
    signals::disarm_tty();
    close(tty);
    return io_failure("cannot turn off echo on the terminal", errno);
  }
  tty_write(tty, prompt);
  SecretBytes buf(kMaxLine);
  std::size_t len = 0;
  Status s = buf.valid() ? read_line(tty, buf.reveal_mut(), len)
                         : Status::fail(kExitIo, std::string(error_message(Error::out_of_memory)));
  tcsetattr(tty, TCSAFLUSH, &saved);
  signals::disarm_tty();
  tty_write(tty, "\n");
  close(tty);
  if (!s.ok()) return s;
  auto r = SecretBytes::copy_of(buf.reveal().first(len));
  if (!r) return Status::fail(kExitIo, std::string(error_message(r.error())));
  out = std::move(r).take();
  return Status::success();
}

}  // namespace coffre::cli
