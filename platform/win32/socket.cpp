// The platform contract (core/src/sys.hpp) over Winsock 2. Read it beside
// platform/posix/socket.cpp: the same functions in the same order.
#include "address.hpp"
#include "flags.hpp"
#include "error.hpp"
#include "fault_hooks.hpp"
#include "sys.hpp"

#include <winsock2.h>
#include <iphlpapi.h>
#include <mstcpip.h>
#include <mswsock.h>
#include <windows.h>
#include <ws2tcpip.h>

#include <climits>
#include <cstring>

#ifndef SIO_UDP_CONNRESET
#define SIO_UDP_CONNRESET _WSAIOW(IOC_VENDOR, 12)
#endif
#ifndef WSA_FLAG_NO_HANDLE_INHERIT
#define WSA_FLAG_NO_HANDLE_INHERIT 0x80
#endif
// Keepalive's per-socket options, missing from MinGW-w64's headers: the
// values of the Windows SDK's ws2ipdef.h (TCP_KEEPIDLE is TCP_KEEPALIVE, 3),
// documented on "IPPROTO_TCP socket options" (learn.microsoft.com,
// windows/win32/winsock/ipproto-tcp-socket-options): TCP_KEEPCNT from
// Windows 10 1703, TCP_KEEPIDLE and TCP_KEEPINTVL from 1709, each in seconds
// (Go's internal/syscall/windows uses the same numbers).
#ifndef TCP_KEEPIDLE
#define TCP_KEEPIDLE 3
#endif
#ifndef TCP_KEEPCNT
#define TCP_KEEPCNT 16
#endif
#ifndef TCP_KEEPINTVL
#define TCP_KEEPINTVL 17
#endif

