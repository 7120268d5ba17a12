#include "device_state.hpp"

#include "io.hpp"
#include "passphrase.hpp"
#include "store.hpp"

#include <sodium.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <string_view>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

namespace coffre::cli {

namespace {

constexpr std::size_t kSeedsSize = SigningKey::kSeedSize + XWingSecretKey::kSize;  // 64
constexpr std::size_t kMaxStateSize = 1 << 20;
constexpr std::string_view kComment =
    "# coffre device state: this device's place in its account, and its secret keys. Never share this file;\n"
    "# copying it elsewhere clones the device. Written by coffre, mode 0600.\n";

std::string env_or_home(const char* var, const char* fallback) {
  if (const char* v = std::getenv(var); v != nullptr && v[0] == '/') return v;
  const char* home = std::getenv("HOME");
  return std::string(home != nullptr ? home : ".") + "/" + fallback;
}

Context seeds_context(const UserId& user, const DeviceId& device) {
  return Context{std::string(kStateMagic) + "/" + to_hex(user.bytes) + "/" + to_hex(device.bytes), 0, 0};
}

// Splits at single spaces.
std::vector<std::string_view> fields(std::string_view line) {
  std::vector<std::string_view> f;
  while (true) {
    auto sp = line.find(' ');
    f.push_back(line.substr(0, sp));
    if (sp == std::string_view::npos) break;
    line = line.substr(sp + 1);
  }
  return f;
}

bool base64_decode(std::string_view b64, std::span<std::uint8_t> out, std::size_t& len) {
  const char* end = nullptr;
  return sodium_base642bin(out.data(), out.size(), b64.data(), b64.size(), nullptr, &len, &end,
                           sodium_base64_VARIANT_ORIGINAL) == 0 &&
         end == b64.data() + b64.size();
}

Status check_tty(const char* what) {
  int tty = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (tty < 0) return Status::fail(kExitUsage, std::string("no terminal to type ") + what);
  close(tty);
  return Status::success();
}

}  // namespace

std::string default_home() { return env_or_home("XDG_CONFIG_HOME", ".config") + "/coffre"; }

std::string default_store() { return env_or_home("XDG_DATA_HOME", ".local/share") + "/coffre/store"; }

std::string state_path(const std::string& home) { return home + "/" + kStateFileName; }

bool state_exists(const std::string& home) {
  struct stat st {};
  return lstat(state_path(home).c_str(), &st) == 0;
}

int exit_code_of(Error e) noexcept {
  switch (e) {
    case Error::invalid_argument:
    case Error::already_exists:
    case Error::range_out_of_bounds:  // a range the file does not have: the caller asked for it
      return kExitUsage;
    case Error::not_found:
    case Error::io_error:
    case Error::out_of_memory:
      return kExitIo;
    default:
      return kExitAuth;
  }
}

Status lib_failure(Error e, const std::string& what) {
  std::string m(error_message(e));
  if (!m.empty() && m.back() == '.') m.pop_back();
  return Status::fail(exit_code_of(e), what + ": " + m + " (" + std::string(error_code(e)) + ")",
                      std::string(error_code(e)));
}

// ---------------------------------------------------------------------------------------------------------------

Status load_state(const std::string& home, DeviceState& st) {
  const std::string path = state_path(home);
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) {
      return Status::fail(kExitUsage, home + " holds no device: run 'coffre init' (new account), 'coffre device "
                                             "request' or 'coffre recover' first, or pass --home");
    }
    return io_failure("cannot open " + path, errno);
  }
  struct stat sb {};
  if (fstat(fd, &sb) == 0 && (sb.st_mode & 077) != 0) {
    std::fprintf(stderr, "coffre: warning: %s can be read by other users; run chmod 600 %s\n", path.c_str(),
                 path.c_str());
  }
  SecretBytes buf(kMaxStateSize + 1);
  if (!buf.valid()) {
    close(fd);
    return Status::fail(kExitIo, std::string(error_message(Error::out_of_memory)));
  }
  std::size_t got = 0;
  Status s = read_full(fd, buf.reveal_mut().data(), buf.size(), got, path);
  close(fd);
  if (!s.ok()) return s;
  const Status bad = Status::fail(kExitUsage, path + " is not a coffre device state (damaged or edited); it was "
                                                     "left as it is");
  if (got > kMaxStateSize) return bad;

  std::string_view text(reinterpret_cast<const char*>(buf.reveal().data()), got);
  std::vector<std::string_view> lines;
  while (!text.empty()) {
    auto nl = text.find('\n');
    if (nl == std::string_view::npos) return bad;  // every line ends with a newline
    std::string_view line = text.substr(0, nl);
    text = text.substr(nl + 1);
    if (line.empty() || line.front() == '#') continue;
    lines.push_back(line);
  }
  std::size_t i = 0;
  auto next = [&]() -> std::vector<std::string_view> {
    return i < lines.size() ? fields(lines[i++]) : std::vector<std::string_view>{};
  };
  auto f = next();
  if (f.size() != 1 || f[0] != kStateMagic) return bad;
  f = next();
  if (f.size() != 2 || f[0] != "user" || !from_hex(f[1], st.user.bytes)) return bad;
  f = next();
  if (f.size() != 2 || f[0] != "device" || !from_hex(f[1], st.device.bytes)) return bad;
  f = next();
  if (f.size() != 2 || f[0] != "genesis" || !from_hex(f[1], st.genesis)) return bad;
  f = next();
  if (f.size() != 3 || f[0] != "head" || !parse_decimal(f[1], st.head.seq) || !from_hex(f[2], st.head.hash)) return bad;
  st.known.clear();
  for (f = next(); f.size() == 2 && f[0] == "known"; f = next()) {
    DeviceId id;
    if (!from_hex(f[1], id.bytes) || id == st.device || (!st.known.empty() && !(*st.known.rbegin() < id))) return bad;
    st.known.insert(id);
  }
  st.used = UsedEnrollmentRequests{};
  for (; f.size() == 3 && f[0] == "used"; f = next()) {
    EnrollmentRequestId id;
    std::uint64_t expires = 0;
    if (!from_hex(f[1], id.bytes) || !parse_decimal(f[2], expires)) return bad;
    st.used.record(id, expires);
  }
  if (f.size() != 3 || f[0] != "keys" || i != lines.size()) return bad;
  if (f[1] == "plain") {
    SecretBytes seeds(kSeedsSize + 1);
    if (!seeds.valid()) return Status::fail(kExitIo, std::string(error_message(Error::out_of_memory)));
    std::size_t len = 0;
    if (!base64_decode(f[2], seeds.reveal_mut(), len) || len != kSeedsSize) return bad;
    auto exact = SecretBytes::copy_of(seeds.reveal().first(kSeedsSize));
    if (!exact) return Status::fail(kExitIo, std::string(error_message(exact.error())));
    st.plain_seeds = std::move(exact).take();
    st.sealed_seeds.clear();
  } else if (f[1] == "passphrase") {
    std::vector<std::uint8_t> env(f[2].size());
    std::size_t len = 0;
    if (!base64_decode(f[2], env, len) || len == 0) return bad;
    env.resize(len);
    st.sealed_seeds = std::move(env);
    st.plain_seeds = SecretBytes();
  } else {
    return bad;
  }
  return Status::success();
}

