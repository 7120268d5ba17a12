// coffre: the command-line tool. Option parsing only; the commands live in commands.cpp, inspect.cpp,
// vectors_verify.cpp.
#include "commands.hpp"
#include "signals.hpp"
#include "status.hpp"

#include <CLI/CLI.hpp>

#include <cstdio>

namespace {

using namespace coffre::cli;

constexpr const char* kExitCodes = R"(Exit codes:
  0      success
  1      authentication or integrity failure: wrong key or passphrase, wrong --id/--revision/--key-version,
         modified, truncated or extended data, not a coffre file
  2      usage error: bad options, unusable key file, output exists (pass --force), no terminal for a passphrase
  3      I/O or system error: cannot read or write a file, disk full, out of memory
  128+N  interrupted by signal N (SIGINT, SIGTERM, SIGHUP): the temporary output file was removed)";

constexpr const char* kDecryptFooter = R"(Output to a FILE is atomic: plaintext goes to a temporary file next to it (mode 0600), renamed to FILE only
after the whole input authenticated and ended properly. On any error or interruption nothing appears under FILE.

Output to standard output (no -o, or -o -) is STREAMED: each chunk is written as soon as it authenticated, so an
error may come after some output. That output is authentic but incomplete: only exit code 0 means the stream ended
properly and is complete. With exit code 1, discard what was written.)";

// CLI11 converts "-1" to a huge unsigned value: refuse a sign before conversion.
const CLI::Validator kNotNegative(
    [](std::string& v) { return v.find('-') == std::string::npos ? std::string() : std::string("must not be negative"); },
    "");

void add_context_options(CLI::App* cmd, CryptArgs& a) {
  cmd->add_option("--id", a.context.id, "Object id the file is bound to (e.g. a Drive file id); default empty")
      ->group("Context (must match at decryption)");
  cmd->add_option("--revision", a.context.revision, "Revision the file is bound to; default 0")
      ->check(kNotNegative)
      ->group("Context (must match at decryption)");
  cmd->add_option("--key-version", a.context.key_version, "Key version (also written in the header); default 0")
      ->check(kNotNegative)
      ->group("Context (must match at decryption)");
}

void add_secret_options(CLI::App* cmd, CryptArgs& a, bool encrypt) {
  auto* key = cmd->add_option("--key-file", a.secret.key_file,
                              "Symmetric key file (from 'coffre keygen --symmetric -o FILE')")
                  ->group("Key (default: type a passphrase on the terminal)");
  auto* pass = cmd->add_option("--passphrase-file", a.secret.passphrase_file,
                               encrypt ? "Read the passphrase from FILE (trailing newline removed); Argon2id, "
                                         "opslimit 3, 256 MiB"
                                       : "Read the passphrase from FILE (trailing newline removed)")
                   ->group("Key (default: type a passphrase on the terminal)");
  key->excludes(pass);
  pass->excludes(key);
}

void add_io_options(CLI::App* cmd, CryptArgs& a, const char* in_what, const char* out_what) {
  cmd->add_option("-i,--input", a.input, std::string(in_what) + " (default: standard input, or -)");
  cmd->add_option("-o,--output", a.output, std::string(out_what) + " (default: standard output, or -)");
  cmd->add_flag("-f,--force", a.force, "Replace the output file if it exists");
  cmd->add_option("--threads", a.threads, "Threads for the crypto (default 0: all cores)")
      ->check(kNotNegative & CLI::Range(0u, 1024u));
}

}  // namespace

int main(int argc, char** argv) {
  signals::install();
  if (coffre::init() != coffre::Error::ok) {
    std::fprintf(stderr, "coffre: cannot initialize libsodium\n");
    return kExitIo;
  }

  CLI::App app{"coffre: end-to-end encryption of files, on your machine (docs/SPEC.md version 1)", "coffre"};
  app.set_version_flag("--version", std::string("coffre ") + COFFRE_VERSION);
  app.require_subcommand(1);
  app.footer(kExitCodes);

  CryptArgs enc_args;
  auto* enc = app.add_subcommand("encrypt", "Encrypt a file or a pipe");
  add_io_options(enc, enc_args, "Plaintext to encrypt", "Where to write the ciphertext; written atomically to a file");
  add_secret_options(enc, enc_args, true);
  add_context_options(enc, enc_args);
  enc->add_option("--chunk-size", enc_args.chunk_size, "Plaintext bytes per chunk, 64 to 1M (default 64K)")
      ->transform(CLI::AsSizeValue(false));
  enc->footer(
      "Passphrases are typed twice on the terminal (/dev/tty), without echo, unless --passphrase-file or --key-file "
      "is given.\nOutput to a FILE is atomic (temporary file, fsync, rename); refuses to write to a terminal.\n\n" +
      std::string(kExitCodes));

  CryptArgs dec_args;
  auto* dec = app.add_subcommand("decrypt", "Decrypt a file or a pipe");
  add_io_options(dec, dec_args, "Ciphertext to decrypt", "Where to write the plaintext");
  add_secret_options(dec, dec_args, false);
  add_context_options(dec, dec_args);
  dec->footer(std::string(kDecryptFooter) + "\n\n" + kExitCodes);

  std::string key_out;
  bool symmetric = false;
  auto* keygen = app.add_subcommand("keygen", "Create a key file (mode 0600; never replaces a file)");
  keygen->add_flag("--symmetric", symmetric, "A 32-byte symmetric key (the only kind for now)");
  keygen->add_option("-o,--output", key_out, "The key file to create")->required();

  std::string inspect_path;
  bool inspect_json = false;
  auto* inspect = app.add_subcommand("inspect", "Show the public header fields of an encrypted file (no key needed)");
  inspect->add_option("FILE", inspect_path, "An encrypted file (- for standard input)")->required();
  inspect->add_flag("--json", inspect_json, "Print JSON, for scripts");
  inspect->footer("Nothing is authenticated without the key: a forged header shows forged fields.");

  std::string vectors_dir;
  auto* vectors = app.add_subcommand("vectors", "Test vectors");
  vectors->require_subcommand(1);
  auto* verify = vectors->add_subcommand("verify", "Replay every DIR/*.json vector file; exit 0 only if all pass");
  verify->add_option("DIR", vectors_dir, "A directory of vector files (e.g. vectors/)")->required();

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? kExitOk : kExitUsage;
  }

  if (*enc) return cmd_encrypt(enc_args);
  if (*dec) return cmd_decrypt(dec_args);
  if (*keygen) return cmd_keygen(key_out, symmetric);
  if (*inspect) return cmd_inspect(inspect_path, inspect_json);
  if (*verify) return cmd_vectors_verify(vectors_dir);
  return kExitUsage;
}
