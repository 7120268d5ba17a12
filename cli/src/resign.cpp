// Re-signing after an identity change (resign.hpp).
#include "resign.hpp"

#include "contacts.hpp"
#include "crash_point.hpp"
#include "device_state.hpp"
#include "drive_tree.hpp"

#include <sodium.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <functional>
#include <map>
#include <sstream>

namespace coffre::cli {

namespace {

using Bytes = std::vector<std::uint8_t>;
using Digest = std::array<std::uint8_t, 32>;

// The header of a wrap (SPEC 16.2): the recipient's user id and the sender's identity generation.
constexpr std::size_t kWrapSenderGenerationAt = 58;
constexpr std::size_t kWrapRecipientAt = 62;

Digest sha256(std::span<const std::uint8_t> bytes) {
  Digest d{};
  crypto_hash_sha256(d.data(), bytes.data(), bytes.size());
  return d;
}

std::uint32_t be32(const std::uint8_t* p) {
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) | p[3];
}

std::string doc_dir(const DocumentRef& doc) {
  return "docs/" + to_hex(doc.owner.bytes) + "/" + to_hex(doc.id.bytes) + "/" +
         std::to_string(static_cast<unsigned>(doc.purpose));
}

std::string describe_item(const ResignItem& it) { return it.path(); }

void warn_skip(const std::string& what, const std::string& why) {
  std::fprintf(stderr, "coffre: warning: not signed again with the new identity key: %s: %s\n", what.c_str(),
               why.c_str());
}

// The content key of a document through a way the caller chose (this account's own wrap, opened before or after
// the revocation), nullopt if it does not open.
using KeyOpener = std::function<std::optional<VersionedContentKey>(const DocumentRef& doc)>;

// The key of a shared Drive folder `folder` (purpose 3) as the content key of version `v`, for steps 1 and 2. The
// owner holds no self-wrap of it (SPEC 15.3): it is the key of the folder with that node id in this account's drive,
// walked from its root, whose key `root_key` opens. It is the content key of `v` only if `v` is the key version of
// the folder's `current` list and no later version is staged (a re-keying in progress, which may already have
// switched the folder's record): an older version was re-keyed and has no content left. nullopt and `why` otherwise.
std::optional<VersionedContentKey> walked_folder_key(const Store& store, const UserId& me, const DocumentRef& folder,
                                                     std::uint32_t v, const std::optional<AccessList>& current,
                                                     const KeyOpener& root_key, std::string& why) {
  if (!current) {
    why = "the shared Drive folder's current access list does not open";
    return std::nullopt;
  }
  if (current->key_version() != v) {
    why = "an older key version of a shared Drive folder (re-keyed: no content is left under it)";
    return std::nullopt;
  }
  std::vector<std::uint64_t> versions;
  if (Status s = store.numbers(doc_dir(folder) + "/access", ".access", versions); !s.ok()) {
    why = s.message;
    return std::nullopt;
  }
  if (!versions.empty() && versions.back() > v) {
    why = "a re-keying of the shared Drive folder is in progress: run a drive command, then share it again";
    return std::nullopt;
  }
  std::optional<NodeId> root_id;
  const NodeId node{folder.id.bytes};
  if (Status s = drive_root_id(store, me, root_id); !s.ok() || !root_id || *root_id == node) {
    why = "this account's drive root is missing or is that folder";
    return std::nullopt;
  }
  auto rk = root_key(node_document(me, *root_id));
  std::optional<NodeKey> nk;
  if (rk) {
    if (auto k = NodeKey::from_content_key(rk->key)) nk.emplace(std::move(k).take());
  }
  std::optional<Folder> root, found;
  if (!nk || !make_folder_handle(me, *root_id, std::move(*nk), "/", root).ok()) {
    why = "this account's drive root does not open";
    return std::nullopt;
  }
  if (Status s = find_folder(store, std::move(*root), node, 0, found); !s.ok() || !found) {
    why = s.ok() ? "no folder of this account's drive has that id" : "walking the drive: " + s.message;
    return std::nullopt;
  }
  auto ck = found->key.to_content_key();
  if (!ck) {
    why = std::string(error_code(ck.error()));
    return std::nullopt;
  }
  auto key = VersionedContentKey::from_bytes(v, ck.value().secret().reveal());
  if (!key) {
    why = std::string(error_code(key.error()));
    return std::nullopt;
  }
  return std::move(key).take();
}

// ---------------------------------------------------------------------------------------------------------------
// Step 1: what to sign again.

struct Planner {
  const Store& store;
  const UserId& me;
  const AccountSecrets& secrets;
  TrustedIdentity identity;
  ResignJournal& out;
  std::optional<AccessList> current{};  // of the document being planned

