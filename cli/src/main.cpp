// coffre: the command-line tool. Option parsing only; the commands live in commands.cpp, inspect.cpp,
// vectors_verify.cpp, account_cmds.cpp, sharing_cmds.cpp, shared_files.cpp.
// The one definition of the command line: coffre-docgen (COFFRE_CLI_DOCGEN) builds the same App to write the man
// page and completions; examples.cpp holds the examples every --help ends with.
#include "account_cmds.hpp"
#include "commands.hpp"
#include "sharing_cmds.hpp"
#include "drive_cmds.hpp"
#include "examples.hpp"
#ifdef COFFRE_CLI_DOCGEN
#include "docgen.hpp"
#endif
#include "signals.hpp"
#include "status.hpp"

#include <CLI/CLI.hpp>
#include <coffre/threads.hpp>

#include <cstdio>
#include <cstdlib>
#include <cstring>

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

Output to standard output (no -o, or -o -), a device or a FIFO (-o /dev/null, -o my.fifo: written in place, never
replaced) is STREAMED: each chunk is written as soon as it authenticated, so an error may come after some output.
That output is authentic but incomplete: only exit code 0 means the stream ended properly and is complete. With exit
code 1, discard what was written.)";

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
  // age's -i (an identity file): here the symmetric key file.
  auto* identity = cmd->add_option("-i,--identity", a.secret.key_file, "The same as --key-file (as in age)")
                       ->group("Key (default: type a passphrase on the terminal)");
  key->excludes(pass);
  pass->excludes(key);
  identity->excludes(key)->excludes(pass);
  key->excludes(identity);
  pass->excludes(identity);
  if (encrypt) return;
  // A passphrase file's header says how much Argon2id work opening it takes, before anything is authenticated.
  cmd->add_option("--max-argon2-passes", a.secret.max_argon2_passes,
                  "Refuse a passphrase file whose header asks for more Argon2id passes (default 4; format: 1-16)")
      ->check(kNotNegative & CLI::Range(1u, 16u))
      ->group("Key (default: type a passphrase on the terminal)");
  cmd->add_option("--max-argon2-mib", a.secret.max_argon2_mib,
                  "Refuse a passphrase file whose header asks for more Argon2id memory, in MiB (default 256; "
                  "format: up to 1024)")
      ->check(kNotNegative & CLI::Range(1u, 1024u))
      ->group("Key (default: type a passphrase on the terminal)");
}

void add_io_options(CLI::App* cmd, CryptArgs& a, const char* in_what, const char* out_what) {
  auto* input = cmd->add_option("--input", a.input, std::string(in_what) + " (default: standard input, or -)");
  auto* positional = cmd->add_option("IN", a.input, std::string(in_what) + " (the same as --input)");
  input->excludes(positional);
  cmd->add_option("-o,--output", a.output, std::string(out_what) + " (default: standard output, or -)");
  cmd->add_flag("-f,--force", a.force, "Replace the output file if it exists");
  cmd->add_option("--threads", a.threads, "Threads for the crypto (default 0: all cores)")
      ->check(kNotNegative & CLI::Range(0u, 1024u));
}

constexpr const char* kStoreHelp =
    "The store: a directory, or a server's URL (https://..., or http:// on this machine; docs/STORE.md). Default "
    "$COFFRE_STORE, else $XDG_DATA_HOME/coffre/store";

// --store DIR or URL: a URL that cannot be used is a usage error before anything runs.
const CLI::Validator kStoreLocation(
    [](std::string& value) {
      Status s = check_store_location(value);
      return s.ok() ? std::string() : s.message;
    },
    "DIR|URL");

