// The tutorial's server: binds (host "" = every interface, port 50675),
// listens, and sends each client "Thank you for connecting with the socket"
// before closing its connection. Stops cleanly on Ctrl-C or SIGTERM: it waits
// on a poller that the signal handler wakes.
//
//   thankyou-server [--host H] [--port P] [--backlog N]   (--help, --version)
#include "app.hpp"

#include <chrono>
#include <thread>

namespace {

constexpr const char* program = "thankyou-server";
constexpr const char* usage_text = "thankyou-server [--host H] [--port P] [--backlog N]";
constexpr std::string_view message = "Thank you for connecting with the socket";

}  // namespace

int main(int argc, char** argv) {
    std::string host;
    int port = 50675;
    int backlog = 10;
    const int parsed = app::parse_options(program, argc, argv, usage_text, {"--host", "--port", "--backlog"}, {}, [&](std::string_view name, std::string_view value) {
        if (name == "--host") return host = std::string(value), true;
        if (name == "--port") return app::parse_int(value, 0, 65535, port);
        if (name == "--backlog") return app::parse_int(value, 0, 1000000, backlog);
        return false;
    });
    if (parsed != app::ok) return parsed < 0 ? app::ok : parsed;

    std::error_code ec;
    portsock::poller waiter;
    waiter.open(ec);
    if (ec) return app::fail(program, "poller", ec);
    app::handle_stop_signals(&waiter);

    const portsock::endpoint address = app::server_address(host, port, ec);
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
    // Non-blocking, so that a client that vanishes between the poller's
    // report and accept cannot block the loop (accepted sockets are blocking).
    if (!ec) server.setblocking(false, ec);
    if (!ec) waiter.add(server, portsock::event::readable, 0, ec);
    if (ec) return app::fail(program, "listen on " + bound.to_string(), ec);
    app::say("The socket is listening");

    std::array<portsock::poll_event, 1> ready;
    while (!app::stop_requested()) {
        waiter.wait(ready, std::nullopt, ec);
        if (ec || app::stop_requested()) continue;
        auto [client, peer] = server.accept(ec);
        if (portsock::would_block(ec)) continue;
        if (ec) {
            app::report(program, "accept on " + bound.to_string(), ec);
            // Out of descriptors or memory: back off instead of spinning.
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
            continue;
        }
        app::say("Got a connection from " + peer.repr());
        // A client that vanished must not stop the server: report and go on.
        client.settimeout(5.0, ec);
        if (!ec) client.sendall(message.data(), message.size(), ec);
        if (ec) app::report(program, "send to " + peer.to_string(), ec);
        client.close(ec);
    }
    waiter.remove(server, ec);
    server.close(ec);
    return app::ok;
}
