#include "crash_point.hpp"

#ifdef COFFRE_CLI_TEST_HOOKS
#include <csignal>
#include <cstdio>
#include <cstdlib>
#endif

namespace coffre::cli {

#ifdef COFFRE_CLI_TEST_HOOKS
void crash_point(const char* after) noexcept {
  static const long at = [] {
    const char* v = std::getenv("COFFRE_TEST_CRASH_AT");
    return v ? std::atol(v) : 0L;
  }();
  static long passed = 0;
  if (at <= 0 || ++passed != at) return;
  std::fprintf(stderr, "coffre-test-hooks: killed at crash point %ld, after %s\n", passed, after);
  std::raise(SIGKILL);
}
#else
void crash_point(const char*) noexcept {}
#endif

}  // namespace coffre::cli
