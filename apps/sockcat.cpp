// sockcat: a netcat built on portsock. Standard input goes to the socket and
// the socket to standard output, until both sides have closed; each side's
// end of input is passed on as a half-close.
//
//   sockcat [-4|-6] [-u] HOST PORT          connect (TCP, or UDP with -u)
//   sockcat -l [-4|-6] [-u] [HOST] PORT     listen (HOST: any address) for one peer
//   sockcat [-l] -U PATH                    Unix-domain stream socket
//
// A listening sockcat says where on stderr (`sockcat: listening on
// 127.0.0.1:40123`), useful with port 0. UDP: each read from standard input
// is sent as one datagram; a listener answers the first peer that writes; once
// standard input ends, sockcat waits one second for more datagrams, then ends.
// Exit status: 0 done, 1 could not resolve / connect / listen, 2 usage,
// 3 the transfer failed (reset, write error).
//
// Standard input cannot be polled like a socket on every system (a Windows
// console or pipe cannot), so a thread reads it and hands the bytes to the
// event loop through a socketpair.
#include "app.hpp"
#include "stdio.hpp"

#include <filesystem>
#include <thread>
#include <vector>

namespace {

constexpr const char* program = "sockcat";
constexpr const char* usage_text =
    "sockcat [-4|-6] [-u] HOST PORT | sockcat -l [-4|-6] [-u] [HOST] PORT | sockcat [-l] -U PATH";
enum : int { transfer_failed = 3 };
constexpr std::size_t chunk = 65507;  // the largest UDP payload over IPv4
constexpr double udp_linger_seconds = 1.0;

struct options {
    bool listen = false;
    bool udp = false;
    bool local = false;
    portsock::family family = portsock::family::unspec;
    std::vector<std::string> positional;
};

int transfer_error(const std::string& what, std::error_code ec) {
    app::report(program, what, ec);
    return transfer_failed;
}

int usage_error(const std::string& why) {
    std::fprintf(stderr, "%s: %s\nusage: %s\n", program, why.c_str(), usage_text);
    return app::usage;
}

// Parses the options; a result other than ok is the exit status.
int parse(int argc, char** argv, options& o) {
    for (int i = 1; i < argc; ++i) {
        const std::string_view a = argv[i];
        if (a == "-h" || a == "--help") {
            std::printf("usage: %s\n", usage_text);
            return -1;
        }
        if (a == "-l") o.listen = true;
        else if (a == "-u") o.udp = true;
        else if (a == "-U") o.local = true;
        else if (a == "-4") o.family = portsock::family::inet;
        else if (a == "-6") o.family = portsock::family::inet6;
        else if (a.size() > 1 && a[0] == '-') return usage_error("unknown option " + std::string(a));
        else o.positional.emplace_back(a);
    }
    const std::size_t want = o.local ? 1 : o.listen ? o.positional.size() : 2;
    if (o.positional.size() != want || want == 0 || want > 2) return usage_error("wrong number of arguments");
    if (o.local && (o.udp || o.family != portsock::family::unspec)) return usage_error("-U takes no -u, -4 or -6");
    return app::ok;
}

// Tries every address `host` resolves to (of the family asked for) until one connects.
portsock::socket connect_any(const std::string& host, int port, const options& o, std::error_code& ec,
                             std::string& what) {
    const auto t = o.udp ? portsock::type::dgram : portsock::type::stream;
    what = "connect to " + (host.find(':') != std::string::npos ? '[' + host + ']' : host) + ':' +
           std::to_string(port);
    const auto infos = portsock::getaddrinfo(host, port, o.family, t, 0, portsock::ai::none, ec);
    if (ec) return {};
    std::vector<portsock::connect_attempt> attempts;
    for (const auto& info : infos) {
        portsock::socket s;
        s.open(info.family, info.type, info.proto, ec);
        if (!ec) s.connect(info.address, ec);
        if (!ec) return s;
        attempts.push_back({info.address, ec});
    }
    if (infos.empty()) ec = portsock::error::no_address;
    if (attempts.size() > 1) what += " (tried " + portsock::describe(attempts) + ')';
    return {};
}

// Copies standard input into `to` until it ends, then half-closes `to`.
void pump_stdin(portsock::socket to) {
    std::vector<char> buffer(chunk);
    std::error_code ec;
    for (;;) {
        const long n = app::read_stdin(buffer.data(), buffer.size());
        if (n <= 0) break;
        to.sendall(buffer.data(), static_cast<std::size_t>(n), ec);
        if (ec) break;
    }
    to.shutdown(portsock::shut::wr, ec);
}

int relay(portsock::socket& net, bool udp) {
    std::error_code ec;
    auto [from_stdin, to_loop] = portsock::socketpair(portsock::family::unspec, portsock::type::stream, 0, ec);
    if (ec) return app::fail(program, "socketpair", ec);
    std::thread(pump_stdin, std::move(to_loop)).detach();  // may stay blocked in a read until exit

    portsock::poller p;
    p.open(ec);
    if (!ec) p.add(net, portsock::event::readable, 0, ec);
    if (!ec) p.add(from_stdin, portsock::event::readable, 1, ec);
    if (ec) return app::fail(program, "poller", ec);

    std::vector<char> buffer(chunk);
    bool input_done = false, network_done = false;
    std::array<portsock::poll_event, 2> ready;
    while (!(input_done && network_done)) {
        const auto limit = udp && input_done ? std::optional<double>(udp_linger_seconds) : std::nullopt;
        const std::size_t n = p.wait(ready, limit, ec);
        if (ec) return app::fail(program, "wait", ec);
        if (n == 0) network_done = true;  // UDP: quiet for a second after the input ended
        for (std::size_t k = 0; k < n; ++k) {
            if (ready[k].tag == 1) {
                const std::size_t got = from_stdin.recv_into(buffer.data(), buffer.size(), ec);
                if (ec) return app::fail(program, "read standard input", ec);
                if (got == 0) {
                    input_done = true;
                    p.remove(from_stdin, ec);
                    if (!udp) net.shutdown(portsock::shut::wr, ec);  // pass the end on
                } else if (udp) {
                    net.send(buffer.data(), got, ec);
                } else {
                    net.sendall(buffer.data(), got, ec);
                }
                if (ec) return transfer_error("send", ec);
            } else {
                const std::size_t got = net.recv_into(buffer.data(), buffer.size(), ec);
                if (ec && ec != std::errc::message_size) return transfer_error("recv", ec);
                if (got == 0 && !udp) {
                    network_done = true;
                    p.remove(net, ec);
                } else if (!app::write_stdout(buffer.data(), got)) {
                    return transfer_error("write standard output", std::make_error_code(std::errc::io_error));
                }
            }
        }
    }
    return app::ok;
}

}  // namespace

