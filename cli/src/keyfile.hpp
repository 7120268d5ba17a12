// Symmetric key files (`coffre keygen --symmetric`; format: docs/SPEC.md section 19, parsed by the library's
// coffre/key_file.hpp). Written with mode 0600, atomically, never over an existing file.
#pragma once

#include "status.hpp"

#include <coffre/coffre.hpp>

#include <optional>
#include <string>

namespace coffre::cli {

// Generates a key and writes it to `path` (which must not exist).
Status write_new_key_file(const std::string& path);

// Reads and parses a key file. A malformed file is kExitUsage, an unreadable one kExitIo.
Status read_key_file(const std::string& path, std::optional<ContentKey>& key);

}  // namespace coffre::cli
