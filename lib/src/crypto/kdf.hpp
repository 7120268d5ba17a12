// KDF(K, label, p1..pn) = BLAKE2b(key = K, frame(label) || frame(p1) || ...), docs/SPEC.md sections 1 and 6.
#pragma once

#include "base/bytes.hpp"

#include <coffre/secret.hpp>

#include <array>
#include <initializer_list>
#include <string_view>

namespace coffre::detail {

// Every label of docs/SPEC.md section 6, in one place.
namespace label {
inline constexpr std::string_view doc_commit = "coffre/v1/doc/commit";
inline constexpr std::string_view doc_context = "coffre/v1/doc/context";
inline constexpr std::string_view doc_key = "coffre/v1/doc/key";
inline constexpr std::string_view drive_file_key = "coffre/v1/drive/file-key";
inline constexpr std::string_view drive_listing_tag = "coffre/v1/drive/listing-tag";
inline constexpr std::string_view drive_metadata = "coffre/v1/drive/metadata";
inline constexpr std::string_view drive_name_hash = "coffre/v1/drive/name-hash";
inline constexpr std::string_view drive_node_key = "coffre/v1/drive/node-key";
inline constexpr std::string_view file_commit = "coffre/v1/file/commit";
inline constexpr std::string_view file_context = "coffre/v1/file/context";
inline constexpr std::string_view file_header = "coffre/v1/file/header";
inline constexpr std::string_view file_payload = "coffre/v1/file/payload";
inline constexpr std::string_view account_root_wrap = "coffre/v1/account/root-wrap";
inline constexpr std::string_view account_state_key = "coffre/v1/account/state-key";
inline constexpr std::string_view account_pins_key = "coffre/v1/account/pins-key";
inline constexpr std::string_view enroll_commit = "coffre/v1/enroll/commit";
inline constexpr std::string_view enroll_response = "coffre/v1/enroll/response";
inline constexpr std::string_view enroll_sas = "coffre/v1/enroll/sas";
inline constexpr std::string_view enroll_transcript = "coffre/v1/enroll/transcript";
inline constexpr std::string_view identity_fingerprint = "coffre/v1/identity/fingerprint";
inline constexpr std::string_view log_device_pop = "coffre/v1/log/device-pop";
inline constexpr std::string_view log_entry = "coffre/v1/log/entry";
inline constexpr std::string_view log_entry_hash = "coffre/v1/log/entry-hash";
inline constexpr std::string_view log_author = "coffre/v1/log/author";
inline constexpr std::string_view log_new_identity = "coffre/v1/log/new-identity";
inline constexpr std::string_view recovery_genesis_mac = "coffre/v1/recovery/genesis-mac";
inline constexpr std::string_view recovery_kem_seed = "coffre/v1/recovery/kem-seed";
inline constexpr std::string_view recovery_mac_key = "coffre/v1/recovery/mac-key";
inline constexpr std::string_view recovery_sign_seed = "coffre/v1/recovery/sign-seed";
inline constexpr std::string_view access_signature = "coffre/v1/access/signature";
inline constexpr std::string_view wrap_key = "coffre/v1/wrap/key";
inline constexpr std::string_view wrap_signature = "coffre/v1/wrap/signature";
inline constexpr std::string_view directory_record = "coffre/v1/directory/record";
inline constexpr std::string_view directory_continuity = "coffre/v1/directory/continuity";
inline constexpr std::string_view directory_safety_number = "coffre/v1/directory/safety-number";
inline constexpr std::string_view kek_commit = "coffre/v1/kek/commit";
inline constexpr std::string_view kek_context = "coffre/v1/kek/context";
inline constexpr std::string_view kek_key = "coffre/v1/kek/key";
inline constexpr std::string_view kek_wrap = "coffre/v1/kek/wrap";
}  // namespace label

// Writes out.size() bytes (16..64) of KDF output.
void kdf(std::span<std::uint8_t> out, const SecretBytes& key, std::string_view label,
         std::initializer_list<ByteView> parts) noexcept;

// Unkeyed hash H(label, p1..pn) = BLAKE2b-256(frame(label) || frame(p1) || ...), docs/SPEC.md section 9.
std::array<std::uint8_t, 32> hash(std::string_view label, std::initializer_list<ByteView> parts) noexcept;

// The same with the key as bytes (a slice of a larger guarded buffer).
void kdf(std::span<std::uint8_t> out, std::span<const std::uint8_t> key, std::string_view label,
         std::initializer_list<ByteView> parts) noexcept;

// The same, into a new secret buffer of `size` bytes (a derived key).
Result<SecretBytes> kdf_key(const SecretBytes& key, std::string_view label, std::initializer_list<ByteView> parts,
                            std::size_t size = 32);

}  // namespace coffre::detail
