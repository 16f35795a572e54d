// Messages: what `socket::sendmsg`, `recvmsg_into`, `recvmsg`, `send_fds`
// and `recv_fds` take and give (Python's names and shapes), and the reader
// and writer of control messages (ancillary data).
//
// Scatter/gather: a call takes up to `max_buffers` buffers (more is
// `error::too_many_buffers`, before any system call) and moves them as one
// message: one datagram, or the bytes of all of them on a stream.
//
// Control messages travel in a buffer the caller owns and sizes, laid out
// as the system lays out its `cmsghdr`s (header, padding, data, padding; the
// alignment differs between 32- and 64-bit systems and between systems).
// Nothing here allocates except `recvmsg` and `recv_fds` (Python's forms,
// which return new strings), and this header includes no system header: the
// layout is the backend's, reached through `cmsg_len`, `cmsg_space`,
// `cmsg_next` and `cmsg_writer`. Give the buffer `control_buffer<N>` (aligned
// for any header) or at least `alignas(std::max_align_t)` storage.
//
//     portsock::control_buffer<portsock::cmsg_space_bound(64)> control;
//     portsock::mutable_buffer parts[] = {{head, 8}, {body, sizeof body}};
//     auto r = s.recvmsg_into(parts, 2, control.bytes, control.size, ec);
//     for (const portsock::cmsg& m : r.ancdata) { ... m.level, m.type, m.data, m.size ... }
//     if (has(r.msg_flags, portsock::msg::trunc)) { /* the datagram was longer */ }
//     if (has(r.msg_flags, portsock::msg::ctrunc)) { /* control data was cut */ }
//
// Truncation is a flag of the result here (Python's msg_flags), not an
// error: a datagram longer than the buffers fills them and sets
// `msg::trunc`; control data longer than the control buffer sets
// `msg::ctrunc` (descriptors that did not fit are closed by the system).
//
// Packet info (what a UDP server bound to the any address needs): after
// `set_packet_info(true)` every datagram received by `recvmsg_into` carries a
// control message that `read_packet_info` decodes into the local address it
// was sent to and the interface it arrived on (IP_PKTINFO; IPV6_PKTINFO for
// IPv6 sockets; IP_RECVDSTADDR on BSDs without IP_PKTINFO, which give no
// interface). `recvfrom_into(buffer, size, to_local, ec)` does it in one
// call, and `sendto(data, size, address, from_local, ec)` answers from that
// address (IP_PKTINFO / IPV6_PKTINFO in sendmsg; interface 0: by the route).
//
// Descriptor passing (SCM_RIGHTS, Unix-domain sockets; Python 3.9's
// `send_fds` / `recv_fds`): up to `max_fds` per call. Received descriptors
// are close-on-exec (MSG_CMSG_CLOEXEC where the system has it, else fcntl
// at once), whichever call received them; those beyond `maxfds` are closed
// and the result says `msg::ctrunc`. Windows has no descriptor passing:
// `error::not_supported` (pass a socket with `share` / `fromshare`).
//
// Windows: `sendmsg` / `recvmsg_into` are WSASendMsg / WSARecvMsg on
// datagram and raw sockets; on a stream socket, WSASend / WSARecv over the
// buffers (scatter/gather without control data: control data to send there
// is `error::not_supported`, and none is received).
#pragma once

#include <portsock/endpoint.hpp>
#include <portsock/export.hpp>
#include <portsock/native.hpp>
#include <portsock/types.hpp>

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <string>
#include <system_error>
#include <vector>

namespace portsock {

/// A buffer to receive into (POSIX `iovec`, Windows `WSABUF`).
struct mutable_buffer {
    void* data = nullptr;
    std::size_t size = 0;
};
/// A buffer to send from.
struct const_buffer {
    const void* data = nullptr;
    std::size_t size = 0;
};

/// The most buffers one call takes (within every system's IOV_MAX).
inline constexpr std::size_t max_buffers = 64;
/// The most descriptors `send_fds` and `recv_fds` pass in one call
/// (Linux's SCM_MAX_FD is 253).
inline constexpr std::size_t max_fds = 64;

/// One control message: its level and type (the system's numbers, as in
/// Python's `(cmsg_level, cmsg_type, cmsg_data)`) and its data, which points
/// into the control buffer and may be unaligned: copy it out with memcpy.
struct cmsg {
    int level = 0;
    int type = 0;
    const void* data = nullptr;
    std::size_t size = 0;
};

/// Python's `socket.CMSG_LEN(n)`: a control message's length with `n` bytes
/// of data, without the trailing padding.
PORTSOCK_API std::size_t cmsg_len(std::size_t data_size) noexcept;
/// Python's `socket.CMSG_SPACE(n)`: the bytes a control message with `n`
/// bytes of data takes in the buffer, padding included. Size a receive's
/// control buffer as the sum of the messages expected.
PORTSOCK_API std::size_t cmsg_space(std::size_t data_size) noexcept;
/// A compile-time bound of `cmsg_space(n)` on every system portsock runs on
/// (a header of at most 16 bytes, alignment at most 16), for array sizes.
constexpr std::size_t cmsg_space_bound(std::size_t data_size) noexcept {
    return 16 + (data_size + 15) / 16 * 16;
}

/// A control buffer aligned for any system's headers.
template <std::size_t N>
struct control_buffer {
    static constexpr std::size_t size = N;
    alignas(16) unsigned char bytes[N];
};

/// Reads the control message at `offset` of the `size` bytes at `control`
/// (received by `recvmsg_into`) into `out` and moves `offset` past it.
/// False at the end, or at a header that is cut short or claims more bytes
/// than are there (never reads outside the buffer, whatever its bytes).
PORTSOCK_API bool cmsg_next(const void* control, std::size_t size, std::size_t& offset,
                            cmsg& out) noexcept;

/// The control messages of a buffer, for range-for: `for (cmsg m : view)`.
class cmsg_view {
public:
    cmsg_view() noexcept = default;
    cmsg_view(const void* control, std::size_t size) noexcept : control_(control), size_(size) {}

