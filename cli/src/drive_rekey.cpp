// Re-keying a Drive subtree (docs/SPEC.md section 15.3): moving a node away from members of a shared folder, and
// `drive unshare`. What a removed member held stays readable to it; nothing written afterwards is.
//
// A re-keying keeps every node id and gives every node of the subtree a new key: folders list their children under
// a new listing tag (a new directory, so the old records stay as they were), files get the next revision (the old
// content re-encrypted, streamed), shared folders inside the next content-key version of their document. It is a
// resumable operation, recorded in a journal in the store (drive/<owner>/rekey/<op>, sealed under the drive root's
// key, so that any device of the account can finish it):
//
//   1. journal "prepared": the subtree's top node and its old key, the name claim it will take
//   2. the new objects, all where nobody looks yet: new listing directories, next revisions, versioned access lists
//      and wraps (not `current`)
//   3. journal "committed" (one atomic replacement: the decision), with the new key and the puts that switch
//   4. the switch: the top's new record (and each rotated document's `current`), then the old objects outside the
//      subtree (old record and claim, the removed user's inbox entry)
//   5. garbage: walking the subtree with its current keys, every listing directory, content revision and staged
//      content-key version that is not current (the old ones; after a rollback, the new ones); then the journal.
//
// A crash before 3 is rolled back (5 from the old key), after it rolled forward (4 and 5 again: all idempotent), by
// the next drive command of the account (a prepared journal only by the device that wrote it: another device may
// still be running it).
#include "commands.hpp"
#include "drive_tree.hpp"
#include "io.hpp"

#include <sodium.h>

#include <algorithm>
#include <cstdio>

