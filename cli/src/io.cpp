#include "io.hpp"

#include "signals.hpp"

#include <coffre/error.hpp>
#include <nlohmann/json.hpp>
#include <sodium.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstdint>
#include <cstring>
#include <ctime>
#include <string_view>
#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

namespace coffre::cli {

namespace {

std::string parent_dir(const std::string& path) {
  auto slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

std::string base_name(const std::string& path) {
  auto slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

constexpr std::string_view kTempSuffix = ".coffre-tmp";
constexpr std::size_t kTempRandomHex = 16;

// ".<name>.<pid>.<16 hex>.coffre-tmp" next to the final file: hidden, recognizable, and telling which process writes
// it (remove_stale_temps).
std::string temp_name_for(const std::string& final_path) {
  std::uint8_t r[kTempRandomHex / 2];
  randombytes_buf(r, sizeof r);
  char hex[kTempRandomHex + 1];
  sodium_bin2hex(hex, sizeof hex, r, sizeof r);
  std::string base = base_name(final_path).substr(0, 160);  // stay under NAME_MAX (255)
  std::string dir = parent_dir(final_path);
  std::string prefix = final_path.find('/') == std::string::npos ? "" : dir + "/";
  return prefix + "." + base + "." + std::to_string(getpid()) + "." + hex + std::string(kTempSuffix);
}

bool all_of_digits(std::string_view s, const char* digits) {
  return !s.empty() && s.find_first_not_of(digits) == std::string_view::npos;
}

// The writer's pid if `name` is a temporary file name of temp_name_for; 0 otherwise (other names, and those of older
// versions, which held no lock: nothing tells whether their writer still runs).
pid_t temp_writer(std::string_view name) {
  if (name.size() < 1 + kTempSuffix.size() || name[0] != '.' || !name.ends_with(kTempSuffix)) return 0;
  std::string_view core = name.substr(1, name.size() - 1 - kTempSuffix.size());  // <name>.<pid>.<hex>
  auto dot = core.rfind('.');
  if (dot == std::string_view::npos || core.size() - dot - 1 != kTempRandomHex ||
      !all_of_digits(core.substr(dot + 1), "0123456789abcdef")) {
    return 0;
  }
  core = core.substr(0, dot);
  dot = core.rfind('.');
  if (dot == std::string_view::npos || dot == 0) return 0;
  std::string_view pid = core.substr(dot + 1);
  if (!all_of_digits(pid, "0123456789") || pid.size() > 9 || pid[0] == '0') return 0;
  return static_cast<pid_t>(std::stol(std::string(pid)));
}

// A temporary file nobody writes any more: its lock is free (a writer holds it from just after creating the file to
// the rename or removal) and, against the instant between creation and locking, its writer's process is gone or the
// file did not change for a minute (the pid then belongs to another process).
bool is_stale_temp(int fd, const struct stat& st, pid_t writer) {
  if (!S_ISREG(st.st_mode) || st.st_uid != geteuid()) return false;
  if (flock(fd, LOCK_EX | LOCK_NB) != 0) return false;
  bool writer_gone = kill(writer, 0) != 0 && errno == ESRCH;
  bool quiet = std::time(nullptr) - st.st_ctime >= 60;
  return writer_gone || quiet;
}

// Renames without replacing an existing file: renameat2(RENAME_NOREPLACE), or link + unlink where unsupported.
int rename_noreplace(const char* from, const char* to) {
  if (renameat2(AT_FDCWD, from, AT_FDCWD, to, RENAME_NOREPLACE) == 0) return 0;
  if (errno != EINVAL && errno != ENOSYS) return -1;
  if (link(from, to) != 0) return -1;
  unlink(from);
  return 0;
}

}  // namespace

Status io_failure(const std::string& what, int err) {
  return Status::fail(kExitIo, what + ": " + std::strerror(err));
}

namespace {
bool g_json_errors = false;
}  // namespace

void set_json_errors(bool on) { g_json_errors = on; }
bool json_errors() { return g_json_errors; }

std::string error_name(const Status& s) {
  if (!s.error.empty()) return s.error;
  // Many failures name their library error in their message, "... (not_found)": the first one named.
  std::size_t first = std::string::npos;
  std::string named;
  for (int e = 1; e < kErrorCount; ++e) {
    const std::string_view name = error_code(static_cast<Error>(e));
    std::string tag(1, '(');
    tag.append(name).push_back(')');
    if (std::size_t at = s.message.find(tag); at < first) {
      first = at;
      named = name;
    }
  }
  if (!named.empty()) return named;
  switch (s.code) {
    case kExitAuth:
      return "auth";
    case kExitUsage:
      return "usage";
    case kExitIo:
      return "io";
    default:
      return "interrupted";  // 128+N
  }
}

int report_json(const Status& s) {
  const nlohmann::ordered_json j = {
      {"error", {{"code", error_name(s)}, {"message", s.message}, {"exit", s.code}}}};
  // Messages quote file names and paths, which need not be UTF-8: replace what is not, never fail.
  std::fprintf(stderr, "%s\n", j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace).c_str());
  return s.code;
}

void print_json(const nlohmann::ordered_json& j) {
  std::printf("%s\n", j.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace).c_str());
}

std::string json_u64(std::uint64_t v) { return std::to_string(v); }

int report(const Status& s) {
  if (g_json_errors) return s.ok() ? s.code : report_json(s);
  if (!s.message.empty()) std::fprintf(stderr, "coffre: %s\n", s.message.c_str());
  return s.code;
}

bool is_std_stream(const std::string& path) noexcept { return path.empty() || path == "-"; }

Status read_full(int fd, std::uint8_t* data, std::size_t size, std::size_t& got, const std::string& name) {
  got = 0;
  while (got < size) {
    ssize_t n = read(fd, data + got, size - got);
    if (n == 0) break;
    if (n < 0) {
      if (errno == EINTR) continue;
      return io_failure("cannot read " + name, errno);
    }
    got += static_cast<std::size_t>(n);
  }
  return Status::success();
}

Status write_all(int fd, const std::uint8_t* data, std::size_t size, const std::string& name) {
  while (size > 0) {
    ssize_t n = write(fd, data, size);
    if (n < 0) {
      if (errno == EINTR) continue;
      return io_failure("cannot write " + name, errno);
    }
    data += n;
    size -= static_cast<std::size_t>(n);
  }
  return Status::success();
}

// ---------------------------------------------------------------------------------------------------------------

Input::~Input() {
  if (owned_ && fd_ >= 0) close(fd_);
}

Status Input::open(const std::string& path) {
  if (is_std_stream(path)) {
    fd_ = STDIN_FILENO;
    owned_ = false;
    name_ = "standard input";
  } else {
    fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd_ < 0) return io_failure("cannot open " + path, errno);
    owned_ = true;
    name_ = path;
  }
  struct stat st {};
  if (fstat(fd_, &st) != 0) return io_failure("cannot read " + name_, errno);
  if (S_ISDIR(st.st_mode)) return Status::fail(kExitIo, name_ + " is a directory; give a file");
  if (S_ISREG(st.st_mode)) {
    size_ = static_cast<std::uint64_t>(st.st_size);
    posix_fadvise(fd_, 0, 0, POSIX_FADV_SEQUENTIAL);
  }
  return Status::success();
}

