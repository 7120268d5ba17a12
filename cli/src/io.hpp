// Files and pipes: the input, and an output written atomically (temporary file in the same directory, fsync, rename)
// or streamed to standard output.
#pragma once

#include "status.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

namespace coffre::cli {

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

class Output {
 public:
  Output() = default;
  Output(const Output&) = delete;
  Output& operator=(const Output&) = delete;
  ~Output();  // discards an uncommitted temporary file

  // Refuses an existing path unless `force` (kExitUsage). Cheap: call it before any slow step (passphrase, Argon2id).
  static Status check(const std::string& path, bool force);
  // Creates the temporary file (O_EXCL, 0600) next to `path` and arms its removal on SIGINT/SIGTERM/SIGHUP, or
  // selects standard output.
  Status open(const std::string& path, bool force);

  int fd() const noexcept { return fd_; }
  bool is_stdout() const noexcept { return stdout_; }
  const std::string& name() const noexcept { return name_; }
  const std::string& temp_path() const noexcept { return temp_; }

  // File output is written with O_DIRECT where the file system allows it: the data goes from our buffers to the
  // disk without a copy into the page cache (the most expensive part of writing here), and the final fsync has
  // little left to do. Direct writes need buffers and sizes aligned to kDirectAlign; anything else (the last bytes,
  // a file system that refuses) falls back to ordinary writes.
  static constexpr std::size_t kDirectAlign = 4096;

  // Writes everything (called by one writer thread).
  Status write(const std::uint8_t* data, std::size_t size);
  // File: fsync, rename to the final name (never over an existing file unless `force`), fsync the directory.
  Status commit();
  // File: close and remove the temporary file. Nothing appears under the final name.
  void discard() noexcept;

 private:
  int fd_ = -1;
  bool stdout_ = false;
  bool force_ = false;
  std::string name_;   // what the user named
  std::string final_;  // the path to rename to
  std::string temp_;
  bool direct_ = false;
  std::uint64_t written_ = 0;
  std::uint64_t synced_ = 0;

  void drop_direct() noexcept;
  void start_writeback() noexcept;
};

}  // namespace coffre::cli
