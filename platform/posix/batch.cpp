// Datagram batches (sys::recv_many, sys::send_many) over BSD sockets:
// recvmmsg / sendmmsg where the system has them (Linux, FreeBSD, NetBSD:
// PORTSOCK_HAVE_RECVMMSG / PORTSOCK_HAVE_SENDMMSG by symbol check), else one
// recvmsg / sendto per datagram (macOS, OpenBSD; the kqueue-on-linux preset
// takes this path on Linux). Slots go to the system in chunks of up to 64
// headers on the stack: no allocation.
#include "error.hpp"
#include "fault_hooks.hpp"
#include "flags.hpp"
#include "sys.hpp"

#include <sys/socket.h>
#include <sys/types.h>

#include <cerrno>
#include <cstring>

namespace portsock::sys {
namespace {

using os::send_flags;

#if !PORTSOCK_HAVE_RECVMMSG || !PORTSOCK_HAVE_SENDMMSG
// After some datagrams went, an error (would-block included) ends the batch
// and is left for the next call; with none, it is the call's error.
std::size_t finish(std::size_t done, std::error_code& ec) noexcept {
    if (done > 0) {
        clear_error(ec);
    } else {
        ec = last_error();
    }
    return done;
}
#endif

#if PORTSOCK_HAVE_RECVMMSG || PORTSOCK_HAVE_SENDMMSG
// Headers per system call: 16 keep the frame (1.3 KiB) under a page, so no
// stack probe runs on every call; a larger batch takes several calls.
constexpr std::size_t chunk = 16;

// One slot's header, field by field (no memset: this runs per datagram).
inline void describe(datagram& slot, mmsghdr& m, iovec& io, void* name, socklen_t name_size) noexcept {
    io.iov_base = slot.data;
    io.iov_len = slot.size;
    m.msg_hdr.msg_name = name;
    m.msg_hdr.msg_namelen = name_size;
    m.msg_hdr.msg_iov = &io;
    m.msg_hdr.msg_iovlen = 1;
    m.msg_hdr.msg_control = nullptr;
    m.msg_hdr.msg_controllen = 0;
    m.msg_hdr.msg_flags = 0;
}
#endif

}  // namespace

#if PORTSOCK_HAVE_RECVMMSG

namespace {

// One recvmmsg for up to `chunk` slots: the count, or -1 (errno set).
// Inlined into recv_many, whose first chunk is the whole common case.
[[gnu::always_inline]] inline int receive_chunk(handle h, datagram* batch, std::size_t n, int native) noexcept {
    mmsghdr headers[chunk];
    iovec io[chunk];
    for (std::size_t k = 0; k < n; ++k) describe(batch[k], headers[k], io[k], batch[k].peer.data(), peer_address::capacity);
    int got;
    do {
        got = ::recvmmsg(h, headers, static_cast<unsigned>(n), native, nullptr);
    } while (got < 0 && errno == EINTR);
    for (int k = 0; k < got; ++k) {
        datagram& slot = batch[k];
        const mmsghdr& m = headers[k];
        slot.nbytes = m.msg_len;
        slot.truncated = (m.msg_hdr.msg_flags & MSG_TRUNC) != 0;
        slot.peer.resize(m.msg_hdr.msg_namelen);
    }
    return got;
}

// The chunks after a full first one, taking only what is queued.
PORTSOCK_OUT_OF_LINE std::size_t receive_more(handle h, datagram* slots, std::size_t count, int native,
                                              std::size_t done) noexcept {
    while (done < count) {
        const std::size_t n = count - done < chunk ? count - done : chunk;
        const int got = receive_chunk(h, slots + done, n, native | MSG_DONTWAIT);
        if (got <= 0) break;  // an error is left for the next call
        done += static_cast<std::size_t>(got);
        if (static_cast<std::size_t>(got) < n) break;
    }
    return done;
}

}  // namespace

std::size_t recv_many(handle h, datagram* slots, std::size_t count, msg flags, bool nonblocking,
                      std::error_code& ec) noexcept {
    // A blocking handle waits for the first datagram only.
    const int native = native_flags(flags) | (nonblocking ? 0 : MSG_WAITFORONE);
    const int got = receive_chunk(h, slots, count < chunk ? count : chunk, native);
    if (got < 0) {
        ec = last_error();
        return 0;
    }
    clear_error(ec);
    if (static_cast<std::size_t>(got) < chunk || count == chunk) return static_cast<std::size_t>(got);
    return receive_more(h, slots, count, native, static_cast<std::size_t>(got));
}

#else

std::size_t recv_many(handle h, datagram* slots, std::size_t count, msg flags, bool nonblocking,
                      std::error_code& ec) noexcept {
    int native = native_flags(flags) | (nonblocking ? MSG_DONTWAIT : 0);
    std::size_t done = 0;
    for (; done < count; ++done) {
        datagram& slot = slots[done];
        iovec io{slot.data, slot.size};
        msghdr m{};
        m.msg_name = slot.peer.data();
        m.msg_namelen = static_cast<socklen_t>(peer_address::capacity);
        m.msg_iov = &io;
        m.msg_iovlen = 1;
        ssize_t got;
        do {
            got = PORTSOCK_SYS(recvmsg)(h, &m, native);
        } while (got < 0 && errno == EINTR);
        if (got < 0) return finish(done, ec);
        slot.nbytes = static_cast<std::size_t>(got);
        slot.truncated = (m.msg_flags & MSG_TRUNC) != 0;
        slot.peer.resize(m.msg_namelen);
        native |= MSG_DONTWAIT;  // the rest take only what is queued
    }
    clear_error(ec);
    return done;
}

#endif

#if PORTSOCK_HAVE_SENDMMSG

namespace {

// One sendmmsg for up to `chunk` slots: the count, or -1 (errno set).
[[gnu::always_inline]] inline int send_chunk(handle h, datagram* batch, std::size_t n, int native) noexcept {
    mmsghdr headers[chunk];
    iovec io[chunk];
    for (std::size_t k = 0; k < n; ++k) {
        datagram& slot = batch[k];
        describe(slot, headers[k], io[k], slot.peer.empty() ? nullptr : slot.peer.data(),
                 static_cast<socklen_t>(slot.peer.size()));
    }
    int sent;
    do {
        sent = ::sendmmsg(h, headers, static_cast<unsigned>(n), native);
    } while (sent < 0 && errno == EINTR);
    for (int k = 0; k < sent; ++k) batch[k].nbytes = headers[k].msg_len;
    return sent;
}

PORTSOCK_OUT_OF_LINE std::size_t send_more(handle h, datagram* slots, std::size_t count, int native,
                                           std::size_t done) noexcept {
    while (done < count) {
        const std::size_t n = count - done < chunk ? count - done : chunk;
        const int sent = send_chunk(h, slots + done, n, native);
        if (sent <= 0) break;  // an error is left for the next call
        done += static_cast<std::size_t>(sent);
        if (static_cast<std::size_t>(sent) < n) break;
    }
    return done;
}

}  // namespace

std::size_t send_many(handle h, datagram* slots, std::size_t count, msg flags, std::error_code& ec) noexcept {
    const int native = native_flags(flags) | send_flags;
    const int sent = send_chunk(h, slots, count < chunk ? count : chunk, native);
    if (sent < 0) {
        ec = last_error();
        return 0;
    }
    clear_error(ec);
    if (static_cast<std::size_t>(sent) < chunk || count == chunk) return static_cast<std::size_t>(sent);
    return send_more(h, slots, count, native, static_cast<std::size_t>(sent));
}

#else

std::size_t send_many(handle h, datagram* slots, std::size_t count, msg flags, std::error_code& ec) noexcept {
    const int native = native_flags(flags) | send_flags;
    std::size_t done = 0;
    for (; done < count; ++done) {
        datagram& slot = slots[done];
        const sockaddr* to = slot.peer.empty() ? nullptr : static_cast<const sockaddr*>(slot.peer.data());
        ssize_t sent;
        do {
            sent = PORTSOCK_SYS(sendto)(h, slot.data, slot.size, native, to,
                                        static_cast<socklen_t>(slot.peer.size()));
        } while (sent < 0 && errno == EINTR);
        if (sent < 0) return finish(done, ec);
        slot.nbytes = static_cast<std::size_t>(sent);
    }
    clear_error(ec);
    return done;
}

#endif

}  // namespace portsock::sys