int main(int argc, char** argv) {
    options o;
    const int parsed = parse(argc, argv, o);
    if (parsed != app::ok) return parsed < 0 ? app::ok : parsed;
    std::error_code ec;
    const auto type = o.udp ? portsock::type::dgram : portsock::type::stream;

    if (o.local) {
        const std::string& path = o.positional[0];
        const portsock::endpoint address = portsock::endpoint::local(path, ec);
        if (ec) return app::fail(program, "Unix socket path " + path, ec);
        portsock::socket s;
        if (!o.listen) {
            s.open(portsock::family::local, type, 0, ec);
            if (!ec) s.connect(address, ec);
            if (ec) return app::fail(program, "connect to " + path, ec);
            return relay(s, false);
        }
        portsock::socket listener = portsock::create_server(address, 1, false, ec);
        if (ec) return app::fail(program, "listen on " + path, ec);
        std::fprintf(stderr, "%s: listening on %s\n", program, path.c_str());
        std::fflush(stderr);
        auto accepted = listener.accept(ec);
        listener.close();
        std::error_code ignored;
        std::filesystem::remove(path, ignored);  // the name is not needed once connected
        if (ec) return app::fail(program, "accept on " + path, ec);
        return relay(accepted.conn, false);
    }

    int port = 0;
    const std::string& port_text = o.positional.back();
    if (!app::parse_int(port_text, 0, 65535, port)) return usage_error("bad port " + port_text);
    if (!o.listen) {
        std::string what;
        portsock::socket s = connect_any(o.positional[0], port, o, ec, what);
        if (ec) return app::fail(program, what, ec);
        return relay(s, o.udp);
    }

    // Listening: host "" (any address) unless one was given.
    const std::string host = o.positional.size() == 2 ? o.positional[0]
                             : o.family == portsock::family::inet6 ? "::" : "";
    const portsock::endpoint address = app::server_address(host, port, ec);
    if (ec) return app::fail(program, "resolve " + (host.empty() ? std::string("''") : host), ec);
    portsock::socket s;
    if (o.udp) {
        s.open(address.family(), type, 0, ec);
        if (!ec) s.bind(address, ec);
    } else {
        s = portsock::create_server(address, 1, false, ec);
    }
    if (ec) return app::fail(program, "listen on " + address.to_string(), ec);
    std::fprintf(stderr, "%s: listening on %s\n", program, s.getsockname(ec).to_string().c_str());
    std::fflush(stderr);
    if (!o.udp) {
        auto accepted = s.accept(ec);
        if (ec) return app::fail(program, "accept", ec);
        s = std::move(accepted.conn);
        return relay(s, false);
    }
    // UDP: the first datagram names the peer; answer it alone from then on.
    std::vector<char> first(chunk);
    auto [n, peer] = s.recvfrom_into(first.data(), first.size(), ec);
    if (ec && ec != std::errc::message_size) return transfer_error("recvfrom", ec);
    if (!app::write_stdout(first.data(), n)) {
        return transfer_error("write standard output", std::make_error_code(std::errc::io_error));
    }
    s.connect(peer, ec);
    if (ec) return app::fail(program, "connect to " + peer.to_string(), ec);
    return relay(s, true);
}
