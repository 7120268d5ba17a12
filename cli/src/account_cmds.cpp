// init, whoami, device list / request / approve / revoke, recover (account_cmds.hpp).
//
// Every command that has a home verifies the device list the store serves against the head it pinned, before
// anything else; the home is written only at the end of a successful command (atomically), so a failure leaves it
// byte for byte as it was. One exception, required by SPEC section 12: `device approve` records the request id as
// used before it sends its response.
#include "account_cmds.hpp"

#include "crash_point.hpp"
#include "resign.hpp"

#include "contacts.hpp"
#include "device_state.hpp"
#include "io.hpp"
#include "store.hpp"
#include "terminal.hpp"

#include <nlohmann/json.hpp>


#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <set>
#include <variant>
#include <fcntl.h>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>

namespace coffre::cli {

namespace {

using Bytes = std::vector<std::uint8_t>;
using Clock = std::chrono::steady_clock;

constexpr auto kPollInterval = std::chrono::milliseconds(100);
constexpr const char* kUnchanged = "; nothing was changed in the home directory";

std::uint64_t now_s() { return static_cast<std::uint64_t>(std::time(nullptr)); }

// Progress and results go to standard output, flushed at once (a script may wait for a line).
void say(const char* fmt, ...) __attribute__((format(printf, 1, 2)));
void say(const char* fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  std::vprintf(fmt, ap);
  va_end(ap);
  std::fflush(stdout);
}

Status unchanged(Status s) {
  if (!s.ok()) s.message += kUnchanged;
  return s;
}

std::string home_of(const AccountArgs& a) { return a.home.empty() ? default_home() : a.home; }
// The store of --store; an HTTP store signs, unless the command says otherwise (Store::sign_as), with this device's
// key for its account (asking for the passphrase if the keys are protected).
std::unique_ptr<Store> store_of(const AccountArgs& a) {
  StoreAccess access{home_of(a), [home = home_of(a), passphrase_file = a.passphrase_file](RequestSigner& signer) {
                       if (!state_exists(home)) return Status::success();  // no device yet: a throwaway key
                       DeviceState st;
                       if (Status s = load_state(home, st); !s.ok()) return s;
                       std::optional<DeviceKeys> keys;
                       if (Status s = unlock_keys(st, passphrase_file, keys); !s.ok()) return s;
                       signer.key.emplace(std::move(keys->sign_key));
                       signer.user = st.user;
                       return Status::success();
                     }};
  return open_store(a.store.empty() ? default_store() : a.store, std::move(access));
}

// Signs the store's next requests with `key` for `user` (none: a device in no account yet).
void sign_store_as(const Store& store, const SigningKey& key, std::optional<UserId> user) {
  auto copy = SigningKey::from_seed(key.seed().reveal());
  if (copy) store.sign_as(RequestSigner{std::move(copy).take(), user});
}

// Signs the store's requests with a throwaway key in no account (STORE.md section 2), for a command that reads only
// what any signer may (an account's device list): it needs no secret of this device, and a revoked device still
// reads the list and finds itself revoked there, as from a directory store.
Status sign_store_anonymously(const Store& store) {
  auto key = SigningKey::generate(system_rng());
  if (!key) return lib_failure(key.error(), "a request signing key");
  store.sign_as(RequestSigner{std::move(key).take(), std::nullopt});
  return Status::success();
}

std::string host_name() {
  char buf[256] = {};
  if (gethostname(buf, sizeof buf - 1) != 0 || buf[0] == '\0') return "device";
  std::string n(buf);
  return n.substr(0, kDeviceNameMaxSize);
}

std::string show_sas(const std::string& sas) { return sas.substr(0, 3) + " " + sas.substr(3); }

std::string describe(const DeviceRecord& d) { return to_hex(d.id.bytes) + " \"" + d.name + "\""; }

Status parse_user(const std::string& text, UserId& user) {
  if (!from_hex(text, user.bytes)) {
    return Status::fail(kExitUsage, "--user must be a user id: 32 hex digits, as 'coffre init' and 'coffre whoami' "
                                    "print it");
  }
  return Status::success();
}

Status check_timeout(unsigned timeout) {
  if (timeout < 1 || timeout > 86400) return Status::fail(kExitUsage, "--timeout must be 1 to 86400 seconds");
  return Status::success();
}

// Who authored each device's entry, read from entries that verify_log accepted (so each parses).
void collect_authors(std::span<const Bytes> entries, EntryAuthors& authors) {
  authors.clear();
  for (const auto& bytes : entries) {
    auto e = LogEntry::parse(bytes);
    if (!e) continue;
    if (const auto* g = std::get_if<GenesisBody>(&e.value().body)) authors[g->device.id] = e.value().author;
    if (const auto* add = std::get_if<AddDeviceBody>(&e.value().body)) authors[add->device.id] = e.value().author;
  }
}

}  // namespace

Status fetch_verified(const Store& store, const UserId& user, std::optional<LogHead> pin,
                      std::optional<LogHash> genesis, std::optional<VerifiedLog>& out, EntryAuthors* authors,
                      Error* error) {
  Error ignored = Error::ok;
  Error& e = error != nullptr ? *error : ignored;
  e = Error::ok;
  std::vector<Bytes> entries;
  if (Status s = store.fetch_log(user, entries); !s.ok()) return s;
  const std::string what = "the device list the store serves for account " + to_hex(user.bytes);
  if (entries.empty() && !pin && !genesis) {
    e = Error::not_found;
    return Status::fail(kExitIo, "the store " + store.location() + " has no account " + to_hex(user.bytes) +
                                     " (not_found); check --user and --store");
  }
  auto r = verify_log(entries, pin, genesis);
  if (!r) return lib_failure(e = r.error(), what);
  if (r.value().user != user) return lib_failure(e = Error::log_invalid, what + " is another account's");
  out.emplace(std::move(r).take());
  if (authors != nullptr) collect_authors(entries, *authors);
  return Status::success();
}

namespace {

Status fetch_pinned(const Store& store, const DeviceState& st, std::optional<VerifiedLog>& out,
                    EntryAuthors* authors = nullptr) {
  return fetch_verified(store, st.user, st.head, st.genesis, out, authors);
}

// This device is enrolled in `log` (with these keys, when given).
Status check_self(const VerifiedLog& log, const DeviceId& self, const DeviceKeys* keys) {
  const DeviceRecord* me = log.find(self);
  const std::string id = to_hex(self.bytes);
  if (me == nullptr) {
    return lib_failure(Error::device_not_enrolled,
                       log.was_revoked(self) ? "this device (" + id + ") was revoked from the account"
                               : "this device (" + id + ") is not in the account's device list");
  }
  if (keys != nullptr && (!(me->sign_pk == keys->sign_key.verify_key()) || !(me->kem_pk == keys->kem_pk))) {
    return lib_failure(Error::device_not_enrolled,
                       "the device list holds other keys than this device's under its id " + id);
  }
  return Status::success();
}

// Opens the root key of `epoch` wrapped to `recipient`, then that epoch's sealed state (SPEC section 11).
Status open_epoch(const Store& store, const UserId& user, std::uint32_t epoch, const DeviceId& recipient,
                  const XWingSecretKey& sk, const std::string& who, std::optional<RootKey>& root,
                  std::optional<AccountSecrets>& secrets) {
  const std::string ep = std::to_string(epoch);
  std::optional<Bytes> wrap;
  if (Status s = store.get(Store::wrap(user, epoch, recipient), wrap); !s.ok()) return s;
  if (!wrap) return lib_failure(Error::not_found, "the store has no root key of epoch " + ep + " wrapped to " + who);
  auto r = unwrap_root_key(sk, user, recipient, epoch, *wrap);
  if (!r) return lib_failure(r.error(), "the root key of epoch " + ep + " wrapped to " + who);
  std::optional<Bytes> sealed;
  if (Status s = store.get(Store::sealed_state(user, epoch), sealed); !s.ok()) return s;
  if (!sealed) return lib_failure(Error::not_found, "the store has no sealed account state of epoch " + ep);
  auto sec = open_account_state(r.value(), user, *sealed);
  if (!sec) return lib_failure(sec.error(), "the sealed account state of epoch " + ep);
  root.emplace(std::move(r).take());
  secrets.emplace(std::move(sec).take());
  return Status::success();
}

// The log's current epoch, opened as above, its secrets checked against the log.
Status open_account(const Store& store, const VerifiedLog& log, const DeviceId& recipient, const XWingSecretKey& sk,
                    const std::string& who, std::optional<RootKey>& root, std::optional<AccountSecrets>& secrets) {
  std::optional<RootKey> r;
  std::optional<AccountSecrets> sec;
  if (Status s = open_epoch(store, log.user, log.root_epoch, recipient, sk, who, r, sec); !s.ok()) return s;
  if (Error e = check_account_secrets(*sec, log); e != Error::ok) {
    return lib_failure(e, "the sealed account state of epoch " + std::to_string(log.root_epoch) +
                              " is not this account's");
  }
  root = std::move(r);
  secrets = std::move(sec);
  return Status::success();
}

// The identity key the last revocation superseded (generation - 1), from the previous epoch's sealed state: what
// signs the continuity of a directory record (SPEC 17). Only a recipient of that epoch's root key can open it.
Status open_previous_identity(const Store& store, const VerifiedLog& log, const DeviceId& recipient,
                              const XWingSecretKey& sk, const std::string& who, std::optional<SigningKey>& out) {
  if (log.superseded_identities.empty() || log.root_epoch < 2) {
    return Status::fail(kExitUsage, "identity generation " + std::to_string(log.identity_generation) +
                                        " has no previous identity key in the device list");
  }
  std::optional<RootKey> root;
  std::optional<AccountSecrets> old;
  if (Status s = open_epoch(store, log.user, log.root_epoch - 1, recipient, sk, who, root, old); !s.ok()) return s;
  if (!(old->identity().verify_key() == log.superseded_identities.back()) ||
      old->identity_generation() + 1 != log.identity_generation) {
    return lib_failure(Error::wrap_invalid, "the sealed account state of epoch " +
                                                std::to_string(log.root_epoch - 1) + " is not this account's");
  }
  auto key = SigningKey::from_seed(old->identity().seed().reveal());
  if (!key) return lib_failure(key.error(), "the previous identity key");
  out.emplace(std::move(key).take());
  return Status::success();
}

// ---- Devices this device vouches for (SPEC section 15: "known") ----

// A device of `log` this device wraps to and works alongside: itself, one it approved (it authored the entry), or
// one in its known set (present when it joined, or accepted by the user).
bool vouched_for(const DeviceState& st, const EntryAuthors& authors, const DeviceId& id) {
  if (id == st.device || st.known.count(id) != 0) return true;
  auto it = authors.find(id);
  return it != authors.end() && it->second == st.device;
}

std::vector<const DeviceRecord*> unexpected_devices(const VerifiedLog& log, const DeviceState& st,
                                                    const EntryAuthors& authors) {
  std::vector<const DeviceRecord*> out;
  for (const auto& d : log.devices) {
    if (!vouched_for(st, authors, d.id)) out.push_back(&d);
  }
  return out;
}

// "device <id> "name"", "the recovery phrase", or a device id the log does not name.
std::string describe_author(const VerifiedLog& log, const EntryAuthors& authors, const DeviceId& device) {
  auto it = authors.find(device);
  if (it == authors.end()) return "an unknown author";
  const DeviceId& a = it->second;
  if (a == recovery_author_id()) return "the recovery phrase";
  if (a == device) return "itself (the account's first device)";
  if (const DeviceRecord* d = log.find(a)) return "device " + describe(*d);
  for (const auto& d : log.revoked) {
    if (d.id == a) return "device " + describe(d) + " (since revoked)";
  }
  return "device " + to_hex(a.bytes);
}

// The blocking alert (device_unexpected) if the log holds a device this device does not vouch for, `except` aside
// (the device being revoked): it names each one, who added it, and the two ways out.
Status check_no_unexpected(const VerifiedLog& log, const DeviceState& st, const EntryAuthors& authors,
                           const DeviceId* except = nullptr) {
  std::string list;
  std::string first;
  for (const DeviceRecord* d : unexpected_devices(log, st, authors)) {
    if (except != nullptr && d->id == *except) continue;
    list += "\n  UNEXPECTED DEVICE " + describe(*d) + ", added by " + describe_author(log, authors, d->id);
    if (first.empty()) first = to_hex(d->id.bytes);
  }
  if (list.empty()) return Status::success();
  return lib_failure(Error::device_unexpected,
                     "ALERT: the account's device list holds a device this device never saw approved" + list +
                         "\nIf you added it yourself (check on the device that added it), run 'coffre device accept " +
                         first + "'; if not, the account may be compromised: run 'coffre device revoke " + first +
                         "' now. Until then, commands that use the account stop here");
}

// Updates the pins, and drops the known devices the log no longer has (revoked); true if anything changed.
bool pin(DeviceState& st, const VerifiedLog& log) {
  bool changed = !(st.head == log.head) || st.genesis != log.genesis_hash;
  st.head = log.head;
  st.genesis = log.genesis_hash;
  changed |= std::erase_if(st.known, [&](const DeviceId& id) { return !log.contains(id); }) > 0;
  return changed;
}

// Polls the store for `rel` until it appears, `deadline` passes or the request expires (`expires`, wall clock).
Status wait_for(const Store& store, const std::string& rel, Clock::time_point deadline, std::uint64_t expires,
                std::optional<Bytes>& out) {
  while (true) {
    if (Status s = store.get(rel, out); !s.ok() || out) return s;
    if (Clock::now() >= deadline || now_s() >= expires) return Status::success();
    std::this_thread::sleep_for(kPollInterval);
  }
}

Status timed_out(const std::string& what, unsigned timeout) {
  return Status::fail(kExitAuth, "no " + what + " within " + std::to_string(timeout) +
                                     " s or before the request expired (enrollment_expired)");
}

Status conflict(const std::string& what) {
  return Status::fail(kExitUsage, what + " appeared in the store meanwhile (already_exists): another device changed "
                                         "the account at the same time; run the command again");
}

struct Loaded {
  std::string home;
  std::unique_ptr<Store> store;
  HomeLock lock;
  DeviceState st;
  std::optional<VerifiedLog> vlog;  // set by load_and_verify
  EntryAuthors authors;             // of vlog's devices
};

// The first steps of every command on an enrolled device: lock the home, load it, fetch and verify the log.
Status load_and_verify(const AccountArgs& a, Loaded& l) {
  l.home = home_of(a);
  if (Status s = l.lock.acquire(l.home); !s.ok()) return s;
  if (Status s = load_state(l.home, l.st); !s.ok()) return s;
  return fetch_pinned(*l.store, l.st, l.vlog, &l.authors);
}

Status check_no_unexpected(const Loaded& l, const DeviceId* except = nullptr) {
  return check_no_unexpected(*l.vlog, l.st, l.authors, except);
}

Status confirm_or_yes(const AccountArgs& a, const std::string& question, const std::string& refusal) {
  if (a.yes) return Status::success();
  bool yes = false;
  if (Status s = ask_yes_no(question, yes); !s.ok()) return s;
  return yes ? Status::success() : Status::fail(kExitAuth, refusal);
}

// Locks `home` for this command and checks that it holds no device yet (init, device request, recover).
Status claim_empty_home(const std::string& home, HomeLock& lock, const char* hint) {
  if (Status s = lock.acquire(home); !s.ok()) return s;
  if (state_exists(home)) {
    return Status::fail(kExitUsage, home + " already holds a device (already_exists)" + kUnchanged + hint);
  }
  return Status::success();
}

Status need_terminal_unless_yes(const AccountArgs& a) {
  if (a.yes) return Status::success();
  return require_terminal("pass --yes only if you compare the codes or confirm some other way");
}

// An object to create in the store, and whether this command created it.
struct NewObject {
  std::string rel;
  const Bytes* bytes;
  bool created = false;
};

// Removes the objects this command created (after it lost a race); never another device's.
void remove_created(const Store& store, const std::vector<NewObject>& objects) {
  for (const auto& o : objects) {
    if (o.created) (void)store.remove(o.rel);
  }
}

// Creates every object exclusively (SPEC section 15: never replaced). If one is already there, another device
// changed the account meanwhile: the objects created so far are removed and the conflict is reported.
Status put_all_new(const Store& store, std::vector<NewObject>& objects) {
  for (auto& o : objects) {
    bool existed = false;
    Status s = store.put_new(o.rel, *o.bytes, existed);
    if (!s.ok() || existed) {
      remove_created(store, objects);
      return s.ok() ? conflict(o.rel) : s;
    }
    o.created = true;
  }
  return Status::success();
}

// The sealed state and every wrap of `epoch`: only for an epoch that no log entry names yet (SPEC section 15).
Status remove_epoch_objects(const Store& store, const UserId& user, std::uint32_t epoch) {
  std::vector<std::string> names;
  if (Status s = store.list(Store::wraps(user, epoch), names); !s.ok()) return s;
  for (const auto& n : names) {
    if (Status s = store.remove(Store::wraps(user, epoch) + "/" + n); !s.ok()) return s;
  }
  return store.remove(Store::sealed_state(user, epoch));
}

// Repair (SPEC section 15): the root wraps of the log's current epoch that the store lacks, for a device this device
// approved itself (an approval that crashed between its entry and its wrap) or for the recovery key, written
// (exclusively) to the keys the verified log holds. Never for a device another one added: this device does not wrap
// the root key to a device it has not vouched for.
Status repair_own_wraps(const Store& store, const VerifiedLog& log, const RootKey& root, const DeviceId& self,
                        const EntryAuthors& authors) {
  std::vector<std::pair<DeviceId, const XWingPublicKey*>> recipients;
  for (const auto& d : log.devices) {
    auto it = authors.find(d.id);
    if (d.id != self && it != authors.end() && it->second == self) recipients.emplace_back(d.id, &d.kem_pk);
  }
  recipients.emplace_back(recovery_recipient_id(), &log.recovery_pk);
  for (const auto& [id, pk] : recipients) {
    const std::string rel = Store::wrap(log.user, log.root_epoch, id);
    std::optional<Bytes> have;
    if (Status s = store.get(rel, have); !s.ok()) return s;
    if (have) continue;
    auto w = wrap_root_key(root, log.user, id, *pk, system_rng());
    if (!w) return lib_failure(w.error(), "cannot wrap the root key to " + to_hex(id.bytes));
    bool existed = false;
    if (Status s = store.put_new(rel, w.value(), existed); !s.ok()) return s;
    if (!existed) {
      const std::string whom = id == recovery_recipient_id()
                                   ? "the recovery key"
                                   : "device " + to_hex(id.bytes) + ", which this device approved";
      std::fprintf(stderr, "coffre: repaired: wrote the missing root key of epoch %u for %s\n", log.root_epoch,
                   whom.c_str());
    }
  }
  return Status::success();
}

// After load_and_verify: this device's keys (asking for the passphrase if the home has one), checked against the
// log, then the current epoch's root key and account secrets; then the repair of its own approvals' wraps.
Status unlock_account(const AccountArgs& a, Loaded& l, std::optional<DeviceKeys>& keys, std::optional<RootKey>& root,
                      std::optional<AccountSecrets>& secrets) {
  if (Status s = unlock_keys(l.st, a.passphrase_file, keys); !s.ok()) return s;
  if (Status s = check_self(*l.vlog, l.st.device, &*keys); !s.ok()) return s;
  if (Status s = open_account(*l.store, *l.vlog, l.st.device, keys->kem_key, "this device", root, secrets); !s.ok()) {
    return s;
  }
  if (Status s = repair_own_wraps(*l.store, *l.vlog, *root, l.st.device, l.authors); !s.ok()) return s;
  // An interrupted revocation: its re-signing, then its directory record (the kill may have come before it).
  bool finished = false;
  if (Status s = finish_resign(*l.store, l.home, l.st.user, *secrets, &finished); !s.ok() || !finished) return s;
  std::optional<SigningKey> previous;
  Status s = open_previous_identity(*l.store, *l.vlog, l.st.device, keys->kem_key, "this device", previous);
  if (s.ok()) s = publish_record(*l.store, l.st.user, *secrets, &*previous);
  if (!s.ok()) std::fprintf(stderr, "coffre: warning: %s; run 'coffre publish'\n", s.message.c_str());
  return Status::success();
}

// Publishes the account's directory record (SPEC 17) after the account changed; the command itself already
// succeeded, so a failure is a warning with the way to retry. `previous`: the identity key of generation - 1.
void publish_or_warn(const Store& store, const UserId& user, const AccountSecrets& secrets,
                     const SigningKey* previous = nullptr) {
  if (Status s = publish_record(store, user, secrets, previous); !s.ok()) {
    std::fprintf(stderr, "coffre: warning: %s; others cannot share with this account's current key until you run "
                 "'coffre publish'\n", s.message.c_str());
  }
}

}  // namespace

// ---------------------------------------------------------------------------------------------------------------

// A killed `init` (SPEC section 15): from before its first store write until its device state is saved,
// <home>/init.pending names the account it is creating. Such an account can never be used (its only device's keys
// died with the process and its recovery phrase was never shown), so the next `init` in that home removes what it
// left in the store: the genesis entry first (the account then no longer exists), the objects of epoch 1, the file.
// An HTTP store keeps them (STORE.md section 4): the file alone goes.
namespace {

constexpr const char* kInitPending = "init.pending";
constexpr std::string_view kInitPendingMagic = "coffre-init-pending-v1\n";

std::string init_pending_path(const std::string& home) { return home + "/" + kInitPending; }

Status mark_init_pending(const std::string& home, const UserId& user) {
  const std::string text = std::string(kInitPendingMagic) + "user " + to_hex(user.bytes) + "\n";
  Output out;
  if (Status s = out.open(init_pending_path(home), /*force=*/true, Output::NonRegular::replace); !s.ok()) return s;
  if (Status s = out.write(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()); !s.ok()) return s;
  return out.commit();
}

Status remove_init_leftovers(const std::string& home, const Store& store) {
  const std::string path = init_pending_path(home);
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) return errno == ENOENT ? Status::success() : io_failure("cannot open " + path, errno);
  std::string text(128, '\0');
  std::size_t got = 0;
  Status s = read_full(fd, reinterpret_cast<std::uint8_t*>(text.data()), text.size(), got, path);
  close(fd);
  if (!s.ok()) return s;
  text.resize(got);
  const std::string_view rest = std::string_view(text).substr(std::min(got, kInitPendingMagic.size()));
  UserId user;
  if (!text.starts_with(kInitPendingMagic) || rest.size() != 5 + 32 + 1 || !rest.starts_with("user ") ||
      rest.back() != '\n' || !from_hex(rest.substr(5, 32), user.bytes)) {
    return Status::fail(kExitUsage, path + " is not what an interrupted 'coffre init' leaves; remove it by hand");
  }
  std::vector<Bytes> entries;
  if (Status st = store.fetch_log(user, entries); !st.ok()) return st;
  if (store.keeps_abandoned_accounts()) {
    // Its claimant's key is lost and log entries are never deleted: the store keeps it (without a genesis, only
    // until the server discards the claim, 1 h).
    std::fprintf(stderr, "coffre: the store keeps what an interrupted 'coffre init' left (account %s, never usable: "
                 "its device keys were not saved)\n", to_hex(user.bytes).c_str());
  } else if (entries.size() <= 1) {
    // Only the entry init writes: anything more is not this init's to remove (the store is not trusted either).
    if (Status st = store.remove(Store::log_entry(user, 0)); !st.ok()) return st;
    if (Status st = remove_epoch_objects(store, user, 1); !st.ok()) return st;
    for (const auto& gone : {Store::log_entry(user, 0), Store::sealed_state(user, 1), Store::wrap(user, 1, {})}) {
      store.remove_empty_dirs_of(gone);
    }
    std::fprintf(stderr, "coffre: removed what an interrupted 'coffre init' left in the store (account %s, never "
                 "usable: its device keys were not saved)\n", to_hex(user.bytes).c_str());
  }
  if (unlink(path.c_str()) != 0) return io_failure("cannot remove " + path, errno);
  return Status::success();
}

// The random user id names an existing account: init.pending must not lead a later init to remove it.
Status user_id_taken(const std::string& home) {
  unlink(init_pending_path(home).c_str());
  return Status::fail(kExitIo, "a random user id collided with an existing account");
}

}  // namespace

