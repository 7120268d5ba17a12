// Replays the account vector files (vectors/README.md): xwing.json, recovery.json, device-log.json, enrollment.json
// and account-state.json, told apart by their "format". Used by replay.cpp, hence by the C++ tests and the CLI.
#pragma once

#include "replay.hpp"

#include <coffre/device_log.hpp>

#include <nlohmann/json.hpp>

#include <optional>
#include <vector>

namespace coffre::vectors {

// The outcomes of an account vector file, or nullopt if `doc` has another format.
std::optional<std::vector<VectorOutcome>> replay_account_vectors(const nlohmann::json& doc);

// device-log.json (SPEC 10.4), shared by its generator (tests/device_log_vectors_test.cpp) and its replayer: a head
// as { "seq": "<decimal string>", "hash": "<hex>" } (a u64 as a string: JSON readers may round large numbers), and
// the fields a success vector states about the verified log, in the file's order.
nlohmann::ordered_json device_log_head_json(const LogHead& head);
// std::runtime_error if `j` is not such a head.
LogHead device_log_head_from_json(const nlohmann::json& j);
nlohmann::ordered_json device_log_state_json(const VerifiedLog& log);

}  // namespace coffre::vectors
