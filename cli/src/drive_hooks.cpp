// drive_crash_point (drive_tree.hpp): compiled once per executable, like main.cpp, so that only the test build
// (coffre-test-hooks, COFFRE_CLI_TEST_HOOKS) can kill itself at a step; the shipped binary has no such code.
#include "drive_tree.hpp"

#ifdef COFFRE_CLI_TEST_HOOKS
#include <csignal>
#include <cstdlib>
#include <string>
#include <unistd.h>
#endif

namespace coffre::cli {

#ifdef COFFRE_CLI_TEST_HOOKS
// COFFRE_TEST_CRASH_AT="step" or "step:N" (the N-th time, from 1): SIGKILL, as a power cut or kill -9 would.
void drive_crash_point(const char* step) {
  static const char* spec = std::getenv("COFFRE_TEST_CRASH_AT");
  static unsigned seen = 0;
  if (spec == nullptr) return;
  const std::string s(spec);
  const auto colon = s.find(':');
  if (s.substr(0, colon) != step) return;
  const unsigned long n = colon == std::string::npos ? 1 : std::strtoul(s.c_str() + colon + 1, nullptr, 10);
  if (++seen == n) kill(getpid(), SIGKILL);
}
#else
void drive_crash_point(const char*) {}
#endif

}  // namespace coffre::cli
