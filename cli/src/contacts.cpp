// Contacts and sharing plumbing (contacts.hpp).
#include "contacts.hpp"

#include "io.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <ctime>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace coffre::cli {

namespace {

using Bytes = std::vector<std::uint8_t>;

// Far above any real trust store or pin file (4096 contacts of 3 records), far below memory limits.
constexpr std::size_t kMaxLocalFile = 64u << 20;

std::string home_file(const std::string& home, const char* name) { return home + "/" + name; }

}  // namespace

// A small local file: `out` stays nullopt if it does not exist.
Status read_local(const std::string& path, std::optional<Bytes>& out) {
  out.reset();
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return errno == ENOENT ? Status::success() : io_failure("cannot open " + path, errno);
  struct stat sb {};
  if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode) || static_cast<std::uint64_t>(sb.st_size) > kMaxLocalFile) {
    close(fd);
    return Status::fail(kExitUsage, path + " is not a regular file of a plausible size; it was left as it is");
  }
  Bytes bytes(static_cast<std::size_t>(sb.st_size) + 1);
  std::size_t got = 0;
  Status s = read_full(fd, bytes.data(), bytes.size(), got, path);
  close(fd);
  if (!s.ok()) return s;
  bytes.resize(got);
  out = std::move(bytes);
  return Status::success();
}

// Replaces `path` atomically (temporary file mode 0600, fsync, rename, fsync of the directory).
Status write_local(const std::string& path, std::span<const std::uint8_t> bytes) {
  Output out;
  if (Status s = out.open(path, /*force=*/true, Output::NonRegular::replace); !s.ok()) return s;
  if (Status s = out.write(bytes.data(), bytes.size()); !s.ok()) return s;
  return out.commit();
}

