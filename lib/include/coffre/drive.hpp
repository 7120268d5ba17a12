// Drive trees (docs/SPEC.md section 18): folders and files as node records, each holding the node's key wrapped
// under its parent's key and its encrypted metadata, bound to (node id, parent id, name lookup hash). The store
// keeps the records of a folder together and sees only ids, lookup hashes and sizes rounded to 64 bytes.
//
// Writing:  make_node_record(parent, parent key, kind, id, key, meta) -> bytes to upload under the parent; moving or
//           renaming is move_node_record (a new record, same id, key and subtree).
// Reading:  list_folder(parent, parent key, records) opens a whole folder (in parallel), or open_node_record one
//           record; each opened folder's key opens the next level. The root's key (and a shared folder's) is a
//           section-16 content key of purpose drive node: NodeKey::from_content_key.
// Store:    a folder's records are filed under listing_tag(folder key), which changes with the key.
// Files:    the content is a file envelope (file.hpp) under drive_file_key(node key) and drive_file_context(id,
//           meta.revision).
#pragma once

#include <coffre/context.hpp>
#include <coffre/error.hpp>
#include <coffre/export.h>
#include <coffre/random.hpp>
#include <coffre/secret.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace coffre {

/// 16 random bytes naming a node (the root's is the section-16 document_id of the drive).
struct COFFRE_API NodeId {
  static constexpr std::size_t kSize = 16;
  std::array<std::uint8_t, kSize> bytes{};
  static NodeId generate(Rng& rng);
  static Result<NodeId> from_bytes(std::span<const std::uint8_t> b);  ///< invalid_argument unless 16 bytes
  bool operator==(const NodeId& o) const noexcept { return bytes == o.bytes; }
  bool operator<(const NodeId& o) const noexcept { return bytes < o.bytes; }
};

enum class NodeKind : std::uint8_t { folder = 1, file = 2 };

namespace detail {
struct NodeKeyAccess;
}

/// A node's 32-byte secret key: wraps its children's keys (folder), keys its content (file) and its metadata.
/// Held in guarded memory (SecretBytes). A listing keeps the keys of all its nodes in ONE guarded allocation shared
/// by them (one per node would exhaust the process's memory mappings near 30,000 nodes). Immutable; move-only, so
/// that copies are explicit (copy()); raw bytes only through the greppable reveal().
class COFFRE_API NodeKey {
 public:
  static constexpr std::size_t kSize = 32;
  static Result<NodeKey> generate(Rng& rng);
  static Result<NodeKey> from_bytes(std::span<const std::uint8_t> bytes);  ///< invalid_argument unless 32 bytes
  /// The root's key, or a shared folder's, as delivered by section 16 (purpose drive node, document_id = node id).
  static Result<NodeKey> from_content_key(const ContentKey& key);
  /// The same bytes as a content key, to wrap this node's key for sharing (section 16).
  Result<ContentKey> to_content_key() const;
  /// Another handle on the same guarded bytes (no allocation; never fails, a Result for the API's stability).
  Result<NodeKey> copy() const { return NodeKey(storage_, offset_); }

  /// The 32 key bytes; empty for a moved-from key.
  std::span<const std::uint8_t> reveal() const noexcept;
  /// Constant-time comparison.
  bool equals(const NodeKey& other) const noexcept;

  NodeKey(NodeKey&&) noexcept = default;
  NodeKey& operator=(NodeKey&&) noexcept = default;
  NodeKey(const NodeKey&) = delete;
  NodeKey& operator=(const NodeKey&) = delete;

 private:
  friend struct detail::NodeKeyAccess;
  NodeKey(std::shared_ptr<const SecretBytes> storage, std::size_t offset) noexcept
      : storage_(std::move(storage)), offset_(offset) {}
  std::shared_ptr<const SecretBytes> storage_;
  std::size_t offset_ = 0;
};

inline constexpr std::size_t kNodeNameMaxSize = 255;       ///< bytes of UTF-8
inline constexpr std::size_t kMediaTypeMaxSize = 255;      ///< bytes of printable ASCII
inline constexpr std::size_t kNodeHeaderSize = 70;         ///< "CFRN" | version | kind | ids | name_hash
inline constexpr std::size_t kNodeMetaPadding = 64;        ///< metadata is padded to a multiple of this
inline constexpr std::size_t kNodeRecordMinSize = 222;     ///< header, nonce, sealed key, one padded block + tag
inline constexpr std::size_t kNodeRecordMaxSize = 734;     ///< the longest name and media type

