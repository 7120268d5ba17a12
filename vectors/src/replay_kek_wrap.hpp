// Replays vectors/kek_wrap.json (docs/SPEC.md section 21; format in vectors/README.md).
#pragma once

#include "replay.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <vector>

namespace coffre::vectors {

// std::nullopt if `doc` is not a "coffre-kek-wrap-vectors" file.
std::optional<std::vector<VectorOutcome>> replay_kek_wrap_vectors(const nlohmann::json& doc);

}  // namespace coffre::vectors
