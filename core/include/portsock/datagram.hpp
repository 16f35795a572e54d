// Datagram batches: `socket::recv_many` and `socket::send_many` move several
// datagrams per call (recvmmsg / sendmmsg where the system has them, one
// call per datagram elsewhere) through slots the caller owns: no allocation.
//
//   std::array<char, 1500> buffers[32];
//   portsock::datagram slots[32];
//   for (std::size_t k = 0; k < 32; ++k) slots[k].buffer(buffers[k].data(), buffers[k].size());
//   std::size_t n = sock.recv_many(slots, 32, ec);      // n datagrams, sizes in slots[k].nbytes
//   for (std::size_t k = 0; k < n; ++k) slots[k].size = slots[k].nbytes;   // echo them back
//   std::size_t sent = sock.send_many(slots, n, ec);    // each to slots[k].peer
//
// A slot's peer is kept as the system's own socket address (`peer_address`),
// converted to an `endpoint` only when asked (`peer.to_endpoint()`): a reply
// to the sender sends those bytes back unchanged.
//
// Counts: the calls return how many slots went. A non-blocking socket (or
// one with a timeout) that has some datagrams and then would block returns
// that count without an error; only when none went is the error reported
// (would-block, or the deadline's `timed_out`). An error after some
// datagrams went ends the batch early and comes back on the next call (as
// Linux's recvmmsg does). A blocking socket waits for the first datagram
// only, then takes what is already queued.
#pragma once

#include <portsock/endpoint.hpp>
#include <portsock/export.hpp>

#include <cstddef>
#include <cstdint>
#include <system_error>

namespace portsock {

/// A peer's address as the system's socket address (`sockaddr_in`,
/// `sockaddr_in6`, ...), as a batch receives it and sends to it.
class peer_address {
public:
    /// Bytes enough for any system socket address (sockaddr_storage).
    static constexpr std::size_t capacity = 128;

    /// No address (a send on a connected socket takes none).
    constexpr peer_address() noexcept : bytes_{} {}
    /// The address of `e`; `error::path_too_long` for a Unix path the
    /// system cannot take, `error::empty_endpoint` for an empty one.
    PORTSOCK_API static peer_address from_endpoint(const endpoint& e, std::error_code& ec) noexcept;
    /// The address as an endpoint (empty when there is none).
    PORTSOCK_API endpoint to_endpoint() const noexcept;

    bool empty() const noexcept { return size_ == 0; }
    /// The address's length in bytes and its bytes.
    std::size_t size() const noexcept { return size_; }
    const void* data() const noexcept { return bytes_; }
    void* data() noexcept { return bytes_; }
    /// Sets the length after writing `data()` (at most `capacity`).
    void resize(std::size_t size) noexcept {
        size_ = static_cast<std::uint32_t>(size < capacity ? size : capacity);
    }
    void clear() noexcept { size_ = 0; }

private:
    alignas(8) unsigned char bytes_[capacity];
    std::uint32_t size_ = 0;
};

/// One slot of a datagram batch, owned by the caller.
struct datagram {
    /// Receive: where the datagram goes. Send: its bytes.
    void* data = nullptr;
    /// Receive: the room at `data`. Send: the datagram's length.
    std::size_t size = 0;
    /// Set by the call: the bytes received (at most `size`) or sent.
    std::size_t nbytes = 0;
    /// Set by a receive: the datagram was longer than `size` and was cut to it.
    bool truncated = false;
    /// Receive: the sender. Send: the destination (empty on a connected socket).
    peer_address peer;

    /// Points the slot at a buffer (receive) or at bytes to send.
    void buffer(void* p, std::size_t n) noexcept {
        data = p;
        size = n;
    }
};

}  // namespace portsock
