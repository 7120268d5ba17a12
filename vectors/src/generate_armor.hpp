// Deterministic generator of vectors/armor.json (docs/SPEC.md section 20), called by generate.cpp.
#pragma once

#include <string>

namespace coffre::vectors {

void write_armor_vectors(const std::string& path);

}  // namespace coffre::vectors