void Input::adopt(int fd, std::string name, std::optional<std::uint64_t> size) {
  if (owned_ && fd_ >= 0) close(fd_);
  fd_ = fd;
  owned_ = true;
  name_ = std::move(name);
  size_ = size;
}

int Input::release() noexcept {
  int fd = fd_;
  if (!owned_) fd = dup(fd_);  // the reader thread closes what it gets; keep standard input open
  fd_ = -1;
  owned_ = false;
  return fd;
}

// ---------------------------------------------------------------------------------------------------------------

Output::~Output() { discard(); }

namespace {

enum class Target { standard_output, new_file, replace_file, in_place };

std::string refusal_of_existing(const std::string& path) {
  return "the output " + path + " already exists; nothing was written. Choose another name, or pass --force to "
                                "replace it";
}

// What `path` names, and how it is written (io.hpp: Output), or why not.
Status target_of(const std::string& path, bool force, Output::NonRegular non_regular, Target& t) {
  if (is_std_stream(path)) {
    t = Target::standard_output;
    return Status::success();
  }
  struct stat st {};
  if (lstat(path.c_str(), &st) != 0) {
    if (errno != ENOENT) return io_failure("cannot check the output " + path, errno);
    t = Target::new_file;
    return Status::success();
  }
  if (S_ISDIR(st.st_mode)) return Status::fail(kExitUsage, "the output " + path + " is a directory; name a file");
  if (S_ISREG(st.st_mode) || non_regular == Output::NonRegular::replace) {
    if (!force) return Status::fail(kExitUsage, refusal_of_existing(path));
    t = Target::replace_file;
    return Status::success();
  }
  const bool link = S_ISLNK(st.st_mode);
  if (link && stat(path.c_str(), &st) != 0) st.st_mode = 0;  // a dangling link
  if (S_ISCHR(st.st_mode) || S_ISFIFO(st.st_mode)) {
    t = Target::in_place;
    return Status::success();
  }
  if (S_ISBLK(st.st_mode)) {
    if (!force) {
      return Status::fail(kExitUsage, "the output " + path + " is a block device; nothing was written. Pass --force "
                                                              "to write over its content");
    }
    t = Target::in_place;
    return Status::success();
  }
  if (link) {
    return Status::fail(kExitUsage, "the output " + path + " is a symbolic link to " +
                                        (st.st_mode == 0 ? std::string("nothing") : "a file or directory") +
                                        "; coffre neither replaces a link nor writes through it to a file. Name the "
                                        "file itself" + (path.starts_with("/dev/std") || path.starts_with("/dev/fd/")
                                                             ? std::string(", or omit -o for standard output")
                                                             : std::string()));
  }
  return Status::fail(kExitUsage, "the output " + path + " is a socket; name a file, a device or a FIFO");
}

}  // namespace

