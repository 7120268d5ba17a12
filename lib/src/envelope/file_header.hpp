// File header (docs/SPEC.md 5.1 and 5.3): building it for a new file, and authenticating it before reading chunks.
#pragma once

#include "base/bytes.hpp"

#include <coffre/file.hpp>

namespace coffre::detail {

// What opens a file: a content key's bytes or a passphrase, kept in secure memory. A passphrase comes with the most
// Argon2id work a header may ask for before it is authenticated.
struct FileSecret {
  KeySource source = KeySource::key;
  SecretBytes bytes;
  PassphraseLimits limits;
  static Result<FileSecret> of(const ContentKey& key);
  static Result<FileSecret> of(Passphrase passphrase, PassphraseLimits limits = {});
};

// The two things chunks need: the payload key and the header MAC (their associated data).
struct ChunkKeys {
  SecretBytes payload_key;
  std::uint8_t header_mac[32] = {};
};

struct NewHeader {
  Bytes bytes;
  ChunkKeys keys;
};

Result<NewHeader> build_file_header(const FileSecret& secret, const std::optional<PassphraseParams>& params,
                                    std::uint32_t chunk_size, const Context& context, Rng& rng);

// The header size announced by its first kFileHeaderPrefixSize bytes (checks them, in spec order).
Result<std::size_t> file_header_size(ByteView prefix);

// `header` must be exactly the header (inspect_file_header tells its size). Checks in docs/SPEC.md 5.3 order, from the
// key_version on (inspect_file_header did the ones before).
Result<ChunkKeys> open_file_header(ByteView header, const FileSecret& secret, const Context& context);

}  // namespace coffre::detail
