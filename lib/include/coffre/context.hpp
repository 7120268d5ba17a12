// The context an envelope is bound to (docs/SPEC.md section 3). Never stored in the envelope.
#pragma once

#include <coffre/export.h>

#include <cstddef>
#include <cstdint>
#include <string>

namespace coffre {

struct COFFRE_API Context {
  static constexpr std::size_t kMaxObjectId = 1024;
  std::string object_id;      ///< document or file id
  std::uint64_t revision = 0;  ///< document revision or file version
  std::uint32_t key_version = 0;  ///< content-key version (also written in the header)
};

}  // namespace coffre
