// The subcommands. Each returns the process exit code (status.hpp) and prints its own messages.
#pragma once

#include <coffre/coffre.hpp>

#include <cstdint>
#include <string>

namespace coffre::cli {

struct SecretArgs {
  std::string key_file;
  std::string passphrase_file;
};

struct ContextArgs {
  std::string id;
  std::uint64_t revision = 0;
  std::uint32_t key_version = 0;
};

struct CryptArgs {
  std::string input = "-";
  std::string output = "-";
  SecretArgs secret;
  ContextArgs context;
  std::uint32_t chunk_size = kDefaultChunkSize;  // encrypt only
  unsigned threads = 0;                          // 0: all cores
  bool force = false;
};

int cmd_encrypt(const CryptArgs& args);
int cmd_decrypt(const CryptArgs& args);
int cmd_keygen(const std::string& output, bool symmetric);
int cmd_inspect(const std::string& path, bool json);
int cmd_vectors_verify(const std::string& dir);

}  // namespace coffre::cli
