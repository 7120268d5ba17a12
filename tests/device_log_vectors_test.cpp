// Device-list vectors (vectors/device-log.json, docs/SPEC.md section 10): generated here, deterministically, and
// replayed by vectors/src/replay_accounts.cpp (coffre_tests, `coffre vectors verify`). The generator runs on every
// test run and must reproduce the committed file byte for byte; after a deliberate change, regenerate it with
//   COFFRE_REGENERATE_VECTORS=1 ./build/tests/coffre_tests -tc='device log vectors: the committed file is current'
//
// Format: { "format": "coffre-device-log-vectors", "spec_version": 1,
//   "entries": { "<entry name>": "<hex of the entry>", ... },   // every distinct entry once (they weigh 0.2-4 KB)
//   "vectors": [ {
//   "name": "<expect>/<case>", "comment": "...",
//   "entries": ["<entry name>", ...],                    // the log as served by the store, in order
//   "pinned": null | { "seq": "<decimal>", "hash": "<hex>" },  // the head the client pinned before this fetch
//   "genesis_hash": null | "<hex>",                      // the genesis hash the client pinned
//   "expect": "success" | "<error code of SPEC section 7>",
//   success only: "head": { "seq": "<decimal>", "hash" }, "user_id", "identity_pk", "identity_generation" (the
//   identity in force: a revocation rotates it), "superseded_identities": [ "<identity_pk hex>" ] (the keys
//   revocations replaced, oldest first), "suite_version", "suite_pk_sha256", "root_epoch", "recovery_pk_sha256",
//   "recovery_sign_pk", "recovery_mac" (the genesis's), "devices": [ { "id", "name" (hex of the UTF-8 bytes),
//   "sign_pk", "kem_pk_sha256", "transcript_hash" } ] (enrolled, in the order added), "revoked": [ "<id hex>" ] } ] }
// Every u64 (seq) is a decimal string: JavaScript's JSON.parse would round a large number.
#include "device_log_support.hpp"
#include "hex.hpp"
#include "replay.hpp"
#include "replay_accounts.hpp"

#include <coffre/device_log.hpp>

#include <nlohmann/json.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

using namespace coffre;
using namespace coffre::test::log;
using coffre::test::Bytes;
using Json = nlohmann::ordered_json;

namespace {

const std::filesystem::path kFile = std::filesystem::path(COFFRE_VECTORS_DIR) / "device-log.json";

std::string hex(std::span<const std::uint8_t> b) { return vectors::to_hex(b); }

class Generator {
 public:
  // Names an entry before its first use; an entry first met in a case without a label is named "<case>#<index>".
  void label(const Bytes& entry, const std::string& name) {
    std::string h = hex(entry);
    if (names_.count(h) != 0) return;
    REQUIRE_MESSAGE(!pool_.contains(name), name);
    names_[h] = name;
    pool_[name] = h;
  }

  void add(std::string name, std::string comment, const Entries& entries, std::optional<LogHead> pinned = {},
           std::optional<LogHash> genesis = {}) {
    Json v;
    v["name"] = name;
    v["comment"] = std::move(comment);
    Json list = Json::array();
    for (std::size_t i = 0; i < entries.size(); ++i) {
      label(entries[i], name + "#" + std::to_string(i));
      list.push_back(names_.at(hex(entries[i])));
    }
    v["entries"] = list;
    v["pinned"] = pinned ? vectors::device_log_head_json(*pinned) : Json(nullptr);
    v["genesis_hash"] = genesis ? Json(hex(*genesis)) : Json(nullptr);
    auto r = verify_log(entries, pinned, genesis, 1);
    v["expect"] = r.ok() ? "success" : std::string(error_code(r.error()));
    if (r.ok()) {
      Json state = vectors::device_log_state_json(r.value());
      for (auto& [k, x] : state.items()) v[k] = x;
    }
    // The name states the expected outcome; the generator refuses a case that does not behave as named.
    std::string expect = v["expect"];
    REQUIRE_MESSAGE(v["name"].get<std::string>().rfind(expect + "/", 0) == 0, v["name"].get<std::string>());
    vectors_.push_back(std::move(v));
  }

