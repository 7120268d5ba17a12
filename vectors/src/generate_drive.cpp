// vectors/drive.json: node records (valid, tampered, misbound, breaking a rule under a valid seal), name hashes, and
// Drive file content keys and contexts with a file envelope under them. Format: vectors/README.md.
#include "generate_drive.hpp"

#include "sharing/drive_detail.hpp"
#include "hex.hpp"

#include <coffre/coffre.hpp>
#include <nlohmann/json.hpp>

#include <sodium.h>

#include <fstream>

namespace coffre::vectors {

namespace {

using json = nlohmann::json;
using Bytes = std::vector<std::uint8_t>;

std::array<std::uint8_t, 32> seed_of(const std::string& name) {
  std::array<std::uint8_t, 32> s{};
  std::string in = "drive-vectors/" + name;
  crypto_generichash(s.data(), s.size(), reinterpret_cast<const std::uint8_t*>(in.data()), in.size(), nullptr, 0);
  return s;
}
NodeId id_of(const std::string& name) {
  DeterministicRng rng(seed_of("id/" + name));
  return NodeId::generate(rng);
}
NodeKey key_of(const std::string& name) {
  DeterministicRng rng(seed_of("key/" + name));
  return NodeKey::generate(rng).take();
}
Bytes text(std::string_view s) { return Bytes(s.begin(), s.end()); }

constexpr std::uint64_t kCreated = 1'764'115'200;  // 2025-11-26
NodeMeta file_meta(std::string name, std::uint64_t size = 4096, std::uint64_t revision = 3) {
  return NodeMeta{std::move(name), size, revision, "text/plain", kCreated, kCreated + 60};
}
NodeMeta folder_meta(std::string name) { return NodeMeta{std::move(name), 0, 0, "", kCreated, kCreated}; }

// root / docs / {a.txt, b.txt}, root / other
struct Tree {
  NodeId root = id_of("root"), docs = id_of("docs"), other = id_of("other"), a = id_of("a"), b = id_of("b");
  NodeKey root_key = key_of("root"), docs_key = key_of("docs"), other_key = key_of("other"), a_key = key_of("a"),
          b_key = key_of("b");
};

Bytes make(const std::string& name, const NodeId& parent, const NodeKey& parent_key, NodeKind kind, const NodeId& id,
           const NodeKey& key, const NodeMeta& meta) {
  DeterministicRng rng(seed_of("nonce/" + name));
  return make_node_record(parent, parent_key, kind, id, key, meta, rng).take();
}

// A record sealed correctly over any header fields and metadata bytes: what a writer holding the parent's key could
// produce, to reach the checks after the AEADs.
Bytes forge(std::uint8_t kind, const NodeId& id, const NodeId& parent, const NameHash& hash, const NodeKey& parent_key,
            const NodeKey& key, const Bytes& meta) {
  Bytes nonce(24, 0x5a);
  return detail::seal_node_record(detail::node_header(static_cast<NodeKind>(kind), id, parent, hash), nonce,
                                  parent_key, key, meta);
}

Bytes with(Bytes b, std::size_t at, std::span<const std::uint8_t> bytes) {
  std::copy(bytes.begin(), bytes.end(), b.begin() + static_cast<std::ptrdiff_t>(at));
  return b;
}
Bytes flip(Bytes b, std::size_t at, std::uint8_t mask = 0x01) {
  b.at(at) ^= mask;
  return b;
}

class Writer {
 public:
  void node(const std::string& what, const std::string& comment, const NodeId& parent, const NodeKey& parent_key,
            const Bytes& record, const std::string& expect) {
    list_.push_back(node_json(what, comment, parent, parent_key, record, expect));
  }
  void node_ok(const std::string& what, const std::string& comment, const NodeId& parent, const NodeKey& parent_key,
               const Bytes& record, NodeKind kind, const NodeId& id, const NodeKey& key, const NodeMeta& meta) {
    json v = node_json(what, comment, parent, parent_key, record, "success");
    v["node_id"] = to_hex(id.bytes);
    v["kind"] = kind == NodeKind::folder ? "folder" : "file";
    v["node_key"] = to_hex(key.reveal());
    v["name_hash"] = to_hex(name_hash(parent_key, meta.name).value().bytes);
    v["node_name"] = to_hex(text(meta.name));
    v["size"] = u64_text(meta.size);
    v["revision"] = u64_text(meta.revision);
    v["media_type"] = meta.media_type;
    v["created"] = u64_text(meta.created);
    v["modified"] = u64_text(meta.modified);
    list_.push_back(std::move(v));
  }
  void name_hash_vector(const std::string& what, const std::string& comment, const NodeKey& parent_key,
                        std::string_view name) {
    auto h = name_hash(parent_key, name);
    std::string expect = h ? "success" : std::string(error_code(h.error()));
    json v = {{"name", "drive-name-hash/" + expect + "/" + what}, {"comment", comment}, {"envelope", "drive-name-hash"},
              {"parent_key", to_hex(parent_key.reveal())}, {"node_name", to_hex(text(name))},
              {"expect", expect}};
    if (h) v["name_hash"] = to_hex(h.value().bytes);
    list_.push_back(std::move(v));
  }
  void file(const std::string& what, const std::string& comment, const NodeId& id, const NodeKey& key,
            std::uint64_t revision, const Bytes& ciphertext, const std::string& expect, const Bytes& plaintext) {
    Context c = drive_file_context(id, revision);
    json v = {{"name", "drive-file/" + expect + "/" + what},
              {"comment", comment},
              {"envelope", "drive-file"},
              {"node_key", to_hex(key.reveal())},
              {"node_id", to_hex(id.bytes)},
              {"node_revision", u64_text(revision)},
              {"key", to_hex(drive_file_key(key).value().secret().reveal())},
              {"context", {{"object_id", c.object_id}, {"revision", u64_text(c.revision)}, {"key_version", c.key_version}}},
              {"ciphertext", to_hex(ciphertext)},
              {"expect", expect}};
    if (expect == "success") {
      v["plaintext_sha256"] = sha256_hex(plaintext);
      v["plaintext_size"] = u64_text(plaintext.size());
    } else {
      v["released_sha256"] = sha256_hex({});
      v["released_size"] = u64_text(0);
    }
    list_.push_back(std::move(v));
  }
  void save(const std::string& path) {
    json doc = {{"format", "coffre-vectors"},
                {"spec_version", 1},
                {"title", "Drive trees: node records, name hashes, file keys and contexts (docs/SPEC.md section 18)"},
                {"generator", "vectors/src/generate_drive.cpp"},
                {"vectors", std::move(list_)}};
    std::ofstream(path) << doc.dump(1) << "\n";
    list_ = json::array();
  }