Status Output::check(const std::string& path, bool force, NonRegular non_regular) {
  Target t;
  return target_of(path, force, non_regular, t);
}

Status Output::open(const std::string& path, bool force, NonRegular non_regular) {
  Target t;
  if (Status s = target_of(path, force, non_regular, t); !s.ok()) return s;
  name_ = path;
  final_ = path;
  force_ = force;
  switch (t) {
    case Target::standard_output:
      stdout_ = true;
      fd_ = STDOUT_FILENO;
      name_ = "standard output";
      return Status::success();
    case Target::in_place:
      return open_in_place(path, force);
    case Target::new_file:
    case Target::replace_file:
      break;
  }
  return open_temp(path);
}

// A device or a FIFO: written where it is. Opened without O_CREAT or O_TRUNC, then checked again: what the path names
// may have changed since target_of, and a regular file must never be written in place.
Status Output::open_in_place(const std::string& path, bool force) {
  int fd = ::open(path.c_str(), O_WRONLY | O_NOCTTY | O_CLOEXEC);
  if (fd < 0) return io_failure("cannot open the output " + path, errno);
  struct stat st {};
  if (fstat(fd, &st) != 0) {
    int err = errno;
    close(fd);
    return io_failure("cannot check the output " + path, err);
  }
  if (!(S_ISCHR(st.st_mode) || S_ISFIFO(st.st_mode) || (S_ISBLK(st.st_mode) && force))) {
    close(fd);
    return Status::fail(kExitUsage, "the output " + path + " changed while coffre was starting; nothing was written. "
                                                            "Run the command again");
  }
  block_device_ = S_ISBLK(st.st_mode);
  fd_ = fd;
  return Status::success();
}

Status Output::open_temp(const std::string& path) {
  remove_stale_temps(parent_dir(path));
  for (int attempt = 0; attempt < 8; ++attempt) {
    std::string temp = temp_name_for(path);
    // Create and arm with the signals blocked in this thread: a handler here sees either no path or a created file.
    signals::Blocker block;
    // COFFRE_NO_DIRECT_IO=1 turns direct I/O off (troubleshooting, tests of the buffered path).
    static const bool no_direct = std::getenv("COFFRE_NO_DIRECT_IO") != nullptr;
    int fd = no_direct ? -1 : ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_DIRECT, 0600);
    direct_ = fd >= 0;
    if (no_direct) errno = EINVAL;
    if (fd < 0 && errno == EINVAL) fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
      if (errno == EEXIST) continue;
      return io_failure("cannot create a temporary file in " + parent_dir(path), errno);
    }
    // Held until the rename or removal: another run's remove_stale_temps leaves the file alone. A file system
    // without locks refuses that run's flock too, so it removes nothing there.
    flock(fd, LOCK_EX | LOCK_NB);
    if (!signals::arm_cleanup(temp.c_str())) {
      close(fd);
      unlink(temp.c_str());
      return Status::fail(kExitUsage, "the output path is too long");
    }
    fd_ = fd;
    temp_ = std::move(temp);
    return Status::success();
  }
  return Status::fail(kExitIo, "cannot create a temporary file in " + parent_dir(path) + ": too many name collisions");
}

void Output::open_sink(std::string name, Sink sink) {
  name_ = std::move(name);
  sink_ = std::move(sink);
}

Status Output::write(const std::uint8_t* data, std::size_t size) {
  if (sink_) return sink_(data, size);
  while (size > 0) {
    std::size_t want = size;
    if (direct_) {
      if (reinterpret_cast<std::uintptr_t>(data) % kDirectAlign != 0 || size < kDirectAlign) {
        drop_direct();
      } else {
        want = size - size % kDirectAlign;
      }
    }
    ssize_t n = ::write(fd_, data, want);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EINVAL && direct_) {  // the file system takes O_DIRECT at open, not these writes
        drop_direct();
        continue;
      }
      return io_failure("cannot write " + name_, errno);
    }
    data += n;
    size -= static_cast<std::size_t>(n);
    written_ += static_cast<std::uint64_t>(n);
  }
  if (!direct_ && !writes_in_place()) start_writeback();
  return Status::success();
}

