// The subcommands. Each returns the process exit code (status.hpp) and prints its own messages.
#pragma once

#include "account_cmds.hpp"
#include "io.hpp"
#include "status.hpp"

#include <coffre/coffre.hpp>

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace coffre::cli {

struct SecretArgs {
  std::string key_file;
  std::string passphrase_file;
  // decrypt: the most Argon2id work a passphrase file's header may ask for (docs/SPEC.md 5.1).
  std::uint32_t max_argon2_passes = kDefaultMaxOpslimit;
  std::uint32_t max_argon2_mib = kDefaultMaxMemlimitKib / 1024;
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
  // Shared files (SPEC section 15): encrypt -r USER..., and decrypt of a file that starts with the shared-file
  // prefix. account.passphrase_file is then the device keys' passphrase (secret.passphrase_file given on the
  // command line).
  std::vector<std::string> recipients;
  std::vector<std::string> recipients_files;  // encrypt -R FILE: more recipients, one per line (read_recipients_files)
  AccountArgs account;
  bool armor = false;  // encrypt -a: ASCII armor (docs/SPEC.md section 20)
};

int cmd_encrypt(const CryptArgs& args);
int cmd_decrypt(const CryptArgs& args);
int cmd_keygen(const std::string& output, bool symmetric);
int cmd_inspect(const std::string& path, bool json);
int cmd_vectors_verify(const std::string& dir);

// Building blocks of encrypt/decrypt, for the shared-file commands (shared_files.cpp).

// Where a failure's likely cause is: the command line of encrypt/decrypt (a key file, a passphrase, the context
// options), or nothing the user typed (Drive: the store served the content, the client chose keys and contexts).
enum class Hints { command_line, none };

// "<message> (<code>)", plus, for Hints::command_line, what to check on the command line.
Status library_failure(Error e, int code, Hints hints = Hints::command_line);

// A file envelope's header (SPEC 5.1), read before any secret is needed, checked for everything that needs no key.
struct FileHead {
  std::array<std::uint8_t, kFileHeaderMaxSize> bytes{};
  std::size_t size = 0;
  FileHeaderInfo info;
};
// Reads the header at the current position of `in`; the first h.size bytes may already be in h.bytes.
Status read_file_head(Input& in, FileHead& h, Hints hints = Hints::command_line);

// Writes `prefix`, then streams the rest of `in` through `enc` (chunks of `chunk_size`) to `out`. Does not commit.
Status encrypt_stream(FileEncryptor& enc, std::uint32_t chunk_size, Input& in, Output& out,
                      std::span<const std::uint8_t> prefix);

// Feeds `head` to `dec`, which authenticates it: call it before opening the output, so that a wrong key or context
// creates no file.
Status authenticate_head(FileDecryptor& dec, const FileHead& head, Hints hints = Hints::command_line);
// Streams the rest of `in` through `dec` (after authenticate_head) to `out`. Does not commit. Failure messages as
// cmd_decrypt's (what was released to standard output).
Status decrypt_stream(FileDecryptor& dec, const FileHead& head, Input& in, Output& out,
                      Hints hints = Hints::command_line);

// Writes `prefix`, then streams the rest of `in` through `dec` (after authenticate_head) and `enc` to `out`: the
// plaintext is never whole in memory nor on disk. Does not commit.
Status reencrypt_stream(FileDecryptor& dec, const FileHead& head, FileEncryptor& enc, std::uint32_t chunk_size,
                        Input& in, Output& out, std::span<const std::uint8_t> prefix,
                        Hints hints = Hints::command_line);

// Random access to a regular file (docs/SPEC.md 5.5): reads its final chunk and opens the reader on it, which
// authenticates the file's size before any range is read. A failed read is io_error; a short one, truncated.
Result<FileRangeReader> open_range_reader(const Input& in, std::span<const std::uint8_t> header,
                                          const ContentKey& key, const Context& ctx);

// kExitUsage if `output` is standard output on a terminal (binary ciphertext; armored ciphertext is text).
Status refuse_terminal_output(const CryptArgs& a);

// encrypt -R: appends the user ids of each file to `recipients`. One per line; each line is trimmed of spaces, TABs
// and CR; an empty line or one starting with '#' is skipped; any other line must be 8 to 32 hex digits (kExitUsage,
// naming the file and line). A file with no user id is a usage error too.
Status read_recipients_files(const std::vector<std::string>& files, std::vector<std::string>& recipients);

}  // namespace coffre::cli