// encrypt -r and decrypt of a shared file use the account (SPEC section 15).
void add_shared_file_options(CLI::App* cmd, CryptArgs& a) {
  cmd->add_option("--home", a.account.home, "Shared files: this device's local state (default $XDG_CONFIG_HOME/coffre)")
      ->group("Shared files (the account's keys; --passphrase-file unlocks this device's keys)");
  cmd->add_option("--store", a.account.store, kStoreHelp)
      ->envname("COFFRE_STORE")
      ->check(kStoreLocation)
      ->group("Shared files (the account's keys; --passphrase-file unlocks this device's keys)");
}

constexpr const char* kAccountFooter = R"(Local state: --home DIR (default $XDG_CONFIG_HOME/coffre, else
~/.config/coffre), one file device.state, mode 0600, written atomically. Shared objects: --store DIR or URL (default
$COFFRE_STORE, else $XDG_DATA_HOME/coffre/store), what a server holds; assumed malicious: the device list is verified against the
head this device pinned before anything else. On any error the home directory is left as it was (except that
'device approve' records an answered request id as used, SPEC section 12). Contacts and sharing keep
trust.state, pins.state and contact-logs.state in the home (SPEC section 15).

Exit codes:
  0      success
  1      integrity or authentication failure: log_rollback, log_fork, log_broken_chain, log_invalid,
         signature_invalid, device_revoked, identity_superseded, device_unexpected (a device this one never saw
         approved: 'device accept' or 'device revoke' it), wrap_invalid, device_not_enrolled, enrollment_*,
         recovery_phrase_invalid, wrong passphrase, security codes not confirmed, no answer in time; sharing:
         trust_mismatch (a contact's key changed, or a safety number differs), user_refused, not_a_member,
         key_version_rollback, wrong_context, record_invalid (a record that is not the contact's device list's)
  2      usage error: bad options, no terminal to ask on, the home already holds a device, a concurrent change
  3      I/O or system error, or no such object in the store (not_found))";

// --json: the output as JSON, and failures as one JSON line on stderr (cli/README.md, "JSON output").
void add_json_flag(CLI::App* cmd, bool& json) {
  cmd->add_flag("--json", json, "Print JSON, for scripts (cli/README.md); failures too, as one JSON line on stderr");
}

constexpr const char* kUserHelp =
    "A user id (32 hex digits, as 'coffre whoami' prints it), or its first 8+ hex digits for a known contact";

void add_home_options(CLI::App* cmd, AccountArgs& a) {
  cmd->add_option("--home", a.home, "This device's local state (default $XDG_CONFIG_HOME/coffre)")->group("Places");
  cmd->add_option("--store", a.store, kStoreHelp)->envname("COFFRE_STORE")->check(kStoreLocation)->group("Places");
  cmd->footer(kAccountFooter);
}

void add_unlock_option(CLI::App* cmd, AccountArgs& a) {
  cmd->add_option("--passphrase-file", a.passphrase_file,
                  "The passphrase of this device's keys, if they have one (default: asked on the terminal)");
}

void add_new_keys_options(CLI::App* cmd, AccountArgs& a) {
  auto* file = cmd->add_option("--passphrase-file", a.passphrase_file,
                               "Protect this device's keys with the passphrase in FILE (Argon2id; default: typed "
                               "twice on the terminal)");
  auto* none = cmd->add_flag("--no-passphrase", a.no_passphrase,
                             "Keep this device's keys unencrypted (the state file is still mode 0600)");
  file->excludes(none);
  none->excludes(file);
  cmd->add_option("--name", a.name, "This device's name in the device list, up to 64 bytes (default: host name)");
}

void add_wait_options(CLI::App* cmd, AccountArgs& a) {
  cmd->add_option("--timeout", a.timeout, "Seconds to wait for the other device (default 600)")
      ->check(kNotNegative);
  cmd->add_flag("--yes", a.yes,
                "Do not ask for confirmation; the security code is still printed: compare it yourself");
}

constexpr const char* kDriveFooter = R"(Paths: /a/b in this account's drive; @ID/a/b inside a folder shared with you
(ID: its id or at least its first 8 hex digits, from 'coffre drive ls --shared'). Names, sizes and contents are
encrypted in the store (--store); the listing is decrypted here, every record checked against its folder.)";

