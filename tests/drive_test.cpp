// Drive trees (docs/SPEC.md section 18), against a store that moves, swaps, renames and rewrites records.
#include "support.hpp"

#include <sodium.h>

#include <algorithm>
#include <string>

using namespace coffre;
using test::Bytes;

namespace {

NodeId node_id(std::uint8_t n) {
  DeterministicRng rng(test::seed(static_cast<std::uint8_t>(n + 40)));
  return NodeId::generate(rng);
}

NodeKey node_key(std::uint8_t n) {
  DeterministicRng rng(test::seed(static_cast<std::uint8_t>(n + 80)));
  return NodeKey::generate(rng).take();
}

NodeMeta file_meta(std::string name, std::uint64_t size = 1234, std::uint64_t revision = 2) {
  return NodeMeta{std::move(name), size, revision, "text/plain", 1'700'000'000, 1'700'000'100};
}

NodeMeta folder_meta(std::string name) { return NodeMeta{std::move(name), 0, 0, "", 1'700'000'000, 1'700'000'000}; }

// A small tree: root(0) / docs(1) / { a.txt(2), b.txt(3) }, and root / other(4).
struct Tree {
  NodeId root = node_id(0), docs = node_id(1), a = node_id(2), b = node_id(3), other = node_id(4);
  NodeKey root_key = node_key(0), docs_key = node_key(1), a_key = node_key(2), b_key = node_key(3),
          other_key = node_key(4);
  DeterministicRng rng{test::seed(9)};
  Bytes docs_rec = make_node_record(root, root_key, NodeKind::folder, docs, docs_key, folder_meta("docs"), rng).take();
  Bytes other_rec =
      make_node_record(root, root_key, NodeKind::folder, other, other_key, folder_meta("other"), rng).take();
  Bytes a_rec = make_node_record(docs, docs_key, NodeKind::file, a, a_key, file_meta("a.txt"), rng).take();
  Bytes b_rec = make_node_record(docs, docs_key, NodeKind::file, b, b_key, file_meta("b.txt"), rng).take();
};

Error open_error(const NodeId& parent, const NodeKey& key, const Bytes& rec) {
  return open_node_record(parent, key, rec).error();
}

// Offsets of the record (section 18): kind 5, node_id 6, parent_id 22, name_hash 38, nonce 70, sealed key 94.
constexpr std::size_t kKind = 5, kNodeId = 6, kParentId = 22, kNameHash = 38, kNonce = 70, kSealedKey = 94,
                      kSealedMeta = 142;

void put(Bytes& rec, std::size_t offset, std::span<const std::uint8_t> bytes) {
  std::copy(bytes.begin(), bytes.end(), rec.begin() + static_cast<std::ptrdiff_t>(offset));
}

// An independent reading of section 18 with libsodium alone, able to seal headers and metadata that break the rules.
void frame(Bytes& out, std::span<const std::uint8_t> b) {
  std::uint32_t n = static_cast<std::uint32_t>(b.size());
  for (int s = 24; s >= 0; s -= 8) out.push_back(static_cast<std::uint8_t>(n >> s));
  out.insert(out.end(), b.begin(), b.end());
}
std::span<const std::uint8_t> bytes_of(std::string_view s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}
void u64(Bytes& out, std::uint64_t v) {
  for (int s = 56; s >= 0; s -= 8) out.push_back(static_cast<std::uint8_t>(v >> s));
}
std::array<std::uint8_t, 32> spec_kdf(const NodeKey& key, std::string_view label, const Bytes* part = nullptr) {
  Bytes msg;
  frame(msg, bytes_of(label));
  if (part) frame(msg, *part);
  std::array<std::uint8_t, 32> out{};
  crypto_generichash(out.data(), 32, msg.data(), msg.size(), key.reveal().data(), 32);
  return out;
}
std::array<std::uint8_t, 32> spec_name_hash(const NodeKey& parent_key, std::string_view name) {
  Bytes n(name.begin(), name.end());
  return spec_kdf(parent_key, "coffre/v1/drive/name-hash", &n);
}
// meta with `padding` appended as given (the honest padding is zeros up to a multiple of 64).
Bytes spec_meta(const NodeMeta& m, std::optional<Bytes> padding = std::nullopt) {
  Bytes out;
  frame(out, bytes_of(m.name));
  u64(out, m.size);
  u64(out, m.revision);
  frame(out, bytes_of(m.media_type));
  u64(out, m.created);
  u64(out, m.modified);
  if (padding) {
    out.insert(out.end(), padding->begin(), padding->end());
  } else {
    out.resize((out.size() + 63) / 64 * 64, 0);
  }
  return out;
}
Bytes spec_record(std::uint8_t kind, const NodeId& id, const NodeId& parent, std::span<const std::uint8_t> name_hash,
                  std::span<const std::uint8_t> nonce, const NodeKey& parent_key, const NodeKey& key,
                  const Bytes& meta) {
  Bytes header(70);
  std::copy_n("CFRN\x01", 5, header.begin());
  header[5] = kind;
  std::copy(id.bytes.begin(), id.bytes.end(), header.begin() + 6);
  std::copy(parent.bytes.begin(), parent.bytes.end(), header.begin() + 22);
  std::copy(name_hash.begin(), name_hash.end(), header.begin() + 38);
  Bytes rec = header;
  rec.resize(70 + 24);
  std::copy(nonce.begin(), nonce.end(), rec.begin() + 70);
  auto seal = [&](const std::array<std::uint8_t, 32>& k, std::span<const std::uint8_t> plain) {
    Bytes ct(plain.size() + 16);
    crypto_aead_xchacha20poly1305_ietf_encrypt(ct.data(), nullptr, plain.data(), plain.size(), header.data(),
                                               header.size(), nullptr, nonce.data(), k.data());
    rec.insert(rec.end(), ct.begin(), ct.end());
  };
  seal(spec_kdf(parent_key, "coffre/v1/drive/node-key"), key.reveal());
  seal(spec_kdf(key, "coffre/v1/drive/metadata"), meta);
  return rec;
}

}  // namespace

