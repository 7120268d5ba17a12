// Exit codes and the Status every step of the CLI returns. Messages say what is wrong and what to do; never secrets.
#pragma once

#include <string>
#include <utility>

namespace coffre::cli {

enum ExitCode : int {
  kExitOk = 0,
  kExitAuth = 1,   // authentication or integrity failure: wrong key or passphrase, wrong context, tampering, truncation
  kExitUsage = 2,  // bad command line, unusable key file, refusal to overwrite an existing output
  kExitIo = 3,     // reading or writing failed (missing file, permissions, full disk...), or another system error
};

struct Status {
  int code = kExitOk;
  std::string message;  // empty when ok

  bool ok() const noexcept { return code == kExitOk; }
  static Status success() { return {}; }
  static Status fail(int c, std::string m) { return {c, std::move(m)}; }
};

// Shorthand for the common "<what>: <strerror(errno)>" I/O failure.
Status io_failure(const std::string& what, int err);

// Prints "coffre: <message>" on stderr (if any) and returns the exit code.
int report(const Status& s);

}  // namespace coffre::cli
