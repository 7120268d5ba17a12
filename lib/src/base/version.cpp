#include <coffre/coffre.hpp>

namespace coffre {

std::string_view version() noexcept { return COFFRE_VERSION_STRING; }

}  // namespace coffre
