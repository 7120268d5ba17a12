// Deterministic generator of vectors/store-request.json (docs/STORE.md section 2), called by generate.cpp.
#pragma once

#include <string>

namespace coffre::vectors {

void write_store_request_vectors(const std::string& path);

}  // namespace coffre::vectors
