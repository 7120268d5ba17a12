// The contact and sharing commands (docs/SPEC.md sections 15 to 17): publish, contacts, fingerprint, verify, refuse,
// and the shared files: encrypt -r, decrypt of a shared file, share, unshare. Each returns the process exit code and
// prints its own messages; on failure nothing changes in the home (nor in FILE for unshare).
#pragma once

#include "account_cmds.hpp"
#include "commands.hpp"

#include <string>
#include <vector>

namespace coffre::cli {

struct SharingArgs {
  AccountArgs account;                  // --home, --store, --passphrase-file
  std::string user;                     // USER (fingerprint, verify, refuse, share, unshare)
  std::string safety_number;            // verify
  std::string file;                     // share, unshare: a shared file (encrypt -r's output)
  std::vector<std::string> recipients;  // encrypt -r
};

int cmd_publish(const SharingArgs& a);
int cmd_contacts(const SharingArgs& a);
int cmd_fingerprint(const SharingArgs& a);
int cmd_verify(const SharingArgs& a);
int cmd_refuse(const SharingArgs& a);
// encrypt -r USER...: `crypt` holds input, output, force, chunk size and threads (no key or context options).
int cmd_encrypt_shared(const SharingArgs& a, const CryptArgs& crypt);
// decrypt of a file that starts with the shared-file prefix (SPEC section 15).
int cmd_decrypt_shared(const SharingArgs& a, const CryptArgs& crypt);
int cmd_share(const SharingArgs& a);
int cmd_unshare(const SharingArgs& a);

}  // namespace coffre::cli
