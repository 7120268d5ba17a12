// Replays vectors/keyfile.json (symmetric key files, docs/SPEC.md section 19; format: vectors/README.md) through
// coffre::parse_key_file, the parser of `coffre --key-file`. Used by replay.cpp, hence by the C++ tests and the CLI.
#pragma once

#include "replay.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <vector>

namespace coffre::vectors {

// The outcomes of a key-file vector file, or nullopt if `doc` has another format.
std::optional<std::vector<VectorOutcome>> replay_key_file_vectors(const nlohmann::json& doc);

}  // namespace coffre::vectors
