// Device-list vectors (vectors/device-log.json, docs/SPEC.md section 10): generated here, deterministically,
// and replayed here. The generator runs on every test run and must reproduce the committed file byte for byte;
// after a deliberate change, regenerate it with
//   COFFRE_REGENERATE_VECTORS=1 ./build/tests/coffre_tests -tc='device log vectors: the committed file is current'
//
// Format: { "format": "coffre-device-log-vectors", "spec_version": 1,
//   "entries": { "<entry name>": "<hex of the entry>", ... },   // every distinct entry once (they weigh 0.1-4 KB)
//   "vectors": [ {
//   "name": "<expect>/<case>", "comment": "...",
//   "entries": ["<entry name>", ...],                // the log as served by the store, in order
//   "pinned": null | { "seq": "<decimal>", "hash": "<hex>" },  // the head the client pinned before this fetch
//   "genesis_hash": null | "<hex>",                  // the genesis hash the client pinned
//   "expect": "success" | "<error code of SPEC section 7>",
//   success only: "head": { "seq", "hash" }, "user_id", "identity_pk", "identity_generation", "suite_version",
//   "suite_pk_sha256", "root_epoch", "recovery_pk_sha256", "recovery_mac" (the genesis's), "devices": [ { "id", "name" (hex of the UTF-8 bytes),
//   "sign_pk", "kem_pk_sha256", "transcript_hash" } ] (enrolled, in the order added), "revoked": [ "<id hex>" ] } ] }
#include "device_log_support.hpp"
#include "hex.hpp"

#include <coffre/device_log.hpp>

#include <nlohmann/json.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

using namespace coffre;
using namespace coffre::test::log;
using coffre::test::Bytes;
using Json = nlohmann::ordered_json;