int cmd_init(const AccountArgs& a) {
  const std::string home = home_of(a);
  const std::unique_ptr<Store> owned_store = store_of(a);
  const Store& store = *owned_store;
  HomeLock lock;
  if (Status s = claim_empty_home(home, lock, ". Use another --home for another account"); !s.ok()) return report(s);
  if (Status s = remove_init_leftovers(home, store); !s.ok()) return report(s);
  const std::string name = a.name.empty() ? host_name() : a.name;
  SecretBytes pass;
  if (Status s = new_keys_passphrase({a.passphrase_file, a.no_passphrase}, pass); !s.ok()) return report(s);

  Rng& rng = system_rng();
  auto keys = DeviceKeys::generate(rng);
  if (!keys) return report(lib_failure(keys.error(), "cannot create the device keys"));
  auto phrase = RecoveryPhrase::generate(rng);
  if (!phrase) return report(lib_failure(phrase.error(), "cannot create the recovery phrase"));
  auto rkey = RecoveryKey::from_phrase(phrase.value());
  if (!rkey) return report(lib_failure(rkey.error(), "cannot derive the recovery key"));
  auto made = create_account(keys.value(), name, rkey.value(), rng);
  if (!made) {
    if (made.error() == Error::invalid_argument) {
      return report(Status::fail(kExitUsage, "--name must be at most 64 bytes of UTF-8"));
    }
    return report(lib_failure(made.error(), "cannot create the account"));
  }
  AccountCreation& c = made.value();
  sign_store_as(store, keys.value().sign_key, c.user);  // claims the new account (STORE.md section 4)
  std::vector<Bytes> genesis{c.genesis_entry};
  auto log = verify_log(genesis, std::nullopt);
  if (!log) return report(lib_failure(log.error(), "internal error: the new genesis entry does not verify"));

  DeviceState st;
  st.user = c.user;
  st.device = keys.value().id;
  pin(st, log.value());
  if (Status s = seal_keys(st, keys.value(), pass); !s.ok()) return report(s);

  // The home first, naming the account for a run after a crash. A new home gets the lock claim_empty_home could not
  // take.
  if (struct stat sb {}; stat(home.c_str(), &sb) != 0) {
    if (Status s = make_dirs(home); !s.ok()) return report(s);
    chmod(home.c_str(), 0700);
    if (Status s = lock.acquire(home); !s.ok()) return report(s);
  }
  if (Status s = mark_init_pending(home, c.user); !s.ok()) return report(s);
  // Upload the sealed state and the wraps, then the genesis, which makes the account exist.
  bool existed = false;
  if (Status s = store.put_new(Store::sealed_state(c.user, 1), c.sealed_state, existed); !s.ok() || existed) {
    return report(existed ? user_id_taken(home) : s);
  }
  for (const auto& w : c.wraps) {
    if (Status s = store.put_new(Store::wrap(c.user, 1, w.recipient), w.bytes, existed); !s.ok() || existed) {
      return report(existed ? user_id_taken(home) : s);
    }
  }
  if (Status s = store.put_new(Store::log_entry(c.user, 0), c.genesis_entry, existed); !s.ok() || existed) {
    return report(existed ? user_id_taken(home) : s);
  }
  if (Status s = save_state(home, st, /*create=*/true); !s.ok()) {
    s.message += ". The account " + to_hex(c.user.bytes) + " was created in the store but this device could not "
                 "save its keys: it is unusable; run 'coffre init' again (it removes it)";
    return report(s);
  }
  unlink(init_pending_path(home).c_str());
  publish_or_warn(store, c.user, c.secrets);

  auto words = phrase.value().words();
  if (!words) return report(lib_failure(words.error(), "cannot show the recovery phrase"));
  say("Account created.\n"
      "  user id:      %s\n"
      "  fingerprint:  %s\n"
      "  this device:  %s\n"
      "  device keys:  %s\n\n",
      to_hex(c.user.bytes).c_str(), identity_fingerprint(log.value()).c_str(), describe(log.value().devices[0]).c_str(),
      st.is_protected() ? "protected by your passphrase" : "not encrypted (mode 0600); see --passphrase-file");
  say("Add another device: run 'coffre device request --user %s' on it, then 'coffre device approve' here.\n\n",
      to_hex(c.user.bytes).c_str());
  say("RECOVERY PHRASE - shown this once, never again.\n"
      "Write these 24 words on paper, in order, and keep them somewhere safe and private. They are the only way\n"
      "back into this account if all your devices are lost ('coffre recover'), and anyone who reads them can take\n"
      "the account over. coffre keeps no copy and cannot show them again. Do not store them in a file or a photo.\n\n");
  std::string_view all(reinterpret_cast<const char*>(words.value().reveal().data()), words.value().size());
  int i = 0;
  while (!all.empty()) {
    auto sp = all.find(' ');
    std::string_view w = all.substr(0, sp);
    all = sp == std::string_view::npos ? std::string_view{} : all.substr(sp + 1);
    ++i;
    const int pad = i % 6 == 0 ? 0 : 9;  // no trailing spaces at the end of a line
    std::printf("  %2d %-*.*s%s", i, pad, static_cast<int>(w.size()), w.data(), i % 6 == 0 ? "\n" : "");
  }
  std::fflush(stdout);
  return kExitOk;
}

