// Document envelope (docs/SPEC.md section 4): one-shot seal/open of a buffer under a content key and a context.
#pragma once

#include <coffre/context.hpp>
#include <coffre/error.hpp>
#include <coffre/export.h>
#include <coffre/random.hpp>
#include <coffre/secret.hpp>

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace coffre {

inline constexpr std::size_t kDocumentOverhead = 102;  ///< header 86 + tag 16

COFFRE_API Result<std::vector<std::uint8_t>> seal_document(const ContentKey& key, const Context& context,
                                                           std::span<const std::uint8_t> plaintext,
                                                           Rng& rng = system_rng());

/// Plaintext only if every check of the spec passed; otherwise the first failing check's error and nothing else.
COFFRE_API Result<std::vector<std::uint8_t>> open_document(const ContentKey& key, const Context& context,
                                                           std::span<const std::uint8_t> envelope);

}  // namespace coffre
