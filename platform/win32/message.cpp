// Messages over Winsock (core/src/sys.hpp's "Messages" block): WSASendMsg
// and WSARecvMsg (the latter an extension function, asked of the provider
// once by WSAIoctl) on datagram and raw sockets; WSASend / WSARecv over the
// buffers on stream sockets, which take no control data. No descriptor
// passing: share / fromshare hand sockets to other processes. The WSA_CMSG_*
// macros are used here only; platform/common/cmsg.hpp walks and writes by
// the numbers they give.
#include "address.hpp"
#include "cmsg.hpp"
#include "error.hpp"
#include "fault_hooks.hpp"
#include "flags.hpp"
#include "sys.hpp"

#include <winsock2.h>
#include <mswsock.h>
#include <windows.h>
#include <ws2tcpip.h>

#include <atomic>
#include <climits>
#include <cstring>

namespace portsock::sys {
namespace {

const cmsg_layout layout{WSA_CMSG_LEN(0), TYPE_ALIGNMENT(WSACMSGHDR)};

SOCKET native(handle h) noexcept { return static_cast<SOCKET>(h); }

ULONG clamp_len(std::size_t size) noexcept {
    return size > static_cast<std::size_t>(INT_MAX) ? static_cast<ULONG>(INT_MAX) : static_cast<ULONG>(size);
}

msg from_native_msg(DWORD native) noexcept {
    msg out = msg::none;
    if (native & MSG_TRUNC) out = out | msg::trunc;
    if (native & MSG_CTRUNC) out = out | msg::ctrunc;
    if (native & MSG_OOB) out = out | msg::oob;
    return out;
}

// WSARecvMsg, asked of the provider on first use (the same for every socket
// of Microsoft's provider and of wine's).
std::atomic<LPFN_WSARECVMSG> recvmsg_function{nullptr};

LPFN_WSARECVMSG wsa_recvmsg(SOCKET s) noexcept {
    LPFN_WSARECVMSG f = recvmsg_function.load(std::memory_order_acquire);
    if (f != nullptr) return f;
    GUID id = WSAID_WSARECVMSG;
    DWORD bytes = 0;
    if (::WSAIoctl(s, SIO_GET_EXTENSION_FUNCTION_POINTER, &id, sizeof id, &f, sizeof f, &bytes, nullptr,
                   nullptr) != 0) {
        return nullptr;
    }
    recvmsg_function.store(f, std::memory_order_release);
    return f;
}

// The provider's WSARecvMsg, through the fault seam (as recvfrom) when built.
int receive_message(LPFN_WSARECVMSG f, SOCKET s, WSAMSG& m, DWORD& received) noexcept {
#if PORTSOCK_FAULT_INJECTION
    return hook::WSARecvMsg(f, s, &m, &received);
#else
    return f(s, &m, &received, nullptr, nullptr);
#endif
}

}  // namespace

std::size_t sendmsg(handle h, bool stream, const const_buffer* buffers, std::size_t count, const void* control,
                    std::size_t control_size, const endpoint* to, msg flags, std::error_code& ec) noexcept {
    WSABUF bufs[max_buffers];
    for (std::size_t i = 0; i < count; ++i) {
        bufs[i].buf = static_cast<char*>(const_cast<void*>(buffers[i].data));
        bufs[i].len = clamp_len(buffers[i].size);
    }
    native_address a;
    if (to != nullptr) {
        ec = to_native(*to, a);
        if (ec) return 0;
    }
    DWORD sent = 0;
    const DWORD native_fl = static_cast<DWORD>(native_flags(flags));
    int rc;
    if (stream) {
        if (control_size != 0) {
            ec = error::not_supported;
            return 0;
        }
        rc = PORTSOCK_SYS(WSASend)(native(h), bufs, static_cast<DWORD>(count), &sent, native_fl, nullptr, nullptr);
    } else {
        WSAMSG m{};
        m.name = to != nullptr ? a.get() : nullptr;
        m.namelen = to != nullptr ? a.size : 0;
        m.lpBuffers = bufs;
        m.dwBufferCount = static_cast<DWORD>(count);
        m.Control.buf = control_size != 0 ? static_cast<char*>(const_cast<void*>(control)) : nullptr;
        m.Control.len = clamp_len(control_size);
        rc = PORTSOCK_SYS(WSASendMsg)(native(h), &m, native_fl, &sent, nullptr, nullptr);
    }
    if (rc != 0) {
        ec = last_error();
        return 0;
    }
    clear_error(ec);
    return sent;
}

std::size_t recvmsg(handle h, bool stream, const mutable_buffer* buffers, std::size_t count, void* control,
                    std::size_t& control_size, endpoint* from, msg flags, msg& out_flags,
                    std::error_code& ec) noexcept {
    WSABUF bufs[max_buffers];
    std::size_t total = 0;
    for (std::size_t i = 0; i < count; ++i) {
        bufs[i].buf = static_cast<char*>(buffers[i].data);
        bufs[i].len = clamp_len(buffers[i].size);
        total += bufs[i].len;
    }
    DWORD received = 0;
    out_flags = msg::none;
    if (stream) {
        control_size = 0;
        DWORD fl = static_cast<DWORD>(native_flags(flags));
        if (PORTSOCK_SYS(WSARecv)(native(h), bufs, static_cast<DWORD>(count), &received, &fl, nullptr, nullptr) != 0) {
            ec = last_error();
            return 0;
        }
        clear_error(ec);
        return received;
    }
    const LPFN_WSARECVMSG f = wsa_recvmsg(native(h));
    if (f == nullptr) {
        control_size = 0;
        ec = error::not_supported;
        return 0;
    }
    native_address a;
    a.storage.ss_family = AF_UNSPEC;
    WSAMSG m{};
    m.name = from != nullptr ? a.get() : nullptr;
    m.namelen = from != nullptr ? a.size : 0;
    m.lpBuffers = bufs;
    m.dwBufferCount = static_cast<DWORD>(count);
    m.Control.buf = control_size != 0 ? static_cast<char*>(control) : nullptr;
    m.Control.len = clamp_len(control_size);
    m.dwFlags = static_cast<DWORD>(native_flags(flags));
    if (receive_message(f, native(h), m, received) != 0) {
        // WSAEMSGSIZE: the datagram filled the buffers; reported as the
        // POSIX backend reports MSG_TRUNC, in the flags.
        if (::WSAGetLastError() != WSAEMSGSIZE) {
            control_size = 0;
            ec = last_error();
            return 0;
        }
        m.dwFlags |= MSG_TRUNC;
        received = static_cast<DWORD>(total);
    }
    clear_error(ec);
    control_size = m.Control.buf != nullptr ? m.Control.len : 0;
    out_flags = from_native_msg(m.dwFlags);
    if (from != nullptr) *from = from_native(a.get(), m.namelen);
    return received;
}

std::size_t cmsg_len(std::size_t data_size) noexcept { return WSA_CMSG_LEN(data_size); }
std::size_t cmsg_space(std::size_t data_size) noexcept { return WSA_CMSG_SPACE(data_size); }

bool cmsg_next(const void* control, std::size_t size, std::size_t& offset, cmsg& out) noexcept {
    return walk_cmsg<WSACMSGHDR>(layout, control, size, offset, out);
}

std::error_code cmsg_add(void* control, std::size_t capacity, std::size_t& used, int level, int type,
                         const void* data, std::size_t size) noexcept {
    if (size > capacity) return error::control_too_small;
    return add_cmsg<WSACMSGHDR>(layout, WSA_CMSG_SPACE(size), control, capacity, used, level, type, data, size);
}

std::error_code cmsg_add_fds(void*, std::size_t, std::size_t&, const native_handle_type*, std::size_t) noexcept {
    return error::not_supported;
}

bool is_fds(const cmsg&, std::size_t&) noexcept { return false; }
native_handle_type read_fd(const cmsg&, std::size_t) noexcept { return invalid_native_handle; }

std::error_code cmsg_add_packet_info(void* control, std::size_t capacity, std::size_t& used,
                                     const endpoint& local, std::uint32_t interface_index) noexcept {
    const std::string_view bytes = local.bytes();
    if (local.family() == family::inet) {
        IN_PKTINFO info{};
        std::memcpy(&info.ipi_addr, bytes.data(), 4);
        info.ipi_ifindex = interface_index;
        return cmsg_add(control, capacity, used, IPPROTO_IP, IP_PKTINFO, &info, sizeof info);
    }
    if (local.family() == family::inet6) {
        IN6_PKTINFO info{};
        std::memcpy(&info.ipi6_addr, bytes.data(), 16);
        info.ipi6_ifindex = interface_index;
        return cmsg_add(control, capacity, used, IPPROTO_IPV6, IPV6_PKTINFO, &info, sizeof info);
    }
    return error::family_mismatch;
}

bool read_packet_info(const cmsg& m, packet_info& out) noexcept {
    if (m.level == IPPROTO_IP && m.type == IP_PKTINFO && m.size >= sizeof(IN_PKTINFO)) {
        IN_PKTINFO info;
        std::memcpy(&info, m.data, sizeof info);
        std::array<std::uint8_t, 4> v4{};
        std::memcpy(v4.data(), &info.ipi_addr, 4);
        out.local = endpoint::v4(v4, 0);
        out.interface_index = info.ipi_ifindex;
        return true;
    }
    if (m.level == IPPROTO_IPV6 && m.type == IPV6_PKTINFO && m.size >= sizeof(IN6_PKTINFO)) {
        IN6_PKTINFO info;
        std::memcpy(&info, m.data, sizeof info);
        std::array<std::uint8_t, 16> v6{};
        std::memcpy(v6.data(), &info.ipi6_addr, 16);
        out.interface_index = info.ipi6_ifindex;
        const bool link_local = v6[0] == 0xfe && (v6[1] & 0xc0) == 0x80;
        out.local = endpoint::v6(v6, 0, link_local ? out.interface_index : 0);
        return true;
    }
    return false;
}

std::error_code set_packet_info(handle h, family f, bool on) noexcept {
    const DWORD value = on ? 1 : 0;
    const char* v = reinterpret_cast<const char*>(&value);
    if (f == family::inet6) {
        if (::setsockopt(native(h), IPPROTO_IPV6, IPV6_PKTINFO, v, sizeof value) != 0) return last_error();
        (void)::setsockopt(native(h), IPPROTO_IP, IP_PKTINFO, v, sizeof value);  // IPv4-mapped
        return {};
    }
    if (f != family::inet) return error::family_mismatch;
    if (::setsockopt(native(h), IPPROTO_IP, IP_PKTINFO, v, sizeof value) != 0) return last_error();
    return {};
}

bool has_fd_passing() noexcept { return false; }

}  // namespace portsock::sys