int cmd_whoami(const AccountArgs& a) {
  Loaded l{.home = {}, .store = store_of(a), .lock = {}, .st = {}, .vlog = {}, .authors = {}};
  if (Status s = load_and_verify(a, l); !s.ok()) return report(unchanged(s));
  VerifiedLog& lg = *l.vlog;
  if (Status s = check_self(lg, l.st.device, nullptr); !s.ok()) return report(unchanged(s));
  if (Status s = check_no_unexpected(l); !s.ok()) return report(unchanged(s));
  std::optional<DeviceKeys> keys;
  std::optional<RootKey> root;
  std::optional<AccountSecrets> secrets;
  if (Status s = unlock_account(a, l, keys, root, secrets); !s.ok()) return report(unchanged(s));
  if (pin(l.st, lg)) {
    if (Status s = save_state(l.home, l.st, false); !s.ok()) return report(s);
  }
  if (a.json) {
    const DeviceRecord& self = *lg.find(l.st.device);
    print_json({{"user_id", to_hex(l.st.user.bytes)},
                {"fingerprint", identity_fingerprint(lg)},
                {"device", {{"id", to_hex(self.id.bytes)}, {"name", self.name}}},
                {"devices", lg.devices.size()},
                {"revoked", lg.revoked.size()},
                {"head_seq", json_u64(lg.head.seq)},
                {"root_epoch", lg.root_epoch},
                {"suite_version", lg.suite_version},
                {"verified", true}});
    return kExitOk;
  }
  say("user id:      %s\n"
      "fingerprint:  %s\n"
      "this device:  %s\n"
      "device list:  %zu device(s), %zu revoked, head seq %llu, root epoch %u, suite key version %u\n"
      "verified:     yes (device list checked against the pinned head; this device opened the root key of epoch %u "
      "and the account state)\n",
      to_hex(l.st.user.bytes).c_str(), identity_fingerprint(lg).c_str(), describe(*lg.find(l.st.device)).c_str(),
      lg.devices.size(), lg.revoked.size(), static_cast<unsigned long long>(lg.head.seq), lg.root_epoch,
      lg.suite_version, lg.root_epoch);
  return kExitOk;
}

