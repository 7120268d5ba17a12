// The whole public C++ API.
#pragma once

#include <coffre/account.hpp>
#include <coffre/armor.hpp>
#include <coffre/context.hpp>
#include <coffre/device_log.hpp>
#include <coffre/directory.hpp>
#include <coffre/document.hpp>
#include <coffre/drive.hpp>
#include <coffre/enrollment.hpp>
#include <coffre/error.hpp>
#include <coffre/export.h>
#include <coffre/file.hpp>
#include <coffre/kek.hpp>
#include <coffre/key_file.hpp>
#include <coffre/random.hpp>
#include <coffre/recovery.hpp>
#include <coffre/secret.hpp>
#include <coffre/sharing.hpp>
#include <coffre/signing.hpp>
#include <coffre/store_request.hpp>
#include <coffre/threads.hpp>
#include <coffre/version.h>
#include <coffre/xwing.hpp>

#include <string_view>

namespace coffre {
/// Initializes libsodium; idempotent and thread-safe. Every entry point calls it, so users need not.
COFFRE_API Error init() noexcept;
/// The library's version, "MAJOR.MINOR.PATCH" (COFFRE_VERSION_STRING of the headers it was built with).
COFFRE_API std::string_view version() noexcept;
}  // namespace coffre