Status save_state(const std::string& home, const DeviceState& st, bool create) {
  std::string pub(kComment);
  pub += std::string(kStateMagic) + "\n";
  pub += "user " + to_hex(st.user.bytes) + "\n";
  pub += "device " + to_hex(st.device.bytes) + "\n";
  pub += "genesis " + to_hex(st.genesis) + "\n";
  pub += "head " + std::to_string(st.head.seq) + " " + to_hex(st.head.hash) + "\n";
  for (const auto& id : st.known) pub += "known " + to_hex(id.bytes) + "\n";
  for (const auto& [id, expires] : st.used.entries()) {
    pub += "used " + to_hex(id.bytes) + " " + std::to_string(expires) + "\n";
  }
  // The keys line may hold the seeds: build the whole file in secure memory.
  std::span<const std::uint8_t> raw = st.is_protected() ? std::span<const std::uint8_t>(st.sealed_seeds)
                                                         : st.plain_seeds.reveal();
  if (raw.empty()) return Status::fail(kExitIo, "internal error: no device keys to save");
  const std::string prefix = st.is_protected() ? "keys passphrase " : "keys plain ";
  const std::size_t b64 = sodium_base64_ENCODED_LEN(raw.size(), sodium_base64_VARIANT_ORIGINAL);  // counts a NUL
  SecretBytes text(pub.size() + prefix.size() + b64);
  if (!text.valid()) return Status::fail(kExitIo, std::string(error_message(Error::out_of_memory)));
  auto t = text.reveal_mut();
  std::memcpy(t.data(), pub.data(), pub.size());
  std::memcpy(t.data() + pub.size(), prefix.data(), prefix.size());
  sodium_bin2base64(reinterpret_cast<char*>(t.data() + pub.size() + prefix.size()), b64, raw.data(), raw.size(),
                    sodium_base64_VARIANT_ORIGINAL);
  t[t.size() - 1] = '\n';

  if (create) {
    struct stat sb {};
    bool made = stat(home.c_str(), &sb) != 0;
    if (Status s = make_dirs(home); !s.ok()) return s;
    if (made) chmod(home.c_str(), 0700);
  }
  Output out;
  if (Status s = out.open(state_path(home), /*force=*/!create, Output::NonRegular::replace); !s.ok()) return s;
  if (Status s = out.write(t.data(), t.size()); !s.ok()) return s;
  return out.commit();
}

