// Drive trees (docs/SPEC.md section 18).
#include "sharing/drive_detail.hpp"
#include "crypto/kdf.hpp"
#include "base/parallel.hpp"
#include "base/reader.hpp"

#include <coffre/coffre.hpp>

#include <sodium.h>

#include <algorithm>
#include <cstring>
#include <numeric>
#include <optional>

namespace coffre {

using namespace detail;

namespace {

constexpr std::uint8_t kMagic[4] = {'C', 'F', 'R', 'N'};
constexpr std::uint8_t kVersion1 = 0x01;
constexpr std::size_t kNonce = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
constexpr std::size_t kTag = crypto_aead_xchacha20poly1305_ietf_ABYTES;
constexpr std::size_t kSealedKey = NodeKey::kSize + kTag;
// Offsets in the header: magic, version, kind, node_id, parent_id, name_hash.
constexpr std::size_t kKindOffset = 5;
constexpr std::size_t kNodeIdOffset = 6;
constexpr std::size_t kParentIdOffset = 22;
constexpr std::size_t kNameHashOffset = 38;
constexpr std::size_t kFixedSize = kNodeHeaderSize + kNonce + kSealedKey + kTag;  // all but the padded meta
// meta without its variable parts: frame lengths (2 x 4) and four u64.
constexpr std::size_t kMetaFixed = 4 + 8 + 8 + 4 + 8 + 8;
constexpr std::size_t kMetaMax = kMetaFixed + kNodeNameMaxSize + kMediaTypeMaxSize;

static_assert(kNameHashOffset + NameHash::kSize == kNodeHeaderSize);
static_assert(kFixedSize + kNodeMetaPadding == kNodeRecordMinSize);
static_assert(kFixedSize + (kMetaMax + kNodeMetaPadding - 1) / kNodeMetaPadding * kNodeMetaPadding ==
              kNodeRecordMaxSize);

// A derived 32-byte AEAD key, on the stack for one call (a guarded allocation per record would cost more than the
// cryptography) and wiped when it goes out of scope.
struct StackKey {
  std::uint8_t bytes[32] = {};
  StackKey() = default;
  StackKey(std::span<const std::uint8_t> key, std::string_view label) noexcept { kdf(bytes, key, label, {}); }
  StackKey(const StackKey&) = delete;
  StackKey& operator=(const StackKey&) = delete;
  ~StackKey() { sodium_memzero(bytes, sizeof bytes); }
};

bool key_usable(const NodeKey& key) noexcept { return key.reveal().size() == NodeKey::kSize; }

bool kind_known(std::uint8_t kind) noexcept {
  return kind == static_cast<std::uint8_t>(NodeKind::folder) || kind == static_cast<std::uint8_t>(NodeKind::file);
}

// The rules a meta obeys, on write (invalid_argument) and on read (record_invalid).
bool meta_valid(NodeKind kind, const NodeMeta& meta) noexcept {
  bool folder_clean = kind != NodeKind::folder || (meta.size == 0 && meta.revision == 0);
  return node_name_valid(meta.name) && media_type_valid(meta.media_type) && folder_clean;
}

// Step 3 of opening: layout, rules, and padding that is all zero and shorter than one block.
std::optional<NodeMeta> decode_meta(NodeKind kind, ByteView plain) {
  ByteReader r(plain);
  ByteView name, media_type, padding;
  NodeMeta meta;
  if (!r.frame(name, 1, kNodeNameMaxSize) || !r.u64(meta.size) || !r.u64(meta.revision) ||
      !r.frame(media_type, 0, kMediaTypeMaxSize) || !r.u64(meta.created) || !r.u64(meta.modified) ||
      !r.bytes(plain.size() - r.pos(), padding)) {
    return std::nullopt;
  }
  bool padding_exact = padding.size() < kNodeMetaPadding &&
                       std::all_of(padding.begin(), padding.end(), [](std::uint8_t b) { return b == 0; });
  meta.name.assign(name.begin(), name.end());
  meta.media_type.assign(media_type.begin(), media_type.end());
  if (!padding_exact || !meta_valid(kind, meta)) return std::nullopt;
  return meta;
}

// Step 1 of opening: everything that can be checked without a key.
bool layout_valid(ByteView record) noexcept {
  bool size_ok = record.size() >= kNodeRecordMinSize && record.size() <= kNodeRecordMaxSize &&
                 (record.size() - kFixedSize) % kNodeMetaPadding == 0;
  return size_ok && std::equal(std::begin(kMagic), std::end(kMagic), record.begin()) && record[4] == kVersion1 &&
         kind_known(record[kKindOffset]) &&
         !std::equal(&record[kNodeIdOffset], &record[kNodeIdOffset + NodeId::kSize], &record[kParentIdOffset]);
}

bool aead_open(std::uint8_t* out, ByteView sealed, ByteView header, ByteView nonce, const StackKey& key) noexcept {
  return crypto_aead_xchacha20poly1305_ietf_decrypt(out, nullptr, nullptr, sealed.data(), sealed.size(),
                                                    header.data(), header.size(), nonce.data(), key.bytes) == 0;
}

void aead_seal(std::uint8_t* out, ByteView plain, ByteView header, ByteView nonce, const StackKey& key) noexcept {
  crypto_aead_xchacha20poly1305_ietf_encrypt(out, nullptr, plain.data(), plain.size(), header.data(), header.size(),
                                             nullptr, nonce.data(), key.bytes);
}

// The node key out of sealed_node_key, straight into its slot of guarded memory.
bool unwrap_node_key(const NodeKey& parent_key, ByteView record, std::span<std::uint8_t> slot) noexcept {
  const StackKey wrap(parent_key.reveal(), label::drive_node_key);
  ByteView header = record.first(kNodeHeaderSize);
  ByteView nonce = record.subspan(kNodeHeaderSize, kNonce);
  return aead_open(slot.data(), record.subspan(kNodeHeaderSize + kNonce, kSealedKey), header, nonce, wrap);
}

Result<Bytes> open_meta(const NodeKey& node_key, ByteView record) {
  ByteView sealed = record.subspan(kNodeHeaderSize + kNonce + kSealedKey);
  Bytes plain(sealed.size() - kTag);
  const StackKey key(node_key.reveal(), label::drive_metadata);
  if (!aead_open(plain.data(), sealed, record.first(kNodeHeaderSize), record.subspan(kNodeHeaderSize, kNonce), key)) {
    return Error::node_binding_invalid;
  }
  return plain;
}

// Two records of one listing with the same node id or the same name hash.
template <class Field>
bool has_duplicate(const std::vector<OpenedNode>& nodes, Field field) {
  std::vector<std::size_t> order(nodes.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return field(nodes[a]) < field(nodes[b]); });
  return std::adjacent_find(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
           return field(nodes[a]) == field(nodes[b]);
         }) != order.end();
}

}  // namespace

