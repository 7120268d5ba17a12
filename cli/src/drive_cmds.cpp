// The drive commands (drive_cmds.hpp).
//
// The store keeps, per owner, node records grouped by parent folder, an exclusive claim per (folder, name lookup hash)
// and one content blob per (file, revision) (store.hpp, SPEC section 15). A path is resolved from the root down: each
// folder on the way is listed (list_folder opens every record and checks each one's binding to the folder), and the
// next name is matched against the decrypted names. Writes claim the name first (the store refuses a second child
// with the same lookup hash), then upload the content, then the record; removals go the other way.
#include "drive_cmds.hpp"

#include "commands.hpp"
#include "contacts.hpp"
#include "drive_tree.hpp"
#include "io.hpp"
#include "store.hpp"
#include "upload_resume.hpp"

#include <nlohmann/json.hpp>
#include <sodium.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <ctime>
#include <fcntl.h>
#include <optional>
#include <sys/stat.h>
#include <unistd.h>

namespace coffre::cli {

// --- shared by the drive commands (drive_tree.hpp) ---------------------------------------------------------------

std::string join(const std::string& folder, const std::string& name) {
  return folder == "/" || folder.back() == '/' ? folder + name : folder + "/" + name;
}

std::string printable(std::string_view name) {
  std::string out;
  for (unsigned char c : name) {
    if (c < 0x20 || c == 0x7f || c == '\\') {
      char buf[5];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

DocumentRef node_document(const UserId& owner, const NodeId& node) {
  DocumentRef d;
  d.owner = owner;
  d.id.bytes = node.bytes;
  d.purpose = Purpose::drive_node;
  return d;
}

const OpenedNode* find_child(const std::vector<OpenedNode>& children, std::string_view name) {
  for (const auto& c : children) {
    if (c.meta.name == name) return &c;
  }
  return nullptr;
}

Status make_folder_handle(const UserId& owner, const NodeId& id, NodeKey key, std::string shown,
                          std::optional<Folder>& out) {
  auto tag = listing_tag(key);
  if (!tag) return lib_failure(tag.error(), "the key of " + printable(shown));
  out.emplace(Folder{owner, id, std::move(key), tag.value(), std::move(shown)});
  return Status::success();
}

Status folder_of(const OpenedNode& n, const Folder& parent, std::optional<Folder>& out) {
  auto key = n.key.copy();
  if (!key) return lib_failure(key.error(), "a node key");
  return make_folder_handle(parent.owner, n.id, std::move(key).take(), join(parent.shown, n.meta.name), out);
}

std::string record_path(const Folder& f, const NodeId& child) { return Store::drive_node(f.owner, f.id, f.tag, child); }

std::string claim_path(const Folder& f, const NameHash& h) { return Store::drive_name(f.owner, f.id, f.tag, h); }

Status drive_root_id(const Store& store, const UserId& owner, std::optional<NodeId>& out) {
  std::optional<DriveBytes> id;
  if (Status s = store.get(Store::drive_root(owner), id); !s.ok() || !id) return s;
  auto node = NodeId::from_bytes(*id);
  if (!node) return lib_failure(Error::record_invalid, "the drive root id the store serves");
  out = node.value();
  return Status::success();
}

Status list_children(const Store& store, const Folder& f, unsigned threads, std::vector<OpenedNode>& out) {
  std::vector<std::string> names;
  const std::string dir = Store::drive_nodes(f.owner, f.id, f.tag);
  if (Status s = store.list(dir, names); !s.ok()) return s;
  std::vector<DriveBytes> records;
  std::vector<std::string> record_names;
  for (const std::string& n : names) {
    std::optional<DriveBytes> b;
    if (Status s = store.get(dir + "/" + n, b); !s.ok()) return s;
    if (!b) continue;  // removed since the listing
    records.emplace_back(b->begin(), b->end());  // exact size: Store::get reserves its maximum
    record_names.push_back(n);
  }
  const std::string what = "the folder " + printable(f.shown) + " as the store serves it";
  auto r = list_folder(f.id, f.key, std::span<const DriveBytes>(records), threads);
  if (!r) return lib_failure(r.error(), what);
  out = std::move(r).take();
  // The store files a record under its node id: one filed under another name was moved there by the store.
  for (std::size_t i = 0; i < out.size(); ++i) {
    if (record_names[i] != to_hex(out[i].id.bytes) + ".node") return lib_failure(Error::node_binding_invalid, what);
  }
  return Status::success();
}

Status find_folder(const Store& store, Folder start, const NodeId& id, unsigned threads, std::optional<Folder>& out) {
  out.reset();
  std::set<NodeId> seen{start.id};
  std::vector<Folder> pending;
  pending.push_back(std::move(start));
  while (!pending.empty()) {
    Folder cur = std::move(pending.back());
    pending.pop_back();
    if (cur.id == id) {
      out.emplace(std::move(cur));
      return Status::success();
    }
    std::vector<OpenedNode> children;
    if (Status s = list_children(store, cur, threads, children); !s.ok()) return s;
    for (const OpenedNode& c : children) {
      if (c.kind != NodeKind::folder || !seen.insert(c.id).second) continue;
      std::optional<Folder> f;
      if (Status s = folder_of(c, cur, f); !s.ok()) return s;
      pending.push_back(std::move(*f));
    }
  }
  return Status::success();
}

Status Session::root(std::optional<Folder>& out) {
  std::optional<NodeId> node;
  if (Status s = drive_root_id(store(), me(), node); !s.ok()) return s;
  if (!node) {
    if (Status s = create_root(); !s.ok()) return s;
    if (Status s = drive_root_id(store(), me(), node); !s.ok()) return s;
    if (!node) return lib_failure(Error::not_found, "the drive root the store was just given");
  }
  if (Status s = open_wrapped(me(), *node, "/", out); !s.ok()) return s;
  if (!recovered_) {
    recovered_ = true;
    return recover_rekeys(*this, *out);
  }
  return Status::success();
}

// The owner never wraps another node's key to itself, so a store that serves another node as the root has no wrap
// to serve for it.
Status Session::open_wrapped(const UserId& owner, const NodeId& node, const std::string& shown,
                             std::optional<Folder>& out) {
  OpenedContentKey opened;
  if (Status s = open_my_content_key(sh_, node_document(owner, node), std::nullopt, opened); !s.ok()) return s;
  auto key = NodeKey::from_content_key(opened.key->key);
  if (!key) return lib_failure(key.error(), "the key of " + shown);
  return make_folder_handle(owner, node, std::move(key).take(), shown, out);
}

Status Session::list(const Folder& f, std::vector<OpenedNode>& out) const {
  return list_children(store(), f, args_.threads, out);
}

Status Session::owner_identity(const UserId& owner, TrustedIdentity& out) {
  if (owner == me()) {
    out = sh_.self().identity;
    return Status::success();
  }
  std::optional<TrustedContact> c;
  if (Status s = trusted_contact(sh_, owner, c); !s.ok()) return s;
  out = c->identity;
  return Status::success();
}

// The root: a fresh node id, its key as a content key (purpose drive node, version 1) under an access list of the
// owner alone (revision 1), wrapped to the owner; the root id is claimed last, without replacing one that another
// device created meanwhile (which then wins).
Status Session::create_root() {
  Rng& rng = system_rng();
  NodeId id = NodeId::generate(rng);
  auto key = VersionedContentKey::generate(1, rng);
  if (!key) return lib_failure(key.error(), "a new drive root key");
  auto access = make_access_list(sh_.secrets(), node_document(me(), id), 1, 1, {me()});
  if (!access) return lib_failure(access.error(), "the drive root's access list");
  const UserId self[] = {me()};
  if (Status s = share_content_key(sh_, access.value(), key.value(), self); !s.ok()) return s;
  bool existed = false;
  return store().put_new(Store::drive_root(me()), id.bytes, existed);
}

namespace {

using Bytes = DriveBytes;

constexpr std::size_t kReadBlock = 4u << 20;  // plaintext bytes per step of get --range: constant memory

std::uint64_t now_s() { return static_cast<std::uint64_t>(std::time(nullptr)); }

// A path: in this account's drive (`shared` empty), or under a shared folder ("@<hex prefix>").
struct DrivePath {
  std::string shared;
  std::vector<std::string> names;
  bool trailing_slash = false;
};

Status parse_path(const std::string& text, DrivePath& p) {
  std::size_t pos = 0;
  if (!text.empty() && text[0] == '@') {
    pos = std::min(text.find('/'), text.size());
    p.shared = text.substr(1, pos - 1);
    if (p.shared.size() < 8 || p.shared.size() > 2 * NodeId::kSize ||
        p.shared.find_first_not_of("0123456789abcdef") != std::string::npos) {
      return Status::fail(kExitUsage, "'" + text + "': @ID must be a shared folder's id or at least 8 of its first "
                                                   "hex digits, as 'coffre drive ls --shared' prints them");
    }
  } else if (text.empty() || text[0] != '/') {
    return Status::fail(kExitUsage, "'" + text + "' is not a drive path: drive paths start with / (this account's "
                                                 "drive) or @ID (a folder shared with you)");
  }
  while (pos < text.size()) {
    std::size_t next = std::min(text.find('/', pos + 1), text.size());
    std::string name = text.substr(pos + 1, next - pos - 1);
    if (!name.empty()) {
      if (!node_name_valid(name)) {
        return Status::fail(kExitUsage, "'" + text + "': '" + printable(name) + "' is not a valid name (1 to 255 "
                                                                                "bytes of UTF-8, not . or ..)");
      }
      p.names.push_back(std::move(name));
    }
    pos = next;
  }
  p.trailing_slash = text.size() > 1 && text.back() == '/';
  return Status::success();
}

Status already_exists(const std::string& shown, const std::string& hint = "") {
  return Status::fail(kExitUsage, shown + " already exists in the drive (already_exists)" + hint);
}

Status no_such(const std::string& shown) {
  return Status::fail(kExitIo, "no " + printable(shown) + " in the drive (not_found)");
}

}  // namespace

Status claim_name(const Store& store, const Folder& parent, const NameHash& h, const NodeId& id,
                  const std::string& shown) {
  bool existed = false;
  if (Status s = store.put_new(claim_path(parent, h), id.bytes, existed); !s.ok()) return s;
  std::optional<Bytes> held;  // already this node's: an interrupted put being resumed (upload_resume.hpp)
  if (existed) {
    if (Status s = store.get(claim_path(parent, h), held); !s.ok()) return s;
  }
  if (existed && !(held && std::equal(held->begin(), held->end(), id.bytes.begin(), id.bytes.end()))) {
    return already_exists(printable(shown), ", or is being created by another device, or was left claimed by an "
                                            "interrupted upload: if no device is uploading it, 'coffre drive put "
                                            "--force' takes the name over");
  }
  return Status::success();
}

namespace {

// A claim whose node has no record is left by an interrupted upload, or belongs to one still running on another
// device: nothing tells them apart, so only the user's --force takes the name over. The leftover's content goes too.
// Not while a re-keying is in progress: its claims name nodes that exist elsewhere, whose content must stay.
Status take_over_claim(Session& s, const Folder& parent, const NameHash& h, const NodeId& id,
                       const std::string& shown) {
  const Store& store = s.store();
  const std::string claim = claim_path(parent, h);
  std::optional<Bytes> held;
  if (Status st = store.get(claim, held); !st.ok()) return st;
  NodeId claimed;
  if (!held || held->size() != claimed.bytes.size()) return already_exists(printable(shown));
  std::copy(held->begin(), held->end(), claimed.bytes.begin());
  std::optional<Bytes> record;
  if (Status st = store.get(record_path(parent, claimed), record); !st.ok()) return st;
  if (record) return already_exists(printable(shown));
  bool rekeying = false;
  if (Status st = rekey_pending(store, parent.owner, rekeying); !st.ok()) return st;
  if (rekeying) {
    return already_exists(printable(shown), ", claimed by a re-keying (a move or unshare) still in progress on "
                                            "another device of this account: run a drive command there to finish it");
  }
  if (Status st = prune_blobs(store, parent.owner, claimed, 0); !st.ok()) return st;
  if (Status st = store.remove(claim); !st.ok()) return st;
  return claim_name(store, parent, h, id, shown);
}

Status make_folder(Session& s, const Folder& parent, const std::string& name, std::optional<Folder>* made) {
  Rng& rng = system_rng();
  NodeId id = NodeId::generate(rng);
  auto key = NodeKey::generate(rng);
  if (!key) return lib_failure(key.error(), "a new folder key");
  const std::uint64_t now = now_s();
  NodeMeta meta{name, 0, 0, "", now, now};
  const std::string shown = join(parent.shown, name);
  auto record = make_node_record(parent.id, parent.key, NodeKind::folder, id, key.value(), meta, rng);
  if (!record) return lib_failure(record.error(), "the record of " + printable(shown));
  auto h = name_hash(parent.key, name);
  if (!h) return lib_failure(h.error(), printable(shown));
  if (Status st = claim_name(s.store(), parent, h.value(), id, shown); !st.ok()) return st;
  if (Status st = s.store().put(record_path(parent, id), record.value()); !st.ok()) return st;
  if (made) return make_folder_handle(parent.owner, id, std::move(key).take(), shown, *made);
  return Status::success();
}

// The folder at `names[0 .. count)` below `start`; missing folders are created when `create`.
Status walk(Session& s, Folder start, const std::vector<std::string>& names, std::size_t count, bool create,
            std::optional<Folder>& out, std::vector<NodeId>* chain = nullptr) {
  std::optional<Folder> cur(std::move(start));
  for (std::size_t i = 0; i < count; ++i) {
    if (chain) chain->push_back(cur->id);
    std::vector<OpenedNode> children;
    if (Status st = s.list(*cur, children); !st.ok()) return st;
    std::optional<Folder> next;
    if (const OpenedNode* c = find_child(children, names[i])) {
      if (c->kind != NodeKind::folder) {
        return Status::fail(kExitUsage, printable(join(cur->shown, names[i])) + " is a file, not a folder");
      }
      if (Status st = folder_of(*c, *cur, next); !st.ok()) return st;
    } else if (create) {
      if (Status st = make_folder(s, *cur, names[i], &next); !st.ok()) return st;
    } else {
      return no_such(join(cur->shown, names[i]));
    }
    cur = std::move(next);
  }
  if (chain) chain->push_back(cur->id);
  out = std::move(cur);
  return Status::success();
}

// An entry of this account's inbox of shares: "<owner hex>.<node hex>".
struct Share {
  UserId owner;
  NodeId node;
};

Status inbox(Session& s, std::vector<Share>& out) {
  std::vector<std::string> names;
  if (Status st = s.store().list(Store::drive_inbox(s.me()), names); !st.ok()) return st;
  for (const std::string& n : names) {
    Share sh;
    if (n.size() != 2 * UserId{}.bytes.size() + 1 + 2 * NodeId::kSize || n[2 * sh.owner.bytes.size()] != '.' ||
        !from_hex(std::string_view(n).substr(0, 2 * sh.owner.bytes.size()), sh.owner.bytes) ||
        !from_hex(std::string_view(n).substr(2 * sh.owner.bytes.size() + 1), sh.node.bytes)) {
      continue;  // not an entry: nothing in it is trusted anyway
    }
    out.push_back(sh);
  }
  return Status::success();
}

// "@<prefix>": the one share in the inbox whose node id starts with the prefix, opened (trust-checked, pinned).
Status shared_root(Session& s, const std::string& prefix, std::optional<Folder>& out) {
  std::vector<Share> shares;
  if (Status st = inbox(s, shares); !st.ok()) return st;
  std::vector<Share> match;
  for (const Share& sh : shares) {
    if (to_hex(sh.node.bytes).compare(0, prefix.size(), prefix) == 0) match.push_back(sh);
  }
  if (match.empty()) return lib_failure(Error::not_found, "no folder @" + prefix + " is shared with this account");
  if (match.size() > 1) {
    return Status::fail(kExitUsage, "@" + prefix + " names several shared folders: give more hex digits");
  }
  return s.open_wrapped(match[0].owner, match[0].node, "@" + to_hex(match[0].node.bytes), out);
}

Status start_of(Session& s, const DrivePath& p, std::optional<Folder>& out) {
  return p.shared.empty() ? s.root(out) : shared_root(s, p.shared, out);
}

// The folder holding the last name of `p` (the root for "/"), and that name's node in its listing, if any.
struct Target {
  std::optional<Folder> parent;
  std::vector<OpenedNode> siblings;
  const OpenedNode* node = nullptr;  // in `siblings`
  std::vector<NodeId> chain;         // folder ids from the start down to `parent`
};

Status locate(Session& s, const DrivePath& p, bool create_parents, Target& t) {
  std::optional<Folder> start;
  if (Status st = start_of(s, p, start); !st.ok()) return st;
  if (p.names.empty()) return Status::fail(kExitUsage, "the drive's root folder itself cannot be used here");
  if (Status st = walk(s, std::move(*start), p.names, p.names.size() - 1, create_parents, t.parent, &t.chain);
      !st.ok()) {
    return st;
  }
  if (Status st = s.list(*t.parent, t.siblings); !st.ok()) return st;
  t.node = find_child(t.siblings, p.names.back());
  return Status::success();
}

// --- content ---------------------------------------------------------------------------------------------------

std::string media_type_for(const std::string& name) {
  static const std::pair<const char*, const char*> kTypes[] = {
      {".txt", "text/plain"},        {".md", "text/markdown"},    {".html", "text/html"},
      {".json", "application/json"}, {".pdf", "application/pdf"}, {".png", "image/png"},
      {".jpg", "image/jpeg"},        {".jpeg", "image/jpeg"},     {".zip", "application/zip"},
  };
  for (auto [ext, type] : kTypes) {
    std::string_view e(ext);
    if (name.size() > e.size() && name.compare(name.size() - e.size(), e.size(), e) == 0) return type;
  }
  return "application/octet-stream";
}

std::string base_name(const std::string& path) {
  std::string p = path;
  while (p.size() > 1 && p.back() == '/') p.pop_back();
  auto slash = p.find_last_of('/');
  return slash == std::string::npos ? p : p.substr(slash + 1);
}

// Streams `in` into the file envelope of (node id, revision) under the node key, to a new blob in the store. `rng`
// makes the envelope's nonces (upload_resume.hpp: the same bytes again when a rerun resumes the upload).
Status upload(const Store& store, const UserId& owner, const NodeId& id, const NodeKey& key, std::uint64_t revision,
              Input& in, unsigned threads, Rng& rng, const std::string& resume_key, std::uint64_t& size) {
  auto file_key = drive_file_key(key);
  if (!file_key) return lib_failure(file_key.error(), "the file key");
  auto enc = FileEncryptor::create(file_key.value(), drive_file_context(id, revision),
                                   FileOptions{kDefaultChunkSize, threads}, rng);
  if (!enc) return lib_failure(enc.error(), "the file envelope");
  FileEncryptor& e = enc.value();
  const std::string blob = Store::drive_blob(owner, id, revision);
  std::unique_ptr<BlobWriter> writer;
  if (Status s = store.create_blob(blob, resume_key, writer); !s.ok()) return s;
  Output out;
  out.open_sink(blob, [&writer](const std::uint8_t* data, std::size_t n) { return writer->write(data, n); });
  bool existed = false;
  Status s = encrypt_stream(e, kDefaultChunkSize, in, out, {});
  if (s.ok()) s = writer->commit(existed);
  if (s.ok() && existed) s = Status::fail(kExitUsage, "the content " + blob + " is already in the store (already_exists)");
  if (!s.ok()) {
    writer->abort();
    return s;
  }
  // The plaintext size follows from the ciphertext size (SPEC 5.2), also for a pipe.
  FileHeaderInfo info{kFileHeaderSizeKey, KeySource::key, kDefaultChunkSize, 1, std::nullopt};
  auto layout = file_layout(info, writer->written());
  if (!layout) return lib_failure(layout.error(), "the content just written to " + blob);
  size = layout.value().plaintext_size;
  return Status::success();
}

// A blob's header, read and checked for what needs no key (a Drive file is always under a raw key).
Status read_header(Input& in, FileHead& head, const std::string& shown) {
  if (Status s = read_file_head(in, head, Hints::none); !s.ok()) {
    s.message = "the content of " + printable(shown) + ": " + s.message;
    return s;
  }
  if (head.info.key_source != KeySource::key) {
    return lib_failure(Error::wrong_key, "the content of " + printable(shown) + " (not under a key)");
  }
  return Status::success();
}

struct ByteSpan {
  std::uint64_t offset = 0;
  std::uint64_t length = 0;
};

Status parse_range(const std::string& text, ByteSpan& r) {
  auto colon = text.find(':');
  const std::string_view t(text);
  if (colon == std::string::npos || !parse_decimal(t.substr(0, colon), r.offset, false) ||
      !parse_decimal(t.substr(colon + 1), r.length, false) || r.offset + r.length < r.offset) {
    return Status::fail(kExitUsage, "--range must be OFFSET:LENGTH in bytes, e.g. 65536:100");
  }
  return Status::success();
}

// A blob's header for random access, read with one ranged read.
Status read_blob_header(BlobReader& blob, FileHead& head, const std::string& shown) {
  std::size_t got = 0;
  const auto avail = static_cast<std::size_t>(std::min<std::uint64_t>(blob.size(), head.bytes.size()));
  if (Status s = blob.read_at(0, head.bytes.data(), avail, got); !s.ok()) return s;
  // docs/SPEC.md 5.1: the key source (byte 9) tells the header size.
  const bool passphrase = got > 9 && head.bytes[9] == static_cast<std::uint8_t>(KeySource::passphrase);
  auto r = inspect_file_header({head.bytes.data(), std::min(got, passphrase ? kFileHeaderSizePassphrase
                                                                            : kFileHeaderSizeKey)});
  if (!r) return lib_failure(r.error(), "the content of " + printable(shown));
  head.info = r.value();
  head.size = head.info.header_size;
  if (head.info.key_source != KeySource::key) {
    return lib_failure(Error::wrong_key, "the content of " + printable(shown) + " (not under a key)");
  }
  return Status::success();
}

// Opens the range reader: checks the final chunk (the plaintext size), read from the blob.
Result<FileRangeReader> open_blob_range_reader(BlobReader& blob, std::span<const std::uint8_t> header,
                                               const ContentKey& key, const Context& ctx) {
  auto where = FileRangeReader::final_chunk_range(header, blob.size());
  if (!where) return where.error();
  std::vector<std::uint8_t> final_chunk(static_cast<std::size_t>(where.value().size()));
  std::size_t got = 0;
  if (Status s = blob.read_at(where.value().begin, final_chunk.data(), final_chunk.size(), got); !s.ok()) {
    return Error::io_error;
  }
  if (got != final_chunk.size()) return Error::truncated;
  return FileRangeReader::open(header, blob.size(), final_chunk, key, ctx);
}

// Random access: the chunks covering the range, a few MiB at a time (a ranged read each).
Status download_range(BlobReader& blob, Output& out, const FileRangeReader& rr, ByteSpan range,
                      const std::string& shown) {
  const std::string what = "the content of " + printable(shown);
  if (range.offset + range.length > rr.plaintext_size()) {
    return lib_failure(Error::range_out_of_bounds, "--range " + std::to_string(range.offset) + ":" +
                                                     std::to_string(range.length) + " of a file of " +
                                                     std::to_string(rr.plaintext_size()) + " bytes");
  }
  Bytes fetched, plain;
  std::uint64_t at = range.offset;
  const std::uint64_t end = range.offset + range.length;
  while (at < end) {
    const std::uint64_t step_end = std::min<std::uint64_t>(end, (at / kReadBlock + 1) * kReadBlock);
    const ByteRange piece{at, step_end};
    auto ct = rr.ciphertext_range(piece);
    if (!ct) return lib_failure(ct.error(), what);
    fetched.resize(static_cast<std::size_t>(ct.value().size()));
    std::size_t got = 0;
    if (Status s = blob.read_at(ct.value().begin, fetched.data(), fetched.size(), got); !s.ok()) return s;
    if (got != fetched.size()) return lib_failure(Error::truncated, what);
    plain.resize(static_cast<std::size_t>(piece.size()));
    if (Error e = rr.read(piece, fetched, plain); e != Error::ok) return lib_failure(e, what);
    if (Status s = out.write(plain.data(), plain.size()); !s.ok()) return s;
    at = step_end;
  }
  sodium_memzero(plain.data(), plain.size());
  return Status::success();
}

// --- removal ---------------------------------------------------------------------------------------------------

// Removes `node` (under `parent`) and, for a folder, everything below it: children first, then the record and the
// name claim, then the content.
Status remove_node(Session& s, const Folder& parent, const OpenedNode& node) {
  const Store& st = s.store();
  if (node.kind == NodeKind::folder) {
    std::optional<Folder> f;
    if (Status r = folder_of(node, parent, f); !r.ok()) return r;
    std::vector<OpenedNode> children;
    if (Status r = s.list(*f, children); !r.ok()) return r;
    for (const auto& c : children) {
      if (Status r = remove_node(s, *f, c); !r.ok()) return r;
    }
  }
  if (Status r = st.remove(record_path(parent, node.id)); !r.ok()) return r;
  if (Status r = st.remove(claim_path(parent, node.name_hash)); !r.ok()) return r;
  // Every revision, with what killed uploads left; a folder's (now empty) listing directories.
  if (node.kind == NodeKind::file) return prune_blobs(st, parent.owner, node.id, 0);
  if (Status r = st.remove_tree(Store::drive_folder_nodes(parent.owner, node.id)); !r.ok()) return r;
  return st.remove_tree(Store::drive_folder_names(parent.owner, node.id));
}

std::string show_time(std::uint64_t t) {
  std::time_t tt = static_cast<std::time_t>(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M", &tm);
  return buf;
}

void print_node(const OpenedNode& n, bool long_format) {
  const bool folder = n.kind == NodeKind::folder;
  const std::string name = printable(n.meta.name) + (folder ? "/" : "");
  if (long_format) {
    std::printf("%s %12llu  %s  %-24s  %s\n", folder ? "d" : "-", static_cast<unsigned long long>(n.meta.size),
                show_time(n.meta.modified).c_str(), folder ? "-" : n.meta.media_type.c_str(), name.c_str());
  } else {
    std::printf("%s\n", name.c_str());
  }
}

// A node for ls --json (cli/README.md): 64-bit values as decimal strings.
nlohmann::ordered_json node_json(const OpenedNode& n) {
  const bool folder = n.kind == NodeKind::folder;
  return {{"name", n.meta.name},
          {"id", to_hex(n.id.bytes)},
          {"kind", folder ? "folder" : "file"},
          {"size", json_u64(n.meta.size)},
          {"revision", json_u64(n.meta.revision)},
          {"media_type", n.meta.media_type},
          {"created", json_u64(n.meta.created)},
          {"modified", json_u64(n.meta.modified)}};
}

// ls --shared: every share in the inbox that opens (access list signed by its trusted owner, wrap to this account),
// and on stderr the ones that do not.
int list_shared(Session& s, bool json) {
  std::vector<Share> shares;
  if (Status st = inbox(s, shares); !st.ok()) return report(st);
  Status first_failure;
  nlohmann::ordered_json listed = nlohmann::ordered_json::array();
  for (const Share& sh : shares) {
    std::optional<Folder> f;
    const std::string at = std::string("@").append(to_hex(sh.node.bytes));
    if (Status st = s.open_wrapped(sh.owner, sh.node, at, f); !st.ok()) {
      st.message = at + " from " + to_hex(sh.owner.bytes) + " refused: " + st.message;
      if (!json) report(st);
      if (first_failure.ok()) first_failure = st;
      continue;
    }
    if (json) {
      listed.push_back({{"id", at}, {"owner", to_hex(sh.owner.bytes)}});
    } else {
      std::printf("%s  from %s\n", at.c_str(), to_hex(sh.owner.bytes).c_str());
    }
  }
  // JSON: the first refused share is the error, and nothing is listed.
  if (!first_failure.ok()) return json ? report(first_failure) : first_failure.code;
  const int rc = s.finish();
  if (json && rc == kExitOk) print_json({{"shared", std::move(listed)}});
  return rc;
}

Status parse_paths(const std::vector<std::string>& texts, std::vector<DrivePath>& paths) {
  paths.resize(texts.size());
  for (std::size_t i = 0; i < paths.size(); ++i) {
    if (Status s = parse_path(texts[i], paths[i]); !s.ok()) return s;
  }
  return Status::success();
}

Status need_paths(const DriveArgs& a, std::size_t n, const char* usage) {
  if (a.paths.size() != n) return Status::fail(kExitUsage, std::string("usage: coffre drive ") + usage);
  return Status::success();
}

}  // namespace

// ---------------------------------------------------------------------------------------------------------------

int cmd_drive_mkdir(const DriveArgs& a) {
  if (a.paths.empty()) return report(Status::fail(kExitUsage, "usage: coffre drive mkdir [-p] PATH..."));
  std::vector<DrivePath> paths;
  if (Status s = parse_paths(a.paths, paths); !s.ok()) return report(s);
  Session s(a);
  if (Status st = s.open(); !st.ok()) return report(st);
  for (const DrivePath& p : paths) {
    Target t;
    if (Status st = locate(s, p, a.parents, t); !st.ok()) return report(st);
    const std::string shown = join(t.parent->shown, p.names.back());
    if (t.node) {
      if (a.parents && t.node->kind == NodeKind::folder) continue;
      return report(already_exists(printable(shown)));
    }
    if (Status st = make_folder(s, *t.parent, p.names.back(), nullptr); !st.ok()) return report(st);
  }
  return s.finish();
}

namespace {

void raise_revision_pin(Session& s, const UserId& owner, const NodeId& node, std::uint64_t revision) {
  if (s.sharing().pins.raise_drive(owner, node, revision)) s.sharing().pins_changed = true;
}

// The account's pin of a file's content revision (SPEC 15.1, shared by every device of the account): a record older
// than a revision any device of the account saw is a store's rollback (key_version_rollback); a newer one raises it.
Status check_revision_pin(Session& s, const UserId& owner, const OpenedNode& n, const std::string& shown) {
  SharingSession& sh = s.sharing();
  if (auto pinned = sh.pins.drive_revision(owner, n.id); pinned && n.meta.revision < *pinned) {
    return lib_failure(Error::key_version_rollback, "the record of " + printable(shown) + " (revision " +
                                                        std::to_string(n.meta.revision) + ", this account saw " +
                                                        std::to_string(*pinned) + ")");
  }
  raise_revision_pin(s, owner, n.id, n.meta.revision);
  return Status::success();
}

// The pins of the files among `nodes` (children of `folder`), before any of them is shown: ls shows a record's
// size and time as current, so it refuses a rolled-back one as get does (and what it saw raises the pins as well).
Status check_revision_pins(Session& s, const Folder& folder, std::span<const OpenedNode> nodes) {
  for (const OpenedNode& n : nodes) {
    if (n.kind != NodeKind::file) continue;  // a folder's record has no content revision (0)
    if (Status st = check_revision_pin(s, folder.owner, n, join(folder.shown, n.meta.name)); !st.ok()) return st;
  }
  return Status::success();
}

}  // namespace

int cmd_drive_put(const DriveArgs& a) {
  if (Status s = need_paths(a, 2, "put LOCAL REMOTE"); !s.ok()) return report(s);
  DrivePath p;
  if (Status s = parse_path(a.paths[1], p); !s.ok()) return report(s);
  if (!a.media_type.empty() && !media_type_valid(a.media_type)) {
    return report(Status::fail(kExitUsage, "--type must be 0 to 255 printable ASCII bytes"));
  }
  Input in;
  if (Status s = in.open(a.paths[0]); !s.ok()) return report(s);
  Session s(a);
  if (Status st = s.open(); !st.ok()) return report(st);

  // REMOTE names the file, or a folder to put it in under LOCAL's name.
  std::optional<Folder> parent;
  std::string name;
  std::vector<OpenedNode> siblings;
  if (p.names.empty()) {
    if (Status st = s.root(parent); !st.ok()) return report(st);
    name = base_name(a.paths[0]);
  } else {
    Target t;
    if (Status st = locate(s, p, false, t); !st.ok()) return report(st);
    if (t.node && t.node->kind == NodeKind::folder) {
      if (Status st = folder_of(*t.node, *t.parent, parent); !st.ok()) return report(st);
      name = base_name(a.paths[0]);
    } else if (p.trailing_slash) {
      return report(no_such(join(t.parent->shown, p.names.back())));
    } else {
      parent = std::move(t.parent);
      name = p.names.back();
      siblings = std::move(t.siblings);
    }
  }
  if (name.empty() || !node_name_valid(name)) {
    return report(Status::fail(kExitUsage, "'" + printable(name) + "' is not a valid name: give REMOTE a name"));
  }
  if (siblings.empty()) {
    if (Status st = s.list(*parent, siblings); !st.ok()) return report(st);
  }
  const std::string shown = join(parent->shown, name);
  const OpenedNode* old = find_child(siblings, name);
  if (old && old->kind == NodeKind::folder) return report(already_exists(printable(shown), " as a folder"));
  if (old && !a.force) return report(already_exists(printable(shown), "; pass --force to replace its content"));
  if (old) {
    if (Status st = check_revision_pin(s, parent->owner, *old, shown); !st.ok()) return report(st);
  }

  // A put to a store that resumes uploads takes its randomness from the home's record of it (upload_resume.hpp).
  const std::string& home = s.sharing().account.home;
  std::optional<std::string> resume;
  std::optional<SeededRng> seeded;
  if (s.store().resumes_uploads()) {
    resume = upload_resume_key(s.store().location(), parent->owner, parent->id, name, a.paths[0]);
    if (resume) {
      if (Status st = upload_rng(home, *resume, seeded); !st.ok()) return report(st);
    }
  }
  auto forget = [&] {
    if (resume) forget_upload(home, *resume);
  };
  // A new file claims its name first; a replaced one keeps its id, key and name, with the next revision.
  Rng& rng = seeded ? static_cast<Rng&>(*seeded) : system_rng();
  NodeId id = old ? old->id : NodeId::generate(rng);
  auto key = old ? old->key.copy() : NodeKey::generate(rng);
  if (!key) return report(lib_failure(key.error(), "a new file key"));
  const std::uint64_t revision = old ? old->meta.revision + 1 : 1;
  const std::uint64_t now = now_s();
  NodeMeta meta{name, 0, revision, a.media_type.empty() ? media_type_for(name) : a.media_type,
                old ? old->meta.created : now, now};
  auto h = name_hash(parent->key, name);
  if (!h) return report(lib_failure(h.error(), printable(shown)));
  const std::string claim = claim_path(*parent, h.value());
  if (!old) {
    Status st = claim_name(s.store(), *parent, h.value(), id, shown);
    if (!st.ok() && a.force) st = take_over_claim(s, *parent, h.value(), id, shown);
    if (!st.ok()) {
      forget();
      return report(st);
    }
  } else if (Status st = prune_blobs(s.store(), parent->owner, id, old->meta.revision); !st.ok()) {
    forget();
    return report(st);  // what killed uploads of this file left, among them maybe this very revision
  }
  // On failure: nothing of this command stays in the store (a blob Output never committed is already gone).
  auto undo = [&](Status st) {
    if (old) {
      prune_blobs(s.store(), parent->owner, id, old->meta.revision);
    } else {
      prune_blobs(s.store(), parent->owner, id, 0);
      s.store().remove(claim);
    }
    forget();
    return report(st);
  };
  if (Status st = upload(s.store(), parent->owner, id, key.value(), revision, in, a.threads, rng, resume.value_or(""),
                         meta.size);
      !st.ok()) {
    return undo(st);
  }
  auto record = make_node_record(parent->id, parent->key, NodeKind::file, id, key.value(), meta, rng);
  if (!record) return undo(lib_failure(record.error(), "the record of " + printable(shown)));
  crash_point("put-uploaded");
  if (Status st = s.store().put(record_path(*parent, id), record.value()); !st.ok()) return undo(st);
  raise_revision_pin(s, parent->owner, id, revision);
  forget();
  if (old) {
    if (Status st = prune_blobs(s.store(), parent->owner, id, revision); !st.ok()) return report(st);
  }
  return s.finish();
}

int cmd_drive_get(const DriveArgs& a) {
  if (Status s = need_paths(a, 2, "get REMOTE LOCAL [--range OFFSET:LENGTH]"); !s.ok()) return report(s);
  DrivePath p;
  if (Status s = parse_path(a.paths[0], p); !s.ok()) return report(s);
  std::optional<ByteSpan> range;
  if (!a.range.empty()) {
    range.emplace();
    if (Status s = parse_range(a.range, *range); !s.ok()) return report(s);
  }
  if (Status s = Output::check(a.paths[1], a.force); !s.ok()) return report(s);
  Session s(a);
  if (Status st = s.open(); !st.ok()) return report(st);
  Target t;
  if (Status st = locate(s, p, false, t); !st.ok()) return report(st);
  const std::string shown = join(t.parent->shown, p.names.back());
  if (!t.node) return report(no_such(shown));
  if (t.node->kind != NodeKind::file) return report(Status::fail(kExitUsage, printable(shown) + " is a folder"));
  const OpenedNode& n = *t.node;
  if (Status st = check_revision_pin(s, t.parent->owner, n, shown); !st.ok()) return report(st);

  std::unique_ptr<BlobReader> blob;
  if (Status st = s.store().open_blob(Store::drive_blob(t.parent->owner, n.id, n.meta.revision), blob); !st.ok()) {
    return report(st);
  }
  if (!blob) return report(lib_failure(Error::not_found, "the content of " + printable(shown) + " in the store"));
  auto key = drive_file_key(n.key);
  if (!key) return report(lib_failure(key.error(), "the file key"));
  const Context ctx = drive_file_context(n.id, n.meta.revision);

  Status st;
  Output out;
  if (range) {
    FileHead head;
    if (st = read_blob_header(*blob, head, shown); !st.ok()) return report(st);
    // Opened before the output exists: a wrong key or context (another file's blob, an old revision) fails here.
    auto rr = open_blob_range_reader(*blob, {head.bytes.data(), head.size}, key.value(), ctx);
    if (!rr) return report(lib_failure(rr.error(), "the content of " + printable(shown)));
    if (st = out.open(a.paths[1], a.force); !st.ok()) return report(st);
    st = download_range(*blob, out, rr.value(), *range, shown);
    if (!st.ok() && !out.writes_in_place()) st.message += "; nothing was written to " + out.name();
  } else {
    Input in;
    if (st = blob->open_input(in); !st.ok()) return report(st);
    FileHead head;
    if (st = read_header(in, head, shown); !st.ok()) return report(st);
    auto dec = FileDecryptor::create(key.value(), ctx, a.threads);
    if (!dec) return report(lib_failure(dec.error(), "the content of " + printable(shown)));
    if (st = authenticate_head(dec.value(), head, Hints::none); !st.ok()) {
      st.message = "the content of " + printable(shown) + ": " + st.message;
      return report(st);
    }
    if (st = out.open(a.paths[1], a.force); !st.ok()) return report(st);
    st = decrypt_stream(dec.value(), head, in, out, Hints::none);
  }
  if (st.ok()) st = out.commit();
  if (!st.ok()) {
    out.discard();
    return report(st);
  }
  return s.finish();
}

// What ls shows of `nodes` (at `shown`), and the session's end. Text goes out first; JSON only once the session
// ended well (a failure prints nothing on stdout).
int print_listing(Session& s, const std::string& shown, std::span<const OpenedNode> nodes, const DriveArgs& a) {
  if (!a.account.json) {
    for (const auto& n : nodes) print_node(n, a.long_format);
    return s.finish();
  }
  nlohmann::ordered_json entries = nlohmann::ordered_json::array();
  for (const auto& n : nodes) entries.push_back(node_json(n));
  const int rc = s.finish();
  if (rc == kExitOk) print_json({{"path", shown}, {"entries", std::move(entries)}});
  return rc;
}

int cmd_drive_ls(const DriveArgs& a) {
  if (a.shared && !a.paths.empty()) return report(Status::fail(kExitUsage, "ls --shared takes no PATH"));
  if (a.paths.size() > 1) return report(Status::fail(kExitUsage, "usage: coffre drive ls [-l] [PATH]"));
  DrivePath p;
  if (Status s = parse_path(a.paths.empty() ? "/" : a.paths[0], p); !s.ok()) return report(s);
  Session s(a);
  if (Status st = s.open(); !st.ok()) return report(st);
  if (a.shared) return list_shared(s, a.account.json);
  std::optional<Folder> folder;
  if (p.names.empty()) {
    if (Status st = start_of(s, p, folder); !st.ok()) return report(st);
  } else {
    Target t;
    if (Status st = locate(s, p, false, t); !st.ok()) return report(st);
    if (!t.node) return report(no_such(join(t.parent->shown, p.names.back())));
    if (t.node->kind == NodeKind::file) {
      if (Status st = check_revision_pins(s, *t.parent, {t.node, 1}); !st.ok()) return report(st);
      return print_listing(s, join(t.parent->shown, p.names.back()), {t.node, 1}, a);
    }
    if (Status st = folder_of(*t.node, *t.parent, folder); !st.ok()) return report(st);
  }
  std::vector<OpenedNode> children;
  if (Status st = s.list(*folder, children); !st.ok()) return report(st);
  if (Status st = check_revision_pins(s, *folder, children); !st.ok()) return report(st);
  std::sort(children.begin(), children.end(),
            [](const OpenedNode& x, const OpenedNode& y) { return x.meta.name < y.meta.name; });
  return print_listing(s, folder->shown, children, a);
}

int cmd_drive_mv(const DriveArgs& a) {
  if (Status s = need_paths(a, 2, "mv SRC DST"); !s.ok()) return report(s);
  DrivePath src, dst;
  if (Status s = parse_path(a.paths[0], src); !s.ok()) return report(s);
  if (Status s = parse_path(a.paths[1], dst); !s.ok()) return report(s);
  if (src.shared != dst.shared) {
    return report(Status::fail(kExitUsage, "mv moves within one drive (your own, or one shared folder)"));
  }
  Session s(a);
  if (Status st = s.open(); !st.ok()) return report(st);
  Target from;
  if (Status st = locate(s, src, false, from); !st.ok()) return report(st);
  if (!from.node) return report(no_such(join(from.parent->shown, src.names.back())));
  const OpenedNode& node = *from.node;

  // DST is the new path, or an existing folder to move SRC into under its name.
  std::optional<Folder> to;
  std::string name;
  std::vector<OpenedNode> siblings;
  std::vector<NodeId> chain;
  if (dst.names.empty()) {
    if (Status st = start_of(s, dst, to); !st.ok()) return report(st);
    chain.push_back(to->id);
    name = node.meta.name;
  } else {
    Target t;
    if (Status st = locate(s, dst, false, t); !st.ok()) return report(st);
    chain = t.chain;
    if (t.node && t.node->kind == NodeKind::folder) {
      if (Status st = folder_of(*t.node, *t.parent, to); !st.ok()) return report(st);
      chain.push_back(to->id);
      name = node.meta.name;
    } else if (t.node) {
      return report(already_exists(printable(join(t.parent->shown, t.node->meta.name))));
    } else {
      to = std::move(t.parent);
      name = dst.names.back();
      siblings = std::move(t.siblings);
    }
  }
  if (std::find(chain.begin(), chain.end(), node.id) != chain.end()) {
    return report(Status::fail(kExitUsage, "cannot move " + printable(a.paths[0]) + " into itself"));
  }
  if (to->id == from.parent->id && name == node.meta.name) return s.finish();
  if (siblings.empty()) {
    if (Status st = s.list(*to, siblings); !st.ok()) return report(st);
  }
  const std::string shown = join(to->shown, name);
  if (find_child(siblings, name)) return report(already_exists(printable(shown)));

  // Someone who reads the old place but not the new one (a member of a shared folder it leaves) must not read what
  // is written there later: new keys for the node and its subtree. Within one sharing scope, a new record suffices.
  std::set<UserId> before, after;
  if (Status st = readers_of(s, from.parent->owner, from.chain, before); !st.ok()) return report(st);
  if (Status st = readers_of(s, to->owner, chain, after); !st.ok()) return report(st);
  const bool leaves_readers = std::any_of(before.begin(), before.end(), [&](const UserId& u) { return !after.count(u); });
  if (leaves_readers) {
    if (from.parent->owner != s.me()) {
      return report(Status::fail(kExitUsage, "moving " + printable(a.paths[0]) + " there would take it away from "
                                             "members of a shared folder, which needs new keys for it: only the "
                                             "drive's owner can do that"));
    }
    if (Status st = rekey_move(s, *from.parent, node, *to, name); !st.ok()) return report(st);
    return s.finish();
  }

  auto record = move_node_record(node, to->id, to->key, name);
  if (!record) return report(lib_failure(record.error(), "the record of " + printable(shown)));
  auto h = name_hash(to->key, name);
  if (!h) return report(lib_failure(h.error(), printable(shown)));
  const Store& st = s.store();
  if (Status r = claim_name(st, *to, h.value(), node.id, shown); !r.ok()) return report(r);
  if (Status r = st.put(record_path(*to, node.id), record.value()); !r.ok()) return report(r);
  if (!(to->id == from.parent->id)) {
    if (Status r = st.remove(record_path(*from.parent, node.id)); !r.ok()) return report(r);
  }
  if (Status r = st.remove(claim_path(*from.parent, node.name_hash)); !r.ok()) return report(r);
  return s.finish();
}

int cmd_drive_rm(const DriveArgs& a) {
  if (a.paths.empty()) return report(Status::fail(kExitUsage, "usage: coffre drive rm [-r] PATH..."));
  std::vector<DrivePath> paths;
  if (Status s = parse_paths(a.paths, paths); !s.ok()) return report(s);
  Session s(a);
  if (Status st = s.open(); !st.ok()) return report(st);
  for (const DrivePath& p : paths) {
    Target t;
    if (Status st = locate(s, p, false, t); !st.ok()) return report(st);
    const std::string shown = join(t.parent->shown, p.names.back());
    if (!t.node) return report(no_such(shown));
    if (t.node->kind == NodeKind::folder && !a.recursive) {
      std::optional<Folder> f;
      std::vector<OpenedNode> children;
      if (Status st = folder_of(*t.node, *t.parent, f); !st.ok()) return report(st);
      if (Status st = s.list(*f, children); !st.ok()) return report(st);
      if (!children.empty()) {
        return report(Status::fail(kExitUsage, printable(shown) + " is not empty; pass -r to remove it with "
                                                                  "everything in it"));
      }
    }
    if (Status st = remove_node(s, *t.parent, *t.node); !st.ok()) return report(st);
  }
  return s.finish();
}

}  // namespace coffre::cli

namespace coffre::cli {

int cmd_drive_share(const DriveArgs& a) {
  if (Status s = need_paths(a, 2, "share PATH USER"); !s.ok()) return report(s);
  DrivePath p;
  if (Status s = parse_path(a.paths[0], p); !s.ok()) return report(s);
  if (!p.shared.empty()) {
    return report(Status::fail(kExitUsage, "only folders of your own drive can be shared (its owner shares a folder "
                                           "shared with you)"));
  }
  Session s(a);
  if (Status st = s.open(); !st.ok()) return report(st);
  UserId user;
  if (Status st = resolve_user(s.sharing(), a.paths[1], user); !st.ok()) return report(st);
  if (user == s.me()) return report(Status::fail(kExitUsage, "this drive is already this account's"));
  Target t;
  if (Status st = locate(s, p, false, t); !st.ok()) return report(st);
  const std::string shown = join(t.parent->shown, p.names.back());
  if (!t.node) return report(no_such(shown));
  if (t.node->kind != NodeKind::folder) {
    return report(Status::fail(kExitUsage, printable(shown) + " is a file: share the folder that holds it (a file's "
                                                              "name and revision are sealed under its folder's key)"));
  }
  const DocumentRef doc = node_document(s.me(), t.node->id);
  auto ck = t.node->key.to_content_key();
  if (!ck) return report(lib_failure(ck.error(), "the folder key"));

  // The folder's access list: the next revision with USER added, or the first one (the owner and USER). The folder
  // key is the content key of the list's version (above 1 once a member was removed, SPEC 15.3).
  SharingSession& sh = s.sharing();
  std::optional<Bytes> current;
  if (Status st = s.store().get(Store::current_access_list(doc), current); !st.ok()) return report(st);
  Result<AccessList> access = Error::invalid_argument;
  if (current) {
    auto opened = open_access_list(*current, sh.self().identity, doc, sh.pins.get(doc));
    if (!opened) return report(lib_failure(opened.error(), "the access list of " + printable(shown)));
    const UserId added[] = {user};
    access = opened.value().is_member(user) ? std::move(opened) : add_members(sh.secrets(), opened.value(), added);
  } else {
    access = make_access_list(sh.secrets(), doc, 1, 1, {s.me(), user});
  }
  if (!access) return report(lib_failure(access.error(), "the access list of " + printable(shown)));
  auto key = VersionedContentKey::from_bytes(access.value().key_version(), ck.value().secret().reveal());
  if (!key) return report(lib_failure(key.error(), "the folder key"));
  // Wrapped to USER only (trust-checked), never to this account: see Session::open_wrapped.
  const UserId to[] = {user};
  if (Status st = share_content_key(sh, access.value(), key.value(), to); !st.ok()) return report(st);
  if (Status st = s.store().put(Store::drive_share(user, s.me(), t.node->id), {}); !st.ok()) return report(st);
  std::printf("Shared %s with %s: it is @%s in their 'coffre drive ls --shared'\n", printable(shown).c_str(),
              to_hex(user.bytes).c_str(), to_hex(t.node->id.bytes).c_str());
  return s.finish();
}

int cmd_drive_unshare(const DriveArgs& a) {
  if (Status s = need_paths(a, 2, "unshare PATH USER"); !s.ok()) return report(s);
  DrivePath p;
  if (Status s = parse_path(a.paths[0], p); !s.ok()) return report(s);
  if (!p.shared.empty()) {
    return report(Status::fail(kExitUsage, "only the owner of a folder removes its members: give a path of your own "
                                           "drive"));
  }
  Session s(a);
  if (Status st = s.open(); !st.ok()) return report(st);
  UserId user;
  if (Status st = resolve_user(s.sharing(), a.paths[1], user); !st.ok()) return report(st);
  if (user == s.me()) return report(Status::fail(kExitUsage, "the owner cannot be removed from its own drive"));
  Target t;
  if (Status st = locate(s, p, false, t); !st.ok()) return report(st);
  const std::string shown = join(t.parent->shown, p.names.back());
  if (!t.node) return report(no_such(shown));
  std::set<UserId> members;
  if (t.node->kind == NodeKind::folder) {
    if (Status st = readers_of(s, s.me(), {t.node->id}, members); !st.ok()) return report(st);
  }
  if (!members.count(user)) {
    return report(Status::fail(kExitUsage, printable(shown) + " is not shared with " + to_hex(user.bytes) +
                                               " (not_a_member)"));
  }
  std::set<UserId> above;
  if (Status st = readers_of(s, s.me(), t.chain, above); !st.ok()) return report(st);
  if (Status st = rekey_unshare(s, *t.parent, *t.node, user); !st.ok()) return report(st);
  if (above.count(user)) {
    std::fprintf(stderr, "coffre: note: %s still reads %s through a shared folder above it\n",
                 to_hex(user.bytes).c_str(), printable(shown).c_str());
  }
  return s.finish();
}

}  // namespace coffre::cli
