// sockbench: load generator and reference servers, each written once as a
// template over a network "policy" and built twice: over portsock
// (bench_portsock.hpp) and over raw system calls (bench_raw.hpp, one per
// backend). So `sockbench pingpong` and `sockbench pingpong --raw` do exactly
// the same work, one through the library and one without it, and a script
// (ci/bench.sh) runs them side by side and prints ratios.
//
//   sockbench thankyou|pingpong|concurrent|bulk|udp [--host H] [--port P]
//             [--raw] [--json] [--seconds S] [--count M] [--clients K]
//             [--size B] [--connections N] [--pause-us U]
//   sockbench udp-batch [--host H] [--port P] [--batch N] [--size B] ...
//   sockbench pollwait [--host H] [--raw] [--json] [--seconds S] [--count M]
//             [--registered N] [--ready K]
//   sockbench serve|serve-raw thankyou|echo|udp|udp-batch [--host H] [--port P]
//   sockbench timers [--count N] [--json]
//
// Workloads (clients):
//   thankyou    connect, read the 40 bytes to end of stream, close; K clients
//               (threads) at once: connections per second and latency
//   pingpong    one connection, B-byte messages: round trips per second, p50/p99
//   concurrent  N connections each with one B-byte message in flight (one
//               thread, one poller): messages per second, p50/p99
//   bulk        one connection streaming 64 KiB writes through an echo server
//               while the echo is read back: GB/s (10^9 bytes per second)
//   udp         B-byte datagram round trips, one in flight: per second,
//               p50/p99, and losses (no answer within 200 ms); --pause-us U
//               waits U microseconds after each, so that a server slowed by
//               valgrind is waiting when the next arrives, as a real one is
//               (ci/bench.sh's instruction counts)
//   udp-batch   N B-byte datagrams in flight, sent with one send_many and
//               read back with recv_many (portsock only; no --raw form):
//               datagrams per second, the time of a batch's round trip,
//               losses (datagrams not back within 200 ms)
//   pollwait    the poller alone: N datagram sockets registered for reading,
//               K of them with a datagram pending, and wait(0) called again
//               and again (each reports the same K, level-triggered): waits
//               per second, the time of one wait, p50/p99, and the process's
//               CPU time per wait (the set-up excluded); needs no server
//   timers      portsock::loop's timer heap alone (portsock only; needs no
//               server): N timers (default 100,000) at random deadlines in
//               one second of a virtual clock (scheduled once into fresh
//               pools and cancelled, then again: "cold" and steady), half of
//               them cancelled, then the clock stepped 1 ms at a time with
//               run_once(0) until all fired: ns per schedule, per cancel, per
//               fire, and of one run_once(0) with none and with N pending
// Servers: `thankyou` sends the tutorial's 40 bytes and closes; `echo` echoes
// TCP from one thread and one poller (16 KiB per connection, back-pressure);
// `udp` echoes datagrams, one system call each; `udp-batch` echoes them with
// recv_many / send_many, 32 at most per call (`serve-raw udp-batch` is the
// raw one-datagram server, the reference it is measured against). Each
// prints `sockbench: serving ... on HOST:PORT` and runs until Ctrl-C /
// SIGTERM (portsock's servers wait without a limit and are woken by the
// signal; the raw ones look every 250 ms).
#include "app.hpp"
#include "bench_portsock.hpp"
#include "bench_raw.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <memory>
#include <thread>
#include <vector>

