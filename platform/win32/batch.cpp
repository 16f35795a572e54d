// Datagram batches (sys::recv_many, sys::send_many) over Winsock: Windows
// has no recvmmsg / sendmmsg, so one recvfrom / sendto per datagram, straight
// into and out of the slots' native addresses (no endpoint built). After the
// first datagram a blocking socket takes only what is already queued
// (FIONREAD); a non-blocking one until it would block.
#include "error.hpp"
#include "fault_hooks.hpp"
#include "flags.hpp"
#include "sys.hpp"

#include <winsock2.h>
#include <ws2tcpip.h>

#include <climits>

namespace portsock::sys {
namespace {

int clamp(std::size_t size) noexcept {
    return size > static_cast<std::size_t>(INT_MAX) ? INT_MAX : static_cast<int>(size);
}

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

}  // namespace

std::size_t recv_many(handle h, datagram* slots, std::size_t count, msg flags, bool nonblocking,
                      std::error_code& ec) noexcept {
    const SOCKET s = static_cast<SOCKET>(h);
    const int native = native_flags(flags);
    std::size_t done = 0;
    for (; done < count; ++done) {
        if (done > 0 && !nonblocking) {
            u_long queued = 0;
            if (::ioctlsocket(s, static_cast<long>(FIONREAD), &queued) == SOCKET_ERROR || queued == 0) break;
        }
        datagram& slot = slots[done];
        int size = static_cast<int>(peer_address::capacity);
        int n = PORTSOCK_SYS(recvfrom)(s, static_cast<char*>(slot.data), clamp(slot.size), native,
                                       static_cast<sockaddr*>(slot.peer.data()), &size);
        slot.truncated = false;
        if (n == SOCKET_ERROR) {
            // WSAEMSGSIZE: longer than the slot, whose room holds its first bytes.
            if (::WSAGetLastError() != WSAEMSGSIZE) return finish(done, ec);
            slot.truncated = true;
            n = clamp(slot.size);
        }
        slot.nbytes = static_cast<std::size_t>(n);
        slot.peer.resize(static_cast<std::size_t>(size));
    }
    clear_error(ec);
    return done;
}

std::size_t send_many(handle h, datagram* slots, std::size_t count, msg flags, std::error_code& ec) noexcept {
    const SOCKET s = static_cast<SOCKET>(h);
    const int native = native_flags(flags);
    std::size_t done = 0;
    for (; done < count; ++done) {
        datagram& slot = slots[done];
        const sockaddr* to = slot.peer.empty() ? nullptr : static_cast<const sockaddr*>(slot.peer.data());
        const int n = PORTSOCK_SYS(sendto)(s, static_cast<const char*>(slot.data), clamp(slot.size), native, to,
                                           static_cast<int>(slot.peer.size()));
        if (n == SOCKET_ERROR) return finish(done, ec);
        slot.nbytes = static_cast<std::size_t>(n);
    }
    clear_error(ec);
    return done;
}

}  // namespace portsock::sys
