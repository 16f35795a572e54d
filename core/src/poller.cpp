// The poller: argument checks and deadlines over the backend's poller_*.
#include <portsock/poller.hpp>

#include "checks.hpp"
#include "sys.hpp"

#include <utility>

namespace portsock {
namespace {

// A wait with a timeout: checked, then turned into a limit that reads the
// clock once (not at all for 0).
PORTSOCK_OUT_OF_LINE std::size_t wait_for(sys::poller_state* p, poll_event* out, std::size_t capacity,
                                          double timeout, std::error_code& ec) noexcept {
    if (!detail::valid_timeout(timeout)) {
        ec = error::bad_timeout;
        return 0;
    }
    sys::wait_limit limit;
    limit.first_ns = detail::timeout_ns(timeout);
    limit.deadline = limit.first_ns == 0 ? sys::clock::time_point::min() : sys::deadline_after(limit.first_ns);
    return sys::poller_wait(p, out, capacity, limit, ec);
}

// A closed poller, no room, or a timeout: out of line, so that a wait
// without a limit is a few tests and a jump to the backend.
PORTSOCK_OUT_OF_LINE std::size_t wait_checked(sys::poller_state* p, poll_event* out, std::size_t capacity,
                                              std::optional<double> timeout, std::error_code& ec) noexcept {
    if (p == nullptr) {
        ec = error::not_open;
        return 0;
    }
    if (capacity == 0) {
        ec = error::empty_buffer;
        return 0;
    }
    if (!timeout) return sys::poller_wait(p, out, capacity, sys::wait_limit{}, ec);
    return wait_for(p, out, capacity, *timeout, ec);
}

}  // namespace

poller::poller(poller&& other) noexcept : state_(std::exchange(other.state_, nullptr)) {}

poller& poller::operator=(poller&& other) noexcept {
    if (this != &other) {
        close();
        state_ = std::exchange(other.state_, nullptr);
    }
    return *this;
}

poller::~poller() { close(); }

void poller::open(std::error_code& ec) noexcept {
    close();
    state_ = sys::poller_open(ec);
}

void poller::close() noexcept {
    if (state_ != nullptr) sys::poller_close(std::exchange(state_, nullptr));
}

void poller::add(const socket& s, event interest, std::uint64_t tag, std::error_code& ec) noexcept {
    ec = !is_open() || !s.is_open() ? make_error_code(error::not_open)
                                    : sys::poller_add(state_, s.native_handle(), interest, tag);
}

void poller::modify(const socket& s, event interest, std::uint64_t tag, std::error_code& ec) noexcept {
    ec = !is_open() || !s.is_open() ? make_error_code(error::not_open)
                                    : sys::poller_modify(state_, s.native_handle(), interest, tag);
}

void poller::remove(const socket& s, std::error_code& ec) noexcept {
    ec = !is_open() || !s.is_open() ? make_error_code(error::not_open)
                                    : sys::poller_remove(state_, s.native_handle());
}

void poller::add(native_handle_type h, event interest, std::uint64_t tag, std::error_code& ec) noexcept {
    ec = !is_open() || h == invalid_native_handle ? make_error_code(error::not_open)
                                                  : sys::poller_add(state_, h, interest, tag);
}

void poller::modify(native_handle_type h, event interest, std::uint64_t tag, std::error_code& ec) noexcept {
    ec = !is_open() || h == invalid_native_handle ? make_error_code(error::not_open)
                                                  : sys::poller_modify(state_, h, interest, tag);
}

void poller::remove(native_handle_type h, std::error_code& ec) noexcept {
    ec = !is_open() || h == invalid_native_handle ? make_error_code(error::not_open)
                                                  : sys::poller_remove(state_, h);
}

std::size_t poller::wait(poll_event* out, std::size_t capacity, std::optional<double> timeout,
                         std::error_code& ec) noexcept {
    // No limit: the clock is never read, and this is a jump to the backend.
    if (state_ != nullptr && capacity != 0 && !timeout) {
        return sys::poller_wait(state_, out, capacity, sys::wait_limit{}, ec);
    }
    return wait_checked(state_, out, capacity, timeout, ec);
}

void poller::wake() noexcept {
    if (state_ != nullptr) sys::poller_wake(state_);
}

std::size_t raise_handle_limit(std::size_t wanted, std::error_code& ec) noexcept {
    return sys::raise_handle_limit(wanted, ec);
}

#if PORTSOCK_HAS_EXCEPTIONS
void poller::open() {
    std::error_code ec;
    open(ec);
    if (ec) throw_error(ec, "poller open");
}

void poller::add(const socket& s, event interest, std::uint64_t tag) {
    std::error_code ec;
    add(s, interest, tag, ec);
    if (ec) throw_error(ec, "poller add " + s.repr());
}

void poller::modify(const socket& s, event interest, std::uint64_t tag) {
    std::error_code ec;
    modify(s, interest, tag, ec);
    if (ec) throw_error(ec, "poller modify " + s.repr());
}

void poller::remove(const socket& s) {
    std::error_code ec;
    remove(s, ec);
    if (ec) throw_error(ec, "poller remove " + s.repr());
}

std::size_t poller::wait(poll_event* out, std::size_t capacity, std::optional<double> timeout) {
    std::error_code ec;
    const std::size_t n = wait(out, capacity, timeout, ec);
    if (ec) throw_error(ec, "poller wait");
    return n;
}
#endif

}  // namespace portsock
