// The poller over Linux epoll (level-triggered). Chosen by backend.cmake when
// the system has epoll and PORTSOCK_POLLER is auto or epoll.
#include "error.hpp"
#include "poller_support.hpp"
#include "sys.hpp"
#include "wake_pipe.hpp"

#include <sys/epoll.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>

namespace portsock::sys {

struct poller_state {
    int epoll = -1;
    wake_pipe waker;
};

namespace {

// The tag that marks the wake-up pipe; refused for users' sockets.
constexpr std::uint64_t wake_tag = ~std::uint64_t{0};

std::uint32_t native_interest(event interest) noexcept {
    std::uint32_t out = 0;  // EPOLLERR and EPOLLHUP are always reported
    if (has(interest, event::readable)) out |= EPOLLIN;
    if (has(interest, event::writable)) out |= EPOLLOUT;
    return out;
}

std::error_code control(poller_state* p, int op, handle h, event interest, std::uint64_t tag) noexcept {
    if (tag == wake_tag) return std::make_error_code(std::errc::invalid_argument);
    epoll_event e{};
    e.events = native_interest(interest);
    e.data.u64 = tag;
    if (::epoll_ctl(p->epoll, op, h, &e) < 0) return last_error();
    return {};
}

}  // namespace

poller_state* poller_open(std::error_code& ec) noexcept {
    auto* p = new_poller_state<poller_state>(ec);
    if (p == nullptr) return nullptr;
    p->epoll = ::epoll_create1(EPOLL_CLOEXEC);
    if (p->epoll < 0) {
        ec = last_error();
        delete p;
        return nullptr;
    }
    ec = p->waker.open();
    if (!ec) {
        epoll_event e{};
        e.events = EPOLLIN;
        e.data.u64 = wake_tag;
        if (::epoll_ctl(p->epoll, EPOLL_CTL_ADD, p->waker.read_end, &e) < 0) ec = last_error();
    }
    if (ec) {
        poller_close(p);
        return nullptr;
    }
    return p;
}

void poller_close(poller_state* p) noexcept {
    p->waker.close();
    if (p->epoll >= 0) ::close(p->epoll);
    delete p;
}

std::error_code poller_add(poller_state* p, handle h, event interest, std::uint64_t tag) noexcept {
    return control(p, EPOLL_CTL_ADD, h, interest, tag);
}

std::error_code poller_modify(poller_state* p, handle h, event interest, std::uint64_t tag) noexcept {
    return control(p, EPOLL_CTL_MOD, h, interest, tag);
}

std::error_code poller_remove(poller_state* p, handle h) noexcept {
    epoll_event unused{};
    if (::epoll_ctl(p->epoll, EPOLL_CTL_DEL, h, &unused) < 0) return last_error();
    return {};
}

namespace {

// epoll's bits as portsock's events: a table indexed by EPOLLIN, EPOLLPRI,
// EPOLLOUT, EPOLLERR and EPOLLHUP (the values are Linux's ABI, checked here),
// one load per event.
static_assert(EPOLLIN == 0x1 && EPOLLPRI == 0x2 && EPOLLOUT == 0x4 && EPOLLERR == 0x8 && EPOLLHUP == 0x10,
              "epoll's event bits");
constexpr std::array<event, 32> epoll_events = [] {
    std::array<event, 32> t{};
    for (unsigned r = 0; r < 32; ++r) {
        event e = event::none;
        if ((r & EPOLLIN) != 0) e = e | event::readable;
        if ((r & EPOLLOUT) != 0) e = e | event::writable;
        if ((r & EPOLLHUP) != 0) e = e | event::hangup;
        if ((r & EPOLLERR) != 0) e = e | event::error;
        t[r] = e;
    }
    return t;
}();
inline event from_epoll(std::uint32_t r) noexcept { return epoll_events[r & 0x1fu]; }

// epoll writes its events straight into the caller's array (an epoll_event is
// no larger than a poll_event), and each becomes a poll_event in place, the
// last first, so that none is overwritten before it is read: entry k is read
// from bytes [k * 12, k * 12 + 12) (16 on some machines) and written to
// [k * 16, k * 16 + 16). No second array, no copy.
static_assert(sizeof(epoll_event) <= sizeof(poll_event), "an epoll_event fits in a poll_event");

// Converts the `n` events epoll wrote at `out`; returns the index of the
// wake-up pipe's entry, or -1.
inline int convert(poll_event* out, int n) noexcept {
    const auto* bytes = reinterpret_cast<const unsigned char*>(out);
    int wake_at = -1;
    for (int k = n - 1; k >= 0; --k) {
        epoll_event e;
        std::memcpy(&e, bytes + static_cast<std::size_t>(k) * sizeof e, sizeof e);
        if (e.data.u64 == wake_tag) wake_at = k;
        out[k] = {e.data.u64, from_epoll(e.events)};
    }
    return wake_at;
}

// Drops the wake-up pipe's entry (at `wake_at`) from `n` converted events
// and empties the pipe; returns the count left.
int drop_wake(poller_state* p, poll_event* out, int n, int wake_at) noexcept {
    p->waker.drain();
    std::memmove(out + wake_at, out + wake_at + 1, static_cast<std::size_t>(n - wake_at - 1) * sizeof *out);
    return n - 1;
}

// Everything but a wait that found sockets ready: an error, EINTR, a timeout
// that may not be over yet (epoll's milliseconds round), and the waits after
// them. `n` is the first epoll_wait's result (0 or -1). Out of line, so that
// the common case carries none of it.
PORTSOCK_OUT_OF_LINE std::size_t wait_more(poller_state* p, poll_event* out, int room, wait_limit limit, int n,
                                           std::error_code& ec) noexcept {
    for (std::int64_t wait_ns = limit.first_ns;;) {
        if (n < 0 && errno != EINTR) {
            ec = last_error();
            return 0;
        }
        if (n > 0) {
            const int wake_at = convert(out, n);
            if (wake_at >= 0) n = drop_wake(p, out, n, wake_at);
            // A wake-up ends the wait at once, even with nothing else ready.
            if (n > 0 || wake_at >= 0) break;
        } else if (n == 0 && limit.over(wait_ns)) {
            break;  // a timeout, once the deadline is really past
        }
        wait_ns = limit.left_ns();
        n = ::epoll_wait(p->epoll, reinterpret_cast<epoll_event*>(out), room, to_milliseconds(wait_ns));
    }
    clear_error(ec);
    return static_cast<std::size_t>(n);
}

}  // namespace

std::size_t poller_wait(poller_state* p, poll_event* out, std::size_t capacity,
                        wait_limit limit, std::error_code& ec) noexcept {
    // epoll refuses more than INT_MAX / sizeof(epoll_event) at once.
    const int room = static_cast<int>(capacity < 65536 ? capacity : 65536);
    int n = ::epoll_wait(p->epoll, reinterpret_cast<epoll_event*>(out), room, to_milliseconds(limit.first_ns));
    if (n <= 0) return wait_more(p, out, room, limit, n, ec);
    const int wake_at = convert(out, n);
    if (wake_at >= 0) n = drop_wake(p, out, n, wake_at);
    clear_error(ec);
    return static_cast<std::size_t>(n);
}

void poller_wake(poller_state* p) noexcept { p->waker.wake(); }

}  // namespace portsock::sys