namespace {

// The device list: '*' this device, '!' a device it does not vouch for (the alert of check_no_unexpected).
void print_device_list(const Loaded& l, const VerifiedLog& lg) {
  say("Account %s, fingerprint %s, root epoch %u, head seq %llu\n", to_hex(l.st.user.bytes).c_str(),
      identity_fingerprint(lg).c_str(), lg.root_epoch, static_cast<unsigned long long>(lg.head.seq));
  say("Devices:\n");
  for (const auto& d : lg.devices) {
    const bool self = d.id == l.st.device;
    const bool unexpected = !vouched_for(l.st, l.authors, d.id);
    say("  %s %s%s\n", self ? "*" : unexpected ? "!" : " ", describe(d).c_str(),
        self         ? "  (this device)"
        : unexpected ? ("  UNEXPECTED: added by " + describe_author(lg, l.authors, d.id) +
                        ", never seen approved here ('coffre device accept' or 'coffre device revoke')")
                           .c_str()
                     : "");
  }
  if (!lg.revoked.empty()) {
    say("Revoked:\n");
    for (const auto& d : lg.revoked) {
      say("  %s %s%s\n", d.id == l.st.device ? "*" : " ", describe(d).c_str(),
          d.id == l.st.device ? "  (this device)" : "");
    }
  }
}

// The same for --json (cli/README.md); "alert" is added by the caller.
nlohmann::ordered_json device_list_json(const Loaded& l, const VerifiedLog& lg) {
  nlohmann::ordered_json devices = nlohmann::ordered_json::array();
  for (const auto& d : lg.devices) {
    const bool unexpected = !vouched_for(l.st, l.authors, d.id);
    nlohmann::ordered_json e = {{"id", to_hex(d.id.bytes)},
                                {"name", d.name},
                                {"this_device", d.id == l.st.device},
                                {"unexpected", unexpected}};
    if (unexpected) e["added_by"] = describe_author(lg, l.authors, d.id);
    devices.push_back(std::move(e));
  }
  nlohmann::ordered_json revoked = nlohmann::ordered_json::array();
  for (const auto& d : lg.revoked) {
    revoked.push_back({{"id", to_hex(d.id.bytes)}, {"name", d.name}, {"this_device", d.id == l.st.device}});
  }
  return {{"user_id", to_hex(l.st.user.bytes)},
          {"fingerprint", identity_fingerprint(lg)},
          {"root_epoch", lg.root_epoch},
          {"head_seq", json_u64(lg.head.seq)},
          {"devices", std::move(devices)},
          {"revoked", std::move(revoked)}};
}

}  // namespace

