// The account's pins in the store (docs/SPEC.md sections 11 and 15.1): every device's access pins (and Drive
// revision pins), sealed under the epoch's root key and shared by all the devices of the account, so that once any
// of them saw a document's access list (or a Drive file's revision), none accepts an older one from the store.
//
//   accounts/<user hex>/pins/<epoch>/<n>.pins   account_pins object n = 1, 2, ... of that epoch, each created
//                                               exclusively (no-replace, like log entries)
//
// pull (when an unlocked session opens, before any pin is checked): the highest n of the current epoch (none: the
// previous epoch's highest, if this device has a root wrap of that epoch), opened and merged into the local pins,
// each pin to the maximum. A store that serves an older object, or none, only withholds what this device did not
// already know: its own pins are merged too.
// push (when the command succeeded): if the local pins hold anything that object did not, or the current epoch has
// no object yet, object n + 1 with all of them; a lost race (n + 1 taken) re-reads, merges and tries again. Objects
// below the one read are then removed (nothing needs them).
#pragma once

#include "account_cmds.hpp"
#include "status.hpp"
#include "store.hpp"

#include <coffre/coffre.hpp>

#include <cstdint>
#include <optional>

namespace coffre::cli {

class AccessPins;  // contacts.hpp

// What a session learnt from the store at pull.
struct AccountPinsSync {
  std::optional<RootKey> root;  // the current epoch's: set once pulled
  std::uint64_t n = 0;          // the highest object of the current epoch read (0: none)
  AccountPins read;             // its content (or the previous epoch's last object's, when n = 0)
};

// Needs an unlocked account (its keys). `changed` is set when the store's pins raised a local one.
// Errors: wrap_invalid (an object or root wrap that does not open: modified, moved or for another account),
// io errors. A missing object is no error.
Status pull_account_pins(const Store& store, const UnlockedAccount& account, AccessPins& pins, AccountPinsSync& sync,
                         bool& changed);
// After pull_account_pins. `changed` is set when a re-read after a lost race raised a local pin.
Status push_account_pins(const Store& store, const UnlockedAccount& account, AccessPins& pins, AccountPinsSync& sync,
                         bool& changed);

}  // namespace coffre::cli