namespace {

std::span<const std::uint8_t> as_bytes(std::string_view s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

std::vector<std::string_view> split_spaces(std::string_view line) {
  std::vector<std::string_view> f;
  while (!line.empty()) {
    auto sp = line.find(' ');
    f.push_back(line.substr(0, sp));
    line = sp == std::string_view::npos ? std::string_view{} : line.substr(sp + 1);
  }
  return f;
}

std::string user_hex(const UserId& u) { return to_hex(u.bytes); }

// The layout of the CLI's local line files: lines end with '\n', empty lines and '#' comments are skipped, the first
// other line is `magic` alone; `record` gets the fields of each line after it and says whether it is well formed.
template <typename Record>
bool parse_line_file(std::string_view text, std::string_view magic, Record record) {
  bool seen_magic = false;
  while (!text.empty()) {
    auto nl = text.find('\n');
    if (nl == std::string_view::npos) return false;
    std::string_view line = text.substr(0, nl);
    text = text.substr(nl + 1);
    if (line.empty() || line.front() == '#') continue;
    auto f = split_spaces(line);
    if (!seen_magic) {
      if (f.size() != 1 || f[0] != magic) return false;
      seen_magic = true;
    } else if (!record(f)) {
      return false;
    }
  }
  return seen_magic;
}

}  // namespace

std::string describe(const DocumentRef& doc) { return to_hex(doc.owner.bytes) + "/" + to_hex(doc.id.bytes); }

// ---------------------------------------------------------------------------------------------------------------
// Pins

std::optional<AccessPin> AccessPins::get(const DocumentRef& doc) const {
  auto it = pins_.find({doc.owner, doc.id, static_cast<std::uint8_t>(doc.purpose)});
  if (it == pins_.end()) return std::nullopt;
  return it->second;
}

bool AccessPins::raise(const DocumentRef& doc, const AccessPin& pin) {
  AccessPin& p = pins_[{doc.owner, doc.id, static_cast<std::uint8_t>(doc.purpose)}];
  AccessPin raised{std::max(p.revision, pin.revision), std::max(p.key_version, pin.key_version)};
  if (raised == p) return false;
  p = raised;
  return true;
}

std::optional<std::uint64_t> AccessPins::drive_revision(const UserId& owner, const NodeId& node) const {
  auto it = drive_.find({owner, node});
  if (it == drive_.end()) return std::nullopt;
  return it->second;
}

bool AccessPins::raise_drive(const UserId& owner, const NodeId& node, std::uint64_t revision) {
  if (revision == 0) return false;  // no content revision (a folder's record): a pin of 0 could not be sealed
  std::uint64_t& r = drive_[{owner, node}];
  if (revision <= r) return false;
  r = revision;
  return true;
}

AccountPins AccessPins::to_account() const {
  AccountPins out;  // both maps are ordered as SPEC 11 wants (bytewise ids)
  for (const auto& [k, p] : pins_) {
    const auto& [owner, doc, purpose] = k;
    out.documents.push_back({owner, doc.bytes, purpose, p.revision, p.key_version});
  }
  for (const auto& [k, revision] : drive_) out.drive.push_back({k.first, k.second.bytes, revision});
  return out;
}

bool AccessPins::merge(const AccountPins& other) {
  bool changed = false;
  for (const auto& p : other.documents) {
    const DocumentRef doc{p.owner, DocumentId{p.document}, static_cast<Purpose>(p.purpose)};
    changed |= raise(doc, AccessPin{p.revision, p.key_version});
  }
  for (const auto& p : other.drive) changed |= raise_drive(p.owner, NodeId{p.node}, p.revision);
  return changed;
}

std::string AccessPins::encode() const {
  std::string t = "# coffre access pins (docs/SPEC.md section 15): owner document purpose revision key_version\n";
  t += std::string(kPinsMagic) + "\n";
  for (const auto& [k, p] : pins_) {
    const auto& [owner, doc, purpose] = k;
    t += "pin " + to_hex(owner.bytes) + " " + to_hex(doc.bytes) + " " + std::to_string(purpose) + " " +
         std::to_string(p.revision) + " " + std::to_string(p.key_version) + "\n";
  }
  for (const auto& [k, revision] : drive_) {
    t += "drive " + to_hex(k.first.bytes) + " " + to_hex(k.second.bytes) + " " + std::to_string(revision) + "\n";
  }
  return t;
}

Status AccessPins::parse(std::string_view text, const std::string& name, AccessPins& out) {
  const Status bad = Status::fail(kExitUsage, name + " is not a coffre pin file (damaged or edited); it was left as "
                                                     "it is");
  AccessPins pins;
  const bool ok = parse_line_file(text, kPinsMagic, [&](const std::vector<std::string_view>& f) {
    UserId owner;
    if (f.size() == 4 && f[0] == "drive") {
      NodeId node;
      std::uint64_t revision = 0;
      return from_hex(f[1], owner.bytes) && from_hex(f[2], node.bytes) && parse_decimal(f[3], revision) &&
             revision != 0 && pins.drive_.emplace(std::pair{owner, node}, revision).second;
    }
    DocumentId doc;
    unsigned purpose = 0;
    AccessPin p;
    return f.size() == 6 && f[0] == "pin" && from_hex(f[1], owner.bytes) && from_hex(f[2], doc.bytes) &&
           parse_decimal(f[3], purpose) && purpose >= 1 && purpose <= 3 && parse_decimal(f[4], p.revision) &&
           parse_decimal(f[5], p.key_version) && p.revision != 0 && p.key_version != 0 &&
           pins.pins_.emplace(Key{owner, doc, static_cast<std::uint8_t>(purpose)}, p).second;
  });
  if (!ok) return bad;
  out = std::move(pins);
  return Status::success();
}

Status load_pins(const std::string& home, AccessPins& pins) {
  const std::string path = home_file(home, kPinsFileName);
  std::optional<Bytes> bytes;
  if (Status s = read_local(path, bytes); !s.ok()) return s;
  if (!bytes) {
    pins = AccessPins{};
    return Status::success();
  }
  return AccessPins::parse({reinterpret_cast<const char*>(bytes->data()), bytes->size()}, path, pins);
}

Status save_pins(const std::string& home, const AccessPins& pins) {
  return write_local(home_file(home, kPinsFileName), as_bytes(pins.encode()));
}

// ---------------------------------------------------------------------------------------------------------------
// Contacts' device-list pins

std::optional<ContactLogPins::Pin> ContactLogPins::get(const UserId& user) const {
  auto it = pins_.find(user);
  if (it == pins_.end()) return std::nullopt;
  return it->second;
}

bool ContactLogPins::update(const UserId& user, const VerifiedLog& log) {
  Pin& p = pins_[user];
  const bool changed = p.genesis != log.genesis_hash || !(p.head == log.head);
  p = Pin{log.genesis_hash, log.head};
  return changed;
}

std::string ContactLogPins::encode() const {
  std::string t = "# coffre contacts' device-list pins (docs/SPEC.md section 15.1): user genesis seq head\n";
  t += std::string(kContactLogsMagic) + "\n";
  for (const auto& [user, p] : pins_) {
    t += "log " + user_hex(user) + " " + to_hex(p.genesis) + " " + std::to_string(p.head.seq) + " " +
         to_hex(p.head.hash) + "\n";
  }
  return t;
}

Status ContactLogPins::parse(std::string_view text, const std::string& name, ContactLogPins& out) {
  const Status bad = Status::fail(kExitUsage, name + " is not a coffre contact-log pin file (damaged or edited); it "
                                                     "was left as it is");
  ContactLogPins logs;
  const bool ok = parse_line_file(text, kContactLogsMagic, [&](const std::vector<std::string_view>& f) {
    UserId user;
    Pin p;
    return f.size() == 5 && f[0] == "log" && from_hex(f[1], user.bytes) && from_hex(f[2], p.genesis) &&
           parse_decimal(f[3], p.head.seq) && from_hex(f[4], p.head.hash) && logs.pins_.emplace(user, p).second;
  });
  if (!ok) return bad;
  out = std::move(logs);
  return Status::success();
}

Status load_contact_logs(const std::string& home, ContactLogPins& logs) {
  const std::string path = home_file(home, kContactLogsFileName);
  std::optional<Bytes> bytes;
  if (Status s = read_local(path, bytes); !s.ok()) return s;
  if (!bytes) {
    logs = ContactLogPins{};
    return Status::success();
  }
  return ContactLogPins::parse({reinterpret_cast<const char*>(bytes->data()), bytes->size()}, path, logs);
}

Status save_contact_logs(const std::string& home, const ContactLogPins& logs) {
  return write_local(home_file(home, kContactLogsFileName), as_bytes(logs.encode()));
}

// ---------------------------------------------------------------------------------------------------------------
// Trust store

Status load_trust(const std::string& home, TrustStore& trust) {
  const std::string path = home_file(home, kTrustFileName);
  std::optional<Bytes> bytes;
  if (Status s = read_local(path, bytes); !s.ok()) return s;
  if (!bytes) {
    trust = TrustStore{};
    return Status::success();
  }
  auto r = TrustStore::parse(*bytes);
  if (!r) {
    Status s = lib_failure(r.error(), path + " is not a coffre trust store (damaged or edited); it was left as it is");
    s.code = kExitUsage;
    return s;
  }
  trust = std::move(r).take();
  return Status::success();
}

Status save_trust(const std::string& home, const TrustStore& trust) {
  return write_local(home_file(home, kTrustFileName), trust.encode());
}

// ---------------------------------------------------------------------------------------------------------------
// Directory

Status publish_record(const Store& store, const UserId& user, const AccountSecrets& secrets,
                      const SigningKey* previous_identity) {
  if (secrets.identity_generation() != 1 && previous_identity == nullptr) {
    return Status::fail(kExitUsage, "cannot publish a directory record for identity generation " +
                                        std::to_string(secrets.identity_generation()) +
                                        " without the previous identity key (continuity, SPEC section 17)");
  }
  auto rec = make_directory_record(user, secrets, static_cast<std::uint64_t>(std::time(nullptr)),
                                   secrets.identity_generation() != 1 ? previous_identity : nullptr);
  if (!rec) return lib_failure(rec.error(), "cannot make this account's directory record");
  return store.put(Store::directory_record(user), rec.value().bytes());
}

TrustedContact SharingSession::self() const {
  const VerifiedLog& lg = *account.log;
  return {TrustedIdentity{me(), lg.identity_pk, lg.identity_generation},
          WrapRecipient{me(), lg.suite_version, lg.suite_pk}};
}

Status open_session(const AccountArgs& a, bool unlock, SharingSession& s) {
  s.server = store_for(a);
  if (Status st = unlock ? unlock_enrolled(a, *s.server, s.account) : open_enrolled(a, *s.server, s.account); !st.ok()) {
    return st;
  }
  if (Status st = load_trust(s.account.home, s.trust); !st.ok()) return st;
  if (Status st = load_contact_logs(s.account.home, s.logs); !st.ok()) return st;
  if (Status st = load_pins(s.account.home, s.pins); !st.ok()) return st;
  if (!unlock) return Status::success();
  return pull_account_pins(*s.server, s.account, s.pins, s.account_pins, s.pins_changed);
}

Status save_session(SharingSession& s) {
  if (s.account_pins.root) {
    if (Status st = push_account_pins(*s.server, s.account, s.pins, s.account_pins, s.pins_changed); !st.ok()) {
      std::fprintf(stderr, "coffre: warning: %s; the next command on this device tries again\n", st.message.c_str());
    }
  }
  if (s.trust_changed) {
    if (Status st = save_trust(s.account.home, s.trust); !st.ok()) return st;
    s.trust_changed = false;
  }
  if (s.pins_changed) {
    if (Status st = save_pins(s.account.home, s.pins); !st.ok()) return st;
    s.pins_changed = false;
  }
  if (s.logs_changed) {
    if (Status st = save_contact_logs(s.account.home, s.logs); !st.ok()) return st;
    s.logs_changed = false;
  }
  return Status::success();
}

Status resolve_user(const SharingSession& s, const std::string& arg, UserId& user) {
  std::string want = arg;
  for (auto& c : want) c = static_cast<char>(c >= 'A' && c <= 'F' ? c - 'A' + 'a' : c);
  if (from_hex(want, user.bytes)) return Status::success();
  const bool hex = std::all_of(want.begin(), want.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
  });
  if (!hex || want.size() < 8 || want.size() > 32) {
    return Status::fail(kExitUsage, "USER must be a user id (32 hex digits, as 'coffre whoami' prints it) or at "
                                    "least its first 8 hex digits for a known contact; got '" + arg + "'");
  }
  std::vector<UserId> matches;
  auto consider = [&](const UserId& u) {
    if (user_hex(u).compare(0, want.size(), want) == 0 &&
        std::find(matches.begin(), matches.end(), u) == matches.end()) {
      matches.push_back(u);
    }
  };
  consider(s.me());
  for (const auto& [u, c] : s.trust.contacts()) consider(u);
  if (matches.size() == 1) {
    user = matches[0];
    return Status::success();
  }
  if (matches.empty()) {
    return Status::fail(kExitUsage, "no known contact starts with " + want + " (not_found): give the whole user id "
                                    "(32 hex digits) the first time");
  }
  return Status::fail(kExitUsage, "USER " + want + " matches several contacts: give more digits");
}

