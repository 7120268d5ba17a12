// Symmetric key files (`coffre keygen --symmetric`). Text, one key line, comments allowed:
//
//   # coffre symmetric key: keep this file secret ...
//   coffre-key-v1:<standard base64 of the 32 key bytes, with padding>
//
// Lines starting with '#' and empty lines are ignored; exactly one key line. Written with mode 0600, atomically,
// never over an existing file.
#pragma once

#include "status.hpp"

#include <coffre/coffre.hpp>

#include <optional>
#include <string>

namespace coffre::cli {

inline constexpr const char* kKeyLinePrefix = "coffre-key-v1:";

// Generates a key and writes it to `path` (which must not exist).
Status write_new_key_file(const std::string& path);

// Reads and parses a key file. A malformed file is kExitUsage, an unreadable one kExitIo.
Status read_key_file(const std::string& path, std::optional<ContentKey>& key);

}  // namespace coffre::cli
