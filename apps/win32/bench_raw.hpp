// sockbench's raw reference on Windows: the policy of apps/bench_portsock.hpp
// written with Winsock 2 calls and no portsock at all (WSAStartup once,
// sockets not inherited, TCP_NODELAY, WSAPoll for readiness), so that
// `sockbench --raw` and `sockbench serve-raw` measure what the system itself
// costs. A failed non-blocking connect is never waited for here (connects
// are blocking), so WSAPoll's blind spot for it does not matter.
#pragma once

#include <winsock2.h>
#include <ws2tcpip.h>

#include <windows.h>

#include <cstdint>
#include <cstring>
#include <string>
#include <utility>

#include "bench_poll_table.hpp"

namespace bench {

struct raw_net {
    struct sock {
        SOCKET fd = INVALID_SOCKET;
        sock() = default;
        sock(sock&& other) noexcept : fd(other.fd) { other.fd = INVALID_SOCKET; }
        sock& operator=(sock&& other) noexcept {
            std::swap(fd, other.fd);
            return *this;
        }
        ~sock() {
            if (fd != INVALID_SOCKET) ::closesocket(fd);
        }
    };
    struct address {
        sockaddr_storage storage{};
        int size = 0;
    };

    // This thread's last failure, kept as a number and put into words only
    // when reported: a would-block on the data path costs a store.
    static int& last_code() {
        thread_local int code = 0;
        return code;
    }
    static std::string error_text() { return "Winsock error " + std::to_string(last_code()); }
    static void remember(int code) { last_code() = code; }
    static long result(int n) {
        if (n != SOCKET_ERROR) return n;
        const int code = ::WSAGetLastError();
        remember(code);
        return code == WSAEWOULDBLOCK ? -2 : -1;
    }
    static bool fail() {
        remember(::WSAGetLastError());
        return false;
    }
    static int clamp(std::size_t size) { return size > 0x7fffffff ? 0x7fffffff : static_cast<int>(size); }

    static bool started() {
        static const bool ok = [] {
            WSADATA data;
            return ::WSAStartup(MAKEWORD(2, 2), &data) == 0;
        }();
        return ok;
    }
    static SOCKET new_socket(int family, int type) {
        return ::WSASocketW(family, type, 0, nullptr, 0, WSA_FLAG_OVERLAPPED | WSA_FLAG_NO_HANDLE_INHERIT);
    }
    static void no_delay(SOCKET fd) {
        const BOOL on = TRUE;
        ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, reinterpret_cast<const char*>(&on), sizeof on);
    }

    static bool resolve(const std::string& host, int port, bool udp, address& out) {
        if (!started()) return fail();
        addrinfo hints{};
        hints.ai_socktype = udp ? SOCK_DGRAM : SOCK_STREAM;
        hints.ai_flags = AI_NUMERICSERV | (host.empty() ? AI_PASSIVE : 0);
        addrinfo* list = nullptr;
        const std::string service = std::to_string(port);
        const int rc = ::getaddrinfo(host.empty() ? nullptr : host.c_str(), service.c_str(), &hints, &list);
        if (rc != 0 || list == nullptr) {
            remember(rc);
            return false;
        }
        std::memcpy(&out.storage, list->ai_addr, list->ai_addrlen);
        out.size = static_cast<int>(list->ai_addrlen);
        ::freeaddrinfo(list);
        return true;
    }

    static bool connect(sock& s, const address& to) {
        s = sock();
        s.fd = new_socket(to.storage.ss_family, SOCK_STREAM);
        if (s.fd == INVALID_SOCKET) return fail();
        if (::connect(s.fd, reinterpret_cast<const sockaddr*>(&to.storage), to.size) == SOCKET_ERROR) return fail();
        no_delay(s.fd);
        return true;
    }

