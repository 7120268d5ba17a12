// Deterministic generator of vectors/keyfile.json (docs/SPEC.md section 19), called by generate.cpp.
#pragma once

#include <string>

namespace coffre::vectors {

void write_key_file_vectors(const std::string& path);

}  // namespace coffre::vectors
