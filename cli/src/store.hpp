// The store (--store DIR): what a server would hold, as a plain directory. It is assumed malicious
// (docs/THREAT-MODEL.md): every byte read from it is verified by the caller, and it never receives a secret in the
// clear. Layout (hex is lowercase; seq and epoch in decimal):
//
//   accounts/<user-hex>/log/<seq>.entry                    device-list entries (SPEC section 10)
//   accounts/<user-hex>/state/<epoch>.sealed               sealed account state (SPEC section 11)
//   accounts/<user-hex>/wraps/<epoch>/<recipient-hex>.wrap root-key wraps (recipient ff..ff: the recovery key)
//   accounts/<user-hex>/pins/<epoch>/<n>.pins              the account's pins, object n of that epoch (SPEC 11, 15.1)
//   enroll/<request-hex>/{request,response,reveal}         the enrollment mailbox (SPEC section 12)
//   directory/<user-hex>.record                            a user's directory record (SPEC section 17)
//   docs/<owner-hex>/<doc-hex>/<purpose>/access/<v>.access the latest access list of content-key version v
//   docs/<owner-hex>/<doc-hex>/<purpose>/access/current    the latest access list of the document (SPEC 16.1)
//   docs/<owner-hex>/<doc-hex>/<purpose>/wraps/<v>/<user-hex>.wrap   the content key of version v wrapped to a
//                                                          member (SPEC 16.2)
//   drive/<owner-hex>/...                                  an account's drive (SPEC sections 15.3 and 18; the drive_*
//                                                          helpers below)
//
// <purpose> is the purpose byte in decimal (1 document, 2 file, 3 drive node).
// Writes are atomic (temporary file in the same directory, fsync, rename, fsync of the directory: io.hpp's Output).
#pragma once

#include "status.hpp"

#include <coffre/coffre.hpp>

#include <charconv>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace coffre::cli {

class Store {
 public:
  // Objects larger than this are refused when read (a malicious store cannot make the client read without bound).
  static constexpr std::size_t kMaxObjectSize = 1 << 20;

  explicit Store(std::string root) : root_(std::move(root)) {}
  const std::string& root() const noexcept { return root_; }

  // `rel` is a path under the root, built by the caller from hex ids and numbers (never from the store's content).
  // `out` is nullopt when there is no such object.
  Status get(const std::string& rel, std::optional<std::vector<std::uint8_t>>& out) const;
  // Creates or replaces.
  Status put(const std::string& rel, std::span<const std::uint8_t> bytes) const;
  // Creates, never replaces: `existed` is set (and nothing written) if the object is already there, even when it
  // appears concurrently (no-replace rename). Log entries are appended this way.
  Status put_new(const std::string& rel, std::span<const std::uint8_t> bytes, bool& existed) const;
  // Removes an object; none there is no error.
  Status remove(const std::string& rel) const;
  // After the object `rel` was removed: removes its folder if empty, then each parent while empty (never the root).
  void remove_empty_dirs_of(const std::string& rel) const noexcept;
  // Removes an object or a directory with everything in it; none there is no error.
  Status remove_tree(const std::string& rel) const;
  // The names in a directory (hidden names, such as temporary files, left out unless `hidden`), sorted; empty if it
  // does not exist.
  Status list(const std::string& rel_dir, std::vector<std::string>& names, bool hidden = false) const;
  // The numbers of the names "<number><suffix>" in a directory (decimal, no leading zero), ascending; other names
  // are ignored.
  Status numbers(const std::string& rel_dir, std::string_view suffix, std::vector<std::uint64_t>& out) const;

  // Paths of the layout above.
  static std::string log_dir(const UserId& user);
  static std::string log_entry(const UserId& user, std::uint64_t seq);
  static std::string sealed_state(const UserId& user, std::uint32_t epoch);
  static std::string wraps(const UserId& user, std::uint32_t epoch);  // the folder of that epoch's wraps
  static std::string wrap(const UserId& user, std::uint32_t epoch, const DeviceId& recipient);
  static std::string account_pins_dir(const UserId& user, std::uint32_t epoch);
  static std::string account_pins(const UserId& user, std::uint32_t epoch, std::uint64_t n);
  static std::string mailbox(const std::string& request_hex, const char* what);  // request, response, reveal
  static std::string directory_record(const UserId& user);
  static std::string access_list(const DocumentRef& doc, std::uint32_t key_version);
  static std::string current_access_list(const DocumentRef& doc);
  static std::string content_wrap(const DocumentRef& doc, std::uint32_t key_version, const UserId& recipient);

  // The drive of `owner` (SPEC section 15.3): the root's node id; a folder's node records and the exclusive claims
  // of its children's names (their lookup hashes), both filed under the folder's listing tag (which changes with the
  // folder's key); a file's content, one object per revision in the node's own directory; the re-keyings in
  // progress; and a user's inbox of shares.
  static std::string drive_root(const UserId& owner);
  static std::string drive_folder_nodes(const UserId& owner, const NodeId& folder);  // every tag of the folder
  static std::string drive_nodes(const UserId& owner, const NodeId& folder, const ListingTag& tag);
  static std::string drive_node(const UserId& owner, const NodeId& folder, const ListingTag& tag, const NodeId& node);
  static std::string drive_folder_names(const UserId& owner, const NodeId& folder);  // every tag of the folder
  static std::string drive_name(const UserId& owner, const NodeId& folder, const ListingTag& tag,
                                const NameHash& name);
  static std::string drive_blobs(const UserId& owner, const NodeId& node);
  static std::string drive_blob(const UserId& owner, const NodeId& node, std::uint64_t revision);
  static std::string drive_rekeys(const UserId& owner);
  static std::string drive_rekey(const UserId& owner, const std::string& op_hex);
  static std::string drive_inbox(const UserId& recipient);
  static std::string drive_share(const UserId& recipient, const UserId& owner, const NodeId& node);

  // The account's log entries in seq order: every file named <seq>.entry (decimal, no leading zero); other names
  // are ignored. A missing entry is not filled in: verification reports the gap (log_broken_chain / log_rollback).
  Status fetch_log(const UserId& user, std::vector<std::vector<std::uint8_t>>& entries) const;

 private:
  std::string path(const std::string& rel) const { return root_ + "/" + rel; }
  std::string root_;
};

// Creates `dir` and its missing parents with mode 0700.
Status make_dirs(const std::string& dir);

// Lowercase hex, and its strict inverse (exactly `size` bytes, nothing else).
std::string to_hex(std::span<const std::uint8_t> bytes);
bool from_hex(std::string_view hex, std::span<std::uint8_t> out);

// A decimal number that is all of `text`: digits only, within T's range (T unsigned). `canonical`: no leading zero,
// the one spelling the CLI writes in its state files and store names (SPEC 15); lenient readers pass false.
template <typename T>
bool parse_decimal(std::string_view text, T& v, bool canonical = true) {
  if (text.empty() || (canonical && text.size() > 1 && text[0] == '0')) return false;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  return ec == std::errc() && end == text.data() + text.size();
}

}  // namespace coffre::cli
