// Replays vector files (format: vectors/README.md). Shared by the C++ tests and `coffre vectors verify`.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace coffre::vectors {

struct VectorOutcome {
  std::string name;
  bool pass = false;
  std::string detail;  // what differed, for a failing vector
};

// One outcome per vector; a file that cannot be read or parsed gives one failing outcome named after the file.
std::vector<VectorOutcome> replay_vector_file(const std::filesystem::path& path);

// Every *.json file of a directory, in name order.
std::vector<VectorOutcome> replay_vector_dir(const std::filesystem::path& dir);

}  // namespace coffre::vectors
