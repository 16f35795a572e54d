// The callback version of coro_echo.cpp over portsock::loop: the baseline
// ci/coro-bench.sh compares the coroutine server's instructions with. Not a
// model server: a reply that does not fit the send buffer at once closes the
// connection (coro_echo waits for the writer instead).
#include <portsock/loop.hpp>

#include <cstdint>
#include <cstdio>
#include <string>

namespace ps = portsock;

namespace {
char buf[16384];

void serve(ps::loop& l, ps::socket* conn) {
    std::error_code ec;
    l.add_reader(*conn, [&l, conn] {
        std::error_code e;
        const std::size_t n = conn->recv_into(buf, sizeof buf, e);
        if (ps::would_block(e)) return;
        if (!e && n > 0 && conn->send(buf, n, e) == n) return;
        l.remove_reader(*conn, e);
        l.call_soon([conn] { delete conn; });
    }, ec);
    if (ec) delete conn;
}
}  // namespace

int main(int argc, char** argv) {
    std::error_code ec;
    const auto port = static_cast<std::uint16_t>(argc > 1 ? std::stoi(argv[1]) : 0);
    ps::socket listener = ps::create_server(ps::endpoint::v4({127, 0, 0, 1}, port), {}, ec);
    ps::loop l;
    if (!ec) listener.setblocking(false, ec);
    if (!ec) l.open(ec);
    if (!ec) l.stop_on_signals(ec);
    if (!ec) l.add_reader(listener, [&] {
        std::error_code e;
        ps::accept_result r = listener.accept(e);
        if (!e) r.conn.setblocking(false, e);
        if (!e) serve(l, new ps::socket(std::move(r.conn)));
    }, ec);
    if (ec) return std::fprintf(stderr, "loop_echo: %s\n", ec.message().c_str()), 1;
    std::printf("listening on %d\n", listener.getsockname(ec).port());
    std::fflush(stdout);
    l.run(ec);  // until a signal stops the loop
    return 0;
}