TEST_CASE("drive: a record opens as the child it was made for, every field authenticated") {
  Tree t;
  auto a = open_node_record(t.docs, t.docs_key, t.a_rec);
  REQUIRE(a.ok());
  CHECK(a.value().id == t.a);
  CHECK(a.value().parent == t.docs);
  CHECK(a.value().kind == NodeKind::file);
  CHECK(a.value().key.equals(t.a_key));
  CHECK(a.value().meta == file_meta("a.txt"));
  CHECK(a.value().name_hash == name_hash(t.docs_key, "a.txt").value());

  auto docs = open_node_record(t.root, t.root_key, t.docs_rec);
  REQUIRE(docs.ok());
  CHECK(docs.value().kind == NodeKind::folder);
  // The opened folder's key opens the next level.
  CHECK(open_node_record(docs.value().id, docs.value().key, t.b_rec).ok());
}

TEST_CASE("drive: the root key comes from a section-16 content key and back") {
  auto ck = test::key(5);
  auto nk = NodeKey::from_content_key(ck);
  REQUIRE(nk.ok());
  CHECK(std::ranges::equal(nk.value().reveal(), ck.secret().reveal()));
  auto back = nk.value().to_content_key();
  REQUIRE(back.ok());
  CHECK(back.value().secret().equals(ck.secret()));
  CHECK(NodeKey::from_bytes(Bytes(31)).error() == Error::invalid_argument);
  CHECK(NodeId::from_bytes(Bytes(17)).error() == Error::invalid_argument);
}

TEST_CASE("drive: a record moved under another parent, or its parent_id rewritten, is node_binding_invalid") {
  Tree t;
  // Served under root instead of docs: the parent id differs.
  CHECK(open_error(t.root, t.root_key, t.a_rec) == Error::node_binding_invalid);
  // Served under another folder whose id the store writes into the header: the node key does not open.
  Bytes moved = t.a_rec;
  put(moved, kParentId, t.other.bytes);
  CHECK(open_error(t.other, t.other_key, moved) == Error::node_binding_invalid);
  // parent_id rewritten, listed under the true parent with the right key: the header is the AEADs' data.
  CHECK(open_error(t.docs, t.docs_key, moved) == Error::node_binding_invalid);
  // The real parent id with another folder's key.
  CHECK(open_error(t.docs, t.other_key, t.a_rec) == Error::node_binding_invalid);
}

