// What platform/common needs from the Windows backend: Winsock's headers and
// the names of what differs from BSD sockets (platform/posix/system.hpp gives
// the same names there). Nothing here is a function of the contract.
#pragma once

#include "error.hpp"  // last_error, resolver_error (this backend's)

#include <portsock/native.hpp>

#include <winsock2.h>
#include <afunix.h>
#include <ws2tcpip.h>

namespace portsock::sys::os {

/// The system's socket type and the type of its address and option lengths.
using socket_type = SOCKET;
using socklen = int;
/// The GetAddrInfoW result list's element (UTF-16 names).
using addrinfo_type = ADDRINFOW;

inline socket_type native(native_handle_type h) noexcept { return static_cast<SOCKET>(h); }

/// Windows' AF_UNIX has no abstract names: one is refused as an address
/// family Windows does not support, and a name read back ends at its NUL.
constexpr bool abstract_names = false;

/// SO_REUSEADDR on Windows lets another socket take over a port in use; the
/// exclusive option gives what POSIX programs mean by address reuse without
/// that hole (see README, "What portsock decides for you").
constexpr int reuse_address = SO_EXCLUSIVEADDRUSE;

constexpr int shut_rd = SD_RECEIVE;
constexpr int shut_wr = SD_SEND;
constexpr int shut_rdwr = SD_BOTH;

}  // namespace portsock::sys::os