namespace portsock::sys {
namespace {

// Winsock lengths are int: larger buffers are sent or received in part.
int clamp(std::size_t size) noexcept {
    return size > static_cast<std::size_t>(INT_MAX) ? INT_MAX : static_cast<int>(size);
}

SOCKET native(handle h) noexcept { return static_cast<SOCKET>(h); }

std::error_code no_inherit(SOCKET s) noexcept {
    if (!::SetHandleInformation(reinterpret_cast<HANDLE>(s), HANDLE_FLAG_INHERIT, 0)) {
        return {static_cast<int>(::GetLastError()), winsock_category()};
    }
    return {};
}

}  // namespace

// Opening and closing -------------------------------------------------------

handle open(family f, type t, int proto, std::error_code& ec) noexcept {
    ec = ensure_started();
    if (ec) return invalid_native_handle;
    // Not inheritable from the start; overlapped so that completion ports
    // can be used with it.
    SOCKET s = PORTSOCK_SYS(WSASocketW)(native_family(f), native_type(t), proto, nullptr, 0,
                                        WSA_FLAG_OVERLAPPED | WSA_FLAG_NO_HANDLE_INHERIT);
    if (s == INVALID_SOCKET && ::WSAGetLastError() == WSAEINVAL) {
        // Systems before Windows 7 SP1 lack the flag: clear inheritance after.
        s = ::WSASocketW(native_family(f), native_type(t), proto, nullptr, 0, WSA_FLAG_OVERLAPPED);
        if (s != INVALID_SOCKET && (ec = no_inherit(s))) {
            ::closesocket(s);
            return invalid_native_handle;
        }
    }
    if (s == INVALID_SOCKET) {
        ec = last_error();
        return invalid_native_handle;
    }
    if (f == family::inet6) {
        // IPv6 sockets start dual-stack, as on Linux, macOS and the BSDs
        // (Windows' default is v6-only).
        DWORD v6_only = 0;
        ::setsockopt(s, IPPROTO_IPV6, IPV6_V6ONLY, reinterpret_cast<const char*>(&v6_only), sizeof v6_only);
    }
    if (t == type::dgram) {
        // An ICMP port-unreachable must not break the next recvfrom of an
        // unconnected UDP socket with WSAECONNRESET (POSIX never does that).
        BOOL report = FALSE;
        DWORD bytes = 0;
        ::WSAIoctl(s, SIO_UDP_CONNRESET, &report, sizeof report, nullptr, 0, &bytes, nullptr, nullptr);
    }
    ec.clear();
    return static_cast<handle>(s);
}

std::error_code close(handle h) noexcept {
    if (::closesocket(native(h)) == SOCKET_ERROR) return last_error();
    return {};
}

std::error_code set_nonblocking(handle h, bool on) noexcept {
    u_long mode = on ? 1 : 0;
    // FIONBIO is an unsigned constant for a long parameter: the cast is the API's.
    if (::ioctlsocket(native(h), static_cast<long>(FIONBIO), &mode) == SOCKET_ERROR) return last_error();
    return {};
}

namespace {

// The socket that WSADuplicateSocketW described for this process, as
// Python's dup and fromshare make it: overlapped, not inheritable.
handle from_protocol_info(WSAPROTOCOL_INFOW& info, std::error_code& ec) noexcept {
    const SOCKET s = ::WSASocketW(FROM_PROTOCOL_INFO, FROM_PROTOCOL_INFO, FROM_PROTOCOL_INFO, &info, 0,
                                  WSA_FLAG_OVERLAPPED | WSA_FLAG_NO_HANDLE_INHERIT);
    if (s == INVALID_SOCKET) {
        ec = last_error();
        return invalid_native_handle;
    }
    ec.clear();
    return static_cast<handle>(s);
}

}  // namespace

handle dup(handle h, std::error_code& ec) noexcept {
    WSAPROTOCOL_INFOW info{};
    if (::WSADuplicateSocketW(native(h), ::GetCurrentProcessId(), &info) == SOCKET_ERROR) {
        ec = last_error();
        return invalid_native_handle;
    }
    return from_protocol_info(info, ec);
}

std::error_code set_inheritable(handle h, bool on) noexcept {
    if (!::SetHandleInformation(reinterpret_cast<HANDLE>(native(h)), HANDLE_FLAG_INHERIT, on ? HANDLE_FLAG_INHERIT : 0)) {
        return {static_cast<int>(::GetLastError()), winsock_category()};
    }
    return {};
}

std::error_code get_inheritable(handle h, bool& on) noexcept {
    DWORD flags = 0;
    if (!::GetHandleInformation(reinterpret_cast<HANDLE>(native(h)), &flags)) {
        return {static_cast<int>(::GetLastError()), winsock_category()};
    }
    on = (flags & HANDLE_FLAG_INHERIT) != 0;
    return {};
}

std::error_code describe(handle h, family& f, type& t, int& proto) noexcept {
    if (const std::error_code ec = ensure_started()) return ec;
    WSAPROTOCOL_INFOW info{};
    int size = sizeof info;
    if (::getsockopt(native(h), SOL_SOCKET, SO_PROTOCOL_INFOW, reinterpret_cast<char*>(&info), &size) == SOCKET_ERROR) {
        return last_error();
    }
    f = from_native_family(info.iAddressFamily);
    t = from_native_type(info.iSocketType);
    if (f == family::unspec || t == type{}) {
        return std::make_error_code(std::errc::address_family_not_supported);
    }
    proto = info.iProtocol;
    return {};
}

std::error_code share(handle h, std::uint32_t process_id, std::string& out) {
    WSAPROTOCOL_INFOW info{};
    if (::WSADuplicateSocketW(native(h), process_id, &info) == SOCKET_ERROR) return last_error();
    out.assign(reinterpret_cast<const char*>(&info), sizeof info);
    return {};
}

handle fromshare(std::string_view data, family& f, type& t, int& proto, std::error_code& ec) noexcept {
    WSAPROTOCOL_INFOW info{};
    if (data.size() != sizeof info) {
        ec = error::bad_share_data;
        return invalid_native_handle;
    }
    ec = ensure_started();
    if (ec) return invalid_native_handle;
    std::memcpy(&info, data.data(), sizeof info);
    f = from_native_family(info.iAddressFamily);
    t = from_native_type(info.iSocketType);
    if (f == family::unspec || t == type{}) {
        ec = std::make_error_code(std::errc::address_family_not_supported);
        return invalid_native_handle;
    }
    proto = info.iProtocol;
    return from_protocol_info(info, ec);
}

// Connections ---------------------------------------------------------------

handle accept(handle h, endpoint& peer, bool listener_nonblocking, std::error_code& ec) noexcept {
    native_address a;
    SOCKET s;
    for (;;) {
        a.size = sizeof a.storage;
        s = PORTSOCK_SYS(accept)(native(h), a.get(), &a.size);
        if (s != INVALID_SOCKET) break;
        // A connection reset while queued is skipped (POSIX: ECONNABORTED).
        if (::WSAGetLastError() != WSAECONNRESET) {
            ec = last_error();
            return invalid_native_handle;
        }
    }
    // The accepted socket takes the listener's attributes, inheritance and
    // non-blocking mode included: make it a fresh, blocking, private socket.
    ec = no_inherit(s);
    if (!ec && listener_nonblocking) ec = set_nonblocking(static_cast<handle>(s), false);
    if (ec) {
        ::closesocket(s);
        return invalid_native_handle;
    }
    peer = from_native(a.get(), a.size);
    return static_cast<handle>(s);
}

std::error_code connect(handle h, const endpoint& address) noexcept {
    native_address a;
    if (std::error_code ec = to_native(address, a)) return ec;
    if (PORTSOCK_SYS(connect)(native(h), a.get(), a.size) == SOCKET_ERROR) return last_error();
    return {};
}

// Data ------------------------------------------------------------------------

std::size_t send(handle h, const void* data, std::size_t size, msg flags,
                 std::error_code& ec) noexcept {
    const int n = PORTSOCK_SYS(send)(native(h), static_cast<const char*>(data), clamp(size), native_flags(flags));
    if (n == SOCKET_ERROR) {
        ec = last_error();
        return 0;
    }
    clear_error(ec);
    return static_cast<std::size_t>(n);
}

std::size_t recv(handle h, void* buffer, std::size_t size, msg flags,
                 std::error_code& ec) noexcept {
    const int n = PORTSOCK_SYS(recv)(native(h), static_cast<char*>(buffer), clamp(size), native_flags(flags));
    if (n == SOCKET_ERROR) {
        ec = last_error();
        return 0;
    }
    clear_error(ec);
    return static_cast<std::size_t>(n);
}

std::size_t sendto(handle h, const void* data, std::size_t size, const endpoint& to, msg flags,
                   std::error_code& ec) noexcept {
    native_address a;
    ec = to_native(to, a);
    if (ec) return 0;
    const int n = PORTSOCK_SYS(sendto)(native(h), static_cast<const char*>(data), clamp(size),
                                       native_flags(flags), a.get(), a.size);
    if (n == SOCKET_ERROR) {
        ec = last_error();
        return 0;
    }
    clear_error(ec);
    return static_cast<std::size_t>(n);
}

std::size_t recvfrom(handle h, void* buffer, std::size_t size, endpoint* from, msg flags,
                     std::error_code& ec) noexcept {
    native_address a;
    a.storage.ss_family = AF_UNSPEC;  // a stream socket leaves the sender unfilled
    int n = PORTSOCK_SYS(recvfrom)(native(h), static_cast<char*>(buffer), clamp(size), native_flags(flags),
                                   from ? a.get() : nullptr, from ? &a.size : nullptr);
    if (n == SOCKET_ERROR) {
        ec = last_error();
        // WSAEMSGSIZE: the datagram was longer than the buffer, which holds
        // its first bytes (the POSIX backend reports MSG_TRUNC the same way).
        if (::WSAGetLastError() != WSAEMSGSIZE) return 0;
        n = clamp(size);
    } else {
        clear_error(ec);
    }
    if (from) *from = from_native(a.get(), a.size);
    return static_cast<std::size_t>(n);
}

// Waiting -------------------------------------------------------------------

// select, not WSAPoll: WSAPoll does not report a failed non-blocking connect
// on Windows 10 before 2004 (curl #8521, POCO #3248); select's exceptfds does.
std::error_code wait(handle h, direction dir, clock::time_point deadline) noexcept {
    for (;;) {
        fd_set ready{};
        ready.fd_count = 1;
        ready.fd_array[0] = native(h);
        fd_set failed = ready;
        timeval tv{};
        timeval* timeout = nullptr;
        if (deadline != clock::time_point::max()) {
            const auto left = deadline - clock::now();
            // WSAETIMEDOUT (== std::errc::timed_out): its message is in words, where
            // the C runtime's strerror has none for ETIMEDOUT ("Unknown error").
            if (left <= clock::duration::zero()) return error_from_native(WSAETIMEDOUT);
            auto us = std::chrono::ceil<std::chrono::microseconds>(left).count();
            if (us > 1000000000LL) us = 1000000000LL;  // a long wait goes in slices
            tv.tv_sec = static_cast<long>(us / 1000000);
            tv.tv_usec = static_cast<long>(us % 1000000);
            timeout = &tv;
        }
        const int n = PORTSOCK_SYS(select)(0, dir == direction::read ? &ready : nullptr,
                                           dir == direction::write ? &ready : nullptr, &failed, timeout);
        if (n == SOCKET_ERROR) return last_error();
        if (n > 0) return {};  // ready, or an error that the next call reports
    }
}

// Options set their own way --------------------------------------------------

namespace {
// A TCP option older Windows (and wine 8) lacks: refused with WSAENOPROTOOPT,
// reported as portsock's one error for what a system lacks.
std::error_code option_error() noexcept {
    return ::WSAGetLastError() == WSAENOPROTOOPT ? make_error_code(error::not_supported) : last_error();
}
std::error_code set_dword(handle h, int level, int name, DWORD value) noexcept {
    if (::setsockopt(native(h), level, name, reinterpret_cast<const char*>(&value), sizeof value) == SOCKET_ERROR) {
        return option_error();
    }
    return {};
}
std::error_code get_dword(handle h, int level, int name, DWORD& value) noexcept {
    value = 0;  // SO_KEEPALIVE fills one byte (a BOOLEAN) under wine
    int size = sizeof value;
    if (::getsockopt(native(h), level, name, reinterpret_cast<char*>(&value), &size) == SOCKET_ERROR) {
        return option_error();
    }
    return {};
}
}  // namespace

// Idle time and interval are set together by SIO_KEEPALIVE_VALS, in
// milliseconds, on every Windows and under wine: one cannot be set without
// the other (mio#1385, Go's net.KeepAliveConfig). It switches keepalive on
// as well. The count goes first through TCP_KEEPCNT (Windows 10 1703), so
// that where it is missing nothing has changed. SIO_KEEPALIVE_VALS cannot be
// read back: the times are read through TCP_KEEPIDLE and TCP_KEEPINTVL
// (Windows 10 1709), which wine 8 lacks (error::not_supported there).
std::error_code set_keepalive(handle h, const keepalive_settings& value) noexcept {
    if (!value.enabled) return set_dword(h, SOL_SOCKET, SO_KEEPALIVE, FALSE);
    constexpr long long most = 0xffffffffLL / 1000;  // milliseconds in a ULONG
    if (value.idle.count() > most || value.interval.count() > most) {
        return std::make_error_code(std::errc::invalid_argument);
    }
    if (value.count > 0) {
        if (std::error_code ec = set_dword(h, IPPROTO_TCP, TCP_KEEPCNT, static_cast<DWORD>(value.count))) return ec;
    }
    tcp_keepalive vals{};
    vals.onoff = 1;
    vals.keepalivetime = static_cast<ULONG>(value.idle.count() * 1000);
    vals.keepaliveinterval = static_cast<ULONG>(value.interval.count() * 1000);
    DWORD bytes = 0;
    if (::WSAIoctl(native(h), SIO_KEEPALIVE_VALS, &vals, sizeof vals, nullptr, 0, &bytes, nullptr, nullptr) ==
        SOCKET_ERROR) {
        return last_error();
    }
    return {};
}

std::error_code get_keepalive(handle h, keepalive_settings& value) noexcept {
    DWORD on = 0, idle = 0, interval = 0, count = 0;
    std::error_code ec = get_dword(h, SOL_SOCKET, SO_KEEPALIVE, on);
    if (!ec) ec = get_dword(h, IPPROTO_TCP, TCP_KEEPIDLE, idle);
    if (!ec) ec = get_dword(h, IPPROTO_TCP, TCP_KEEPINTVL, interval);
    if (!ec) ec = get_dword(h, IPPROTO_TCP, TCP_KEEPCNT, count);
    if (!ec) {
        value = {(on & 0xff) != 0, std::chrono::seconds(idle), std::chrono::seconds(interval), static_cast<int>(count)};
    }
    return ec;
}

// Windows has no binding to a device; IP_UNICAST_IF and IPV6_UNICAST_IF
// choose the interface a socket sends through (receiving is unchanged).
// "IPPROTO_IP socket options" (learn.microsoft.com): IP_UNICAST_IF takes the
// index "in network byte order"; "IPPROTO_IPV6 socket options":
// IPV6_UNICAST_IF takes it "in host byte order".
std::error_code bind_to_device(handle h, family f, std::string_view name) noexcept {
    DWORD index = 0;
    if (!name.empty()) {
        std::error_code ec;
        index = if_nametoindex(name, ec);
        if (ec) return ec;
    }
    return f == family::inet ? set_dword(h, IPPROTO_IP, IP_UNICAST_IF, ::htonl(index))
                             : set_dword(h, IPPROTO_IPV6, IPV6_UNICAST_IF, index);
}

std::error_code bound_device(handle h, family f, std::string& name) {
    DWORD index = 0;
    const std::error_code ec = f == family::inet ? get_dword(h, IPPROTO_IP, IP_UNICAST_IF, index)
                                                 : get_dword(h, IPPROTO_IPV6, IPV6_UNICAST_IF, index);
    if (ec) return ec;
    if (f == family::inet) index = ::ntohl(index);
    std::error_code name_ec;
    name = index == 0 ? std::string() : if_indextoname(index, name_ec);
    return name_ec;
}

// Pairs and limits ----------------------------------------------------------

// Windows has no socketpair: Unix-domain pairs are refused (the core makes
// IPv4/IPv6 pairs over loopback, and `family::unspec` falls back to those).
std::error_code socketpair(family, type, int, handle (&)[2]) noexcept {
    return {WSAEAFNOSUPPORT, winsock_category()};
}

// Windows sets no per-process limit on sockets (only memory limits them).
std::size_t raise_handle_limit(std::size_t wanted, std::error_code& ec) noexcept {
    ec.clear();
    return wanted;
}

}  // namespace portsock::sys
