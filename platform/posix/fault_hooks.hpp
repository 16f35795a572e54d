// The system calls the backend makes through the fault-injection seam
// (core/src/fault.hpp). PORTSOCK_SYS(name) (core/src/sys_support.hpp) is the call itself (`::name`)
// unless the build has PORTSOCK_FAULT_INJECTION, where it is the hook of the
// same name below: it asks the fault table, then fails the call (errno set
// from the std::errc value: on POSIX the two are the same numbers), shortens
// it, or makes it unchanged. The Windows backend has a file of the same name.
#pragma once

#if PORTSOCK_FAULT_INJECTION

#include "fault.hpp"

#include <poll.h>
#include <sys/socket.h>

#include <cerrno>
#include <climits>
#include <ctime>
#include <cstddef>

namespace portsock::sys::hook {

inline int fail_with(std::errc e) noexcept {
    errno = static_cast<int>(e);
    return -1;
}

inline std::size_t capped(std::size_t size, std::size_t limit) noexcept { return size < limit ? size : limit; }

inline int socket(int domain, int type, int proto) noexcept {
    const fault::decision d = fault::decide(fault::call::socket, -1);
    return fault::fails(d) ? fail_with(d.error) : ::socket(domain, type, proto);
}

inline int connect(int fd, const sockaddr* a, socklen_t size) noexcept {
    const fault::decision d = fault::decide(fault::call::connect, fd);
    if (!fault::fails(d)) return ::connect(fd, a, size);
    // Interrupted: the connect was started and goes on without the caller.
    if (d.error == std::errc::interrupted && ::connect(fd, a, size) < 0 && errno != EINPROGRESS) return -1;
    return fail_with(d.error);
}

inline int accept(int fd, sockaddr* a, socklen_t* size) noexcept {
    const fault::decision d = fault::decide(fault::call::accept, fd);
    return fault::fails(d) ? fail_with(d.error) : ::accept(fd, a, size);
}

#if PORTSOCK_HAVE_ACCEPT4
inline int accept4(int fd, sockaddr* a, socklen_t* size, int flags) noexcept {
    const fault::decision d = fault::decide(fault::call::accept, fd);
    return fault::fails(d) ? fail_with(d.error) : ::accept4(fd, a, size, flags);
}
#endif

inline ssize_t send(int fd, const void* data, std::size_t size, int flags) noexcept {
    const fault::decision d = fault::decide(fault::call::send, fd);
    return fault::fails(d) ? fail_with(d.error) : ::send(fd, data, capped(size, d.limit), flags);
}

inline ssize_t recv(int fd, void* buffer, std::size_t size, int flags) noexcept {
    const fault::decision d = fault::decide(fault::call::recv, fd);
    return fault::fails(d) ? fail_with(d.error) : ::recv(fd, buffer, capped(size, d.limit), flags);
}

inline ssize_t sendto(int fd, const void* data, std::size_t size, int flags, const sockaddr* to,
                      socklen_t to_size) noexcept {
    const fault::decision d = fault::decide(fault::call::sendto, fd);
    return fault::fails(d) ? fail_with(d.error)
                           : ::sendto(fd, data, capped(size, d.limit), flags, to, to_size);
}

// recvfrom is made with recvfrom(MSG_TRUNC) where the system reports a
// message's whole length, else with recvmsg (whose flags say MSG_TRUNC): a
// limit shortens the buffer of either for this call.
inline ssize_t recvfrom(int fd, void* buffer, std::size_t size, int flags, sockaddr* from,
                        socklen_t* from_size) noexcept {
    const fault::decision d = fault::decide(fault::call::recvfrom, fd);
    return fault::fails(d) ? fail_with(d.error)
                           : ::recvfrom(fd, buffer, capped(size, d.limit), flags, from, from_size);
}

inline ssize_t recvmsg(int fd, msghdr* m, int flags) noexcept {
    const fault::decision d = fault::decide(fault::call::recvfrom, fd);
    if (fault::fails(d)) return fail_with(d.error);
    if (m->msg_iovlen == 0) return ::recvmsg(fd, m, flags);
    const std::size_t size = m->msg_iov[0].iov_len;
    m->msg_iov[0].iov_len = capped(size, d.limit);
    const ssize_t n = ::recvmsg(fd, m, flags);
    m->msg_iov[0].iov_len = size;
    return n;
}

inline ssize_t sendmsg(int fd, const msghdr* m, int flags) noexcept {
    const fault::decision d = fault::decide(fault::call::sendto, fd);
    if (fault::fails(d)) return fail_with(d.error);
    if (m->msg_iovlen == 0) return ::sendmsg(fd, m, flags);
    msghdr shortened = *m;  // the first buffer cut to the limit, the rest dropped
    iovec first{m->msg_iov[0].iov_base, capped(m->msg_iov[0].iov_len, d.limit)};
    if (d.limit != fault::no_limit) {
        shortened.msg_iov = &first;
        shortened.msg_iovlen = 1;
    }
    return ::sendmsg(fd, &shortened, flags);
}

// The batches count as recvfrom / sendto calls: one decision per batch; a
// failure fails the batch, a limit caps the first datagram's buffer.
#if PORTSOCK_HAVE_RECVMMSG
inline int recvmmsg(int fd, mmsghdr* v, unsigned n, int flags, timespec* timeout) noexcept {
    const fault::decision d = fault::decide(fault::call::recvfrom, fd);
    if (fault::fails(d)) return fail_with(d.error);
    const std::size_t size = v[0].msg_hdr.msg_iov[0].iov_len;
    v[0].msg_hdr.msg_iov[0].iov_len = capped(size, d.limit);
    const int got = ::recvmmsg(fd, v, n, flags, timeout);
    v[0].msg_hdr.msg_iov[0].iov_len = size;
    return got;
}
#endif

#if PORTSOCK_HAVE_SENDMMSG
inline int sendmmsg(int fd, mmsghdr* v, unsigned n, int flags) noexcept {
    const fault::decision d = fault::decide(fault::call::sendto, fd);
    if (fault::fails(d)) return fail_with(d.error);
    const std::size_t size = v[0].msg_hdr.msg_iov[0].iov_len;
    v[0].msg_hdr.msg_iov[0].iov_len = capped(size, d.limit);
    const int sent = ::sendmmsg(fd, v, n, flags);
    v[0].msg_hdr.msg_iov[0].iov_len = size;
    return sent;
}
#endif

// A limit caps the wait (in milliseconds); with an error as well, the error
// is what a wait cut short by the limit returns (a signal arriving then).
inline int poll(pollfd* fds, nfds_t count, int timeout_ms) noexcept {
    const fault::decision d = fault::decide(fault::call::poll, count > 0 ? fds[0].fd : -1);
    if (fault::fails(d) && d.limit == fault::no_limit) return fail_with(d.error);
    const bool cut = d.limit <= static_cast<std::size_t>(INT_MAX) &&
                     (timeout_ms < 0 || static_cast<std::size_t>(timeout_ms) > d.limit);
    const int n = ::poll(fds, count, cut ? static_cast<int>(d.limit) : timeout_ms);
    if (n == 0 && cut && fault::fails(d)) return fail_with(d.error);
    return n;
}

}  // namespace portsock::sys::hook

#endif
