// Replays vectors/armor.json (ASCII armor, docs/SPEC.md section 20; format: vectors/README.md) through
// coffre::ArmorDecoder and ArmorEncoder. Used by replay.cpp, hence by the C++ tests and the CLI.
#pragma once

#include "replay.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <vector>

namespace coffre::vectors {

// The outcomes of an armor vector file, or nullopt if `doc` has another format.
std::optional<std::vector<VectorOutcome>> replay_armor_vectors(const nlohmann::json& doc);

}  // namespace coffre::vectors
