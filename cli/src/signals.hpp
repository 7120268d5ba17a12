// Interruption (SIGINT, SIGTERM, SIGHUP): remove the temporary output file, restore the terminal, then die by the
// signal. The handler only reads state prepared in advance and calls async-signal-safe functions (unlink, tcsetattr,
// signal, raise).
#pragma once

#include <signal.h>
#include <termios.h>

namespace coffre::cli::signals {

// Installs the handlers and ignores SIGPIPE (a closed output pipe is then an I/O error, exit code 3).
void install();

// The file to unlink if a signal arrives (one at a time). `path` is copied; paths longer than PATH_MAX are refused.
bool arm_cleanup(const char* path) noexcept;
void disarm_cleanup() noexcept;

// The terminal settings to restore if a signal arrives while echo is off.
void arm_tty(int fd, const termios& saved) noexcept;
void disarm_tty() noexcept;

// Blocks the handled signals in the calling thread for its lifetime, so that a step (create and arm, rename and
// disarm) is not split by a handler running on this thread.
class Blocker {
 public:
  Blocker() noexcept;
  ~Blocker();
  Blocker(const Blocker&) = delete;
  Blocker& operator=(const Blocker&) = delete;

 private:
  sigset_t old_;
};

// Blocks the handled signals in a helper thread for good (call first thing in the thread), so that they are
// delivered to the main thread or the library's workers.
void block_in_this_thread() noexcept;

}  // namespace coffre::cli::signals
