// Questions on the controlling terminal (/dev/tty, so that standard input and output stay free for data): a yes/no
// confirmation, and the recovery phrase typed without echo.
#pragma once

#include "status.hpp"

#include <coffre/coffre.hpp>

#include <string>

namespace coffre::cli {

// kExitUsage with `hint` if there is no terminal. Call it before any step that changes something.
Status require_terminal(const std::string& hint);

// Prints `question` and reads one line: `yes` only for "y" or "yes" (any case). Anything else, or end of input, is no.
Status ask_yes_no(const std::string& question, bool& yes);

// Reads one line with echo off (the terminal is restored on SIGINT/SIGTERM/SIGHUP too).
Status read_hidden(const std::string& prompt, SecretBytes& out);

}  // namespace coffre::cli