struct DriveCommands {
  CLI::App *mkdir, *put, *get, *ls, *mv, *rm, *share, *unshare;
};

DriveCommands add_drive_commands(CLI::App& app, DriveArgs& d) {
  auto* drive = app.add_subcommand("drive", "An encrypted drive in the store: mkdir, put, get, ls, mv, rm, share, "
                                            "unshare");
  drive->require_subcommand(1);
  auto sub = [&](const char* name, const char* what, const char* positional, const char* positional_what) {
    auto* c = drive->add_subcommand(name, what);
    add_home_options(c, d.account);
    add_unlock_option(c, d.account);
    c->add_option(positional, d.paths, positional_what);
    c->footer(std::string(kDriveFooter) + "\n\n" + kAccountFooter);
    return c;
  };
  DriveCommands c{};
  c.mkdir = sub("mkdir", "Create folders", "PATH", "Folders to create");
  c.mkdir->add_flag("-p,--parents", d.parents, "Create missing parent folders; an existing folder is no error");
  c.put = sub("put", "Upload a local file (streamed, constant memory)", "LOCAL REMOTE",
              "The local file, and its drive path (or a folder to put it in)");
  c.put->add_flag("-f,--force", d.force,
                  "Replace the content of an existing file (a new revision), or take over a name an interrupted "
                  "upload left claimed");
  c.put->add_option("--type", d.media_type, "Media type to record (default: guessed from the name)");
  c.get = sub("get", "Download a file (atomic output, as decrypt)", "REMOTE LOCAL",
              "The drive path, and the local file (- for standard output)");
  c.get->add_flag("-f,--force", d.force, "Replace LOCAL if it exists");
  c.get->add_option("--range", d.range, "Only OFFSET:LENGTH bytes of the file (random access)");
  c.ls = sub("ls", "List a folder (default /)", "PATH", "A folder or file");
  c.ls->add_flag("-l", d.long_format, "Kind, size, modification time (UTC), media type");
  c.ls->add_flag("--shared", d.shared, "The folders other users shared with this account, as @ID");
  add_json_flag(c.ls, d.account.json);
  c.mv = sub("mv", "Move or rename a file or folder; moved away from members of a shared folder, it gets new keys "
                  "(its subtree re-encrypted)", "SRC DST", "What to move, and where (or a folder to move into)");
  c.rm = sub("rm", "Remove files, or empty folders", "PATH", "What to remove");
  c.rm->add_flag("-r,--recursive", d.recursive, "Remove folders with everything in them");
  c.share = sub("share", "Share a folder with another user (their key checked against your trust store)",
                "PATH USER", "The folder, and the user id (or a unique prefix of a known contact's)");
  c.unshare = sub("unshare", "Remove a user from a folder you shared: its next content key for the others, new keys "
                            "for everything in it (re-encrypted)", "PATH USER", "The folder, and the user to remove");
  for (CLI::App* x : {c.mkdir, c.put, c.get, c.ls, c.mv, c.rm, c.share, c.unshare}) {
    x->add_option("--threads", d.threads, "Threads for the crypto (default 0: all cores)")
        ->check(kNotNegative & CLI::Range(0u, 1024u));
  }
  return c;
}

// Whether --json is on the command line: a usage error is then reported as JSON too.
bool asks_for_json(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--json") == 0) return true;
  }
  return false;
}

// The exit code of the drive command that was parsed, or -1 if none was.
int run_drive_command(const DriveCommands& c, const DriveArgs& d) {
  if (*c.mkdir) return cmd_drive_mkdir(d);
  if (*c.put) return cmd_drive_put(d);
  if (*c.get) return cmd_drive_get(d);
  if (*c.ls) return cmd_drive_ls(d);
  if (*c.mv) return cmd_drive_mv(d);
  if (*c.rm) return cmd_drive_rm(d);
  if (*c.share) return cmd_drive_share(d);
  if (*c.unshare) return cmd_drive_unshare(d);
  return -1;
}

}  // namespace

