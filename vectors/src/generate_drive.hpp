// Deterministic generator of vectors/drive.json (docs/SPEC.md section 18), called by generate.cpp.
#pragma once

#include <string>

namespace coffre::vectors {

void write_drive_vectors(const std::string& path);

}  // namespace coffre::vectors
