// Big-endian integers and framing (docs/SPEC.md section 1).
#pragma once

#include <coffre/context.hpp>

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace coffre::detail {

using Bytes = std::vector<std::uint8_t>;
using ByteView = std::span<const std::uint8_t>;

void put_u32(std::uint8_t* out, std::uint32_t v) noexcept;
void put_u64(std::uint8_t* out, std::uint64_t v) noexcept;
std::uint32_t get_u32(const std::uint8_t* in) noexcept;
std::uint64_t get_u64(const std::uint8_t* in) noexcept;

void append(Bytes& out, ByteView bytes);
void append_u32(Bytes& out, std::uint32_t v);
void append_u64(Bytes& out, std::uint64_t v);
void append_frame(Bytes& out, ByteView bytes);  // u32(len) || bytes

ByteView as_bytes(std::string_view s) noexcept;

// context = frame(object_id) || u64(revision) || u32(key_version)
Bytes encode_context(const Context& context);
bool context_valid(const Context& context) noexcept;

// Well-formed UTF-8 (RFC 3629): no overlong forms, no surrogates, nothing above U+10FFFF.
bool utf8_valid(ByteView s) noexcept;

// Constant-time equality of two equally sized public-length buffers.
bool equal_ct(ByteView a, ByteView b) noexcept;

}  // namespace coffre::detail