namespace {

const std::filesystem::path kFile = std::filesystem::path(COFFRE_VECTORS_DIR) / "device-log.json";

std::string hex(std::span<const std::uint8_t> b) { return vectors::to_hex(b); }

Json head_json(const LogHead& h) { return Json{{"seq", vectors::u64_text(h.seq)}, {"hash", hex(h.hash)}}; }

Json state_json(const VerifiedLog& s) {
  Json devices = Json::array();
  for (const auto& d : s.devices) {
    devices.push_back(Json{{"id", hex(d.id.bytes)},
                           {"name", hex(std::span(reinterpret_cast<const std::uint8_t*>(d.name.data()), d.name.size()))},
                           {"sign_pk", hex(d.sign_pk.bytes())},
                           {"kem_pk_sha256", vectors::sha256_hex(d.kem_pk.bytes())},
                           {"transcript_hash", hex(d.transcript_hash)}});
  }
  Json revoked = Json::array();
  for (const auto& d : s.revoked) revoked.push_back(hex(d.id.bytes));
  return Json{{"head", head_json(s.head)},
              {"user_id", hex(s.user.bytes)},
              {"identity_pk", hex(s.identity_pk.bytes())},
              {"identity_generation", s.identity_generation},
              {"suite_version", s.suite_version},
              {"suite_pk_sha256", vectors::sha256_hex(s.suite_pk.bytes())},
              {"root_epoch", s.root_epoch},
              {"recovery_pk_sha256", vectors::sha256_hex(s.recovery_pk.bytes())},
              {"recovery_mac", hex(s.recovery_mac)},
              {"devices", devices},
              {"revoked", revoked}};
}

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
    v["pinned"] = pinned ? head_json(*pinned) : Json(nullptr);
    v["genesis_hash"] = genesis ? Json(hex(*genesis)) : Json(nullptr);
    auto r = verify_log(entries, pinned, genesis, 1);
    v["expect"] = r.ok() ? "success" : std::string(error_code(r.error()));
    if (r.ok()) {
      Json state = state_json(r.value());
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

  // The base log: genesis (device 10), add 11, add 12, revoke 11, rotate the suite key (version 2, epoch 2).
  Account a = account(1);
  const Entries genesis = a.entries;
  const LogHash h0 = entry_hash(genesis[0]);
  a.add(device(11));
  const VerifiedLog after_add = a.s();
  const Entries short_log = a.entries;  // genesis, add 11
  a.add(device(12));
  a.revoke(device(11).record.id);
  a.rotate(60);
  const Entries base = a.entries;
  const char* const base_names[] = {"a/0 genesis", "a/1 add 11", "a/2 add 12", "a/3 revoke 11", "a/4 rotate v2"};
  for (std::size_t i = 0; i < base.size(); ++i) g.label(base[i], base_names[i]);
  const VerifiedLog& s = a.s();
  auto next = [&](const VerifiedLog& st, LogEntryBody body, std::optional<SigningKey::Signature> p = {},
                  const SigningKey* key = nullptr) {
    LogEntry x = next_entry(st, std::move(body));
    x.pop = p;
    return sign_as(x, key ? *key : a.identity);
  };

  // ---- success ----
  g.add("success/genesis", "a new account: the genesis alone, first fetch (trust on first use)", genesis);
  g.add("success/genesis-pinned", "the genesis, with its hash pinned as head and as genesis", genesis,
        head_of(genesis, 0), h0);
  g.add("success/base", "genesis, add, add, revoke, rotate suite key: first fetch", base);
  g.add("success/base-pinned-middle", "the same, pinned at seq 2", base, head_of(base, 2));
  g.add("success/base-pinned-head", "the same, pinned at its head and genesis (nothing new)", base,
        head_of(base, 4), h0);
  {
    DeterministicRng rng = rng_for('u', 7);
    UserId user = UserId::generate(rng);
    Device d = device(30, "T\xc3\xa9l\xc3\xa9phone \xf0\x9f\x94\x90", LogHash{});
    auto e = make_genesis(signing_key(7), 7, user, xwing_pk(70), 1, recovery_key(71), 1, d.record, d.key);
    REQUIRE(e.ok());
    Entries log{e.value()};
    auto st = verify_log(log, std::nullopt).take();
    Device n = device(31, std::string(64, 'z'));
    LogHash transcript{};
    transcript.fill(0xab);
    n.record.transcript_hash = transcript;
    log.push_back(make_add_device(st, signing_key(7), n.record, pop(n, user)).take());
    g.add("success/generation-7-utf8-names", "identity generation 7; a UTF-8 device name; a 64-byte name and a "
          "transcript hash on the added device", log);
  }

  // ---- log_rollback ----
  g.add("log_rollback/shorter", "the store serves 4 entries to a client that pinned seq 4", slice(base, 0, 4),
        head_of(base, 4));
  g.add("log_rollback/empty", "the store serves nothing to a client that pinned the genesis", {}, std::nullopt, h0);
  Account alt = account(1);  // the same account, another history from seq 3 on
  alt.add(device(11));
  alt.add(device(12));
  alt.revoke(device(12).record.id);
  g.label(alt.entries[3], "alt/3 revoke 12");
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
    b.add(device(14));
    inserted.insert(inserted.begin() + 1, b.entries[1]);
    g.add("log_broken_chain/inserted", "a validly signed entry 1 of another history inserted before entry 1",
          inserted);
    LogEntry skip = next_entry(s, RevokeDeviceBody{device(12).record.id});
    skip.seq += 1;
    g.add("log_broken_chain/seq-skipped", "an appended entry with seq 6 after seq 4",
          with(base, sign_as(skip, a.identity)));
    LogEntry wrong_prev = next_entry(s, RevokeDeviceBody{device(12).record.id});
    wrong_prev.prev = entry_hash(base[3]);
    g.add("log_broken_chain/prev-of-grandparent", "an appended entry whose prev is entry 3's hash",
          with(base, sign_as(wrong_prev, a.identity)));
  }

