// Deterministic generator of vectors/kek_wrap.json (docs/SPEC.md section 21), called by generate.cpp.
#pragma once

#include <string>

namespace coffre::vectors {

void write_kek_wrap_vectors(const std::string& path);

}  // namespace coffre::vectors