/// What a node record carries encrypted. size and revision are 0 for a folder.
struct COFFRE_API NodeMeta {
  std::string name;               ///< 1..255 bytes of UTF-8, no '/' or NUL, not "." or ".."
  std::uint64_t size = 0;         ///< a file's plaintext size
  std::uint64_t revision = 0;     ///< a file content's revision: the context of its file envelope
  std::string media_type;         ///< 0..255 printable ASCII bytes, e.g. "text/plain"
  std::uint64_t created = 0;      ///< seconds since the Unix epoch
  std::uint64_t modified = 0;     ///< seconds since the Unix epoch
  bool operator==(const NodeMeta&) const = default;
};

/// The name lookup hash: keyed by the parent's key, so a store can refuse two children with one name blindly.
struct COFFRE_API NameHash {
  static constexpr std::size_t kSize = 32;
  std::array<std::uint8_t, kSize> bytes{};
  bool operator==(const NameHash& o) const noexcept { return bytes == o.bytes; }
  bool operator<(const NameHash& o) const noexcept { return bytes < o.bytes; }
};

/// A record that opened as this child of this parent: every field authenticated.
struct COFFRE_API OpenedNode {
  NodeId id;
  NodeKind kind = NodeKind::folder;
  NodeId parent;
  NodeKey key;
  NodeMeta meta;
  NameHash name_hash;
};

/// The spec's name rule (section 18).
COFFRE_API bool node_name_valid(std::string_view name) noexcept;
/// The spec's media type rule: 0..255 printable ASCII bytes.
COFFRE_API bool media_type_valid(std::string_view media_type) noexcept;

/// The lookup hash of `name` under a folder's key, to check for a collision before writing. invalid_argument for a
/// name that breaks the rule.
COFFRE_API Result<NameHash> name_hash(const NodeKey& parent_key, std::string_view name);

/// A node record for `node_id` under `parent_id`, with a fresh nonce. invalid_argument: a name or media type that
/// breaks the rules, a folder with a nonzero size or revision, node_id == parent_id.
COFFRE_API Result<std::vector<std::uint8_t>> make_node_record(const NodeId& parent_id, const NodeKey& parent_key,
                                                              NodeKind kind, const NodeId& node_id,
                                                              const NodeKey& node_key, const NodeMeta& meta,
                                                              Rng& rng = system_rng());

/// Moving and/or renaming: a new record of the same node (id, kind, key, other metadata) under `new_parent_id` with
/// `new_name`. The caller deletes the old record and must not move a folder into its own subtree (the records alone
/// cannot tell). invalid_argument as make_node_record.
COFFRE_API Result<std::vector<std::uint8_t>> move_node_record(const OpenedNode& node, const NodeId& new_parent_id,
                                                              const NodeKey& new_parent_key, std::string_view new_name,
                                                              Rng& rng = system_rng());

/// Opens one record as a child of (parent_id, parent_key), the checks of section 18 in order: record_invalid
/// (layout, meta rules), node_binding_invalid (another parent, swapped, modified, renamed by the store).
COFFRE_API Result<OpenedNode> open_node_record(const NodeId& parent_id, const NodeKey& parent_key,
                                               std::span<const std::uint8_t> record);

/// Opens every record of a folder, on up to `threads` threads (0: the process default, coffre/threads.hpp). All nodes in the order given, or the
/// error of the first record (by position) that fails; then node_binding_invalid if two records share a node id or
/// a name hash.
COFFRE_API Result<std::vector<OpenedNode>> list_folder(const NodeId& parent_id, const NodeKey& parent_key,
                                                       std::span<const std::span<const std::uint8_t>> records,
                                                       unsigned threads = 0);
COFFRE_API Result<std::vector<OpenedNode>> list_folder(const NodeId& parent_id, const NodeKey& parent_key,
                                                       std::span<const std::vector<std::uint8_t>> records,
                                                       unsigned threads = 0);

/// A folder's listing tag: KDF16(folder key, "coffre/v1/drive/listing-tag"). A store files a folder's records (and
/// name claims) under (folder id, tag), so that the records written under a folder's new key (re-keying, SPEC 15.3)
/// never mix with the ones under its old key: a client with one key lists exactly the records that key wrote.
struct COFFRE_API ListingTag {
  static constexpr std::size_t kSize = 16;
  std::array<std::uint8_t, kSize> bytes{};
  bool operator==(const ListingTag& o) const noexcept { return bytes == o.bytes; }
};
/// invalid_argument for a moved-from key.
COFFRE_API Result<ListingTag> listing_tag(const NodeKey& folder_key);

/// A Drive file's content key: KDF(node key, "coffre/v1/drive/file-key").
COFFRE_API Result<ContentKey> drive_file_key(const NodeKey& node_key);
/// A Drive file's envelope context: object_id "coffre-drive/" || hex(node id), revision, key_version 1.
COFFRE_API Context drive_file_context(const NodeId& node_id, std::uint64_t revision);

}  // namespace coffre
