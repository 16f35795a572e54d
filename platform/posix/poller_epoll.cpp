// The poller over Linux epoll (level-triggered). Chosen by backend.cmake when
// the system has epoll and PORTSOCK_POLLER is auto or epoll.
#include "error.hpp"
#include "poller_support.hpp"
#include "sys.hpp"
#include "wake_pipe.hpp"

#include <sys/epoll.h>
#include <unistd.h>

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

// epoll's bits as portsock's events, by shifts rather than four tests (the
// values are Linux's ABI, checked here).
static_assert(EPOLLIN == 0x1 && EPOLLOUT == 0x4 && EPOLLERR == 0x8 && EPOLLHUP == 0x10, "epoll's event bits");
static_assert(static_cast<unsigned>(event::readable) == 1 && static_cast<unsigned>(event::writable) == 2 &&
                  static_cast<unsigned>(event::hangup) == 4 && static_cast<unsigned>(event::error) == 8,
              "portsock's event bits");
inline event from_epoll(std::uint32_t r) noexcept {
    return static_cast<event>((r & 0x1u) | ((r >> 1) & 0x2u) | ((r >> 2) & 0x4u) | (r & 0x8u));
}

// epoll writes its events straight into the caller's array (an epoll_event is
// no larger than a poll_event), and each becomes a poll_event in place, the
// last first, so that none is overwritten before it is read: entry k is read
// from bytes [k * 12, k * 12 + 12) (16 on some machines) and written to
// [k * 16, k * 16 + 16). No second array, no copy.
static_assert(sizeof(epoll_event) <= sizeof(poll_event), "an epoll_event fits in a poll_event");

std::size_t poller_wait(poller_state* p, poll_event* out, std::size_t capacity,
                        wait_limit limit, std::error_code& ec) noexcept {
    // epoll refuses more than INT_MAX / sizeof(epoll_event) at once.
    const int room = static_cast<int>(capacity < 65536 ? capacity : 65536);
    auto* bytes = reinterpret_cast<unsigned char*>(out);
    for (std::int64_t wait_ns = limit.first_ns;; wait_ns = limit.left_ns()) {
        int n = ::epoll_wait(p->epoll, reinterpret_cast<epoll_event*>(out), room, to_milliseconds(wait_ns));
        if (n < 0) {
            if (errno == EINTR) continue;
            ec = last_error();
            return 0;
        }
        int wake_at = -1;
        for (int k = n - 1; k >= 0; --k) {
            epoll_event e;
            std::memcpy(&e, bytes + static_cast<std::size_t>(k) * sizeof e, sizeof e);
            if (e.data.u64 == wake_tag) wake_at = k;
            out[k] = {e.data.u64, from_epoll(e.events)};
        }
        if (wake_at >= 0) {
            p->waker.drain();
            std::memmove(out + wake_at, out + wake_at + 1, static_cast<std::size_t>(n - wake_at - 1) * sizeof *out);
            --n;
        }
        // Nothing ready: a timeout ends the wait only when the deadline is
        // really past (epoll's milliseconds may round), a wake-up at once.
        if (n > 0 || wake_at >= 0 || limit.over(wait_ns)) {
            clear_error(ec);
            return static_cast<std::size_t>(n);
        }
    }
}

void poller_wake(poller_state* p) noexcept { p->waker.wake(); }

}  // namespace portsock::sys
