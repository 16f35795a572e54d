// sockbench's raw reference: the policy of apps/bench_portsock.hpp written
// with BSD socket calls and no portsock at all, as a careful C programmer
// would (close-on-exec, MSG_NOSIGNAL, TCP_NODELAY, epoll where the system
// has it, else poll), so that `sockbench --raw` and `sockbench serve-raw`
// measure what the system itself costs.
#pragma once

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>
#if __has_include(<sys/epoll.h>)
#include <sys/epoll.h>
#define PORTSOCK_BENCH_EPOLL 1
#else
#include <poll.h>
#define PORTSOCK_BENCH_EPOLL 0

#include "bench_poll_table.hpp"
#endif

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <string>
#include <utility>

namespace portsock {
class poller;
}

namespace bench {

struct raw_net {
    struct sock {
        int fd = -1;
        sock() = default;
        sock(sock&& other) noexcept : fd(other.fd) { other.fd = -1; }
        sock& operator=(sock&& other) noexcept {
            std::swap(fd, other.fd);
            return *this;
        }
        ~sock() {
            if (fd >= 0) ::close(fd);
        }
    };
    struct address {
        sockaddr_storage storage{};
        socklen_t size = 0;
    };

#ifdef MSG_NOSIGNAL
    static constexpr int nosignal = MSG_NOSIGNAL;
#else
    static constexpr int nosignal = 0;
#endif

    // This thread's last failure, kept as a number and put into words only
    // when reported, as a C program keeps errno: a would-block on the data
    // path costs a store, not a strerror.
    struct failure {
        int code = 0;
        bool resolver = false;  // a getaddrinfo code rather than an errno
    };
    static failure& last() {
        thread_local failure f;
        return f;
    }
    static std::string error_text() {
        return last().resolver ? ::gai_strerror(last().code) : std::strerror(last().code);
    }
    static long result(ssize_t n) {
        if (n >= 0) return static_cast<long>(n);
        last() = {errno, false};
        return errno == EAGAIN || errno == EWOULDBLOCK ? -2 : -1;
    }
    static bool fail() {
        last() = {errno, false};
        return false;
    }

    static int new_socket(int family, int type) {
#ifdef SOCK_CLOEXEC
        return ::socket(family, type | SOCK_CLOEXEC, 0);
#else
        const int fd = ::socket(family, type, 0);
        if (fd >= 0) ::fcntl(fd, F_SETFD, FD_CLOEXEC);
        return fd;
#endif
    }
    static void no_sigpipe(int fd) {
#ifdef SO_NOSIGPIPE
        const int on = 1;
        ::setsockopt(fd, SOL_SOCKET, SO_NOSIGPIPE, &on, sizeof on);
#else
        (void)fd;
#endif
    }
    static void no_delay(int fd) {
        const int on = 1;
        ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
    }

    static bool resolve(const std::string& host, int port, bool udp, address& out) {
        addrinfo hints{};
        hints.ai_socktype = udp ? SOCK_DGRAM : SOCK_STREAM;
        hints.ai_flags = AI_NUMERICSERV | (host.empty() ? AI_PASSIVE : 0);
        addrinfo* list = nullptr;
        const std::string service = std::to_string(port);
        const int rc = ::getaddrinfo(host.empty() ? nullptr : host.c_str(), service.c_str(), &hints, &list);
        if (rc != 0 || list == nullptr) {
            last() = {rc, true};
            return false;
        }
        std::memcpy(&out.storage, list->ai_addr, list->ai_addrlen);
        out.size = list->ai_addrlen;
        ::freeaddrinfo(list);
        return true;
    }

    static bool connect(sock& s, const address& to) {
        s = sock();
        s.fd = new_socket(to.storage.ss_family, SOCK_STREAM);
        if (s.fd < 0) return fail();
        no_sigpipe(s.fd);
        while (::connect(s.fd, reinterpret_cast<const sockaddr*>(&to.storage), to.size) < 0) {
            if (errno != EINTR) return fail();
        }
        no_delay(s.fd);
        return true;
    }

