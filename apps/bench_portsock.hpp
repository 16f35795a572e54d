// sockbench's network layer over portsock. The workloads in sockbench.cpp are
// templates over a "net" policy; this one makes portsock calls, and
// apps/<posix|win32>/bench_raw.hpp makes the same calls with raw system
// calls, so one run can compare the two doing exactly the same work.
//
// A policy provides (all static, all inline, none throwing):
//   sock, address              an owned socket and a resolved address
//   resolve(host, port, udp, address&)       setup only (may allocate)
//   connect(sock&, address)    a blocking TCP connection with TCP_NODELAY
//   listen(sock&, address, udp, port&)       a non-blocking server socket
//   accept(listener, sock&)    one non-blocking accept; false when none
//   open_udp(sock&, address)   an unbound datagram socket of that family
//   send, recv, sendto, recvfrom             one system call each; return the
//                              count, or -1 on error, or -2 when it would block
//   set_nonblocking(sock&), close(sock&), shutdown_write(sock&), error_text()
//   poller: open, add/modify(sock, read, write, tag), remove, wait(ms) and,
//           for the k-th ready event, tag(k), readable(k), writable(k), failed(k)
#pragma once

#include <portsock/portsock.hpp>

#include <array>
#include <cstdint>
#include <string>

namespace bench {

struct portsock_net {
    using sock = portsock::socket;
    using address = portsock::endpoint;

    // The last error of this thread, for error_text().
    static std::error_code& last() {
        thread_local std::error_code ec;
        return ec;
    }
    static std::string error_text() { return last().message(); }

    static long result(std::size_t n, const std::error_code& ec) {
        if (!ec) return static_cast<long>(n);
        return portsock::would_block(ec) ? -2 : -1;
    }

    static bool resolve(const std::string& host, int port, bool udp, address& out) {
        auto infos = portsock::getaddrinfo(host, port, portsock::family::unspec,
                                           udp ? portsock::type::dgram : portsock::type::stream, 0,
                                           portsock::ai::none, last());
        if (last()) return false;
        if (infos.empty()) return last() = portsock::error::no_address, false;
        out = infos.front().address;
        return true;
    }

    static bool connect(sock& s, const address& to) {
        std::error_code& ec = last();
        s.open(to.family(), portsock::type::stream, 0, ec);
        if (!ec) s.connect(to, ec);
        if (!ec) s.setsockopt(portsock::opt::no_delay, true, ec);
        return !ec;
    }

    static bool listen(sock& s, const address& at, bool udp, int& port) {
        std::error_code& ec = last();
        s.open(at.family(), udp ? portsock::type::dgram : portsock::type::stream, 0, ec);
        if (!ec) s.setsockopt(portsock::opt::reuse_address, true, ec);
        if (!ec) s.bind(at, ec);
        if (!ec && !udp) s.listen(1024, ec);
        if (!ec) s.setblocking(false, ec);
        if (!ec) port = s.getsockname(ec).port();
        return !ec;
    }

    static bool accept(sock& listener, sock& out) {
        std::error_code& ec = last();
        auto [conn, peer] = listener.accept(ec);
        if (ec) return false;
        conn.setsockopt(portsock::opt::no_delay, true, ec);
        out = std::move(conn);
        return true;
    }

    static bool open_udp(sock& s, const address& like) {
        s.open(like.family(), portsock::type::dgram, 0, last());
        return !last();
    }

    static void set_nonblocking(sock& s) { s.setblocking(false, last()); }
    static void close(sock& s) { s.close(last()); }
    static void shutdown_write(sock& s) { s.shutdown(portsock::shut::wr, last()); }

    // The data calls reuse this thread's error_code, as a program that
    // declares one outside its loop does.
    static long send(sock& s, const void* data, std::size_t size) {
        std::error_code& ec = last();
        return result(s.send(data, size, ec), ec);
    }
    static long recv(sock& s, void* buffer, std::size_t size) {
        std::error_code& ec = last();
        return result(s.recv_into(buffer, size, ec), ec);
    }
    static long sendto(sock& s, const void* data, std::size_t size, const address& to) {
        std::error_code& ec = last();
        return result(s.sendto(data, size, to, ec), ec);
    }
    static long recvfrom(sock& s, void* buffer, std::size_t size, address& from) {
        std::error_code& ec = last();
        const auto r = s.recvfrom_into(buffer, size, ec);
        if (!ec) from = r.address;  // only for a datagram, as a careful program does
        return result(r.nbytes, ec);
    }

    class poller {
    public:
        bool open() { return p_.open(last()), !last(); }
        bool add(sock& s, bool read, bool write, std::uint64_t tag) {
            return p_.add(s, interest(read, write), tag, last()), !last();
        }
        bool modify(sock& s, bool read, bool write, std::uint64_t tag) {
            return p_.modify(s, interest(read, write), tag, last()), !last();
        }
        void remove(sock& s) { p_.remove(s, last()); }
        /// The poller a stop signal wakes (see app::handle_stop_signals).
        portsock::poller* wakeable() { return &p_; }
        /// Waits up to `ms` milliseconds (-1: no limit); returns the count.
        int wait(int ms) {
            std::error_code& ec = last();
            const std::size_t n = p_.wait(ready_, ms < 0 ? std::nullopt : std::optional<double>(ms / 1000.0), ec);
            return ec ? -1 : static_cast<int>(n);
        }
        std::uint64_t tag(int k) const { return ready_[static_cast<std::size_t>(k)].tag; }
        bool readable(int k) const { return has(ready_[static_cast<std::size_t>(k)].events, portsock::event::readable); }
        bool writable(int k) const { return has(ready_[static_cast<std::size_t>(k)].events, portsock::event::writable); }
        bool failed(int k) const {
            return has(ready_[static_cast<std::size_t>(k)].events, portsock::event::hangup | portsock::event::error);
        }

    private:
        static portsock::event interest(bool read, bool write) {
            return (read ? portsock::event::readable : portsock::event::none) |
                   (write ? portsock::event::writable : portsock::event::none);
        }
        portsock::poller p_;
        std::array<portsock::poll_event, 256> ready_;
    };
};

}  // namespace bench
