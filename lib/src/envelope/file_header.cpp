#include "envelope/file_header.hpp"

#include "envelope/envelope_prefix.hpp"
#include "crypto/kdf.hpp"
#include "base/unicode.hpp"

#include <coffre/coffre.hpp>

#include <sodium.h>

#include <cstring>

namespace coffre {

using namespace detail;

namespace {

constexpr std::size_t kPwSaltSize = 16;
constexpr std::uint32_t kMaxOpslimit = 16;
constexpr std::uint32_t kMinMemKib = 8;
constexpr std::uint32_t kMaxMemKib = 1048576;

bool opslimit_valid(std::uint32_t ops) noexcept { return ops >= 1 && ops <= kMaxOpslimit; }
bool memlimit_valid(std::uint32_t kib) noexcept { return kib >= kMinMemKib && kib <= kMaxMemKib; }
bool params_valid(const PassphraseParams& p) noexcept {
  return opslimit_valid(p.opslimit) && memlimit_valid(p.memlimit_kib);
}
bool within(const PassphraseParams& p, const PassphraseLimits& l) noexcept {
  return p.opslimit <= l.max_opslimit && p.memlimit_kib <= l.max_memlimit_kib;
}
bool chunk_size_valid(std::uint32_t c) noexcept { return c >= kMinChunkSize && c <= kMaxChunkSize; }

// Offset of `salt`: the fields after it are at fixed distances.
std::size_t salt_offset(KeySource s) noexcept { return s == KeySource::passphrase ? 42 : 18; }

Result<SecretBytes> argon2id(const SecretBytes& passphrase, const PassphraseParams& p, ByteView pw_salt) {
  SecretBytes key(32);
  if (!key.valid()) return Error::out_of_memory;
  auto pw = passphrase.reveal();
  if (crypto_pwhash(key.reveal_mut().data(), 32, reinterpret_cast<const char*>(pw.data()), pw.size(), pw_salt.data(),
                    p.opslimit, std::size_t{p.memlimit_kib} * 1024, crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return Error::out_of_memory;
  }
  return key;
}

// The file key K: the content key itself, or Argon2id of the passphrase with the header's parameters, run only if
// they are within the reader's limits (the header is not authenticated yet).
Result<SecretBytes> file_key(const FileSecret& secret, ByteView header, const FileHeaderInfo& info) {
  if (secret.source != info.key_source) return Error::wrong_key;
  if (secret.source == KeySource::key) return SecretBytes::copy_of(secret.bytes.reveal());
  if (!within(*info.passphrase_params, secret.limits)) return Error::kdf_cost_exceeded;
  return argon2id(secret.bytes, *info.passphrase_params, header.subspan(26, kPwSaltSize));
}

struct Derived {
  std::uint8_t key_commit[32];
  std::uint8_t ctx_commit[16];
  std::uint8_t header_mac[32];
};

// The commitments and MAC for a header whose bytes up to header_mac are final.
void derive_checks(Derived& d, const SecretBytes& k, ByteView header, std::size_t salt_at, ByteView context) {
  ByteView salt = header.subspan(salt_at, 32);
  kdf(d.key_commit, k, label::file_commit, {salt});
  kdf(d.ctx_commit, k, label::file_context, {salt, context});
  kdf(d.header_mac, k, label::file_header, {header.first(salt_at + 80), context});
}

}  // namespace

namespace detail {

Result<FileSecret> FileSecret::of(const ContentKey& key) {
  auto b = SecretBytes::copy_of(key.secret().reveal());
  if (!b) return b.error();
  return FileSecret{KeySource::key, std::move(b).take(), {}};
}

Result<FileSecret> FileSecret::of(Passphrase passphrase, PassphraseLimits limits) {
  auto b = nfkd(passphrase.bytes);  // invalid_argument: not UTF-8 (SPEC 5.1)
  if (!b) return b.error();
  return FileSecret{KeySource::passphrase, std::move(b).take(), limits};
}

Result<NewHeader> build_file_header(const FileSecret& secret, const std::optional<PassphraseParams>& params,
                                    std::uint32_t chunk_size, const Context& context, Rng& rng) {
  COFFRE_TRY(init());
  if (!context_valid(context) || !chunk_size_valid(chunk_size)) return Error::invalid_argument;
  if ((secret.source == KeySource::passphrase) != params.has_value()) return Error::invalid_argument;
  if (params && !params_valid(*params)) return Error::invalid_argument;

  FileHeaderInfo info;
  info.key_source = secret.source;
  info.header_size = secret.source == KeySource::passphrase ? kFileHeaderSizePassphrase : kFileHeaderSizeKey;
  info.chunk_size = chunk_size;
  info.key_version = context.key_version;
  info.passphrase_params = params;

  NewHeader h;
  h.bytes.assign(info.header_size, 0);
  std::uint8_t* b = h.bytes.data();
  write_prefix(b, kTypeFile);
  b[9] = static_cast<std::uint8_t>(secret.source);
  put_u32(b + 10, chunk_size);
  put_u32(b + 14, context.key_version);
  if (params) {
    put_u32(b + 18, params->opslimit);
    put_u32(b + 22, params->memlimit_kib);
    rng.fill({b + 26, kPwSaltSize});
  }
  std::size_t salt_at = salt_offset(secret.source);
  rng.fill({b + salt_at, 32});

  // The writer chose these parameters: no reader limit applies to them.
  auto k = secret.source == KeySource::key ? SecretBytes::copy_of(secret.bytes.reveal())
                                           : argon2id(secret.bytes, *params, {b + 26, kPwSaltSize});
  if (!k) return k.error();
  Bytes ctx = encode_context(context);
  Derived d;
  // key_commit and ctx_commit are inside the MAC'd bytes: derive them first, then the MAC.
  derive_checks(d, k.value(), h.bytes, salt_at, ctx);
  std::memcpy(b + salt_at + 32, d.key_commit, 32);
  std::memcpy(b + salt_at + 64, d.ctx_commit, 16);
  derive_checks(d, k.value(), h.bytes, salt_at, ctx);
  std::memcpy(b + salt_at + 80, d.header_mac, 32);
  std::memcpy(h.keys.header_mac, d.header_mac, 32);

  auto pk = kdf_key(k.value(), label::file_payload, {ByteView{b + salt_at, 32}, ctx});
  if (!pk) return pk.error();
  h.keys.payload_key = std::move(pk).take();
  return h;
}

Result<ChunkKeys> open_file_header(ByteView header, const FileSecret& secret, const Context& context) {
  COFFRE_TRY(init());
  if (!context_valid(context)) return Error::invalid_argument;
  auto parsed = inspect_file_header(header);
  if (!parsed) return parsed.error();
  const FileHeaderInfo& info = parsed.value();
  if (header.size() != info.header_size) return Error::invalid_argument;
  if (info.key_version != context.key_version) return Error::wrong_context;

  auto k = file_key(secret, header, info);
  if (!k) return k.error();
  std::size_t salt_at = salt_offset(info.key_source);
  Bytes ctx = encode_context(context);
  Derived d;
  derive_checks(d, k.value(), header, salt_at, ctx);
  if (!equal_ct(d.key_commit, header.subspan(salt_at + 32, 32))) return Error::wrong_key;
  if (!equal_ct(d.ctx_commit, header.subspan(salt_at + 64, 16))) return Error::wrong_context;
  if (!equal_ct(d.header_mac, header.subspan(salt_at + 80, 32))) return Error::header_tampered;

  ChunkKeys keys;
  std::memcpy(keys.header_mac, d.header_mac, 32);
  auto pk = kdf_key(k.value(), label::file_payload, {header.subspan(salt_at, 32), ctx});
  if (!pk) return pk.error();
  keys.payload_key = std::move(pk).take();
  return keys;
}

Result<std::size_t> file_header_size(ByteView prefix) {
  COFFRE_TRY(check_prefix(prefix.first(std::min(prefix.size(), kPrefixSize)), kTypeFile));
  if (prefix.size() < kFileHeaderPrefixSize) return Error::truncated;
  if (prefix[9] == static_cast<std::uint8_t>(KeySource::key)) return kFileHeaderSizeKey;
  if (prefix[9] == static_cast<std::uint8_t>(KeySource::passphrase)) return kFileHeaderSizePassphrase;
  return Error::malformed_header;
}

}  // namespace detail

// docs/SPEC.md 5.3 checks 1 to 7: each field is checked as soon as all its bytes are present, `truncated` last.
Result<FileHeaderInfo> inspect_file_header(std::span<const std::uint8_t> bytes) {
  auto size = file_header_size(bytes);
  if (!size) return size.error();
  FileHeaderInfo info;
  info.header_size = size.value();
  info.key_source = static_cast<KeySource>(bytes[9]);
  auto field = [&](std::size_t at) -> std::optional<std::uint32_t> {
    if (bytes.size() < at + 4) return std::nullopt;
    return get_u32(&bytes[at]);
  };
  auto chunk_size = field(10);
  if (chunk_size && !chunk_size_valid(*chunk_size)) return Error::malformed_header;
  if (info.key_source == KeySource::passphrase) {
    auto ops = field(18), mem = field(22);
    if ((ops && !opslimit_valid(*ops)) || (mem && !memlimit_valid(*mem))) return Error::malformed_header;
  }
  if (bytes.size() < info.header_size) return Error::truncated;
  info.chunk_size = *chunk_size;
  info.key_version = get_u32(&bytes[14]);
  if (info.key_source == KeySource::passphrase) info.passphrase_params = PassphraseParams{*field(18), *field(22)};
  return info;
}

}  // namespace coffre