    class iterator {
    public:
        using value_type = cmsg;
        using reference = const cmsg&;
        using pointer = const cmsg*;
        using difference_type = std::ptrdiff_t;
        using iterator_category = std::input_iterator_tag;
        iterator() noexcept = default;
        iterator(const void* control, std::size_t size) noexcept : control_(control), size_(size) { advance(); }
        reference operator*() const noexcept { return current_; }
        pointer operator->() const noexcept { return &current_; }
        iterator& operator++() noexcept {
            advance();
            return *this;
        }
        bool operator==(const iterator& other) const noexcept { return control_ == other.control_; }
        bool operator!=(const iterator& other) const noexcept { return control_ != other.control_; }

    private:
        void advance() noexcept {
            if (control_ && !cmsg_next(control_, size_, offset_, current_)) control_ = nullptr;
        }
        const void* control_ = nullptr;
        std::size_t size_ = 0;
        std::size_t offset_ = 0;
        cmsg current_;
    };

    iterator begin() const noexcept { return {control_, size_}; }
    iterator end() const noexcept { return {}; }
    /// The control bytes received.
    const void* data() const noexcept { return control_; }
    std::size_t size() const noexcept { return size_; }
    bool empty() const noexcept { return size_ == 0; }

private:
    const void* control_ = nullptr;
    std::size_t size_ = 0;
};

/// Writes control messages into a caller's buffer for `sendmsg`: each
/// `add` appends one (taking `cmsg_space(size)` bytes); `size()` is what to
/// send. A message that does not fit is `error::control_too_small` and
/// leaves the buffer as it was.
class PORTSOCK_API cmsg_writer {
public:
    cmsg_writer(void* control, std::size_t capacity) noexcept : control_(control), capacity_(capacity) {}
    void add(int level, int type, const void* data, std::size_t size, std::error_code& ec) noexcept;
    /// SCM_RIGHTS with `count` descriptors (POSIX; Windows `not_supported`).
    void add_fds(const native_handle_type* fds, std::size_t count, std::error_code& ec) noexcept;
    /// IP_PKTINFO / IPV6_PKTINFO (by `local`'s family): send from `local`'s
    /// address (its port is ignored), through interface `interface_index`
    /// (0: by the route).
    void add_packet_info(const endpoint& local, std::uint32_t interface_index, std::error_code& ec) noexcept;
    const void* data() const noexcept { return control_; }
    std::size_t size() const noexcept { return used_; }

private:
    void* control_;
    std::size_t capacity_;
    std::size_t used_ = 0;
};

/// Where a datagram arrived: the address it was sent to (port 0) and the
/// interface's index (0 where the system does not say).
struct packet_info {
    endpoint local;
    std::uint32_t interface_index = 0;
};
/// Decodes an IP_PKTINFO, IPV6_PKTINFO or IP_RECVDSTADDR control message;
/// false (and `out` unchanged) for any other or a short one.
PORTSOCK_API bool read_packet_info(const cmsg& m, packet_info& out) noexcept;
/// Whether `m` is SCM_RIGHTS; then `count` is how many descriptors it holds
/// and `read_fd(m, i)` the i-th (POSIX; never on Windows).
PORTSOCK_API bool is_fds(const cmsg& m, std::size_t& count) noexcept;
PORTSOCK_API native_handle_type read_fd(const cmsg& m, std::size_t index) noexcept;

/// What `recvmsg_into` returns: Python's `(nbytes, ancdata, msg_flags, address)`.
struct recvmsg_result {
    /// Bytes received into the buffers, in order.
    std::size_t nbytes = 0;
    /// The control messages, in the caller's control buffer.
    cmsg_view ancdata;
    /// What the system said of the message: `msg::trunc`, `msg::ctrunc`,
    /// `msg::eor`, `msg::oob`.
    msg msg_flags = msg::none;
    /// The sender (empty on a connected stream).
    endpoint address;
};

/// One control message as Python's `recvmsg` gives it: `(level, type, data)`.
struct ancillary {
    int level = 0;
    int type = 0;
    std::string data;
};
/// What `recvmsg` returns: Python's `(data, ancdata, msg_flags, address)`.
struct recvmsg_data {
    std::string data;
    std::vector<ancillary> ancdata;
    msg msg_flags = msg::none;
    endpoint address;
};

/// What `recv_fds_into` returns: the bytes, how many descriptors were
/// stored, and the flags (`msg::ctrunc`: some descriptors did not fit and
/// were closed).
struct recv_fds_result {
    std::size_t nbytes = 0;
    std::size_t nfds = 0;
    msg msg_flags = msg::none;
    endpoint address;
};
/// What `recv_fds` returns: Python's `(data, fds, msg_flags, address)`. The
/// descriptors are the caller's to close (`socket::from_handle` takes one).
struct recv_fds_data {
    std::string data;
    std::vector<native_handle_type> fds;
    msg msg_flags = msg::none;
    endpoint address;
};

}  // namespace portsock
