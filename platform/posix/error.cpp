// System errors of the POSIX backend.
#include "error.hpp"

#include "sys.hpp"

#include <netdb.h>

#include <cerrno>

namespace portsock::sys {

std::error_code last_error() noexcept { return {errno, std::system_category()}; }

std::error_code error_from_native(int code) noexcept {
    if (code == 0) return {};
    return {code, std::system_category()};
}

bool would_block(std::error_code ec) noexcept {
    const std::error_category& c = ec.category();
    if (c == std::system_category() || c == std::generic_category()) {
        return ec.value() == EAGAIN || ec.value() == EWOULDBLOCK;
    }
    return ec == std::errc::operation_would_block || ec == std::errc::resource_unavailable_try_again;
}

std::error_code resolver_error(int code) noexcept {
    switch (code) {
    case EAI_NONAME: return resolve_error::host_not_found;
    case EAI_AGAIN: return resolve_error::try_again;
    case EAI_FAIL: return resolve_error::fail;
#if defined(EAI_NODATA) && EAI_NODATA != EAI_NONAME
    case EAI_NODATA: return resolve_error::no_data;
#endif
#if defined(EAI_ADDRFAMILY)
    case EAI_ADDRFAMILY: return resolve_error::no_data;
#endif
    case EAI_FAMILY: return resolve_error::family_not_supported;
    case EAI_SOCKTYPE: return resolve_error::socktype_not_supported;
    case EAI_SERVICE: return resolve_error::service_not_found;
    case EAI_BADFLAGS: return resolve_error::bad_flags;
    case EAI_MEMORY: return resolve_error::out_of_memory;
    case EAI_SYSTEM: return {errno, std::system_category()};
    default: return resolve_error::other;
    }
}

std::error_code host_error(int code, int system) noexcept {
    switch (code) {
    case HOST_NOT_FOUND: return resolve_error::host_not_found;
    case TRY_AGAIN: return resolve_error::try_again;
    case NO_RECOVERY: return resolve_error::fail;
    case NO_DATA: return resolve_error::no_data;
    default:
        if (system != 0) return {system, std::system_category()};
        return resolve_error::other;
    }
}

}  // namespace portsock::sys