int cmd_device_list(const AccountArgs& a) {
  Loaded l{.home = {}, .store = store_of(a), .lock = {}, .st = {}, .vlog = {}, .authors = {}};
  if (Status s = sign_store_anonymously(*l.store); !s.ok()) return report(s);  // it reads the device list only
  if (Status s = load_and_verify(a, l); !s.ok()) return report(unchanged(s));
  VerifiedLog& lg = *l.vlog;
  // Text goes out as it is made; JSON only once everything succeeded (a failure prints nothing on stdout).
  if (!a.json) print_device_list(l, lg);
  if (Status s = check_self(lg, l.st.device, nullptr); !s.ok()) return report(unchanged(s));
  // Listing is how the user inspects an alert: it succeeds, says so loudly, and pins nothing until it is resolved.
  const Status alert = check_no_unexpected(l);
  if (alert.ok() && pin(l.st, lg)) {
    if (Status s = save_state(l.home, l.st, false); !s.ok()) return report(s);
  }
  if (a.json) {
    nlohmann::ordered_json j = device_list_json(l, lg);
    j["alert"] = alert.ok() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(alert.message);
    print_json(j);
  } else if (!alert.ok()) {
    report(alert);
  }
  return kExitOk;
}

// ---------------------------------------------------------------------------------------------------------------

int cmd_device_request(const AccountArgs& a) {
  const std::string home = home_of(a);
  const std::unique_ptr<Store> owned_store = store_of(a);
  const Store& store = *owned_store;
  HomeLock lock;
  if (Status s = claim_empty_home(home, lock, ". A new device needs its own --home"); !s.ok()) return report(s);
  UserId user;
  if (Status s = parse_user(a.user, user); !s.ok()) return report(s);
  if (Status s = check_timeout(a.timeout); !s.ok()) return report(s);
  if (Status s = need_terminal_unless_yes(a); !s.ok()) return report(s);
  const std::string name = a.name.empty() ? host_name() : a.name;
  SecretBytes pass;
  if (Status s = new_keys_passphrase({a.passphrase_file, a.no_passphrase}, pass); !s.ok()) return report(s);
  const auto deadline = Clock::now() + std::chrono::seconds(a.timeout);

  std::optional<VerifiedLog> first_fetch;
  if (Status s = fetch_verified(store, user, std::nullopt, std::nullopt, first_fetch); !s.ok()) {
    return report(unchanged(s));
  }
  const VerifiedLog& first = *first_fetch;
  say("Account %s, fingerprint %s\n"
      "Check that an enrolled device shows this fingerprint ('coffre whoami').\n",
      to_hex(user.bytes).c_str(), identity_fingerprint(first).c_str());

  Rng& rng = system_rng();
  auto keys = DeviceKeys::generate(rng);
  if (!keys) return report(lib_failure(keys.error(), "cannot create the device keys"));
  sign_store_as(store, keys.value().sign_key, std::nullopt);  // in no account until approved
  auto started = EnrollmentRequester::start(keys.value(), name, now_s(), rng,
                                            std::min<std::uint64_t>(a.timeout, kEnrollmentMaxLifetime));
  if (!started) {
    if (started.error() == Error::invalid_argument) {
      return report(Status::fail(kExitUsage, "--name must be at most 64 bytes of UTF-8"));
    }
    return report(lib_failure(started.error(), "cannot start the enrollment"));
  }
  EnrollmentRequester& req = started.value();
  const std::string rid = to_hex(req.request_id().bytes);
  bool existed = false;
  if (Status s = store.put_new(Store::mailbox(rid, "request"), req.request(), existed); !s.ok()) return report(s);
  if (existed) return report(lib_failure(Error::enrollment_invalid, "the mailbox of request " + rid + " is taken"));
  say("Request id: %s\n"
      "On an enrolled device of this account, run:\n"
      "  coffre device approve %s\n"
      "Waiting for its answer...\n",
      rid.c_str(), rid.c_str());

  std::optional<Bytes> response;
  if (Status s = wait_for(store, Store::mailbox(rid, "response"), deadline, req.expires(), response); !s.ok()) {
    return report(unchanged(s));
  }
  if (!response) return report(unchanged(timed_out("answer to request " + rid, a.timeout)));
  std::optional<VerifiedLog> fetched;
  if (Status s = fetch_verified(store, user, first.head, first.genesis_hash, fetched); !s.ok()) {
    return report(unchanged(s));
  }
  VerifiedLog log = std::move(*fetched);
  auto conf = req.on_response(*response, log, now_s());
  if (!conf) return report(unchanged(lib_failure(conf.error(), "the answer to request " + rid)));
  if (Status s = store.put_new(Store::mailbox(rid, "reveal"), conf.value().reveal, existed); !s.ok()) {
    return report(unchanged(s));
  }
  if (existed) {
    return report(unchanged(lib_failure(Error::enrollment_invalid, "the mailbox of request " + rid +
                                                                       " holds a reveal this device did not send")));
  }
  say("Security code: %s\n", show_sas(conf.value().sas).c_str());
  if (Status s = confirm_or_yes(a, "Does the other device show the same code? [y/N]",
                                "enrollment cancelled: the security codes were not confirmed. Answer no on the "
                                "other device too (if it added this device anyway, revoke " +
                                    to_hex(keys.value().id.bytes) + " from it)");
      !s.ok()) {
    return report(unchanged(s));
  }
  say("Waiting for the other device to add this one...\n");

  // The devices this one joins (SPEC 15 "known"): those of the list the approver answered from, the approver
  // included; any device added later is for the user to accept.
  std::set<DeviceId> joined;
  for (const auto& d : log.devices) joined.insert(d.id);

  // The add-device entry, then the wrap: poll until both are there and verify.
  std::optional<RootKey> root;
  std::optional<AccountSecrets> secrets;
  while (true) {
    std::optional<VerifiedLog> polled;
    if (Status s = fetch_verified(store, user, log.head, log.genesis_hash, polled); !s.ok()) {
      return report(unchanged(s));
    }
    VerifiedLog& now_log = *polled;
    Error e = req.check_enrolled(now_log);
    if (e != Error::ok && e != Error::device_not_enrolled) {
      return report(unchanged(lib_failure(e, "the device list's entry for this device")));
    }
    if (e == Error::ok) {
      sign_store_as(store, keys.value().sign_key, user);  // now a device of the account
      std::optional<Bytes> wrap;
      if (Status s = store.get(Store::wrap(user, now_log.root_epoch, keys.value().id), wrap); !s.ok()) {
        return report(unchanged(s));
      }
      if (wrap) {
        if (Status s = open_account(store, now_log, keys.value().id, keys.value().kem_key, "this device", root,
                                    secrets);
            !s.ok()) {
          return report(unchanged(s));
        }
        log = std::move(now_log);
        break;
      }
    }
    if (Clock::now() >= deadline) {
      return report(unchanged(Status::fail(
          kExitAuth, "the other device did not add this one within " + std::to_string(a.timeout) +
                         " s (device_not_enrolled)")));
    }
    std::this_thread::sleep_for(kPollInterval);
  }

  DeviceState st;
  st.user = user;
  st.device = keys.value().id;
  st.known = std::move(joined);
  pin(st, log);
  if (Status s = seal_keys(st, keys.value(), pass); !s.ok()) return report(s);
  if (Status s = save_state(home, st, /*create=*/true); !s.ok()) return report(s);
  say("This device is enrolled: %s, root epoch %u.\n", describe(*log.find(st.device)).c_str(), log.root_epoch);
  return kExitOk;
}

namespace {

// The request to answer: the one named, or the only pending one (a request without a response) that has not
// expired.
Status pick_request(const Store& store, const std::string& given, std::string& rid) {
  if (!given.empty()) {
    EnrollmentRequestId id;
    if (!from_hex(given, id.bytes)) {
      return Status::fail(kExitUsage, "REQUEST-ID must be 32 hex digits, as 'coffre device request' prints it");
    }
    rid = to_hex(id.bytes);
    return Status::success();
  }
  std::vector<std::string> names, pending;
  if (Status s = store.list("enroll", names); !s.ok()) return s;
  for (const auto& n : names) {
    EnrollmentRequestId id;
    if (!from_hex(n, id.bytes)) continue;
    std::optional<Bytes> req, resp;
    if (Status s = store.get(Store::mailbox(n, "request"), req); !s.ok()) return s;
    if (Status s = store.get(Store::mailbox(n, "response"), resp); !s.ok()) return s;
    // expires: u64 at offset 30 (SPEC section 12), read only to skip stale requests; on_request checks it.
    if (!req || resp || req->size() < 38) continue;
    std::uint64_t expires = 0;
    for (int i = 0; i < 8; ++i) expires = expires << 8 | (*req)[30 + static_cast<std::size_t>(i)];
    if (expires > now_s()) pending.push_back(n);
  }
  if (pending.empty()) {
    return Status::fail(kExitIo, "no pending enrollment request in the store (not_found): run 'coffre device "
                                 "request --user USER-ID' on the new device first");
  }
  if (pending.size() > 1) {
    std::string list;
    for (auto& p : pending) list += "\n  " + p;
    return Status::fail(kExitUsage, "several pending enrollment requests; pass the id the new device printed:" + list);
  }
  rid = pending[0];
  return Status::success();
}

}  // namespace