  Json document() const {
    return Json{{"format", "coffre-device-log-vectors"},
                {"spec_version", 1},
                {"title", "Device list (docs/SPEC.md section 10): verification of served logs against a pinned head"},
                {"generator", "tests/device_log_vectors_test.cpp (COFFRE_REGENERATE_VECTORS=1)"},
                {"entries", pool_},
                {"vectors", vectors_}};
  }

 private:
  std::map<std::string, std::string> names_;  // hex -> name
  Json pool_ = Json::object();
  Json vectors_ = Json::array();
};

Entries slice(const Entries& e, std::size_t from, std::size_t to) {
  return Entries(e.begin() + static_cast<std::ptrdiff_t>(from), e.begin() + static_cast<std::ptrdiff_t>(to));
}
LogHead head_of(const Entries& e, std::size_t seq) { return LogHead{seq, entry_hash(e.at(seq))}; }

std::string generate() {
  Generator g;
  const SigningKey attacker = signing_key(9);
  const RecoveryKey rk = recovery_key(203);  // account 1's
  const Device d10 = device(10), d11 = device(11), d12 = device(12), d13 = device(13), d14 = device(14);
  const Device d20 = device(20), d21 = device(21);
  const SigningKey next = signing_key(42), other_next = signing_key(43), mine = signing_key(50);

  // The base log: genesis (device 10, identity key 1), add 11 by 10, add 12 by 11, revoke 11 by 10 (identity key
  // 41, suite key 60: identity generation, suite version and root epoch 2), add 13 by 12.
  Account a = account(1);
  const Entries genesis = a.entries;
  const LogHash h0 = entry_hash(genesis[0]);
  a.add(d11);
  const VerifiedLog after_add = a.s();
  const Entries short_log = a.entries;  // genesis, add 11
  a.add(d12, &d11);
  const Entries upto_revoke = a.entries;  // genesis, add 11, add 12
  a.revoke(d11.record.id, 41, 60);
  a.add(d13, &d12);
  const Entries base = a.entries;
  const char* const base_names[] = {"a/0 genesis", "a/1 add 11 by 10", "a/2 add 12 by 11",
                                    "a/3 revoke 11 by 10, identity 2", "a/4 add 13 by 12"};
  for (std::size_t i = 0; i < base.size(); ++i) g.label(base[i], base_names[i]);
  const VerifiedLog& s = a.s();
  const SigningKey& id1 = a.old_identities.at(0);
  const SigningKey& id41 = a.identity;
  const std::vector<Signers> writers = {
      {&id1, &d10.key}, {&id1, &d10.key}, {&id1, &d11.key}, {&id1, &d10.key, &id41}, {&id41, &d12.key}};
  REQUIRE(chain(parsed(base), writers) == base);

  // Entries after a state: an add of `d` and a revoke of `dev` (to identity key `new_identity`, suite key 61), by
  // `by`, signed by `identity` and by's key.
  auto add_by = [&](const VerifiedLog& st, const Device& d, const Device& by, const SigningKey& identity) {
    return sign_as(add_entry(st, d, by.record.id), identity, by.key);
  };
  auto revoke_by = [&](const VerifiedLog& st, const DeviceId& dev, const Device& by, const SigningKey& identity,
                       const SigningKey& new_identity) {
    return sign_as(next_entry(st, revoke_body(st, dev, new_identity, 61), by.record.id), identity, by.key,
                   &new_identity);
  };
  // After the base log, by the recovery key.
  auto add_by_recovery = [&](const SigningKey& identity, const SigningKey& author_key) {
    return sign_as(add_entry(s, d20, recovery_author_id()), identity, author_key);
  };

  // Two revocations: the base log, revoke 12 by 13 (identity key 42, suite key 61: generation 3), add 14 by 13.
  Account two = account(1);
  two.add(d11);
  two.add(d12, &d11);
  two.revoke(d11.record.id, 41, 60);
  two.add(d13, &d12);
  two.revoke(d12.record.id, 42, 61, &d13);
  g.label(two.entries[5], "c/5 revoke 12 by 13, identity 3");
  two.add(d14, &d13);
  g.label(two.entries[6], "c/6 add 14 by 13");
  REQUIRE(two.entries.size() == 7);
  const Entries two_upto_revoke(two.entries.begin(), two.entries.begin() + 6);
  const VerifiedLog after_second = verify_log(two_upto_revoke, std::nullopt).take();

  // ---- success ----
  g.add("success/genesis", "a new account: the genesis alone, first fetch (trust on first use)", genesis);
  g.add("success/genesis-pinned", "the genesis, with its hash pinned as head and as genesis", genesis,
        head_of(genesis, 0), h0);
  g.add("success/base", "genesis, add 11 by 10, add 12 by 11, revoke 11 by 10 (identity key, suite key and root "
        "epoch rotated: generation 2), add 13 by 12; device 11's entry stays valid after its revocation", base);
  g.add("success/base-pinned-middle", "the same, pinned at seq 2", base, head_of(base, 2));
  g.add("success/base-pinned-head", "the same, pinned at its head and genesis (nothing new)", base,
        head_of(base, 4), h0);
  g.add("success/recovery-author", "the base log, then device 20 added by the recovery key (a recovery "
        "enrollment: author ff..ff, the genesis's recovery_sign_pk)",
        with(base, add_by_recovery(id41, rk.signing_key())));
  g.add("success/two-revocations", "the base log, revoke 12 by 13 (identity generation 3, two superseded identity "
        "keys), add 14 by 13", two.entries);
  g.add("success/two-revocations-pinned", "the same, a later fetch pinned at the base log's head",
        two.entries, head_of(base, 4), h0);
  {
    Account c = account(1);
    c.add(d11);
    c.revoke(d10.record.id, 44, 62, &d11);
    c.add(d12, &d11);
    g.add("success/genesis-device-revoked", "genesis, add 11, revoke the genesis device 10 by 11, add 12 by 11",
          c.entries);
  }
  {
    DeterministicRng rng = rng_for('u', 7);
    UserId user = UserId::generate(rng);
    Device d = device(30, "T\xc3\xa9l\xc3\xa9phone \xf0\x9f\x94\x90", LogHash{});
    const SigningKey key7 = signing_key(7);
    auto e = make_genesis(key7, 7, user, xwing_pk(70), 1, recovery_key(71), 1, d.record, d.key);
    REQUIRE(e.ok());
    Entries log{e.value()};
    auto st = verify_log(log, std::nullopt).take();
    Device n = device(31, std::string(64, 'z'));
    LogHash transcript{};
    transcript.fill(0xab);
    n.record.transcript_hash = transcript;
    log.push_back(make_add_device(st, key7, author(d), n.record, pop(n, user)).take());
    g.add("success/generation-7-utf8-names", "identity generation 7; a UTF-8 device name; a 64-byte name and a "
          "transcript hash on the added device", log);
  }

  // ---- log_rollback ----
  g.add("log_rollback/shorter", "the store serves 3 entries to a client that pinned seq 3", slice(base, 0, 3),
        head_of(base, 3));
  g.add("log_rollback/empty", "the store serves nothing to a client that pinned the genesis", {}, std::nullopt, h0);
  Account alt = account(1);  // the same account, another history from seq 3 on
  alt.add(d11);
  alt.add(d12, &d11);
  alt.revoke(d12.record.id, 41, 60);
  g.label(alt.entries[3], "alt/3 revoke 12 by 10");
  g.add("log_rollback/before-fork", "shorter than the pin and different: rollback is checked first",
        slice(alt.entries, 0, 3), head_of(base, 3));

  // ---- log_fork ----
  g.add("log_fork/other-entry-at-pin", "a validly signed entry 3 that is not the one pinned", alt.entries,
        head_of(base, 3));
  g.add("log_fork/common-prefix-later-pin", "entries 0-2 match, the pin is at 3", alt.entries, head_of(base, 3), h0);
  Account other = account(2);
  g.label(other.entries[0], "b/0 genesis");
  g.add("log_fork/other-genesis", "another account's (valid) log, to a client that pinned this genesis",
        other.entries, std::nullopt, h0);
  g.add("log_fork/other-genesis-head", "the same, pinned as head seq 0", other.entries, head_of(genesis, 0));

  // ---- log_broken_chain ----
  {
    Entries dropped = base;
    dropped.erase(dropped.begin() + 2);
    g.add("log_broken_chain/dropped", "entry 2 removed", dropped);
    Entries reordered = base;
    std::swap(reordered[1], reordered[2]);
    g.add("log_broken_chain/reordered", "entries 1 and 2 swapped", reordered);
    Entries duplicated = base;
    duplicated.insert(duplicated.begin() + 2, base[2]);
    g.add("log_broken_chain/duplicated", "entry 2 served twice", duplicated);
    g.add("log_broken_chain/no-genesis", "served from entry 1 on", slice(base, 1, 5));
    Entries inserted = base;
    Account b = account(1);
    b.add(d14);
    inserted.insert(inserted.begin() + 1, b.entries[1]);
    g.add("log_broken_chain/inserted", "a validly signed entry 1 of another history inserted before entry 1",
          inserted);
    LogEntry skip = add_entry(s, d20, d13.record.id);
    skip.seq += 1;
    g.add("log_broken_chain/seq-skipped", "an appended entry with seq 6 after seq 4",
          with(base, sign_as(skip, id41, d13.key)));
    LogEntry wrong_prev = add_entry(s, d20, d13.record.id);
    wrong_prev.prev = entry_hash(base[3]);
    g.add("log_broken_chain/prev-of-grandparent", "an appended entry whose prev is entry 3's hash",
          with(base, sign_as(wrong_prev, id41, d13.key)));
  }

  // ---- log_invalid: parsing ----
  g.add("log_invalid/empty", "no entry at all (first fetch)", {});
  {
    Entries t = short_log;
    t[1].push_back(0);
    g.add("log_invalid/trailing-byte", "one byte after the last entry's tail", t);
    Entries mid = base;
    mid[1].push_back(0);
    g.add("log_invalid/trailing-byte-middle", "one byte after entry 1 (malformed before the chain is checked)", mid);
    Entries cut = short_log;
    cut[1].pop_back();
    g.add("log_invalid/truncated", "the last entry's tail one byte short", cut);
    const Signers& w1 = writers[1];
    Bytes magic = short_log[1];
    magic[3] = 'X';
    g.add("log_invalid/bad-magic", "magic CFRX (re-signed)", Entries{genesis[0], resign(magic, w1)});
    for (auto [version, name, comment] :
         {std::tuple{0x01, "old-version-1", "version 1, the layout before the genesis's recovery_mac (re-signed)"},
          std::tuple{0x02, "old-version-2", "version 2, the layout before authors (re-signed)"},
          std::tuple{0x04, "bad-version", "version 4 (re-signed)"}}) {
      Bytes b = short_log[1];
      b[4] = static_cast<std::uint8_t>(version);
      g.add(std::string("log_invalid/") + name, comment, Entries{genesis[0], resign(b, w1)});
    }
    Bytes kind5 = base[3];
    kind5[kKindOffset] = 5;
    g.add("log_invalid/unknown-kind", "kind 5 (re-signed)", with(upto_revoke, resign(kind5, writers[3])));
    g.add("log_invalid/kind-4-removed", "kind 4 (rotate suite key, version 2) after the base log (re-signed)",
          with(base, resign(kind4_entry(base, d13.record.id, 61, 3, 3), id41, d13.key)));
    Bytes relabelled = base[3];
    relabelled[kKindOffset] = 2;
    g.add("log_invalid/revoke-relabelled-add", "the revoke entry's kind set to 2 (re-signed)",
          with(upto_revoke, resign(relabelled, writers[3])));
    Bytes bad_kem = short_log[1];
    bad_kem[kAddKemPkOffset] = 0xff;
    bad_kem[kAddKemPkOffset + 1] = 0xff;
    g.add("log_invalid/kem-key-not-reduced", "the device KEM key's first coefficient is 4095 >= q (re-signed)",
          Entries{genesis[0], resign(bad_kem, w1)});
    Bytes bad_suite = base[3];
    bad_suite[kRevokeSuitePkOffset] = 0xff;
    bad_suite[kRevokeSuitePkOffset + 1] = 0xff;
    g.add("log_invalid/revoke-suite-key-not-reduced", "the revoke entry's new suite key is not reduced (re-signed)",
          with(upto_revoke, resign(bad_suite, writers[3])));
    Bytes bad_frame = short_log[1];
    bad_frame[kBodyOffset + 3] = 17;
    g.add("log_invalid/device-id-frame-17", "the device id framed as 17 bytes (re-signed)",
          Entries{genesis[0], resign(bad_frame, w1)});
  }
  {
    auto named = [&](std::string name) {
      Device d = device(20, std::move(name));
      return add_by(after_add, d, d10, id1);
    };
    g.add("log_invalid/name-65-bytes", "a device name of 65 bytes",
          Entries{genesis[0], short_log[1], named(std::string(65, 'n'))});
    g.add("log_invalid/name-not-utf8", "a device name with a surrogate (ED A0 80)",
          Entries{genesis[0], short_log[1], named("phone \xed\xa0\x80")});
  }

  // ---- log_invalid: rules ----
  {
    auto gen = LogEntry::parse(genesis[0]).take();
    LogEntry again = next_entry(after_add, gen.body, gen.author);
    again.tail = gen.tail;
    g.add("log_invalid/second-genesis", "the genesis again, as entry 2", with(short_log, sign_as(again, id1, d10.key)));
    LogEntry first = add_entry(after_add, d20, d10.record.id);
    first.seq = 0;
    first.prev = {};
    g.add("log_invalid/first-not-genesis", "an add-device entry at seq 0", Entries{sign_as(first, id1, d10.key)});
    auto bad_genesis = [&](auto edit, const SigningKey& author_key) {
      LogEntry x = gen;
      edit(x);
      x.tail = device_pop(d10.key, a.user, std::get<GenesisBody>(x.body).device).value();
      return Entries{sign_as(x, id1, author_key)};
    };
    auto body = [](auto f) { return [f](LogEntry& x) { f(std::get<GenesisBody>(x.body)); }; };
    g.add("log_invalid/genesis-suite-version-2", "a genesis with suite version 2",
          bad_genesis(body([](GenesisBody& b) { b.suite_version = 2; }), d10.key));
    g.add("log_invalid/genesis-epoch-0", "a genesis with root epoch 0",
          bad_genesis(body([](GenesisBody& b) { b.root_epoch = 0; }), d10.key));
    g.add("log_invalid/genesis-generation-0", "a genesis with identity generation 0",
          bad_genesis(body([](GenesisBody& b) { b.identity_generation = 0; }), d10.key));
    g.add("log_invalid/genesis-transcript", "the genesis device with a non-zero transcript hash",
          bad_genesis(body([](GenesisBody& b) { b.device.transcript_hash[0] = 1; }), d10.key));
    const DeviceId d11_id = d11.record.id;
    g.add("log_invalid/genesis-author-other-device", "a genesis authored (and signed) by device 11, not its device",
          bad_genesis([&](LogEntry& x) { x.author = d11_id; }, d11.key));
    g.add("log_invalid/genesis-author-recovery", "a genesis authored (and signed) by the recovery key",
          bad_genesis([](LogEntry& x) { x.author = recovery_author_id(); }, rk.signing_key()));
  }
  g.add("log_invalid/revoke-unknown", "revoking a device id never added",
        with(base, revoke_by(s, d20.record.id, d10, id41, next)));
  g.add("log_invalid/revoke-revoked", "revoking device 11 again", with(base, revoke_by(s, d11.record.id, d10, id41,
                                                                                       next)));
  g.add("log_invalid/revoke-self", "device 12 revoking itself", with(base, revoke_by(s, d12.record.id, d12, id41,
                                                                                     next)));
  {
    g.add("log_invalid/duplicate-device-id", "adding enrolled device 12 again", with(base, add_by(s, d12, d10, id41)));
    g.add("log_invalid/readd-revoked", "adding revoked device 11 again", with(base, add_by(s, d11, d10, id41)));
    Device clash = device(21);
    clash.record.id = d10.record.id;
    g.add("log_invalid/genesis-device-id-reused", "another device under the genesis device's id",
          with(short_log, add_by(after_add, clash, d10, id1)));
    Device ff = device(21);
    ff.record.id = recovery_author_id();
    g.add("log_invalid/device-id-recovery", "adding a device whose id is the recovery author id ff..ff",
          with(base, add_by(s, ff, d10, id41)));
    LogEntry gen = LogEntry::parse(genesis[0]).take();
    std::get<GenesisBody>(gen.body).device.id = recovery_author_id();
    gen.author = recovery_author_id();
    gen.tail = device_pop(d10.key, a.user, std::get<GenesisBody>(gen.body).device).value();
    g.add("log_invalid/genesis-device-id-recovery", "a genesis whose device (and author) id is ff..ff",
          Entries{sign_as(gen, id1, d10.key)});
  }
  // A revocation's counters, each exactly the current value + 1 (all 2 after the base log).
  for (auto [name, gen, version, epoch] :
       {std::tuple{"revoke-generation-skip", 4u, 3u, 3u}, std::tuple{"revoke-generation-same", 2u, 3u, 3u},
        std::tuple{"revoke-suite-version-skip", 3u, 4u, 3u}, std::tuple{"revoke-suite-version-same", 3u, 2u, 3u},
        std::tuple{"revoke-root-epoch-skip", 3u, 3u, 4u}, std::tuple{"revoke-root-epoch-same", 3u, 3u, 2u}}) {
    RevokeDeviceBody b = revoke_body(s, d12.record.id, next, 61);
    b.identity_generation = gen;
    b.suite_version = version;
    b.root_epoch = epoch;
    g.add(std::string("log_invalid/") + name,
          "a revocation with identity generation " + std::to_string(gen) + ", suite version " +
              std::to_string(version) + ", root epoch " + std::to_string(epoch) + " after 2, 2, 2",
          with(base, sign_as(next_entry(s, b, d10.record.id), id41, d10.key, &next)));
  }
  g.add("log_invalid/identity-key-reused-current", "a revocation whose new identity key is the current one",
        with(base, revoke_by(s, d12.record.id, d10, id41, id41)));
  g.add("log_invalid/identity-key-reused-superseded", "a revocation whose new identity key is the superseded "
        "generation-1 key", with(base, revoke_by(s, d12.record.id, d10, id41, id1)));
  g.add("log_invalid/author-never-added", "an add-device entry authored (and signed) by device 21, never added",
        with(base, add_by(s, d20, d21, id41)));
  g.add("log_invalid/author-is-added-device", "device 20 authoring its own add-device entry",
        with(base, add_by(s, d20, d20, id41)));
  g.add("log_invalid/author-recovery-on-revoke", "a revoke entry authored (and signed) by the recovery key",
        with(base, sign_as(next_entry(s, revoke_body(s, d12.record.id, next, 61), recovery_author_id()), id41,
                           rk.signing_key(), &next)));
  g.add("log_invalid/rule-before-signature", "revoking an unknown device, every signature by another key: rules "
        "are checked before signatures",
        with(base, sign_as(next_entry(s, revoke_body(s, d20.record.id, next, 61), d10.record.id), attacker, attacker,
                           &attacker)));
  {
    Bytes k = add_by(s, d20, d13, attacker);
    LogEntry k1 = next_entry(s, revoke_body(s, d21.record.id, next, 61), d13.record.id);
    k1.seq += 1;
    k1.prev = entry_hash(k);
    g.add("log_invalid/rule-after-bad-signature", "an add-device entry signed by another key (breaks no rule), then "
          "a revoke of an unknown device: every rule is checked before any signature",
          with(with(base, k), sign_as(k1, attacker, d13.key, &next)));
  }

  // ---- device_revoked ----
  g.add("device_revoked/author-current-identity", "device 20 added by revoked device 11, signed by the identity key "
        "in force (generation 2) and device 11's key", with(base, add_by(s, d20, d11, id41)));
  g.add("device_revoked/author-old-identity", "the same signed by the superseded identity key (every key a revoked "
        "device holds)", with(base, add_by(s, d20, d11, id1)));
  g.add("device_revoked/revoke-by-revoked", "revoked device 11 revokes device 10 with an identity key of its own, "
        "under the superseded identity key", with(base, revoke_by(s, d10.record.id, d11, id1, mine)));
  g.add("device_revoked/before-other-rules", "revoked device 11 revokes a device never added: the author is "
        "checked first", with(base, revoke_by(s, d20.record.id, d11, id41, next)));
  {
    Bytes k = add_by(s, d20, d13, attacker);
    LogEntry k1 = add_entry(s, d21, d11.record.id);
    k1.seq += 1;
    k1.prev = entry_hash(k);
    g.add("device_revoked/after-bad-signature", "an add-device entry signed by another key, then one by revoked "
          "device 11: every rule comes before any signature", with(with(base, k), sign_as(k1, id41, d11.key)));
  }

  // ---- identity_superseded ----
  g.add("identity_superseded/enrolled-author", "device 20 added by enrolled device 12, under the identity key the "
        "revocation replaced", with(base, add_by(s, d20, d12, id1)));
  g.add("identity_superseded/genesis-device-author", "the same by the genesis device 10",
        with(base, add_by(s, d20, d10, id1)));
  g.add("identity_superseded/recovery-author", "the same by the recovery key",
        with(base, add_by_recovery(id1, rk.signing_key())));
  g.add("identity_superseded/author-signature-bad-too", "by device 12, its author signature by device 13's key: "
        "the identity signature is checked first", with(base, sign_as(add_entry(s, d20, d12.record.id), id1,
                                                                      d13.key)));
  g.add("identity_superseded/revoke", "a revoke of device 10 by 12 to an identity key of the attacker's choosing, "
        "under the superseded key", with(base, revoke_by(s, d10.record.id, d12, id1, mine)));
  g.add("identity_superseded/first-of-two", "after two revocations, an entry under the generation-1 key",
        with(two_upto_revoke, add_by(after_second, d20, d13, id1)));
  g.add("identity_superseded/second-of-two", "after two revocations, an entry under the generation-2 key",
        with(two_upto_revoke, add_by(after_second, d20, d13, id41)));
  {
    std::vector<Signers> k = writers;
    k.push_back(Signers{&id41, &d13.key});
    Entries longer = with(base, add_by(s, d14, d13, id41));
    REQUIRE(chain(parsed(longer), k) == longer);
    k[4].identity = &id1;
    g.add("identity_superseded/middle", "entry 4 under the superseded key, entry 5 honest (re-linked)",
          chain(parsed(longer), k));
    k[5].author = &d10.key;
    g.add("identity_superseded/before-bad-author", "entry 4 under the superseded key, entry 5's author signature "
          "by another device: the lowest failing entry gives the error", chain(parsed(longer), k));
    k = writers;
    k.push_back(Signers{&id41, &d13.key});
    k[2].author = &d13.key;
    k[4].identity = &id1;
    g.add("signature_invalid/before-superseded", "entry 2's author signature by another device, entry 4 under the "
          "superseded key: the lowest failing entry gives the error", chain(parsed(longer), k));
  }

  // ---- signature_invalid ----
  {
    Device m = device(20, "attacker");
    g.add("signature_invalid/not-identity-key", "an appended add-device entry by device 13, signed by another key "
          "than the identity key", with(base, add_by(s, m, d13, attacker)));
    g.add("signature_invalid/bad-pop", "an add-device entry whose pop is device 21's",
          with(base, [&] {
            LogEntry x = add_entry(s, m, d13.record.id);
            x.tail = pop(d21, a.user);
            return sign_as(x, id41, d13.key);
          }()));
    g.add("signature_invalid/pop-other-user", "the device's pop for another account", with(base, [&] {
            LogEntry x = add_entry(s, m, d13.record.id);
            x.tail = pop(m, other.user);
            return sign_as(x, id41, d13.key);
          }()));
    Bytes replaced = short_log[1];
    auto kem = xwing_pk(98);
    std::copy(kem.bytes().begin(), kem.bytes().end(), replaced.begin() + kAddKemPkOffset);
    g.add("signature_invalid/replaced-kem-key", "the last entry's device KEM key replaced by another valid key",
          Entries{genesis[0], replaced});
    g.add("signature_invalid/replaced-kem-key-resigned", "the same, re-signed: the pop fails",
          Entries{genesis[0], resign(replaced, writers[1])});
    auto flipped = [](Bytes b, std::size_t from_end) {
      b[b.size() - from_end] ^= 0x01;
      return b;
    };
    g.add("signature_invalid/identity-signature-bit", "one bit of the last entry's identity signature",
          with(slice(base, 0, 4), flipped(base[4], kSignaturesSize)));
    g.add("signature_invalid/author-signature-bit", "one bit of the last entry's author signature",
          with(slice(base, 0, 4), flipped(base[4], 128)));
    g.add("signature_invalid/author-other-device", "device 20 added by device 12, author signature by device 13",
          with(base, sign_as(add_entry(s, d20, d12.record.id), id41, d13.key)));
    g.add("signature_invalid/author-added-device", "device 20 added by device 12, author signature by device 20",
          with(base, sign_as(add_entry(s, d20, d12.record.id), id41, d20.key)));
    g.add("signature_invalid/recovery-author-other-key", "device 20 added by the recovery key, signed by device "
          "10's key", with(base, add_by_recovery(id41, d10.key)));
    g.add("signature_invalid/recovery-author-other-phrase", "device 20 added by the recovery key, signed by another "
          "phrase's recovery signing key", with(base, add_by_recovery(id41, recovery_key(205).signing_key())));
    LogEntry rv = next_entry(s, revoke_body(s, d12.record.id, next, 61), d10.record.id);
    g.add("signature_invalid/new-identity-other-key", "a revoke entry whose new-identity signature is by another key",
          with(base, sign_as(rv, id41, d10.key, &other_next)));
    g.add("signature_invalid/new-identity-by-current-key", "a revoke entry whose new-identity signature is by the "
          "key in force (what a revoked device could make)", with(base, sign_as(rv, id41, d10.key, &id41)));
    g.add("signature_invalid/new-identity-zero", "a revoke entry with a zero new-identity signature",
          with(base, sign_as(rv, id41, d10.key)));
    g.add("signature_invalid/new-identity-bit", "one bit of the last entry's (a revoke) new-identity signature",
          with(upto_revoke, flipped(base[3], 64)));
    g.add("signature_invalid/revoke-by-new-identity-only", "a revoke entry signed by its new identity key in place "
          "of the key in force", with(base, sign_as(rv, next, d10.key, &next)));
    Bytes swapped = sign_as(rv, id41, d10.key, &next);
    const auto other_pk = other_next.verify_key().bytes();
    std::copy(other_pk.begin(), other_pk.end(), swapped.begin() + kRevokeIdentityPkOffset);
    g.add("signature_invalid/new-identity-key-replaced", "a revoke entry's new identity key replaced, signatures "
          "unchanged", with(base, swapped));
    g.add("signature_invalid/future-identity", "entry 2 signed by the identity key entry 3 introduces, before it",
          with(short_log, resign(upto_revoke[2], id41, d11.key)));
    auto gen = LogEntry::parse(genesis[0]).take();
    g.add("signature_invalid/genesis-author-signature", "the genesis's author signature by device 11's key",
          Entries{sign_as(gen, id1, d11.key)});
    std::get<GenesisBody>(gen.body).identity_pk = attacker.verify_key();
    g.add("signature_invalid/genesis-identity-replaced", "the genesis identity key replaced, signature unchanged",
          Entries{sign_as(gen, id1, d10.key)});
  }
  Json doc = g.document();
  return doc.dump(2) + "\n";
}

}  // namespace

