// The drive commands (docs/SPEC.md sections 15 and 18): an encrypted tree of folders and files in the store, whose
// names, sizes and contents only the account's devices (and the users a folder is shared with) can read.
//
//   mkdir [-p] PATH...      put LOCAL REMOTE      get REMOTE LOCAL [--range OFFSET:LENGTH]
//   ls [-l] [PATH]          ls --shared           mv SRC DST            rm [-r] PATH...       share PATH USER
//   unshare PATH USER
//
// Paths: "/a/b" in this account's drive; "@ID/a/b" inside a folder another user shared with this account (ID: the
// shared folder's node id, or a unique prefix of at least 8 hex digits, as `drive ls --shared` prints it).
// Each returns the process exit code and prints its own messages.
#pragma once

#include "account_cmds.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace coffre::cli {

struct DriveArgs {
  AccountArgs account;             // --home, --store, --passphrase-file
  std::vector<std::string> paths;  // the positional arguments
  bool parents = false;            // mkdir -p: create missing folders, an existing folder is no error
  bool long_format = false;        // ls -l
  bool shared = false;             // ls --shared
  bool recursive = false;          // rm -r
  bool force = false;              // put: replace a file's content (a new revision); get: replace LOCAL
  std::string range;               // get --range OFFSET:LENGTH
  std::string media_type;          // put --type (default: guessed from the name)
  unsigned threads = 0;            // 0: all cores
};

int cmd_drive_mkdir(const DriveArgs& a);
int cmd_drive_put(const DriveArgs& a);
int cmd_drive_get(const DriveArgs& a);
int cmd_drive_ls(const DriveArgs& a);
int cmd_drive_mv(const DriveArgs& a);
int cmd_drive_rm(const DriveArgs& a);
int cmd_drive_share(const DriveArgs& a);
int cmd_drive_unshare(const DriveArgs& a);

}  // namespace coffre::cli
