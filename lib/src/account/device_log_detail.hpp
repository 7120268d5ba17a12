// Pieces of the device list (docs/SPEC.md section 10) that enrollment (section 12) uses too.
#pragma once

#include "base/bytes.hpp"

#include <coffre/device_log.hpp>

#include <string_view>

namespace coffre::detail {

// A device name: at most kDeviceNameMaxSize bytes of well-formed UTF-8.
bool device_name_valid(std::string_view name) noexcept;

// What a device proof of possession signs (label coffre/v1/log/device-pop): frame(user_id) || frame(device_id) ||
// frame(device_sign_pk) || frame(device_kem_pk) || frame(transcript_hash).
Bytes device_pop_message(const UserId& user, const DeviceRecord& device);

}  // namespace coffre::detail