namespace {

constexpr const char* program = "sockbench";
constexpr const char* usage_text =
    "sockbench thankyou|pingpong|concurrent|bulk|udp [--host H] [--port P] [--raw] [--json] "
    "[--seconds S] [--count M] [--clients K] [--size B] [--connections N] [--pause-us U]\n"
    "       sockbench udp-batch [--host H] [--port P] [--json] [--seconds S] [--count M] [--size B] [--batch N]\n"
    "       sockbench pollwait [--host H] [--raw] [--json] [--seconds S] [--count M] [--registered N] "
    "[--ready K]\n"
    "       sockbench serve|serve-raw thankyou|echo|udp|udp-batch [--host H] [--port P]\n"
    "       sockbench timers [--count N] [--json]";
constexpr std::string_view thank_you = "Thank you for connecting with the socket";
constexpr std::size_t echo_buffer = 16 * 1024;
constexpr std::size_t bulk_chunk = 64 * 1024;
constexpr int udp_wait_ms = 200;

using clock_type = std::chrono::steady_clock;

struct options {
    std::string workload;
    std::string host = "127.0.0.1";
    int port = 50676;
    bool raw = false;
    bool json = false;
    int seconds = 2;
    int count = 0;  // stop after this many operations (0: run for `seconds`)
    int clients = 1;
    int size = 32;
    int connections = 100;
    int registered = 100;  // pollwait: sockets in the poller
    int ready = 10;        // pollwait: ... of which this many are readable
    int batch = 32;        // udp-batch: datagrams in flight, per send_many
    int pause_us = 0;      // udp: pause after each round trip
};

// Latency samples in nanoseconds, in storage reserved before the run, so that
// measuring allocates nothing on the way (samples past the reservation are
// counted but not kept).
class samples {
public:
    explicit samples(std::size_t capacity = 1u << 22) { values_.reserve(capacity); }
    void add(clock_type::duration d) {
        if (values_.size() < values_.capacity()) values_.push_back(d.count());
    }
    void merge(const samples& other) { values_.insert(values_.end(), other.values_.begin(), other.values_.end()); }
    double percentile_us(double p) {
        if (values_.empty()) return 0;
        const auto k = static_cast<std::size_t>(p * static_cast<double>(values_.size() - 1));
        std::nth_element(values_.begin(), values_.begin() + static_cast<long>(k), values_.end());
        return static_cast<double>(values_[k]) / 1000.0;
    }

private:
    std::vector<clock_type::rep> values_;
};

struct result {
    std::uint64_t operations = 0;
    std::uint64_t bytes = 0;
    std::uint64_t losses = 0;
    double seconds = 0;
    // The process's CPU time over the workload, or over its measured part
    // where the workload sets it (pollwait: the waits alone); -1 until set.
    double cpu_seconds = -1;
    samples latency{0};
    std::string error;  // empty on success
};

double since(clock_type::time_point start) {
    return std::chrono::duration<double>(clock_type::now() - start).count();
}

// A deadline check cheap enough to make often: the clock is read only every
// 64th call.
class run_limit {
public:
    explicit run_limit(const options& o) : count_(static_cast<std::uint64_t>(o.count)), end_(clock_type::now() + std::chrono::seconds(o.seconds)) {}
    bool more(std::uint64_t done) {
        if (count_ > 0) return done < count_;
        if ((++calls_ & 63) != 0) return !over_;
        return !(over_ = clock_type::now() >= end_);
    }

private:
    std::uint64_t count_;
    clock_type::time_point end_;
    std::uint64_t calls_ = 0;
    bool over_ = false;
};

template <class P>
bool send_all(typename P::sock& s, const char* data, std::size_t size) {
    while (size > 0) {
        const long n = P::send(s, data, size);
        if (n < 0) return false;
        data += n;
        size -= static_cast<std::size_t>(n);
    }
    return true;
}

template <class P>
bool recv_exactly(typename P::sock& s, char* buffer, std::size_t size) {
    while (size > 0) {
        const long n = P::recv(s, buffer, size);
        if (n <= 0) return false;
        buffer += n;
        size -= static_cast<std::size_t>(n);
    }
    return true;
}

// Clients ----------------------------------------------------------------------

template <class P>
void thankyou(const options& o, const typename P::address& to, result& r) {
    struct worker {
        samples latency;
        std::uint64_t done = 0;
        std::string error;
    };
    std::vector<std::unique_ptr<worker>> workers;
    for (int k = 0; k < o.clients; ++k) workers.push_back(std::make_unique<worker>());
    std::vector<std::thread> threads;
    const auto start = clock_type::now();
    for (auto& w : workers) {
        threads.emplace_back([&o, &to, self = w.get()] {
            run_limit limit(o);
            char buffer[64];
            while (limit.more(self->done)) {
                const auto t0 = clock_type::now();
                typename P::sock s;
                if (!P::connect(s, to)) return void(self->error = "connect: " + P::error_text());
                std::size_t got = 0;
                for (long n; (n = P::recv(s, buffer + got, sizeof buffer - got)) != 0; got += static_cast<std::size_t>(n)) {
                    if (n < 0) return void(self->error = "recv: " + P::error_text());
                    if (got + static_cast<std::size_t>(n) >= sizeof buffer) return void(self->error = "too much data");
                }
                P::close(s);
                if (std::string_view(buffer, got) != thank_you) return void(self->error = "wrong message");
                self->latency.add(clock_type::now() - t0);
                ++self->done;
            }
        });
    }
    for (auto& t : threads) t.join();
    r.seconds = since(start);
    for (auto& w : workers) {
        r.operations += w->done;
        r.latency.merge(w->latency);
        if (r.error.empty()) r.error = w->error;
    }
}

template <class P>
void pingpong(const options& o, const typename P::address& to, result& r) {
    typename P::sock s;
    if (!P::connect(s, to)) return void(r.error = "connect: " + P::error_text());
    std::vector<char> message(static_cast<std::size_t>(o.size), 'p'), reply(message.size());
    run_limit limit(o);
    const auto start = clock_type::now();
    while (limit.more(r.operations)) {
        const auto t0 = clock_type::now();
        if (!send_all<P>(s, message.data(), message.size())) return void(r.error = "send: " + P::error_text());
        if (!recv_exactly<P>(s, reply.data(), reply.size())) return void(r.error = "recv: " + P::error_text());
        r.latency.add(clock_type::now() - t0);
        ++r.operations;
    }
    r.seconds = since(start);
    r.bytes = r.operations * message.size();
}

template <class P>
void concurrent(const options& o, const typename P::address& to, result& r) {
    const auto n = static_cast<std::size_t>(o.connections);
    const auto size = static_cast<std::size_t>(o.size);
    std::error_code ec;
    portsock::raise_handle_limit(n + 64, ec);
    std::vector<typename P::sock> socks(n);
    std::vector<std::size_t> got(n, 0);
    std::vector<clock_type::time_point> sent_at(n);
    std::vector<char> message(size, 'c'), buffer(size);
    typename P::poller p;
    if (!p.open()) return void(r.error = "poller: " + P::error_text());
    for (std::size_t k = 0; k < n; ++k) {
        if (!P::connect(socks[k], to)) return void(r.error = "connect #" + std::to_string(k) + ": " + P::error_text());
        P::set_nonblocking(socks[k]);
        if (!p.add(socks[k], true, false, k)) return void(r.error = "poller add: " + P::error_text());
    }
    const auto start = clock_type::now();
    for (std::size_t k = 0; k < n; ++k) {
        sent_at[k] = clock_type::now();
        if (P::send(socks[k], message.data(), size) != static_cast<long>(size)) return void(r.error = "send: " + P::error_text());
    }
    // How long a wait may find no answer at all before the run fails. Not
    // 1 s: under wine, with 2,000 connections the AFD poller's first answers
    // take several seconds of wineserver time (ci/BENCHMARKS.md).
    constexpr int patience_ms = 10000;
    run_limit limit(o);
    while (limit.more(r.operations)) {
        const int ready = p.wait(patience_ms);
        if (ready <= 0)
            return void(r.error = ready < 0 ? "wait: " + P::error_text()
                                            : "no answer for " + std::to_string(patience_ms / 1000) + " s");
        for (int e = 0; e < ready; ++e) {
            const auto k = static_cast<std::size_t>(p.tag(e));
            const long m = P::recv(socks[k], buffer.data(), size - got[k]);
            if (m == -2) continue;
            if (m <= 0) return void(r.error = "recv: " + (m == 0 ? std::string("closed") : P::error_text()));
            got[k] += static_cast<std::size_t>(m);
            if (got[k] < size) continue;
            const auto now = clock_type::now();
            r.latency.add(now - sent_at[k]);
            ++r.operations;
            got[k] = 0;
            sent_at[k] = now;
            if (P::send(socks[k], message.data(), size) != static_cast<long>(size)) return void(r.error = "send: " + P::error_text());
        }
    }
    r.seconds = since(start);
    r.bytes = r.operations * size;
    for (auto& s : socks) p.remove(s);
}

template <class P>
void bulk(const options& o, const typename P::address& to, result& r) {
    typename P::sock s;
    if (!P::connect(s, to)) return void(r.error = "connect: " + P::error_text());
    std::vector<char> out(bulk_chunk, 'b'), in(bulk_chunk);
    std::string send_error;
    const auto start = clock_type::now();
    std::thread sender([&] {
        run_limit limit(o);
        std::uint64_t chunks = 0;
        while (limit.more(chunks)) {
            if (!send_all<P>(s, out.data(), out.size())) return void(send_error = "send: " + P::error_text());
            ++chunks;
        }
        P::shutdown_write(s);
    });
    for (long n; (n = P::recv(s, in.data(), in.size())) != 0; r.bytes += static_cast<std::uint64_t>(n)) {
        if (n < 0) {
            r.error = "recv: " + P::error_text();
            break;
        }
    }
    r.seconds = since(start);
    sender.join();
    if (r.error.empty()) r.error = send_error;
    r.operations = r.bytes / bulk_chunk;
}

template <class P>
void udp(const options& o, const typename P::address& to, result& r) {
    typename P::sock s;
    if (!P::open_udp(s, to)) return void(r.error = "socket: " + P::error_text());
    P::set_nonblocking(s);
    typename P::poller p;
    if (!p.open() || !p.add(s, true, false, 0)) return void(r.error = "poller: " + P::error_text());
    std::vector<char> message(static_cast<std::size_t>(o.size), 'u'), reply(65536);
    typename P::address from;
    run_limit limit(o);
    const auto start = clock_type::now();
    // Each datagram carries its number, so that a late reply to one counted
    // lost is recognised and dropped: one datagram stays in flight (a server
    // slowed by valgrind at start-up would otherwise be left with several).
    std::uint64_t number = 0;
    const std::size_t numbered = message.size() < sizeof number ? message.size() : sizeof number;
    while (limit.more(r.operations + r.losses)) {
        const auto t0 = clock_type::now();
        ++number;
        std::memcpy(message.data(), &number, numbered);
        if (P::sendto(s, message.data(), message.size(), to) < 0) return void(r.error = "sendto: " + P::error_text());
        bool answered = false;
        for (;;) {
            const auto waited = std::chrono::duration_cast<std::chrono::milliseconds>(clock_type::now() - t0).count();
            if (waited >= udp_wait_ms) break;
            const int ready = p.wait(static_cast<int>(udp_wait_ms - waited));
            if (ready < 0) return void(r.error = "wait: " + P::error_text());
            if (ready == 0) break;
            const long n = P::recvfrom(s, reply.data(), reply.size(), from);
            if (n == static_cast<long>(message.size()) && std::memcmp(reply.data(), message.data(), numbered) == 0) {
                answered = true;
                break;
            }
        }
        if (!answered) {
            ++r.losses;
            continue;
        }
        r.latency.add(clock_type::now() - t0);
        ++r.operations;
        if (o.pause_us > 0) std::this_thread::sleep_for(std::chrono::microseconds(o.pause_us));
    }
    r.seconds = since(start);
    r.bytes = r.operations * message.size();
    p.remove(s);
}

// `batch` datagrams in flight: one send_many, then recv_many until all are
// back (or 200 ms pass without one: the rest are losses). An operation is
// one datagram echoed; the latency is the batch's round trip.
void udp_batch(const options& o, const portsock::endpoint& to, result& r) {
    std::error_code ec;
    portsock::socket s;
    s.open(to.family(), portsock::type::dgram, 0, ec);
    if (!ec) s.setblocking(false, ec);
    portsock::poller p;
    if (!ec) p.open(ec);
    if (!ec) p.add(s, portsock::event::readable, 0, ec);
    if (ec) return void(r.error = "socket: " + ec.message());
    const auto batch = static_cast<std::size_t>(o.batch);
    const auto size = static_cast<std::size_t>(o.size);
    std::vector<char> message(size, 'u'), replies(batch * size);
    std::vector<portsock::datagram> out(batch), in(batch);
    for (std::size_t k = 0; k < batch; ++k) {
        out[k].buffer(message.data(), size);
        out[k].peer = portsock::peer_address::from_endpoint(to, ec);
        in[k].buffer(replies.data() + k * size, size);
    }
    std::array<portsock::poll_event, 1> ready;
    run_limit limit(o);
    const auto start = clock_type::now();
    while (limit.more(r.operations + r.losses)) {
        const auto t0 = clock_type::now();
        std::size_t sent = 0;
        while (sent < batch) {
            const std::size_t n = s.send_many(out.data() + sent, batch - sent, ec);
            if (n == 0 && !portsock::would_block(ec)) return void(r.error = "send_many: " + ec.message());
            if (n == 0) break;  // a full send buffer: the rest count as lost
            sent += n;
        }
        std::size_t back = 0;
        while (back < sent) {
            const std::size_t n = s.recv_many(in.data(), batch, ec);
            if (n > 0) {
                for (std::size_t k = 0; k < n; ++k) {
                    if (in[k].nbytes != size || in[k].truncated ||
                        std::memcmp(in[k].data, message.data(), size) != 0) {
                        return void(r.error = "a wrong echo");
                    }
                }
                back += n;
                continue;
            }
            if (!portsock::would_block(ec)) return void(r.error = "recv_many: " + ec.message());
            if (p.wait(ready, udp_wait_ms / 1000.0, ec) == 0) break;
        }
        r.losses += batch - back;
        r.operations += back;
        r.latency.add(clock_type::now() - t0);
    }
    r.seconds = since(start);
    r.bytes = r.operations * size;
}

// Servers ----------------------------------------------------------------------

template <class P>
int serve_thankyou(typename P::sock& listener) {
    typename P::poller p;
    if (!p.open() || !p.add(listener, true, false, 0)) return app::fail(program, "poller: " + P::error_text());
    app::handle_stop_signals(p.wakeable());
    while (!app::stop_requested()) {
        if (p.wait(-1) <= 0) continue;
        typename P::sock conn;
        while (P::accept(listener, conn)) {
            P::send(conn, thank_you.data(), thank_you.size());  // 40 bytes always fit
            P::close(conn);
        }
    }
    return app::ok;
}

template <class P>
int serve_echo(typename P::sock& listener) {
    struct connection {
        typename P::sock sock;
        std::unique_ptr<char[]> buffer{new char[echo_buffer]};
        std::size_t start = 0, end = 0;
        bool writing = false;
    };
    std::vector<std::unique_ptr<connection>> table;  // tag k+1 is table[k]
    std::vector<std::size_t> free_slots;
    typename P::poller p;
    if (!p.open() || !p.add(listener, true, false, 0)) return app::fail(program, "poller: " + P::error_text());
    app::handle_stop_signals(p.wakeable());
    auto drop = [&](std::size_t slot) {
        p.remove(table[slot]->sock);
        table[slot].reset();
        free_slots.push_back(slot);
    };
    while (!app::stop_requested()) {
        const int ready = p.wait(-1);
        for (int e = 0; e < ready; ++e) {
            if (p.tag(e) == 0) {
                typename P::sock conn;
                while (P::accept(listener, conn)) {
                    std::size_t slot = table.size();
                    if (!free_slots.empty()) {
                        slot = free_slots.back();
                        free_slots.pop_back();
                    } else {
                        table.emplace_back();
                    }
                    table[slot] = std::make_unique<connection>();
                    table[slot]->sock = std::move(conn);
                    P::set_nonblocking(table[slot]->sock);
                    if (!p.add(table[slot]->sock, true, false, slot + 1)) drop(slot);
                }
                continue;
            }
            const auto slot = static_cast<std::size_t>(p.tag(e) - 1);
            connection& c = *table[slot];
            if ((p.readable(e) || p.failed(e)) && c.end < echo_buffer) {
                const long n = P::recv(c.sock, c.buffer.get() + c.end, echo_buffer - c.end);
                if (n == 0 || n == -1) {
                    drop(slot);
                    continue;
                }
                if (n > 0) c.end += static_cast<std::size_t>(n);
            }
            while (c.start < c.end) {
                const long n = P::send(c.sock, c.buffer.get() + c.start, c.end - c.start);
                if (n == -2) break;
                if (n < 0) break;
                c.start += static_cast<std::size_t>(n);
            }
            if (c.start == c.end) c.start = c.end = 0;
            const bool want_write = c.end > 0;
            if (want_write != c.writing) {
                c.writing = want_write;
                p.modify(c.sock, c.end < echo_buffer, want_write, slot + 1);
            }
        }
    }
    for (std::size_t slot = 0; slot < table.size(); ++slot) {
        if (table[slot]) drop(slot);
    }
    return app::ok;
}

template <class P>
int serve_udp(typename P::sock& s) {
    typename P::poller p;
    if (!p.open() || !p.add(s, true, false, 0)) return app::fail(program, "poller: " + P::error_text());
    app::handle_stop_signals(p.wakeable());
    static char datagram[65536];
    typename P::address from;
    while (!app::stop_requested()) {
        if (p.wait(-1) <= 0) continue;
        for (long n; (n = P::recvfrom(s, datagram, sizeof datagram, from)) >= 0;) {
            P::sendto(s, datagram, static_cast<std::size_t>(n), from);
        }
    }
    return app::ok;
}

// Datagrams in batches of up to 32 through recv_many / send_many, each sent
// back to its sender's address as the system gave it.
int serve_udp_batch(portsock::socket& s) {
    constexpr std::size_t batch = 32, room = 65536;
    portsock::poller p;
    std::error_code ec;
    p.open(ec);
    if (!ec) p.add(s, portsock::event::readable, 0, ec);
    if (ec) return app::fail(program, "poller", ec);
    app::handle_stop_signals(&p);
    std::unique_ptr<char[]> buffers(new char[batch * room]);
    portsock::datagram slots[batch];
    for (std::size_t k = 0; k < batch; ++k) slots[k].buffer(buffers.get() + k * room, room);
    std::array<portsock::poll_event, 1> ready;
    while (!app::stop_requested()) {
        if (p.wait(ready, std::nullopt, ec) == 0) continue;
        for (std::size_t n; (n = s.recv_many(slots, batch, ec)) > 0;) {
            for (std::size_t k = 0; k < n; ++k) slots[k].size = slots[k].nbytes;
            s.send_many(slots, n, ec);  // a full send buffer drops the rest, as UDP may
            for (std::size_t k = 0; k < n; ++k) slots[k].size = room;
        }
    }
    return app::ok;
}

template <class P>
int serve(const std::string& kind, const options& o) {
    const bool datagrams = kind == "udp" || kind == "udp-batch";
    typename P::address at;
    if (!P::resolve(o.host, o.port, datagrams, at)) return app::fail(program, "resolve " + o.host + ": " + P::error_text());
    typename P::sock s;
    int port = 0;
    if (!P::listen(s, at, datagrams, port)) {
        return app::fail(program, "listen on " + o.host + ":" + std::to_string(o.port) + ": " + P::error_text());
    }
    std::error_code ec;
    portsock::raise_handle_limit(65536, ec);  // for `concurrent` with 10,000 connections
    app::say(std::string("sockbench: serving ") + kind + " on " + o.host + ":" + std::to_string(port) +
             (std::is_same<P, bench::portsock_net>::value ? " (portsock)" : " (raw)"));
    if (kind == "thankyou") return serve_thankyou<P>(s);
    if (kind == "echo") return serve_echo<P>(s);
    if constexpr (std::is_same<P, bench::portsock_net>::value) {
        if (kind == "udp-batch") return serve_udp_batch(s);
    }
    return serve_udp<P>(s);  // serve-raw udp-batch: the one-datagram reference
}

// The poller's cost per wait: `registered` datagram sockets in the poller,
// `ready` of them with a datagram pending. Nothing is read, so every wait(0)
// reports the same sockets; a wait that reports another count is an error.
template <class P>
void pollwait(const options& o, const typename P::address& at, result& r) {
    const auto n = static_cast<std::size_t>(o.registered);
    const auto ready = static_cast<std::size_t>(o.ready);
    const std::size_t stride = n / ready;  // the ready sockets are spread over the table
    std::vector<typename P::sock> socks(n);
    typename P::poller p;
    if (!p.open()) return void(r.error = "poller: " + P::error_text());
    typename P::sock sender;
    if (!P::open_udp(sender, at)) return void(r.error = "socket: " + P::error_text());
    for (std::size_t k = 0; k < n; ++k) {
        int port = 0;
        if (!P::listen(socks[k], at, true, port)) {
            return void(r.error = "socket " + std::to_string(k + 1) + " of " + std::to_string(n) + ": " +
                                  P::error_text());
        }
        if (!p.add(socks[k], true, false, k)) return void(r.error = "poller add: " + P::error_text());
        if (k % stride == 0 && k / stride < ready) {
            typename P::address to;
            if (!P::resolve(o.host, port, true, to))
                return void(r.error = "resolve " + o.host + ": " + P::error_text());
            if (P::sendto(sender, "x", 1, to) != 1) return void(r.error = "sendto: " + P::error_text());
        }
    }
    // The datagrams are in flight until each socket says it is readable.
    for (int got = 0; got < o.ready;) {
        got = p.wait(1000);
        if (got < 0) return void(r.error = "wait: " + P::error_text());
        if (got == 0) return void(r.error = "the datagrams did not arrive within 1 s");
    }
    run_limit limit(o);
    const double cpu_start = bench::process_cpu_seconds();
    const auto start = clock_type::now();
    while (limit.more(r.operations)) {
        const auto t0 = clock_type::now();
        const int got = p.wait(0);
        r.latency.add(clock_type::now() - t0);
        if (got != o.ready) {
            return void(r.error = "wait reported " + std::to_string(got) + " sockets, not " +
                                  std::to_string(o.ready) +
                                  (got < 0 ? ": " + P::error_text() : std::string()));
        }
        ++r.operations;
    }
    r.seconds = since(start);
    r.cpu_seconds = bench::process_cpu_seconds() - cpu_start;
}

// Running a workload and printing it ---------------------------------------------

template <class P>
result run(const options& o) {
    result r;
    typename P::address to;
    const bool datagrams = o.workload == "udp" || o.workload == "pollwait" || o.workload == "udp-batch";
    if (!P::resolve(o.host, o.workload == "pollwait" ? 0 : o.port, datagrams, to)) {
        r.error = "resolve " + o.host + ": " + P::error_text();
        return r;
    }
    r.latency = samples(o.workload == "bulk" ? 0 : 1u << 22);
    const double cpu_start = bench::process_cpu_seconds();
    if (o.workload == "thankyou") thankyou<P>(o, to, r);
    else if (o.workload == "pingpong") pingpong<P>(o, to, r);
    else if (o.workload == "concurrent") concurrent<P>(o, to, r);
    else if (o.workload == "bulk") bulk<P>(o, to, r);
    else if (o.workload == "pollwait")
        pollwait<P>(o, to, r);
    else if (o.workload == "udp-batch") {
        if constexpr (std::is_same<P, bench::portsock_net>::value) {
            udp_batch(o, to, r);
        } else {
            r.error = "udp-batch has no --raw form (its reference is serve-raw udp-batch)";
        }
    }
    else udp<P>(o, to, r);
    if (r.cpu_seconds < 0) r.cpu_seconds = bench::process_cpu_seconds() - cpu_start;
    return r;
}

int report(const options& o, result& r) {
    if (!r.error.empty()) {
        return app::fail(program, o.workload + " against " + o.host + ":" + std::to_string(o.port) + ": " + r.error);
    }
    const char* impl = o.raw ? "raw" : "portsock";
    const double rate = r.seconds > 0 ? static_cast<double>(r.operations) / r.seconds : 0;
    const double gbps = r.seconds > 0 ? static_cast<double>(r.bytes) / r.seconds / 1e9 : 0;
    const double p50 = r.latency.percentile_us(0.50), p99 = r.latency.percentile_us(0.99);
    if (o.json) {
        std::printf(
            "{\"workload\": \"%s\", \"impl\": \"%s\", \"clients\": %d, \"connections\": %d, \"size\": %d, "
            "\"operations\": %llu, \"seconds\": %.4f, \"rate\": %.1f, \"p50_us\": %.2f, \"p99_us\": %.2f, "
            "\"gbps\": %.4f, \"losses\": %llu, \"cpu_s\": %.6f, \"registered\": %d, \"ready\": %d, \"batch\": %d}\n",
            o.workload.c_str(), impl, o.clients, o.connections, o.size,
            static_cast<unsigned long long>(r.operations), r.seconds, rate, p50, p99, gbps,
            static_cast<unsigned long long>(r.losses), r.cpu_seconds, o.registered, o.ready, o.batch);
        return app::ok;
    }
    const double cpu_us = r.operations > 0 ? r.cpu_seconds * 1e6 / static_cast<double>(r.operations) : 0;
    std::printf("%-11s %-8s %12s %10s %10s %10s %8s %11s\n", "workload", "impl", "ops/s", "p50 us", "p99 us",
                "GB/s", "losses", "cpu us/op");
    std::printf("%-11s %-8s %12.0f %10.2f %10.2f %10.4f %8llu %11.2f\n", o.workload.c_str(), impl, rate, p50,
                p99, gbps, static_cast<unsigned long long>(r.losses), cpu_us);
    return app::ok;
}

// The loop's timers (see the top of this file). The clock is virtual, so the
// figures are the loop's own work: the heap, the slots, the callbacks, and
// (in run_once) one poller wait(0).
double virtual_now(void* clock) { return *static_cast<double*>(clock); }

double ns_each(clock_type::time_point start, std::size_t count) {
    return count == 0 ? 0 : since(start) * 1e9 / static_cast<double>(count);
}

int timers(const options& o) {
    const auto n = static_cast<std::size_t>(o.count > 0 ? o.count : 100000);
    double now = 0;
    portsock::loop loop(portsock::loop_clock{&virtual_now, &now});
    std::error_code ec;
    loop.open(ec);
    if (ec) return app::fail(program, portsock::describe("loop open", ec));
    std::vector<double> deadlines(n);
    std::uint64_t x = 0x9E3779B97F4A7C15u;  // xorshift: the same deadlines every run
    for (double& d : deadlines) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        d = 1e-9 + static_cast<double>(x >> 11) / 9007199254740992.0;  // (0, 1] s
    }
    std::vector<portsock::timer> handles(n);
    std::size_t fired = 0;
    constexpr std::size_t idle_rounds = 1000;

