// coffre vectors verify DIR: replays every DIR/*.json with the shared replay library (vectors/src/replay.hpp).
#include "commands.hpp"
#include "status.hpp"

#include <replay.hpp>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <system_error>
#include <vector>

namespace coffre::cli {

int cmd_vectors_verify(const std::string& dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  std::vector<fs::path> files;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->path().extension() == ".json" && it->is_regular_file()) files.push_back(it->path());
  }
  if (ec) return report(Status::fail(kExitIo, "cannot read the directory " + dir + ": " + ec.message()));
  if (files.empty()) {
    return report(Status::fail(kExitAuth, "no *.json vector files in " + dir + ": nothing was verified"));
  }
  std::sort(files.begin(), files.end());

  std::size_t passed = 0, failed = 0;
  for (const fs::path& f : files) {
    std::printf("%s\n", f.filename().c_str());
    for (const auto& o : vectors::replay_vector_file(f)) {
      if (o.pass) {
        ++passed;
        std::printf("  pass  %s\n", o.name.c_str());
      } else {
        ++failed;
        std::printf("  FAIL  %s: %s\n", o.name.c_str(), o.detail.c_str());
      }
    }
  }
  std::printf("%zu passed, %zu failed, %zu files\n", passed, failed, files.size());
  std::fflush(stdout);
  if (failed > 0) return report(Status::fail(kExitAuth, std::to_string(failed) + " vectors failed"));
  if (passed == 0) return report(Status::fail(kExitAuth, "the vector files in " + dir + " hold no vectors"));
  return kExitOk;
}

}  // namespace coffre::cli
