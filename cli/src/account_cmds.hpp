// The account and device commands (docs/SPEC.md sections 9 to 14): init, whoami, device list / request / approve /
// revoke, recover. Local state in --home (device_state.hpp), shared objects in --store (store.hpp). Each returns
// the process exit code and prints its own messages.
#pragma once

#include "device_state.hpp"
#include "status.hpp"
#include "store.hpp"

#include <coffre/coffre.hpp>

#include <optional>
#include <string>

namespace coffre::cli {

struct AccountArgs {
  std::string home;             // default_home() when empty
  std::string store;            // default_store() when empty
  std::string passphrase_file;  // the device keys' passphrase (to protect new keys, or to unlock them)
  bool no_passphrase = false;   // new keys: store them unencrypted (mode 0600)
  bool yes = false;             // no confirmation question (the caller compares the security codes itself)
  unsigned timeout = 600;       // seconds to wait for the other device
  std::string name;             // this device's name (init, device request, recover)
  std::string user;             // the account's user id (device request, recover)
  std::string request_id;       // device approve
  std::string device;           // device revoke
  bool force = false;           // device revoke: take over the epoch objects a crashed revocation left
  std::string phrase_file;      // recover
};

// An enrolled device's account, opened for a command of another family (drive, contacts): the home locked for the
// whole command, the device list verified against the pinned head, this device's keys (asked for if protected)
// checked against it, the current account secrets opened. The pins are saved if the list moved forward.
struct UnlockedAccount {
  std::string home;
  HomeLock lock;
  DeviceState state;
  std::optional<VerifiedLog> log;
  std::optional<AccountSecrets> secrets;
};
Store store_for(const AccountArgs& a);  // --store, or the default store
Status unlock_enrolled(const AccountArgs& a, const Store& store, UnlockedAccount& u);
// The same without unlocking (no passphrase asked; `secrets` stays empty): for commands that need only the verified
// device list (contacts, fingerprint, verify, refuse). Saves nothing.
Status open_enrolled(const AccountArgs& a, const Store& store, UnlockedAccount& u);

int cmd_init(const AccountArgs& a);
int cmd_whoami(const AccountArgs& a);
int cmd_device_list(const AccountArgs& a);
int cmd_device_request(const AccountArgs& a);
int cmd_device_approve(const AccountArgs& a);
int cmd_device_revoke(const AccountArgs& a);
int cmd_recover(const AccountArgs& a);
#ifdef COFFRE_CLI_TEST_HOOKS
// Test build only (never in the shipped binary): prints this device's seeds, the current root key and the account
// secrets as JSON, so that a test can search the store for them.
int cmd_test_export_secrets(const AccountArgs& a);
#endif

}  // namespace coffre::cli