// ---------------------------------------------------------------------------------------------------------------

Status new_keys_passphrase(const KeyProtection& p, SecretBytes& passphrase) {
  passphrase = SecretBytes();
  if (!p.passphrase_file.empty()) return read_passphrase_file(p.passphrase_file, /*for_encryption=*/true, passphrase);
  if (p.none) return Status::success();
  if (Status s = check_tty("a passphrase for this device's keys; pass --passphrase-file FILE, or --no-passphrase "
                           "to keep them unencrypted (mode 0600)");
      !s.ok()) {
    return s;
  }
  std::fprintf(stderr, "Choose a passphrase to protect this device's keys on disk.\n");
  return prompt_passphrase(/*for_encryption=*/true, passphrase);
}

Status seal_keys(DeviceState& st, const DeviceKeys& keys, const SecretBytes& passphrase) {
  SecretBytes seeds(kSeedsSize);
  if (!seeds.valid()) return Status::fail(kExitIo, std::string(error_message(Error::out_of_memory)));
  auto sign = keys.sign_key.seed().reveal();
  auto kem = keys.kem_key.secret().reveal();
  std::memcpy(seeds.reveal_mut().data(), sign.data(), sign.size());
  std::memcpy(seeds.reveal_mut().data() + sign.size(), kem.data(), kem.size());
  if (passphrase.size() == 0) {
    st.plain_seeds = std::move(seeds);
    st.sealed_seeds.clear();
    return Status::success();
  }
  auto enc = FileEncryptor::create(Passphrase{passphrase.reveal()}, seeds_context(st.user, st.device),
                                   PassphraseParams{}, FileOptions{});
  if (!enc) return lib_failure(enc.error(), "cannot protect the device keys");
  std::vector<std::uint8_t> out(enc.value().max_update_output(kSeedsSize) + enc.value().max_finish_output());
  std::size_t w1 = 0, w2 = 0;
  if (Error e = enc.value().update(seeds.reveal(), out, w1); e != Error::ok) {
    return lib_failure(e, "cannot protect the device keys");
  }
  if (Error e = enc.value().finish(std::span(out).subspan(w1), w2); e != Error::ok) {
    return lib_failure(e, "cannot protect the device keys");
  }
  out.resize(w1 + w2);
  st.sealed_seeds = std::move(out);
  st.plain_seeds = SecretBytes();
  return Status::success();
}

