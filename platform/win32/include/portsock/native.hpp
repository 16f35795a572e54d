// The native handle type of the Windows backend: a SOCKET (pointer-sized,
// unsigned). The POSIX backend has a file of the same name defining an int.
#pragma once

#include <cstdint>

namespace portsock {

/// The operating system's handle for a socket (a Winsock SOCKET here).
using native_handle_type = std::uintptr_t;

/// The value that means "no socket" (INVALID_SOCKET).
inline constexpr native_handle_type invalid_native_handle = ~std::uintptr_t{0};

}  // namespace portsock