int main(int argc, char** argv) {
  signals::install();
  if (coffre::init() != coffre::Error::ok) {
    std::fprintf(stderr, "coffre: cannot initialize libsodium\n");
    return kExitIo;
  }
  coffre::set_default_threads(coffre::all_cores());  // the tool, unlike a library user, wants every core by default

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
  add_shared_file_options(enc, enc_args);
  enc->add_option("-r,--recipient", enc_args.recipients,
                  "Share with USER (repeat for several; you are always included): a new shared file whose key the "
                  "store holds, wrapped to each recipient's published key after checking it against your contacts")
      ->allow_extra_args(false)
      ->group("Shared files (the account's keys; --passphrase-file unlocks this device's keys)");
  enc->add_option("-R,--recipients-file", enc_args.recipients_files,
                  "Share with the users listed in FILE, one user id per line ('#' comments, blank lines skipped; "
                  "repeatable, combines with -r)")
      ->allow_extra_args(false)
      ->group("Shared files (the account's keys; --passphrase-file unlocks this device's keys)");
  enc->add_flag("-a,--armor", enc_args.armor,
                "Write ASCII armor (PEM-like base64, docs/SPEC.md section 20); decrypt and inspect detect it");
  enc->footer(
      "Passphrases are typed twice on the terminal (/dev/tty), without echo, unless --passphrase-file or --key-file "
      "is given.\nOutput to a FILE is atomic (temporary file, fsync, rename); a device or a FIFO is written in place; "
      "refuses to write binary ciphertext to a terminal (armored output, -a, may go there).\n\n" +
      std::string(kExitCodes));

  CryptArgs dec_args;
  auto* dec = app.add_subcommand("decrypt", "Decrypt a file or a pipe");
  add_io_options(dec, dec_args, "Ciphertext to decrypt", "Where to write the plaintext");
  add_secret_options(dec, dec_args, false);
  add_context_options(dec, dec_args);
  add_shared_file_options(dec, dec_args);
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
  add_json_flag(inspect, inspect_json);
  inspect->footer("Nothing is authenticated without the key: a forged header shows forged fields, and the sizes come "
                  "from the file's length (a file cut or extended at a chunk boundary shows other sizes).");

  std::string vectors_dir;
  auto* vectors = app.add_subcommand("vectors", "Test vectors");
  vectors->require_subcommand(1);
  auto* verify = vectors->add_subcommand("verify", "Replay every DIR/*.json vector file; exit 0 only if all pass");
  verify->add_option("DIR", vectors_dir, "A directory of vector files (e.g. vectors/)")->required();

  AccountArgs acc;
  auto* init = app.add_subcommand("init", "Create an account and make this its first device; prints the recovery "
                                          "phrase once");
  add_home_options(init, acc);
  add_new_keys_options(init, acc);

  auto* whoami = app.add_subcommand("whoami", "Show the account and this device, after verifying both");
  add_home_options(whoami, acc);
  add_unlock_option(whoami, acc);
  add_json_flag(whoami, acc.json);

  auto* device = app.add_subcommand("device", "The account's devices: list, request, approve, accept, revoke");
  device->require_subcommand(1);
  auto* dev_list = device->add_subcommand("list", "Verify the device list against the pinned head and show it");
  add_home_options(dev_list, acc);
  add_json_flag(dev_list, acc.json);
  auto* dev_request = device->add_subcommand("request", "On a new device: ask to join an account (then approve it "
                                                        "on an enrolled device and compare the security codes)");
  add_home_options(dev_request, acc);
  add_new_keys_options(dev_request, acc);
  dev_request->add_option("--user", acc.user, "The account's user id (coffre whoami shows it)")->required();
  add_wait_options(dev_request, acc);
  auto* dev_approve = device->add_subcommand("approve", "On an enrolled device: answer a new device's request, "
                                                        "compare the security codes, add it");
  add_home_options(dev_approve, acc);
  add_unlock_option(dev_approve, acc);
  dev_approve->add_option("REQUEST-ID", acc.request_id,
                          "The id the new device printed (default: the only pending request)");
  add_wait_options(dev_approve, acc);
  auto* dev_accept = device->add_subcommand("accept", "Accept a device another of your devices added (after checking "
                                                      "it is yours): ends its device_unexpected alert here");
  add_home_options(dev_accept, acc);
  dev_accept->add_option("DEVICE-ID", acc.device, "The device's id, or at least its first 4 hex digits")->required();
  dev_accept->add_flag("--yes", acc.yes, "Do not ask for confirmation");
  auto* dev_revoke = device->add_subcommand("revoke", "Remove a device: it loses access to everything from now on "
                                                      "(new identity key, root key and suite key)");
  add_home_options(dev_revoke, acc);
  add_unlock_option(dev_revoke, acc);
  dev_revoke->add_option("DEVICE-ID", acc.device, "The device's id, or at least its first 4 hex digits")->required();
  dev_revoke->add_flag("--yes", acc.yes, "Do not ask for confirmation");
  dev_revoke->add_flag("--force", acc.force,
                       "Remove the next epoch's objects that a revocation which crashed before its log entries left "
                       "in the store (only when no other device is revoking at the same time)");

  auto* recover = app.add_subcommand("recover", "Enroll this new device with the account's 24-word recovery phrase");
  add_home_options(recover, acc);
  add_new_keys_options(recover, acc);
  recover->add_option("--user", acc.user, "The account's user id")->required();
  recover->add_option("--phrase-file", acc.phrase_file,
                      "Read the phrase from FILE (default: typed on the terminal, not shown)");

  SharingArgs sh;
  auto* publish = app.add_subcommand("publish", "Publish this account's directory record (its public keys) to the "
                                                "store, so that others can share with it");
  add_home_options(publish, sh.account);
  add_unlock_option(publish, sh.account);
  auto* contacts = app.add_subcommand("contacts", "List known contacts: user id, trust state, and any changed key "
                                                  "the store's directory shows");
  add_home_options(contacts, sh.account);
  add_json_flag(contacts, sh.account.json);
  auto* fingerprint = app.add_subcommand("fingerprint", "Show the safety number with USER, to compare out of band");
  add_home_options(fingerprint, sh.account);
  fingerprint->add_option("USER", sh.user, kUserHelp)->required();
  auto* verify_user = app.add_subcommand("verify", "Mark USER verified after comparing safety numbers (also accepts "
                                                   "a changed key whose number you compared)");
  add_home_options(verify_user, sh.account);
  verify_user->add_option("USER", sh.user, kUserHelp)->required();
  verify_user->add_option("SAFETY-NUMBER", sh.safety_number,
                          "The 60 digits USER's device shows (quote it; spaces and hyphens are ignored)")
      ->required();
  auto* refuse = app.add_subcommand("refuse", "Refuse USER's key: nothing is shared with them or accepted from them");
  add_home_options(refuse, sh.account);
  refuse->add_option("USER", sh.user, kUserHelp)->required();

  auto* share = app.add_subcommand("share", "Give USER access to a shared file you own (encrypt -r's output)");
  add_home_options(share, sh.account);
  add_unlock_option(share, sh.account);
  share->add_option("FILE", sh.file, "A shared file you own")->required();
  share->add_option("USER", sh.user, kUserHelp)->required();
  auto* unshare = app.add_subcommand("unshare", "Remove USER from a shared file you own: a new content key for the "
                                                "others, and FILE re-encrypted under it (atomically). Without USER: "
                                                "finish an interrupted unshare (FILE under an older key version)");
  add_home_options(unshare, sh.account);
  add_unlock_option(unshare, sh.account);
  unshare->add_option("FILE", sh.file, "A shared file you own (replaced by its re-encryption)")->required();
  unshare->add_option("USER", sh.user, kUserHelp);
  unshare->add_option("--threads", sh.threads, "Threads for the crypto (default 0: all cores)")
      ->check(kNotNegative & CLI::Range(0u, 1024u));

#ifdef COFFRE_CLI_TEST_HOOKS
  // Only in the test build (target coffre_cli_test_hooks), for tests/cli/account_test.py; never in the shipped binary.
  auto* test_export = app.add_subcommand("test-export-secrets", "");
  test_export->group("");
  add_home_options(test_export, acc);
  add_unlock_option(test_export, acc);
  ForgeArgs forge;
  auto* test_forge_entry = app.add_subcommand("test-forge-entry", "");
  auto* test_forge_record = app.add_subcommand("test-forge-record", "");
  for (CLI::App* c : {test_forge_entry, test_forge_record}) {
    c->group("");
    c->add_option("--store", forge.store)->required();
    c->add_option("--user", forge.user)->required();
    c->add_option("--identity-seed", forge.identity_seed)->required();
  }
  test_forge_entry->add_option("--author", forge.author)->required();
  test_forge_entry->add_option("--author-seed", forge.author_seed)->required();
  test_forge_entry->add_option("--name", forge.name);
  test_forge_record->add_option("--generation", forge.generation)->required();
  test_forge_record->add_option("--suite-seed", forge.suite_seeds)->required();
#endif

  DriveArgs drv;
  DriveCommands drive_cmds = add_drive_commands(app, drv);
  add_examples_to_footers(app);

#ifdef COFFRE_CLI_DOCGEN
  // Build-time generator (target coffre_cli_docgen): the man page and completions, from this very definition.
  return generate_docs(app, argc, argv);
#endif

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() != 0 && asks_for_json(argc, argv)) {
      return report_json(Status::fail(kExitUsage, e.what()));
    }
    int rc = app.exit(e);
    return rc == 0 ? kExitOk : kExitUsage;
  }