  // A list of `doc` at `path`, opened with the current identity; nullopt (reported) if it does not verify.
  std::optional<AccessList> open_list(const DocumentRef& doc, const std::string& path, Bytes& bytes) {
    std::optional<Bytes> got;
    if (Status s = store.get(path, got); !s.ok() || !got) {
      warn_skip(path, got ? "unreadable" : "gone");
      return std::nullopt;
    }
    auto list = open_access_list(*got, identity, doc, std::nullopt);
    if (!list) {
      warn_skip(path, std::string(error_code(list.error())));
      return std::nullopt;
    }
    bytes = std::move(*got);
    return std::move(list).take();
  }

  // The key of `root` (this account's drive root) through its current list and this account's own wrap.
  std::optional<VersionedContentKey> root_key(const DocumentRef& root) {
    std::optional<Bytes> bytes, mine;
    if (!store.get(Store::current_access_list(root), bytes).ok() || !bytes) return std::nullopt;
    auto list = open_access_list(*bytes, identity, root, std::nullopt);
    if (!list || !store.get(Store::content_wrap(root, list.value().key_version(), me), mine).ok() || !mine) {
      return std::nullopt;
    }
    auto key = open_content_wrap(*mine, me, secrets, list.value(), identity);
    if (!key) return std::nullopt;
    return std::move(key).take();
  }

  // Whether this account holds the key of `list`'s version, which proves it is the one the other wraps carry: its
  // own wrap `mine` opens, or (a shared Drive folder, of which the owner has no self-wrap) the folder's key found by
  // walking the drive is that version's.
  bool holds_key(const DocumentRef& doc, const AccessList& list, const std::optional<Bytes>& mine, std::string& why) {
    if (!mine && doc.purpose == Purpose::drive_node) {
      KeyOpener root = [this](const DocumentRef& r) { return root_key(r); };
      return walked_folder_key(store, me, doc, list.key_version(), current, root, why).has_value();
    }
    why = "this account's own wrap of that version is missing or does not open";
    return mine && open_content_wrap(*mine, me, secrets, list, identity);
  }

  Status wraps_of(const DocumentRef& doc, const AccessList& list) {
    const std::uint32_t v = list.key_version();
    const std::string dir = doc_dir(doc) + "/wraps/" + std::to_string(v);
    std::optional<Bytes> mine;
    if (Status s = store.get(Store::content_wrap(doc, v, me), mine); !s.ok()) return s;
    if (std::string why; !holds_key(doc, list, mine, why)) {
      warn_skip(dir, why);
      return Status::success();
    }
    std::vector<std::string> names;
    if (Status s = store.list(dir, names); !s.ok()) return s;
    for (const auto& name : names) {
      UserId r;
      if (name.size() != 32 + 5 || name.substr(32) != ".wrap" || !from_hex(name.substr(0, 32), r.bytes)) continue;
      std::optional<Bytes> w;
      if (Status s = store.get(dir + "/" + name, w); !s.ok()) return s;
      if (!w) continue;
      auto sender = wrap_sender(*w);
      if (!sender || !(sender.value() == me)) continue;  // not ours to sign
      if (!std::equal(r.bytes.begin(), r.bytes.end(), w->begin() + kWrapRecipientAt) || !list.is_member(r) ||
          be32(w->data() + kWrapSenderGenerationAt) != identity.generation) {
        warn_skip(dir + "/" + name, "not a wrap of this version to a member, signed by the current identity");
        continue;
      }
      out.items.push_back({ResignItem::Kind::wrap, doc, v, r, sha256(*w)});
    }
    return Status::success();
  }

