// Shared files (docs/SPEC.md section 15): encrypt -r, decrypt of a shared file, share, unshare.
//
// A shared file is a document of purpose `file` owned by the account that encrypted it: its content key is wrapped
// to every member (the owner included) in the store, under access lists the owner signs (contacts.hpp). The file
// names its document in a 37-byte prefix; the envelope after it is bound to that document and key version by its
// context, so a prefix naming another document fails to decrypt.
//
// Order of effects, so that a failure changes nothing that matters: the output (or FILE's replacement) is written to
// a temporary file first; then the store gets the wraps and the access list of that version; then the output is
// renamed into place; then `current` moves to that list; then the home (trust.state, pins.state) is saved.
//
// So an unshare never leaves FILE readable by the member it removes once `current` no longer lists them: FILE is
// under the new key before `current` moves. Killed in between, it leaves the next version's list in the store but not
// current ("unfinished"), FILE under the old key (before the rename; the member is still a member) or the new one
// (after). The owner's next command on FILE sees it: `unshare FILE [USER]` finishes (re-encrypts FILE under that
// version if it is not yet, then makes the list current; and rotates again if USER is still a member), `share`
// refuses until then, `decrypt` warns. A FILE under an older version than the current one ("behind": an older copy)
// is re-encrypted by `unshare FILE` too.
#include "sharing_cmds.hpp"

#include "contacts.hpp"
#include "crash_point.hpp"

#include <algorithm>
#include <optional>
#include <cstdio>
#include <unistd.h>

namespace coffre::cli {

namespace {

using Bytes = std::vector<std::uint8_t>;

constexpr const char* kUnchanged = "; nothing was changed (home, store and files are as they were)";

int fail(Status s) {
  if (s.message.find("nothing was changed") == std::string::npos) s.message += kUnchanged;
  return report(s);
}

Bytes shared_prefix(const DocumentRef& doc) {
  Bytes p(kSharedMagic.begin(), kSharedMagic.end());
  p.push_back(kSharedVersion);
  p.insert(p.end(), doc.owner.bytes.begin(), doc.owner.bytes.end());
  p.insert(p.end(), doc.id.bytes.begin(), doc.id.bytes.end());
  return p;
}

// The rest of the prefix after the magic: version, owner, document id.
Status read_prefix_rest(Input& in, DocumentRef& doc) {
  std::array<std::uint8_t, kSharedPrefixSize - kSharedMagic.size()> rest{};
  std::size_t got = 0;
  if (Status s = read_full(in.fd(), rest.data(), rest.size(), got, in.name()); !s.ok()) return s;
  if (got != rest.size()) {
    return Status::fail(kExitAuth, in.name() + " ends inside its shared-file prefix (truncated)");
  }
  if (rest[0] != kSharedVersion) {
    return Status::fail(kExitAuth, in.name() + " is a shared file of an unknown version " + std::to_string(rest[0]) +
                                       " (bad_version)");
  }
  std::copy_n(rest.begin() + 1, UserId::kSize, doc.owner.bytes.begin());
  std::copy_n(rest.begin() + 1 + UserId::kSize, DocumentId::kSize, doc.id.bytes.begin());
  doc.purpose = Purpose::file;
  return Status::success();
}

// The prefix and the envelope's header of a shared file.
Status read_shared_file(Input& in, DocumentRef& doc, FileHead& head) {
  std::array<std::uint8_t, kSharedMagic.size()> magic{};
  std::size_t got = 0;
  if (Status s = read_full(in.fd(), magic.data(), magic.size(), got, in.name()); !s.ok()) return s;
  if (got != magic.size() || magic != kSharedMagic) {
    return Status::fail(kExitUsage, in.name() + " is not a shared file (made by 'coffre encrypt -r')");
  }
  if (Status s = read_prefix_rest(in, doc); !s.ok()) return s;
  return read_file_head(in, head);
}

Status check_raw_key(const FileHead& head, const std::string& name) {
  if (head.info.key_source != KeySource::key) {
    return Status::fail(kExitAuth, name + " has a shared-file prefix but a passphrase envelope (wrong_key)");
  }
  return Status::success();
}

// encrypt -r and decrypt of a shared file take no key and no context: the store and the prefix give them.
Status check_no_key_options(const CryptArgs& a, const char* command) {
  if (!a.secret.key_file.empty() || !a.context.id.empty() || a.context.revision != 0 || a.context.key_version != 0) {
    return Status::fail(kExitUsage, std::string(command) + " takes no --key-file, --id, --revision or "
                                                           "--key-version: the store holds the key and the file "
                                                           "names its document");
  }
  return Status::success();
}

// The account options of encrypt/decrypt: --passphrase-file then unlocks this device's keys.
AccountArgs account_of(const CryptArgs& a) {
  AccountArgs acc = a.account;
  acc.passphrase_file = a.secret.passphrase_file;
  return acc;
}

// share and unshare: FILE's prefix and header, the unlocked session, this account as FILE's owner, USER resolved
// (none if not given: unshare FILE only finishes).
Status open_owned(const SharingArgs& a, SharingSession& s, Input& in, DocumentRef& doc, FileHead& head,
                  std::optional<UserId>& user) {
  if (Status st = in.open(a.file); !st.ok()) return st;
  if (Status st = read_shared_file(in, doc, head); !st.ok()) return st;
  if (Status st = check_raw_key(head, in.name()); !st.ok()) return st;
  if (Status st = open_session(a.account, /*unlock=*/true, s); !st.ok()) return st;
  if (!(doc.owner == s.me())) {
    return Status::fail(kExitUsage, a.file + " is owned by " + to_hex(doc.owner.bytes) +
                                        "; only its owner can change who has access");
  }
  if (a.user.empty()) return Status::success();
  return resolve_user(s, a.user, user.emplace());
}

// FILE's envelope is of an older content-key version than the document's current access list.
std::string behind_message(const std::string& file, std::uint32_t file_version, std::uint32_t current_version) {
  return file + " holds content-key version " + std::to_string(file_version) + " but the document is at version " +
         std::to_string(current_version) + ": an interrupted 'coffre unshare', or an older copy. Members removed "
         "since can still read it; 'coffre unshare " + file + "' re-encrypts it under the current version";
}

// FILE's document has the next version's list in the store, not current: an unshare interrupted before its end.
std::string unfinished_message(const std::string& file, std::uint32_t next_version) {
  return "the store holds content-key version " + std::to_string(next_version) + " of " + file + "'s document but "
         "not as current: an interrupted 'coffre unshare'. 'coffre unshare " + file + "' finishes it";
}

// A document as its owner's commands see it (SPEC 15.2): the current list and key, and the next version an
// interrupted unshare left in the store without making it current. The latest version is that one if any: the one
// FILE is to be under.
struct OwnedDocument {
  OpenedContentKey current;
  std::optional<AccessList> next;
  std::optional<VersionedContentKey> next_key;

