// Replays vectors/store-request.json (signed store requests, docs/STORE.md section 2; format: vectors/README.md)
// through the C++ API. Used by replay.cpp, hence by the C++ tests and `coffre vectors verify`.
#pragma once

#include "replay.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <vector>

namespace coffre::vectors {

// The outcomes of a store-request vector file, or nullopt if `doc` has another format.
std::optional<std::vector<VectorOutcome>> replay_store_request_vectors(const nlohmann::json& doc);

}  // namespace coffre::vectors
