// Unicode normalization of what people type (docs/SPEC.md 5.1 passphrases, 13 recovery phrase): NFKD with utf8proc.
#pragma once

#include "base/bytes.hpp"

#include <coffre/secret.hpp>

namespace coffre::detail {

// True if every byte is below 0x80. Reads every byte (no early exit): whether a secret holds a non-ASCII byte is all
// it tells.
bool is_ascii(ByteView text) noexcept;

// Whether `text` is valid UTF-8 (RFC 3629: no overlong form, surrogate or code point above U+10FFFF).
bool is_utf8(ByteView text) noexcept;

// The NFKD form (Unicode 15.0, utf8proc) of UTF-8 `text`, in secure memory: invalid_argument if `text` is not valid
// UTF-8 (RFC 3629: no overlong form, surrogate or code point above U+10FFFF), out_of_memory. ASCII text is returned
// as is without touching utf8proc's tables, whose lookups depend on the characters.
Result<SecretBytes> nfkd(ByteView text);

}  // namespace coffre::detail