int cmd_device_approve(const AccountArgs& a) {
  if (Status s = check_timeout(a.timeout); !s.ok()) return report(s);
  if (Status s = need_terminal_unless_yes(a); !s.ok()) return report(s);
  Loaded l{.home = {}, .store = store_of(a), .lock = {}, .st = {}, .vlog = {}, .authors = {}};
  if (Status s = load_and_verify(a, l); !s.ok()) return report(unchanged(s));
  VerifiedLog& lg = *l.vlog;
  if (Status s = check_self(lg, l.st.device, nullptr); !s.ok()) return report(unchanged(s));
  if (Status s = check_no_unexpected(l); !s.ok()) return report(unchanged(s));
  std::optional<DeviceKeys> keys;
  std::optional<RootKey> root;
  std::optional<AccountSecrets> secrets;
  if (Status s = unlock_account(a, l, keys, root, secrets); !s.ok()) return report(unchanged(s));
  const auto deadline = Clock::now() + std::chrono::seconds(a.timeout);

  std::string rid;
  if (Status s = pick_request(*l.store, a.request_id, rid); !s.ok()) return report(unchanged(s));
  std::optional<Bytes> request;
  if (Status s = l.store->get(Store::mailbox(rid, "request"), request); !s.ok()) return report(unchanged(s));
  if (!request) {
    return report(unchanged(lib_failure(Error::not_found, "the store has no enrollment request " + rid)));
  }
  UsedEnrollmentRequests used = l.st.used;
  used.prune(now_s());
  Rng& rng = system_rng();
  auto answered = EnrollmentApprover::on_request(*request, *keys, lg, now_s(), used, rng);
  if (!answered) {
    Status s = lib_failure(answered.error(), "enrollment request " + rid);
    // A request for a device id the log already has: a replayed request, an integrity failure here.
    if (answered.error() == Error::already_exists) s.code = kExitAuth;
    return report(unchanged(s));
  }
  EnrollmentApprover& approver = answered.value();
  if (to_hex(approver.request_id().bytes) != rid) {
    return report(unchanged(lib_failure(Error::enrollment_invalid,
                                        "the mailbox " + rid + " holds a request with another id")));
  }
  say("Enrollment request %s from a new device: %s\n", rid.c_str(), describe(approver.requester()).c_str());

  // SPEC section 12: record the request id as used before answering.
  l.st.used = std::move(used);
  pin(l.st, lg);
  if (Status s = save_state(l.home, l.st, false); !s.ok()) return report(s);
  const std::string recorded = "; only the request id was recorded as used in the home directory";
  bool existed = false;
  if (Status s = l.store->put_new(Store::mailbox(rid, "response"), approver.response(), existed); !s.ok()) {
    return report(s);
  }
  if (existed) {
    return report(Status::fail(kExitAuth, "request " + rid + " was already answered (enrollment_replayed)" +
                                              recorded));
  }
  say("Answered; waiting for the new device...\n");

  // expires: the request's (on_reveal checks it too).
  std::uint64_t expires = 0;
  for (int i = 0; i < 8; ++i) expires = expires << 8 | (*request)[30 + static_cast<std::size_t>(i)];
  std::optional<Bytes> reveal;
  if (Status s = wait_for(*l.store, Store::mailbox(rid, "reveal"), deadline, expires, reveal); !s.ok()) {
    return report(s);
  }
  if (!reveal) {
    Status s = timed_out("reveal from the new device", a.timeout);
    s.message += recorded;
    return report(s);
  }
  auto conf = approver.on_reveal(*reveal, now_s());
  if (!conf) {
    Status s = lib_failure(conf.error(), "the new device's reveal");
    s.message += recorded;
    return report(s);
  }
  say("Security code: %s\n", show_sas(conf.value().sas).c_str());
  if (Status s = confirm_or_yes(a, "Does the new device show the same code? [y/N]",
                                "not approved: the security codes were not confirmed; the device was not added" +
                                    recorded);
      !s.ok()) {
    return report(s);
  }

  // The log may have grown since the request: verify it again and append after its head.
  std::optional<VerifiedLog> refetched;
  EntryAuthors authors;
  if (Status s = fetch_verified(*l.store, l.st.user, lg.head, lg.genesis_hash, refetched, &authors); !s.ok()) {
    s.message += recorded;
    return report(s);
  }
  const VerifiedLog& current = *refetched;
  if (Status s = check_self(current, l.st.device, &*keys); !s.ok()) return report(s);
  if (Status s = check_no_unexpected(current, l.st, authors); !s.ok()) {
    s.message += "; the device was not added" + recorded;
    return report(s);
  }
  if (current.root_epoch != lg.root_epoch) {
    if (Status s = open_account(*l.store, current, l.st.device, keys->kem_key, "this device", root, secrets);
        !s.ok()) {
      return report(s);
    }
  }
  auto approval = approve(approver, current, *secrets, *root, *keys, rng);
  if (!approval) return report(lib_failure(approval.error(), "cannot add the device"));
  std::vector<Bytes> appended{approval.value().entry};
  auto after = verify_appended(current, appended);
  if (!after) return report(lib_failure(after.error(), "internal error: the add-device entry does not verify"));
  // The wrap first (nothing refers to it until the entry exists), then the entry: no crash leaves the new device
  // enrolled without its wrap. A lost race removes the wrap again.
  const auto& w = approval.value().wrap;
  std::vector<NewObject> wrap{{Store::wrap(l.st.user, current.root_epoch, w.recipient), &w.bytes}};
  if (Status s = put_all_new(*l.store, wrap); !s.ok()) return report(s);
  if (Status s = l.store->put_new(Store::log_entry(l.st.user, current.head.seq + 1), approval.value().entry, existed);
      !s.ok() || existed) {
    remove_created(*l.store, wrap);
    return report(existed ? conflict("log entry " + std::to_string(current.head.seq + 1)) : s);
  }
  pin(l.st, after.value());
  l.st.known.insert(conf.value().device.id);  // implied by the entry's author too (a crash before this save)
  if (Status s = save_state(l.home, l.st, false); !s.ok()) return report(s);
  say("Added device %s; it holds the root key of epoch %u.\n", describe(conf.value().device).c_str(),
      current.root_epoch);
  return kExitOk;
}

namespace {

// DEVICE-ID (device revoke, device accept): the whole id or an unambiguous prefix (at least 4 hex digits) of an
// enrolled device other than this one.
Status pick_device(const VerifiedLog& lg, const DeviceState& st, const std::string& arg, const char* verb,
                   const DeviceRecord*& target) {
  std::string want = arg;
  for (auto& c : want) c = static_cast<char>(c >= 'A' && c <= 'F' ? c - 'A' + 'a' : c);
  auto matches_want = [&](const DeviceRecord& d) {
    return want.size() >= 4 && want.size() <= 32 && to_hex(d.id.bytes).compare(0, want.size(), want) == 0;
  };
  target = nullptr;
  int matches = 0;
  for (const auto& d : lg.devices) {
    if (matches_want(d)) {
      target = &d;
      ++matches;
    }
  }
  if (matches != 1) {
    const bool revoked = std::any_of(lg.revoked.begin(), lg.revoked.end(), matches_want);
    return Status::fail(kExitUsage, matches > 1 ? "DEVICE-ID " + arg + " matches several devices"
                                    : revoked   ? "device " + arg + " is already revoked"
                                                : "no enrolled device " + arg +
                                                      " (give at least 4 hex digits; see 'coffre device list')");
  }
  if (target->id == st.device) {
    return Status::fail(kExitUsage, std::string("this is the device you are on; ") + verb + " it from another device");
  }
  return Status::success();
}

// The first steps of `device accept` and `device revoke`: a confirmation is possible, this device is enrolled, and
// a.device names another enrolled device (`target`).
Status load_for_target(const AccountArgs& a, const char* verb, Loaded& l, const DeviceRecord*& target) {
  if (Status s = need_terminal_unless_yes(a); !s.ok()) return s;
  if (Status s = load_and_verify(a, l); !s.ok()) return unchanged(s);
  if (Status s = check_self(*l.vlog, l.st.device, nullptr); !s.ok()) return unchanged(s);
  if (Status s = pick_device(*l.vlog, l.st, a.device, verb, target); !s.ok()) return unchanged(s);
  return Status::success();
}

}  // namespace