namespace {

// `user`'s device list, verified against its pins (trust on first use: the first one seen is pinned), once per
// command; the new head is saved with the session.
Status contact_log(SharingSession& s, const UserId& user, Error& e, const VerifiedLog*& out) {
  if (auto it = s.verified_logs.find(user); it != s.verified_logs.end()) {
    out = &it->second;
    return Status::success();
  }
  const auto pin = s.logs.get(user);
  std::optional<VerifiedLog> log;
  if (Status st = fetch_verified(s.store(), user, pin ? std::optional(pin->head) : std::nullopt,
                                 pin ? std::optional(pin->genesis) : std::nullopt, log, nullptr, &e);
      !st.ok()) {
    return st;
  }
  if (s.logs.update(user, *log)) s.logs_changed = true;
  out = &s.verified_logs.emplace(user, std::move(*log)).first->second;
  return Status::success();
}

}  // namespace

Status fetch_contact(SharingSession& s, const UserId& user, bool keep_pending, Error* error) {
  Error ignored = Error::ok;
  Error& e = error != nullptr ? *error : ignored;
  e = Error::ok;
  const std::string who = "user " + user_hex(user);
  std::optional<Bytes> bytes;
  if (Status st = s.store().get(Store::directory_record(user), bytes); !st.ok()) return st;
  if (!bytes) {
    e = Error::not_found;
    return lib_failure(e, "the store's directory has no record for " + who +
                                             " (they publish it with 'coffre init' or 'coffre publish')");
  }
  auto rec = verify_record(*bytes);
  if (!rec) return lib_failure(e = rec.error(), "the directory record of " + who);
  if (!(rec.value().user() == user)) {
    return lib_failure(e = Error::record_invalid, "the directory record served for " + who + " is another user's");
  }
  // The record must state the keys of the user's verified device list (SPEC 17): a record the store or a revoked
  // device made (even continuity-signed by an old identity key) does not.
  const VerifiedLog* log = nullptr;
  if (Status st = contact_log(s, user, e, log); !st.ok()) return st;
  if (Error c = check_record_against_log(rec.value(), *log); c != Error::ok) {
    e = c;
    return lib_failure(c, c == Error::key_version_rollback
                              ? "the directory record of " + who + " is older than their device list"
                              : "the directory record of " + who + " does not state the keys of their verified "
                                "device list (identity generation " + std::to_string(log->identity_generation) +
                                    "): none of their devices made it");
  }
  TrustStore before = s.trust;
  auto seen = s.trust.observe(rec.value());
  if (seen) {
    if (seen.value() != Observation::unchanged) s.trust_changed = true;
    return Status::success();
  }
  e = seen.error();
  if (seen.error() == Error::trust_mismatch) {
    if (!keep_pending) s.trust = std::move(before);
    return lib_failure(seen.error(), "the directory shows another key for " + who + " than the one pinned here; "
                                     "compare safety numbers ('coffre fingerprint " + user_hex(user) +
                                     "') and accept it with 'coffre verify', or refuse it with 'coffre refuse'");
  }
  if (seen.error() == Error::user_refused) {
    return lib_failure(seen.error(), who + " is refused here ('coffre verify' with their safety number undoes it)");
  }
  return lib_failure(seen.error(), "the directory record of " + who + " is older than the one pinned here");
}

