#include "crash_point.hpp"

#ifdef COFFRE_CLI_TEST_HOOKS
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <string>
#endif

namespace coffre::cli {

#ifdef COFFRE_CLI_TEST_HOOKS
namespace {
struct CrashSpec {
  std::string name;     // empty: count every point
  unsigned long n = 0;  // 0: never
};

CrashSpec read_spec() {
  const char* v = std::getenv("COFFRE_TEST_CRASH_AT");
  if (v == nullptr || *v == '\0') return {};
  const std::string s(v);
  if (s.find_first_not_of("0123456789") == std::string::npos) return {"", std::strtoul(v, nullptr, 10)};
  // "name:N" splits at its last colon, followed by digits only: names may hold colons ("revoke: entry appended").
  const auto colon = s.rfind(':');
  if (colon == std::string::npos || colon + 1 == s.size() ||
      s.find_first_not_of("0123456789", colon + 1) != std::string::npos) {
    return {s, 1};
  }
  return {s.substr(0, colon), std::strtoul(s.c_str() + colon + 1, nullptr, 10)};
}
}  // namespace

void crash_point(const char* name) noexcept {
  static const CrashSpec spec = read_spec();
  static unsigned long passed = 0;
  if (spec.n == 0 || (!spec.name.empty() && spec.name != name)) return;
  if (++passed != spec.n) return;
  std::fprintf(stderr, "coffre-test-hooks: killed at crash point %lu, after %s\n", passed, name);
  std::raise(SIGKILL);
}
#else
void crash_point(const char*) noexcept {}
#endif

}  // namespace coffre::cli
