// Files and pipes: the input, and an output written atomically (temporary file in the same directory, fsync, rename)
// or in place (standard output, a device, a FIFO).
#pragma once

#include "status.hpp"

#include <nlohmann/json_fwd.hpp>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

namespace coffre::cli {

// --json output (cli/README.md, "JSON output"): `j` on standard output, what is not UTF-8 replaced (names need not be).
void print_json(const nlohmann::ordered_json& j);

// A 64-bit value in JSON: a decimal string, as it may exceed 2^53 (what a JSON number keeps exactly everywhere).
std::string json_u64(std::uint64_t v);

// "-" or empty means standard input / output.
bool is_std_stream(const std::string& path) noexcept;

// Reads until `size` bytes or end of input; `got` < size only at end of input. Retries on EINTR.
Status read_full(int fd, std::uint8_t* data, std::size_t size, std::size_t& got, const std::string& name);
// Writes everything. Retries on EINTR and short writes.
Status write_all(int fd, const std::uint8_t* data, std::size_t size, const std::string& name);

class Input {
 public:
  Input() = default;
  Input(const Input&) = delete;
  Input& operator=(const Input&) = delete;
  ~Input();

  Status open(const std::string& path);
  // Takes `fd` (a pipe or socket another thread feeds, e.g. a blob of an HTTP store), closed with the Input.
  void adopt(int fd, std::string name, std::optional<std::uint64_t> size);
  int fd() const noexcept { return fd_; }
  // Hands the descriptor to a reader thread, which closes it.
  int release() noexcept;
  const std::string& name() const noexcept { return name_; }
  // Known for regular files only.
  std::optional<std::uint64_t> size() const noexcept { return size_; }

 private:
  int fd_ = -1;
  bool owned_ = false;
  std::string name_;
  std::optional<std::uint64_t> size_;
};

// Where the output goes, decided by what the path names (lstat, then stat through a symbolic link):
//   standard output ("-" or empty), a character device or a FIFO (also through a link, e.g. /dev/null,
//   /dev/stdout): written in place, never created, renamed over or removed; no --force needed.
//   a block device: written in place too, only with --force (it holds data).
//   nothing there, or a regular file (only with --force): a temporary file next to it, renamed at commit.
//   a directory, a socket, a symbolic link to anything else (a file, a directory, nothing): refused, even with
//   --force (a link is neither replaced nor followed to a file).
//
// Temporary files are named ".<name>.<pid>.<16 hex>.coffre-tmp" and flock()ed by their writer until they are renamed
// or removed; opening a temporary output first removes those of the directory that a killed run left (stale_temps).
class Output {
 public:
  // in_place (user outputs: -o, drive get): as above. replace (files of the program's own, e.g. the store's
  // objects): anything but a directory at the path is treated like a regular file, never written in place.
  enum class NonRegular { in_place, replace };

  Output() = default;
  Output(const Output&) = delete;
  Output& operator=(const Output&) = delete;
  ~Output();  // discards an uncommitted temporary file

  // Refuses what `open` would refuse (kExitUsage: an existing file without `force`, a directory, a link...). Cheap:
  // call it before any slow step (passphrase, Argon2id).
  static Status check(const std::string& path, bool force, NonRegular non_regular = NonRegular::in_place);
  // Creates the temporary file (O_EXCL, 0600, locked) next to `path` and arms its removal on SIGINT/SIGTERM/SIGHUP;
  // or opens the device or FIFO `path` names; or selects standard output.
  Status open(const std::string& path, bool force, NonRegular non_regular = NonRegular::in_place);
  // Sends every write to `sink` instead (a blob being uploaded, store.hpp's BlobWriter): written in place; commit
  // and discard leave it to the sink's owner.
  using Sink = std::function<Status(const std::uint8_t* data, std::size_t size)>;
  void open_sink(std::string name, Sink sink);

  int fd() const noexcept { return fd_; }
  bool is_stdout() const noexcept { return stdout_; }
  // Standard output, a device or a FIFO: bytes are visible to a reader as they are written (a decryption releases
  // each chunk once it authenticated), and a failure cannot take back what was written.
  bool writes_in_place() const noexcept { return temp_.empty(); }
  const std::string& name() const noexcept { return name_; }
  const std::string& temp_path() const noexcept { return temp_; }

  // File output is written with O_DIRECT where the file system allows it: the data goes from our buffers to the
  // disk without a copy into the page cache (the most expensive part of writing here), and the final fsync has
  // little left to do. Direct writes need buffers and sizes aligned to kDirectAlign; anything else (the last bytes,
  // a file system that refuses) falls back to ordinary writes.
  static constexpr std::size_t kDirectAlign = 4096;

  // Writes everything (called by one writer thread).
  Status write(const std::uint8_t* data, std::size_t size);
  // Temporary file: fsync, rename to the final name (never over an existing file unless `force`), fsync the
  // directory. In place: fsync a block device, close.
  Status commit();
  // Temporary file: remove it. Nothing appears under the final name. In place: close.
  void discard() noexcept;

 private:
  int fd_ = -1;
  bool stdout_ = false;
  bool force_ = false;
  bool block_device_ = false;
  std::string name_;   // what the user named
  std::string final_;  // the path to rename to
  std::string temp_;
  bool direct_ = false;
  std::uint64_t written_ = 0;
  std::uint64_t synced_ = 0;
  Sink sink_;

  Status open_in_place(const std::string& path, bool force);
  Status open_temp(const std::string& path);
  void drop_direct() noexcept;
  void start_writeback() noexcept;
};

// Whether `path` (or standard output, for "-") is a terminal.
bool names_terminal(const std::string& path);

// Removes the temporary files in `dir` that runs of coffre left when they were killed: names of the form above,
// regular files of this user, whose lock can be taken (their writer is gone) and whose writer's pid is not running
// (or that did not change for a minute: the pid was reused). Says on stderr what it removed. Never fails.
void remove_stale_temps(const std::string& dir) noexcept;

}  // namespace coffre::cli
