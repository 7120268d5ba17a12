// The store (--store DIR or --store URL, docs/STORE.md): what a server holds. It is assumed malicious
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
// Two implementations of one interface: DirectoryStore, the layout above as a plain directory (writes atomic:
// temporary file in the same directory, fsync, rename, fsync of the directory: io.hpp's Output), and HttpStore
// (http_store.hpp), the same object paths over docs/STORE.md's protocol.
#pragma once

#include "io.hpp"
#include "status.hpp"

#include <coffre/coffre.hpp>

#include <charconv>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace coffre::cli {

// A blob (a Drive file's content) being read: its size, bytes at any offset (ranges), or all of it as a stream.
class BlobReader {
 public:
  virtual ~BlobReader() = default;
  virtual std::uint64_t size() const = 0;
  // Reads `n` bytes at `offset`; `got` < n only at the end of the blob.
  virtual Status read_at(std::uint64_t offset, std::uint8_t* data, std::size_t n, std::size_t& got) = 0;
  // The whole blob from its first byte, as an input (streamed, constant memory).
  virtual Status open_input(Input& in) = 0;
};

// A blob being written, once: bytes in order, then commit (it appears whole and atomically, never over an existing
// blob) or abort (nothing appears). Destroyed uncommitted: aborted.
class BlobWriter {
 public:
  virtual ~BlobWriter() = default;
  virtual Status write(const std::uint8_t* data, std::size_t size) = 0;
  // `existed`: a blob was already there (nothing written).
  virtual Status commit(bool& existed) = 0;
  virtual void abort() noexcept = 0;
  std::uint64_t written() const noexcept { return written_; }

 protected:
  std::uint64_t written_ = 0;
};

// Who signs the requests to an HTTP store (docs/STORE.md section 2): a device's or the recovery signing key, and the
// account it acts for (none: a device in no account yet).
struct RequestSigner {
  std::optional<SigningKey> key;
  std::optional<UserId> user;
};

class Store {
 public:
  // Objects larger than this are refused when read (a malicious store cannot make the client read without bound).
  static constexpr std::size_t kMaxObjectSize = 1 << 20;

  virtual ~Store() = default;
  // The directory or the URL, for messages.
  virtual const std::string& location() const noexcept = 0;

  // `rel` is a path under the root, built by the caller from hex ids and numbers (never from the store's content).
  // `out` is nullopt when there is no such object.
  virtual Status get(const std::string& rel, std::optional<std::vector<std::uint8_t>>& out) const = 0;
  // Creates or replaces.
  virtual Status put(const std::string& rel, std::span<const std::uint8_t> bytes) const = 0;
  // Creates, never replaces: `existed` is set (and nothing written) if the object is already there, even when it
  // appears concurrently (no-replace rename). Log entries are appended this way.
  virtual Status put_new(const std::string& rel, std::span<const std::uint8_t> bytes, bool& existed) const = 0;
  // Compare-and-swap: replaces the object only if it still holds `expected` (nullopt: only if there is none);
  // `swapped` is false (and nothing written) otherwise.
  virtual Status put_if(const std::string& rel, std::span<const std::uint8_t> bytes,
                        const std::optional<std::vector<std::uint8_t>>& expected, bool& swapped) const = 0;
  // Removes an object; none there is no error.
  virtual Status remove(const std::string& rel) const = 0;
  // After the object `rel` was removed: removes its folder if empty, then each parent while empty (never the root).
  // Folders exist only in a directory store.
  virtual void remove_empty_dirs_of(const std::string& /*rel*/) const noexcept {}
  // Removes an object or a directory with everything in it; none there is no error.
  virtual Status remove_tree(const std::string& rel) const = 0;
  // The names in a directory (hidden names, such as temporary files, left out unless `hidden`), sorted; empty if it
  // does not exist.
  virtual Status list(const std::string& rel_dir, std::vector<std::string>& names, bool hidden = false) const = 0;
  // The numbers of the names "<number><suffix>" in a directory (decimal, no leading zero), ascending; other names
  // are ignored.
  Status numbers(const std::string& rel_dir, std::string_view suffix, std::vector<std::uint64_t>& out) const;
  // The account's log entries in seq order: every object named <seq>.entry (decimal, no leading zero); other names
  // are ignored. A missing entry is not filled in: verification reports the gap (log_broken_chain / log_rollback).
  virtual Status fetch_log(const UserId& user, std::vector<std::vector<std::uint8_t>>& entries) const;

  // A blob: `out` is null when there is none.
  virtual Status open_blob(const std::string& rel, std::unique_ptr<BlobReader>& out) const = 0;
  // A new blob at `rel` (committed only if there is none). `resume_key` names the upload for resumption: an HTTP
  // store records the upload under it in the home and a rerun with the same key continues from the parts the server
  // already holds (the caller must then produce the same bytes); the directory store starts again.
  virtual Status create_blob(const std::string& rel, const std::string& resume_key,
                             std::unique_ptr<BlobWriter>& out) const = 0;

  // Whether create_blob resumes an interrupted upload with the same resume key.
  virtual bool resumes_uploads() const noexcept { return false; }
  // Whether the store refuses to delete log entries and a lost claimant's objects (an HTTP store, STORE.md section 4):
  // then what an interrupted `init` left stays (a claim without genesis is discarded by the server after 1 h).
  virtual bool keeps_abandoned_accounts() const noexcept { return false; }

  // Sets who signs the following requests (HTTP; the directory store has no requests). Until then, the signer the
  // store was opened with.
  virtual void sign_as(RequestSigner /*signer*/) const {}

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
};

// The store as a plain directory (the embedded default).
class DirectoryStore final : public Store {
 public:
  explicit DirectoryStore(std::string root) : root_(std::move(root)) {}
  const std::string& location() const noexcept override { return root_; }

  Status get(const std::string& rel, std::optional<std::vector<std::uint8_t>>& out) const override;
  Status put(const std::string& rel, std::span<const std::uint8_t> bytes) const override;
  Status put_new(const std::string& rel, std::span<const std::uint8_t> bytes, bool& existed) const override;
  Status put_if(const std::string& rel, std::span<const std::uint8_t> bytes,
                const std::optional<std::vector<std::uint8_t>>& expected, bool& swapped) const override;
  Status remove(const std::string& rel) const override;
  void remove_empty_dirs_of(const std::string& rel) const noexcept override;
  Status remove_tree(const std::string& rel) const override;
  Status list(const std::string& rel_dir, std::vector<std::string>& names, bool hidden = false) const override;
  Status open_blob(const std::string& rel, std::unique_ptr<BlobReader>& out) const override;
  Status create_blob(const std::string& rel, const std::string& resume_key,
                     std::unique_ptr<BlobWriter>& out) const override;

 private:
  std::string path(const std::string& rel) const { return root_ + "/" + rel; }
  std::string root_;
};

// --store / COFFRE_STORE: a value starting with http:// or https:// is a URL (plain http only for a loopback host),
// anything else a directory. kExitUsage for a URL that cannot be used.
bool is_store_url(std::string_view location) noexcept;
Status check_store_location(std::string_view location);

// How an HTTP store finds its signer when the command did not set one (Store::sign_as) before its first request;
// `home` holds the resumable uploads.
struct StoreAccess {
  std::string home;
  std::function<Status(RequestSigner&)> signer;
};
// The store `location` names (check_store_location first).
std::unique_ptr<Store> open_store(const std::string& location, StoreAccess access);

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