namespace detail {

// Builds NodeKeys over guarded storage: one allocation of its own, or a slot of a listing's shared one.
struct NodeKeyAccess {
  static NodeKey own(SecretBytes bytes) { return slot(std::make_shared<const SecretBytes>(std::move(bytes)), 0); }
  static NodeKey slot(std::shared_ptr<const SecretBytes> storage, std::size_t offset) {
    return NodeKey(std::move(storage), offset);
  }
};

NameHash hash_node_name(const NodeKey& parent_key, std::string_view name) noexcept {
  NameHash h;
  kdf(h.bytes, parent_key.reveal(), label::drive_name_hash, {as_bytes(name)});
  return h;
}

Bytes node_header(NodeKind kind, const NodeId& node_id, const NodeId& parent_id, const NameHash& name_hash) {
  Bytes h(std::begin(kMagic), std::end(kMagic));
  h.push_back(kVersion1);
  h.push_back(static_cast<std::uint8_t>(kind));
  append(h, node_id.bytes);
  append(h, parent_id.bytes);
  append(h, name_hash.bytes);
  return h;
}

Bytes encode_node_meta(const NodeMeta& meta) {
  Bytes m;
  m.reserve(kMetaMax + kNodeMetaPadding);
  append_frame(m, as_bytes(meta.name));
  append_u64(m, meta.size);
  append_u64(m, meta.revision);
  append_frame(m, as_bytes(meta.media_type));
  append_u64(m, meta.created);
  append_u64(m, meta.modified);
  m.resize((m.size() + kNodeMetaPadding - 1) / kNodeMetaPadding * kNodeMetaPadding, 0);
  return m;
}

Bytes seal_node_record(ByteView header, ByteView nonce, const NodeKey& parent_key, const NodeKey& node_key,
                       ByteView meta) {
  Bytes out(header.size() + nonce.size() + kSealedKey + meta.size() + kTag);
  std::copy(header.begin(), header.end(), out.begin());
  std::copy(nonce.begin(), nonce.end(), out.begin() + static_cast<std::ptrdiff_t>(header.size()));
  std::uint8_t* sealed_key = &out[header.size() + nonce.size()];
  aead_seal(sealed_key, node_key.reveal(), header, nonce, StackKey(parent_key.reveal(), label::drive_node_key));
  aead_seal(sealed_key + kSealedKey, meta, header, nonce, StackKey(node_key.reveal(), label::drive_metadata));
  return out;
}

}  // namespace detail