 private:
  static json node_json(const std::string& what, const std::string& comment, const NodeId& parent,
                        const NodeKey& parent_key, const Bytes& record, const std::string& expect) {
    return {{"name", "drive-node/" + expect + "/" + what},
            {"comment", comment},
            {"envelope", "drive-node"},
            {"parent_id", to_hex(parent.bytes)},
            {"parent_key", to_hex(parent_key.reveal())},
            {"record", to_hex(record)},
            {"expect", expect}};
  }
  json list_ = json::array();
};

// Offsets of section 18: kind 5, node_id 6, parent_id 22, name_hash 38, nonce 70, sealed_node_key 94, sealed_meta 142.
constexpr std::size_t kKind = 5, kNodeId = 6, kParentId = 22, kNameHash = 38, kNonce = 70, kSealedKey = 94,
                      kSealedMeta = 142;

void valid_nodes(Writer& w, const Tree& t) {
  auto ok = [&](const std::string& what, const std::string& comment, const NodeId& parent, const NodeKey& pk,
                NodeKind kind, const NodeId& id, const NodeKey& key, const NodeMeta& meta) {
    w.node_ok(what, comment, parent, pk, make(what, parent, pk, kind, id, key, meta), kind, id, key, meta);
  };
  ok("folder", "a folder under the root", t.root, t.root_key, NodeKind::folder, t.docs, t.docs_key,
     folder_meta("docs"));
  ok("file", "a file in a folder", t.docs, t.docs_key, NodeKind::file, t.a, t.a_key, file_meta("a.txt"));
  ok("utf8-name", "a UTF-8 name, bytes as given (NFC)", t.docs, t.docs_key, NodeKind::file, t.b, t.b_key,
     file_meta("r\xc3\xa9sum\xc3\xa9 \xf0\x9f\x93\x84.pdf", 0, 0));
  NodeMeta exact = file_meta(std::string(14, 'n'));  // 40 + 14 + 10 = 64 bytes: no padding
  ok("meta-exactly-64", "metadata of exactly 64 bytes: no padding", t.docs, t.docs_key, NodeKind::file, t.a, t.a_key,
     exact);
  NodeMeta longest = file_meta(std::string(255, 'n'), UINT64_MAX, UINT64_MAX);
  longest.media_type = std::string(255, 'm');
  ok("longest", "255-byte name and media type, maximal integers: the largest record (734 bytes)", t.docs, t.docs_key,
     NodeKind::file, t.a, t.a_key, longest);
  NodeMeta printable = file_meta("a.txt");
  for (char c = 0x20; c <= 0x7e; ++c) printable.media_type.push_back(c);
  ok("media-type-printable", "a media type of every printable ASCII byte, 0x20 (space) to 0x7e ('~')", t.docs,
     t.docs_key, NodeKind::file, t.a, t.a_key, printable);
}

void misbound_nodes(Writer& w, const Tree& t) {
  Bytes a = make("file", t.docs, t.docs_key, NodeKind::file, t.a, t.a_key, file_meta("a.txt"));
  Bytes b = make("b", t.docs, t.docs_key, NodeKind::file, t.b, t.b_key, file_meta("b.txt"));
  auto bad = [&](const std::string& what, const std::string& comment, const Bytes& rec, const NodeId& parent,
                 const NodeKey& pk) { w.node(what, comment, parent, pk, rec, "node_binding_invalid"); };
  bad("moved", "a.txt's record served as a child of another folder", a, t.other, t.other_key);
  Bytes moved = with(a, kParentId, t.other.bytes);
  bad("parent-id-rewritten", "parent_id rewritten to another folder, opened there", moved, t.other, t.other_key);
  bad("parent-id-rewritten-true-parent", "parent_id rewritten, opened under the true parent", moved, t.docs,
      t.docs_key);
  bad("wrong-parent-key", "the right parent id with another folder's key", a, t.docs, t.other_key);
  bad("node-id-swapped", "b.txt's record carrying a.txt's node id", with(b, kNodeId, t.a.bytes), t.docs, t.docs_key);
  Bytes spliced = a;
  std::copy(b.begin() + kNonce, b.end(), spliced.begin() + kNonce);
  bad("spliced", "a.txt's header over b.txt's nonce and sealed parts", spliced, t.docs, t.docs_key);
  Bytes mixed = a;
  std::copy(b.begin() + kSealedMeta, b.end(), mixed.begin() + kSealedMeta);
  bad("mixed", "a.txt's sealed key with b.txt's sealed metadata", mixed, t.docs, t.docs_key);
  bad("name-hash-swapped", "b.txt's lookup hash copied into a.txt's record (a rename by the store)",
      with(a, kNameHash, std::span(b).subspan(kNameHash, 32)), t.docs, t.docs_key);
  bad("nonce", "nonce altered", flip(a, kNonce + 3), t.docs, t.docs_key);
  bad("sealed-node-key", "sealed node key altered", flip(a, kSealedKey + 5), t.docs, t.docs_key);
  bad("sealed-meta", "sealed metadata altered", flip(a, kSealedMeta + 5), t.docs, t.docs_key);
  bad("tag", "last tag byte altered", flip(a, a.size() - 1, 0x80), t.docs, t.docs_key);
  bad("kind-swapped", "a file's record with kind folder", with(a, kKind, Bytes{1}), t.docs, t.docs_key);
  bad("name-hash-of-other-name", "sealed by a key holder with b.txt's lookup hash over the name a.txt (step 4)",
      forge(2, t.a, t.docs, name_hash(t.docs_key, "b.txt").value(), t.docs_key, t.a_key,
            detail::encode_node_meta(file_meta("a.txt"))),
      t.docs, t.docs_key);
  bad("name-hash-other-parent-key", "a lookup hash keyed by another folder's key (step 4)",
      forge(2, t.a, t.docs, name_hash(t.other_key, "a.txt").value(), t.docs_key, t.a_key,
            detail::encode_node_meta(file_meta("a.txt"))),
      t.docs, t.docs_key);
}

void invalid_nodes(Writer& w, const Tree& t) {
  Bytes a = make("file", t.docs, t.docs_key, NodeKind::file, t.a, t.a_key, file_meta("a.txt"));
  auto bad = [&](const std::string& what, const std::string& comment, const Bytes& rec) {
    w.node(what, comment, t.docs, t.docs_key, rec, "record_invalid");
  };
  bad("empty", "no bytes", {});
  bad("too-short", "221 bytes", Bytes(a.begin(), a.begin() + 221));
  bad("partial-block", "one byte more than a whole number of 64-byte blocks", [&] { Bytes x = a; x.push_back(0); return x; }());
  bad("too-long", "798 bytes (734 + 64)", Bytes(798, 0));
  bad("magic", "magic CFRM", flip(a, 3, 0x03));
  bad("version", "version 2", flip(a, 4, 0x03));
  bad("kind-0", "kind 0", with(a, kKind, Bytes{0}));
  bad("kind-3", "kind 3", with(a, kKind, Bytes{3}));
  bad("self-parent", "node_id equal to parent_id", with(a, kNodeId, t.docs.bytes));

  // Sealed correctly, with the lookup hash of the name inside: only the metadata rules can refuse it.
  auto sealed = [&](std::uint8_t kind, const Bytes& meta, std::string_view hashed_name) {
    return forge(kind, t.a, t.docs, detail::hash_node_name(t.docs_key, hashed_name), t.docs_key, t.a_key, meta);
  };
  auto rule = [&](const std::string& what, const std::string& comment, std::uint8_t kind, const NodeMeta& m) {
    bad(what, comment, sealed(kind, detail::encode_node_meta(m), m.name));
  };
  NodeMeta m = file_meta("a.txt");  // 55 bytes of meta, 9 of padding
  Bytes meta = detail::encode_node_meta(m);
  bad("padding-nonzero", "the last padding byte is 1", sealed(2, flip(meta, 63), m.name));
  Bytes extra = meta;
  extra.resize(128, 0);
  bad("padding-too-long", "73 zero bytes of padding (a whole extra block)", sealed(2, extra, m.name));
  Bytes overrun = meta;
  overrun[3] = 200;
  bad("name-frame-overrun", "the name's frame length runs past the metadata", sealed(2, overrun, m.name));
  NodeMeta sized = folder_meta("docs");
  sized.size = 1;
  rule("folder-with-size", "a folder of size 1", 1, sized);
  NodeMeta revised = folder_meta("docs");
  revised.revision = 1;
  rule("folder-with-revision", "a folder of revision 1", 1, revised);
  rule("name-empty", "an empty name", 2, file_meta(""));
  rule("name-slash", "a name with '/'", 2, file_meta("a/b"));
  rule("name-nul", "a name with NUL", 2, file_meta(std::string("a\0b", 3)));
  rule("name-dot", "the name '.'", 2, file_meta("."));
  rule("name-dot-dot", "the name '..'", 2, file_meta(".."));
  rule("name-256", "a 256-byte name", 2, file_meta(std::string(256, 'n')));
  rule("name-bad-utf8", "a name that is not UTF-8 (a lone continuation byte)", 2, file_meta("a\x80"));
  rule("name-surrogate", "a UTF-8-encoded surrogate (ED A0 80)", 2, file_meta("\xed\xa0\x80"));
  NodeMeta ctl = file_meta("a.txt");
  ctl.media_type = "text/plain\n";
  rule("media-type-control", "a media type with a newline", 2, ctl);
  NodeMeta high = file_meta("a.txt");
  high.media_type = "text/\xc3\xa9";
  rule("media-type-non-ascii", "a media type with non-ASCII bytes", 2, high);
  NodeMeta below = file_meta("a.txt");
  below.media_type = "text/plain\x1f";
  rule("media-type-0x1f", "a media type with 0x1f, just below the printable range", 2, below);
  NodeMeta del = file_meta("a.txt");
  del.media_type = "text/plain\x7f";
  rule("media-type-0x7f", "a media type with DEL (0x7f), just above the printable range", 2, del);
}

void name_hashes(Writer& w, const Tree& t) {
  w.name_hash_vector("ascii", "an ASCII name", t.docs_key, "a.txt");
  w.name_hash_vector("case", "another case: another hash", t.docs_key, "A.txt");
  w.name_hash_vector("other-parent", "the same name under another folder's key", t.other_key, "a.txt");
  w.name_hash_vector("nfc", "e-acute precomposed (NFC)", t.docs_key, "\xc3\xa9");
  w.name_hash_vector("nfd", "e + combining acute (NFD): bytes as given, another hash", t.docs_key, "e\xcc\x81");
  w.name_hash_vector("longest", "255 bytes", t.docs_key, std::string(255, 'n'));
  w.name_hash_vector("empty", "an empty name", t.docs_key, "");
  w.name_hash_vector("slash", "a name with '/'", t.docs_key, "a/b");
  w.name_hash_vector("dot-dot", "the name '..'", t.docs_key, "..");
  w.name_hash_vector("too-long", "256 bytes", t.docs_key, std::string(256, 'n'));
  w.name_hash_vector("bad-utf8", "an overlong '/' (C0 AF)", t.docs_key, "\xc0\xaf");
}

Bytes seal_file(const std::string& name, const NodeId& id, const NodeKey& key, std::uint64_t revision,
                const Bytes& plain) {
  DeterministicRng rng(seed_of("file/" + name));
  auto enc = FileEncryptor::create(drive_file_key(key).value(), drive_file_context(id, revision), {64, 1}, rng).take();
  Bytes out(enc.max_update_output(plain.size()) + enc.max_finish_output());
  std::size_t n = 0, m = 0;
  (void)enc.update(plain, out, n);
  (void)enc.finish(std::span(out).subspan(n), m);
  out.resize(n + m);
  return out;
}

void files(Writer& w, const Tree& t) {
  Bytes plain(200);
  DeterministicRng(seed_of("file/plain")).fill(plain);
  Bytes blob_a = seal_file("a", t.a, t.a_key, 3, plain);
  Bytes blob_b = seal_file("b", t.b, t.b_key, 3, plain);
  w.file("content", "a.txt's content, revision 3, 64-byte chunks", t.a, t.a_key, 3, blob_a, "success", plain);
  w.file("empty", "an empty file, revision 0", t.a, t.a_key, 0, seal_file("empty", t.a, t.a_key, 0, {}), "success",
         {});
  w.file("other-node", "b.txt's content served as a.txt's", t.a, t.a_key, 3, blob_b, "wrong_key", {});
  w.file("old-revision", "a.txt's revision 2 served where the record says 3", t.a, t.a_key, 3,
         seal_file("old", t.a, t.a_key, 2, plain), "wrong_context", {});
}

}  // namespace

void write_drive_vectors(const std::string& path) {
  Writer w;
  Tree t;
  valid_nodes(w, t);
  misbound_nodes(w, t);
  invalid_nodes(w, t);
  name_hashes(w, t);
  files(w, t);
  w.save(path);
}

}  // namespace coffre::vectors
