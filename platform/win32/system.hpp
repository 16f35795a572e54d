// What platform/common needs from the Windows backend: Winsock's headers and
// the names of what differs from BSD sockets (platform/posix/system.hpp gives
// the same names there). Nothing here is a function of the contract.
#pragma once

#include "error.hpp"  // last_error, resolver_error, winsock_category (this backend's)

#include <portsock/native.hpp>

#include <cstdint>

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
/// Three candidates, weighed on the sources:
/// - SO_REUSEADDR breaks the second promise: on Windows it lets a second
///   socket bind a port in use ("Using SO_REUSEADDR and SO_EXCLUSIVEADDRUSE",
///   learn.microsoft.com, Winsock docs).
/// - Setting nothing (libuv, joyent/libuv#1360; Python's create_server on
///   Windows) keeps the first: a bind is not refused for TIME_WAIT
///   (libuv#1360, nubo-db/dynoxide#133). Not the second: a socket of the same
///   user may bind 127.0.0.1:P beside a 0.0.0.0:P holder and take its
///   loopback traffic (Microsoft's networking blog, "Changes in Socket Bind",
///   2005-09-29; trio's notes-to-self/how-does-windows-so-reuseaddr-work.py).
/// - SO_EXCLUSIVEADDRUSE keeps both: every other bind of the port is refused
///   ("servers should always set SO_EXCLUSIVEADDRUSE": the same blog,
///   "Winsock SO_EXCLUSIVEADDRUSE on Vista", 2007). Microsoft's page warns
///   that a rebind may fail while the old server's connections are active,
///   and libuv#1360 that TIME_WAIT counts; measured, only another listener
///   conflicts, neither a live accepted connection nor TIME_WAIT (trio's
///   notes-to-self/time-wait-windows-exclusiveaddruse.py,
///   stackoverflow.com/q/45624916; dynoxide#133's restart test on
///   windows-latest).
/// tests/tcp_test.cpp asserts both promises (an SO_REUSEADDR thief
/// included); ci/windows-restart.ps1, run by the hosted Windows jobs, shows
/// them on Windows itself with a server that has served clients.
constexpr int reuse_address = SO_EXCLUSIVEADDRUSE;

/// Address reuse on a datagram socket: several sockets bind one port, each
/// getting every multicast and broadcast datagram sent to it. Windows does
/// that with SO_REUSEADDR ("Using SO_REUSEADDR and SO_EXCLUSIVEADDRUSE":
/// "multiple sockets ... to receive the multicast traffic"), as libuv's
/// UV_UDP_REUSEADDR does (src/win/udp.c); SO_EXCLUSIVEADDRUSE would refuse
/// the second receiver. There is no server to protect from a thief here:
/// sharing is what the caller asks for.
constexpr int reuse_address_datagram = SO_REUSEADDR;

/// IP_MULTICAST_TTL and IP_MULTICAST_LOOP are DWORDs on Windows ("IPPROTO_IP
/// socket options", learn.microsoft.com), as an int is.
constexpr bool ipv4_multicast_byte = false;

/// IP_MULTICAST_IF by interface index: "Any IP address in the 0.x.x.x block
/// (first octet of 0) except IPv4 address 0.0.0.0 is treated as an interface
/// index" (the same page), in network order.
inline std::error_code set_ipv4_multicast_index(socket_type s, std::uint32_t index) noexcept {
    if (index > 0xffffff) return {WSAEINVAL, winsock_category()};
    const u_long value = ::htonl(index);
    if (::setsockopt(s, IPPROTO_IP, IP_MULTICAST_IF, reinterpret_cast<const char*>(&value), sizeof value) != 0) {
        return last_error();
    }
    return {};
}

/// A failed bind's error. A bind refused because another socket holds the
/// port with SO_EXCLUSIVEADDRUSE fails with WSAEACCES (seen under wine and in
/// trio's table above); the port is in use, so that is what it reports. A
/// port in a range Windows reserves (Hyper-V, winnat: `netsh interface ipv4
/// show excludedportrange`) fails with WSAEACCES too and reads the same way;
/// a datagram bind to a broadcast address without SO_BROADCAST (bind's page
/// on learn.microsoft.com) would as well.
inline std::error_code bind_error() noexcept {
    const int code = ::WSAGetLastError();
    return {code == WSAEACCES ? WSAEADDRINUSE : code, winsock_category()};
}

constexpr int shut_rd = SD_RECEIVE;
constexpr int shut_wr = SD_SEND;
constexpr int shut_rdwr = SD_BOTH;

}  // namespace portsock::sys::os
