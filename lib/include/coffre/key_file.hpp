// The symmetric key file of `coffre keygen --symmetric` (docs/SPEC.md section 19): text, comment lines and one key
// line "coffre-key-v1:" followed by the padded standard base64 of a 32-byte content key. Parsing only: reading and
// writing the file (mode 0600, no replacement) is the caller's.
#pragma once

#include <coffre/error.hpp>
#include <coffre/export.h>
#include <coffre/secret.hpp>

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace coffre {

/// A key file is at most this many bytes.
inline constexpr std::size_t kKeyFileMaxSize = 4096;
inline constexpr std::string_view kKeyFileLinePrefix = "coffre-key-v1:";

/// The key of a key file's bytes. invalid_argument: a file section 19 refuses (too long, no key line or two, a line
/// that is neither a comment nor a key line, base64 that is not exactly the canonical padded encoding of 32 bytes).
/// out_of_memory: secure memory exhausted.
COFFRE_API Result<ContentKey> parse_key_file(std::span<const std::uint8_t> file);

/// The key line of `key`, with its final "\n", in secure memory.
COFFRE_API Result<SecretBytes> key_file_line(const ContentKey& key);

}  // namespace coffre