  // ---- log_invalid ----
  g.add("log_invalid/empty", "no entry at all (first fetch)", {});
  {
    Entries t = short_log;
    t[1].push_back(0);
    g.add("log_invalid/trailing-byte", "one byte after the last entry's pop", t);
    Entries mid = base;
    mid[1].push_back(0);
    g.add("log_invalid/trailing-byte-middle", "one byte after entry 1 (malformed before the chain is checked)", mid);
    Entries cut = short_log;
    cut[1].pop_back();
    g.add("log_invalid/truncated", "the last entry's pop one byte short", cut);
    Entries magic = short_log;
    magic[1][3] = 'X';
    g.add("log_invalid/bad-magic", "magic CFRX (re-signed)", Entries{genesis[0], resign(magic[1], a.identity, 64)});
    Entries version = short_log;
    version[1][4] = 1;
    g.add("log_invalid/old-version", "version 1, the layout before the genesis's recovery_mac (re-signed)",
          Entries{genesis[0], resign(version[1], a.identity, 64)});
    version[1][4] = 3;
    g.add("log_invalid/bad-version", "version 3 (re-signed)", Entries{genesis[0], resign(version[1], a.identity, 64)});
    Bytes revoke_bytes = next(after_add, RevokeDeviceBody{device(11).record.id});
    Bytes kind5 = revoke_bytes;
    kind5[kKindOffset] = 5;
    g.add("log_invalid/unknown-kind", "kind 5 (re-signed)", Entries{genesis[0], resign(kind5, a.identity, 0)});
    LogEntry with_pop = LogEntry::parse(revoke_bytes).take();
    with_pop.pop = SigningKey::Signature{};
    g.add("log_invalid/pop-on-revoke", "a 64-byte pop on a revoke entry", Entries{genesis[0], sign_as(with_pop,
                                                                                                    a.identity)});
    LogEntry no_pop = LogEntry::parse(short_log[1]).take();
    no_pop.pop.reset();
    g.add("log_invalid/missing-pop", "an add-device entry with an empty pop", Entries{genesis[0],
                                                                                      sign_as(no_pop, a.identity)});
    Bytes bad_kem = short_log[1];
    bad_kem[kAddKemPkOffset] = 0xff;
    bad_kem[kAddKemPkOffset + 1] = 0xff;
    g.add("log_invalid/kem-key-not-reduced", "the device KEM key's first coefficient is 4095 >= q (re-signed)",
          Entries{genesis[0], resign(bad_kem, a.identity, 64)});
    Bytes bad_frame = short_log[1];
    bad_frame[kBodyOffset + 3] = 17;
    g.add("log_invalid/device-id-frame-17", "the device id framed as 17 bytes (re-signed)",
          Entries{genesis[0], resign(bad_frame, a.identity, 64)});
  }
  {
    auto named = [&](std::string name) {
      Device d = device(20, std::move(name));
      return next(after_add, AddDeviceBody{d.record}, device_pop(d.key, a.user, d.record).value());
    };
    g.add("log_invalid/name-65-bytes", "a device name of 65 bytes", Entries{genesis[0], short_log[1], named(
                                                                                  std::string(65, 'n'))});
    g.add("log_invalid/name-not-utf8", "a device name with a surrogate (ED A0 80)",
          Entries{genesis[0], short_log[1], named("phone \xed\xa0\x80")});
  }
  {
    auto gen = LogEntry::parse(genesis[0]).take();
    g.add("log_invalid/second-genesis", "the genesis again, as entry 2", with(short_log, next(after_add, gen.body,
                                                                                                gen.pop)));
    Device d = device(20);
    g.add("log_invalid/first-not-genesis", "an add-device entry at seq 0",
          Entries{sign_as(LogEntry{0, {}, AddDeviceBody{d.record}, {}, pop(d, a.user)}, a.identity)});
    auto bad_genesis = [&](auto edit) {
      LogEntry x = gen;
      edit(std::get<GenesisBody>(x.body));
      x.pop = device_pop(a.first.key, a.user, std::get<GenesisBody>(x.body).device).value();
      return Entries{sign_as(x, a.identity)};
    };
    g.add("log_invalid/genesis-suite-version-2", "a genesis with suite version 2",
          bad_genesis([](GenesisBody& b) { b.suite_version = 2; }));
    g.add("log_invalid/genesis-epoch-0", "a genesis with root epoch 0",
          bad_genesis([](GenesisBody& b) { b.root_epoch = 0; }));
    g.add("log_invalid/genesis-generation-0", "a genesis with identity generation 0",
          bad_genesis([](GenesisBody& b) { b.identity_generation = 0; }));
    g.add("log_invalid/genesis-transcript", "the genesis device with a non-zero transcript hash",
          bad_genesis([](GenesisBody& b) { b.device.transcript_hash[0] = 1; }));
  }
  g.add("log_invalid/revoke-unknown", "revoking a device id never added",
        with(short_log, next(after_add, RevokeDeviceBody{device(20).record.id})));
  g.add("log_invalid/revoke-revoked", "revoking device 11 again", with(base, next(s, RevokeDeviceBody{
                                                                                     device(11).record.id})));
  {
    Device d12 = device(12);
    g.add("log_invalid/duplicate-device-id", "adding enrolled device 12 again",
          with(base, next(s, AddDeviceBody{d12.record}, pop(d12, a.user))));
    Device d11 = device(11);
    g.add("log_invalid/readd-revoked", "adding revoked device 11 again",
          with(base, next(s, AddDeviceBody{d11.record}, pop(d11, a.user))));
    Device clash = device(21);
    clash.record.id = device(10).record.id;
    g.add("log_invalid/genesis-device-id-reused", "another device under the genesis device's id",
          with(short_log, next(after_add, AddDeviceBody{clash.record}, pop(clash, a.user))));
  }
  g.add("log_invalid/suite-version-skip", "rotation to suite version 4 after 2",
        with(base, next(s, RotateSuiteKeyBody{xwing_pk(61), 4, 3})));
  g.add("log_invalid/suite-version-same", "rotation to suite version 2 after 2",
        with(base, next(s, RotateSuiteKeyBody{xwing_pk(61), 2, 3})));
  g.add("log_invalid/root-epoch-skip", "rotation with root epoch 4 after 2",
        with(base, next(s, RotateSuiteKeyBody{xwing_pk(61), 3, 4})));
  g.add("log_invalid/rule-before-signature", "revoking an unknown device, signed by a key that is not the identity "
        "key: rules are checked before signatures",
        with(short_log, next(after_add, RevokeDeviceBody{device(20).record.id}, std::nullopt, &attacker)));
  {
    Device m = device(20);
    Bytes k = next(after_add, AddDeviceBody{m.record}, pop(m, a.user), &attacker);
    Bytes k1 = sign_as(LogEntry{after_add.head.seq + 2, entry_hash(k), RevokeDeviceBody{device(21).record.id}, {}, {}},
                       attacker);
    g.add("log_invalid/rule-after-bad-signature", "an add-device entry signed by another key (breaks no rule), then "
          "a revoke of an unknown device: every rule is checked before any signature",
          with(with(short_log, k), k1));
  }

