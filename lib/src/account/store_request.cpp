#include "base/bytes.hpp"

#include <coffre/coffre.hpp>
#include <coffre/store_request.hpp>

#include <sodium.h>

#include <algorithm>
#include <string>

namespace coffre {

using namespace detail;

namespace {

static_assert(sizeof(crypto_hash_sha256_state) <= 128 && alignof(crypto_hash_sha256_state) <= 8,
              "Sha256Hasher::state_ must hold libsodium's crypto_hash_sha256_state");
static_assert(crypto_hash_sha256_BYTES == kSha256Size);

crypto_hash_sha256_state* sha256_state(std::array<std::uint8_t, 128>& storage) noexcept {
  return reinterpret_cast<crypto_hash_sha256_state*>(storage.data());
}

bool method_valid(std::string_view method) noexcept {
  return !method.empty() && std::all_of(method.begin(), method.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
}

// Origin form as sent on the request line: '/' then visible ASCII (no space, no control, nothing above 0x7e).
bool target_valid(std::string_view target) noexcept {
  return !target.empty() && target.front() == '/' &&
         std::all_of(target.begin(), target.end(), [](char c) { return c >= 0x21 && c <= 0x7e; });
}

// m without its leading frame(label): what SigningKey::sign takes, as it prepends frame(label) itself.
Result<Bytes> signed_fields(const StoreRequest& r) {
  if (!method_valid(r.method) || !target_valid(r.target)) return Error::invalid_argument;
  Bytes out;
  out.reserve(4 + r.method.size() + 4 + r.target.size() + kSha256Size + 8 + kStoreNonceSize + 4 + UserId::kSize);
  append_frame(out, as_bytes(r.method));
  append_frame(out, as_bytes(r.target));
  append(out, r.content_sha256);
  append_u64(out, r.time);
  append(out, r.nonce);
  append_frame(out, r.user ? ByteView(r.user->bytes) : ByteView{});
  return out;
}

std::string lower_hex(std::span<const std::uint8_t> bytes) {
  std::string out(2 * bytes.size() + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), bytes.data(), bytes.size());
  out.pop_back();  // the NUL
  return out;
}

}  // namespace

Sha256Digest content_sha256(std::span<const std::uint8_t> bytes) noexcept {
  Sha256Digest d{};
  crypto_hash_sha256(d.data(), bytes.data(), bytes.size());
  return d;
}

Sha256Hasher::Sha256Hasher() noexcept { crypto_hash_sha256_init(sha256_state(state_)); }

void Sha256Hasher::update(std::span<const std::uint8_t> bytes) noexcept {
  crypto_hash_sha256_update(sha256_state(state_), bytes.data(), bytes.size());
}

Sha256Digest Sha256Hasher::finish() noexcept {
  Sha256Digest d{};
  crypto_hash_sha256_final(sha256_state(state_), d.data());
  crypto_hash_sha256_init(sha256_state(state_));
  return d;
}

StoreNonce draw_store_nonce(Rng& rng) {
  StoreNonce n{};
  rng.fill(n);
  return n;
}

Result<std::vector<std::uint8_t>> store_request_message(const StoreRequest& request) {
  auto fields = signed_fields(request);
  if (!fields) return fields.error();
  Bytes m;
  m.reserve(4 + kStoreRequestLabel.size() + fields.value().size());
  append_frame(m, as_bytes(kStoreRequestLabel));
  append(m, fields.value());
  return m;
}

Result<SigningKey::Signature> sign_store_request(const SigningKey& key, const StoreRequest& request) {
  COFFRE_TRY(init());
  auto fields = signed_fields(request);
  if (!fields) return fields.error();
  return key.sign(kStoreRequestLabel, fields.value());
}

Error verify_store_request(const VerifyKey& key, const StoreRequest& request,
                           std::span<const std::uint8_t> signature) noexcept {
  auto fields = signed_fields(request);
  if (!fields) return fields.error();
  return key.verify(kStoreRequestLabel, fields.value(), signature);
}

StoreRequestHeaders store_request_headers(const VerifyKey& key, const StoreRequest& request,
                                          const SigningKey::Signature& signature) {
  StoreRequestHeaders h;
  h.emplace_back("Coffre-Key", lower_hex(key.bytes()));
  if (request.user) h.emplace_back("Coffre-User", lower_hex(request.user->bytes));
  h.emplace_back("Coffre-Time", std::to_string(request.time));
  h.emplace_back("Coffre-Nonce", lower_hex(request.nonce));
  h.emplace_back("Coffre-Content-SHA256", lower_hex(request.content_sha256));
  h.emplace_back("Coffre-Signature", lower_hex(signature));
  return h;
}

}  // namespace coffre
