// What the drive commands share (drive_cmds.cpp, drive_rekey.cpp): a command's session, folders whose key it holds,
// and where their records live in the store (SPEC section 15.3).
#pragma once

#include "crash_point.hpp"

#include "contacts.hpp"
#include "drive_cmds.hpp"
#include "status.hpp"
#include "store.hpp"

#include <coffre/coffre.hpp>

#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace coffre::cli {

using DriveBytes = std::vector<std::uint8_t>;

// A folder whose key this client holds, in `owner`'s drive. `tag` (listing_tag of the key) names where its records
// and its children's name claims are filed.
struct Folder {
  UserId owner;
  NodeId id;
  NodeKey key;
  ListingTag tag;
  std::string shown;  // its path, for messages ("/" for the root)
};
Status make_folder_handle(const UserId& owner, const NodeId& id, NodeKey key, std::string shown,
                          std::optional<Folder>& out);
// The child folder `n` of `parent`.
Status folder_of(const OpenedNode& n, const Folder& parent, std::optional<Folder>& out);

// Store paths of a folder's child record and of a child's name claim.
std::string record_path(const Folder& f, const NodeId& child);
std::string claim_path(const Folder& f, const NameHash& h);
// Claims `h` under `parent` for `id` (create only: the store refuses a second child of that name). A claim already
// held for `id` is taken as done (a resumed put or re-keying); one held for another node is already_exists.
Status claim_name(const Store& store, const Folder& parent, const NameHash& h, const NodeId& id,
                  const std::string& shown);

DocumentRef node_document(const UserId& owner, const NodeId& node);

// The node id of `owner`'s drive root (drive/<owner>/root); nullopt if the drive was never used. A malformed id is
// record_invalid.
Status drive_root_id(const Store& store, const UserId& owner, std::optional<NodeId>& out);
// The children of `f` as the store serves them, every record opened and bound to `f` (SPEC 18) and filed under its
// own node id (else node_binding_invalid); `threads` as list_folder's. What Session::list does, without a session.
Status list_children(const Store& store, const Folder& f, unsigned threads, std::vector<OpenedNode>& out);
// The folder `id` below `start` (or `start` itself), found by listing each folder of its subtree as list_children
// does, depth first, each folder once (a store replaying old records can make a cycle); nullopt if it is not there.
Status find_folder(const Store& store, Folder start, const NodeId& id, unsigned threads, std::optional<Folder>& out);
std::string join(const std::string& folder, const std::string& name);
// Names come from the store: control characters are shown escaped.
std::string printable(std::string_view name);
const OpenedNode* find_child(const std::vector<OpenedNode>& children, std::string_view name);

// One command's view of the drive: the unlocked account, its trust store and access pins (contacts.hpp), the store.
// Opening this account's root first finishes or undoes the re-keyings this device left unfinished (drive_rekey.cpp).
class Session {
 public:
  explicit Session(const DriveArgs& a) : args_(a) {}

  Status open() { return open_session(args_.account, /*unlock=*/true, sh_); }
  // Saves what the command learnt (contacts seen for the first time, raised access pins): only on success.
  int finish() { return report(save_session(sh_)); }
  SharingSession& sharing() { return sh_; }
  const Store& store() const { return sh_.store(); }
  const UserId& me() const { return sh_.me(); }
  const DeviceId& device() const { return sh_.account.state.device; }
  unsigned threads() const { return args_.threads; }

  // This account's root folder; created on first use.
  Status root(std::optional<Folder>& out);
  // A node of `owner` whose key is wrapped to this account (section 16): this account's root, or a folder shared
  // with it.
  Status open_wrapped(const UserId& owner, const NodeId& node, const std::string& shown, std::optional<Folder>& out);
  // The children of `f`, every record opened and bound to `f`.
  Status list(const Folder& f, std::vector<OpenedNode>& out) const;
  // The owner's trusted identity (this account's, or a contact's).
  Status owner_identity(const UserId& owner, TrustedIdentity& out);

 private:
  Status create_root();

  const DriveArgs& args_;
  SharingSession sh_;
  bool recovered_ = false;
};


// --- re-keying (drive_rekey.cpp) ------------------------------------------------------------------------------

// Everyone who can read what is below the folders of `chain` (ids in `owner`'s drive): the members of the access
// lists of those that have one (the root, shared folders), each opened with its owner's trusted identity and pin.
Status readers_of(Session& s, const UserId& owner, const std::vector<NodeId>& chain, std::set<UserId>& out);

// Moves `node` (a child of `from`) to `to` under `name` with new keys for it and its whole subtree: new node keys,
// file contents re-encrypted into the next revision, names sealed again, the shared folders inside it under their
// next content-key version (same members). Owner only. Resumable (SPEC 15.3).
Status rekey_move(Session& s, const Folder& from, const OpenedNode& node, const Folder& to, const std::string& name);

// Removes `user` from the shared folder `folder` (a child of `parent`): the folder's next content-key version
// without `user`, wrapped to the remaining members, and new keys for its whole subtree as rekey_move. Owner only.
Status rekey_unshare(Session& s, const Folder& parent, const OpenedNode& folder, const UserId& user);

// Finishes (committed) or undoes (prepared) the re-keyings of this account's drive that this device left, and the
// committed ones of its other devices; reports, without touching them, those another device has not committed.
Status recover_rekeys(Session& s, const Folder& root);

// Whether a re-keying of `owner`'s drive is in progress (its name claims must not be taken over).
Status rekey_pending(const Store& store, const UserId& owner, bool& pending);

// Removes every object of a file's content directory but `keep` (the revision its record names): what killed
// uploads and re-keyings left. keep = 0 removes them all.
Status prune_blobs(const Store& store, const UserId& owner, const NodeId& file, std::uint64_t keep);

}  // namespace coffre::cli
