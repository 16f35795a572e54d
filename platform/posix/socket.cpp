// The platform contract (core/src/sys.hpp) over BSD sockets: Linux, macOS,
// the BSDs and embedded Linux. Features are chosen by CMake's symbol checks
// (PORTSOCK_HAVE_*), never by the name of an operating system.
#include "address.hpp"
#include "flags.hpp"
#include "error.hpp"
#include "fault_hooks.hpp"
#include "sys.hpp"

#include <fcntl.h>
#include <net/if.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstring>

namespace portsock::sys {
namespace {

using os::send_flags;

std::error_code set_cloexec(int fd) noexcept {
    const int flags = ::fcntl(fd, F_GETFD);
    if (flags < 0 || ::fcntl(fd, F_SETFD, flags | FD_CLOEXEC) < 0) return last_error();
    return {};
}

// Everything a new handle needs beyond what the creating call could set
// atomically. Closes the handle on failure.
std::error_code prepare(int fd, bool cloexec_done) noexcept {
    std::error_code ec;
    if (!cloexec_done) ec = set_cloexec(fd);
#if PORTSOCK_HAVE_SO_NOSIGPIPE
    const int on = 1;
    if (!ec && ::setsockopt(fd, SOL_SOCKET, SO_NOSIGPIPE, &on, sizeof on) < 0) ec = last_error();
#endif
    if (ec) ::close(fd);
    return ec;
}

// One data transfer call, retried while a signal interrupts it. The first
// attempt is the whole common path; a failure goes out of line, so that the
// common path keeps no registers for a retry (the call's arguments live in
// `call`, passed by reference).
template <class Call>
PORTSOCK_OUT_OF_LINE std::size_t transfer_failed(std::error_code& ec, const Call& call) noexcept {
    while (errno == EINTR) {
        const ssize_t n = call();
        if (n >= 0) {
            clear_error(ec);
            return static_cast<std::size_t>(n);
        }
    }
    ec = last_error();
    return 0;
}

template <class Call>
std::size_t transfer(std::error_code& ec, const Call& call) noexcept {
    const ssize_t n = call();
    if (n < 0) return transfer_failed(ec, call);
    clear_error(ec);
    return static_cast<std::size_t>(n);
}

#if PORTSOCK_HAVE_SOCK_CLOEXEC
constexpr int cloexec_type = SOCK_CLOEXEC;
#else
constexpr int cloexec_type = 0;
#endif

}  // namespace

// Opening and closing -------------------------------------------------------

handle open(family f, type t, int proto, std::error_code& ec) noexcept {
    const int fd = PORTSOCK_SYS(socket)(native_family(f), native_type(t) | cloexec_type, proto);
    if (fd < 0) {
        ec = last_error();
        return invalid_native_handle;
    }
    ec = prepare(fd, cloexec_type != 0);
    return ec ? invalid_native_handle : fd;
}

std::error_code close(handle h) noexcept {
    // Never retried: after EINTR the descriptor is already released on Linux,
    // and retrying could close a descriptor another thread just opened.
    if (::close(h) < 0 && errno != EINTR) return last_error();
    return {};
}

std::error_code set_nonblocking(handle h, bool on) noexcept {
    const int flags = ::fcntl(h, F_GETFL);
    if (flags < 0) return last_error();
    const int wanted = on ? flags | O_NONBLOCK : flags & ~O_NONBLOCK;
    if (wanted != flags && ::fcntl(h, F_SETFL, wanted) < 0) return last_error();
    return {};
}

handle dup(handle h, std::error_code& ec) noexcept {
    const int fd = ::fcntl(h, F_DUPFD_CLOEXEC, 0);
    if (fd < 0) {
        ec = last_error();
        return invalid_native_handle;
    }
    clear_error(ec);
    return fd;
}

std::error_code set_inheritable(handle h, bool on) noexcept {
    const int flags = ::fcntl(h, F_GETFD);
    if (flags < 0) return last_error();
    const int wanted = on ? flags & ~FD_CLOEXEC : flags | FD_CLOEXEC;
    if (wanted != flags && ::fcntl(h, F_SETFD, wanted) < 0) return last_error();
    return {};
}

std::error_code get_inheritable(handle h, bool& on) noexcept {
    const int flags = ::fcntl(h, F_GETFD);
    if (flags < 0) return last_error();
    on = (flags & FD_CLOEXEC) == 0;
    return {};
}

std::error_code describe(handle h, family& f, type& t, int& proto) noexcept {
    int native_t = 0;
    socklen_t size = sizeof native_t;
    if (::getsockopt(h, SOL_SOCKET, SO_TYPE, &native_t, &size) < 0) return last_error();
    // The family from the socket's own address (SO_DOMAIN is Linux's only).
    sockaddr_storage a{};
    socklen_t a_size = sizeof a;
    if (::getsockname(h, reinterpret_cast<sockaddr*>(&a), &a_size) < 0) return last_error();
    f = from_native_family(a.ss_family);
    t = from_native_type(native_t);
    if (f == family::unspec || t == type{}) {
        return std::make_error_code(std::errc::address_family_not_supported);
    }
    proto = 0;
#ifdef SO_PROTOCOL
    size = sizeof proto;
    if (::getsockopt(h, SOL_SOCKET, SO_PROTOCOL, &proto, &size) < 0) proto = 0;
#endif
    return {};
}

// No POSIX call hands a socket to a process by its id: children inherit
// descriptors (set_inheritable), and unrelated processes pass them over a
// Unix socket (SCM_RIGHTS).
std::error_code share(handle, std::uint32_t, std::string&) { return error::not_supported; }

handle fromshare(std::string_view, family&, type&, int&, std::error_code& ec) noexcept {
    ec = error::not_supported;
    return invalid_native_handle;
}

// Connections ---------------------------------------------------------------

handle accept(handle h, endpoint& peer, bool listener_nonblocking, std::error_code& ec) noexcept {
    native_address a;
    int fd;
    for (;;) {
        a.size = sizeof a.storage;
#if PORTSOCK_HAVE_ACCEPT4
        // accept4 sets close-on-exec atomically, and the new descriptor is
        // blocking whatever the listener's mode.
        fd = PORTSOCK_SYS(accept4)(h, a.get(), &a.size, SOCK_CLOEXEC);
#else
        fd = PORTSOCK_SYS(accept)(h, a.get(), &a.size);
#endif
        if (fd >= 0) break;
        // A connection that was reset while queued is skipped, as is an
        // interruption (POSIX accept(2): ECONNABORTED).
        if (errno != EINTR && errno != ECONNABORTED) {
            ec = last_error();
            return invalid_native_handle;
        }
    }
#if PORTSOCK_HAVE_ACCEPT4
    (void)listener_nonblocking;
    clear_error(ec);
#else
    // BSD-derived systems pass O_NONBLOCK (and SO_NOSIGPIPE, which is a
    // socket option copied from the listener) on to the accepted socket.
    ec = set_cloexec(fd);
    if (!ec && listener_nonblocking) ec = set_nonblocking(fd, false);
    if (ec) {
        ::close(fd);
        return invalid_native_handle;
    }
#endif
    peer = from_native(a.get(), a.size);
    return fd;
}

std::error_code connect(handle h, const endpoint& address) noexcept {
    native_address a;
    if (std::error_code ec = to_native(address, a)) return ec;
    if (PORTSOCK_SYS(connect)(h, a.get(), a.size) == 0) return {};
    if (errno != EINTR) return last_error();
    // An interrupted connect goes on in the background: calling connect again
    // would fail with EALREADY. Wait for it to finish and read its outcome.
    std::error_code ec = wait(h, direction::write, clock::time_point::max());
    return ec ? ec : connect_result(h);
}

// Data ------------------------------------------------------------------------

std::size_t send(handle h, const void* data, std::size_t size, msg flags,
                 std::error_code& ec) noexcept {
    const int native = native_flags(flags) | send_flags;
    return transfer(ec, [=] { return PORTSOCK_SYS(send)(h, data, size, native); });
}

std::size_t recv(handle h, void* buffer, std::size_t size, msg flags,
                 std::error_code& ec) noexcept {
    const int native = native_flags(flags);
    return transfer(ec, [=] { return PORTSOCK_SYS(recv)(h, buffer, size, native); });
}

std::size_t sendto(handle h, const void* data, std::size_t size, const endpoint& to, msg flags,
                   std::error_code& ec) noexcept {
    native_address a;
    ec = to_native(to, a);
    if (ec) return 0;
    const int native = native_flags(flags) | send_flags;
    return transfer(ec, [&] { return PORTSOCK_SYS(sendto)(h, data, size, native, a.get(), a.size); });
}

namespace {

// recvfrom(MSG_TRUNC) returns a datagram's whole length on Linux (UDP since
// 2.6.8, Unix datagrams since 3.4: recv(2)); elsewhere the flag may be
// ignored. Asked once, of a Unix datagram pair. Where it works, truncation
// is seen without recvmsg, whose msghdr the kernel copies in and out: about
// 150 ns more per datagram on the project's machine (sendto + recvfrom
// 4.4 us, + recvmsg 4.6 us).
bool trunc_reports_whole_length() noexcept {
    static const bool yes = [] {
        int fds[2];
        if (::socketpair(AF_UNIX, SOCK_DGRAM | cloexec_type, 0, fds) < 0) return false;
        char in = 0;
        const bool whole = ::send(fds[0], "ab", 2, 0) == 2 && ::recv(fds[1], &in, 1, MSG_TRUNC | MSG_DONTWAIT) == 2;
        ::close(fds[0]);
        ::close(fds[1]);
        return whole;
    }();
    return yes;
}

// The portable way: recvmsg, whose msg_flags say MSG_TRUNC.
PORTSOCK_OUT_OF_LINE std::size_t recvfrom_by_recvmsg(handle h, void* buffer, std::size_t size, endpoint* from,
                                                     int native, std::error_code& ec) noexcept {
    native_address a;
    a.storage.ss_family = AF_UNSPEC;
    iovec io{buffer, size};
    msghdr m{};
    m.msg_name = from ? a.get() : nullptr;
    m.msg_namelen = from ? a.size : 0;
    m.msg_iov = &io;
    m.msg_iovlen = 1;
    const std::size_t n = transfer(ec, [&] { return PORTSOCK_SYS(recvmsg)(h, &m, native); });
    if (ec) return 0;
    if (from) *from = from_native(a.get(), m.msg_namelen);
    // A datagram longer than the buffer: reported as Windows does
    // (WSAEMSGSIZE), with the buffer filled.
    if ((m.msg_flags & MSG_TRUNC) != 0) ec = std::make_error_code(std::errc::message_size);
    return n;
}

}  // namespace

std::size_t recvfrom(handle h, void* buffer, std::size_t size, endpoint* from, msg flags,
                     std::error_code& ec) noexcept {
    const int native = native_flags(flags);
    if (!trunc_reports_whole_length()) return recvfrom_by_recvmsg(h, buffer, size, from, native, ec);
    native_address a;
    a.storage.ss_family = AF_UNSPEC;
    const std::size_t n = transfer(ec, [&] {
        return PORTSOCK_SYS(recvfrom)(h, buffer, size, native | MSG_TRUNC, from ? a.get() : nullptr,
                                      from ? &a.size : nullptr);
    });
    if (ec) return 0;
    if (from) *from = from_native(a.get(), a.size);
    if (n <= size) return n;
    // Longer than the buffer: filled, and reported as Windows does (WSAEMSGSIZE).
    ec = std::make_error_code(std::errc::message_size);
    return size;
}

// Waiting -------------------------------------------------------------------

std::error_code wait(handle h, direction dir, clock::time_point deadline) noexcept {
    pollfd p{};
    p.fd = h;
    p.events = dir == direction::read ? POLLIN : POLLOUT;
    for (;;) {
        std::int64_t left_ns = -1;
        if (deadline != clock::time_point::max()) {
            const auto left = deadline - clock::now();
            if (left <= clock::duration::zero()) return std::make_error_code(std::errc::timed_out);
            left_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(left).count();
        }
        // Rounded up, so that the poll never returns before the deadline, and
        // clamped to what poll takes (a long timeout is waited in slices).
        const int timeout_ms = to_milliseconds(left_ns);
        const int n = PORTSOCK_SYS(poll)(&p, 1, timeout_ms);
        if (n > 0) {
            if ((p.revents & POLLNVAL) != 0) return std::make_error_code(std::errc::bad_file_descriptor);
            return {};  // ready, or an error / hang-up that the next call reports
        }
        if (n < 0 && errno != EINTR) return last_error();
    }
}

// Options set their own way --------------------------------------------------

// The keepalive timing options, by what the headers define: TCP_KEEPIDLE
// (Linux, the BSDs; macOS spells it TCP_KEEPALIVE), TCP_KEEPINTVL and
// TCP_KEEPCNT (macOS 10.8 and later). A system without them (OpenBSD sets
// the times system-wide only) has no keepalive tuning.
#if defined(TCP_KEEPIDLE)
#define PORTSOCK_KEEPIDLE TCP_KEEPIDLE
#elif defined(TCP_KEEPALIVE)
#define PORTSOCK_KEEPIDLE TCP_KEEPALIVE
#endif
#if defined(PORTSOCK_KEEPIDLE) && defined(TCP_KEEPINTVL) && defined(TCP_KEEPCNT)
#define PORTSOCK_KEEPALIVE_TUNING 1
#else
#define PORTSOCK_KEEPALIVE_TUNING 0
#endif

namespace {
std::error_code set_int(handle h, int level, int name, int value) noexcept {
    return set_raw_option(h, level, name, &value, sizeof value);
}
std::error_code get_int(handle h, int level, int name, int& value) noexcept {
    value = 0;
    std::size_t size = sizeof value;
    return get_raw_option(h, level, name, &value, size);
}
}  // namespace

std::error_code set_keepalive(handle h, const keepalive_settings& value) noexcept {
#if PORTSOCK_KEEPALIVE_TUNING
    if (!value.enabled) return set_int(h, SOL_SOCKET, SO_KEEPALIVE, 0);
    // The times first: a refused value leaves keepalive as it was.
    std::error_code ec = set_int(h, IPPROTO_TCP, PORTSOCK_KEEPIDLE, static_cast<int>(value.idle.count()));
    if (!ec) ec = set_int(h, IPPROTO_TCP, TCP_KEEPINTVL, static_cast<int>(value.interval.count()));
    if (!ec && value.count > 0) ec = set_int(h, IPPROTO_TCP, TCP_KEEPCNT, value.count);
    if (!ec) ec = set_int(h, SOL_SOCKET, SO_KEEPALIVE, 1);
    return ec;
#else
    (void)h;
    (void)value;
    return make_error_code(error::not_supported);
#endif
}

std::error_code get_keepalive(handle h, keepalive_settings& value) noexcept {
#if PORTSOCK_KEEPALIVE_TUNING
    int on = 0, idle = 0, interval = 0, count = 0;
    std::error_code ec = get_int(h, SOL_SOCKET, SO_KEEPALIVE, on);
    if (!ec) ec = get_int(h, IPPROTO_TCP, PORTSOCK_KEEPIDLE, idle);
    if (!ec) ec = get_int(h, IPPROTO_TCP, TCP_KEEPINTVL, interval);
    if (!ec) ec = get_int(h, IPPROTO_TCP, TCP_KEEPCNT, count);
    if (!ec) value = {on != 0, std::chrono::seconds(idle), std::chrono::seconds(interval), count};
    return ec;
#else
    (void)h;
    (void)value;
    return make_error_code(error::not_supported);
#endif
}

// Linux binds by name (SO_BINDTODEVICE: the socket sends and receives
// through that interface only; CAP_NET_RAW is needed before Linux 5.7, and
// to change a binding). macOS binds by index (IP_BOUND_IF, IPV6_BOUND_IF,
// <netinet/in.h>: not built or run here, the hosted macOS job runs it).
std::error_code bind_to_device(handle h, family f, std::string_view name) noexcept {
#if defined(SO_BINDTODEVICE)
    (void)f;
    // Linux cuts a longer name short silently: refuse it instead.
    char text[IFNAMSIZ] = {};
    if (name.size() >= sizeof text) return std::make_error_code(std::errc::no_such_device);
    std::memcpy(text, name.data(), name.size());
    return set_raw_option(h, SOL_SOCKET, SO_BINDTODEVICE, text, name.size());
#elif defined(IP_BOUND_IF)
    int index = 0;
    if (!name.empty()) {
        std::error_code ec;
        index = static_cast<int>(if_nametoindex(name, ec));
        if (ec) return ec;
    }
    if (f == family::inet) return set_int(h, IPPROTO_IP, IP_BOUND_IF, index);
#if defined(IPV6_BOUND_IF)
    return set_int(h, IPPROTO_IPV6, IPV6_BOUND_IF, index);
#else
    return make_error_code(error::not_supported);
#endif
#else
    (void)h;
    (void)f;
    (void)name;
    return make_error_code(error::not_supported);
#endif
}

std::error_code bound_device(handle h, family f, std::string& name) {
#if defined(SO_BINDTODEVICE)
    (void)f;
    char text[IFNAMSIZ + 1] = {};
    std::size_t size = IFNAMSIZ;
    if (std::error_code ec = get_raw_option(h, SOL_SOCKET, SO_BINDTODEVICE, text, size)) return ec;
    name.assign(text, ::strnlen(text, size));
    return {};
#elif defined(IP_BOUND_IF)
    int index = 0;
#if defined(IPV6_BOUND_IF)
    std::error_code ec = f == family::inet ? get_int(h, IPPROTO_IP, IP_BOUND_IF, index)
                                           : get_int(h, IPPROTO_IPV6, IPV6_BOUND_IF, index);
#else
    if (f != family::inet) return make_error_code(error::not_supported);
    std::error_code ec = get_int(h, IPPROTO_IP, IP_BOUND_IF, index);
#endif
    if (ec) return ec;
    name = index == 0 ? std::string() : if_indextoname(static_cast<std::uint32_t>(index), ec);
    return ec;
#else
    (void)h;
    (void)f;
    (void)name;
    return make_error_code(error::not_supported);
#endif
}

// Pairs and limits ----------------------------------------------------------

std::error_code socketpair(family f, type t, int proto, handle (&out)[2]) noexcept {
    int fds[2];
    if (::socketpair(native_family(f), native_type(t) | cloexec_type, proto, fds) < 0) {
        return last_error();
    }
    std::error_code ec = prepare(fds[0], cloexec_type != 0);
    if (ec) {
        ::close(fds[1]);
        return ec;
    }
    ec = prepare(fds[1], cloexec_type != 0);
    if (ec) {
        ::close(fds[0]);
        return ec;
    }
    out[0] = fds[0];
    out[1] = fds[1];
    return {};
}

std::size_t raise_handle_limit(std::size_t wanted, std::error_code& ec) noexcept {
    rlimit limit{};
    if (::getrlimit(RLIMIT_NOFILE, &limit) < 0) {
        ec = last_error();
        return 0;
    }
    ec.clear();
    if (limit.rlim_cur != RLIM_INFINITY && limit.rlim_cur < wanted) {
        rlim_t target = static_cast<rlim_t>(wanted);
        if (limit.rlim_max != RLIM_INFINITY && target > limit.rlim_max) target = limit.rlim_max;
#ifdef OPEN_MAX
        if (target > OPEN_MAX) target = OPEN_MAX;  // macOS refuses more than OPEN_MAX
#endif
        rlimit raised = limit;
        raised.rlim_cur = target;
        if (::setrlimit(RLIMIT_NOFILE, &raised) < 0) {
            ec = last_error();
        } else {
            limit.rlim_cur = target;
        }
    }
    return limit.rlim_cur == RLIM_INFINITY ? SIZE_MAX : static_cast<std::size_t>(limit.rlim_cur);
}

}  // namespace portsock::sys
