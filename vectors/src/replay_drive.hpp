// Replay of vectors/drive.json (docs/SPEC.md section 18; format: vectors/README.md), called by replay.cpp.
#pragma once

#include "replay.hpp"

#include <nlohmann/json.hpp>

#include <optional>

namespace coffre::vectors {

// "drive-node" and "drive-name-hash": the whole outcome. "drive-file": a failing outcome if the derived key or
// context differs from the vector's `key` and `context`, else nullopt: the caller then opens `ciphertext` as a file
// vector with them.
std::optional<VectorOutcome> replay_drive_vector(const nlohmann::json& v);

}  // namespace coffre::vectors
