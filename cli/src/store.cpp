#include "store.hpp"

#include "crash_point.hpp"
#include "http_store.hpp"
#include "io.hpp"

#include <sodium.h>

#include <algorithm>
#include <cerrno>
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace coffre::cli {

namespace {

std::string parent_of(const std::string& path) {
  auto slash = path.find_last_of('/');
  return slash == std::string::npos ? "." : path.substr(0, slash);
}

// Opens the store object at `p` for reading: `fd` -1 (and success) when there is none; a non-regular file is refused.
Status open_object(const std::string& p, int& fd, std::uint64_t& size) {
  fd = open(p.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT || errno == ENOTDIR) return Status::success();
    return io_failure("cannot read " + p + " from the store", errno);
  }
  struct stat st {};
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    close(fd);
    fd = -1;
    return Status::fail(kExitIo, p + " in the store is not a regular file");
  }
  size = static_cast<std::uint64_t>(st.st_size);
  return Status::success();
}

// "<number><suffix>" with a canonical decimal number.
std::optional<std::uint64_t> numbered(const std::string& name, std::string_view suffix) {
  if (name.size() <= suffix.size() || name.compare(name.size() - suffix.size(), suffix.size(), suffix) != 0) {
    return std::nullopt;
  }
  std::uint64_t v = 0;
  if (!parse_decimal(std::string_view(name.data(), name.size() - suffix.size()), v)) return std::nullopt;
  return v;
}

}  // namespace

std::string to_hex(std::span<const std::uint8_t> bytes) {
  std::string s(bytes.size() * 2 + 1, '\0');
  sodium_bin2hex(s.data(), s.size(), bytes.data(), bytes.size());
  s.pop_back();
  return s;
}

bool from_hex(std::string_view hex, std::span<std::uint8_t> out) {
  if (hex.size() != out.size() * 2) return false;
  for (char c : hex) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) return false;
  }
  std::size_t len = 0;
  return sodium_hex2bin(out.data(), out.size(), hex.data(), hex.size(), nullptr, &len, nullptr) == 0 &&
         len == out.size();
}

Status make_dirs(const std::string& dir) {
  if (dir.empty() || dir == "/" || dir == ".") return Status::success();
  struct stat st {};
  if (stat(dir.c_str(), &st) == 0) {
    if (S_ISDIR(st.st_mode)) return Status::success();
    return Status::fail(kExitIo, dir + " exists and is not a directory");
  }
  if (Status s = make_dirs(parent_of(dir)); !s.ok()) return s;
  if (mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) return io_failure("cannot create the directory " + dir, errno);
  return Status::success();
}

Status DirectoryStore::get(const std::string& rel, std::optional<std::vector<std::uint8_t>>& out) const {
  out.reset();
  const std::string p = path(rel);
  int fd = -1;
  std::uint64_t size = 0;
  if (Status s = open_object(p, fd, size); !s.ok() || fd < 0) return s;
  std::vector<std::uint8_t> bytes(kMaxObjectSize + 1);
  std::size_t got = 0;
  Status s = read_full(fd, bytes.data(), bytes.size(), got, p);
  close(fd);
  if (!s.ok()) return s;
  if (got > kMaxObjectSize) return Status::fail(kExitAuth, p + " in the store is larger than any coffre object");
  bytes.resize(got);
  out = std::move(bytes);
  return Status::success();
}

Status DirectoryStore::put(const std::string& rel, std::span<const std::uint8_t> bytes) const {
  const std::string p = path(rel);
  if (Status s = make_dirs(parent_of(p)); !s.ok()) return s;
  Output out;
  if (Status s = out.open(p, /*force=*/true, Output::NonRegular::replace); !s.ok()) return s;
  if (Status s = out.write(bytes.data(), bytes.size()); !s.ok()) return s;
  if (Status s = out.commit(); !s.ok()) return s;
  crash_point(rel.c_str());
  return Status::success();
}

