// An echo server with coroutines over portsock::loop (<portsock/coro.hpp>).
// Usage: coro_echo [port]; prints "listening on <port>", then echoes every
// connection until Ctrl-C / SIGTERM.
#include <portsock/coro.hpp>

#include <cstdint>
#include <cstdio>
#include <string>

namespace ps = portsock;

ps::task<void> echo(ps::loop& l, ps::socket conn) {
    ps::watcher w(l, conn);  // conn stays registered with the loop between receives
    char buf[16384];
    std::error_code ec;
    for (;;) {
        std::size_t n = co_await ps::recv_into(w, buf, sizeof buf, ec);
        if (ec || n == 0) co_return;  // error or end of stream: close
        co_await ps::sendall(w, buf, n, ec);
        if (ec) co_return;
    }
}

ps::task<void> serve(ps::loop& l, ps::socket& listener) {
    ps::watcher w(l, listener);
    for (std::error_code ec;;) {
        auto [conn, peer] = co_await ps::accept(w, ec);
        if (!ec) ps::spawn(l, echo(l, std::move(conn)));
    }
}

int main(int argc, char** argv) {
    std::error_code ec;
    const auto port = static_cast<std::uint16_t>(argc > 1 ? std::stoi(argv[1]) : 0);
    ps::socket listener = ps::create_server(ps::endpoint::v4({127, 0, 0, 1}, port), {}, ec);
    ps::loop l;
    if (!ec) l.open(ec);
    if (!ec) l.stop_on_signals(ec);
    if (ec) return std::fprintf(stderr, "coro_echo: %s\n", ec.message().c_str()), 1;
    std::printf("listening on %d\n", listener.getsockname(ec).port());
    std::fflush(stdout);
    ps::run_until_complete(l, serve(l, listener), ec);  // until a signal stops the loop
    return 0;
}
