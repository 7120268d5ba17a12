// Passphrases: from a file (trailing newline stripped) or typed on the terminal without echo.
#pragma once

#include "status.hpp"

#include <coffre/coffre.hpp>

#include <string>

namespace coffre::cli {

// The whole file, less one trailing "\n" or "\r\n". An empty passphrase is refused when `for_encryption`.
Status read_passphrase_file(const std::string& path, bool for_encryption, SecretBytes& out);

// Asks on the controlling terminal (/dev/tty, so that standard input can carry data) with echo off; asks twice when
// `for_encryption` and refuses an empty passphrase then.
Status prompt_passphrase(bool for_encryption, SecretBytes& out);

}  // namespace coffre::cli