Status DirectoryStore::put_new(const std::string& rel, std::span<const std::uint8_t> bytes, bool& existed) const {
  existed = false;
  const std::string p = path(rel);
  if (Status s = make_dirs(parent_of(p)); !s.ok()) return s;
  struct stat st {};
  if (lstat(p.c_str(), &st) == 0) {
    existed = true;
    return Status::success();
  }
  Output out;
  if (Status s = out.open(p, /*force=*/false, Output::NonRegular::replace); !s.ok()) {
    if (s.code == kExitUsage && lstat(p.c_str(), &st) == 0) existed = true;
    return existed ? Status::success() : s;
  }
  if (Status s = out.write(bytes.data(), bytes.size()); !s.ok()) return s;
  if (Status s = out.commit(); !s.ok()) {
    // Output::commit reports a no-replace rename that found the name taken with kExitUsage.
    if (s.code == kExitUsage && lstat(p.c_str(), &st) == 0) {
      existed = true;
      return Status::success();
    }
    return s;
  }
  crash_point(rel.c_str());
  return Status::success();
}

Status DirectoryStore::remove(const std::string& rel) const {
  const std::string p = path(rel);
  if (unlink(p.c_str()) != 0 && errno != ENOENT) return io_failure("cannot remove " + p + " from the store", errno);
  crash_point(rel.c_str());
  return Status::success();
}

void DirectoryStore::remove_empty_dirs_of(const std::string& rel) const noexcept {
  for (auto slash = rel.rfind('/'); slash != std::string::npos && slash > 0; slash = rel.rfind('/', slash - 1)) {
    if (rmdir(path(rel.substr(0, slash)).c_str()) != 0) return;
  }
}

Status DirectoryStore::remove_tree(const std::string& rel) const {
  const std::string p = path(rel);
  struct stat sb {};
  if (lstat(p.c_str(), &sb) != 0) {
    if (errno == ENOENT) return Status::success();
    return io_failure("cannot remove " + p + " from the store", errno);
  }
  if (!S_ISDIR(sb.st_mode)) return remove(rel);
  std::vector<std::string> names;
  if (Status s = list(rel, names, /*hidden=*/true); !s.ok()) return s;
  for (const std::string& n : names) {
    if (Status s = remove_tree(rel + "/" + n); !s.ok()) return s;
  }
  if (rmdir(p.c_str()) != 0 && errno != ENOENT) return io_failure("cannot remove " + p + " from the store", errno);
  return Status::success();
}

Status DirectoryStore::list(const std::string& rel_dir, std::vector<std::string>& names, bool hidden) const {
  names.clear();
  const std::string p = path(rel_dir);
  DIR* d = opendir(p.c_str());
  if (d == nullptr) {
    if (errno == ENOENT) return Status::success();
    return io_failure("cannot list " + p + " in the store", errno);
  }
  while (dirent* e = readdir(d)) {
    const std::string_view n(e->d_name);
    if (n == "." || n == ".." || (n[0] == '.' && !hidden)) continue;
    names.emplace_back(n);
  }
  closedir(d);
  std::sort(names.begin(), names.end());
  return Status::success();
}

Status DirectoryStore::put_if(const std::string& rel, std::span<const std::uint8_t> bytes,
                              const std::optional<std::vector<std::uint8_t>>& expected, bool& swapped) const {
  // A directory has no atomic compare-and-swap: compare, then replace (devices of one home are serialized by its
  // lock; the server does this atomically).
  swapped = false;
  std::optional<std::vector<std::uint8_t>> now;
  if (Status s = get(rel, now); !s.ok()) return s;
  if (now.has_value() != expected.has_value() || (now && *now != *expected)) return Status::success();
  if (Status s = put(rel, bytes); !s.ok()) return s;
  swapped = true;
  return Status::success();
}

namespace {

class FileBlobReader final : public BlobReader {
 public:
  FileBlobReader(std::string path, int fd, std::uint64_t size) : path_(std::move(path)), fd_(fd), size_(size) {}
  ~FileBlobReader() override { close(fd_); }
  std::uint64_t size() const override { return size_; }
  Status read_at(std::uint64_t offset, std::uint8_t* data, std::size_t n, std::size_t& got) override {
    got = 0;
    while (got < n) {
      ssize_t r = pread(fd_, data + got, n - got, static_cast<off_t>(offset + got));
      if (r < 0 && errno == EINTR) continue;
      if (r < 0) return io_failure("cannot read " + path_, errno);
      if (r == 0) break;
      got += static_cast<std::size_t>(r);
    }
    return Status::success();
  }
  Status open_input(Input& in) override { return in.open(path_); }

