// The Winsock calls the backend makes through the fault-injection seam
// (core/src/fault.hpp). Read it beside platform/posix/fault_hooks.hpp: the
// same hooks for the same calls. PORTSOCK_SYS(name) (core/src/sys_support.hpp) is the call itself
// (`::name`) unless the build has PORTSOCK_FAULT_INJECTION, where it is the
// hook of the same name below: it asks the fault table, then fails the call
// (WSASetLastError with the Winsock code of the std::errc value), shortens
// it, or makes it unchanged. Winsock calls are never interrupted by signals,
// so `interrupted` is only ever seen here when a test injects it.
#pragma once

#if PORTSOCK_FAULT_INJECTION

#include "fault.hpp"

#include <winsock2.h>
#include <mswsock.h>
#include <ws2tcpip.h>

#include <climits>
#include <cstddef>

namespace portsock::sys::hook {

// The Winsock code for an injected std::errc (the errors a test injects;
// error.cpp maps them back). Not a switch: MinGW's errc values may coincide.
inline int winsock_code(std::errc e) noexcept {
    if (e == std::errc::interrupted) return WSAEINTR;
    if (e == std::errc::operation_would_block || e == std::errc::resource_unavailable_try_again) return WSAEWOULDBLOCK;
    if (e == std::errc::connection_reset) return WSAECONNRESET;
    if (e == std::errc::broken_pipe) return WSAESHUTDOWN;
    if (e == std::errc::connection_aborted) return WSAECONNABORTED;
    if (e == std::errc::connection_refused) return WSAECONNREFUSED;
    if (e == std::errc::too_many_files_open || e == std::errc::too_many_files_open_in_system) return WSAEMFILE;
    if (e == std::errc::no_buffer_space || e == std::errc::not_enough_memory) return WSAENOBUFS;
    if (e == std::errc::timed_out) return WSAETIMEDOUT;
    if (e == std::errc::message_size) return WSAEMSGSIZE;
    if (e == std::errc::network_unreachable) return WSAENETUNREACH;
    if (e == std::errc::host_unreachable) return WSAEHOSTUNREACH;
    if (e == std::errc::network_down) return WSAENETDOWN;
    return WSAEINVAL;
}

inline int fail_with(std::errc e) noexcept {
    ::WSASetLastError(winsock_code(e));
    return SOCKET_ERROR;
}

inline native_handle_type handle_of(SOCKET s) noexcept { return static_cast<native_handle_type>(s); }

inline int capped(int size, std::size_t limit) noexcept {
    return static_cast<std::size_t>(size) < limit ? size : static_cast<int>(limit);
}

inline SOCKET WSASocketW(int af, int type, int proto, LPWSAPROTOCOL_INFOW info, GROUP group,
                         DWORD flags) noexcept {
    const fault::decision d = fault::decide(fault::call::socket, invalid_native_handle);
    if (!fault::fails(d)) return ::WSASocketW(af, type, proto, info, group, flags);
    fail_with(d.error);
    return INVALID_SOCKET;
}

inline int connect(SOCKET s, const sockaddr* a, int size) noexcept {
    const fault::decision d = fault::decide(fault::call::connect, handle_of(s));
    if (!fault::fails(d)) return ::connect(s, a, size);
    // Interrupted: the connect was started and goes on without the caller.
    if (d.error == std::errc::interrupted && ::connect(s, a, size) == SOCKET_ERROR &&
        ::WSAGetLastError() != WSAEWOULDBLOCK) {
        return SOCKET_ERROR;
    }
    return fail_with(d.error);
}

inline SOCKET accept(SOCKET s, sockaddr* a, int* size) noexcept {
    const fault::decision d = fault::decide(fault::call::accept, handle_of(s));
    if (!fault::fails(d)) return ::accept(s, a, size);
    fail_with(d.error);
    return INVALID_SOCKET;
}

inline int send(SOCKET s, const char* data, int size, int flags) noexcept {
    const fault::decision d = fault::decide(fault::call::send, handle_of(s));
    return fault::fails(d) ? fail_with(d.error) : ::send(s, data, capped(size, d.limit), flags);
}

inline int recv(SOCKET s, char* buffer, int size, int flags) noexcept {
    const fault::decision d = fault::decide(fault::call::recv, handle_of(s));
    return fault::fails(d) ? fail_with(d.error) : ::recv(s, buffer, capped(size, d.limit), flags);
}

inline int sendto(SOCKET s, const char* data, int size, int flags, const sockaddr* to, int to_size) noexcept {
    const fault::decision d = fault::decide(fault::call::sendto, handle_of(s));
    return fault::fails(d) ? fail_with(d.error) : ::sendto(s, data, capped(size, d.limit), flags, to, to_size);
}

inline int recvfrom(SOCKET s, char* buffer, int size, int flags, sockaddr* from, int* from_size) noexcept {
    const fault::decision d = fault::decide(fault::call::recvfrom, handle_of(s));
    return fault::fails(d) ? fail_with(d.error)
                           : ::recvfrom(s, buffer, capped(size, d.limit), flags, from, from_size);
}

// The message calls count as recvfrom / sendto calls, as on POSIX (stream
// or datagram alike): a failure fails the call, a limit caps the first buffer.
inline int WSASend(SOCKET s, WSABUF* bufs, DWORD count, DWORD* sent, DWORD flags, WSAOVERLAPPED* o,
                   LPWSAOVERLAPPED_COMPLETION_ROUTINE done) noexcept {
    const fault::decision d = fault::decide(fault::call::sendto, handle_of(s));
    if (fault::fails(d)) return fail_with(d.error);
    WSABUF first = count > 0 ? bufs[0] : WSABUF{};
    if (d.limit != fault::no_limit && count > 0) {
        first.len = static_cast<ULONG>(capped(static_cast<int>(first.len), d.limit));
        return ::WSASend(s, &first, 1, sent, flags, o, done);
    }
    return ::WSASend(s, bufs, count, sent, flags, o, done);
}

inline int WSASendMsg(SOCKET s, WSAMSG* m, DWORD flags, DWORD* sent, WSAOVERLAPPED* o,
                      LPWSAOVERLAPPED_COMPLETION_ROUTINE done) noexcept {
    const fault::decision d = fault::decide(fault::call::sendto, handle_of(s));
    if (fault::fails(d)) return fail_with(d.error);
    if (d.limit == fault::no_limit || m->dwBufferCount == 0) return ::WSASendMsg(s, m, flags, sent, o, done);
    WSAMSG shortened = *m;
    WSABUF first = m->lpBuffers[0];
    first.len = static_cast<ULONG>(capped(static_cast<int>(first.len), d.limit));
    shortened.lpBuffers = &first;
    shortened.dwBufferCount = 1;
    return ::WSASendMsg(s, &shortened, flags, sent, o, done);
}

inline int WSARecv(SOCKET s, WSABUF* bufs, DWORD count, DWORD* received, DWORD* flags, WSAOVERLAPPED* o,
                   LPWSAOVERLAPPED_COMPLETION_ROUTINE done) noexcept {
    const fault::decision d = fault::decide(fault::call::recvfrom, handle_of(s));
    if (fault::fails(d)) return fail_with(d.error);
    if (count == 0) return ::WSARecv(s, bufs, count, received, flags, o, done);
    const ULONG size = bufs[0].len;
    bufs[0].len = static_cast<ULONG>(capped(static_cast<int>(size), d.limit));
    const int rc = ::WSARecv(s, bufs, count, received, flags, o, done);
    bufs[0].len = size;
    return rc;
}

// WSARecvMsg is the provider's function pointer, so message.cpp calls this
// hook by name when the seam is built.
inline int WSARecvMsg(LPFN_WSARECVMSG f, SOCKET s, WSAMSG* m, DWORD* received) noexcept {
    const fault::decision d = fault::decide(fault::call::recvfrom, handle_of(s));
    if (fault::fails(d)) return fail_with(d.error);
    if (m->dwBufferCount == 0) return f(s, m, received, nullptr, nullptr);
    const ULONG size = m->lpBuffers[0].len;
    m->lpBuffers[0].len = static_cast<ULONG>(capped(static_cast<int>(size), d.limit));
    const int rc = f(s, m, received, nullptr, nullptr);
    m->lpBuffers[0].len = size;
    return rc;
}

// The readiness wait (select here, poll on POSIX): a limit caps the wait in
// milliseconds; with an error as well, a wait cut short by the limit fails.
inline int select(int count, fd_set* read, fd_set* write, fd_set* failed, timeval* timeout) noexcept {
    const fd_set* first = read ? read : write ? write : failed;
    const fault::decision d =
        fault::decide(fault::call::poll, first && first->fd_count > 0 ? handle_of(first->fd_array[0]) : invalid_native_handle);
    if (fault::fails(d) && d.limit == fault::no_limit) return fail_with(d.error);
    const long long asked_ms = timeout ? timeout->tv_sec * 1000LL + timeout->tv_usec / 1000 : -1;
    const bool cut = d.limit <= static_cast<std::size_t>(INT_MAX) &&
                     (asked_ms < 0 || static_cast<std::size_t>(asked_ms) > d.limit);
    timeval shorter{};
    shorter.tv_sec = static_cast<long>(d.limit / 1000);
    shorter.tv_usec = static_cast<long>(d.limit % 1000 * 1000);
    const int n = ::select(count, read, write, failed, cut ? &shorter : timeout);
    if (n == 0 && cut && fault::fails(d)) return fail_with(d.error);
    return n;
}

}  // namespace portsock::sys::hook

#endif
