// Load client for echo-server: opens N TCP connections (all held open at
// once), sends a different message on each, checks that every byte comes
// back, and sends D UDP datagrams that must come back too. Written with
// portsock's poller; used by the apps test (1,000 connections) and by
// ci/echo-10k.sh (10,000).
//
//   echo_load HOST PORT CONNECTIONS [BYTES] [DATAGRAMS]
#include <portsock/portsock.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

namespace ps = portsock;

namespace {

struct client {
    ps::socket sock;
    std::string message;
    std::size_t sent = 0;
    std::string received;
    bool connected = false;
};

int fail(const std::string& why) {
    std::fprintf(stderr, "echo_load: %s\n", why.c_str());
    return 1;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 4) return fail("usage: echo_load HOST PORT CONNECTIONS [BYTES] [DATAGRAMS]");
    std::error_code ec;
    const ps::endpoint server = ps::endpoint::parse(argv[1], std::atoi(argv[2]), ec);
    if (ec) return fail(std::string("bad address: ") + ec.message());
    const std::size_t count = std::strtoul(argv[3], nullptr, 10);
    const std::size_t bytes = argc > 4 ? std::strtoul(argv[4], nullptr, 10) : 100;
    const std::size_t datagrams = argc > 5 ? std::strtoul(argv[5], nullptr, 10) : 100;
    const std::size_t limit = ps::raise_handle_limit(count + 64, ec);
    if (limit < count + 16) return fail("the open-file limit (" + std::to_string(limit) + ") is too low");

    const auto start = std::chrono::steady_clock::now();
    const auto deadline = start + std::chrono::seconds(120);
    ps::poller p;
    p.open(ec);
    if (ec) return fail("poller: " + ec.message());

    std::vector<client> clients(count);
    for (std::size_t k = 0; k < count; ++k) {
        std::string& m = clients[k].message;
        m = "connection " + std::to_string(k) + ":";
        while (m.size() < bytes) m += static_cast<char>('a' + (k + m.size()) % 26);
        m.resize(bytes);
    }
    // Connect in waves, so that the listen backlog is not overrun; every
    // connection stays open until all are echoed.
    constexpr std::size_t wave = 256;
    std::size_t started = 0, connected = 0, done = 0;
    auto start_more = [&] {
        while (started < count && started - connected < wave) {
            client& c = clients[started];
            c.sock.open(server.family(), ps::type::stream, 0, ec);
            if (!ec) c.sock.setblocking(false, ec);
            if (!ec) c.sock.connect(server, ec);
            if (ec && ec != std::errc::operation_in_progress) {
                fail("connect " + std::to_string(started) + ": " + ec.message());
                std::exit(1);
            }
            p.add(c.sock, ps::event::writable, started, ec);
            ++started;
        }
    };
    start_more();
    std::vector<ps::poll_event> ready(512);
    char buffer[65536];
    while (done < count) {
        if (std::chrono::steady_clock::now() > deadline) {
            return fail("timed out: " + std::to_string(connected) + " connected, " + std::to_string(done) + " echoed");
        }
        const std::size_t n = p.wait(ready.data(), ready.size(), 10.0, ec);
        if (ec) return fail("wait: " + ec.message());
        for (std::size_t e = 0; e < n; ++e) {
            const std::size_t k = static_cast<std::size_t>(ready[e].tag);
            client& c = clients[k];
            if (!c.connected) {
                const std::error_code result = c.sock.getsockopt(ps::opt::error, ec);
                if (result) return fail("connect " + std::to_string(k) + ": " + result.message());
                c.connected = true;
                ++connected;
            }
            while (c.sent < c.message.size()) {
                const std::size_t s = c.sock.send(c.message.data() + c.sent, c.message.size() - c.sent, ec);
                if (ps::would_block(ec)) break;
                if (ec) return fail("send " + std::to_string(k) + ": " + ec.message());
                c.sent += s;
            }
            for (;;) {
                const std::size_t r = c.sock.recv_into(buffer, sizeof buffer, ec);
                if (ps::would_block(ec)) break;
                if (ec) return fail("recv " + std::to_string(k) + ": " + ec.message());
                if (r == 0) return fail("connection " + std::to_string(k) + " closed early");
                c.received.append(buffer, r);
            }
            if (c.received.size() >= c.message.size()) {
                if (c.received != c.message) return fail("connection " + std::to_string(k) + ": echo differs");
                p.remove(c.sock, ec);
                ++done;
            } else {
                p.modify(c.sock, c.sent < c.message.size() ? ps::event::readable | ps::event::writable
                                                           : ps::event::readable, k, ec);
            }
        }
        start_more();
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::size_t still_open = 0;
    for (const client& c : clients) still_open += c.sock.is_open() ? 1u : 0u;

    // UDP on the same port.
    ps::socket udp;
    udp.open(server.family(), ps::type::dgram, 0, ec);
    udp.settimeout(5.0, ec);
    std::size_t echoed = 0;
    for (std::size_t k = 0; k < datagrams && !ec; ++k) {
        const std::string d = "datagram " + std::to_string(k);
        udp.sendto(d.data(), d.size(), server, ec);
        auto [r, from] = udp.recvfrom_into(buffer, sizeof buffer, ec);
        if (!ec && std::string(buffer, r) == d && from == server) ++echoed;
    }
    if (datagrams > 0 && echoed != datagrams) {
        return fail("UDP: " + std::to_string(echoed) + " of " + std::to_string(datagrams) + " datagrams echoed" +
                    (ec ? " (" + ec.message() + ")" : std::string()));
    }
    std::printf("echo_load: %zu connections open at once, %zu bytes each echoed correctly in %.2f s; "
                "%zu UDP datagrams echoed\n", still_open, bytes, seconds, echoed);
    return 0;
}
