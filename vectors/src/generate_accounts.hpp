// The account vector files that coffre_vectors_gen writes: enrollment.json and account-state.json (vectors/README.md).
#pragma once

#include <string>

namespace coffre::vectors {

void write_account_vectors(const std::string& dir);

}  // namespace coffre::vectors
