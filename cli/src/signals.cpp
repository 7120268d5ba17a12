#include "signals.hpp"

#include <atomic>
#include <cerrno>
#include <climits>
#include <csignal>
#include <cstring>
#include <pthread.h>
#include <unistd.h>

namespace coffre::cli::signals {

namespace {

constexpr int kHandled[] = {SIGINT, SIGTERM, SIGHUP};

// Written by the main thread only while `g_path_armed` is false; read by the handler only while it is true.
char g_path[PATH_MAX];
std::atomic<bool> g_path_armed{false};
termios g_tty_saved;
std::atomic<int> g_tty_fd{-1};

static_assert(std::atomic<bool>::is_always_lock_free && std::atomic<int>::is_always_lock_free,
              "the signal handler needs lock-free atomics");

extern "C" void on_signal(int sig) {
  int saved_errno = errno;
  if (g_path_armed.exchange(false)) unlink(g_path);
  int fd = g_tty_fd.exchange(-1);
  if (fd >= 0) tcsetattr(fd, TCSAFLUSH, &g_tty_saved);
  // Die by the signal, so that the parent sees how the process ended (128 + n in a shell).
  signal(sig, SIG_DFL);
  raise(sig);
  errno = saved_errno;
}

sigset_t handled_set() {
  sigset_t set;
  sigemptyset(&set);
  for (int s : kHandled) sigaddset(&set, s);
  return set;
}

}  // namespace

void install() {
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  for (int s : kHandled) sigaddset(&sa.sa_mask, s);  // one handler at a time
  for (int s : kHandled) sigaction(s, &sa, nullptr);
  signal(SIGPIPE, SIG_IGN);
}

bool arm_cleanup(const char* path) noexcept {
  std::size_t n = std::strlen(path);
  if (n >= sizeof g_path) return false;
  g_path_armed.store(false);
  std::memcpy(g_path, path, n + 1);
  g_path_armed.store(true);
  return true;
}

void disarm_cleanup() noexcept { g_path_armed.store(false); }

void arm_tty(int fd, const termios& saved) noexcept {
  g_tty_fd.store(-1);
  g_tty_saved = saved;
  g_tty_fd.store(fd);
}

void disarm_tty() noexcept { g_tty_fd.store(-1); }

Blocker::Blocker() noexcept {
  sigset_t set = handled_set();
  pthread_sigmask(SIG_BLOCK, &set, &old_);
}

Blocker::~Blocker() { pthread_sigmask(SIG_SETMASK, &old_, nullptr); }

void block_in_this_thread() noexcept {
  sigset_t set = handled_set();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

}  // namespace coffre::cli::signals
