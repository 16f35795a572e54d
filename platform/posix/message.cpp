// Messages over BSD sockets: sendmsg / recvmsg with scatter/gather and
// control data, SCM_RIGHTS, and packet info (core/src/sys.hpp's "Messages"
// block). The CMSG_* macros are used here only; platform/common/cmsg.hpp
// walks and writes by the numbers they give.
#include "address.hpp"
#include "cmsg.hpp"
#include "error.hpp"
#include "fault_hooks.hpp"
#include "flags.hpp"
#include "sys.hpp"

#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace portsock::sys {
namespace {

#ifdef MSG_CMSG_CLOEXEC
constexpr int recv_cloexec = MSG_CMSG_CLOEXEC;
#else
constexpr int recv_cloexec = 0;
#endif

const cmsg_layout layout{CMSG_LEN(0), CMSG_SPACE(1) - CMSG_SPACE(0)};

// Python's msg_flags: the flags a received message reports.
msg from_native_msg(int native) noexcept {
    msg out = msg::none;
    if (native & MSG_TRUNC) out = out | msg::trunc;
    if (native & MSG_CTRUNC) out = out | msg::ctrunc;
    if (native & MSG_OOB) out = out | msg::oob;
#ifdef MSG_EOR
    if (native & MSG_EOR) out = out | msg::eor;
#endif
    return out;
}

template <class Call>
ssize_t retry(const Call& call) noexcept {
    ssize_t n;
    do {
        n = call();
    } while (n < 0 && errno == EINTR);
    return n;
}

// Without MSG_CMSG_CLOEXEC: every descriptor received is made close-on-exec
// at once (another thread's fork in between is the window the flag closes).
void cloexec_received(const void* control, std::size_t size) noexcept {
    if (recv_cloexec != 0) return;
    std::size_t offset = 0;
    cmsg m;
    while (walk_cmsg<cmsghdr>(layout, control, size, offset, m)) {
        std::size_t count = 0;
        if (!sys::is_fds(m, count)) continue;
        for (std::size_t i = 0; i < count; ++i) {
            const int fd = sys::read_fd(m, i);
            const int fl = ::fcntl(fd, F_GETFD);
            if (fl >= 0) ::fcntl(fd, F_SETFD, fl | FD_CLOEXEC);
        }
    }
}

}  // namespace

std::size_t sendmsg(handle h, bool, const const_buffer* buffers, std::size_t count, const void* control,
                    std::size_t control_size, const endpoint* to, msg flags, std::error_code& ec) noexcept {
    iovec io[max_buffers];
    for (std::size_t i = 0; i < count; ++i) io[i] = {const_cast<void*>(buffers[i].data), buffers[i].size};
    native_address a;
    msghdr m{};
    if (to != nullptr) {
        ec = to_native(*to, a);
        if (ec) return 0;
        m.msg_name = a.get();
        m.msg_namelen = a.size;
    }
    m.msg_iov = io;
    m.msg_iovlen = static_cast<decltype(m.msg_iovlen)>(count);
    m.msg_control = control_size != 0 ? const_cast<void*>(control) : nullptr;
    m.msg_controllen = static_cast<decltype(m.msg_controllen)>(control_size);
    const int native = native_flags(flags) | os::send_flags;
    const ssize_t n = retry([&] { return PORTSOCK_SYS(sendmsg)(h, &m, native); });
    if (n < 0) {
        ec = last_error();
        return 0;
    }
    clear_error(ec);
    return static_cast<std::size_t>(n);
}

std::size_t recvmsg(handle h, bool, const mutable_buffer* buffers, std::size_t count, void* control,
                    std::size_t& control_size, endpoint* from, msg flags, msg& out_flags,
                    std::error_code& ec) noexcept {
    iovec io[max_buffers];
    for (std::size_t i = 0; i < count; ++i) io[i] = {buffers[i].data, buffers[i].size};
    native_address a;
    a.storage.ss_family = AF_UNSPEC;
    msghdr m{};
    m.msg_name = from != nullptr ? a.get() : nullptr;
    m.msg_namelen = from != nullptr ? a.size : 0;
    m.msg_iov = io;
    m.msg_iovlen = static_cast<decltype(m.msg_iovlen)>(count);
    m.msg_control = control_size != 0 ? control : nullptr;
    m.msg_controllen = static_cast<decltype(m.msg_controllen)>(control_size);
    const int native = native_flags(flags) | recv_cloexec;
    const ssize_t n = retry([&] { return PORTSOCK_SYS(recvmsg)(h, &m, native); });
    if (n < 0) {
        control_size = 0;
        ec = last_error();
        return 0;
    }
    clear_error(ec);
    control_size = m.msg_control != nullptr ? static_cast<std::size_t>(m.msg_controllen) : 0;
    cloexec_received(control, control_size);
    out_flags = from_native_msg(m.msg_flags);
    if (from != nullptr) *from = from_native(a.get(), m.msg_namelen);
    return static_cast<std::size_t>(n);
}

std::size_t cmsg_len(std::size_t data_size) noexcept { return CMSG_LEN(data_size); }
std::size_t cmsg_space(std::size_t data_size) noexcept { return CMSG_SPACE(data_size); }

bool cmsg_next(const void* control, std::size_t size, std::size_t& offset, cmsg& out) noexcept {
    return walk_cmsg<cmsghdr>(layout, control, size, offset, out);
}

std::error_code cmsg_add(void* control, std::size_t capacity, std::size_t& used, int level, int type,
                         const void* data, std::size_t size) noexcept {
    if (size > capacity) return error::control_too_small;
    return add_cmsg<cmsghdr>(layout, CMSG_SPACE(size), control, capacity, used, level, type, data, size);
}