 private:
  std::string path_;
  int fd_;
  std::uint64_t size_;
};

class FileBlobWriter final : public BlobWriter {
 public:
  Status open(const std::string& path) {
    path_ = path;
    if (Status s = make_dirs(parent_of(path)); !s.ok()) return s;
    return out_.open(path, /*force=*/false, Output::NonRegular::replace);
  }
  Status write(const std::uint8_t* data, std::size_t size) override {
    written_ += size;
    return out_.write(data, size);
  }
  Status commit(bool& existed) override {
    existed = false;
    Status s = out_.commit();
    struct stat st {};
    // Output::commit reports a no-replace rename that found the name taken with kExitUsage.
    if (s.code == kExitUsage && lstat(path_.c_str(), &st) == 0) existed = true;
    return existed ? Status::success() : s;
  }
  void abort() noexcept override { out_.discard(); }

 private:
  std::string path_;
  Output out_;
};

}  // namespace

Status DirectoryStore::open_blob(const std::string& rel, std::unique_ptr<BlobReader>& out) const {
  out.reset();
  const std::string p = path(rel);
  int fd = -1;
  std::uint64_t size = 0;
  if (Status s = open_object(p, fd, size); !s.ok() || fd < 0) return s;
  out = std::make_unique<FileBlobReader>(p, fd, size);
  return Status::success();
}

Status DirectoryStore::create_blob(const std::string& rel, const std::string& /*resume_key*/,
                                   std::unique_ptr<BlobWriter>& out) const {
  auto w = std::make_unique<FileBlobWriter>();
  if (Status s = w->open(path(rel)); !s.ok()) return s;
  out = std::move(w);
  return Status::success();
}

bool is_store_url(std::string_view location) noexcept {
  return location.starts_with("http://") || location.starts_with("https://");
}

Status check_store_location(std::string_view location) {
  if (!is_store_url(location)) return Status::success();
  return check_store_url(location);
}

std::unique_ptr<Store> open_store(const std::string& location, StoreAccess access) {
  if (is_store_url(location)) return std::make_unique<HttpStore>(location, std::move(access));
  return std::make_unique<DirectoryStore>(location);
}

std::string Store::log_dir(const UserId& user) { return "accounts/" + to_hex(user.bytes) + "/log"; }

std::string Store::log_entry(const UserId& user, std::uint64_t seq) {
  return log_dir(user) + "/" + std::to_string(seq) + ".entry";
}

std::string Store::sealed_state(const UserId& user, std::uint32_t epoch) {
  return "accounts/" + to_hex(user.bytes) + "/state/" + std::to_string(epoch) + ".sealed";
}

std::string Store::wraps(const UserId& user, std::uint32_t epoch) {
  return "accounts/" + to_hex(user.bytes) + "/wraps/" + std::to_string(epoch);
}

std::string Store::wrap(const UserId& user, std::uint32_t epoch, const DeviceId& recipient) {
  return wraps(user, epoch) + "/" + to_hex(recipient.bytes) + ".wrap";
}

std::string Store::account_pins_dir(const UserId& user, std::uint32_t epoch) {
  return "accounts/" + to_hex(user.bytes) + "/pins/" + std::to_string(epoch);
}

std::string Store::account_pins(const UserId& user, std::uint32_t epoch, std::uint64_t n) {
  return account_pins_dir(user, epoch) + "/" + std::to_string(n) + ".pins";
}

std::string Store::mailbox(const std::string& request_hex, const char* what) {
  return "enroll/" + request_hex + "/" + what;
}

std::string Store::directory_record(const UserId& user) { return "directory/" + to_hex(user.bytes) + ".record"; }

namespace {
std::string document_dir(const DocumentRef& doc) {
  return "docs/" + to_hex(doc.owner.bytes) + "/" + to_hex(doc.id.bytes) + "/" +
         std::to_string(static_cast<unsigned>(doc.purpose));
}
}  // namespace