#ifdef COFFRE_CLI_TEST_HOOKS
  // tests/cli/docs_test.py: whether a command line parses (the examples of --help), without running it.
  if (std::getenv("COFFRE_TEST_PARSE_ONLY") != nullptr) return kExitOk;
#endif
  set_json_errors(inspect_json || acc.json || sh.account.json || drv.account.json);

  if (*enc) return cmd_encrypt(enc_args);
  if (*dec) return cmd_decrypt(dec_args);
  if (*keygen) return cmd_keygen(key_out, symmetric);
  if (*inspect) return cmd_inspect(inspect_path, inspect_json);
  if (*verify) return cmd_vectors_verify(vectors_dir);
  if (*init) return cmd_init(acc);
  if (*whoami) return cmd_whoami(acc);
  if (*dev_list) return cmd_device_list(acc);
  if (*dev_request) return cmd_device_request(acc);
  if (*dev_approve) return cmd_device_approve(acc);
  if (*dev_accept) return cmd_device_accept(acc);
  if (*dev_revoke) return cmd_device_revoke(acc);
  if (*recover) return cmd_recover(acc);
#ifdef COFFRE_CLI_TEST_HOOKS
  if (*test_export) return cmd_test_export_secrets(acc);
  if (*test_forge_entry) return cmd_test_forge_entry(forge);
  if (*test_forge_record) return cmd_test_forge_record(forge);
#endif
  if (*publish) return cmd_publish(sh);
  if (*contacts) return cmd_contacts(sh);
  if (*fingerprint) return cmd_fingerprint(sh);
  if (*verify_user) return cmd_verify(sh);
  if (*refuse) return cmd_refuse(sh);
  if (*share) return cmd_share(sh);
  if (*unshare) return cmd_unshare(sh);
  if (int rc = run_drive_command(drive_cmds, drv); rc >= 0) return rc;
  return kExitUsage;
}