NodeId NodeId::generate(Rng& rng) {
  NodeId id;
  rng.fill(id.bytes);
  return id;
}

Result<NodeId> NodeId::from_bytes(std::span<const std::uint8_t> b) {
  if (b.size() != kSize) return Error::invalid_argument;
  return NodeId{copy_array<kSize>(b)};
}

Result<NodeKey> NodeKey::generate(Rng& rng) {
  SecretBytes b(kSize);
  if (!b.valid()) return Error::out_of_memory;
  rng.fill(b.reveal_mut());
  return NodeKeyAccess::own(std::move(b));
}

Result<NodeKey> NodeKey::from_bytes(std::span<const std::uint8_t> bytes) {
  if (bytes.size() != kSize) return Error::invalid_argument;
  auto b = SecretBytes::copy_of(bytes);
  if (!b) return b.error();
  return NodeKeyAccess::own(std::move(b).take());
}

Result<NodeKey> NodeKey::from_content_key(const ContentKey& key) { return from_bytes(key.secret().reveal()); }

Result<ContentKey> NodeKey::to_content_key() const { return ContentKey::from_bytes(reveal()); }

std::span<const std::uint8_t> NodeKey::reveal() const noexcept {
  if (!storage_) return {};
  return storage_->reveal().subspan(offset_, kSize);
}

bool NodeKey::equals(const NodeKey& other) const noexcept {
  auto a = reveal(), b = other.reveal();
  return a.size() == b.size() && (a.empty() || sodium_memcmp(a.data(), b.data(), a.size()) == 0);
}

bool node_name_valid(std::string_view name) noexcept {
  bool forbidden = name == "." || name == ".." || name.find_first_of(std::string_view("/\0", 2)) != name.npos;
  return !name.empty() && name.size() <= kNodeNameMaxSize && !forbidden && utf8_valid(as_bytes(name));
}

bool media_type_valid(std::string_view media_type) noexcept {
  return media_type.size() <= kMediaTypeMaxSize &&
         std::all_of(media_type.begin(), media_type.end(), [](char c) { return c >= 0x20 && c <= 0x7e; });
}

Result<NameHash> name_hash(const NodeKey& parent_key, std::string_view name) {
  COFFRE_TRY(init());
  if (!key_usable(parent_key) || !node_name_valid(name)) return Error::invalid_argument;
  return hash_node_name(parent_key, name);
}

Result<std::vector<std::uint8_t>> make_node_record(const NodeId& parent_id, const NodeKey& parent_key, NodeKind kind,
                                                   const NodeId& node_id, const NodeKey& node_key,
                                                   const NodeMeta& meta, Rng& rng) {
  COFFRE_TRY(init());
  if (!kind_known(static_cast<std::uint8_t>(kind)) || !meta_valid(kind, meta) || node_id == parent_id ||
      !key_usable(parent_key) || !key_usable(node_key)) {
    return Error::invalid_argument;
  }
  std::uint8_t nonce[kNonce];
  rng.fill(nonce);
  return seal_node_record(node_header(kind, node_id, parent_id, hash_node_name(parent_key, meta.name)), nonce, parent_key,
                          node_key, encode_node_meta(meta));
}

Result<std::vector<std::uint8_t>> move_node_record(const OpenedNode& node, const NodeId& new_parent_id,
                                                   const NodeKey& new_parent_key, std::string_view new_name,
                                                   Rng& rng) {
  NodeMeta meta = node.meta;
  meta.name = std::string(new_name);
  return make_node_record(new_parent_id, new_parent_key, node.kind, node.id, node.key, meta, rng);
}