    auto start = clock_type::now();
    for (std::size_t i = 0; i < idle_rounds && !ec; ++i) loop.run_once(0.0, ec);
    const double idle_ns = ns_each(start, idle_rounds);

    // First into fresh pools (their growth and first touch of the memory
    // included), all cancelled; then the measured round reuses the slots.
    start = clock_type::now();
    for (std::size_t i = 0; i < n; ++i) handles[i] = loop.call_at(deadlines[i], [&fired] { ++fired; });
    const double cold_ns = ns_each(start, n);
    for (std::size_t i = n; i-- > 0;) handles[i].cancel();

    start = clock_type::now();
    for (std::size_t i = 0; i < n; ++i) handles[i] = loop.call_at(deadlines[i], [&fired] { ++fired; });
    const double schedule_ns = ns_each(start, n);

    start = clock_type::now();
    for (std::size_t i = 0; i < idle_rounds && !ec; ++i) loop.run_once(0.0, ec);
    const double pending_ns = ns_each(start, idle_rounds);

    std::size_t cancelled = 0;
    start = clock_type::now();
    for (std::size_t i = 0; i < n; i += 2) if (handles[i].cancel()) ++cancelled;
    const double cancel_ns = ns_each(start, cancelled);

    start = clock_type::now();
    for (int ms = 1; ms <= 1000 && !ec; ++ms) {
        now = ms / 1000.0;
        loop.run_once(0.0, ec);
    }
    const double fire_ns = ns_each(start, fired);
    if (ec) return app::fail(program, portsock::describe("loop run_once", ec));
    if (fired != n - cancelled || loop.timers() != 0) {
        return app::fail(program, std::to_string(fired) + " of " + std::to_string(n - cancelled) +
                                      " timers fired, " + std::to_string(loop.timers()) + " still pending");
    }
    if (o.json) {
        std::printf("{\"workload\": \"timers\", \"impl\": \"portsock\", \"timers\": %zu, \"cancelled\": %zu, "
                    "\"fired\": %zu, \"cold_schedule_ns\": %.1f, \"schedule_ns\": %.1f, \"cancel_ns\": %.1f, \"fire_ns\": %.1f, "
                    "\"run_once_idle_ns\": %.1f, \"run_once_pending_ns\": %.1f}\n",
                    n, cancelled, fired, cold_ns, schedule_ns, cancel_ns, fire_ns, idle_ns, pending_ns);
        return app::ok;
    }
    std::printf("%-8s %10s %10s %10s %10s %14s %14s\n", "timers", "cold ns", "sched ns", "cancel ns", "fire ns",
                "run_once(0) ns", "..N pending ns");
    std::printf("%-8zu %10.1f %10.1f %10.1f %10.1f %14.1f %14.1f\n", n, cold_ns, schedule_ns, cancel_ns, fire_ns,
                idle_ns, pending_ns);
    return app::ok;
}