int cmd_device_accept(const AccountArgs& a) {
  Loaded l{.home = {}, .store = store_of(a), .lock = {}, .st = {}, .vlog = {}, .authors = {}};
  const DeviceRecord* target = nullptr;
  if (Status s = load_for_target(a, "accept", l, target); !s.ok()) return report(s);
  VerifiedLog& lg = *l.vlog;
  const std::string who = describe(*target) + ", added by " + describe_author(lg, l.authors, target->id);
  if (vouched_for(l.st, l.authors, target->id)) {
    say("Device %s is already one this device knows; nothing to accept.\n", who.c_str());
    return kExitOk;
  }
  if (Status s = confirm_or_yes(a, "Accept device " + who + " as one of yours? Answer yes only if you added it "
                                   "yourself. [y/N]",
                                "not accepted");
      !s.ok()) {
    return report(unchanged(s));
  }
  l.st.known.insert(target->id);
  pin(l.st, lg);
  if (Status s = save_state(l.home, l.st, false); !s.ok()) return report(s);
  say("Accepted device %s.\n", who.c_str());
  if (Status s = check_no_unexpected(l); !s.ok()) report(s);  // done; but others still wait for a decision
  return kExitOk;
}

int cmd_device_revoke(const AccountArgs& a) {
  Loaded l{.home = {}, .store = store_of(a), .lock = {}, .st = {}, .vlog = {}, .authors = {}};
  const DeviceRecord* target = nullptr;
  if (Status s = load_for_target(a, "revoke", l, target); !s.ok()) return report(s);
  VerifiedLog& lg = *l.vlog;
  // The new root key goes to every remaining device: each must be one this device vouches for.
  if (Status s = check_no_unexpected(l, &target->id); !s.ok()) {
    s.message += " (the new root key would be wrapped to it: accept or revoke it first)";
    return report(unchanged(s));
  }
  std::optional<DeviceKeys> keys;
  std::optional<RootKey> root;
  std::optional<AccountSecrets> secrets;
  if (Status s = unlock_account(a, l, keys, root, secrets); !s.ok()) return report(unchanged(s));
  if (Status s = confirm_or_yes(a, "Revoke device " + describe(*target) +
                                       "? It loses access to everything encrypted from now on. [y/N]",
                                "not revoked");
      !s.ok()) {
    return report(unchanged(s));
  }
  const DeviceRecord revoked = *target;
  auto plan = plan_revocation(lg, *secrets, *keys, revoked.id, system_rng());
  if (!plan) return report(unchanged(lib_failure(plan.error(), "cannot revoke the device")));
  RevocationPlan& p = plan.value();
  std::vector<Bytes> appended{p.entry};
  auto after = verify_appended(lg, appended);
  if (!after) return report(unchanged(lib_failure(after.error(), "internal error: the revocation does not verify")));
  const std::uint32_t epoch = p.root.epoch();

  // The new epoch's objects first (nothing refers to them until the revoke entry exists), created exclusively: a
  // concurrent revocation of the same epoch finds them taken and stops without touching them. Then the entry; a
  // revocation that loses the append race removes its own epoch objects.
  std::vector<NewObject> objects{{Store::sealed_state(l.st.user, epoch), &p.sealed_state}};
  for (const auto& w : p.wraps) objects.push_back({Store::wrap(l.st.user, epoch, w.recipient), &w.bytes});
  Status put = put_all_new(*l.store, objects);
  if (!put.ok() && a.force) {
    // The leftovers are only ours to remove while no entry follows the head this revocation builds on.
    std::optional<Bytes> next;
    if (Status s = l.store->get(Store::log_entry(l.st.user, lg.head.seq + 1), next); !s.ok()) return report(s);
    if (next) return report(unchanged(conflict("log entry " + std::to_string(lg.head.seq + 1))));
    if (Status s = remove_epoch_objects(*l.store, l.st.user, epoch); !s.ok()) return report(s);
    put = put_all_new(*l.store, objects);
  }
  if (!put.ok()) {
    put.message += " (another revocation of epoch " + std::to_string(epoch) + " is running, or crashed before its "
                   "log entry: its objects are left as they are; if no other device is revoking, --force removes "
                   "them)";
    return report(unchanged(put));
  }
  // What the account signed with the identity key in force (SPEC 15.4): recorded before the entry, signed again
  // with the new key after it. A list the revoked device plants later is not in the journal.
  ResignJournal journal;
  if (Status s = plan_resign(*l.store, l.st.user, *secrets, journal); !s.ok()) {
    remove_created(*l.store, objects);
    return report(unchanged(s));
  }
  if (Status s = save_resign_journal(l.home, journal); !s.ok()) {
    remove_created(*l.store, objects);
    return report(unchanged(s));
  }
  crash_point("revoke: re-signing journal written");
  const std::uint64_t seq = lg.head.seq + 1;
  bool existed = false;
  if (Status s = l.store->put_new(Store::log_entry(l.st.user, seq), p.entry, existed); !s.ok() || existed) {
    remove_created(*l.store, objects);  // nothing of this revocation is in the log
    (void)remove_resign_journal(l.home);
    return report(unchanged(existed ? conflict("log entry " + std::to_string(seq)) : s));
  }
  crash_point("revoke: entry appended");
  pin(l.st, after.value());
  if (Status s = save_state(l.home, l.st, false); !s.ok()) return report(s);
  // The new identity key (generation + 1) is published with the continuity signature of the one it replaces.
  publish_or_warn(*l.store, l.st.user, p.secrets, &secrets->identity());
  crash_point("revoke: record published");
  if (Status s = finish_resign(*l.store, l.home, l.st.user, p.secrets); !s.ok()) {
    s.message = "device " + describe(revoked) + " is revoked, but: " + s.message;
    return report(s);
  }
  say("Revoked device %s.\n"
      "New identity key (generation %u), root epoch %u and suite key version %u, wrapped to %zu remaining device(s) "
      "and the recovery key.\n"
      "Your contacts will see a changed safety number: they must compare it with you again.\n",
      describe(revoked).c_str(), after.value().identity_generation, epoch, after.value().suite_version,
      after.value().devices.size());
  return kExitOk;
}

// ---------------------------------------------------------------------------------------------------------------

