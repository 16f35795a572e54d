// System errors of the POSIX backend: errno values in std::system_category()
// (which compares with std::errc), resolver codes (EAI_*, h_errno) as
// portsock::resolve_error.
#pragma once

#include <system_error>

namespace portsock::sys {

/// The calling thread's last error (errno) as a portable code.
std::error_code last_error() noexcept;
/// A getaddrinfo result code (EAI_*) as a portable code.
std::error_code resolver_error(int code) noexcept;
/// A failed host lookup's h_errno (HOST_NOT_FOUND, TRY_AGAIN, NO_RECOVERY,
/// NO_DATA) as a portable code; for NETDB_INTERNAL, `system` (an errno value)
/// if it holds one.
std::error_code host_error(int code, int system) noexcept;

}  // namespace portsock::sys
