// What platform/common needs from the POSIX backend: the system's headers
// and the names of what differs from Winsock (platform/win32/system.hpp
// gives the same names there). Nothing here is a function of the contract.
#pragma once

#include "error.hpp"  // last_error, resolver_error (this backend's)

#include <portsock/error.hpp>
#include <portsock/native.hpp>

#include <cstdint>

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

/// Address reuse on a datagram socket: several sockets bind one port (each
/// gets every multicast and broadcast datagram sent to it), as libuv's
/// UV_UDP_REUSEADDR does (src/unix/udp.c, uv__set_reuse). Linux shares a
/// UDP port among sockets that set SO_REUSEADDR (socket(7)); its
/// SO_REUSEPORT would also spread unicast datagrams among them. The BSDs
/// and macOS let two sockets bind one address and port only with
/// SO_REUSEPORT on each ("allows completely duplicate bindings by multiple
/// processes if they all set SO_REUSEPORT before binding the port. This
/// option permits multiple instances of a program to each receive UDP/IP
/// multicast or broadcast datagrams destined for the bound port": FreeBSD
/// getsockopt(2)); their SO_REUSEADDR does it only for a multicast bind
/// address, which Windows refuses.
#if defined(SO_REUSEPORT) && !defined(__linux__) && !defined(__GNU__) && !defined(__illumos__)
constexpr int reuse_address_datagram = SO_REUSEPORT;
#else
constexpr int reuse_address_datagram = SO_REUSEADDR;
#endif

/// IP_MULTICAST_TTL and IP_MULTICAST_LOOP take a byte (u_char) on the BSDs
/// and macOS: their ip(4) pages give "u_char ttl" and "u_char loop", and
/// OpenBSD refuses any other size with EINVAL. Linux takes an int or a byte
/// (ip(7): "Argument is an integer"; the kernel's do_ip_setsockopt reads
/// either), and an int is what it reads back.
#if defined(__linux__)
constexpr bool ipv4_multicast_byte = false;
#else
constexpr bool ipv4_multicast_byte = true;
#endif

/// IP_MULTICAST_IF by interface index. Linux and FreeBSD take a struct
/// ip_mreqn with imr_ifindex (ip(7); FreeBSD ip(4)); macOS has
/// IP_MULTICAST_IFINDEX with an unsigned int (its <netinet/in.h>); other
/// systems only an address.
inline std::error_code set_ipv4_multicast_index(socket_type s, std::uint32_t index) noexcept {
#if defined(IP_MULTICAST_IFINDEX)
    const unsigned int value = index;
    if (::setsockopt(s, IPPROTO_IP, IP_MULTICAST_IFINDEX, &value, sizeof value) != 0) return last_error();
    return {};
#elif defined(__linux__) || defined(__FreeBSD__)
    ip_mreqn m{};
    m.imr_ifindex = static_cast<int>(index);
    if (::setsockopt(s, IPPROTO_IP, IP_MULTICAST_IF, &m, sizeof m) != 0) return last_error();
    return {};
#else
    (void)s;
    (void)index;
    return error::not_supported;
#endif
}

/// A failed bind's error (Windows reads one code differently).
inline std::error_code bind_error() noexcept { return last_error(); }

constexpr int shut_rd = SHUT_RD;
constexpr int shut_wr = SHUT_WR;
constexpr int shut_rdwr = SHUT_RDWR;

/// Flags added to every send, sendmsg and sendmmsg (this backend only): no
/// SIGPIPE where the system can say so per call (elsewhere SO_NOSIGPIPE is
/// set once per socket at open).
#if PORTSOCK_HAVE_MSG_NOSIGNAL
constexpr int send_flags = MSG_NOSIGNAL;
#else
constexpr int send_flags = 0;
#endif

}  // namespace portsock::sys::os