  Status document(const DocumentRef& doc) {
    Bytes current_bytes;
    current = open_list(doc, Store::current_access_list(doc), current_bytes);
    std::vector<std::uint64_t> versions;
    if (Status s = store.numbers(doc_dir(doc) + "/access", ".access", versions); !s.ok()) return s;
    std::vector<ResignItem> lists;
    for (auto v64 : versions) {
      if (v64 == 0 || v64 > 0xffffffffu) continue;
      const auto v = static_cast<std::uint32_t>(v64);
      Bytes bytes;
      auto list = open_list(doc, Store::access_list(doc, v), bytes);
      if (!list) continue;
      if (list->key_version() != v) {
        warn_skip(Store::access_list(doc, v), "holds the list of another version");
        continue;
      }
      if (Status s = wraps_of(doc, *list); !s.ok()) return s;
      lists.push_back({ResignItem::Kind::list, doc, v, {}, sha256(bytes)});
    }
    if (current) lists.push_back({ResignItem::Kind::current, doc, 0, {}, sha256(current_bytes)});
    out.items.insert(out.items.end(), lists.begin(), lists.end());
    return Status::success();
  }

  Status run() {
    const std::string root = "docs/" + to_hex(me.bytes);
    std::vector<std::string> docs;
    if (Status s = store.list(root, docs); !s.ok()) return s;
    for (const auto& name : docs) {
      DocumentId id;
      if (!from_hex(name, id.bytes)) continue;
      std::vector<std::uint64_t> purposes;
      if (Status s = store.numbers(root + "/" + name, "", purposes); !s.ok()) return s;
      for (auto p : purposes) {
        if (p < 1 || p > 3) continue;
        if (Status s = document(DocumentRef{me, id, static_cast<Purpose>(p)}); !s.ok()) return s;
      }
    }
    return Status::success();
  }
};

// ---------------------------------------------------------------------------------------------------------------
// Step 2: signing again.

struct Resigner {
  const Store& store;
  const UserId& me;
  const AccountSecrets& now;
  const TrustStore& trust;
  const ResignJournal& j;
  TrustedIdentity identity = TrustedIdentity::of(me, now);
  std::size_t done = 0, skipped = 0;
  struct Walked {
    std::optional<VersionedContentKey> key;
    std::string why;
  };
  std::map<std::pair<DocumentId, std::uint32_t>, Walked> walked{};  // shared Drive folders' keys, by version

  const ResignItem* find(ResignItem::Kind kind, const DocumentRef& doc, std::uint32_t v, const UserId* r) const {
    for (const auto& it : j.items) {
      if (it.kind == kind && it.doc == doc && it.key_version == v && (!r || it.recipient == *r)) return &it;
    }
    return nullptr;
  }

  // An object as recorded: the old identity signed it and this device verified it before the revocation. Otherwise
  // something already signed again by the new identity (a resumed journal), or an object that changed since.
  static bool as_recorded(const ResignItem* it, const Bytes& bytes) {
    if (!it) return false;
    const Digest d = sha256(bytes);
    return sodium_memcmp(d.data(), it->sha256.data(), d.size()) == 0;
  }

  // The list of `v`, as recorded (opened with the old identity) or already signed again.
  std::optional<AccessList> list_of(const DocumentRef& doc, std::uint32_t v) {
    std::optional<Bytes> bytes;
    if (!store.get(Store::access_list(doc, v), bytes).ok() || !bytes) return std::nullopt;
    const bool recorded = as_recorded(find(ResignItem::Kind::list, doc, v, nullptr), *bytes);
    auto list = open_access_list(*bytes, recorded ? j.old_identity : identity, doc, std::nullopt);
    if (!list || list.value().key_version() != v) return std::nullopt;
    return std::move(list).take();
  }

