// The native handle type of the POSIX backend: a file descriptor.
// The Windows backend has a file of the same name defining a SOCKET-sized one.
#pragma once

namespace portsock {

/// The operating system's handle for a socket (a file descriptor here).
using native_handle_type = int;

/// The value that means "no socket".
inline constexpr native_handle_type invalid_native_handle = -1;

}  // namespace portsock
