#include "progress.hpp"

#include <cstdio>
#include <unistd.h>

namespace coffre::cli {

Progress::Progress(std::string label, std::optional<std::uint64_t> total) : label_(std::move(label)) {
  enabled_ = total && *total >= kMinSize && isatty(STDERR_FILENO);
  total_ = total.value_or(0);
  start_ = last_ = std::chrono::steady_clock::now();
}

Progress::~Progress() { clear(); }

void Progress::advance(std::uint64_t bytes) {
  if (!enabled_) return;
  done_ += bytes;
  auto now = std::chrono::steady_clock::now();
  if (now - last_ < std::chrono::milliseconds(100) && done_ < total_) return;
  last_ = now;
  draw();
}

void Progress::draw() {
  constexpr int kWidth = 30;
  double frac = total_ ? static_cast<double>(done_) / static_cast<double>(total_) : 1.0;
  if (frac > 1.0) frac = 1.0;
  int filled = static_cast<int>(frac * kWidth);
  char bar[kWidth + 1];
  for (int i = 0; i < kWidth; ++i) bar[i] = i < filled ? '#' : '.';
  bar[kWidth] = '\0';
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  double mibs = secs > 0 ? static_cast<double>(done_) / (1 << 20) / secs : 0;
  std::fprintf(stderr, "\r%s [%s] %3d%%  %llu / %llu MiB  %.0f MiB/s ", label_.c_str(), bar,
               static_cast<int>(frac * 100), static_cast<unsigned long long>(done_ >> 20),
               static_cast<unsigned long long>(total_ >> 20), mibs);
  std::fflush(stderr);
  drawn_ = true;
}

void Progress::clear() {
  if (!drawn_) return;
  std::fprintf(stderr, "\r\033[K");
  std::fflush(stderr);
  drawn_ = false;
}

}  // namespace coffre::cli