TEST_CASE("drive: records swapped between nodes, or a node id or name hash rewritten, are node_binding_invalid") {
  Tree t;
  // a's node id in b's record (the store serves b's key and metadata as node a).
  Bytes swapped = t.b_rec;
  put(swapped, kNodeId, t.a.bytes);
  CHECK(open_error(t.docs, t.docs_key, swapped) == Error::node_binding_invalid);
  // a's header over b's sealed parts.
  Bytes spliced = t.a_rec;
  std::copy(t.b_rec.begin() + kNonce, t.b_rec.end(), spliced.begin() + kNonce);
  CHECK(open_error(t.docs, t.docs_key, spliced) == Error::node_binding_invalid);
  // a's sealed node key with b's sealed metadata: the metadata does not open under a's key.
  Bytes mixed = t.a_rec;
  std::copy(t.b_rec.begin() + kSealedMeta, t.b_rec.end(), mixed.begin() + kSealedMeta);
  CHECK(open_error(t.docs, t.docs_key, mixed) == Error::node_binding_invalid);
  // The name hash of b in a's record: renamed by the store.
  Bytes renamed = t.a_rec;
  put(renamed, kNameHash, std::span(t.b_rec).subspan(kNameHash, 32));
  CHECK(open_error(t.docs, t.docs_key, renamed) == Error::node_binding_invalid);
}

TEST_CASE("drive: make_node_record is byte for byte an independent encoding of the spec") {
  Tree t;
  NodeMeta m = file_meta("r\xc3\xa9sum\xc3\xa9.pdf");
  m.media_type = "application/pdf";
  DeterministicRng rng(test::seed(21)), same(test::seed(21));
  Bytes made = make_node_record(t.docs, t.docs_key, NodeKind::file, t.a, t.a_key, m, rng).take();
  Bytes nonce(24);
  same.fill(nonce);
  CHECK(made == spec_record(2, t.a, t.docs, spec_name_hash(t.docs_key, m.name), nonce, t.docs_key, t.a_key,
                            spec_meta(m)));
  CHECK(name_hash(t.docs_key, m.name).value().bytes == spec_name_hash(t.docs_key, m.name));
  auto file_key = drive_file_key(t.a_key).take();
  CHECK(std::ranges::equal(file_key.secret().reveal(), spec_kdf(t.a_key, "coffre/v1/drive/file-key")));
  char hex[33];
  sodium_bin2hex(hex, sizeof hex, t.a.bytes.data(), 16);
  CHECK(drive_file_context(t.a, 9).object_id == std::string("coffre-drive/") + hex);
}

TEST_CASE("drive: metadata that seals correctly but breaks a rule is record_invalid (step 3)") {
  Tree t;
  Bytes nonce(24, 0x33);
  auto reseal = [&](std::uint8_t kind, const Bytes& meta, std::string_view hashed_name = "a.txt") {
    return spec_record(kind, t.a, t.docs, spec_name_hash(t.docs_key, hashed_name), nonce, t.docs_key, t.a_key, meta);
  };
  NodeMeta m = file_meta("a.txt");  // meta is 40 + 5 + 10 = 55 bytes: 9 bytes of padding
  CHECK(open_node_record(t.docs, t.docs_key, reseal(2, spec_meta(m))).ok());
  Bytes nonzero(9, 0);
  nonzero[8] = 1;
  CHECK(open_error(t.docs, t.docs_key, reseal(2, spec_meta(m, nonzero))) == Error::record_invalid);
  CHECK(open_error(t.docs, t.docs_key, reseal(2, spec_meta(m, Bytes(9 + 64, 0)))) == Error::record_invalid);
  // A folder with a size or a revision.
  CHECK(open_error(t.docs, t.docs_key, reseal(1, spec_meta(m))) == Error::record_invalid);
  NodeMeta folder = folder_meta("a.txt");
  CHECK(open_node_record(t.docs, t.docs_key, reseal(1, spec_meta(folder))).ok());
  folder.revision = 1;
  CHECK(open_error(t.docs, t.docs_key, reseal(1, spec_meta(folder))) == Error::record_invalid);
  // Names and media types the rules forbid, sealed under a matching lookup hash.
  for (std::string bad : {std::string("a/b"), std::string(".."), std::string("\xff"), std::string("a\0", 2),
                          std::string()}) {
    NodeMeta b = file_meta(bad);
    CHECK(open_error(t.docs, t.docs_key, reseal(2, spec_meta(b), bad)) == Error::record_invalid);
  }
  NodeMeta media = file_meta("a.txt");
  media.media_type = "text\n";
  CHECK(open_error(t.docs, t.docs_key, reseal(2, spec_meta(media))) == Error::record_invalid);
  // A frame length running past the end.
  Bytes overrun = spec_meta(m);
  overrun[3] = 60;
  CHECK(open_error(t.docs, t.docs_key, reseal(2, overrun)) == Error::record_invalid);
}

