// The device's local state (--home DIR): one text file, HOME/device.state, mode 0600 in a 0700 directory, written
// atomically (io.hpp's Output: temporary file in the same directory, fsync, rename, fsync of the directory).
//
//   # comment lines
//   coffre-device-state-v1
//   user <32 hex>                      the account's user id
//   device <32 hex>                    this device's id
//   genesis <64 hex>                   the pinned genesis hash (entry_hash of entry 0)
//   head <seq> <64 hex>                the pinned log head: seq (decimal) and entry_hash of that entry
//   known <32 hex>                     0 or more: the other devices this device has seen approved (present when it
//                                      joined, approved by it, or accepted by the user), in increasing order
//   used <32 hex> <expires>            0 or more: enrollment request ids this device answered, with their expiry
//   keys plain <base64>                sign_seed[32] || kem_seed[32], standard base64 with padding, or
//   keys passphrase <base64>           the file envelope (SPEC section 5, key_source 0x02) of those 64 bytes
//
// Lines in this order, nothing else but comments and empty lines. With a passphrase, the envelope's context is
// object_id "coffre-device-state-v1/<user hex>/<device hex>", revision 0, key version 0, so that it opens only
// in the state it was written for. Only the keys are secret; the pins need no passphrase to be updated.
#pragma once

#include "status.hpp"

#include <coffre/coffre.hpp>

#include <optional>
#include <set>
#include <string>
#include <vector>

namespace coffre::cli {

inline constexpr const char* kStateFileName = "device.state";
inline constexpr const char* kStateMagic = "coffre-device-state-v1";

struct DeviceState {
  UserId user;
  DeviceId device;
  LogHash genesis{};
  LogHead head;
  // The other devices of the account this device vouches for (SPEC section 15): only they get its root wraps, and
  // any other enrolled device is an alert (device_unexpected). Itself is implicit; revoked ones are dropped.
  std::set<DeviceId> known;
  UsedEnrollmentRequests used;
  SecretBytes plain_seeds;                 // 64 bytes when the keys are not protected
  std::vector<std::uint8_t> sealed_seeds;  // the envelope when they are
  bool is_protected() const noexcept { return !sealed_seeds.empty(); }
};

// Where the state lives by default: $XDG_CONFIG_HOME/coffre, else ~/.config/coffre. The store by default:
// $XDG_DATA_HOME/coffre/store, else ~/.local/share/coffre/store.
std::string default_home();
std::string default_store();

std::string state_path(const std::string& home);
bool state_exists(const std::string& home);
// kExitUsage if HOME holds no device; a malformed file is kExitUsage too (nothing is ever repaired).
Status load_state(const std::string& home, DeviceState& st);
// `create`: HOME must not hold a state yet (checked again atomically at the rename); creates HOME (0700).
Status save_state(const std::string& home, const DeviceState& st, bool create);

// How the device keys are protected when a state is created: --passphrase-file, --no-passphrase, or typed twice.
struct KeyProtection {
  std::string passphrase_file;
  bool none = false;
};
// Asks for (or reads) the passphrase that will protect new keys: empty SecretBytes for none. Call it before any
// slow step or any upload.
Status new_keys_passphrase(const KeyProtection& p, SecretBytes& passphrase);
// Sets st.plain_seeds or st.sealed_seeds from `keys` (Argon2id + the file envelope when `passphrase` is not empty).
Status seal_keys(DeviceState& st, const DeviceKeys& keys, const SecretBytes& passphrase);
// The device keys of `st`: asks for the passphrase (or reads `passphrase_file`) if they are protected.
// A wrong passphrase is kExitAuth (wrong_key).
Status unlock_keys(const DeviceState& st, const std::string& passphrase_file, std::optional<DeviceKeys>& keys);

// An exclusive lock on HOME for the duration of a command (flock on the directory itself: no lock file), so that
// two commands never interleave their read-modify-write of the state. Does nothing if HOME does not exist yet.
class HomeLock {
 public:
  HomeLock() = default;
  HomeLock(const HomeLock&) = delete;
  HomeLock& operator=(const HomeLock&) = delete;
  ~HomeLock();
  Status acquire(const std::string& home);

 private:
  int fd_ = -1;
};

// "<what>: <the library's message> (<code>)" with the exit code of the error: 1 for integrity and authentication
// failures, 2 for invalid_argument and already_exists, 3 for not_found, io_error and out_of_memory.
int exit_code_of(Error e) noexcept;
Status lib_failure(Error e, const std::string& what);

}  // namespace coffre::cli
