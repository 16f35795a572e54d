// The poller over POSIX poll(): any POSIX system; on Linux it is chosen with
// PORTSOCK_POLLER=poll (the `poll-only` preset) so that it is tested here.
// Registration keeps a table (add may allocate); wait only scans it.
#include "error.hpp"
#include "poller_support.hpp"
#include "sys.hpp"
#include "wake_pipe.hpp"

#include <poll.h>

#include <vector>

namespace portsock::sys {

struct poller_state {
    wake_pipe waker;
    std::vector<pollfd> fds;            // fds[0] is the wake-up pipe
    std::vector<std::uint64_t> tags;    // tags[k] belongs to fds[k]
    std::size_t next = 1;               // where the next scan starts (fairness)
};

namespace {

short native_interest(event interest) noexcept {
    short out = 0;  // POLLERR, POLLHUP and POLLNVAL are always reported
    if (has(interest, event::readable)) out = static_cast<short>(out | POLLIN);
    if (has(interest, event::writable)) out = static_cast<short>(out | POLLOUT);
    return out;
}

std::size_t find(const poller_state* p, handle h) noexcept {
    for (std::size_t k = 1; k < p->fds.size(); ++k) {
        if (p->fds[k].fd == h) return k;
    }
    return 0;
}

}  // namespace

poller_state* poller_open(std::error_code& ec) noexcept {
    auto* p = new_poller_state<poller_state>(ec);
    if (p == nullptr) return nullptr;
    ec = p->waker.open();
    if (ec) {
        delete p;
        return nullptr;
    }
    try {
        p->fds.push_back({p->waker.read_end, POLLIN, 0});
        p->tags.push_back(0);
    } catch (...) {
        poller_close(p);
        ec = std::make_error_code(std::errc::not_enough_memory);
        return nullptr;
    }
    return p;
}

void poller_close(poller_state* p) noexcept {
    p->waker.close();
    delete p;
}

std::error_code poller_add(poller_state* p, handle h, event interest, std::uint64_t tag) noexcept {
    if (find(p, h) != 0) return std::make_error_code(std::errc::file_exists);  // as epoll says
    try {
        p->fds.push_back({h, native_interest(interest), 0});
        p->tags.push_back(tag);
    } catch (...) {
        if (p->fds.size() > p->tags.size()) p->fds.pop_back();
        return std::make_error_code(std::errc::not_enough_memory);
    }
    return {};
}

std::error_code poller_modify(poller_state* p, handle h, event interest, std::uint64_t tag) noexcept {
    const std::size_t k = find(p, h);
    if (k == 0) return std::make_error_code(std::errc::no_such_file_or_directory);  // as epoll says
    p->fds[k].events = native_interest(interest);
    p->tags[k] = tag;
    return {};
}

std::error_code poller_remove(poller_state* p, handle h) noexcept {
    const std::size_t k = find(p, h);
    if (k == 0) return std::make_error_code(std::errc::no_such_file_or_directory);
    p->fds[k] = p->fds.back();
    p->tags[k] = p->tags.back();
    p->fds.pop_back();
    p->tags.pop_back();
    return {};
}

std::size_t poller_wait(poller_state* p, poll_event* out, std::size_t capacity, wait_limit limit,
                        std::error_code& ec) noexcept {
    for (std::int64_t wait_ns = limit.first_ns;; wait_ns = limit.left_ns()) {
        const int n = ::poll(p->fds.data(), static_cast<nfds_t>(p->fds.size()), to_milliseconds(wait_ns));
        if (n < 0) {
            if (errno == EINTR) continue;
            ec = last_error();
            return 0;
        }
        clear_error(ec);
        bool woken = false;
        if (p->fds[0].revents != 0) {
            p->waker.drain();
            woken = true;
        }
        // Scan from where the last full batch stopped, so that a small
        // `capacity` does not starve the sockets at the end of the table.
        std::size_t count = 0;
        const std::size_t size = p->fds.size();
        std::size_t k = p->next < size ? p->next : 1;
        for (std::size_t seen = 1; seen < size && count < capacity; ++seen) {
            const short r = p->fds[k].revents;
            if (r != 0) {
                event e = event::none;
                if ((r & POLLIN) != 0) e = e | event::readable;
                if ((r & POLLOUT) != 0) e = e | event::writable;
                if ((r & POLLHUP) != 0) e = e | event::hangup;
                if ((r & (POLLERR | POLLNVAL)) != 0) e = e | event::error;
                out[count++] = {p->tags[k], e};
            }
            k = k + 1 < size ? k + 1 : 1;
        }
        p->next = k;
        if (count > 0 || woken || limit.over(wait_ns)) return count;
    }
}

void poller_wake(poller_state* p) noexcept { p->waker.wake(); }

}  // namespace portsock::sys