namespace coffre::cli {

namespace {

using Bytes = DriveBytes;

constexpr std::uint8_t kJournalMagic[4] = {'C', 'F', 'R', 'J'};
constexpr std::uint8_t kJournalVersion = 1;

enum class Phase : std::uint8_t { prepared = 1, committed = 2 };

struct Journal {
  Phase phase = Phase::prepared;
  DeviceId device;
  NodeKind kind = NodeKind::folder;
  NodeId top;
  std::uint64_t old_revision = 0;  // a file's revisions; 0 for a folder
  std::uint64_t new_revision = 0;
  std::optional<NodeKey> old_key;
  std::optional<NodeKey> new_key;                        // committed only
  std::vector<std::string> undo;                         // removed when rolled back (a claim it took)
  std::vector<std::string> obsolete;                     // removed once committed (outside the subtree)
  std::vector<std::pair<std::string, Bytes>> switches;   // committed only: puts that make the new keys current
};

// --- journal encoding ----------------------------------------------------------------------------------------

void put_u32(Bytes& b, std::uint32_t v) {
  for (int s = 24; s >= 0; s -= 8) b.push_back(static_cast<std::uint8_t>(v >> s));
}
void put_u64(Bytes& b, std::uint64_t v) {
  for (int s = 56; s >= 0; s -= 8) b.push_back(static_cast<std::uint8_t>(v >> s));
}
void put_frame(Bytes& b, std::span<const std::uint8_t> x) {
  put_u32(b, static_cast<std::uint32_t>(x.size()));
  b.insert(b.end(), x.begin(), x.end());
}
std::span<const std::uint8_t> bytes_of(const std::string& s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

struct Reader {
  std::span<const std::uint8_t> in;
  std::size_t pos = 0;
  bool ok = true;
  std::span<const std::uint8_t> take(std::size_t n) {
    if (!ok || in.size() - pos < n) {
      ok = false;
      return {};
    }
    pos += n;
    return in.subspan(pos - n, n);
  }
  std::uint64_t num(std::size_t n) {
    std::uint64_t v = 0;
    for (std::uint8_t x : take(n)) v = v << 8 | x;
    return v;
  }
  std::span<const std::uint8_t> frame() { return take(static_cast<std::size_t>(num(4))); }
  std::string text() {
    auto f = frame();
    return std::string(f.begin(), f.end());
  }
};

// "CFRJ" | 0x01 | device[16] | kind | top[16] | u64 old_revision | u64 new_revision | old_key[32] |
// u8 has_new_key | new_key[32]? | u32 n | n * frame(path) | u32 m | m * frame(path) | u32 k | k * (frame(path) frame(bytes))
Bytes encode(const Journal& j) {
  Bytes b(std::begin(kJournalMagic), std::end(kJournalMagic));
  b.push_back(kJournalVersion);
  b.insert(b.end(), j.device.bytes.begin(), j.device.bytes.end());
  b.push_back(static_cast<std::uint8_t>(j.kind));
  b.insert(b.end(), j.top.bytes.begin(), j.top.bytes.end());
  put_u64(b, j.old_revision);
  put_u64(b, j.new_revision);
  auto old_key = j.old_key->reveal();
  b.insert(b.end(), old_key.begin(), old_key.end());
  b.push_back(j.new_key ? 1 : 0);
  if (j.new_key) b.insert(b.end(), j.new_key->reveal().begin(), j.new_key->reveal().end());
  for (const auto* list : {&j.undo, &j.obsolete}) {
    put_u32(b, static_cast<std::uint32_t>(list->size()));
    for (const auto& p : *list) put_frame(b, bytes_of(p));
  }
  put_u32(b, static_cast<std::uint32_t>(j.switches.size()));
  for (const auto& [path, bytes] : j.switches) {
    put_frame(b, bytes_of(path));
    put_frame(b, bytes);
  }
  return b;
}

// Paths a journal may name: this drive's objects, this owner's documents, inbox entries of its shares.
bool path_allowed(const std::string& p, const UserId& owner) {
  const std::string o = to_hex(owner.bytes);
  const bool prefix = p.rfind("drive/" + o + "/", 0) == 0 || p.rfind("docs/" + o + "/", 0) == 0 ||
                      (p.rfind("shared/", 0) == 0 && p.find("/" + o + ".") != std::string::npos);
  return prefix && p.find("..") == std::string::npos && p.find("//") == std::string::npos;
}

bool decode(std::span<const std::uint8_t> plain, Phase phase, const UserId& owner, Journal& j) {
  Reader r{plain};
  auto magic = r.take(5);
  if (!r.ok || !std::equal(std::begin(kJournalMagic), std::end(kJournalMagic), magic.begin()) ||
      magic[4] != kJournalVersion) {
    return false;
  }
  j.phase = phase;
  auto dev = r.take(DeviceId::kSize);
  if (r.ok) std::copy(dev.begin(), dev.end(), j.device.bytes.begin());
  const std::uint64_t kind = r.num(1);
  auto top = r.take(NodeId::kSize);
  if (r.ok) std::copy(top.begin(), top.end(), j.top.bytes.begin());
  j.old_revision = r.num(8);
  j.new_revision = r.num(8);
  auto old_key = r.take(NodeKey::kSize);
  if (!r.ok || (kind != 1 && kind != 2)) return false;
  j.kind = static_cast<NodeKind>(kind);
  auto k = NodeKey::from_bytes(old_key);
  if (!k) return false;
  j.old_key.emplace(std::move(k).take());
  if (r.num(1) == 1) {
    auto nk = NodeKey::from_bytes(r.take(NodeKey::kSize));
    if (!r.ok || !nk) return false;
    j.new_key.emplace(std::move(nk).take());
  }
  for (auto* list : {&j.undo, &j.obsolete}) {
    for (std::uint64_t n = r.num(4); r.ok && n > 0; --n) list->push_back(r.text());
  }
  for (std::uint64_t n = r.num(4); r.ok && n > 0; --n) {
    std::string path = r.text();
    auto bytes = r.frame();
    j.switches.emplace_back(std::move(path), Bytes(bytes.begin(), bytes.end()));
  }
  if (!r.ok || r.pos != plain.size() || (phase == Phase::committed) != j.new_key.has_value()) return false;
  for (const auto* list : {&j.undo, &j.obsolete}) {
    for (const auto& p : *list) {
      if (!path_allowed(p, owner)) return false;
    }
  }
  return std::all_of(j.switches.begin(), j.switches.end(),
                     [&](const auto& sw) { return path_allowed(sw.first, owner); });
}

Context journal_context(const std::string& op, Phase phase) {
  return Context{"coffre-drive-rekey/" + op, static_cast<std::uint64_t>(phase), 1};
}

// The journal file: u8 phase | document envelope (section 4) under the root's key, in journal_context(op, phase).
Status write_journal(Session& s, const Folder& root, const std::string& op, const Journal& j) {
  auto ck = root.key.to_content_key();
  if (!ck) return lib_failure(ck.error(), "the drive root key");
  Bytes plain = encode(j);
  auto sealed = seal_document(ck.value(), journal_context(op, j.phase), plain);
  sodium_memzero(plain.data(), plain.size());
  if (!sealed) return lib_failure(sealed.error(), "the re-keying journal");
  Bytes file{static_cast<std::uint8_t>(j.phase)};
  file.insert(file.end(), sealed.value().begin(), sealed.value().end());
  return s.store().put(Store::drive_rekey(s.me(), op), file);
}

Status read_journal(Session& s, const Folder& root, const std::string& op, std::optional<Journal>& out) {
  std::optional<Bytes> file;
  if (Status st = s.store().get(Store::drive_rekey(s.me(), op), file); !st.ok()) return st;
  if (!file) return Status::success();  // finished meanwhile
  const std::string what = "the re-keying journal " + op + " in the store";
  if (file->empty() || ((*file)[0] != 1 && (*file)[0] != 2)) return lib_failure(Error::record_invalid, what);
  const auto phase = static_cast<Phase>((*file)[0]);
  auto ck = root.key.to_content_key();
  if (!ck) return lib_failure(ck.error(), "the drive root key");
  auto plain = open_document(ck.value(), journal_context(op, phase), std::span(*file).subspan(1));
  if (!plain) return lib_failure(plain.error(), what);
  Journal j;
  const bool ok = decode(plain.value(), phase, s.me(), j);
  sodium_memzero(plain.value().data(), plain.value().size());
  if (!ok) return lib_failure(Error::record_invalid, what);
  out.emplace(std::move(j));
  return Status::success();
}

// --- removing what is not current --------------------------------------------------------------------------

// Removes `path` unless it is a name claim (16 bytes) held by another node than `top`.
Status remove_ours(const Store& store, const std::string& path, const NodeId& top) {
  std::optional<Bytes> held;
  if (Status st = store.get(path, held); !st.ok()) return st;
  if (held && held->size() == NodeId::kSize && !std::equal(held->begin(), held->end(), top.bytes.begin())) {
    return Status::success();
  }
  return store.remove(path);
}

std::string parent_dir(const std::string& path) { return path.substr(0, path.find_last_of('/')); }

// A shared folder's content-key versions above its current one: staged by a re-keying that did not commit.
Status drop_staged_versions(Session& s, const NodeId& folder) {
  const DocumentRef doc = node_document(s.me(), folder);
  std::optional<Bytes> current;
  if (Status st = s.store().get(Store::current_access_list(doc), current); !st.ok()) return st;
  if (!current) return Status::success();
  auto list = open_access_list(*current, s.sharing().self().identity, doc, std::nullopt);
  if (!list) return lib_failure(list.error(), "the access list of a shared folder");
  const std::uint64_t v = list.value().key_version();
  const std::string access_dir = parent_dir(Store::access_list(doc, 1));
  const std::string wraps_dir = parent_dir(parent_dir(Store::content_wrap(doc, 1, s.me())));
  std::vector<std::string> names;
  if (Status st = s.store().list(access_dir, names); !st.ok()) return st;
  for (const auto& n : names) {
    std::uint64_t w = 0;
    const std::string_view number = std::string_view(n).substr(0, n.size() - 7);
    if (n.size() > 7 && n.ends_with(".access") && parse_decimal(number, w, false) && w > v) {
      if (Status st = s.store().remove(access_dir + "/" + n); !st.ok()) return st;
    }
  }
  if (Status st = s.store().list(wraps_dir, names); !st.ok()) return st;
  for (const auto& n : names) {
    std::uint64_t w = 0;
    if (parse_decimal(n, w, false) && w > v) {
      if (Status st = s.store().remove_tree(wraps_dir + "/" + n); !st.ok()) return st;
    }
  }
  return Status::success();
}

// Walks the subtree of node `id` with its current key: removes every listing directory but the current one, every
// content revision but the current one, staged content-key versions.
Status collect(Session& s, const NodeId& id, NodeKind kind, const NodeKey& key, std::uint64_t revision) {
  const Store& store = s.store();
  if (kind == NodeKind::file) return prune_blobs(store, s.me(), id, revision);
  auto copy = key.copy();
  if (!copy) return lib_failure(copy.error(), "a node key");
  std::optional<Folder> f;
  if (Status st = make_folder_handle(s.me(), id, std::move(copy).take(), "a re-keyed folder", f); !st.ok()) {
    return st;
  }
  const std::string current = to_hex(f->tag.bytes);
  for (const std::string& dir : {Store::drive_folder_nodes(s.me(), id), Store::drive_folder_names(s.me(), id)}) {
    std::vector<std::string> tags;
    if (Status st = store.list(dir, tags, /*hidden=*/true); !st.ok()) return st;
    for (const auto& t : tags) {
      if (t == current) continue;
      if (Status st = store.remove_tree(dir + "/" + t); !st.ok()) return st;
    }
  }
  if (Status st = drop_staged_versions(s, id); !st.ok()) return st;
  std::vector<OpenedNode> children;
  if (Status st = s.list(*f, children); !st.ok()) return st;
  for (const auto& c : children) {
    if (Status st = collect(s, c.id, c.kind, c.key, c.meta.revision); !st.ok()) return st;
  }
  return Status::success();
}

// --- the two outcomes ----------------------------------------------------------------------------------------

Status roll_back(Session& s, const std::string& op, const Journal& j) {
  for (const auto& p : j.undo) {
    if (Status st = remove_ours(s.store(), p, j.top); !st.ok()) return st;
  }
  crash_point("rekey-undo");
  if (Status st = collect(s, j.top, j.kind, *j.old_key, j.old_revision); !st.ok()) return st;
  return s.store().remove(Store::drive_rekey(s.me(), op));
}

Status roll_forward(Session& s, const std::string& op, const Journal& j) {
  for (const auto& [path, bytes] : j.switches) {
    if (Status st = s.store().put(path, bytes); !st.ok()) return st;
    crash_point("rekey-switch");
  }
  for (const auto& p : j.obsolete) {
    if (Status st = remove_ours(s.store(), p, j.top); !st.ok()) return st;
  }
  crash_point("rekey-obsolete");
  if (Status st = collect(s, j.top, j.kind, *j.new_key, j.new_revision); !st.ok()) return st;
  crash_point("rekey-collected");
  return s.store().remove(Store::drive_rekey(s.me(), op));
}

// --- building the new subtree --------------------------------------------------------------------------------

struct RekeyStats {
  std::size_t nodes = 0;
  std::uint64_t bytes = 0;  // plaintext bytes re-encrypted
};

// Writes the new objects of a re-keying (step 2): nothing in them is reachable before the switch.
class Builder {
 public:
  Builder(Session& s, RekeyStats& stats) : s_(s), stats_(stats) {}

  // The new key of `n`: for a shared folder the next content-key version of its document (same members but
  // `removed`), its wraps to the members (never to the owner) and the versioned access list written, `current`
  // kept for the switch; otherwise a fresh key.
  Status new_key(const OpenedNode& n, std::span<const UserId> removed, std::optional<NodeKey>& out) {
    const DocumentRef doc = node_document(s_.me(), n.id);
    std::optional<Bytes> current;
    if (n.kind == NodeKind::folder) {
      if (Status st = s_.store().get(Store::current_access_list(doc), current); !st.ok()) return st;
    }
    if (!current) {
      auto k = NodeKey::generate(system_rng());
      if (!k) return lib_failure(k.error(), "a new node key");
      out.emplace(std::move(k).take());
      return Status::success();
    }
    SharingSession& sh = s_.sharing();
    auto list = open_access_list(*current, sh.self().identity, doc, sh.pins.get(doc));
    if (!list) return lib_failure(list.error(), "the access list of a shared folder (" + describe(doc) + ")");
    auto rotation = rotate_content_key(sh.secrets(), list.value(), removed, system_rng());
    if (!rotation) return lib_failure(rotation.error(), "the next content key of " + describe(doc));
    const ContentKeyRotation& r = rotation.value();
    std::vector<WrapRecipient> to;
    for (const UserId& u : r.access.members()) {
      if (u == s_.me()) continue;
      std::optional<TrustedContact> c;
      if (Status st = trusted_contact(sh, u, c); !st.ok()) return st;
      to.push_back(c->recipient);
    }
    auto wraps = wrap_content_key_to_many(s_.me(), sh.secrets(), to, r.access, r.key, system_rng(), s_.threads());
    if (!wraps) return lib_failure(wraps.error(), "cannot wrap the content key of " + describe(doc));
    for (std::size_t i = 0; i < to.size(); ++i) {
      if (Status st = s_.store().put(Store::content_wrap(doc, r.key.version, to[i].user), wraps.value()[i]);
          !st.ok()) {
        return st;
      }
    }
    if (Status st = s_.store().put(Store::access_list(doc, r.access.key_version()), r.access.bytes()); !st.ok()) {
      return st;
    }
    switches.emplace_back(Store::current_access_list(doc), r.access.bytes());
    pins.emplace_back(doc, r.access.pin());
    last_version = r.key.version;
    last_members = r.access.members().size();
    auto k = NodeKey::from_content_key(r.key.key);
    if (!k) return lib_failure(k.error(), "the next content key of " + describe(doc));
    out.emplace(std::move(k).take());
    return Status::success();
  }

  // Everything below `n` (opened under its old parent) under its new key `key`, and its record under `parent`
  // (the new handle of its new parent) with `name`. A file's content becomes the next revision.
  Status rebuild(const OpenedNode& n, const NodeKey& key, const Folder& parent, const std::string& name,
                 Bytes& record) {
    NodeMeta meta = n.meta;
    meta.name = name;
    if (n.kind == NodeKind::file) {
      meta.revision = n.meta.revision + 1;
      if (Status st = reencrypt(n, key, meta.revision); !st.ok()) return st;
    } else if (Status st = rebuild_children(n, key, join(parent.shown, name)); !st.ok()) {
      return st;
    }
    auto r = make_node_record(parent.id, parent.key, n.kind, n.id, key, meta);
    if (!r) return lib_failure(r.error(), "the record of " + printable(join(parent.shown, name)));
    record = std::move(r).take();
    ++stats_.nodes;
    return Status::success();
  }

  std::vector<std::pair<std::string, Bytes>> switches;  // each rotated document's `current`
  std::vector<std::pair<DocumentRef, AccessPin>> pins;
  std::uint32_t last_version = 0;  // the last rotation's (the top's, rotated first)
  std::size_t last_members = 0;

 private:
  Status rebuild_children(const OpenedNode& n, const NodeKey& key, const std::string& shown) {
    std::optional<Folder> old_f, new_f;
    auto was = n.key.copy();
    auto now = key.copy();
    if (!was || !now) return lib_failure(Error::out_of_memory, "a node key");
    if (Status st = make_folder_handle(s_.me(), n.id, std::move(was).take(), shown, old_f); !st.ok()) return st;
    if (Status st = make_folder_handle(s_.me(), n.id, std::move(now).take(), shown, new_f); !st.ok()) return st;
    std::vector<OpenedNode> children;
    if (Status st = s_.list(*old_f, children); !st.ok()) return st;
    for (const OpenedNode& c : children) {
      std::optional<NodeKey> ck;
      if (Status st = new_key(c, {}, ck); !st.ok()) return st;
      Bytes rec;
      if (Status st = rebuild(c, *ck, *new_f, c.meta.name, rec); !st.ok()) return st;
      auto h = name_hash(new_f->key, c.meta.name);
      if (!h) return lib_failure(h.error(), printable(join(shown, c.meta.name)));
      // Create only (a store refuses replacing a claim); a claim of this node already there: a resumed re-keying.
      if (Status st = claim_name(s_.store(), *new_f, h.value(), c.id, join(shown, c.meta.name)); !st.ok()) return st;
      if (Status st = s_.store().put(record_path(*new_f, c.id), rec); !st.ok()) return st;
      crash_point("rekey-node");
    }
    return Status::success();
  }

  // The content of revision r under the old key, streamed into revision r + 1 under the new one.
  Status reencrypt(const OpenedNode& n, const NodeKey& key, std::uint64_t revision) {
    const Store& store = s_.store();
    const std::string what = "the content of node " + to_hex(n.id.bytes) + " in the store";
    // What killed uploads of this file left (revision r + 1 among them).
    if (Status st = prune_blobs(store, s_.me(), n.id, n.meta.revision); !st.ok()) return st;
    std::unique_ptr<BlobReader> blob;
    if (Status st = store.open_blob(Store::drive_blob(s_.me(), n.id, n.meta.revision), blob); !st.ok()) return st;
    if (!blob) return lib_failure(Error::not_found, what);
    Input in;
    if (Status st = blob->open_input(in); !st.ok()) return st;
    FileHead head;
    if (Status st = read_file_head(in, head, Hints::none); !st.ok()) {
      st.message = what + ": " + st.message;
      return st;
    }
    if (head.info.key_source != KeySource::key) return lib_failure(Error::wrong_key, what + " (not under a key)");
    auto old_fk = drive_file_key(n.key);
    auto new_fk = drive_file_key(key);
    if (!old_fk || !new_fk) return lib_failure(Error::invalid_argument, "a file key");
    auto dec = FileDecryptor::create(old_fk.value(), drive_file_context(n.id, n.meta.revision), s_.threads());
    if (!dec) return lib_failure(dec.error(), what);
    if (Status st = authenticate_head(dec.value(), head, Hints::none); !st.ok()) {
      st.message = what + ": " + st.message;
      return st;
    }
    auto enc = FileEncryptor::create(new_fk.value(), drive_file_context(n.id, revision),
                                     FileOptions{head.info.chunk_size, s_.threads()});
    if (!enc) return lib_failure(enc.error(), what);
    const std::string target = Store::drive_blob(s_.me(), n.id, revision);
    std::unique_ptr<BlobWriter> writer;
    if (Status st = store.create_blob(target, "", writer); !st.ok()) return st;
    Output out;
    out.open_sink(target, [&writer](const std::uint8_t* data, std::size_t size) { return writer->write(data, size); });
    bool existed = false;
    Status st = reencrypt_stream(dec.value(), head, enc.value(), head.info.chunk_size, in, out, {}, Hints::none);
    if (st.ok()) st = writer->commit(existed);
    if (st.ok() && existed) st = Status::fail(kExitUsage, "the content " + target + " is already in the store");
    if (!st.ok()) {
      writer->abort();
      return st;
    }
    stats_.bytes += n.meta.size;
    return Status::success();
  }

  Session& s_;
  RekeyStats& stats_;
};

// What both kinds of re-keying do once the plan is known: steps 1 to 5 for the node `top` (a child of `from`) going
// to `to` under `name` (the same place for unshare), `removed` dropped from its own document if it is shared.
struct Plan {
  const Folder& from;
  const OpenedNode& node;
  const Folder& to;
  std::string name;
  std::span<const UserId> removed;
  std::vector<std::string> obsolete;  // besides the old record and claim of a move
};

Status rekey(Session& s, Plan plan, Builder& b) {
  std::optional<Folder> root;
  if (Status st = s.root(root); !st.ok()) return st;
  const bool moves = !(plan.to.id == plan.from.id) || plan.name != plan.node.meta.name;
  auto h = name_hash(plan.to.key, plan.name);
  if (!h) return lib_failure(h.error(), printable(join(plan.to.shown, plan.name)));
  auto old_key = plan.node.key.copy();
  if (!old_key) return lib_failure(old_key.error(), "a node key");

  Journal j;
  j.device = s.device();
  j.kind = plan.node.kind;
  j.top = plan.node.id;
  j.old_revision = plan.node.meta.revision;
  j.new_revision = plan.node.kind == NodeKind::file ? plan.node.meta.revision + 1 : 0;
  j.old_key.emplace(std::move(old_key).take());
  const std::string new_claim = claim_path(plan.to, h.value());
  if (moves) {
    j.undo.push_back(new_claim);
    j.obsolete.push_back(record_path(plan.from, plan.node.id));
    j.obsolete.push_back(claim_path(plan.from, plan.node.name_hash));
  }
  j.obsolete.insert(j.obsolete.end(), plan.obsolete.begin(), plan.obsolete.end());
  std::array<std::uint8_t, 16> op_id{};
  system_rng().fill(op_id);
  const std::string op = to_hex(op_id);

  // 1. prepared
  if (Status st = write_journal(s, *root, op, j); !st.ok()) return st;
  crash_point("rekey-prepared");
  // 2. the new objects; on any failure, undone here as a crash would be
  auto fail = [&](Status st) {
    if (Status u = roll_back(s, op, j); !u.ok()) {
      st.message += "; undoing the re-keying failed too (" + u.message + "): the next drive command retries";
    }
    return st;
  };
  if (moves) {
    bool existed = false;
    if (Status st = s.store().put_new(new_claim, plan.node.id.bytes, existed); !st.ok()) return fail(st);
    if (existed) {
      j.undo.clear();  // someone else's claim
      return fail(Status::fail(kExitUsage, printable(join(plan.to.shown, plan.name)) +
                                               " is claimed already (already_exists)"));
    }
  }
  std::optional<NodeKey> key;
  if (Status st = b.new_key(plan.node, plan.removed, key); !st.ok()) return fail(st);
  Bytes record;
  if (Status st = b.rebuild(plan.node, *key, plan.to, plan.name, record); !st.ok()) return fail(st);

  // 3. committed: the decision
  j.phase = Phase::committed;
  j.new_key.emplace(std::move(*key));
  j.switches.emplace_back(record_path(plan.to, plan.node.id), std::move(record));
  j.switches.insert(j.switches.end(), b.switches.begin(), b.switches.end());
  if (Status st = write_journal(s, *root, op, j); !st.ok()) return fail(st);
  crash_point("rekey-committed");
  // 4 and 5
  if (Status st = roll_forward(s, op, j); !st.ok()) {
    st.message += "; the re-keying is decided: the next drive command finishes it";
    return st;
  }
  SharingSession& sh = s.sharing();
  for (const auto& [doc, pin] : b.pins) {
    if (sh.pins.raise(doc, pin)) sh.pins_changed = true;
  }
  return Status::success();
}

std::string amount(const RekeyStats& st) {
  char buf[96];
  std::snprintf(buf, sizeof buf, "%zu node(s) under new keys, %.1f MB re-encrypted", st.nodes,
                static_cast<double>(st.bytes) / 1e6);
  return buf;
}

}  // namespace

// ---------------------------------------------------------------------------------------------------------------

Status prune_blobs(const Store& store, const UserId& owner, const NodeId& file, std::uint64_t keep) {
  const std::string dir = Store::drive_blobs(owner, file);
  if (keep == 0) return store.remove_tree(dir);
  std::vector<std::string> names;
  if (Status st = store.list(dir, names, /*hidden=*/true); !st.ok()) return st;
  const std::string kept = std::to_string(keep);
  for (const auto& n : names) {
    if (n == kept) continue;
    if (Status st = store.remove_tree(dir + "/" + n); !st.ok()) return st;
  }
  return Status::success();
}

Status rekey_pending(const Store& store, const UserId& owner, bool& pending) {
  std::vector<std::string> ops;
  if (Status st = store.list(Store::drive_rekeys(owner), ops); !st.ok()) return st;
  pending = !ops.empty();
  return Status::success();
}

Status readers_of(Session& s, const UserId& owner, const std::vector<NodeId>& chain, std::set<UserId>& out) {
  TrustedIdentity owner_id;
  if (Status st = s.owner_identity(owner, owner_id); !st.ok()) return st;
  SharingSession& sh = s.sharing();
  for (const NodeId& id : chain) {
    const DocumentRef doc = node_document(owner, id);
    std::optional<Bytes> current;
    if (Status st = s.store().get(Store::current_access_list(doc), current); !st.ok()) return st;
    const auto pin = sh.pins.get(doc);
    if (!current) {
      // A folder this device saw shared: the store withholds its list (it would make a move look harmless).
      if (pin) return lib_failure(Error::not_found, "the access list of a shared folder (" + describe(doc) + ")");
      continue;
    }
    auto list = open_access_list(*current, owner_id, doc, pin);
    if (!list) return lib_failure(list.error(), "the access list of a shared folder (" + describe(doc) + ")");
    out.insert(list.value().members().begin(), list.value().members().end());
    if (sh.pins.raise(doc, list.value().pin())) sh.pins_changed = true;
  }
  return Status::success();
}

Status rekey_move(Session& s, const Folder& from, const OpenedNode& node, const Folder& to, const std::string& name) {
  RekeyStats stats;
  Builder b(s, stats);
  if (Status st = rekey(s, Plan{from, node, to, name, {}, {}}, b); !st.ok()) return st;
  std::printf("Moved %s to %s with new keys, as it left members of a shared folder: %s\n",
              printable(join(from.shown, node.meta.name)).c_str(), printable(join(to.shown, name)).c_str(),
              amount(stats).c_str());
  return Status::success();
}

Status rekey_unshare(Session& s, const Folder& parent, const OpenedNode& folder, const UserId& user) {
  RekeyStats stats;
  Builder b(s, stats);
  const UserId removed[] = {user};
  Plan plan{parent, folder, parent, folder.meta.name, removed, {Store::drive_share(user, s.me(), folder.id)}};
  if (Status st = rekey(s, std::move(plan), b); !st.ok()) return st;
  std::printf("Removed %s from %s: content-key version %u for %zu member(s); %s\n", to_hex(user.bytes).c_str(),
              printable(join(parent.shown, folder.meta.name)).c_str(), b.last_version, b.last_members,
              amount(stats).c_str());
  return Status::success();
}

Status recover_rekeys(Session& s, const Folder& root) {
  std::vector<std::string> ops;
  if (Status st = s.store().list(Store::drive_rekeys(s.me()), ops); !st.ok()) return st;
  for (const std::string& op : ops) {
    std::optional<Journal> j;
    if (Status st = read_journal(s, root, op, j); !st.ok()) return st;
    if (!j) continue;
    if (j->phase == Phase::committed) {
      if (Status st = roll_forward(s, op, *j); !st.ok()) return st;
      std::fprintf(stderr, "coffre: finished an interrupted re-keying of the drive (%s)\n", op.c_str());
    } else if (j->device == s.device()) {
      if (Status st = roll_back(s, op, *j); !st.ok()) return st;
      std::fprintf(stderr, "coffre: undid an interrupted re-keying of the drive (%s): nothing changed; run the "
                           "move or unshare again\n", op.c_str());
    } else {
      std::fprintf(stderr, "coffre: a re-keying of the drive (%s) started on device %s is not finished; that "
                           "device's next drive command finishes or undoes it\n",
                   op.c_str(), to_hex(j->device.bytes).c_str());
    }
  }
  return Status::success();
}

}  // namespace coffre::cli