  // The current list, as recorded or already signed again.
  std::optional<AccessList> current_of(const DocumentRef& doc) {
    std::optional<Bytes> bytes;
    if (!store.get(Store::current_access_list(doc), bytes).ok() || !bytes) return std::nullopt;
    const bool recorded = as_recorded(find(ResignItem::Kind::current, doc, 0, nullptr), *bytes);
    auto list = open_access_list(*bytes, recorded ? j.old_identity : identity, doc, std::nullopt);
    if (!list) return std::nullopt;
    return std::move(list).take();
  }

  // The content key of `v` through this account's own wrap, as recorded or already wrapped again. A shared Drive
  // folder's versions whose wraps were recorded without an own wrap (SPEC 15.3: the owner has none) get the folder's
  // key found by walking the drive, from the root's key opened here the same way (walked once per version).
  std::optional<VersionedContentKey> key_of(const DocumentRef& doc, const AccessList& list, std::string& why) {
    std::optional<Bytes> bytes;
    const std::uint32_t v = list.key_version();
    const ResignItem* own = find(ResignItem::Kind::wrap, doc, v, &me);
    if (!own && doc.purpose == Purpose::drive_node) return walked_key(doc, v, why);
    if (!store.get(Store::content_wrap(doc, v, me), bytes).ok() || !bytes) return std::nullopt;
    auto key = open_content_wrap(*bytes, me, now, list, as_recorded(own, *bytes) ? j.old_identity : identity);
    if (!key) return std::nullopt;
    return std::move(key).take();
  }

  std::optional<VersionedContentKey> walked_key(const DocumentRef& doc, std::uint32_t v, std::string& why) {
    auto [at, fresh] = walked.try_emplace({doc.id, v});
    Walked& w = at->second;
    if (fresh) {
      KeyOpener root = [this](const DocumentRef& r) -> std::optional<VersionedContentKey> {
        auto l = current_of(r);
        std::string ignored;
        return l ? key_of(r, *l, ignored) : std::nullopt;
      };
      w.key = walked_folder_key(store, me, doc, v, current_of(doc), root, w.why);
    }
    if (!w.key) {
      why = w.why;
      return std::nullopt;
    }
    auto copy = VersionedContentKey::from_bytes(v, w.key->key.secret().reveal());
    if (!copy) return std::nullopt;
    return std::move(copy).take();
  }

  void skip(const ResignItem& it, const std::string& why) {
    warn_skip(describe_item(it), why);
    ++skipped;
  }

  // Whether `bytes` at the item's place is already the new identity's (a resumed journal): reported as nothing.
  bool already_new(const ResignItem& it, const Bytes& bytes) {
    if (it.kind == ResignItem::Kind::wrap) {
      return bytes.size() == kContentWrapSize && be32(bytes.data() + kWrapSenderGenerationAt) == identity.generation;
    }
    return static_cast<bool>(open_access_list(bytes, identity, it.doc, std::nullopt));
  }

  // The item's bytes in the store if they are still the ones verified before the revocation; otherwise none, and
  // the item is reported (gone, changed) or, already re-signed by an earlier run, passed over.
  Status recorded_bytes(const ResignItem& it, std::optional<Bytes>& bytes) {
    if (Status s = store.get(it.path(), bytes); !s.ok()) return s;
    if (!bytes) {
      skip(it, "gone from the store");
    } else if (!as_recorded(&it, *bytes)) {
      if (!already_new(it, *bytes)) skip(it, "changed since it was verified (before the revocation)");
      bytes.reset();
    }
    return Status::success();
  }

