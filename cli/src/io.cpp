#include "io.hpp"

#include "signals.hpp"

#include <sodium.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstdint>
#include <cstring>
#include <fcntl.h>
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

// ".<name>.<16 hex>.coffre-tmp" next to the final file; hidden, and recognizable if a crash (not a signal) leaves it.
std::string temp_name_for(const std::string& final_path) {
  std::uint8_t r[8];
  randombytes_buf(r, sizeof r);
  char hex[2 * sizeof r + 1];
  sodium_bin2hex(hex, sizeof hex, r, sizeof r);
  std::string base = base_name(final_path).substr(0, 180);  // stay under NAME_MAX (255)
  std::string dir = parent_dir(final_path);
  std::string prefix = final_path.find('/') == std::string::npos ? "" : dir + "/";
  return prefix + "." + base + "." + hex + ".coffre-tmp";
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

int report(const Status& s) {
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

int Input::release() noexcept {
  int fd = fd_;
  if (!owned_) fd = dup(fd_);  // the reader thread closes what it gets; keep standard input open
  fd_ = -1;
  owned_ = false;
  return fd;
}

// ---------------------------------------------------------------------------------------------------------------

Output::~Output() { discard(); }

Status Output::check(const std::string& path, bool force) {
  if (is_std_stream(path)) return Status::success();
  struct stat st {};
  if (lstat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return Status::success();
    return io_failure("cannot check the output " + path, errno);
  }
  if (S_ISDIR(st.st_mode)) return Status::fail(kExitUsage, "the output " + path + " is a directory; name a file");
  if (!force) {
    return Status::fail(kExitUsage, "the output " + path +
                                        " already exists; nothing was written. Choose another name, or pass --force "
                                        "to replace it");
  }
  return Status::success();
}

Status Output::open(const std::string& path, bool force) {
  if (is_std_stream(path)) {
    stdout_ = true;
    fd_ = STDOUT_FILENO;
    name_ = "standard output";
    return Status::success();
  }
  if (Status s = check(path, force); !s.ok()) return s;
  name_ = path;
  final_ = path;
  force_ = force;
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

Status Output::write(const std::uint8_t* data, std::size_t size) {
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
  if (!direct_ && !stdout_) start_writeback();
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
  if (stdout_) return Status::success();
  if (fd_ < 0) return Status::fail(kExitIo, "internal error: output already closed");
  if (fsync(fd_) != 0) {
    Status s = io_failure("cannot write " + name_ + " to disk", errno);
    discard();
    return s;
  }
  if (close(fd_) != 0) {
    fd_ = -1;
    Status s = io_failure("cannot write " + name_, errno);
    discard();
    return s;
  }
  fd_ = -1;
  {
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
  if (stdout_) return;
  signals::Blocker block;
  if (fd_ >= 0) close(fd_);
  fd_ = -1;
  if (!temp_.empty()) unlink(temp_.c_str());
  signals::disarm_cleanup();
  temp_.clear();
}

}  // namespace coffre::cli
