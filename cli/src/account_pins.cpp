// The account's pins in the store (account_pins.hpp).
#include "account_pins.hpp"

#include "contacts.hpp"

#include <string>
#include <vector>

namespace coffre::cli {

namespace {

using Bytes = std::vector<std::uint8_t>;

// Listing then reading races with a writer that removes old objects, and writing races with other devices: a few
// rounds settle any honest concurrency.
constexpr int kAttempts = 5;

std::string object_name(std::uint32_t epoch, std::uint64_t n) {
  return "the account pins object " + std::to_string(n) + " of epoch " + std::to_string(epoch) + " in the store";
}

// The root key of `epoch` through this device's wrap. `out` stays empty if there is no wrap and `missing_ok` (a
// device enrolled after that epoch began).
Status open_root(const Store& store, const UnlockedAccount& account, std::uint32_t epoch, bool missing_ok,
                 std::optional<RootKey>& out) {
  const UserId& user = account.state.user;
  const DeviceId& device = account.state.device;
  const std::string what = "the root key of epoch " + std::to_string(epoch) + " wrapped to this device";
  std::optional<Bytes> wrap;
  if (Status s = store.get(Store::wrap(user, epoch, device), wrap); !s.ok()) return s;
  if (!wrap) return missing_ok ? Status::success() : lib_failure(Error::not_found, what);
  auto root = unwrap_root_key(account.keys->kem_key, user, device, epoch, *wrap);
  if (!root) return lib_failure(root.error(), what);
  out.emplace(std::move(root).take());
  return Status::success();
}

// The newest object of root.epoch(): its number `n` (0: none) and content.
Status read_newest(const Store& store, const UserId& user, const RootKey& root, std::uint64_t& n, AccountPins& out) {
  const std::uint32_t epoch = root.epoch();
  for (int attempt = 0; attempt < kAttempts; ++attempt) {
    std::vector<std::uint64_t> numbers;
    if (Status s = store.numbers(Store::account_pins_dir(user, epoch), ".pins", numbers); !s.ok()) return s;
    if (numbers.empty() || numbers.back() == 0) {
      n = 0;
      out = AccountPins{};
      return Status::success();
    }
    const std::uint64_t top = numbers.back();
    std::optional<Bytes> bytes;
    if (Status s = store.get(Store::account_pins(user, epoch, top), bytes); !s.ok()) return s;
    if (!bytes) continue;  // removed since the listing by a device that wrote a newer one
    auto opened = open_account_pins(root, user, top, *bytes);
    if (!opened) return lib_failure(opened.error(), object_name(epoch, top));
    n = top;
    out = std::move(opened).take();
    return Status::success();
  }
  return Status::fail(kExitIo, "the account pins of epoch " + std::to_string(epoch) + " kept changing in the store");
}

// Objects of the epoch below `keep`: superseded by `keep`, which holds all they held. Best effort (a store that
// keeps them only keeps garbage).
void remove_older(const Store& store, const UserId& user, std::uint32_t epoch, std::uint64_t keep) {
  std::vector<std::uint64_t> numbers;
  if (!store.numbers(Store::account_pins_dir(user, epoch), ".pins", numbers).ok()) return;
  for (std::uint64_t n : numbers) {
    if (n < keep) store.remove(Store::account_pins(user, epoch, n));
  }
}

}  // namespace

Status pull_account_pins(const Store& store, const UnlockedAccount& account, AccessPins& pins, AccountPinsSync& sync,
                         bool& changed) {
  if (!account.keys || !account.log) return Status::fail(kExitUsage, "the account pins need an unlocked device");
  const UserId& user = account.state.user;
  const std::uint32_t epoch = account.log->root_epoch;
  sync = AccountPinsSync{};
  if (Status s = open_root(store, account, epoch, /*missing_ok=*/false, sync.root); !s.ok()) return s;
  if (Status s = read_newest(store, user, *sync.root, sync.n, sync.read); !s.ok()) return s;
  if (sync.n == 0 && epoch > 1) {
    // A revocation began this epoch and no device wrote its pins yet: the previous epoch's carry over.
    std::optional<RootKey> previous;
    if (Status s = open_root(store, account, epoch - 1, /*missing_ok=*/true, previous); !s.ok()) return s;
    std::uint64_t previous_n = 0;
    if (previous) {
      if (Status s = read_newest(store, user, *previous, previous_n, sync.read); !s.ok()) return s;
    }
  }
  if (pins.merge(sync.read)) changed = true;
  return Status::success();
}

Status push_account_pins(const Store& store, const UnlockedAccount& account, AccessPins& pins, AccountPinsSync& sync,
                         bool& changed) {
  if (!sync.root) return Status::fail(kExitUsage, "the account pins were not read before being written");
  const UserId& user = account.state.user;
  const std::uint32_t epoch = sync.root->epoch();
  for (int attempt = 0; attempt < kAttempts; ++attempt) {
    AccountPins mine = pins.to_account();
    if (sync.n > 0 && mine == sync.read) return Status::success();  // nothing the account does not know
    const std::uint64_t next = sync.n + 1;
    auto sealed = seal_account_pins(*sync.root, user, next, mine, system_rng());
    if (!sealed) return lib_failure(sealed.error(), "cannot seal the account pins");
    if (sealed.value().size() > Store::kMaxObjectSize) {  // no device could read it back (Store::get)
      return Status::fail(kExitUsage, "the account pins (" + std::to_string(pins.size()) +
                                          ") no longer fit in one store object; they stay on this device only");
    }
    bool existed = false;
    if (Status s = store.put_new(Store::account_pins(user, epoch, next), sealed.value(), existed); !s.ok()) return s;
    if (!existed) {
      remove_older(store, user, epoch, sync.n);
      sync.n = next;
      sync.read = std::move(mine);
      return Status::success();
    }
    // Another device wrote `next` first: take what it knows, then write after it.
    if (Status s = read_newest(store, user, *sync.root, sync.n, sync.read); !s.ok()) return s;
    if (pins.merge(sync.read)) changed = true;
  }
  return Status::fail(kExitIo, "the account pins of epoch " + std::to_string(epoch) +
                                   " kept changing in the store; they were not written");
}

}  // namespace coffre::cli