  const AccessList& latest() const { return next ? *next : *current.current; }
  const VersionedContentKey& latest_key() const { return next ? *next_key : *current.key; }
};

Status open_owned_document(SharingSession& s, const DocumentRef& doc, OwnedDocument& out) {
  if (Status st = open_my_content_key(s, doc, std::nullopt, out.current); !st.ok()) return st;
  if (Status st = open_next_access_list(s, *out.current.current, out.next); !st.ok()) return st;
  if (out.next) return open_my_wrap(s, *out.next, out.next_key);
  return Status::success();
}

// The key of version `v` (FILE's envelope's): the latest, the current, or an older one (`older` holds it then).
Status key_of_version(SharingSession& s, const DocumentRef& doc, const OwnedDocument& d, std::uint32_t v,
                      OpenedContentKey& older, const VersionedContentKey*& out) {
  if (v == d.latest().key_version()) {
    out = &d.latest_key();
  } else if (v == d.current.current->key_version()) {
    out = &*d.current.key;
  } else {
    if (Status st = open_my_content_key(s, doc, v, older); !st.ok()) return st;  // above the latest: a rollback
    out = &*older.key;
  }
  return Status::success();
}

// What the owner is told about FILE (of version `v`) before using it: an unfinished unshare, FILE behind, or nothing.
std::string owner_notice(const std::string& file, std::uint32_t v, const OwnedDocument& d) {
  if (d.next) return unfinished_message(file, d.next->key_version());
  if (v < d.current.current->key_version()) return behind_message(file, v, d.current.current->key_version());
  return "";
}

// Every non-owner member passes trusted_contact before anything is written (share_content_key checks them again).
Status check_members(SharingSession& s, std::span<const UserId> members) {
  for (const auto& u : members) {
    std::optional<TrustedContact> c;
    if (Status st = trusted_contact(s, u, c); !st.ok()) return st;
  }
  return Status::success();
}

}  // namespace

Context shared_file_context(const DocumentRef& doc, std::uint32_t key_version) {
  return Context{"coffre-shared-file-v1/" + to_hex(doc.owner.bytes) + "/" + to_hex(doc.id.bytes), 0, key_version};
}

int cmd_encrypt_shared(const CryptArgs& a) {
  if (Status s = check_no_key_options(a, "encrypt -r"); !s.ok()) return report(s);
  if (Status s = refuse_terminal_output(a); !s.ok()) return report(s);
  if (Status s = Output::check(a.output, a.force); !s.ok()) return report(s);
  Input in;
  if (Status s = in.open(a.input); !s.ok()) return report(s);
  SharingSession s;
  if (Status st = open_session(account_of(a), /*unlock=*/true, s); !st.ok()) return fail(st);
  std::vector<UserId> members{s.me()};
  for (const auto& r : a.recipients) {
    UserId u;
    if (Status st = resolve_user(s, r, u); !st.ok()) return fail(st);
    if (std::find(members.begin(), members.end(), u) == members.end()) members.push_back(u);
  }
  if (Status st = check_members(s, members); !st.ok()) return fail(st);

  Rng& rng = system_rng();
  const DocumentRef doc{s.me(), DocumentId::generate(rng), Purpose::file};
  auto key = VersionedContentKey::generate(1, rng);
  if (!key) return fail(lib_failure(key.error(), "cannot make a content key"));
  auto access = make_access_list(s.secrets(), doc, 1, 1, members);
  if (!access) return fail(lib_failure(access.error(), "cannot sign the access list"));
  auto enc = FileEncryptor::create(key.value().key, shared_file_context(doc, 1), FileOptions{a.chunk_size, a.threads});
  if (!enc) return fail(library_failure(enc.error(), kExitIo));

  Output out;
  if (Status st = out.open(a.output, a.force); !st.ok()) return fail(st);
  std::optional<ArmorWriter> armor;
  if (a.armor) armor.emplace(out);
  Status st = encrypt_stream(enc.value(), a.chunk_size, in, armor ? armor->output() : out, shared_prefix(doc));
  if (st.ok() && armor) st = armor->finish();
  if (st.ok()) st = share_content_key(s, access.value(), key.value(), members);
  if (st.ok()) st = out.commit();
  if (!st.ok()) {
    out.discard();
    return report(st);
  }
  if (Status sv = save_session(s); !sv.ok()) return report(sv);
  std::fprintf(stderr, "coffre: shared file %s, content-key version 1, readable by %zu account(s)\n",
               describe(doc).c_str(), members.size());
  return kExitOk;
}

int cmd_decrypt_shared(const CryptArgs& a, Input& in, ArmorReader& armor) {
  if (Status s = check_no_key_options(a, "decrypt of a shared file"); !s.ok()) return report(s);
  DocumentRef doc;
  if (Status s = read_prefix_rest(in, doc); !s.ok()) return report(armor.conclude(s));
  FileHead head;
  if (Status s = read_file_head(in, head); !s.ok()) return report(armor.conclude(s));
  if (Status s = check_raw_key(head, in.name()); !s.ok()) return report(s);
  SharingSession s;
  if (Status st = open_session(account_of(a), /*unlock=*/true, s); !st.ok()) return fail(st);
  // The owner also reads FILE under the version an interrupted unshare left unfinished; members, only once current.
  OpenedContentKey opened;
  OwnedDocument owned;
  const VersionedContentKey* key = nullptr;
  if (doc.owner == s.me()) {
    if (Status st = open_owned_document(s, doc, owned); !st.ok()) return fail(st);
    if (Status st = key_of_version(s, doc, owned, head.info.key_version, opened, key); !st.ok()) return fail(st);
    if (std::string notice = owner_notice(in.name(), head.info.key_version, owned); !notice.empty()) {
      std::fprintf(stderr, "coffre: warning: %s\n", notice.c_str());
    }
  } else {
    if (Status st = open_my_content_key(s, doc, head.info.key_version, opened); !st.ok()) return fail(st);
    key = &*opened.key;
  }
  auto dec = FileDecryptor::create(key->key, shared_file_context(doc, head.info.key_version), a.threads);
  if (!dec) return fail(library_failure(dec.error(), kExitIo));
  if (Status st = authenticate_head(dec.value(), head); !st.ok()) {
    st.message = in.name() + " does not open under the content key of document " + describe(doc) +
                 " that its prefix names (a changed prefix, or a damaged file): " + st.message;
    return fail(st);
  }
  Output out;
  if (Status st = out.open(a.output, a.force); !st.ok()) return fail(st);
  Status st = armor.conclude(decrypt_stream(dec.value(), head, in, out));
  if (st.ok()) st = out.commit();
  if (!st.ok()) {
    out.discard();
    return report(st);
  }
  if (Status sv = save_session(s); !sv.ok()) return report(sv);
  return kExitOk;
}

int cmd_share(const SharingArgs& a) {
  SharingSession s;
  Input in;
  DocumentRef doc;
  FileHead head;
  std::optional<UserId> user;
  if (a.user.empty()) return report(Status::fail(kExitUsage, "share needs FILE and USER"));
  if (Status st = open_owned(a, s, in, doc, head, user); !st.ok()) return fail(st);
  OwnedDocument owned;
  if (Status st = open_owned_document(s, doc, owned); !st.ok()) return fail(st);
  OpenedContentKey older;
  const VersionedContentKey* file_key = nullptr;  // opened only to check FILE's version against the store
  if (Status st = key_of_version(s, doc, owned, head.info.key_version, older, file_key); !st.ok()) return fail(st);
  // A new member gets the current key only, once no unshare is unfinished: FILE under an older one would stay closed
  // to them, and open to members removed since.
  if (std::string notice = owner_notice(a.file, head.info.key_version, owned); !notice.empty()) {
    return fail(Status::fail(kExitUsage, notice));
  }
  const OpenedContentKey& opened = owned.current;
  if (opened.current->is_member(*user)) {
    return fail(Status::fail(kExitUsage, to_hex(user->bytes) + " already has access to " + describe(doc)));
  }
  const UserId added[] = {*user};
  auto access = add_members(s.secrets(), *opened.current, added);
  if (!access) return fail(lib_failure(access.error(), "cannot sign the new access list"));
  if (Status st = share_content_key(s, access.value(), *opened.key, added); !st.ok()) return fail(st);
  if (Status st = save_session(s); !st.ok()) return report(st);
  std::printf("Shared %s with %s: content-key version %u, %zu member(s).\n", describe(doc).c_str(),
              to_hex(user->bytes).c_str(), opened.key->version, access.value().members().size());
  return kExitOk;
}

// unshare FILE USER: a new content key without USER (rotated from the latest version), FILE re-encrypted under it.
// An unfinished unshare, or FILE behind: FILE re-encrypted from its own version under the new key, or (USER not given,
// or no longer a member) under the latest one; an unfinished version becomes current. Steps, in this order (SPEC
// 15.2): FILE re-encrypted to a temporary file; the new version's wraps and list; FILE renamed; `current`.
int cmd_unshare(const SharingArgs& a) {
  SharingSession s;
  Input in;
  DocumentRef doc;
  FileHead head;
  std::optional<UserId> user;
  if (Status st = open_owned(a, s, in, doc, head, user); !st.ok()) return fail(st);
  if (!in.size()) return fail(Status::fail(kExitUsage, a.file + " is not a regular file: unshare replaces it"));
  if (user == s.me()) return fail(Status::fail(kExitUsage, "the owner cannot be removed from its own file"));
  OwnedDocument owned;
  if (Status st = open_owned_document(s, doc, owned); !st.ok()) return fail(st);
  OpenedContentKey older;
  const VersionedContentKey* file_key = nullptr;
  if (Status st = key_of_version(s, doc, owned, head.info.key_version, older, file_key); !st.ok()) return fail(st);
  const AccessList& latest = owned.latest();
  const AccessList& current = *owned.current.current;
  const bool unfinished = owned.next.has_value();
  const bool behind = head.info.key_version < latest.key_version();
  const bool removing = user && latest.is_member(*user);
  if (!removing && !behind && !unfinished) {
    if (user) {
      return fail(Status::fail(kExitUsage, to_hex(user->bytes) + " has no access to " + describe(doc) +
                                               " (not_a_member)"));
    }
    return fail(Status::fail(kExitUsage, a.file + " is under the current content key (version " +
                                             std::to_string(current.key_version()) + "): name the USER to remove"));
  }

  // The key FILE is to be under, and the access list that becomes current.
  std::optional<ContentKeyRotation> rotation;
  if (removing) {
    const UserId removed[] = {*user};
    auto r = rotate_content_key(s.secrets(), latest, removed, system_rng());
    if (!r) return fail(lib_failure(r.error(), "cannot rotate the content key"));
    rotation.emplace(std::move(r).take());
    if (Status st = check_members(s, rotation->access.members()); !st.ok()) return fail(st);
  }
  const VersionedContentKey& target = rotation ? rotation->key : owned.latest_key();
  const AccessList& target_access = rotation ? rotation->access : latest;

  // FILE under the new version before `current` moves: a member removed there never reads a FILE it is cut off from.
  if (head.info.key_version != target.version) {
    auto dec = FileDecryptor::create(file_key->key, shared_file_context(doc, head.info.key_version), a.threads);
    if (!dec) return fail(library_failure(dec.error(), kExitIo));
    if (Status st = authenticate_head(dec.value(), head); !st.ok()) return fail(st);
    auto enc = FileEncryptor::create(target.key, shared_file_context(doc, target.version),
                                     FileOptions{head.info.chunk_size, a.threads});
    if (!enc) return fail(library_failure(enc.error(), kExitIo));
    Output out;
    if (Status st = out.open(a.file, /*force=*/true); !st.ok()) return fail(st);
    Status st = reencrypt_stream(dec.value(), head, enc.value(), head.info.chunk_size, in, out, shared_prefix(doc));
    if (!st.ok()) {
      out.discard();
      return fail(st);
    }
    crash_point("unshare: the re-encryption of FILE in a temporary file");
    if (rotation) {
      if (st = publish_content_key(s, rotation->access, rotation->key, rotation->access.members()); !st.ok()) {
        out.discard();
        return report(st);  // the wraps and list written so far are not current: the next rotation replaces them
      }
    }
    if (st = out.commit(); !st.ok()) {
      if (rotation) {
        st.message += ". The store holds content-key version " + std::to_string(target.version) + " without " +
                      to_hex(user->bytes) + ", not yet current, and " + a.file + " was not replaced: run 'coffre "
                      "unshare " + a.file + "' to finish";
      }
      return report(st);
    }
    crash_point("unshare: FILE replaced");
  }
  if (target_access.key_version() != current.key_version()) {
    if (Status st = make_current(s, target_access); !st.ok()) {
      st.message += ". " + a.file + " is under content-key version " + std::to_string(target.version) + ", which is "
                    "not yet current: members other than this account cannot read it until 'coffre unshare " +
                    a.file + "' finishes";
      return report(st);
    }
  }
  if (Status sv = save_session(s); !sv.ok()) return report(sv);
  if (unfinished && head.info.key_version == latest.key_version()) {
    std::printf("Finished an interrupted unshare: content-key version %u, which %s is under, is now current.\n",
                latest.key_version(), a.file.c_str());
  } else if (behind || unfinished) {
    std::printf("Finished an interrupted unshare: %s re-encrypted from content-key version %u.\n", a.file.c_str(),
                head.info.key_version);
    if (user && !removing) std::printf("%s has no access to the current version.\n", to_hex(user->bytes).c_str());
  }
  if (removing) {
    std::printf("Removed %s from %s: content-key version %u for %zu member(s); %s re-encrypted under it.\n"
                "Copies of version %u that %s already had stay readable by them.\n",
                to_hex(user->bytes).c_str(), describe(doc).c_str(), target.version, target_access.members().size(),
                a.file.c_str(), latest.key_version(), to_hex(user->bytes).c_str());
  } else {
    std::printf("%s is now under content-key version %u of %s, readable by its %zu member(s).\n", a.file.c_str(),
                target.version, describe(doc).c_str(), target_access.members().size());
  }
  return kExitOk;
}

}  // namespace coffre::cli
