// The fallback Windows poller (poller.cpp chooses it), over Winsock
// select(), whose exceptfds reports a failed non-blocking connect (WSAPoll
// does not on Windows 10 before 2004: curl #8521, POCO #3248). The fd_sets
// are sized to the table (Winsock's fd_set is a count and an array;
// FD_SETSIZE only sizes the default struct). Three master sets are kept up
// to date by add, modify and remove and copied into the sets select()
// overwrites, so wait allocates nothing; a hash table finds a socket's
// entry, so add, modify and remove cost O(1) and wait's work after select()
// is proportional to the sockets it reports ready. wake() sends a datagram
// to a loopback UDP socket that every wait watches.
#include "error.hpp"
#include "poller_support.hpp"
#include "pollers.hpp"

#include <winsock2.h>
#include <windows.h>

#include <cstring>
#include <unordered_map>
#include <vector>

namespace portsock::sys {

namespace {

constexpr std::size_t npos = ~std::size_t{0};

// An fd_set of any size: slot 0 holds the count (fd_set's u_int, padded to
// a SOCKET), the sockets follow, exactly as fd_set lays them out.
struct socket_set {
    std::vector<SOCKET> slots;

    void reserve(std::size_t n) { slots.resize(n + 1); }
    u_int count() const noexcept {
        u_int n;
        std::memcpy(&n, slots.data(), sizeof n);
        return n;
    }
    void set_count(u_int n) noexcept { std::memcpy(slots.data(), &n, sizeof n); }
    SOCKET at(std::size_t k) const noexcept { return slots[k + 1]; }
    // Appends s; returns its position.
    std::size_t push(SOCKET s) noexcept {
        const u_int n = count();
        slots[n + 1] = s;
        set_count(n + 1);
        return n;
    }
    // Removes the socket at position k by moving the last one there; returns
    // the socket that moved (INVALID_SOCKET when k was the last).
    SOCKET erase(std::size_t k) noexcept {
        const u_int last = count() - 1;
        const SOCKET moved = k == last ? INVALID_SOCKET : slots[last + 1];
        slots[k + 1] = slots[last + 1];
        set_count(last);
        return moved;
    }
    // Copies the count and sockets of `from` (same capacity).
    void copy_from(const socket_set& from) noexcept {
        std::memcpy(slots.data(), from.slots.data(), (from.count() + 1) * sizeof(SOCKET));
    }
    fd_set* get() noexcept { return reinterpret_cast<fd_set*>(slots.data()); }
};

static_assert(offsetof(fd_set, fd_array) == sizeof(SOCKET), "fd_set layout: count, then sockets");

struct entry {
    event interest;
    std::uint64_t tag;
    std::size_t read_at = npos;   // position in the master read set
    std::size_t write_at = npos;  // position in the master write set
    std::size_t except_at = npos;  // position in the master except set (always there)
    std::uint64_t reported_in = 0;  // the wait that last reported it
    std::size_t reported_at = 0;    // ... and where in that wait's output
};

}  // namespace

struct select_state {
    SOCKET wake_in = INVALID_SOCKET;   // bound to loopback, watched by every wait
    SOCKET wake_out = INVALID_SOCKET;  // connected to wake_in
    std::unordered_map<SOCKET, entry> entries;
    socket_set master_read, master_write, master_except;  // what is registered
    socket_set read, write, except;                       // what select() returns
    std::uint64_t round = 0;  // the waits so far (stamps entries reported in one)
};

namespace {

std::error_code make_waker(select_state* p) noexcept {
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

// Room in every set for n registered sockets and the wake socket.
std::error_code reserve(select_state* p, std::size_t n) noexcept {
    try {
        for (socket_set* set : {&p->master_read, &p->master_write, &p->master_except, &p->read, &p->write,
                                &p->except}) {
            if (set->slots.size() < n + 2) set->reserve(n + 1);
        }
    } catch (...) {
        return std::make_error_code(std::errc::not_enough_memory);
    }
    return {};
}

// Removes the socket at position `at` of `set`, keeping the entry of the
// socket moved into its place pointing at its new position.
void erase_from(select_state* p, socket_set& set, std::size_t entry::*position, std::size_t& at) noexcept {
    const SOCKET moved = set.erase(at);
    if (moved != INVALID_SOCKET && moved != p->wake_in) p->entries.find(moved)->second.*position = at;
    at = npos;
}

// Puts the socket in or out of the read and write sets as its interest says.
void apply_interest(select_state* p, SOCKET s, entry& e) noexcept {
    const bool reading = has(e.interest, event::readable);
    if (reading && e.read_at == npos) e.read_at = p->master_read.push(s);
    if (!reading && e.read_at != npos) erase_from(p, p->master_read, &entry::read_at, e.read_at);
    const bool writing = has(e.interest, event::writable);
    if (writing && e.write_at == npos) e.write_at = p->master_write.push(s);
    if (!writing && e.write_at != npos) erase_from(p, p->master_write, &entry::write_at, e.write_at);
}

// Adds `ready` to the socket's event in this wait's output: a new event if
// the wait has not reported it yet (and there is room), else the same one.
void report(select_state* p, SOCKET s, event ready, poll_event* out, std::size_t capacity,
            std::size_t& count) noexcept {
    const auto it = p->entries.find(s);
    if (it == p->entries.end()) return;
    entry& e = it->second;
    if (e.reported_in == p->round) {
        out[e.reported_at].events = out[e.reported_at].events | ready;
        return;
    }
    if (count == capacity) return;  // level-triggered: the next wait reports it
    e.reported_in = p->round;
    e.reported_at = count;
    out[count++] = {e.tag, ready};
}

}  // namespace

select_state* select_open(std::error_code& ec) noexcept {
    auto* p = new_poller_state<select_state>(ec);
    if (p == nullptr) return nullptr;
    ec = make_waker(p);
    if (!ec) ec = reserve(p, 0);
    if (ec) {
        select_close(p);
        return nullptr;
    }
    p->master_read.push(p->wake_in);
    return p;
}

void select_close(select_state* p) noexcept {
    if (p->wake_in != INVALID_SOCKET) ::closesocket(p->wake_in);
    if (p->wake_out != INVALID_SOCKET) ::closesocket(p->wake_out);
    delete p;
}

std::error_code select_add(select_state* p, handle h, event interest, std::uint64_t tag) noexcept {
    const auto s = static_cast<SOCKET>(h);
    if (p->entries.count(s) != 0) return std::make_error_code(std::errc::file_exists);
    std::error_code ec = reserve(p, p->entries.size() + 1);
    if (ec) return ec;
    entry* e;
    try {
        e = &p->entries.emplace(s, entry{interest, tag}).first->second;
    } catch (...) {
        return std::make_error_code(std::errc::not_enough_memory);
    }
    e->except_at = p->master_except.push(s);  // errors, a failed connect, always
    apply_interest(p, s, *e);
    return {};
}

std::error_code select_modify(select_state* p, handle h, event interest, std::uint64_t tag) noexcept {
    const auto s = static_cast<SOCKET>(h);
    const auto it = p->entries.find(s);
    if (it == p->entries.end()) return std::make_error_code(std::errc::no_such_file_or_directory);
    it->second.interest = interest;
    it->second.tag = tag;
    apply_interest(p, s, it->second);
    return {};
}

std::error_code select_remove(select_state* p, handle h) noexcept {
    const auto s = static_cast<SOCKET>(h);
    const auto it = p->entries.find(s);
    if (it == p->entries.end()) return std::make_error_code(std::errc::no_such_file_or_directory);
    entry& e = it->second;
    e.interest = event::none;
    apply_interest(p, s, e);
    erase_from(p, p->master_except, &entry::except_at, e.except_at);
    p->entries.erase(it);
    return {};
}

std::size_t select_wait(select_state* p, poll_event* out, std::size_t capacity,
                        wait_limit limit, std::error_code& ec) noexcept {
    for (std::int64_t wait_ns = limit.first_ns;; wait_ns = limit.left_ns()) {
        p->read.copy_from(p->master_read);
        p->write.copy_from(p->master_write);
        p->except.copy_from(p->master_except);
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
        // select() leaves only the ready sockets in each set. Each wait
        // starts at another place in them, so that when more are ready
        // than `capacity` holds, every socket has its turn.
        ++p->round;
        bool woken = false;
        std::size_t count = 0;
        const struct {
            socket_set& set;
            event kind;
        } results[] = {{p->read, event::readable}, {p->write, event::writable}, {p->except, event::error}};
        for (const auto& r : results) {
            const std::size_t ready = r.set.count();
            for (std::size_t seen = 0; seen < ready; ++seen) {
                // The rotation in 64 bits, then an index (size_t is 32 bits
                // on 32-bit Windows, the round count is not).
                const SOCKET s = r.set.at(static_cast<std::size_t>((p->round + seen) % ready));
                if (s == p->wake_in) {
                    woken = true;
                    continue;
                }
                report(p, s, r.kind, out, capacity, count);
            }
        }
        if (woken) {
            char bytes[64];
            while (::recv(p->wake_in, bytes, sizeof bytes, 0) > 0) {
            }
        }
        if (count > 0 || woken || limit.over(wait_ns)) return count;
    }
}

void select_wake(select_state* p) noexcept {
    const char byte = 1;
    ::send(p->wake_out, &byte, 1, 0);
}

}  // namespace portsock::sys