  Status wrap_again(const ResignItem& it) {
    std::optional<Bytes> bytes;
    if (Status s = recorded_bytes(it, bytes); !s.ok() || !bytes) return s;
    auto list = list_of(it.doc, it.key_version);
    std::string why = "its version's access list or this account's own wrap no longer opens";
    std::optional<VersionedContentKey> key;
    if (list) key = key_of(it.doc, *list, why);
    if (!key) return skip(it, why), Status::success();
    std::optional<WrapRecipient> to;
    if (it.recipient == me) {
      auto r = WrapRecipient::of(me, now);
      if (r) to = r.value();
    } else if (const ContactTrust* c = trust.find(it.recipient)) {
      to = c->pinned.recipient();
    }
    if (!to) return skip(it, "the recipient is not in trust.state: share with them again"), Status::success();
    auto w = wrap_content_key(me, now, *to, *list, *key, system_rng());
    if (!w) return skip(it, std::string(error_code(w.error()))), Status::success();
    if (Status s = store.put(it.path(), w.value()); !s.ok()) return s;
    ++done;
    crash_point("resign: a wrap replaced");
    return Status::success();
  }

  Status sign_again(const ResignItem& it) {
    std::optional<Bytes> bytes;
    if (Status s = recorded_bytes(it, bytes); !s.ok() || !bytes) return s;
    auto old = open_access_list(*bytes, j.old_identity, it.doc, std::nullopt);
    if (!old) return skip(it, std::string(error_code(old.error()))), Status::success();
    const AccessList& l = old.value();
    auto fresh = make_access_list(now, it.doc, l.key_version(), l.revision(), l.members());
    if (!fresh) return skip(it, std::string(error_code(fresh.error()))), Status::success();
    if (Status s = store.put(it.path(), fresh.value().bytes()); !s.ok()) return s;
    ++done;
    crash_point("resign: an access list replaced");
    return Status::success();
  }

  Status run() {
    // The journal lists each document's wraps before its lists (SPEC 15: a reader never finds a list whose wraps
    // do not open under it).
    for (const auto& it : j.items) {
      Status s = it.kind == ResignItem::Kind::wrap ? wrap_again(it) : sign_again(it);
      if (!s.ok()) return s;
    }
    return Status::success();
  }
};

std::string journal_path(const std::string& home) { return home + "/" + kResignFileName; }

}  // namespace

std::string ResignItem::path() const {
  switch (kind) {
    case Kind::wrap: return Store::content_wrap(doc, key_version, recipient);
    case Kind::list: return Store::access_list(doc, key_version);
    case Kind::current: return Store::current_access_list(doc);
  }
  return {};
}

// coffre-resign-v1
// user <hex> <generation> <identity public key hex>
// wrap <sha256> <doc> <purpose> <version> <recipient> | list <sha256> <doc> <purpose> <version> |
// current <sha256> <doc> <purpose>
std::string ResignJournal::encode() const {
  std::ostringstream t;
  t << kResignMagic << "\nuser " << to_hex(old_identity.user.bytes) << ' ' << old_identity.generation << ' '
    << to_hex(old_identity.identity_pk.bytes()) << '\n';
  static const char* kinds[] = {"wrap", "list", "current"};
  for (const auto& it : items) {
    t << kinds[static_cast<int>(it.kind)] << ' ' << to_hex(it.sha256) << ' ' << to_hex(it.doc.id.bytes) << ' '
      << static_cast<unsigned>(it.doc.purpose);
    if (it.kind != ResignItem::Kind::current) t << ' ' << it.key_version;
    if (it.kind == ResignItem::Kind::wrap) t << ' ' << to_hex(it.recipient.bytes);
    t << '\n';
  }
  return t.str();
}