namespace {

constexpr std::size_t kMaxPhraseInput = 4096;

// The phrase as typed or read from a file, with list numbering ("1." "2)" ...) turned into spaces: digits, '.' and
// ')' are never part of a word, so a phrase copied from 'coffre init' with its numbers decodes.
Status read_phrase(const AccountArgs& a, SecretBytes& out) {
  SecretBytes raw;
  if (!a.phrase_file.empty()) {
    int fd = open(a.phrase_file.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return io_failure("cannot open the phrase file " + a.phrase_file, errno);
    SecretBytes buf(kMaxPhraseInput + 1);
    if (!buf.valid()) {
      close(fd);
      return Status::fail(kExitIo, std::string(error_message(Error::out_of_memory)));
    }
    std::size_t got = 0;
    Status s = read_full(fd, buf.reveal_mut().data(), buf.size(), got, "the phrase file " + a.phrase_file);
    close(fd);
    if (!s.ok()) return s;
    if (got > kMaxPhraseInput) return Status::fail(kExitUsage, "the phrase file is larger than 4 KiB");
    auto r = SecretBytes::copy_of(buf.reveal().first(got));
    if (!r) return Status::fail(kExitIo, std::string(error_message(r.error())));
    raw = std::move(r).take();
  } else {
    if (Status s = require_terminal("pass --phrase-file FILE"); !s.ok()) return s;
    if (Status s = read_hidden("Recovery phrase (24 words, not shown): ", raw); !s.ok()) return s;
  }
  for (auto& c : raw.reveal_mut()) {
    if ((c >= '0' && c <= '9') || c == '.' || c == ')') c = ' ';
  }
  out = std::move(raw);
  return Status::success();
}

}  // namespace

int cmd_recover(const AccountArgs& a) {
  const std::string home = home_of(a);
  const std::unique_ptr<Store> owned_store = store_of(a);
  const Store& store = *owned_store;
  HomeLock lock;
  if (Status s = claim_empty_home(home, lock, ". Recover into a new --home"); !s.ok()) return report(s);
  UserId user;
  if (Status s = parse_user(a.user, user); !s.ok()) return report(s);
  const std::string name = a.name.empty() ? host_name() : a.name;
  SecretBytes typed;
  if (Status s = read_phrase(a, typed); !s.ok()) return report(s);
  std::string_view typed_view(reinterpret_cast<const char*>(typed.reveal().data()), typed.size());
  auto phrase = RecoveryPhrase::from_words(typed_view);
  if (!phrase) {
    std::string where;
    if (auto bad = RecoveryPhrase::first_unknown_word(typed_view)) {
      where = ": word " + std::to_string(*bad + 1) + " is not in the BIP-39 English list";
    }
    return report(unchanged(lib_failure(phrase.error(), "the recovery phrase" + where)));
  }
  SecretBytes pass;
  if (Status s = new_keys_passphrase({a.passphrase_file, a.no_passphrase}, pass); !s.ok()) return report(s);

  std::optional<VerifiedLog> fetched;
  if (Status s = fetch_verified(store, user, std::nullopt, std::nullopt, fetched); !s.ok()) {
    return report(unchanged(s));
  }
  const VerifiedLog& log = *fetched;
  say("Account %s, fingerprint %s\n", to_hex(user.bytes).c_str(), identity_fingerprint(log).c_str());
  auto rkey = RecoveryKey::from_phrase(phrase.value());
  if (!rkey) return report(lib_failure(rkey.error(), "cannot derive the recovery key"));
  // The phrase pins the genesis (SPEC section 13): a store that serves a genesis of its own, even with this user id
  // and recovery public key, cannot make its recovery MAC.
  if (Error e = rkey.value().check_genesis(log); e != Error::ok) {
    return report(unchanged(lib_failure(
        e, e == Error::log_fork ? "the device list the store serves for account " + to_hex(user.bytes) +
                                      " does not start with the genesis this recovery phrase created: a forged "
                                      "account"
                                : "this recovery phrase is not the one of account " + to_hex(user.bytes))));
  }
  sign_store_as(store, rkey.value().signing_key(), user);  // a recovery signer (STORE.md section 4)
  std::optional<RootKey> root;
  std::optional<AccountSecrets> secrets;
  if (Status s = open_account(store, log, recovery_recipient_id(), rkey.value().kem_key(), "the recovery key", root,
                              secrets);
      !s.ok()) {
    return report(unchanged(s));
  }

  Rng& rng = system_rng();
  auto keys = DeviceKeys::generate(rng);
  if (!keys) return report(lib_failure(keys.error(), "cannot create the device keys"));
  DeviceRecord record = keys.value().record(name);  // transcript hash zero: SPEC section 10
  auto pop = device_pop(keys.value().sign_key, log.user, record);
  if (!pop) return report(lib_failure(pop.error(), "cannot sign the device's proof of possession"));
  // The recovery key authors the entry (SPEC section 13): no enrolled device vouches for this one.
  auto entry = make_add_device(log, secrets->identity(), EntryAuthor{recovery_author_id(), rkey.value().signing_key()},
                               record, pop.value());
  if (!entry) {
    if (entry.error() == Error::invalid_argument) {
      return report(Status::fail(kExitUsage, "--name must be at most 64 bytes of UTF-8"));
    }
    return report(lib_failure(entry.error(), "cannot add the device"));
  }
  auto wrap = wrap_root_key(*root, log.user, keys.value().id, keys.value().kem_pk, rng);
  if (!wrap) return report(lib_failure(wrap.error(), "cannot wrap the root key to this device"));
  std::vector<Bytes> appended{entry.value()};
  auto after = verify_appended(log, appended);
  if (!after) return report(lib_failure(after.error(), "internal error: the add-device entry does not verify"));

  DeviceState st;
  st.user = user;
  st.device = keys.value().id;
  for (const auto& d : log.devices) st.known.insert(d.id);  // the devices this one joins (SPEC 15 "known")
  pin(st, after.value());
  if (Status s = seal_keys(st, keys.value(), pass); !s.ok()) return report(s);
  // The wrap first, then the entry (as device approve does); a lost race removes the wrap again.
  std::vector<NewObject> own{{Store::wrap(user, log.root_epoch, keys.value().id), &wrap.value()}};
  if (Status s = put_all_new(store, own); !s.ok()) return report(unchanged(s));
  bool existed = false;
  if (Status s = store.put_new(Store::log_entry(user, log.head.seq + 1), entry.value(), existed); !s.ok() || existed) {
    remove_created(store, own);
    return report(unchanged(existed ? conflict("log entry " + std::to_string(log.head.seq + 1)) : s));
  }
  if (Status s = save_state(home, st, /*create=*/true); !s.ok()) return report(s);
  sign_store_as(store, keys.value().sign_key, user);  // now a device of the account
  // After a revocation the record needs the previous identity key, which the recovery key also opens.
  std::optional<SigningKey> previous;
  if (!log.superseded_identities.empty()) {
    if (Status s = open_previous_identity(store, log, recovery_recipient_id(), rkey.value().kem_key(),
                                          "the recovery key", previous);
        !s.ok()) {
      std::fprintf(stderr, "coffre: warning: %s\n", s.message.c_str());
    }
  }
  if (log.superseded_identities.empty() || previous) {
    publish_or_warn(store, user, *secrets, previous ? &*previous : nullptr);
  }
  say("This device is enrolled with the recovery phrase: %s, root epoch %u.\n"
      "Revoke the devices you lost with 'coffre device revoke DEVICE-ID' ('coffre device list' shows them).\n",
      describe(record).c_str(), log.root_epoch);
  return kExitOk;
}

#ifdef COFFRE_CLI_TEST_HOOKS
int cmd_test_export_secrets(const AccountArgs& a) {
  Loaded l{.home = {}, .store = store_of(a), .lock = {}, .st = {}, .vlog = {}, .authors = {}};
  if (Status s = load_and_verify(a, l); !s.ok()) return report(s);
  std::optional<DeviceKeys> keys;
  std::optional<RootKey> root;
  std::optional<AccountSecrets> secrets;
  if (Status s = unlock_account(a, l, keys, root, secrets); !s.ok()) return report(s);
  std::string suites;
  for (const auto& k : secrets->suite_keys()) {
    suites += std::string(suites.empty() ? "" : ", ") + "\"" + to_hex(k.key.secret().reveal()) + "\"";
  }
  say("{\"device_sign_seed\": \"%s\", \"device_kem_seed\": \"%s\", \"root_epoch\": %u, \"root_key\": \"%s\", "
      "\"identity_seed\": \"%s\", \"suite_seeds\": [%s]}\n",
      to_hex(keys->sign_key.seed().reveal()).c_str(), to_hex(keys->kem_key.secret().reveal()).c_str(),
      root->epoch(), to_hex(root->secret().reveal()).c_str(), to_hex(secrets->identity().seed().reveal()).c_str(),
      suites.c_str());
  return kExitOk;
}
#endif

// ---------------------------------------------------------------------------------------------------------------

std::unique_ptr<Store> store_for(const AccountArgs& a) { return store_of(a); }

namespace {

// The steps unlock_enrolled and open_enrolled share: lock, load, verify the list, this device in it, no alert.
Status open_checked(const AccountArgs& a, const Store& store, UnlockedAccount& u) {
  u.home = home_of(a);
  if (Status s = u.lock.acquire(u.home); !s.ok()) return s;
  if (Status s = load_state(u.home, u.state); !s.ok()) return s;
  EntryAuthors authors;
  if (Status s = fetch_pinned(store, u.state, u.log, &authors); !s.ok()) return s;
  if (Status s = check_self(*u.log, u.state.device, nullptr); !s.ok()) return s;
  return check_no_unexpected(*u.log, u.state, authors);
}

}  // namespace

Status unlock_enrolled(const AccountArgs& a, const Store& store, UnlockedAccount& u) {
  if (Status s = open_checked(a, store, u); !s.ok()) return s;
  if (Status s = unlock_keys(u.state, a.passphrase_file, u.keys); !s.ok()) return s;
  if (Status s = check_self(*u.log, u.state.device, &*u.keys); !s.ok()) return s;
  std::optional<RootKey> root;
  if (Status s = open_account(store, *u.log, u.state.device, u.keys->kem_key, "this device", root, u.secrets);
      !s.ok()) {
    return s;
  }
  if (pin(u.state, *u.log)) {
    if (Status s = save_state(u.home, u.state, false); !s.ok()) return s;
  }
  // An interrupted revocation: its re-signing, then its directory record (the kill may have come before it).
  bool finished = false;
  if (Status s = finish_resign(store, u.home, u.state.user, *u.secrets, &finished); !s.ok() || !finished) return s;
  if (Status s = publish_account_record(store, u); !s.ok()) {
    std::fprintf(stderr, "coffre: warning: %s; run 'coffre publish'\n", s.message.c_str());
  }
  return Status::success();
}

Status open_enrolled(const AccountArgs& a, const Store& store, UnlockedAccount& u) {
  return open_checked(a, store, u);
}

Status publish_account_record(const Store& store, const UnlockedAccount& u) {
  std::optional<SigningKey> previous;
  if (u.secrets->identity_generation() > 1) {
    if (Status s = open_previous_identity(store, *u.log, u.state.device, u.keys->kem_key, "this device", previous);
        !s.ok()) {
      s.message += " (the record of a new identity key carries the previous key's signature: publish from a device "
                   "enrolled before the last revocation, or recover with the phrase)";
      return s;
    }
  }
  return publish_record(store, u.state.user, *u.secrets, previous ? &*previous : nullptr);
}

}  // namespace coffre::cli
