// What platform/common needs from the Windows backend: Winsock's headers and
// the names of what differs from BSD sockets (platform/posix/system.hpp gives
// the same names there). Nothing here is a function of the contract.
#pragma once

#include "error.hpp"  // last_error, resolver_error, winsock_category (this backend's)

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

/// What portsock means by address reuse: a stopped server binds its port
/// again at once, and no other socket can take a port a server holds.
/// SO_REUSEADDR would break the second promise: on Windows it lets a second
/// socket bind a port in use ("Using SO_REUSEADDR and SO_EXCLUSIVEADDRUSE",
/// learn.microsoft.com, Winsock docs). SO_EXCLUSIVEADDRUSE keeps both. That
/// page and libuv (joyent/libuv#1360) say it also refuses a rebind while the
/// old server's connections are active or in TIME_WAIT; measurements say
/// otherwise: only another bound listener conflicts, neither a live accepted
/// connection nor TIME_WAIT does (python-trio/trio notes-to-self/
/// time-wait-windows-exclusiveaddruse.py, stackoverflow.com/q/45624916;
/// nubo-db/dynoxide#133 on windows-latest). Setting nothing is not enough: a
/// plain bind of 127.0.0.1:P beside a wildcard listener on P succeeds
/// (trio's notes-to-self/how-does-windows-so-reuseaddr-work.py table).
/// tests/tcp_test.cpp asserts both promises; the hosted Windows jobs in
/// .github/workflows/ci.yml restart a server that has served clients.
constexpr int reuse_address = SO_EXCLUSIVEADDRUSE;

/// A failed bind's error. A bind refused because another socket holds the
/// port with SO_EXCLUSIVEADDRUSE fails with WSAEACCES (seen under wine and in
/// trio's table above); the port is in use, so that is what it reports.
inline std::error_code bind_error() noexcept {
    const int code = ::WSAGetLastError();
    return {code == WSAEACCES ? WSAEADDRINUSE : code, winsock_category()};
}

constexpr int shut_rd = SD_RECEIVE;
constexpr int shut_wr = SD_SEND;
constexpr int shut_rdwr = SD_BOTH;

}  // namespace portsock::sys::os