void Output::drop_direct() noexcept {
  direct_ = false;
  int flags = fcntl(fd_, F_GETFL);
  if (flags >= 0) fcntl(fd_, F_SETFL, flags & ~O_DIRECT);
}

// Buffered writes: start writeback every 64 MiB, so that the final fsync has less left to do.
void Output::start_writeback() noexcept {
  constexpr std::uint64_t kEvery = 64u << 20;
  if (written_ - synced_ < kEvery) return;
  sync_file_range(fd_, static_cast<off64_t>(synced_), static_cast<off64_t>(written_ - synced_),
                  SYNC_FILE_RANGE_WRITE);
  synced_ = written_;
}

Status Output::commit() {
  if (stdout_ || sink_) return Status::success();
  if (fd_ < 0) return Status::fail(kExitIo, "internal error: output already closed");
  if (writes_in_place()) {
    // A block device holds data: make it durable. Character devices and FIFOs have nothing to sync.
    int err = block_device_ && fsync(fd_) != 0 ? errno : 0;
    if (close(fd_) != 0 && err == 0) err = errno;
    fd_ = -1;
    return err == 0 ? Status::success() : io_failure("cannot write " + name_, err);
  }
  if (fsync(fd_) != 0) {
    Status s = io_failure("cannot write " + name_ + " to disk", errno);
    discard();
    return s;
  }
  {
    // Renamed while the descriptor (and so its lock) is held: until then no other run may take the file for stale.
    signals::Blocker block;
    int rc = force_ ? std::rename(temp_.c_str(), final_.c_str()) : rename_noreplace(temp_.c_str(), final_.c_str());
    if (rc != 0) {
      int err = errno;
      discard();
      if (err == EEXIST) {
        return Status::fail(kExitUsage, "the output " + final_ +
                                            " appeared while coffre was running; it was not replaced. Pass --force to "
                                            "replace it");
      }
      return io_failure("cannot rename the temporary file to " + final_, err);
    }
    signals::disarm_cleanup();
    temp_.clear();
    // After fsync, closing cannot lose data.
    close(fd_);
    fd_ = -1;
  }
  // Make the rename itself durable.
  int dir = ::open(parent_dir(final_).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir >= 0) {
    fsync(dir);
    close(dir);
  }
  return Status::success();
}

void Output::discard() noexcept {
  if (stdout_ || sink_) return;
  signals::Blocker block;
  // Removed before the descriptor (and its lock) goes.
  if (!temp_.empty()) unlink(temp_.c_str());
  if (fd_ >= 0) close(fd_);
  fd_ = -1;
  signals::disarm_cleanup();
  temp_.clear();
}

// ---------------------------------------------------------------------------------------------------------------

bool names_terminal(const std::string& path) {
  if (is_std_stream(path)) return isatty(STDOUT_FILENO) != 0;
  struct stat st {};
  if (stat(path.c_str(), &st) != 0 || !S_ISCHR(st.st_mode)) return false;
  int fd = ::open(path.c_str(), O_WRONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return false;
  bool tty = isatty(fd) != 0;
  close(fd);
  return tty;
}

void remove_stale_temps(const std::string& dir) noexcept {
  DIR* d = opendir(dir.c_str());
  if (!d) return;
  const int dfd = dirfd(d);
  while (const dirent* e = readdir(d)) {
    const std::string name = e->d_name;
    const pid_t writer = temp_writer(name);
    if (writer <= 0) continue;
    int fd = openat(dfd, name.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (fd < 0) continue;
    struct stat st {}, now {};
    // Removed only if the name still is the file that was locked and judged.
    if (fstat(fd, &st) == 0 && is_stale_temp(fd, st, writer) &&
        fstatat(dfd, name.c_str(), &now, AT_SYMLINK_NOFOLLOW) == 0 && now.st_dev == st.st_dev &&
        now.st_ino == st.st_ino && unlinkat(dfd, name.c_str(), 0) == 0) {
      std::fprintf(stderr, "coffre: removed %s/%s, a temporary file of %lld bytes left by an interrupted run\n",
                   dir.c_str(), name.c_str(), static_cast<long long>(st.st_size));
    }
    close(fd);
  }
  closedir(d);
}

}  // namespace coffre::cli
