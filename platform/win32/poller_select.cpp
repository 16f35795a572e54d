// The poller over Winsock select(), whose exceptfds reports a failed
// non-blocking connect (WSAPoll does not on Windows 10 before 2004: curl
// #8521, POCO #3248). The fd_sets are sized to the table (Winsock's fd_set is
// a count and an array; FD_SETSIZE only sizes the default struct), kept
// between calls, so wait allocates nothing. wake() sends a datagram to a
// loopback UDP socket that every wait watches.
#include "error.hpp"
#include "poller_support.hpp"
#include "sys.hpp"

#include <winsock2.h>
#include <windows.h>

#include <cstring>
#include <vector>

namespace portsock::sys {

namespace {

// An fd_set of any size: slot 0 holds the count (fd_set's u_int, padded to
// a SOCKET), the sockets follow, exactly as fd_set lays them out.
struct socket_set {
    std::vector<SOCKET> slots;

    void reserve(std::size_t n) { slots.resize(n + 1); }
    void clear() noexcept { set_count(0); }
    void push(SOCKET s) noexcept {
        const u_int n = count();
        slots[n + 1] = s;
        set_count(n + 1);
    }
    u_int count() const noexcept {
        u_int n;
        std::memcpy(&n, slots.data(), sizeof n);
        return n;
    }
    void set_count(u_int n) noexcept { std::memcpy(slots.data(), &n, sizeof n); }
    bool contains(SOCKET s) const noexcept {
        const u_int n = count();
        for (u_int k = 0; k < n; ++k) {
            if (slots[k + 1] == s) return true;
        }
        return false;
    }
    fd_set* get() noexcept { return reinterpret_cast<fd_set*>(slots.data()); }
};

static_assert(offsetof(fd_set, fd_array) == sizeof(SOCKET), "fd_set layout: count, then sockets");

struct entry {
    SOCKET socket;
    event interest;
    std::uint64_t tag;
};

}  // namespace

struct poller_state {
    SOCKET wake_in = INVALID_SOCKET;   // bound to loopback, watched by every wait
    SOCKET wake_out = INVALID_SOCKET;  // connected to wake_in
    std::vector<entry> entries;
    socket_set read, write, except;
    std::size_t next = 0;  // where the next scan starts (fairness)
};

namespace {

std::error_code make_waker(poller_state* p) noexcept {
    std::error_code ec;
    const handle in = open(family::inet, type::dgram, 0, ec);
    if (ec) return ec;
    p->wake_in = static_cast<SOCKET>(in);
    const handle out = open(family::inet, type::dgram, 0, ec);
    if (ec) return ec;
    p->wake_out = static_cast<SOCKET>(out);
    endpoint bound;
    ec = bind(in, endpoint::v4({127, 0, 0, 1}, 0));
    if (!ec) ec = getsockname(in, bound);
    if (!ec) ec = connect(out, bound);
    if (!ec) ec = set_nonblocking(in, true);
    if (!ec) ec = set_nonblocking(out, true);
    return ec;
}

std::error_code reserve(poller_state* p) noexcept {
    try {
        const std::size_t n = p->entries.size() + 1;
        p->read.reserve(n);
        p->write.reserve(n);
        p->except.reserve(n);
    } catch (...) {
        return std::make_error_code(std::errc::not_enough_memory);
    }
    return {};
}

entry* find(poller_state* p, handle h) noexcept {
    for (entry& e : p->entries) {
        if (e.socket == static_cast<SOCKET>(h)) return &e;
    }
    return nullptr;
}

}  // namespace

poller_state* poller_open(std::error_code& ec) noexcept {
    auto* p = new_poller_state<poller_state>(ec);
    if (p == nullptr) return nullptr;
    ec = make_waker(p);
    if (!ec) ec = reserve(p);
    if (ec) {
        poller_close(p);
        return nullptr;
    }
    return p;
}

void poller_close(poller_state* p) noexcept {
    if (p->wake_in != INVALID_SOCKET) ::closesocket(p->wake_in);
    if (p->wake_out != INVALID_SOCKET) ::closesocket(p->wake_out);
    delete p;
}

std::error_code poller_add(poller_state* p, handle h, event interest, std::uint64_t tag) noexcept {
    if (find(p, h) != nullptr) return std::make_error_code(std::errc::file_exists);
    try {
        p->entries.push_back({static_cast<SOCKET>(h), interest, tag});
    } catch (...) {
        return std::make_error_code(std::errc::not_enough_memory);
    }
    const std::error_code ec = reserve(p);
    if (ec) p->entries.pop_back();
    return ec;
}

std::error_code poller_modify(poller_state* p, handle h, event interest, std::uint64_t tag) noexcept {
    entry* e = find(p, h);
    if (e == nullptr) return std::make_error_code(std::errc::no_such_file_or_directory);
    e->interest = interest;
    e->tag = tag;
    return {};
}

std::error_code poller_remove(poller_state* p, handle h) noexcept {
    entry* e = find(p, h);
    if (e == nullptr) return std::make_error_code(std::errc::no_such_file_or_directory);
    *e = p->entries.back();
    p->entries.pop_back();
    return {};
}

std::size_t poller_wait(poller_state* p, poll_event* out, std::size_t capacity,
                        wait_limit limit, std::error_code& ec) noexcept {
    for (std::int64_t wait_ns = limit.first_ns;; wait_ns = limit.left_ns()) {
        p->read.clear();
        p->write.clear();
        p->except.clear();
        p->read.push(p->wake_in);
        for (const entry& e : p->entries) {
            if (has(e.interest, event::readable)) p->read.push(e.socket);
            if (has(e.interest, event::writable)) p->write.push(e.socket);
            p->except.push(e.socket);  // errors, a failed connect, always
        }
        timeval tv{};
        timeval* timeout = nullptr;
        if (wait_ns >= 0) {
            auto us = (wait_ns + 999) / 1000;
            if (us > 1000000000LL) us = 1000000000LL;  // a long wait goes in slices
            tv.tv_sec = static_cast<long>(us / 1000000);
            tv.tv_usec = static_cast<long>(us % 1000000);
            timeout = &tv;
        }
        const int n = ::select(0, p->read.get(), p->write.get(), p->except.get(), timeout);
        if (n == SOCKET_ERROR) {
            ec = last_error();
            return 0;
        }
        clear_error(ec);
        bool woken = false;
        if (p->read.contains(p->wake_in)) {
            char bytes[64];
            while (::recv(p->wake_in, bytes, sizeof bytes, 0) > 0) {
            }
            woken = true;
        }
        std::size_t count = 0;
        const std::size_t size = p->entries.size();
        std::size_t k = p->next < size ? p->next : 0;
        for (std::size_t seen = 0; seen < size && count < capacity && n > 0; ++seen) {
            const entry& e = p->entries[k];
            event ready = event::none;
            if (has(e.interest, event::readable) && p->read.contains(e.socket)) ready = ready | event::readable;
            if (has(e.interest, event::writable) && p->write.contains(e.socket)) ready = ready | event::writable;
            if (p->except.contains(e.socket)) ready = ready | event::error;
            if (ready != event::none) out[count++] = {e.tag, ready};
            k = k + 1 < size ? k + 1 : 0;
        }
        p->next = k;
        if (count > 0 || woken || limit.over(wait_ns)) return count;
    }
}

void poller_wake(poller_state* p) noexcept {
    const char byte = 1;
    ::send(p->wake_out, &byte, 1, 0);
}

}  // namespace portsock::sys
