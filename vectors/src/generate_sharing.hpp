// The generator of vectors/sharing.json and vectors/directory.json (called by generate.cpp's main).
#pragma once

#include <string>

namespace coffre::vectors {

void write_sharing_vectors(const std::string& dir);
void write_directory_vectors(const std::string& dir);

}  // namespace coffre::vectors
