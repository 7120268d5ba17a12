// Replay of the sharing and directory vectors (docs/SPEC.md sections 16 and 17), called by replay.cpp.
#pragma once

#include "replay.hpp"

#include <nlohmann/json.hpp>

#include <optional>

namespace coffre::vectors {

using json = nlohmann::json;

// The outcome of a vector whose "envelope" is access-list, content-wrap, directory-record, safety-number or trust-store;
// nullopt for any other vector.
std::optional<VectorOutcome> replay_sharing_vector(const json& v);

}  // namespace coffre::vectors