TEST_CASE("drive: a lookup hash of another name, sealed in the header, is node_binding_invalid (step 4)") {
  // A writer holding the parent's key can seal a header whose lookup hash is another name's: the AEADs open, only
  // step 4 sees it (a store cannot, without the key: it fails step 2).
  Tree t;
  Bytes nonce(24, 0x44);
  Bytes rec = spec_record(2, t.a, t.docs, spec_name_hash(t.docs_key, "b.txt"), nonce, t.docs_key, t.a_key,
                          spec_meta(file_meta("a.txt")));
  CHECK(open_error(t.docs, t.docs_key, rec) == Error::node_binding_invalid);
  // The name hash keyed by another folder's key.
  Bytes other = spec_record(2, t.a, t.docs, spec_name_hash(t.other_key, "a.txt"), nonce, t.docs_key, t.a_key,
                            spec_meta(file_meta("a.txt")));
  CHECK(open_error(t.docs, t.docs_key, other) == Error::node_binding_invalid);
}

TEST_CASE("drive: every byte flipped is an error, never a node") {
  Tree t;
  for (std::size_t i = 0; i < t.a_rec.size(); ++i) {
    for (std::uint8_t mask : {std::uint8_t{0x01}, std::uint8_t{0x80}}) {
      Bytes bad = t.a_rec;
      bad[i] ^= mask;
      INFO("byte " << i << " mask " << int(mask));
      // magic, version and kind are checked before any key; every other byte is authenticated.
      CHECK(open_error(t.docs, t.docs_key, bad) == (i <= kKind ? Error::record_invalid : Error::node_binding_invalid));
    }
  }
  // The kind byte: an unknown kind is record_invalid; the other known kind fails the AEADs.
  Bytes kind = t.a_rec;
  kind[kKind] = 3;
  CHECK(open_error(t.docs, t.docs_key, kind) == Error::record_invalid);
  kind[kKind] = 1;
  CHECK(open_error(t.docs, t.docs_key, kind) == Error::node_binding_invalid);
}

TEST_CASE("drive: sizes are checked before any key is used") {
  Tree t;
  for (std::size_t cut : {std::size_t{0}, std::size_t{1}, std::size_t{70}, kNodeRecordMinSize - 1}) {
    CHECK(open_error(t.docs, t.docs_key, Bytes(t.a_rec.begin(), t.a_rec.begin() + static_cast<std::ptrdiff_t>(cut))) ==
          Error::record_invalid);
  }
  Bytes extra = t.a_rec;
  extra.push_back(0);
  CHECK(open_error(t.docs, t.docs_key, extra) == Error::record_invalid);  // not a whole 64-byte block
  extra.resize(t.a_rec.size() + 64);
  CHECK(open_error(t.docs, t.docs_key, extra) == Error::node_binding_invalid);  // whole blocks: the AEAD fails
  CHECK(open_error(t.docs, t.docs_key, Bytes(kNodeRecordMaxSize + 64)) == Error::record_invalid);
  // A record naming itself as its parent.
  Bytes self = t.a_rec;
  put(self, kNodeId, t.docs.bytes);
  CHECK(open_error(t.docs, t.docs_key, self) == Error::record_invalid);
}