std::error_code cmsg_add_fds(void* control, std::size_t capacity, std::size_t& used,
                             const native_handle_type* fds, std::size_t count) noexcept {
    int native[max_fds];
    if (count > max_fds) return error::too_many_buffers;
    for (std::size_t i = 0; i < count; ++i) native[i] = fds[i];
    return cmsg_add(control, capacity, used, SOL_SOCKET, SCM_RIGHTS, native, count * sizeof(int));
}

bool is_fds(const cmsg& m, std::size_t& count) noexcept {
    if (m.level != SOL_SOCKET || m.type != SCM_RIGHTS) return false;
    count = m.size / sizeof(int);
    return true;
}

native_handle_type read_fd(const cmsg& m, std::size_t index) noexcept {
    int fd = -1;
    if ((index + 1) * sizeof(int) <= m.size) std::memcpy(&fd, static_cast<const char*>(m.data) + index * sizeof(int), sizeof fd);
    return fd;
}

std::error_code cmsg_add_packet_info(void* control, std::size_t capacity, std::size_t& used,
                                     const endpoint& local, std::uint32_t interface_index) noexcept {
    const std::string_view bytes = local.bytes();
    if (local.family() == family::inet) {
#if defined(IP_PKTINFO)
        in_pktinfo info{};
        info.ipi_ifindex = static_cast<decltype(info.ipi_ifindex)>(interface_index);
        std::memcpy(&info.ipi_spec_dst, bytes.data(), 4);
        return cmsg_add(control, capacity, used, IPPROTO_IP, IP_PKTINFO, &info, sizeof info);
#elif defined(IP_SENDSRCADDR)
        (void)interface_index;
        in_addr address{};
        std::memcpy(&address, bytes.data(), 4);
        return cmsg_add(control, capacity, used, IPPROTO_IP, IP_SENDSRCADDR, &address, sizeof address);
#else
        return error::not_supported;
#endif
    }
    if (local.family() == family::inet6) {
#if defined(IPV6_PKTINFO)
        in6_pktinfo info{};
        info.ipi6_ifindex = static_cast<decltype(info.ipi6_ifindex)>(interface_index);
        std::memcpy(&info.ipi6_addr, bytes.data(), 16);
        return cmsg_add(control, capacity, used, IPPROTO_IPV6, IPV6_PKTINFO, &info, sizeof info);
#else
        return error::not_supported;
#endif
    }
    return error::family_mismatch;
}

bool read_packet_info(const cmsg& m, packet_info& out) noexcept {
    std::array<std::uint8_t, 4> v4{};
#if defined(IP_PKTINFO)
    if (m.level == IPPROTO_IP && m.type == IP_PKTINFO && m.size >= sizeof(in_pktinfo)) {
        in_pktinfo info;
        std::memcpy(&info, m.data, sizeof info);
        std::memcpy(v4.data(), &info.ipi_addr, 4);
        out.local = endpoint::v4(v4, 0);
        out.interface_index = static_cast<std::uint32_t>(info.ipi_ifindex);
        return true;
    }
#endif
#if defined(IP_RECVDSTADDR)
    if (m.level == IPPROTO_IP && m.type == IP_RECVDSTADDR && m.size >= sizeof(in_addr)) {
        std::memcpy(v4.data(), m.data, 4);
        out.local = endpoint::v4(v4, 0);
        out.interface_index = 0;
        return true;
    }
#endif
#if defined(IPV6_PKTINFO)
    if (m.level == IPPROTO_IPV6 && m.type == IPV6_PKTINFO && m.size >= sizeof(in6_pktinfo)) {
        in6_pktinfo info;
        std::memcpy(&info, m.data, sizeof info);
        std::array<std::uint8_t, 16> v6{};
        std::memcpy(v6.data(), &info.ipi6_addr, 16);
        out.interface_index = static_cast<std::uint32_t>(info.ipi6_ifindex);
        // A link-local address keeps its interface as its scope.
        const bool link_local = v6[0] == 0xfe && (v6[1] & 0xc0) == 0x80;
        out.local = endpoint::v6(v6, 0, link_local ? out.interface_index : 0);
        return true;
    }
#endif
    (void)m;
    (void)out;
    (void)v4;
    return false;
}

std::error_code set_packet_info(handle h, family f, bool on) noexcept {
    const int value = on ? 1 : 0;
    if (f == family::inet6) {
#if defined(IPV6_RECVPKTINFO)
        if (::setsockopt(h, IPPROTO_IPV6, IPV6_RECVPKTINFO, &value, sizeof value) < 0) return last_error();
#elif defined(IPV6_PKTINFO)
        if (::setsockopt(h, IPPROTO_IPV6, IPV6_PKTINFO, &value, sizeof value) < 0) return last_error();
#else
        return error::not_supported;
#endif
        // IPv4-mapped datagrams of a dual-stack socket: where the system
        // takes the IPv4 option on an IPv6 socket (Linux), ignored elsewhere.
#if defined(IP_PKTINFO)
        (void)::setsockopt(h, IPPROTO_IP, IP_PKTINFO, &value, sizeof value);
#endif
        return {};
    }
    if (f != family::inet) return error::family_mismatch;
#if defined(IP_PKTINFO)
    if (::setsockopt(h, IPPROTO_IP, IP_PKTINFO, &value, sizeof value) < 0) return last_error();
#elif defined(IP_RECVDSTADDR)
    if (::setsockopt(h, IPPROTO_IP, IP_RECVDSTADDR, &value, sizeof value) < 0) return last_error();
#else
    return error::not_supported;
#endif
    return {};
}

bool has_fd_passing() noexcept { return true; }

}  // namespace portsock::sys