    static bool listen(sock& s, const address& at, bool udp, int& port) {
        s = sock();
        s.fd = new_socket(at.storage.ss_family, udp ? SOCK_DGRAM : SOCK_STREAM);
        if (s.fd < 0) return fail();
        const int on = 1;
        ::setsockopt(s.fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
        if (::bind(s.fd, reinterpret_cast<const sockaddr*>(&at.storage), at.size) < 0) return fail();
        if (!udp && ::listen(s.fd, 1024) < 0) return fail();
        set_nonblocking(s);
        address bound;
        bound.size = sizeof bound.storage;
        if (::getsockname(s.fd, reinterpret_cast<sockaddr*>(&bound.storage), &bound.size) < 0) return fail();
        // sin_port and sin6_port sit at the same offset, in network order.
        const auto* p = reinterpret_cast<const unsigned char*>(&reinterpret_cast<const sockaddr_in*>(&bound.storage)->sin_port);
        port = p[0] << 8 | p[1];
        return true;
    }

    static bool accept(sock& listener, sock& out) {
#if defined(SOCK_CLOEXEC) && defined(__GLIBC__)
        const int fd = ::accept4(listener.fd, nullptr, nullptr, SOCK_CLOEXEC);
#else
        const int fd = ::accept(listener.fd, nullptr, nullptr);
        if (fd >= 0) ::fcntl(fd, F_SETFD, FD_CLOEXEC);
#endif
        if (fd < 0) return fail();
        out = sock();
        out.fd = fd;
        no_sigpipe(fd);
        no_delay(fd);
        return true;
    }

    static bool open_udp(sock& s, const address& like) {
        s = sock();
        s.fd = new_socket(like.storage.ss_family, SOCK_DGRAM);
        if (s.fd < 0) return fail();
        return true;
    }

    static void set_nonblocking(sock& s) { ::fcntl(s.fd, F_SETFL, ::fcntl(s.fd, F_GETFL) | O_NONBLOCK); }
    static void close(sock& s) { s = sock(); }
    static void shutdown_write(sock& s) { ::shutdown(s.fd, SHUT_WR); }

    static long send(sock& s, const void* data, std::size_t size) {
        ssize_t n;
        do n = ::send(s.fd, data, size, nosignal);
        while (n < 0 && errno == EINTR);
        return result(n);
    }
    static long recv(sock& s, void* buffer, std::size_t size) {
        ssize_t n;
        do n = ::recv(s.fd, buffer, size, 0);
        while (n < 0 && errno == EINTR);
        return result(n);
    }
    static long sendto(sock& s, const void* data, std::size_t size, const address& to) {
        ssize_t n;
        do n = ::sendto(s.fd, data, size, nosignal, reinterpret_cast<const sockaddr*>(&to.storage), to.size);
        while (n < 0 && errno == EINTR);
        return result(n);
    }
    static long recvfrom(sock& s, void* buffer, std::size_t size, address& from) {
        ssize_t n;
        do {
            from.size = sizeof from.storage;
            n = ::recvfrom(s.fd, buffer, size, 0, reinterpret_cast<sockaddr*>(&from.storage), &from.size);
        } while (n < 0 && errno == EINTR);
        return result(n);
    }

#if PORTSOCK_BENCH_EPOLL
    class poller {
    public:
        ~poller() {
            if (fd_ >= 0) ::close(fd_);
        }
        bool open() {
            fd_ = ::epoll_create1(EPOLL_CLOEXEC);
            return fd_ >= 0 || fail();
        }
        bool add(sock& s, bool read, bool write, std::uint64_t tag) { return control(EPOLL_CTL_ADD, s, read, write, tag); }
        bool modify(sock& s, bool read, bool write, std::uint64_t tag) { return control(EPOLL_CTL_MOD, s, read, write, tag); }
        void remove(sock& s) { ::epoll_ctl(fd_, EPOLL_CTL_DEL, s.fd, nullptr); }
        // No wake-up pipe here: a wait without a limit looks at the stop flag
        // every 250 ms (epoll_wait costs the same whatever its timeout).
        portsock::poller* wakeable() { return nullptr; }
        int wait(int ms) {
            const int n = ::epoll_wait(fd_, ready_, 256, ms < 0 ? 250 : ms);
            return n < 0 && errno == EINTR ? 0 : n;
        }
        std::uint64_t tag(int k) const { return ready_[k].data.u64; }
        bool readable(int k) const { return (ready_[k].events & EPOLLIN) != 0; }
        bool writable(int k) const { return (ready_[k].events & EPOLLOUT) != 0; }
        bool failed(int k) const { return (ready_[k].events & (EPOLLERR | EPOLLHUP)) != 0; }

    private:
        bool control(int op, sock& s, bool read, bool write, std::uint64_t tag) {
            epoll_event e{};
            e.events = (read ? EPOLLIN : 0u) | (write ? EPOLLOUT : 0u);
            e.data.u64 = tag;
            return ::epoll_ctl(fd_, op, s.fd, &e) == 0 || fail();
        }
        int fd_ = -1;
        epoll_event ready_[256];
    };
#else
    // poll() over a table of the registered descriptors (bench_poll_table.hpp).
    struct poll_calls {
        using entry = pollfd;
        static constexpr short readable = POLLIN;
        static constexpr short writable = POLLOUT;
        static constexpr short failed = POLLERR | POLLHUP | POLLNVAL;
        static int poll(entry* fds, std::size_t count, int ms) {
            const int n = ::poll(fds, static_cast<nfds_t>(count), ms);
            return n < 0 && errno == EINTR ? 0 : n;
        }
    };
    using poller = poll_table<poll_calls>;
#endif
};

// The process's CPU time so far (user + system, every thread), in seconds.
inline double process_cpu_seconds() {
    rusage u{};
    ::getrusage(RUSAGE_SELF, &u);
    return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
           static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

}  // namespace bench
