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
  std::string error;    // the library error's name (error_code) when one caused the failure; else empty

  bool ok() const noexcept { return code == kExitOk; }
  static Status success() { return {}; }
  static Status fail(int c, std::string m, std::string error = {}) { return {c, std::move(m), std::move(error)}; }
};

// Shorthand for the common "<what>: <strerror(errno)>" I/O failure.
Status io_failure(const std::string& what, int err);

// Prints "coffre: <message>" on stderr (if any) and returns the exit code. In JSON mode (set_json_errors), a failure
// is one line {"error":{"code":...,"message":...,"exit":N}} instead (cli/README.md, "JSON output"), and a message
// without failure (a warning) is not printed: the command's JSON says it.
int report(const Status& s);

// --json: report() writes failures as JSON.
void set_json_errors(bool on);
bool json_errors();

// The "code" of a failure in JSON: the library error's name (Status::error, else the first "(name)" of a library
// error in the message), else the CLI's name for its exit code: usage, auth, io, interrupted.
std::string error_name(const Status& s);

// Prints the JSON error line of a failure on stderr, and returns its exit code.
int report_json(const Status& s);

}  // namespace coffre::cli
