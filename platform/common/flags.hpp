// portsock's flags and option names as the system's numbers, for both
// backends: the values differ between systems, the names do not.
#pragma once

#include "address.hpp"
#include "sys.hpp"
#include "system.hpp"

namespace portsock::sys {

/// Python's MSG_* names with the system's numbers, for the flags this
/// system defines (a name it lacks is absent from Python's module too).
struct msg_flag {
    msg portable;
    int native;
};
inline constexpr msg_flag msg_flags[] = {
    {msg::peek, MSG_PEEK}, {msg::oob, MSG_OOB}, {msg::waitall, MSG_WAITALL}, {msg::dontroute, MSG_DONTROUTE},
#ifdef MSG_DONTWAIT
    {msg::dontwait, MSG_DONTWAIT},
#endif
#ifdef MSG_EOR
    {msg::eor, MSG_EOR},
#endif
#ifdef MSG_MORE
    {msg::more, MSG_MORE},
#endif
#ifdef MSG_CONFIRM
    {msg::confirm, MSG_CONFIRM},
#endif
};

/// The flags this system has.
inline constexpr msg supported_msg_flags() noexcept {
    msg out = msg::none;
    for (const msg_flag& f : msg_flags) out = out | f.portable;
    return out;
}

/// A send or receive call's flags, every one supported (flags_supported).
inline int native_flags(msg flags) noexcept {
    if (flags == msg::none) return 0;  // the common case, without the loop
    int out = 0;
    for (const msg_flag& f : msg_flags) {
        if (has(flags, f.portable)) out |= f.native;
    }
    return out;
}

/// getaddrinfo's hint flags.
inline int native_ai_flags(ai flags) noexcept {
    int out = 0;
    if (has(flags, ai::passive)) out |= AI_PASSIVE;
    if (has(flags, ai::canonname)) out |= AI_CANONNAME;
    if (has(flags, ai::numerichost)) out |= AI_NUMERICHOST;
    if (has(flags, ai::numericserv)) out |= AI_NUMERICSERV;
    if (has(flags, ai::addrconfig)) out |= AI_ADDRCONFIG;
    if (has(flags, ai::v4mapped)) out |= AI_V4MAPPED;
    return out;
}

/// getnameinfo's flags.
inline int native_ni_flags(ni flags) noexcept {
    int out = 0;
    if (has(flags, ni::numerichost)) out |= NI_NUMERICHOST;
    if (has(flags, ni::numericserv)) out |= NI_NUMERICSERV;
    if (has(flags, ni::namereqd)) out |= NI_NAMEREQD;
    if (has(flags, ni::nofqdn)) out |= NI_NOFQDN;
    if (has(flags, ni::dgram)) out |= NI_DGRAM;
    return out;
}

/// Where a typed option lives: its level and name.
struct option_place {
    int level;
    int name;
};

/// True for the IP options, whose place depends on the socket's family.
inline bool is_ip_option(option_id id) noexcept {
    return id == option_id::multicast_ttl || id == option_id::multicast_loop ||
           id == option_id::multicast_interface || id == option_id::ttl || id == option_id::tos;
}

/// The place of an option on a socket of family `f` and type `t`: an IP
/// option is IPv6's on an IPv6 socket and IPv4's otherwise; address reuse
/// on a datagram socket is sharing (os::reuse_address_datagram).
inline option_place place_of(option_id id, family f, type t) noexcept {
    const bool v6 = f == family::inet6;
    switch (id) {
    case option_id::reuse_address:
        return {SOL_SOCKET, t == type::dgram ? os::reuse_address_datagram : os::reuse_address};
    case option_id::keep_alive: return {SOL_SOCKET, SO_KEEPALIVE};
    case option_id::broadcast: return {SOL_SOCKET, SO_BROADCAST};
    case option_id::linger: return {SOL_SOCKET, SO_LINGER};
    case option_id::recv_buffer: return {SOL_SOCKET, SO_RCVBUF};
    case option_id::send_buffer: return {SOL_SOCKET, SO_SNDBUF};
    case option_id::no_delay: return {IPPROTO_TCP, TCP_NODELAY};
    case option_id::v6_only: return {IPPROTO_IPV6, IPV6_V6ONLY};
    case option_id::error: return {SOL_SOCKET, SO_ERROR};
    case option_id::tcp_keepalive: break;  // several options: set_keepalive
    case option_id::user_timeout:
#ifdef TCP_USER_TIMEOUT
        return {IPPROTO_TCP, TCP_USER_TIMEOUT};
#else
        break;
#endif
    case option_id::reuse_port:
#ifdef SO_REUSEPORT
        return {SOL_SOCKET, SO_REUSEPORT};
#else
        break;
#endif
    case option_id::multicast_ttl:
        return v6 ? option_place{IPPROTO_IPV6, IPV6_MULTICAST_HOPS} : option_place{IPPROTO_IP, IP_MULTICAST_TTL};
    case option_id::multicast_loop:
        return v6 ? option_place{IPPROTO_IPV6, IPV6_MULTICAST_LOOP} : option_place{IPPROTO_IP, IP_MULTICAST_LOOP};
    case option_id::multicast_interface:
        return v6 ? option_place{IPPROTO_IPV6, IPV6_MULTICAST_IF} : option_place{IPPROTO_IP, IP_MULTICAST_IF};
    case option_id::ttl:
        return v6 ? option_place{IPPROTO_IPV6, IPV6_UNICAST_HOPS} : option_place{IPPROTO_IP, IP_TTL};
    case option_id::tos: return v6 ? option_place{IPPROTO_IPV6, IPV6_TCLASS} : option_place{IPPROTO_IP, IP_TOS};
    }
    return {-1, 0};  // an option this system lacks (no level is negative; a name may be)
}

}  // namespace portsock::sys