namespace {

// Section 18's checks in order; the node key goes to storage[offset .. offset + 32), which the opened node then shares.
Result<OpenedNode> open_into(const NodeId& parent_id, const NodeKey& parent_key, ByteView record,
                             const std::shared_ptr<SecretBytes>& storage, std::size_t offset) {
  // 1. layout
  if (!layout_valid(record)) return Error::record_invalid;
  // 2. binding: the parent named in the header, then both AEADs (whose associated data is the header)
  if (!std::equal(parent_id.bytes.begin(), parent_id.bytes.end(), &record[kParentIdOffset]) ||
      !unwrap_node_key(parent_key, record, storage->reveal_mut().subspan(offset, NodeKey::kSize))) {
    return Error::node_binding_invalid;
  }
  NodeKey key = NodeKeyAccess::slot(storage, offset);
  auto plain = open_meta(key, record);
  if (!plain) return plain.error();
  // 3. meta rules
  auto kind = static_cast<NodeKind>(record[kKindOffset]);
  auto meta = decode_meta(kind, plain.value());
  sodium_memzero(plain.value().data(), plain.value().size());
  if (!meta) return Error::record_invalid;
  // 4. the lookup hash is the decrypted name's
  NameHash h = hash_node_name(parent_key, meta->name);
  if (!equal_ct(h.bytes, record.subspan(kNameHashOffset, NameHash::kSize))) return Error::node_binding_invalid;
  return OpenedNode{copy_array<NodeId::kSize>(record.subspan(kNodeIdOffset, NodeId::kSize)),
                    kind,
                    parent_id,
                    std::move(key),
                    std::move(*meta),
                    h};
}

Result<std::shared_ptr<SecretBytes>> key_storage(std::size_t keys) {
  auto storage = std::make_shared<SecretBytes>(std::max<std::size_t>(keys, 1) * NodeKey::kSize);
  if (!storage->valid()) return Error::out_of_memory;
  return storage;
}

}  // namespace

Result<OpenedNode> open_node_record(const NodeId& parent_id, const NodeKey& parent_key,
                                    std::span<const std::uint8_t> record) {
  COFFRE_TRY(init());
  if (!key_usable(parent_key)) return Error::invalid_argument;
  auto storage = key_storage(1);
  if (!storage) return storage.error();
  return open_into(parent_id, parent_key, record, storage.value(), 0);
}

Result<std::vector<OpenedNode>> list_folder(const NodeId& parent_id, const NodeKey& parent_key,
                                            std::span<const std::span<const std::uint8_t>> records,
                                            unsigned threads) {
  COFFRE_TRY(init());
  if (!key_usable(parent_key)) return Error::invalid_argument;
  // One guarded allocation for every node key of the listing.
  auto storage = key_storage(records.size());
  if (!storage) return storage.error();
  std::vector<std::optional<OpenedNode>> opened(records.size());
  std::vector<Error> errors(records.size(), Error::ok);
  parallel_for(records.size(), threads, [&](std::size_t i) {
    auto node = open_into(parent_id, parent_key, records[i], storage.value(), i * NodeKey::kSize);
    if (node) {
      opened[i].emplace(std::move(node).take());
    } else {
      errors[i] = node.error();
    }
  });
  auto failed = std::find_if(errors.begin(), errors.end(), [](Error e) { return e != Error::ok; });
  if (failed != errors.end()) return *failed;

  std::vector<OpenedNode> nodes;
  nodes.reserve(opened.size());
  for (auto& n : opened) nodes.push_back(std::move(*n));
  if (has_duplicate(nodes, [](const OpenedNode& n) { return n.id; }) ||
      has_duplicate(nodes, [](const OpenedNode& n) { return n.name_hash; })) {
    return Error::node_binding_invalid;
  }
  return nodes;
}

Result<std::vector<OpenedNode>> list_folder(const NodeId& parent_id, const NodeKey& parent_key,
                                            std::span<const std::vector<std::uint8_t>> records, unsigned threads) {
  std::vector<std::span<const std::uint8_t>> views(records.begin(), records.end());
  return list_folder(parent_id, parent_key, std::span<const std::span<const std::uint8_t>>(views), threads);
}

Result<ListingTag> listing_tag(const NodeKey& folder_key) {
  COFFRE_TRY(init());
  if (!key_usable(folder_key)) return Error::invalid_argument;
  ListingTag tag;
  kdf(tag.bytes, folder_key.reveal(), label::drive_listing_tag, {});
  return tag;
}

Result<ContentKey> drive_file_key(const NodeKey& node_key) {
  COFFRE_TRY(init());
  if (!key_usable(node_key)) return Error::invalid_argument;
  const StackKey key(node_key.reveal(), label::drive_file_key);
  return ContentKey::from_bytes(key.bytes);
}

Context drive_file_context(const NodeId& node_id, std::uint64_t revision) {
  char hex[NodeId::kSize * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, node_id.bytes.data(), node_id.bytes.size());
  return Context{std::string("coffre-drive/") + hex, revision, 1};
}

}  // namespace coffre