Status trusted_contact(SharingSession& s, const UserId& user, std::optional<TrustedContact>& out) {
  if (user == s.me()) {
    out.emplace(s.self());
    return Status::success();
  }
  if (Status st = fetch_contact(s, user); !st.ok()) return st;
  auto c = s.trust.check_sharable(user);
  if (!c) return lib_failure(c.error(), "user " + user_hex(user));
  out.emplace(c.value());
  return Status::success();
}

// ---------------------------------------------------------------------------------------------------------------
// Documents

Status share_content_key(SharingSession& s, const AccessList& access, const VersionedContentKey& key,
                         std::span<const UserId> recipients) {
  if (Status st = publish_content_key(s, access, key, recipients); !st.ok()) return st;
  return make_current(s, access);
}

Status publish_content_key(SharingSession& s, const AccessList& access, const VersionedContentKey& key,
                           std::span<const UserId> recipients) {
  const DocumentRef& doc = access.document();
  std::vector<WrapRecipient> to;
  for (const auto& u : recipients) {
    std::optional<TrustedContact> c;
    if (Status st = trusted_contact(s, u, c); !st.ok()) return st;
    to.push_back(c->recipient);
  }
  auto wraps = wrap_content_key_to_many(s.me(), s.secrets(), to, access, key, system_rng());
  if (!wraps) return lib_failure(wraps.error(), "cannot wrap the content key of " + describe(doc));
  for (std::size_t i = 0; i < to.size(); ++i) {
    if (Status st = s.store().put(Store::content_wrap(doc, key.version, to[i].user), wraps.value()[i]); !st.ok()) {
      return st;
    }
  }
  return s.store().put(Store::access_list(doc, access.key_version()), access.bytes());
}