TEST_CASE("drive: metadata is padded to 64 bytes, so sizes leak names only to 64 bytes") {
  Tree t;
  DeterministicRng rng(test::seed(3));
  auto size_for = [&](std::string name, std::string media = "text/plain") {
    NodeMeta m = file_meta(std::move(name));
    m.media_type = std::move(media);
    return make_node_record(t.docs, t.docs_key, NodeKind::file, t.a, t.a_key, m, rng).value().size();
  };
  // meta = 40 fixed bytes + name + media type; 158 bytes around it.
  CHECK(size_for("a", "") == 158 + 64);
  CHECK(size_for("a") == size_for(std::string(13, 'x')));   // 40 + 10 + 1..13 <= 64
  CHECK(size_for(std::string(14, 'x')) == 158 + 64);        // 40 + 10 + 14 = 64 exactly: no padding
  CHECK(size_for(std::string(15, 'x')) == 158 + 128);
  CHECK(size_for(std::string(255, 'x'), std::string(255, 'y')) == kNodeRecordMaxSize);
  for (std::size_t n = 1; n <= 255; ++n) CHECK((size_for(std::string(n, 'x')) - 158) % 64 == 0);
}

TEST_CASE("drive: name and media type rules") {
  for (std::string bad : {std::string(), std::string("a/b"), std::string("/"), std::string("a\0b", 3),
                          std::string("."), std::string(".."), std::string(256, 'x'), std::string("\xc3\x28"),
                          std::string("\xed\xa0\x80"), std::string("\xc0\xaf")}) {
    CHECK_FALSE(node_name_valid(bad));
    Tree t;
    DeterministicRng rng(test::seed(3));
    CHECK(make_node_record(t.docs, t.docs_key, NodeKind::file, t.a, t.a_key, file_meta(bad), rng).error() ==
          Error::invalid_argument);
    CHECK(name_hash(t.docs_key, bad).error() == Error::invalid_argument);
  }
  for (std::string good : {std::string("a"), std::string("..."), std::string(".hidden"), std::string(255, 'x'),
                           std::string("r\xc3\xa9sum\xc3\xa9.pdf"), std::string("\xf0\x9f\x93\x81 photos")}) {
    CHECK(node_name_valid(good));
  }
  CHECK(media_type_valid(""));
  CHECK(media_type_valid("application/vnd.oasis.opendocument.text; charset=x"));
  CHECK_FALSE(media_type_valid("text/\x7f"));
  CHECK_FALSE(media_type_valid("text/\xc3\xa9"));
  CHECK_FALSE(media_type_valid(std::string(256, 'a')));

  Tree t;
  DeterministicRng rng(test::seed(3));
  // A folder has no size or revision; a node is not its own parent.
  NodeMeta sized = folder_meta("f");
  sized.size = 1;
  CHECK(make_node_record(t.root, t.root_key, NodeKind::folder, t.docs, t.docs_key, sized, rng).error() ==
        Error::invalid_argument);
  CHECK(make_node_record(t.docs, t.docs_key, NodeKind::file, t.docs, t.a_key, file_meta("x"), rng).error() ==
        Error::invalid_argument);
  CHECK(make_node_record(t.docs, t.docs_key, static_cast<NodeKind>(7), t.a, t.a_key, file_meta("x"), rng).error() ==
        Error::invalid_argument);
}

TEST_CASE("drive: name hashes are keyed by the parent and differ per name") {
  Tree t;
  auto h1 = name_hash(t.docs_key, "a.txt").value();
  CHECK(h1 == name_hash(t.docs_key, "a.txt").value());
  CHECK_FALSE(h1 == name_hash(t.docs_key, "A.txt").value());
  CHECK_FALSE(h1 == name_hash(t.other_key, "a.txt").value());
  // Bytes as given: NFC and NFD forms of one name are two names.
  CHECK_FALSE(name_hash(t.docs_key, "\xc3\xa9").value() == name_hash(t.docs_key, "e\xcc\x81").value());
}

TEST_CASE("drive: a listing tag is KDF16 of the folder key, and changes with the key") {
  Tree t;
  auto tag = listing_tag(t.docs_key).value();
  Bytes msg;
  frame(msg, bytes_of("coffre/v1/drive/listing-tag"));
  std::array<std::uint8_t, 16> expect{};
  crypto_generichash(expect.data(), 16, msg.data(), msg.size(), t.docs_key.reveal().data(), 32);
  CHECK(tag.bytes == expect);
  CHECK(listing_tag(t.docs_key).value() == tag);
  CHECK_FALSE(listing_tag(t.other_key).value() == tag);
  // Not a truncation of another derivation of the same key (KDF16 is BLAKE2b with a 16-byte output).
  auto kdf32 = spec_kdf(t.docs_key, "coffre/v1/drive/listing-tag");
  CHECK_FALSE(std::equal(expect.begin(), expect.end(), kdf32.begin()));
  NodeKey moved = std::move(t.docs_key);
  CHECK(listing_tag(t.docs_key).error() == Error::invalid_argument);
}

