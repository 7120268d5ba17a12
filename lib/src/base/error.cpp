#include <coffre/error.hpp>

#include <array>

namespace coffre {

namespace {
struct ErrorText {
  std::string_view code;
  std::string_view message;
};

// Indexed by the enum value; the order is the spec's table (docs/SPEC.md section 7).
constexpr std::array<ErrorText, kErrorCount> kErrors = {{
    {"ok", "Success."},
    {"invalid_argument", "An argument has the wrong size or is out of range."},
    {"bad_magic", "This is not a coffre envelope."},
    {"wrong_envelope_type", "This is a coffre envelope of another kind (document vs file)."},
    {"unsupported_version", "This envelope uses a format version this library does not know; upgrade coffre."},
    {"unsupported_suite", "This envelope uses an algorithm suite this library does not know; upgrade coffre."},
    {"malformed_header", "A header field is outside the bounds of the format; the data is corrupt or forged."},
    {"wrong_key", "The key or passphrase is not the one this data was encrypted with."},
    {"wrong_context", "This data belongs to another document, revision or key version."},
    {"header_tampered", "The header was modified after encryption."},
    {"payload_invalid", "The ciphertext was modified after encryption; nothing was decrypted."},
    {"chunk_invalid", "A chunk was modified, cut, or taken from another file; decryption stopped before it."},
    {"chunk_out_of_order", "Chunks were reordered or removed; decryption stopped before them."},
    {"chunk_duplicated", "A chunk appears twice; decryption stopped before it."},
    {"truncated", "The data ends early: part of it is missing."},
    {"trailing_data", "Unexpected bytes follow the end of the encrypted data."},
    {"empty_chunk", "An empty chunk appears where the format forbids one; the data is corrupt or forged."},
    {"range_out_of_bounds", "The requested range is outside the plaintext."},
    {"bad_state", "The stream already finished or failed; start a new one."},
    {"io_error", "Reading or writing a file failed."},
    {"out_of_memory", "Secure memory could not be allocated."},
    {"public_key_invalid", "This public key is malformed or unsafe to encrypt to; ask its owner for their key again."},
    {"kem_ciphertext_invalid", "The key-encapsulation ciphertext is malformed or forged; no key was derived."},
    {"signature_invalid", "An Ed25519 signature does not verify: the data was forged or modified."},
    {"log_rollback", "The store served an older device list than this device already verified; refusing to go back."},
    {"log_fork", "The store served a device list that differs from the one this device verified."},
    {"log_broken_chain", "The device list has dropped, reordered or inserted entries."},
    {"log_invalid", "A device-list entry is malformed or breaks the rules of the list."},
    {"device_not_enrolled", "This device is not, or no longer, in the account's device list."},
    {"enrollment_expired", "The enrollment request has expired; start a new one on the new device."},
    {"enrollment_replayed", "This enrollment request was already used; start a new one on the new device."},
    {"enrollment_invalid", "An enrollment message does not match the exchange it belongs to."},
    {"recovery_phrase_invalid", "The recovery phrase is not 24 valid words, or one of them is mistyped."},
    {"not_found", "No such object in the store or the local state."},
    {"already_exists", "Refusing to replace something that already exists."},
    {"wrap_invalid", "A sealed key does not open: modified, or meant for another device or epoch."},
    {"trust_mismatch", "A contact's key differs from the one you trusted; compare safety numbers before sharing again."},
    {"user_refused", "You refused this contact's key; nothing is shared with or accepted from them."},
    {"not_a_member", "The key was wrapped by or for a user who is not a member of this document."},
    {"key_version_rollback", "The store served an older key, access list or record than one this device already saw."},
    {"node_binding_invalid", "A Drive item does not open as this child of this folder: moved, swapped, renamed or modified."},
    {"record_invalid", "A directory record, access list or Drive item is malformed."},
    {"device_revoked", "A device-list entry is signed by a device that was revoked: it counts for nothing."},
    {"identity_superseded",
     "A device-list entry is signed by an identity key that a revocation replaced (a revoked device may hold it)."},
    {"device_unexpected",
     "A device you did not see approved appeared in your device list; accept it or revoke it before going on."},
    {"operation_incomplete", "An earlier operation was interrupted; run the command again to finish it first."},
    {"kdf_cost_exceeded",
     "This file's header asks for more Argon2id memory or passes than this reader allows; raise the limit only for a "
     "file you trust."},
    {"armor_invalid", "The ASCII armor around this file is malformed, cut or followed by other data."},
}};

const ErrorText* lookup(Error e) noexcept {
  auto i = static_cast<int>(e);
  return (i >= 0 && i < kErrorCount) ? &kErrors[static_cast<std::size_t>(i)] : nullptr;
}
}  // namespace

std::string_view error_code(Error e) noexcept {
  const ErrorText* t = lookup(e);
  return t ? t->code : "unknown";
}

std::string_view error_message(Error e) noexcept {
  const ErrorText* t = lookup(e);
  return t ? t->message : "Unknown error.";
}

}  // namespace coffre