Status make_current(SharingSession& s, const AccessList& access) {
  const DocumentRef& doc = access.document();
  // Replacing the list this command read: only if no other device replaced it meanwhile (compare-and-swap).
  const std::string current = Store::current_access_list(doc);
  if (auto read = s.current_lists_read.find(current); read != s.current_lists_read.end()) {
    bool swapped = false;
    if (Status st = s.store().put_if(current, access.bytes(), read->second, swapped); !st.ok()) return st;
    if (!swapped) {
      return Status::fail(kExitUsage, "the access list of " + describe(doc) + " changed in the store meanwhile "
                                      "(another device shared or unshared it): run the command again");
    }
    read->second = access.bytes();
  } else if (Status st = s.store().put(current, access.bytes()); !st.ok()) {
    return st;
  }
  if (s.pins.raise(doc, access.pin())) s.pins_changed = true;
  return Status::success();
}

namespace {

// The access list at `rel`, opened with the owner's trusted identity.
Status open_list_at(SharingSession& s, const std::string& rel, const TrustedIdentity& owner, const DocumentRef& doc,
                    std::optional<AccessPin> pin, const std::string& what, std::optional<AccessList>& out) {
  std::optional<Bytes> bytes;
  if (Status st = s.store().get(rel, bytes); !st.ok()) return st;
  if (!bytes) return lib_failure(Error::not_found, "the store has no " + what + " of document " + describe(doc));
  auto r = open_access_list(*bytes, owner, doc, pin);
  if (!r) return lib_failure(r.error(), "the " + what + " of document " + describe(doc));
  if (rel == Store::current_access_list(doc)) s.current_lists_read[rel] = *bytes;
  out.emplace(std::move(r).take());
  return Status::success();
}

}  // namespace

