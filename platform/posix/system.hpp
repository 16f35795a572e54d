// What platform/common needs from the POSIX backend: the system's headers
// and the names of what differs from Winsock (platform/win32/system.hpp
// gives the same names there). Nothing here is a function of the contract.
#pragma once

#include "error.hpp"  // last_error, resolver_error (this backend's)

#include <portsock/native.hpp>

#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/un.h>

namespace portsock::sys::os {

/// The system's socket type and the type of its address and option lengths.
using socket_type = int;
using socklen = socklen_t;
/// The getaddrinfo result list's element.
using addrinfo_type = ::addrinfo;

inline socket_type native(native_handle_type h) noexcept { return h; }

/// Unix-domain sockets take abstract names (a leading NUL) where the system
/// has them; a system without them refuses such a name at bind or connect.
constexpr bool abstract_names = true;

/// What portsock means by address reuse (see option_id::reuse_address).
constexpr int reuse_address = SO_REUSEADDR;

/// A failed bind's error (Windows reads one code differently).
inline std::error_code bind_error() noexcept { return last_error(); }

constexpr int shut_rd = SHUT_RD;
constexpr int shut_wr = SHUT_WR;
constexpr int shut_rdwr = SHUT_RDWR;

}  // namespace portsock::sys::os