TEST_CASE("drive: a listing opens every record, in order, on any number of threads") {
  Tree t;
  std::vector<Bytes> records;
  DeterministicRng rng(test::seed(4));
  for (std::uint8_t i = 0; i < 50; ++i) {
    NodeMeta m = file_meta("file-" + std::to_string(i), i, i);
    records.push_back(make_node_record(t.docs, t.docs_key, NodeKind::file, node_id(static_cast<std::uint8_t>(100 + i)),
                                       node_key(static_cast<std::uint8_t>(100 + i)), m, rng)
                          .take());
  }
  for (unsigned threads : {1u, 2u, 0u}) {
    auto listed = list_folder(t.docs, t.docs_key, std::span<const Bytes>(records), threads);
    REQUIRE(listed.ok());
    REQUIRE(listed.value().size() == records.size());
    for (std::size_t i = 0; i < records.size(); ++i) CHECK(listed.value()[i].meta.name == "file-" + std::to_string(i));
  }
  CHECK(list_folder(t.docs, t.docs_key, std::span<const Bytes>()).value().empty());

  // The first failing record (by position) gives the error, whatever the threads.
  std::vector<Bytes> bad = records;
  bad[30] = t.docs_rec;                // under root, not docs
  bad[40].resize(10);                  // cut
  for (unsigned threads : {1u, 2u}) {
    CHECK(list_folder(t.docs, t.docs_key, std::span<const Bytes>(bad), threads).error() ==
          Error::node_binding_invalid);
  }
  bad[20].resize(10);
  CHECK(list_folder(t.docs, t.docs_key, std::span<const Bytes>(bad), 2).error() == Error::record_invalid);
}

TEST_CASE("drive: a listing with a duplicated node id or name hash is node_binding_invalid") {
  Tree t;
  DeterministicRng rng(test::seed(5));
  // The same record served twice.
  std::vector<Bytes> twice{t.a_rec, t.b_rec, t.a_rec};
  CHECK(list_folder(t.docs, t.docs_key, std::span<const Bytes>(twice)).error() == Error::node_binding_invalid);
  // Two records of one node (an old name and a new one: a rename the store kept both of).
  auto a = open_node_record(t.docs, t.docs_key, t.a_rec).take();
  Bytes renamed = move_node_record(a, t.docs, t.docs_key, "c.txt", rng).take();
  std::vector<Bytes> same_id{t.a_rec, t.b_rec, renamed};
  CHECK(list_folder(t.docs, t.docs_key, std::span<const Bytes>(same_id)).error() == Error::node_binding_invalid);
  // Two nodes with one name (a collision a writer made, or a store that accepted it).
  Bytes clash =
      make_node_record(t.docs, t.docs_key, NodeKind::file, node_id(9), node_key(9), file_meta("a.txt"), rng).take();
  std::vector<Bytes> same_name{t.a_rec, clash};
  CHECK(list_folder(t.docs, t.docs_key, std::span<const Bytes>(same_name)).error() == Error::node_binding_invalid);
  CHECK(list_folder(t.docs, t.docs_key, std::span<const Bytes>(std::vector<Bytes>{t.b_rec, renamed})).ok());
}