std::string Store::access_list(const DocumentRef& doc, std::uint32_t key_version) {
  return document_dir(doc) + "/access/" + std::to_string(key_version) + ".access";
}

std::string Store::current_access_list(const DocumentRef& doc) { return document_dir(doc) + "/access/current"; }

std::string Store::content_wrap(const DocumentRef& doc, std::uint32_t key_version, const UserId& recipient) {
  return document_dir(doc) + "/wraps/" + std::to_string(key_version) + "/" + to_hex(recipient.bytes) + ".wrap";
}

std::string Store::drive_root(const UserId& owner) { return "drive/" + to_hex(owner.bytes) + "/root"; }

std::string Store::drive_folder_nodes(const UserId& owner, const NodeId& folder) {
  return "drive/" + to_hex(owner.bytes) + "/nodes/" + to_hex(folder.bytes);
}

std::string Store::drive_nodes(const UserId& owner, const NodeId& folder, const ListingTag& tag) {
  return drive_folder_nodes(owner, folder) + "/" + to_hex(tag.bytes);
}

std::string Store::drive_node(const UserId& owner, const NodeId& folder, const ListingTag& tag, const NodeId& node) {
  return drive_nodes(owner, folder, tag) + "/" + to_hex(node.bytes) + ".node";
}

std::string Store::drive_folder_names(const UserId& owner, const NodeId& folder) {
  return "drive/" + to_hex(owner.bytes) + "/names/" + to_hex(folder.bytes);
}

std::string Store::drive_name(const UserId& owner, const NodeId& folder, const ListingTag& tag,
                              const NameHash& name) {
  return drive_folder_names(owner, folder) + "/" + to_hex(tag.bytes) + "/" + to_hex(name.bytes);
}

std::string Store::drive_blobs(const UserId& owner, const NodeId& node) {
  return "drive/" + to_hex(owner.bytes) + "/blobs/" + to_hex(node.bytes);
}

std::string Store::drive_blob(const UserId& owner, const NodeId& node, std::uint64_t revision) {
  return drive_blobs(owner, node) + "/" + std::to_string(revision);
}

std::string Store::drive_rekeys(const UserId& owner) { return "drive/" + to_hex(owner.bytes) + "/rekey"; }

std::string Store::drive_rekey(const UserId& owner, const std::string& op_hex) {
  return drive_rekeys(owner) + "/" + op_hex;
}

std::string Store::drive_inbox(const UserId& recipient) { return "shared/" + to_hex(recipient.bytes); }

std::string Store::drive_share(const UserId& recipient, const UserId& owner, const NodeId& node) {
  return drive_inbox(recipient) + "/" + to_hex(owner.bytes) + "." + to_hex(node.bytes);
}

Status Store::numbers(const std::string& rel_dir, std::string_view suffix, std::vector<std::uint64_t>& out) const {
  out.clear();
  std::vector<std::string> names;
  if (Status s = list(rel_dir, names); !s.ok()) return s;
  for (const auto& n : names) {
    if (auto v = numbered(n, suffix)) out.push_back(*v);
  }
  std::sort(out.begin(), out.end());
  return Status::success();
}

Status Store::fetch_log(const UserId& user, std::vector<std::vector<std::uint8_t>>& entries) const {
  entries.clear();
  std::vector<std::string> names;
  if (Status s = list(log_dir(user), names); !s.ok()) return s;
  std::vector<std::pair<std::uint64_t, std::string>> seqs;
  for (auto& n : names) {
    if (auto seq = numbered(n, ".entry")) seqs.emplace_back(*seq, n);
  }
  std::sort(seqs.begin(), seqs.end());
  for (auto& [seq, name] : seqs) {
    std::optional<std::vector<std::uint8_t>> bytes;
    if (Status s = get(log_dir(user) + "/" + name, bytes); !s.ok()) return s;
    if (bytes) entries.push_back(std::move(*bytes));  // gone since the listing: verification sees the gap
  }
  return Status::success();
}

}  // namespace coffre::cli
