// The poller over kqueue (macOS, the BSDs: the default where the system has
// kqueue), level-triggered like the others. On Linux the kqueue-on-linux
// preset runs it over a model of kqueue (tests/support/posix/kqueue_model).
#include "error.hpp"
#include "poller_support.hpp"
#include "sys.hpp"
#include "wake_pipe.hpp"

#include <sys/types.h>
#include <sys/event.h>
#include <sys/time.h>
#include <fcntl.h>
#include <unistd.h>

#include <cstring>
#include <unordered_set>

namespace portsock::sys {

// The most kevents one wait asks for.
constexpr std::size_t most_events = 256;

struct poller_state {
    int kq = -1;
    wake_pipe waker;
    std::unordered_set<int> registered;  // so that add/modify/remove fail as epoll's do
    // kevents a wait received but had no room to report (see poller_wait):
    // the next wait reports them first.
    struct kevent carried[most_events];
    std::size_t carried_count = 0;
};

namespace {

// The tag that marks the wake-up pipe; refused for users' sockets. Tags
// travel in udata, a pointer: on 32-bit systems they keep their low 32 bits.
constexpr std::uint64_t wake_tag = ~std::uint64_t{0};

void* to_udata(std::uint64_t tag) noexcept { return reinterpret_cast<void*>(static_cast<std::uintptr_t>(tag)); }
std::uint64_t from_udata(void* udata) noexcept { return reinterpret_cast<std::uintptr_t>(udata); }

// Forgets what a wait carried over for h: its interest or its tag changed,
// or it is no longer registered.
void drop_carried(poller_state* p, handle h) noexcept {
    std::size_t kept = 0;
    for (std::size_t k = 0; k < p->carried_count; ++k) {
        if (p->carried[k].ident != static_cast<std::uintptr_t>(h)) p->carried[kept++] = p->carried[k];
    }
    p->carried_count = kept;
}

// Sets both filters: added and enabled when wanted, deleted when not (a
// delete of a filter that was never added fails with ENOENT, which is fine).
std::error_code apply(poller_state* p, handle h, event interest, std::uint64_t tag) noexcept {
    struct kevent changes[2];
    const bool read = has(interest, event::readable), write = has(interest, event::writable);
    const auto ident = static_cast<std::uintptr_t>(h);
    EV_SET(&changes[0], ident, EVFILT_READ, read ? EV_ADD | EV_ENABLE : EV_DELETE, 0, 0, to_udata(tag));
    EV_SET(&changes[1], ident, EVFILT_WRITE, write ? EV_ADD | EV_ENABLE : EV_DELETE, 0, 0, to_udata(tag));
    for (struct kevent& change : changes) {
        if (::kevent(p->kq, &change, 1, nullptr, 0, nullptr) < 0 && !(change.flags & EV_DELETE && errno == ENOENT)) {
            return last_error();
        }
    }
    return {};
}

}  // namespace

poller_state* poller_open(std::error_code& ec) noexcept {
    auto* p = new_poller_state<poller_state>(ec);
    if (p == nullptr) return nullptr;
#if PORTSOCK_HAVE_KQUEUE1
    p->kq = ::kqueue1(O_CLOEXEC);  // close-on-exec from the start (NetBSD, FreeBSD 14 and later)
    if (p->kq < 0) {
#else
    p->kq = ::kqueue();
    if (p->kq < 0 || ::fcntl(p->kq, F_SETFD, FD_CLOEXEC) < 0) {
#endif
        ec = last_error();
        poller_close(p);
        return nullptr;
    }
    ec = p->waker.open();
    if (!ec) {
        struct kevent change;
        EV_SET(&change, static_cast<std::uintptr_t>(p->waker.read_end), EVFILT_READ, EV_ADD, 0, 0, to_udata(wake_tag));
        if (::kevent(p->kq, &change, 1, nullptr, 0, nullptr) < 0) ec = last_error();
    }
    if (ec) {
        poller_close(p);
        return nullptr;
    }
    return p;
}

void poller_close(poller_state* p) noexcept {
    p->waker.close();
    if (p->kq >= 0) ::close(p->kq);
    delete p;
}

std::error_code poller_add(poller_state* p, handle h, event interest, std::uint64_t tag) noexcept {
    if (tag == wake_tag) return std::make_error_code(std::errc::invalid_argument);
    if (p->registered.count(h) != 0) return std::make_error_code(std::errc::file_exists);
    try {
        p->registered.insert(h);
    } catch (...) {
        return std::make_error_code(std::errc::not_enough_memory);
    }
    drop_carried(p, h);  // a closed socket's, whose number this one took
    const std::error_code ec = apply(p, h, interest, tag);
    if (ec) p->registered.erase(h);
    return ec;
}

std::error_code poller_modify(poller_state* p, handle h, event interest, std::uint64_t tag) noexcept {
    if (tag == wake_tag) return std::make_error_code(std::errc::invalid_argument);
    if (p->registered.count(h) == 0) return std::make_error_code(std::errc::no_such_file_or_directory);
    drop_carried(p, h);
    return apply(p, h, interest, tag);
}

std::error_code poller_remove(poller_state* p, handle h) noexcept {
    if (p->registered.erase(h) == 0) return std::make_error_code(std::errc::no_such_file_or_directory);
    drop_carried(p, h);
    return apply(p, h, event::none, 0);
}

std::size_t poller_wait(poller_state* p, poll_event* out, std::size_t capacity,
                        wait_limit limit, std::error_code& ec) noexcept {
    struct kevent events[most_events];
    // Which poll_event holds a socket (by ident): an open-addressed table
    // twice the size of the kevents, so a wait stays linear in what it got.
    // seen[] holds 1 + the poll_event's index, 0 for a free slot.
    constexpr std::size_t table_size = 2 * most_events;
    std::uint16_t seen[table_size];
    std::uintptr_t ident_of[most_events];
    // A socket has two filters, read and write, and kqueue returns them as
    // two kevents, not always next to each other; one wait reports each
    // socket once with both. So a wait asks for up to two kevents per
    // poll_event it may fill. What it then has no room for is carried to the
    // next wait, which reports it first: dropping it would be unfair, as
    // kqueue requeues a returned event behind the others, so with a small
    // capacity the same sockets would be dropped every time.
    const std::size_t want = capacity < most_events / 2 ? 2 * capacity : most_events;
    for (std::int64_t wait_ns = limit.first_ns;; wait_ns = limit.left_ns()) {
        std::size_t n = p->carried_count;
        std::memcpy(events, p->carried, n * sizeof events[0]);
        p->carried_count = 0;
        if (n < want) {
            // With carried events in hand, only a look: no waiting.
            timespec ts{};
            timespec* timeout = nullptr;
            if (n > 0) wait_ns = 0;
            if (wait_ns >= 0) {
                // A long wait goes in slices of at most a day, which a 32-bit
                // time_t holds (the BSDs on i386): the loop waits again until
                // the deadline.
                constexpr std::int64_t day_ns = 86400 * std::int64_t{1000000000};
                const std::int64_t slice = wait_ns < day_ns ? wait_ns : day_ns;
                ts.tv_sec = static_cast<time_t>(slice / 1000000000);
                ts.tv_nsec = static_cast<long>(slice % 1000000000);
                timeout = &ts;
            }
            const int got = ::kevent(p->kq, nullptr, 0, events + n, static_cast<int>(want - n), timeout);
            if (got < 0 && errno == EINTR && n == 0) continue;
            if (got < 0 && errno != EINTR) {
                // The carried events are not lost: they stay for the next wait.
                std::memcpy(p->carried, events, n * sizeof events[0]);
                p->carried_count = n;
                ec = last_error();
                return 0;
            }
            if (got > 0) n += static_cast<std::size_t>(got);
        }
        clear_error(ec);
        std::size_t count = 0;
        bool woken = false;
        if (n > 0) std::memset(seen, 0, sizeof seen);
        for (std::size_t k = 0; k < n; ++k) {
            const std::uint64_t tag = from_udata(events[k].udata);
            if (tag == wake_tag) {
                p->waker.drain();
                woken = true;
                continue;
            }
            event e = events[k].filter == EVFILT_READ ? event::readable : event::writable;
            // EV_EOF on the write side: the peer is gone; fflags holds a
            // pending socket error (a refused connect, a reset).
            if ((events[k].flags & EV_EOF) != 0 && events[k].filter == EVFILT_WRITE) e = e | event::hangup;
            if ((events[k].flags & EV_ERROR) != 0 || ((events[k].flags & EV_EOF) != 0 && events[k].fflags != 0)) {
                e = e | event::error;
            }
            // A socket's read and write filters arrive as two kevents, not
            // always next to each other: one poll_event per socket.
            const std::uintptr_t ident = events[k].ident;
            std::size_t at = (ident * 0x9e3779b9u) & (table_size - 1);
            while (seen[at] != 0 && ident_of[seen[at] - 1] != ident) at = (at + 1) & (table_size - 1);
            if (seen[at] != 0) {
                poll_event& same = out[seen[at] - 1];
                same.events = same.events | e;
            } else if (count < capacity) {
                seen[at] = static_cast<std::uint16_t>(count + 1);
                ident_of[count] = ident;
                out[count++] = {tag, e};
            } else {
                p->carried[p->carried_count++] = events[k];
            }
        }
        if (count > 0 || woken || limit.over(wait_ns)) return count;
    }
}

void poller_wake(poller_state* p) noexcept { p->waker.wake(); }

}  // namespace portsock::sys
