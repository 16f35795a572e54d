// Datagram batches: socket::recv_many / send_many (datagram.hpp) and
// peer_address's conversions, over sys::recv_many / sys::send_many
// (platform/<backend>/batch.cpp). Timeout modes as in socket.cpp: with a
// deadline, a batch that would block with none moved waits and tries again.
#include <portsock/datagram.hpp>
#include <portsock/socket.hpp>

#include "sys.hpp"

namespace portsock {

peer_address peer_address::from_endpoint(const endpoint& e, std::error_code& ec) noexcept {
    peer_address p;
    if (e.empty()) {
        ec = error::empty_endpoint;
        return p;
    }
    p.resize(sys::to_sockaddr(e, p.data(), capacity, ec));
    return p;
}

endpoint peer_address::to_endpoint() const noexcept {
    if (size_ == 0) return {};
    std::error_code ec;
    endpoint e = sys::from_sockaddr(bytes_, size_, ec);
    return ec ? endpoint{} : e;
}

namespace {

bool batch_ok(bool open, msg flags, std::size_t count, std::error_code& ec) noexcept {
    if (!open) {
        ec = error::not_open;
        return false;
    }
    if (flags != msg::none && !sys::flags_supported(flags)) {
        ec = error::not_supported;
        return false;
    }
    if (count == 0) {
        sys::clear_error(ec);
        return false;
    }
    return true;
}

// With a deadline: a batch that would block with none moved waits for
// readiness and tries again, until the deadline. Out of line, as in
// socket.cpp, so that the other two modes end in a jump to the backend.
template <class Op>
std::size_t batch_with_deadline(native_handle_type h, std::int64_t timeout_ns, sys::direction dir,
                                std::error_code& ec, Op op) noexcept {
    std::size_t n = op(ec);
    if (!ec || !would_block(ec)) return n;
    const auto deadline = sys::deadline_after(timeout_ns);
    for (;;) {
        ec = sys::wait(h, dir, deadline);
        if (ec) return 0;
        n = op(ec);
        if (!ec || !would_block(ec)) return n;
    }
}

PORTSOCK_OUT_OF_LINE std::size_t recv_many_with_deadline(native_handle_type h, std::int64_t timeout_ns,
                                                         datagram* slots, std::size_t count, msg flags,
                                                         std::error_code& ec) noexcept {
    return batch_with_deadline(h, timeout_ns, sys::direction::read, ec, [&](std::error_code& e) {
        return sys::recv_many(h, slots, count, flags, true, e);
    });
}

PORTSOCK_OUT_OF_LINE std::size_t send_many_with_deadline(native_handle_type h, std::int64_t timeout_ns,
                                                         datagram* slots, std::size_t count, msg flags,
                                                         std::error_code& ec) noexcept {
    return batch_with_deadline(h, timeout_ns, sys::direction::write, ec, [&](std::error_code& e) {
        return sys::send_many(h, slots, count, flags, e);
    });
}

// A closed socket, flags, an empty batch or a deadline: out of line, so that
// the common case is a few tests and a jump to the backend.
PORTSOCK_OUT_OF_LINE std::size_t recv_many_checked(native_handle_type h, std::int64_t timeout_ns, datagram* slots,
                                                   std::size_t count, msg flags, std::error_code& ec) noexcept {
    if (!batch_ok(h != invalid_native_handle, flags, count, ec)) return 0;
    if (timeout_ns > 0) return recv_many_with_deadline(h, timeout_ns, slots, count, flags, ec);
    return sys::recv_many(h, slots, count, flags, timeout_ns == 0, ec);
}

PORTSOCK_OUT_OF_LINE std::size_t send_many_checked(native_handle_type h, std::int64_t timeout_ns, datagram* slots,
                                                   std::size_t count, msg flags, std::error_code& ec) noexcept {
    if (!batch_ok(h != invalid_native_handle, flags, count, ec)) return 0;
    if (timeout_ns > 0) return send_many_with_deadline(h, timeout_ns, slots, count, flags, ec);
    return sys::send_many(h, slots, count, flags, ec);
}

}  // namespace

std::size_t socket::recv_many(datagram* slots, std::size_t count, std::error_code& ec, msg flags) noexcept {
    if (!is_open() || flags != msg::none || count == 0 || timeout_ns_ > 0) {
        return recv_many_checked(handle_, timeout_ns_, slots, count, flags, ec);
    }
    return sys::recv_many(handle_, slots, count, flags, timeout_ns_ == 0, ec);
}

std::size_t socket::send_many(datagram* slots, std::size_t count, std::error_code& ec, msg flags) noexcept {
    if (!is_open() || flags != msg::none || count == 0 || timeout_ns_ > 0) {
        return send_many_checked(handle_, timeout_ns_, slots, count, flags, ec);
    }
    return sys::send_many(handle_, slots, count, flags, ec);
}

#if PORTSOCK_HAS_EXCEPTIONS
std::size_t socket::recv_many(datagram* slots, std::size_t count, msg flags) {
    std::error_code ec;
    const std::size_t n = recv_many(slots, count, ec, flags);
    if (ec) fail(ec, "recv_many");
    return n;
}

std::size_t socket::send_many(datagram* slots, std::size_t count, msg flags) {
    std::error_code ec;
    const std::size_t n = send_many(slots, count, ec, flags);
    if (ec) fail(ec, "send_many");
    return n;
}
#endif

}  // namespace portsock
