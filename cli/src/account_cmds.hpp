// The account and device commands (docs/SPEC.md sections 9 to 14): init, whoami, device list / request / approve /
// accept / revoke, recover. Local state in --home (device_state.hpp), shared objects in --store (store.hpp). Each
// returns the process exit code and prints its own messages.
#pragma once

#include "device_state.hpp"
#include "status.hpp"
#include "store.hpp"

#include <coffre/coffre.hpp>

#include <map>
#include <optional>
#include <string>
#include <vector>

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
  std::string device;           // device revoke, device accept
  bool force = false;           // device revoke: take over the epoch objects a crashed revocation left
  std::string phrase_file;      // recover
  bool json = false;            // --json: whoami, device list, contacts, drive ls print JSON (cli/README.md)
};

// For each device a verified log ever added, the author of its entry: the approving device, recovery_author_id()
// for a recovery enrollment, itself for the genesis device.
using EntryAuthors = std::map<DeviceId, DeviceId>;

// Fetches `user`'s device list from the store and verifies it against the pins (none: trust on first use).
// `authors`, if given, receives who authored each device's entry; `error`, the library error of a failure (not_found:
// a store without that account).
Status fetch_verified(const Store& store, const UserId& user, std::optional<LogHead> pin,
                      std::optional<LogHash> genesis, std::optional<VerifiedLog>& out, EntryAuthors* authors = nullptr,
                      Error* error = nullptr);

// An enrolled device's account, opened for a command of another family (drive, contacts): the home locked for the
// whole command, the device list verified against the pinned head and free of unexpected devices (device_unexpected:
// one this device never saw approved), this device's keys (asked for if protected) checked against it, the current
// account secrets opened. The pins are saved if the list moved forward.
struct UnlockedAccount {
  std::string home;
  HomeLock lock;
  DeviceState state;
  std::optional<VerifiedLog> log;
  std::optional<DeviceKeys> keys;  // unlock_enrolled only
  std::optional<AccountSecrets> secrets;
};
std::unique_ptr<Store> store_for(const AccountArgs& a);  // --store, or the default store
Status unlock_enrolled(const AccountArgs& a, const Store& store, UnlockedAccount& u);
// The same without unlocking (no passphrase asked; `keys` and `secrets` stay empty): for commands that need only the
// verified device list (contacts, fingerprint, verify, refuse). Saves nothing.
Status open_enrolled(const AccountArgs& a, const Store& store, UnlockedAccount& u);
// Publishes the account's directory record (SPEC 17) from an unlocked account. After a revocation (identity
// generation above 1) the record needs the previous identity key's continuity signature: it is opened from the
// previous epoch's sealed state, which this device can open only if it was enrolled before that revocation.
Status publish_account_record(const Store& store, const UnlockedAccount& u);

int cmd_init(const AccountArgs& a);
int cmd_whoami(const AccountArgs& a);
int cmd_device_list(const AccountArgs& a);
int cmd_device_request(const AccountArgs& a);
int cmd_device_approve(const AccountArgs& a);
int cmd_device_accept(const AccountArgs& a);
int cmd_device_revoke(const AccountArgs& a);
int cmd_recover(const AccountArgs& a);
#ifdef COFFRE_CLI_TEST_HOOKS
// Test build only (never in the shipped binary): prints this device's seeds, the current root key and the account
// secrets as JSON, so that a test can search the store for them.
int cmd_test_export_secrets(const AccountArgs& a);

// Test build only: what a revoked device holding its old secrets can write to the store (test_hooks.cpp).
struct ForgeArgs {
  std::string store;
  std::string user;
  std::string identity_seed;  // hex: an identity key of the account (the old one, after a revocation)
  std::string author;         // hex device id the entry claims as author
  std::string author_seed;    // hex: the signing key that signs as the author (not necessarily the author's)
  std::string name = "forged";
  std::string generation;     // forge-record: the identity generation of identity_seed
  std::vector<std::string> suite_seeds;  // forge-record: hex suite seeds, versions 1..n
};
// Appends an add-device entry for a new device (its seeds printed as JSON) after the store's head, signed with the
// given keys, without any check: the attacks of tests/cli/account_test.py.
int cmd_test_forge_entry(const ForgeArgs& a);
// Publishes a directory record of the next identity generation: a fresh identity key, continuity-signed by
// identity_seed, and a fresh suite key.
int cmd_test_forge_record(const ForgeArgs& a);
#endif

}  // namespace coffre::cli
