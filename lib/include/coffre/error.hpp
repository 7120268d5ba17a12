// Errors are values: a closed enum (docs/SPEC.md section 7) and Result<T>. Nothing in coffre throws.
#pragma once

#include <coffre/export.h>

#include <string_view>
#include <utility>
#include <variant>

namespace coffre {

enum class [[nodiscard]] Error : int {
  ok = 0,
  invalid_argument = 1,
  bad_magic = 2,
  wrong_envelope_type = 3,
  unsupported_version = 4,
  unsupported_suite = 5,
  malformed_header = 6,
  wrong_key = 7,
  wrong_context = 8,
  header_tampered = 9,
  payload_invalid = 10,
  chunk_invalid = 11,
  chunk_out_of_order = 12,
  chunk_duplicated = 13,
  truncated = 14,
  trailing_data = 15,
  empty_chunk = 16,
  range_out_of_bounds = 17,
  bad_state = 18,
  io_error = 19,
  out_of_memory = 20,
  public_key_invalid = 21,
  kem_ciphertext_invalid = 22,
  signature_invalid = 23,
  log_rollback = 24,
  log_fork = 25,
  log_broken_chain = 26,
  log_invalid = 27,
  device_not_enrolled = 28,
  enrollment_expired = 29,
  enrollment_replayed = 30,
  enrollment_invalid = 31,
  recovery_phrase_invalid = 32,
  not_found = 33,
  already_exists = 34,
  wrap_invalid = 35,
  trust_mismatch = 36,
  user_refused = 37,
  not_a_member = 38,
  key_version_rollback = 39,
  node_binding_invalid = 40,
  record_invalid = 41,
  device_revoked = 42,
  identity_superseded = 43,
  device_unexpected = 44,
  operation_incomplete = 45,
  kdf_cost_exceeded = 46,
  armor_invalid = 47,
};
inline constexpr int kErrorCount = 48;

/// Stable snake_case code, as in the spec and the vectors' `expect` field ("ok" for success).
COFFRE_API std::string_view error_code(Error e) noexcept;
/// One sentence for a human: what is wrong and, where it helps, what to do. Never contains secrets.
COFFRE_API std::string_view error_message(Error e) noexcept;

/// A value or an error. Small on purpose: ok(), error(), value(), and take() to move the value out.
template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Error e) : v_(e) {}                 // NOLINT: implicit by design

  bool ok() const noexcept { return std::holds_alternative<T>(v_); }
  explicit operator bool() const noexcept { return ok(); }
  Error error() const noexcept { return ok() ? Error::ok : std::get<Error>(v_); }
  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T take() && { return std::move(std::get<T>(v_)); }

 private:
  std::variant<T, Error> v_;
};

}  // namespace coffre

/// Propagate an Error from an expression returning Error.
#define COFFRE_TRY(expr)                                   \
  do {                                                     \
    if (::coffre::Error e_ = (expr); e_ != ::coffre::Error::ok) return e_; \
  } while (0)