Status ResignJournal::parse(std::string_view text, const std::string& name, ResignJournal& out) {
  auto bad = [&](const std::string& why) {
    return Status::fail(kExitUsage, name + " is malformed (" + why + "); it was left as it is");
  };
  std::istringstream in{std::string(text)};
  std::string line;
  if (!std::getline(in, line) || line != kResignMagic) return bad("first line");
  std::string word, user, gen, pk;
  if (!std::getline(in, line)) return bad("no user line");
  {
    std::istringstream l(line);
    std::string extra;
    if (!(l >> word >> user >> gen >> pk) || (l >> extra) || word != "user") return bad("user line");
    std::array<std::uint8_t, 32> pkb{};
    if (!from_hex(user, out.old_identity.user.bytes) || !parse_decimal(gen, out.old_identity.generation) ||
        !from_hex(pk, pkb)) {
      return bad("user line");
    }
    auto vk = VerifyKey::from_bytes(pkb);
    if (!vk) return bad("identity key");
    out.old_identity.identity_pk = vk.value();
  }
  while (std::getline(in, line)) {
    std::istringstream l(line);
    std::string kind, sha, doc, purpose, version, recipient, extra;
    l >> kind >> sha >> doc >> purpose;
    ResignItem it;
    if (kind == "wrap") {
      it.kind = ResignItem::Kind::wrap;
      l >> version >> recipient;
      if (!from_hex(recipient, it.recipient.bytes)) return bad("recipient");
    } else if (kind == "list") {
      it.kind = ResignItem::Kind::list;
      l >> version;
    } else if (kind == "current") {
      it.kind = ResignItem::Kind::current;
    } else {
      return bad("unknown line");
    }
    if (l >> extra) return bad("extra words");
    std::uint32_t p = 0;
    if (!from_hex(sha, it.sha256) || !from_hex(doc, it.doc.id.bytes) || !parse_decimal(purpose, p) || p < 1 ||
        p > 3) {
      return bad("item");
    }
    if (it.kind != ResignItem::Kind::current && (!parse_decimal(version, it.key_version) || it.key_version == 0)) {
      return bad("version");
    }
    it.doc.owner = out.old_identity.user;
    it.doc.purpose = static_cast<Purpose>(p);
    out.items.push_back(it);
  }
  return Status::success();
}

Status plan_resign(const Store& store, const UserId& me, const AccountSecrets& current, ResignJournal& out) {
  out = ResignJournal{TrustedIdentity::of(me, current), {}};
  Planner p{store, me, current, out.old_identity, out};
  return p.run();
}

Status save_resign_journal(const std::string& home, const ResignJournal& j) {
  const std::string text = j.encode();
  return write_local(journal_path(home), {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()});
}

Status remove_resign_journal(const std::string& home) {
  if (std::remove(journal_path(home).c_str()) != 0 && errno != ENOENT) {
    return io_failure("cannot remove " + journal_path(home), errno);
  }
  return Status::success();
}

Status finish_resign(const Store& store, const std::string& home, const UserId& me, const AccountSecrets& now,
                     bool* finished) {
  std::optional<Bytes> text;
  if (Status s = read_local(journal_path(home), text); !s.ok()) return s;
  if (!text) return Status::success();
  ResignJournal j;
  if (Status s = ResignJournal::parse({reinterpret_cast<const char*>(text->data()), text->size()},
                                      journal_path(home), j);
      !s.ok()) {
    return s;
  }
  if (!(j.old_identity.user == me)) {
    return Status::fail(kExitUsage, journal_path(home) + " is of another account; it was left as it is");
  }
  if (now.identity_generation() <= j.old_identity.generation) {
    // The revocation that wrote it never appended its entry: the old identity is still the account's.
    std::fprintf(stderr, "coffre: an interrupted 'coffre device revoke' changed nothing: its re-signing journal is "
                 "dropped\n");
    return remove_resign_journal(home);
  }
  TrustStore trust;
  if (Status s = load_trust(home, trust); !s.ok()) return s;
  Resigner r{store, me, now, trust, j};
  if (Status s = r.run(); !s.ok()) {
    return lib_failure(Error::operation_incomplete,
                       "signing the account's access lists and wraps again with identity generation " +
                           std::to_string(now.identity_generation()) + " stopped (" + s.message +
                           "); the next command finishes it, and until then this account's shared documents fail "
                           "with trust_mismatch");
  }
  if (Status s = remove_resign_journal(home); !s.ok()) return s;
  if (finished) *finished = true;
  std::fprintf(stderr, "coffre: signed %zu access list(s) and wrap(s) again with identity generation %u%s\n", r.done,
               now.identity_generation(), r.skipped ? " (some were skipped: see the warnings above)" : "");
  return Status::success();
}

}  // namespace coffre::cli