    static bool listen(sock& s, const address& at, bool udp, int& port) {
        s = sock();
        s.fd = new_socket(at.storage.ss_family, udp ? SOCK_DGRAM : SOCK_STREAM);
        if (s.fd == INVALID_SOCKET) return fail();
        const BOOL on = TRUE;
        ::setsockopt(s.fd, SOL_SOCKET, SO_EXCLUSIVEADDRUSE, reinterpret_cast<const char*>(&on), sizeof on);
        if (::bind(s.fd, reinterpret_cast<const sockaddr*>(&at.storage), at.size) == SOCKET_ERROR) return fail();
        if (!udp && ::listen(s.fd, 1024) == SOCKET_ERROR) return fail();
        set_nonblocking(s);
        address bound;
        bound.size = sizeof bound.storage;
        if (::getsockname(s.fd, reinterpret_cast<sockaddr*>(&bound.storage), &bound.size) == SOCKET_ERROR) return fail();
        // sin_port and sin6_port sit at the same offset, in network order.
        const auto* p = reinterpret_cast<const unsigned char*>(&reinterpret_cast<const sockaddr_in*>(&bound.storage)->sin_port);
        port = p[0] << 8 | p[1];
        return true;
    }

    static bool accept(sock& listener, sock& out) {
        const SOCKET fd = ::accept(listener.fd, nullptr, nullptr);
        if (fd == INVALID_SOCKET) return fail();
        out = sock();
        out.fd = fd;
        // Windows copies the listener's non-blocking mode: the accepted
        // socket starts blocking, as on POSIX.
        u_long off = 0;
        ::ioctlsocket(fd, static_cast<long>(FIONBIO), &off);  // the cast is the API's
        no_delay(fd);
        return true;
    }

    static bool open_udp(sock& s, const address& like) {
        s = sock();
        s.fd = new_socket(like.storage.ss_family, SOCK_DGRAM);
        return s.fd != INVALID_SOCKET || fail();
    }

    static void set_nonblocking(sock& s) {
        u_long on = 1;
        ::ioctlsocket(s.fd, static_cast<long>(FIONBIO), &on);
    }
    static void close(sock& s) { s = sock(); }
    static void shutdown_write(sock& s) { ::shutdown(s.fd, SD_SEND); }

    static long send(sock& s, const void* data, std::size_t size) {
        return result(::send(s.fd, static_cast<const char*>(data), clamp(size), 0));
    }
    static long recv(sock& s, void* buffer, std::size_t size) {
        return result(::recv(s.fd, static_cast<char*>(buffer), clamp(size), 0));
    }
    static long sendto(sock& s, const void* data, std::size_t size, const address& to) {
        return result(::sendto(s.fd, static_cast<const char*>(data), clamp(size), 0,
                               reinterpret_cast<const sockaddr*>(&to.storage), to.size));
    }
    static long recvfrom(sock& s, void* buffer, std::size_t size, address& from) {
        from.size = sizeof from.storage;
        return result(::recvfrom(s.fd, static_cast<char*>(buffer), clamp(size), 0,
                                 reinterpret_cast<sockaddr*>(&from.storage), &from.size));
    }

    // WSAPoll over a table of the registered sockets (bench_poll_table.hpp).
    struct poll_calls {
        using entry = WSAPOLLFD;
        static constexpr short readable = POLLRDNORM;
        static constexpr short writable = POLLWRNORM;
        static constexpr short failed = POLLERR | POLLHUP | POLLNVAL;
        static int poll(entry* fds, std::size_t count, int ms) {
            const int n = ::WSAPoll(fds, static_cast<ULONG>(count), ms);
            return n == SOCKET_ERROR ? -1 : n;
        }
    };
    using poller = poll_table<poll_calls>;
};

// The process's CPU time so far (user + kernel, every thread), in seconds.
// Not std::clock: the Microsoft C library's clock() is wall time.
inline double process_cpu_seconds() {
    FILETIME created, exited, kernel, user;
    if (!::GetProcessTimes(::GetCurrentProcess(), &created, &exited, &kernel, &user)) return 0;
    const auto ticks = [](const FILETIME& t) {  // 100 ns units
        return static_cast<double>((static_cast<std::uint64_t>(t.dwHighDateTime) << 32) | t.dwLowDateTime);
    };
    return (ticks(kernel) + ticks(user)) / 1e7;
}

}  // namespace bench
