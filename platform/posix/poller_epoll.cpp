// The poller over Linux epoll (level-triggered). Chosen by backend.cmake when
// the system has epoll and PORTSOCK_POLLER is auto or epoll.
#include "error.hpp"
#include "sys.hpp"
#include "wake_pipe.hpp"

#include <sys/epoll.h>
#include <unistd.h>

#include <new>

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
    auto* p = new (std::nothrow) poller_state;
    if (p == nullptr) {
        ec = std::make_error_code(std::errc::not_enough_memory);
        return nullptr;
    }
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

// epoll's bits as portsock's events, by shifts rather than four tests (the
// values are Linux's ABI, checked here).
static_assert(EPOLLIN == 0x1 && EPOLLOUT == 0x4 && EPOLLERR == 0x8 && EPOLLHUP == 0x10, "epoll's event bits");
static_assert(static_cast<unsigned>(event::readable) == 1 && static_cast<unsigned>(event::writable) == 2 &&
                  static_cast<unsigned>(event::hangup) == 4 && static_cast<unsigned>(event::error) == 8,
              "portsock's event bits");
inline event from_epoll(std::uint32_t r) noexcept {
    return static_cast<event>((r & 0x1u) | ((r >> 1) & 0x2u) | ((r >> 2) & 0x4u) | (r & 0x8u));
}

std::size_t poller_wait(poller_state* p, poll_event* out, std::size_t capacity,
                        wait_limit limit, std::error_code& ec) noexcept {
    epoll_event events[256];
    const int room = static_cast<int>(capacity < 256 ? capacity : 256);
    for (std::int64_t wait_ns = limit.first_ns;; wait_ns = limit.left_ns()) {
        const int n = ::epoll_wait(p->epoll, events, room, to_milliseconds(wait_ns));
        if (n < 0) {
            if (errno == EINTR) continue;
            ec = last_error();
            return 0;
        }
        no_error(ec);
        std::size_t count = 0;
        bool woken = false;
        for (int k = 0; k < n; ++k) {
            if (events[k].data.u64 == wake_tag) {
                p->waker.drain();
                woken = true;
                continue;
            }
            out[count++] = {events[k].data.u64, from_epoll(events[k].events)};
        }
        // Nothing ready: a timeout ends the wait only when the deadline is
        // really past (epoll's milliseconds may round), a wake-up at once.
        if (count > 0 || woken || limit.over(wait_ns)) return count;
    }
}

void poller_wake(poller_state* p) noexcept { p->waker.wake(); }

}  // namespace portsock::sys