namespace {
// The seeds this process opened last and the envelope they came from: a command that signs store requests and then
// unlocks the account asks for the passphrase once (a changed envelope, e.g. a new passphrase, is opened again).
struct OpenedSeeds {
  std::vector<std::uint8_t> envelope;
  SecretBytes seeds;
};
OpenedSeeds& opened_seeds() {
  static OpenedSeeds cache;
  return cache;
}
}  // namespace

Status unlock_keys(const DeviceState& st, const std::string& passphrase_file, std::optional<DeviceKeys>& keys) {
  keys.reset();
  SecretBytes opened;
  const SecretBytes* seeds = &st.plain_seeds;
  OpenedSeeds& cache = opened_seeds();
  if (st.is_protected() && cache.seeds.size() == kSeedsSize && cache.envelope == st.sealed_seeds) {
    seeds = &cache.seeds;
  } else if (st.is_protected()) {
    SecretBytes pass;
    if (!passphrase_file.empty()) {
      if (Status s = read_passphrase_file(passphrase_file, /*for_encryption=*/false, pass); !s.ok()) return s;
    } else {
      if (Status s = check_tty("the passphrase of this device's keys; pass --passphrase-file FILE"); !s.ok()) return s;
      std::fprintf(stderr, "This device's keys are protected by a passphrase.\n");
      if (Status s = prompt_passphrase(/*for_encryption=*/false, pass); !s.ok()) return s;
    }
    auto dec = FileDecryptor::create(Passphrase{pass.reveal()}, seeds_context(st.user, st.device), 1);
    if (!dec) return lib_failure(dec.error(), "cannot open the device keys");
    const auto& env = st.sealed_seeds;
    SecretBytes out(dec.value().max_update_output(env.size()) + dec.value().max_finish_output());
    if (!out.valid()) return Status::fail(kExitIo, std::string(error_message(Error::out_of_memory)));
    std::size_t w1 = 0, w2 = 0;
    Error e = dec.value().update(env, out.reveal_mut(), w1);
    if (e == Error::ok) e = dec.value().finish(out.reveal_mut().subspan(w1), w2);
    if (e == Error::ok && (!dec.value().ended_properly() || w1 + w2 != kSeedsSize)) e = Error::payload_invalid;
    if (e == Error::wrong_key) {
      return Status::fail(kExitAuth, "wrong passphrase for this device's keys (wrong_key); nothing was changed");
    }
    if (e != Error::ok) return lib_failure(e, std::string("the device keys in ") + kStateFileName + " do not open");
    auto exact = SecretBytes::copy_of(out.reveal().first(kSeedsSize));
    if (!exact) return Status::fail(kExitIo, std::string(error_message(exact.error())));
    opened = std::move(exact).take();
    seeds = &opened;
    if (auto kept = SecretBytes::copy_of(opened.reveal()); kept) {
      cache.envelope = st.sealed_seeds;
      cache.seeds = std::move(kept).take();
    }
  }
  if (seeds->size() != kSeedsSize) return Status::fail(kExitIo, "internal error: device seeds missing");
  auto k = DeviceKeys::from_seeds(st.device, seeds->reveal().first(SigningKey::kSeedSize),
                                  seeds->reveal().subspan(SigningKey::kSeedSize));
  if (!k) return lib_failure(k.error(), "the device keys do not load");
  keys.emplace(std::move(k).take());
  return Status::success();
}

// ---------------------------------------------------------------------------------------------------------------

HomeLock::~HomeLock() {
  if (fd_ >= 0) close(fd_);  // releases the lock
}

Status HomeLock::acquire(const std::string& home) {
  int fd = open(home.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return Status::success();
    return io_failure("cannot open " + home, errno);
  }
  if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
    int err = errno;
    close(fd);
    if (err == EWOULDBLOCK) {
      return Status::fail(kExitIo, "another coffre command is using " + home + "; wait for it to finish");
    }
    return io_failure("cannot lock " + home, err);
  }
  fd_ = fd;
  return Status::success();
}

}  // namespace coffre::cli