Status open_my_content_key(SharingSession& s, const DocumentRef& doc, std::optional<std::uint32_t> key_version,
                           OpenedContentKey& out) {
  std::optional<TrustedContact> owner;
  if (Status st = trusted_contact(s, doc.owner, owner); !st.ok()) return st;
  if (Status st = open_list_at(s, Store::current_access_list(doc), owner->identity, doc, s.pins.get(doc),
                               "current access list", out.current);
      !st.ok()) {
    return st;
  }
  const std::uint32_t current_version = out.current->key_version();
  const std::uint32_t want = key_version.value_or(current_version);
  if (want > current_version) {
    return lib_failure(Error::key_version_rollback,
                       "the store serves an access list of content-key version " + std::to_string(current_version) +
                           " for document " + describe(doc) + ", older than the content (version " +
                           std::to_string(want) + ")");
  }
  if (want == current_version) {
    out.access = out.current;
  } else {
    const std::string what = "access list of content-key version " + std::to_string(want);
    if (Status st = open_list_at(s, Store::access_list(doc, want), owner->identity, doc, std::nullopt, what,
                                 out.access);
        !st.ok()) {
      return st;
    }
    if (out.access->key_version() != want) {
      return lib_failure(Error::wrong_context, "the store serves another version's list as the " + what +
                                                   " of document " + describe(doc));
    }
  }
  if (Status st = open_my_wrap(s, *out.access, out.key); !st.ok()) return st;
  if (s.pins.raise(doc, out.current->pin())) s.pins_changed = true;
  return Status::success();
}

Status open_next_access_list(SharingSession& s, const AccessList& current, std::optional<AccessList>& out) {
  const DocumentRef& doc = current.document();
  const std::uint32_t next = current.key_version() + 1;
  out.reset();
  if (next == 0) return Status::success();  // no version after the last one
  std::optional<Bytes> bytes;
  if (Status st = s.store().get(Store::access_list(doc, next), bytes); !st.ok()) return st;
  if (!bytes) return Status::success();
  std::optional<TrustedContact> owner;
  if (Status st = trusted_contact(s, doc.owner, owner); !st.ok()) return st;
  const std::string what =
      "the access list of content-key version " + std::to_string(next) + " of document " + describe(doc);
  auto r = open_access_list(*bytes, owner->identity, doc, current.pin());
  if (!r) return lib_failure(r.error(), what);
  if (r.value().key_version() != next || r.value().revision() <= current.revision()) {
    return lib_failure(Error::wrong_context, "the store serves another list as " + what);
  }
  out.emplace(std::move(r).take());
  return Status::success();
}

Status open_my_wrap(SharingSession& s, const AccessList& access, std::optional<VersionedContentKey>& out) {
  const DocumentRef& doc = access.document();
  const std::uint32_t want = access.key_version();
  const std::string kv = std::to_string(want);
  if (!access.is_member(s.me())) {
    return lib_failure(Error::not_a_member, "this account is not a member of document " + describe(doc) +
                                                " (content-key version " + kv + ")");
  }
  std::optional<Bytes> wrap;
  if (Status st = s.store().get(Store::content_wrap(doc, want, s.me()), wrap); !st.ok()) return st;
  if (!wrap) {
    return lib_failure(Error::not_found, "the store has no content key of version " + kv + " of document " +
                                             describe(doc) + " wrapped to this account");
  }
  auto sender = wrap_sender(*wrap);
  if (!sender) return lib_failure(sender.error(), "the content-key wrap of document " + describe(doc));
  std::optional<TrustedContact> from;
  if (Status st = trusted_contact(s, sender.value(), from); !st.ok()) {
    st.message = "the sender of the content-key wrap of document " + describe(doc) + ": " + st.message;
    return st;
  }
  auto key = open_content_wrap(*wrap, s.me(), s.secrets(), access, from->identity);
  if (!key) return lib_failure(key.error(), "the content-key wrap of document " + describe(doc) + " (version " + kv +
                                                ")");
  out.emplace(std::move(key).take());
  return Status::success();
}

}  // namespace coffre::cli
