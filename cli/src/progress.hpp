// A one-line progress bar on stderr, only for large inputs of known size and only when stderr is a terminal.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace coffre::cli {

class Progress {
 public:
  static constexpr std::uint64_t kMinSize = 64ull << 20;

  Progress(std::string label, std::optional<std::uint64_t> total);
  ~Progress();
  void advance(std::uint64_t bytes);
  // Erases the bar (call before printing anything else on stderr).
  void clear();

 private:
  void draw();

  bool enabled_ = false;
  bool drawn_ = false;
  std::string label_;
  std::uint64_t total_ = 0;
  std::uint64_t done_ = 0;
  std::chrono::steady_clock::time_point start_, last_;
};

}  // namespace coffre::cli
