// Replays the account vector files (vectors/README.md): xwing.json, recovery.json, device-log.json, enrollment.json
// and account-state.json, told apart by their "format". Used by replay.cpp, hence by the C++ tests and the CLI.
#pragma once

#include "replay.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <vector>

namespace coffre::vectors {

// The outcomes of an account vector file, or nullopt if `doc` has another format.
std::optional<std::vector<VectorOutcome>> replay_account_vectors(const nlohmann::json& doc);

}  // namespace coffre::vectors
