// System errors of the POSIX backend: errno values in std::system_category()
// (which compares with std::errc), resolver codes as portsock::resolve_error.
#pragma once

#include <system_error>

namespace portsock::sys {

/// The calling thread's last error (errno) as a portable code.
std::error_code last_error() noexcept;
/// A getaddrinfo result code (EAI_*) as a portable code.
std::error_code resolver_error(int code) noexcept;

}  // namespace portsock::sys
