// Re-signing after an identity change (docs/SPEC.md sections 15.4 and 16.1).
//
// `coffre device revoke` gives the account a new identity key (generation g + 1). Access lists and wraps name the
// generation that signed them and readers accept only the one they trust now, so the revoking device signs again,
// with the new key, every access list the account owns and every wrap it sent (docs/<me>/..., every key version:
// older content stays readable, SPEC 16.3). It runs as a journal in the device home:
//
//   1. before the revoke entry (generation g still in force): every list opened with the current identity, every
//      wrap checked (the sender is this account, the recipient a member of the verified list of its version, and
//      this account's own wrap of that version opens, or, for a shared Drive folder, of which the owner holds no
//      self-wrap, the folder's key found by walking the drive from its root is that version's); the SHA-256 of the
//      exact bytes verified is recorded in <home>/resign.journal (replaced atomically);
//   2. after the entry: each item whose store bytes still hash to the recorded value is signed again (wraps first,
//      then `<v>.access`, then `current`, per document), replacing the old object; then the journal is removed.
//
// A command killed in between leaves the journal; the next command of this device that unlocks the account finishes
// it. Only bytes verified before the revocation are re-signed: a list or wrap the revoked device (which keeps the old
// identity key) plants afterwards hashes differently and is reported and left alone (readers refuse it:
// trust_mismatch). A journal whose generation is still the account's (the revoke entry never made it) is dropped.
#pragma once

#include "status.hpp"
#include "store.hpp"

#include <coffre/coffre.hpp>

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace coffre::cli {

inline constexpr const char* kResignFileName = "resign.journal";
inline constexpr const char* kResignMagic = "coffre-resign-v1";

struct ResignItem {
  enum class Kind : std::uint8_t { wrap, list, current };
  Kind kind = Kind::wrap;
  DocumentRef doc;
  std::uint32_t key_version = 0;  // wrap, list (0 for current)
  UserId recipient;               // wrap only
  std::array<std::uint8_t, 32> sha256{};
  std::string path() const;       // its store path
};

struct ResignJournal {
  TrustedIdentity old_identity;   // the account's identity (generation g) that signed every item
  std::vector<ResignItem> items;  // per document: wraps, then lists by version, then current
  std::string encode() const;
  static Status parse(std::string_view text, const std::string& name, ResignJournal& out);
};

// Step 1, with the account secrets still in force: everything to sign again. Lists and wraps that do not verify are
// reported on standard error and left out.
Status plan_resign(const Store& store, const UserId& me, const AccountSecrets& current, ResignJournal& out);
Status save_resign_journal(const std::string& home, const ResignJournal& j);
Status remove_resign_journal(const std::string& home);

// Step 2 and the recovery: if <home>/resign.journal exists, signs its items again with `now` (the account's current
// secrets; recipients' suite keys from the pinned records of trust.state), then removes it. Nothing to do without
// a journal. A store failure leaves the journal and is reported as operation_incomplete. `finished` (if given) is
// set when a journal of a revocation that took place was finished (its caller publishes the record again: the
// command killed may not have).
Status finish_resign(const Store& store, const std::string& home, const UserId& me, const AccountSecrets& now,
                     bool* finished = nullptr);

}  // namespace coffre::cli
