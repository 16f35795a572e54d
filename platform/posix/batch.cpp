// Datagram batches (sys::recv_many, sys::send_many) over BSD sockets:
// recvmmsg / sendmmsg where the system has them (Linux, FreeBSD, NetBSD:
// PORTSOCK_HAVE_RECVMMSG / PORTSOCK_HAVE_SENDMMSG by symbol check), else one
// recvmsg / sendto per datagram (macOS, OpenBSD; the kqueue-on-linux preset
// takes this path on Linux). A batch of one slot is always one recvmsg /
// sendto: the headers of a batch cost more than the call they would save.
// Slots go to the system in chunks of up to 16 headers on the stack: no
// allocation. Every call goes through the fault-injection seam.
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

// One datagram into one slot: the bytes, or -1 (errno set).
inline ssize_t receive_one(handle h, datagram& slot, int native) noexcept {
    iovec io{slot.data, slot.size};
    msghdr m;
    m.msg_name = slot.peer.data();
    m.msg_namelen = static_cast<socklen_t>(peer_address::capacity);
    m.msg_iov = &io;
    m.msg_iovlen = 1;
    m.msg_control = nullptr;
    m.msg_controllen = 0;
    m.msg_flags = 0;
    ssize_t got;
    do {
        got = PORTSOCK_SYS(recvmsg)(h, &m, native);
    } while (got < 0 && errno == EINTR);
    if (got >= 0) {
        slot.nbytes = static_cast<std::size_t>(got);
        slot.truncated = (m.msg_flags & MSG_TRUNC) != 0;
        slot.peer.resize(m.msg_namelen);
    }
    return got;
}

// One slot's datagram to its peer: the bytes, or -1 (errno set).
inline ssize_t send_one(handle h, datagram& slot, int native) noexcept {
    const sockaddr* to = slot.peer.empty() ? nullptr : static_cast<const sockaddr*>(slot.peer.data());
    ssize_t sent;
    do {
        sent = PORTSOCK_SYS(sendto)(h, slot.data, slot.size, native, to, static_cast<socklen_t>(slot.peer.size()));
    } while (sent < 0 && errno == EINTR);
    if (sent >= 0) slot.nbytes = static_cast<std::size_t>(sent);
    return sent;
}

// After some datagrams went, an error (would-block included) ends the batch
// and is left for the next call; with none, it is the call's error.
[[maybe_unused]] std::size_t finish(std::size_t done, std::error_code& ec) noexcept {
    if (done > 0) {
        clear_error(ec);
    } else {
        ec = last_error();
    }
    return done;
}

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
inline int receive_chunk(handle h, datagram* batch, std::size_t n, int native) noexcept {
    mmsghdr headers[chunk];
    iovec io[chunk];
    for (std::size_t k = 0; k < n; ++k) describe(batch[k], headers[k], io[k], batch[k].peer.data(), peer_address::capacity);
    int got;
    do {
        got = PORTSOCK_SYS(recvmmsg)(h, headers, static_cast<unsigned>(n), native, nullptr);
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

// Two slots or more: chunks until one comes back short. A blocking handle
// waits for the first datagram only; the chunks after the first take only
// what is queued. Out of line: its headers' frame stays off the one-slot path.
PORTSOCK_OUT_OF_LINE std::size_t receive_batch(handle h, datagram* slots, std::size_t count, int native,
                                               bool nonblocking, std::error_code& ec) noexcept {
    std::size_t n = count < chunk ? count : chunk;
    const int first = receive_chunk(h, slots, n, native | (nonblocking ? 0 : MSG_WAITFORONE));
    if (first < 0) {
        ec = last_error();
        return 0;
    }
    clear_error(ec);
    std::size_t done = static_cast<std::size_t>(first);
    while (done == n && done < count) {  // every slot so far filled: there may be more
        const std::size_t more = count - done < chunk ? count - done : chunk;
        const int got = receive_chunk(h, slots + done, more, native | MSG_DONTWAIT);
        if (got <= 0) break;  // an error is left for the next call
        done += static_cast<std::size_t>(got);
        n += more;
    }
    return done;
}

}  // namespace

std::size_t recv_many(handle h, datagram* slots, std::size_t count, msg flags, bool nonblocking,
                      std::error_code& ec) noexcept {
    const int native = native_flags(flags);
    if (count > 1) return receive_batch(h, slots, count, native, nonblocking, ec);
    if (receive_one(h, slots[0], native) < 0) {
        ec = last_error();
        return 0;
    }
    clear_error(ec);
    return 1;
}

#else

std::size_t recv_many(handle h, datagram* slots, std::size_t count, msg flags, bool nonblocking,
                      std::error_code& ec) noexcept {
    int native = native_flags(flags) | (nonblocking ? MSG_DONTWAIT : 0);
    std::size_t done = 0;
    for (; done < count; ++done) {
        if (receive_one(h, slots[done], native) < 0) return finish(done, ec);
        native |= MSG_DONTWAIT;  // the rest take only what is queued
    }
    clear_error(ec);
    return done;
}

#endif

#if PORTSOCK_HAVE_SENDMMSG

namespace {

// One sendmmsg for up to `chunk` slots: the count, or -1 (errno set).
inline int send_chunk(handle h, datagram* batch, std::size_t n, int native) noexcept {
    mmsghdr headers[chunk];
    iovec io[chunk];
    for (std::size_t k = 0; k < n; ++k) {
        datagram& slot = batch[k];
        describe(slot, headers[k], io[k], slot.peer.empty() ? nullptr : slot.peer.data(),
                 static_cast<socklen_t>(slot.peer.size()));
    }
    int sent;
    do {
        sent = PORTSOCK_SYS(sendmmsg)(h, headers, static_cast<unsigned>(n), native);
    } while (sent < 0 && errno == EINTR);
    for (int k = 0; k < sent; ++k) batch[k].nbytes = headers[k].msg_len;
    return sent;
}

// Two slots or more, as receive_batch.
PORTSOCK_OUT_OF_LINE std::size_t send_batch(handle h, datagram* slots, std::size_t count, int native,
                                            std::error_code& ec) noexcept {
    std::size_t n = count < chunk ? count : chunk;
    const int first = send_chunk(h, slots, n, native);
    if (first < 0) {
        ec = last_error();
        return 0;
    }
    clear_error(ec);
    std::size_t done = static_cast<std::size_t>(first);
    while (done == n && done < count) {
        const std::size_t more = count - done < chunk ? count - done : chunk;
        const int sent = send_chunk(h, slots + done, more, native);
        if (sent <= 0) break;  // an error is left for the next call
        done += static_cast<std::size_t>(sent);
        n += more;
    }
    return done;
}

}  // namespace

std::size_t send_many(handle h, datagram* slots, std::size_t count, msg flags, std::error_code& ec) noexcept {
    const int native = native_flags(flags) | send_flags;
    if (count > 1) return send_batch(h, slots, count, native, ec);
    if (send_one(h, slots[0], native) < 0) {
        ec = last_error();
        return 0;
    }
    clear_error(ec);
    return 1;
}

#else

std::size_t send_many(handle h, datagram* slots, std::size_t count, msg flags, std::error_code& ec) noexcept {
    const int native = native_flags(flags) | send_flags;
    std::size_t done = 0;
    for (; done < count; ++done) {
        if (send_one(h, slots[done], native) < 0) return finish(done, ec);
    }
    clear_error(ec);
    return done;
}

#endif

}  // namespace portsock::sys