TEST_CASE("device log vectors: the committed file is current") {
  std::string generated = generate();
  if (const char* env = std::getenv("COFFRE_REGENERATE_VECTORS"); env != nullptr && *env != '\0') {
    std::ofstream(kFile, std::ios::binary) << generated;
    MESSAGE("wrote " << kFile.string());
  }
  std::ifstream in(kFile, std::ios::binary);
  REQUIRE_MESSAGE(in.good(), "missing " << kFile.string());
  std::stringstream committed;
  committed << in.rdbuf();
  CHECK_MESSAGE(committed.str() == generated,
                "vectors/device-log.json differs from what the code generates; regenerate it "
                "(COFFRE_REGENERATE_VECTORS=1) only if the change is deliberate (a spec change)");
}

TEST_CASE("device log vectors: replay") {
  // The shared replayer: one thread and all cores, and verify_appended after every prefix, as vectors/README.md says.
  auto outcomes = vectors::replay_vector_file(kFile);
  for (const auto& o : outcomes) {
    CAPTURE(o.name);
    CAPTURE(o.detail);
    CHECK(o.pass);
  }
  // Coverage: every outcome of section 10.3, with several cases each.
  std::ifstream in(kFile);
  REQUIRE(in.good());
  auto doc = Json::parse(in);
  std::map<std::string, std::size_t> by_expect;
  for (const auto& v : doc.at("vectors")) ++by_expect[v.at("expect").get<std::string>()];
  CHECK(outcomes.size() == doc.at("vectors").size());
  CHECK(by_expect["success"] >= 10);
  CHECK(by_expect["log_rollback"] >= 3);
  CHECK(by_expect["log_fork"] >= 4);
  CHECK(by_expect["log_broken_chain"] >= 7);
  CHECK(by_expect["log_invalid"] >= 40);
  CHECK(by_expect["device_revoked"] >= 5);
  CHECK(by_expect["identity_superseded"] >= 8);
  CHECK(by_expect["signature_invalid"] >= 18);
  CHECK(by_expect.size() == 8);
}