TEST_CASE("drive: move and rename keep the node and its subtree openable") {
  Tree t;
  DeterministicRng rng(test::seed(6));
  auto docs = open_node_record(t.root, t.root_key, t.docs_rec).take();
  // Move docs under other, renamed.
  Bytes moved = move_node_record(docs, t.other, t.other_key, "archive", rng).take();
  CHECK(moved != t.docs_rec);
  auto reopened = open_node_record(t.other, t.other_key, moved);
  REQUIRE(reopened.ok());
  CHECK(reopened.value().id == t.docs);
  CHECK(reopened.value().meta.name == "archive");
  CHECK(reopened.value().meta.created == docs.meta.created);
  CHECK(reopened.value().name_hash == name_hash(t.other_key, "archive").value());
  // The subtree is unchanged: a and b still open under docs' key.
  std::vector<Bytes> children{t.a_rec, t.b_rec};
  CHECK(list_folder(reopened.value().id, reopened.value().key, std::span<const Bytes>(children)).ok());
  // The new record is bound to its new place.
  CHECK(open_error(t.root, t.root_key, moved) == Error::node_binding_invalid);
  // A rename in place: same parent, new name hash and nonce.
  Bytes renamed = move_node_record(docs, t.root, t.root_key, "documents", rng).take();
  CHECK_FALSE(std::equal(renamed.begin() + kNameHash, renamed.begin() + kNonce + 24, t.docs_rec.begin() + kNameHash));
  CHECK(open_node_record(t.root, t.root_key, renamed).value().meta.name == "documents");
  // Moving a node under itself is refused.
  CHECK(move_node_record(docs, t.docs, t.docs_key, "loop", rng).error() == Error::invalid_argument);
  CHECK(move_node_record(docs, t.other, t.other_key, "a/b", rng).error() == Error::invalid_argument);
}

TEST_CASE("drive: file content is bound to its node and revision through the file envelope") {
  Tree t;
  auto a = open_node_record(t.docs, t.docs_key, t.a_rec).take();
  auto b = open_node_record(t.docs, t.docs_key, t.b_rec).take();
  auto key_a = drive_file_key(a.key).take();
  auto key_b = drive_file_key(b.key).take();
  CHECK_FALSE(key_a.secret().equals(key_b.secret()));
  CHECK_FALSE(key_a.secret().equals(a.key.to_content_key().value().secret()));  // not the node key itself

  Context ctx_a = drive_file_context(a.id, a.meta.revision);
  CHECK(ctx_a.key_version == 1);
  CHECK(ctx_a.revision == 2);
  CHECK(ctx_a.object_id.size() == 13 + 32);
  CHECK(ctx_a.object_id.rfind("coffre-drive/", 0) == 0);

  Bytes content = test::random_bytes(300);
  Bytes blob_a = test::encrypt(key_a, ctx_a, content);
  Bytes blob_b = test::encrypt(key_b, drive_file_context(b.id, b.meta.revision), test::random_bytes(300, 8));
  auto ok = test::decrypt(key_a, ctx_a, blob_a);
  CHECK(ok.error == Error::ok);
  CHECK(ok.released == content);
  // The store serves b's content as a's: a's key does not open it.
  CHECK(test::decrypt(key_a, ctx_a, blob_b).error == Error::wrong_key);
  // The store serves an old revision of a's content where the record says revision 2.
  Bytes old = test::encrypt(key_a, drive_file_context(a.id, 1), test::random_bytes(300, 9));
  CHECK(test::decrypt(key_a, ctx_a, old).error == Error::wrong_context);
}

TEST_CASE("drive: a 40,000-entry listing holds its node keys in one guarded allocation") {
  // One sodium_malloc per node key would need two or three memory mappings each and exhaust the default limit
  // (65,530) near 30,000 nodes; the listing shares one allocation, and keys stay valid after the list is gone.
  Tree t;
  DeterministicRng rng(test::seed(7));
  std::vector<Bytes> records;
  const std::size_t n = 40000;
  records.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    NodeId id = NodeId::generate(rng);
    records.push_back(
        make_node_record(t.docs, t.docs_key, NodeKind::file, id, t.a_key, file_meta("f" + std::to_string(i)), rng)
            .take());
  }
  std::optional<NodeKey> survivor;
  {
    auto listed = list_folder(t.docs, t.docs_key, std::span<const Bytes>(records), 0);
    REQUIRE(listed.ok());
    REQUIRE(listed.value().size() == n);
    CHECK(listed.value()[n - 1].key.equals(t.a_key));
    survivor.emplace(listed.value()[123].key.copy().take());
  }
  CHECK(survivor->equals(t.a_key));
  // A moved-from key is refused, not read.
  NodeKey k = node_key(50);
  NodeKey moved = std::move(k);
  CHECK(name_hash(k, "a").error() == Error::invalid_argument);  // NOLINT(bugprone-use-after-move): on purpose
  CHECK(open_error(t.docs, k, t.a_rec) == Error::invalid_argument);
  CHECK(name_hash(moved, "a").ok());
}
