// Pieces of a Drive node record (docs/SPEC.md section 18) without the rules, for the vector generator to build
// records that seal correctly yet break a rule (padding, a folder with a size, a lookup hash of another name).
#pragma once

#include "base/bytes.hpp"

#include <coffre/drive.hpp>

namespace coffre::detail {

// header = "CFRN" | 0x01 | kind | node_id | parent_id | name_hash (70 bytes)
Bytes node_header(NodeKind kind, const NodeId& node_id, const NodeId& parent_id, const NameHash& name_hash);

// KDF(parent_key, "coffre/v1/drive/name-hash", name), for any bytes (name_hash() checks the name rule first).
NameHash hash_node_name(const NodeKey& parent_key, std::string_view name) noexcept;

// meta = frame(name) | u64 size | u64 revision | frame(media_type) | u64 created | u64 modified | zero padding
Bytes encode_node_meta(const NodeMeta& meta);

// header | nonce | sealed_node_key | sealed_meta, both AEADs over `header` with one nonce. `meta` is sealed as given.
Bytes seal_node_record(ByteView header, ByteView nonce, const NodeKey& parent_key, const NodeKey& node_key,
                       ByteView meta);

}  // namespace coffre::detail