bool is_one_of(std::string_view word, std::initializer_list<std::string_view> words) {
    return std::find(words.begin(), words.end(), word) != words.end();
}

}  // namespace

int main(int argc, char** argv) {
    options o;
    if (argc < 2) {
        std::fprintf(stderr, "usage: %s\n", usage_text);
        return app::usage;
    }
    const std::string_view first = argv[1];
    const bool serving = first == "serve" || first == "serve-raw";
    if (first == "--help" || first == "-h") return std::printf("usage: %s\n", usage_text), app::ok;
    if (first == "--version") return app::print_version(program), app::ok;
    if (serving ? argc < 3 || !is_one_of(argv[2], {"thankyou", "echo", "udp", "udp-batch"})
                : !is_one_of(first, {"thankyou", "pingpong", "concurrent", "bulk", "udp", "pollwait", "udp-batch",
                                     "timers"})) {
        std::fprintf(stderr, "%s: unknown workload '%s'\nusage: %s\n", program, serving && argc >= 3 ? argv[2] : argv[1], usage_text);
        return app::usage;
    }
    o.workload = serving ? argv[2] : argv[1];
    if (serving) o.host = "";
    const int skip = serving ? 2 : 1;
    const int parsed = app::parse_args(program, argc - skip, argv + skip, usage_text, {"--raw", "--json"},
                                       [&](std::string_view name, std::string_view value) {
        if (name == "--host") return o.host = std::string(value), true;
        if (name == "--port") return app::parse_int(value, 0, 65535, o.port);
        if (name == "--raw") return o.raw = true;
        if (name == "--json") return o.json = true;
        if (name == "--seconds") return app::parse_int(value, 1, 3600, o.seconds);
        if (name == "--count") return app::parse_int(value, 1, 1000000000, o.count);
        if (name == "--clients") return app::parse_int(value, 1, 1024, o.clients);
        if (name == "--size") return app::parse_int(value, 1, o.workload == "concurrent" ? 1024 : 65507, o.size);
        if (name == "--connections") return app::parse_int(value, 1, 100000, o.connections);
        if (name == "--registered") return app::parse_int(value, 1, 100000, o.registered);
        if (name == "--ready") return app::parse_int(value, 1, 256, o.ready);
        if (name == "--batch") return app::parse_int(value, 1, 1024, o.batch);
        if (name == "--pause-us") return app::parse_int(value, 0, 1000000, o.pause_us);
        return false;
    });
    if (parsed != app::ok) return parsed < 0 ? app::ok : parsed;
    if (o.ready > o.registered) {
        std::fprintf(stderr, "%s: --ready %d is more than --registered %d\nusage: %s\n", program, o.ready,
                     o.registered, usage_text);
        return app::usage;
    }

    if (o.workload == "timers") return timers(o);
    if (serving) return first == "serve" ? serve<bench::portsock_net>(o.workload, o) : serve<bench::raw_net>(o.workload, o);
    result r = o.raw ? run<bench::raw_net>(o) : run<bench::portsock_net>(o);
    return report(o, r);
}
