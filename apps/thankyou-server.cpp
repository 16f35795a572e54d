// The tutorial's server: binds (host "" = every interface, port 50675),
// listens, and sends each client "Thank you for connecting with the socket"
// before closing its connection. Stops cleanly on Ctrl-C or SIGTERM.
//
//   thankyou-server [--host H] [--port P] [--backlog N]
#include "app.hpp"

#include <chrono>
#include <thread>

namespace {

constexpr const char* program = "thankyou-server";
constexpr const char* usage_text = "thankyou-server [--host H] [--port P] [--backlog N]";
constexpr std::string_view message = "Thank you for connecting with the socket";

// How often the accept loop looks at the stop flag while idle.
constexpr double stop_check_seconds = 0.25;

// Python's bind(('', port)) is IPv4's any address; any other host is taken
// as the resolver gives it (an IPv6 literal makes an IPv6 server).
portsock::endpoint server_address(const std::string& host, int port, std::error_code& ec) {
    portsock::endpoint e = portsock::endpoint::parse(host, port, ec);
    if (!ec) return e;
    auto infos = portsock::getaddrinfo(host, port, portsock::family::unspec, portsock::type::stream,
                                       0, portsock::ai::passive, ec);
    if (!ec && infos.empty()) ec = portsock::error::no_address;
    return ec ? portsock::endpoint{} : infos.front().address;
}

}  // namespace

int main(int argc, char** argv) {
    std::string host;
    int port = 50675;
    int backlog = 10;
    const int parsed = app::parse_args(program, argc, argv, usage_text, [&](std::string_view name, std::string_view value) {
        if (name == "--host") return host = std::string(value), true;
        if (name == "--port") return app::parse_int(value, 0, 65535, port);
        if (name == "--backlog") return app::parse_int(value, 0, 1000000, backlog);
        return false;
    });
    if (parsed != app::ok) return parsed < 0 ? app::ok : parsed;
    app::handle_stop_signals();

    std::error_code ec;
    const portsock::endpoint address = server_address(host, port, ec);
    if (ec) return app::fail(program, "resolve " + (host.empty() ? std::string("''") : host), ec);

    portsock::socket server;
    server.open(address.family(), portsock::type::stream, 0, ec);
    if (ec) return app::fail(program, "socket", ec);
    app::say("The socket is created successfully");

    // So that a restarted server can bind again while old connections are in
    // TIME_WAIT; a port in active use is still refused.
    server.setsockopt(portsock::opt::reuse_address, true, ec);
    if (!ec) server.bind(address, ec);
    if (ec) return app::fail(program, "bind to " + address.to_string(), ec);
    const portsock::endpoint bound = server.getsockname(ec);
    if (ec) return app::fail(program, "getsockname", ec);
    app::say("The socket is bound to " + std::to_string(bound.port()));

    server.listen(backlog, ec);
    if (!ec) server.settimeout(stop_check_seconds, ec);
    if (ec) return app::fail(program, "listen on " + bound.to_string(), ec);
    app::say("The socket is listening");

    while (!app::stop_requested()) {
        auto [client, peer] = server.accept(ec);
        if (ec == std::errc::timed_out) continue;
        if (ec) {
            app::fail(program, "accept on " + bound.to_string(), ec);
            // Out of descriptors or memory: back off instead of spinning.
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
            continue;
        }
        app::say("Got a connection from " + peer.repr());
        // A client that vanished must not stop the server: report and go on.
        client.settimeout(5.0, ec);
        if (!ec) client.sendall(message.data(), message.size(), ec);
        if (ec) app::fail(program, "send to " + peer.to_string(), ec);
        client.close(ec);
    }
    server.close(ec);
    return app::ok;
}