  // ---- signature_invalid ----
  {
    Device m = device(20, "attacker");
    g.add("signature_invalid/not-identity-key", "an appended add-device entry signed by another key",
          with(base, next(s, AddDeviceBody{m.record}, pop(m, a.user), &attacker)));
    g.add("signature_invalid/bad-pop", "an add-device entry whose pop is device 21's",
          with(base, next(s, AddDeviceBody{m.record}, pop(device(21), a.user))));
    g.add("signature_invalid/pop-other-user", "the device's pop for another account",
          with(base, next(s, AddDeviceBody{m.record}, pop(m, other.user))));
    Bytes replaced = short_log[1];
    auto kem = xwing_pk(98);
    std::copy(kem.bytes().begin(), kem.bytes().end(), replaced.begin() + kAddKemPkOffset);
    g.add("signature_invalid/replaced-kem-key", "the last entry's device KEM key replaced by another valid key",
          Entries{genesis[0], replaced});
    g.add("signature_invalid/replaced-kem-key-resigned", "the same, re-signed: the pop fails",
          Entries{genesis[0], resign(replaced, a.identity, 64)});
    Bytes sig = base[4];
    sig[sig.size() - 4 - 64] ^= 0x01;
    g.add("signature_invalid/signature-bit", "one bit of the last entry's identity signature",
          with(slice(base, 0, 4), sig));
    auto gen = LogEntry::parse(genesis[0]).take();
    std::get<GenesisBody>(gen.body).identity_pk = attacker.verify_key();
    g.add("signature_invalid/genesis-identity-replaced", "the genesis identity key replaced, signature unchanged",
          Entries{sign_as(gen, a.identity)});
  }
  Json doc = g.document();
  return doc.dump(2) + "\n";
}

Bytes unhex(const Json& j) {
  auto b = vectors::from_hex(j.get<std::string>());
  REQUIRE(b.has_value());
  return *b;
}

LogHash hash_of(const Json& j) {
  Bytes b = unhex(j);
  REQUIRE(b.size() == 32);
  LogHash h{};
  std::copy(b.begin(), b.end(), h.begin());
  return h;
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
  std::ifstream in(kFile);
  REQUIRE(in.good());
  auto doc = Json::parse(in);
  REQUIRE(doc.at("format") == "coffre-device-log-vectors");
  REQUIRE(doc.at("spec_version") == 1);
  std::size_t successes = 0, failures = 0;
  for (const auto& v : doc.at("vectors")) {
    CAPTURE(v.at("name").get<std::string>());
    Entries entries;
    for (const auto& e : v.at("entries")) entries.push_back(unhex(doc.at("entries").at(e.get<std::string>())));
    std::optional<LogHead> pinned;
    if (!v.at("pinned").is_null()) pinned = LogHead{vectors::u64_field(v["pinned"], "seq"), hash_of(v["pinned"].at("hash"))};
    std::optional<LogHash> genesis;
    if (!v.at("genesis_hash").is_null()) genesis = hash_of(v["genesis_hash"]);
    const std::string expect = v.at("expect");

    for (unsigned threads : {1u, 0u}) {
      auto r = verify_log(entries, pinned, genesis, threads);
      CHECK(std::string(r.ok() ? "success" : error_code(r.error())) == expect);
      if (!r.ok() || expect != "success") continue;
      Json got = state_json(r.value());
      for (auto& [k, x] : got.items()) CHECK_MESSAGE(v.at(k) == x, k);
    }
    if (expect == "success") {
      ++successes;
      // Incrementally, from the genesis: the same state.
      auto first = verify_log(std::span(entries).first(1), std::nullopt);
      REQUIRE(first.ok());
      auto all = verify_appended(first.value(), std::span(entries).subspan(1));
      REQUIRE(all.ok());
      CHECK(state_json(all.value()) == state_json(verify_log(entries, pinned, genesis).value()));
    } else {
      ++failures;
    }
  }
  CHECK(successes >= 6);
  CHECK(failures >= 40);
}
