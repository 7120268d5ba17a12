// Test build only (target coffre_cli_test_hooks, never the shipped `coffre`): what a revoked device that kept every
// old secret can write to the store, for tests/cli/account_test.py and sharing_test.py. These commands check
// nothing on purpose: the point is that honest devices and contacts refuse what they write.
#include "account_cmds.hpp"
#include "contacts.hpp"
#include "store.hpp"

#include <coffre/coffre.hpp>

#include <cstdio>
#include <ctime>
#include <limits>

namespace coffre::cli {

namespace {

using Bytes = std::vector<std::uint8_t>;

// The signature labels of SPEC section 6 for device-list entries.
constexpr std::string_view kLogEntryLabel = "coffre/v1/log/entry";
constexpr std::string_view kLogAuthorLabel = "coffre/v1/log/author";

Status hex_arg(const std::string& hex, std::span<std::uint8_t> out, const char* what) {
  if (!from_hex(hex, out)) return Status::fail(kExitUsage, std::string(what) + " must be hex of the right size");
  return Status::success();
}

Status signing_key_arg(const std::string& hex, const char* what, std::optional<SigningKey>& out) {
  std::array<std::uint8_t, SigningKey::kSeedSize> seed{};
  if (Status s = hex_arg(hex, seed, what); !s.ok()) return s;
  auto k = SigningKey::from_seed(seed);
  if (!k) return lib_failure(k.error(), what);
  out.emplace(std::move(k).take());
  return Status::success();
}

// The store's whole log, with the head of what it holds (no pins: the attacker trusts whatever is there).
Status current_head(const Store& store, const UserId& user, LogHead& head) {
  std::vector<Bytes> entries;
  if (Status s = store.fetch_log(user, entries); !s.ok()) return s;
  if (entries.empty()) return Status::fail(kExitIo, "no log in the store");
  head = LogHead{entries.size() - 1, entry_hash(entries.back())};
  return Status::success();
}

}  // namespace

int cmd_test_forge_entry(const ForgeArgs& a) {
  DirectoryStore store(a.store);
  UserId user;
  DeviceId author;
  std::optional<SigningKey> identity, author_key;
  if (Status s = hex_arg(a.user, user.bytes, "--user"); !s.ok()) return report(s);
  if (Status s = hex_arg(a.author, author.bytes, "--author"); !s.ok()) return report(s);
  if (Status s = signing_key_arg(a.identity_seed, "--identity-seed", identity); !s.ok()) return report(s);
  if (Status s = signing_key_arg(a.author_seed, "--author-seed", author_key); !s.ok()) return report(s);
  LogHead head;
  if (Status s = current_head(store, user, head); !s.ok()) return report(s);

  // A device the attacker controls, with a genuine proof of possession; the entry is signed by the given identity
  // and author keys, whatever the log says about them.
  auto keys = DeviceKeys::generate(system_rng());
  if (!keys) return report(lib_failure(keys.error(), "device keys"));
  DeviceRecord record = keys.value().record(a.name);
  auto pop = device_pop(keys.value().sign_key, user, record);
  if (!pop) return report(lib_failure(pop.error(), "pop"));
  LogEntry e{head.seq + 1, head.hash, AddDeviceBody{record}, author, {}, {}, pop.value()};
  const Bytes signed_part = e.signed_part();
  e.identity_signature = identity->sign(kLogEntryLabel, signed_part);
  e.author_signature = author_key->sign(kLogAuthorLabel, signed_part);
  const Bytes bytes = e.encode();
  bool existed = false;
  if (Status s = store.put_new(Store::log_entry(user, e.seq), bytes, existed); !s.ok() || existed) {
    return report(existed ? Status::fail(kExitUsage, "log entry taken") : s);
  }
  std::printf("{\"device_id\": \"%s\", \"seq\": %llu}\n", to_hex(record.id.bytes).c_str(),
              static_cast<unsigned long long>(e.seq));
  return kExitOk;
}

int cmd_test_forge_record(const ForgeArgs& a) {
  DirectoryStore store(a.store);
  UserId user;
  std::optional<SigningKey> old_identity;
  if (Status s = hex_arg(a.user, user.bytes, "--user"); !s.ok()) return report(s);
  if (Status s = signing_key_arg(a.identity_seed, "--identity-seed", old_identity); !s.ok()) return report(s);
  std::uint32_t generation = 0;
  try {
    generation = static_cast<std::uint32_t>(std::stoul(a.generation));
  } catch (...) {
    return report(Status::fail(kExitUsage, "--generation"));
  }
  std::vector<SuiteSecretKey> suites;
  for (std::size_t i = 0; i < a.suite_seeds.size(); ++i) {
    std::array<std::uint8_t, XWingSecretKey::kSize> seed{};
    if (Status s = hex_arg(a.suite_seeds[i], seed, "--suite-seed"); !s.ok()) return report(s);
    auto k = XWingSecretKey::from_bytes(seed);
    if (!k) return report(lib_failure(k.error(), "--suite-seed"));
    suites.push_back(SuiteSecretKey{static_cast<std::uint32_t>(i + 1), std::move(k).take()});
  }
  auto identity_copy = SigningKey::from_seed(old_identity->seed().reveal());
  if (!identity_copy) return report(lib_failure(identity_copy.error(), "identity"));
  auto old = AccountSecrets::create(std::move(identity_copy).take(), generation, std::move(suites));
  if (!old) return report(lib_failure(old.error(), "the old secrets"));
  // The attacker's own "next generation": its fresh identity and suite keys, continuity-signed by the old identity.
  auto new_identity = SigningKey::generate(system_rng());
  auto new_suite = xwing_generate(system_rng());
  if (!new_identity || !new_suite) return report(Status::fail(kExitIo, "key generation"));
  auto next = old.value().rotated(std::move(new_identity).take(), std::move(new_suite).take());
  if (!next) return report(lib_failure(next.error(), "rotated"));
  if (Status s = publish_record(store, user, next.value(), &*old_identity); !s.ok()) return report(s);
  std::printf("{\"generation\": %u}\n", next.value().identity_generation());
  return kExitOk;
}

}  // namespace coffre::cli
