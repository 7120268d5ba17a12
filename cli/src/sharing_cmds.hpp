// The contact and sharing commands (docs/SPEC.md sections 15 to 17): publish, contacts, fingerprint, verify, refuse,
// and the shared files: encrypt -r, decrypt of a shared file, share, unshare. Each returns the process exit code and
// prints its own messages; on failure nothing changes in the home (nor in FILE for unshare).
#pragma once

#include "account_cmds.hpp"
#include "armor_io.hpp"
#include "commands.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace coffre::cli {

struct SharingArgs {
  AccountArgs account;                  // --home, --store, --passphrase-file
  std::string user;                     // USER (fingerprint, verify, refuse, share, unshare)
  std::string safety_number;            // verify
  std::string file;                     // share, unshare: a shared file (encrypt -r's output)
  unsigned threads = 0;                 // unshare's re-encryption
};

// The prefix of a shared file (SPEC section 15): "CFRF" | 0x01 | owner_user_id[16] | document_id[16], then a file
// envelope (section 5, raw key) under the document's content key, in the context shared_file_context.
inline constexpr std::array<std::uint8_t, 4> kSharedMagic{'C', 'F', 'R', 'F'};
inline constexpr std::uint8_t kSharedVersion = 0x01;
inline constexpr std::size_t kSharedPrefixSize = 37;
// object_id "coffre-shared-file-v1/<owner hex>/<document hex>", revision 0, key_version.
Context shared_file_context(const DocumentRef& doc, std::uint32_t key_version);

int cmd_publish(const SharingArgs& a);
int cmd_contacts(const SharingArgs& a);
int cmd_fingerprint(const SharingArgs& a);
int cmd_verify(const SharingArgs& a);
int cmd_refuse(const SharingArgs& a);
// encrypt -r USER... (from cmd_encrypt): a new document of purpose `file` for this account and the recipients.
int cmd_encrypt_shared(const CryptArgs& a);
// decrypt of a shared file (from cmd_decrypt), whose first 4 bytes (the magic) were read from `in` (through
// `armor`, if the input was armored).
int cmd_decrypt_shared(const CryptArgs& a, Input& in, ArmorReader& armor);
int cmd_share(const SharingArgs& a);
int cmd_unshare(const SharingArgs& a);

}  // namespace coffre::cli
