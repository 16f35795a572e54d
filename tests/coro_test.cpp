// <portsock/coro.hpp>: tasks (results, exceptions, spawn), sleep on an
// injected clock, accept / connect / recv_into / sendall / recvfrom_into /
// sendto over loopback, with_timeout firing and not, cancellation leaving no
// registration behind, and the coroutine echo server example as a process.
// Built only where C++20 coroutines compile (cmake/coroutines.cmake).
#include "child_process.hpp"
#include "counting_new.hpp"  // counting, allocations: every operator new counted
#include "loop_support.hpp"
#include "net.hpp"

#include <portsock/coro.hpp>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <new>
#include <string>
#include <vector>

namespace ps = portsock;
using testsupport::fake_clock;
using testsupport::open_loop;
using testsupport::run_once;
using namespace std::chrono_literals;

namespace {

ps::task<int> forty_two() { co_return 42; }

ps::task<int> add_one(ps::task<int> inner) {
    const int v = co_await inner;
    co_return v + 1;
}

ps::task<std::string> text_after_sleep(ps::loop& l) {
    co_await ps::sleep(l, 0.0);
    co_return std::string("slept");
}

ps::task<void> record_after(ps::loop& l, double seconds, std::string& order, char c) {
    co_await ps::sleep(l, seconds);
    order += c;
}

}  // namespace

// Tasks ------------------------------------------------------------------------

TEST(CoroTask, RunUntilCompleteReturnsTheResultOfNestedTasks) {
    ps::loop l;
    open_loop(l);
    std::error_code ec;
    EXPECT_EQ(ps::run_until_complete(l, add_one(add_one(forty_two())), ec), 44);
    EXPECT_OK(ec);
    EXPECT_EQ(ps::run_until_complete(l, text_after_sleep(l), ec), "slept");
    EXPECT_OK(ec);
}

TEST(CoroTask, IsLazyUntilStarted) {
    ps::loop l;
    open_loop(l);
    bool ran = false;
    auto t = [](bool& flag) -> ps::task<void> {
        flag = true;
        co_return;
    }(ran);
    EXPECT_FALSE(ran);
    std::error_code ec;
    ps::run_until_complete(l, std::move(t), ec);
    EXPECT_OK(ec);
    EXPECT_TRUE(ran);
}

#if PORTSOCK_HAS_EXCEPTIONS
namespace {
ps::task<int> throws_after_sleep(ps::loop& l) {
    co_await ps::sleep(l, 0.0);
    throw std::runtime_error("from the task");
}
ps::task<std::string> catches(ps::loop& l) {
    try {
        co_await throws_after_sleep(l);
    } catch (const std::runtime_error& e) {
        co_return std::string("caught: ") + e.what();
    }
    co_return std::string("not thrown");
}
}  // namespace

TEST(CoroTask, AnExceptionReachesTheAwaiter) {
    ps::loop l;
    open_loop(l);
    EXPECT_EQ(ps::run_until_complete(l, catches(l)), "caught: from the task");
    EXPECT_THROW(ps::run_until_complete(l, throws_after_sleep(l)), std::runtime_error);
}

TEST(CoroTask, AnExceptionEscapingASpawnedTaskLeavesRunAndTheLoopGoesOn) {
    ps::loop l;
    open_loop(l);
    ps::spawn(l, throws_after_sleep(l));
    EXPECT_THROW(l.run(), std::runtime_error);
    std::string order;
    ps::spawn(l, record_after(l, 0.0, order, 'a'));
    l.call_later(0.0, [&] { l.call_soon([&] { l.stop(); }); });
    l.run();
    EXPECT_EQ(order, "a");
}
#endif

TEST(CoroTask, SpawnedTasksRunFromTheNextIteration) {
    ps::loop l;
    open_loop(l);
    std::string order;
    ps::spawn(l, record_after(l, 0.0, order, 'x'));
    EXPECT_EQ(order, "");
    for (int i = 0; i < 4 && order.empty(); ++i) run_once(l);
    EXPECT_EQ(order, "x");
    EXPECT_EQ(l.timers(), 0u);
}

// A spawned task owns a connection and waits on it when the loop closes: the
// close destroys the task, so its socket closes (the peer reads the end) and
// nothing of it is left on the loop; a finished task is no longer linked.
TEST(CoroTask, ASpawnedTaskWaitingWhenTheLoopClosesIsDestroyedWithItsSocket) {
    fake_clock c;
    auto [a, b] = testsupport::tcp_pair();
    bool destroyed = false;
    std::string order;
    {
        ps::loop l(c.clock());
        open_loop(l);
        struct flag_on_exit {
            bool* flag;
            ~flag_on_exit() { *flag = true; }
        };
        ps::spawn(l, [](ps::loop& lp, ps::socket conn, bool& gone) -> ps::task<void> {
            flag_on_exit on_exit{&gone};
            char buf[64];
            std::error_code ec;
            co_await ps::recv_into(lp, conn, buf, sizeof buf, ec);  // never answered
        }(l, std::move(b), destroyed));
        ps::spawn(l, record_after(l, 0.0, order, 'x'));  // ends, and unlinks, on its own
        run_once(l);
        run_once(l);
        EXPECT_FALSE(destroyed);
        EXPECT_EQ(order, "x");
        l.close();
        EXPECT_TRUE(destroyed);
        EXPECT_EQ(l.timers(), 0u);
    }
    char byte = 0;
    std::error_code ec;
    a.settimeout(5.0, ec);
    EXPECT_EQ(a.recv_into(&byte, 1, ec), 0u);  // the end of stream: the task's socket closed
    EXPECT_OK(ec);
}

// sleep -------------------------------------------------------------------------

TEST(CoroSleep, SleepersWakeInDeadlineOrderOnTheLoopsClock) {
    fake_clock c;
    ps::loop l(c.clock());
    open_loop(l);
    std::string order;
    ps::spawn(l, record_after(l, 3.0, order, '3'));
    ps::spawn(l, record_after(l, 1.0, order, '1'));
    ps::spawn(l, record_after(l, 2.0, order, '2'));
    run_once(l);  // the tasks start and sleep
    EXPECT_EQ(l.timers(), 3u);
    run_once(l);
    EXPECT_EQ(order, "");
    c.now += 1.5;
    run_once(l);
    EXPECT_EQ(order, "1");
    c.now += 2.0;
    run_once(l);
    EXPECT_EQ(order, "123");
    EXPECT_EQ(l.timers(), 0u);
}

// Sockets -----------------------------------------------------------------------

namespace {

ps::task<std::string> serve_one_echo(ps::loop& l, ps::socket& listener) {
    std::error_code ec;
    auto [conn, peer] = co_await ps::accept(l, listener, ec);
    EXPECT_OK(ec);
    EXPECT_FALSE(conn.getblocking());
    std::string seen;
    char buf[256];
    for (;;) {
        const std::size_t n = co_await ps::recv_into(l, conn, buf, sizeof buf, ec);
        if (ec || n == 0) break;
        seen.append(buf, n);
        co_await ps::sendall(l, conn, buf, n, ec);
        if (ec) break;
    }
    EXPECT_OK(ec);
    co_return seen;
}

ps::task<std::string> client(ps::loop& l, ps::endpoint to, std::string message) {
    std::error_code ec;
    ps::socket s;
    s.open(ps::family::inet, ps::type::stream, 0, ec);
    EXPECT_OK(ec);
    co_await ps::connect(l, s, to, ec);
    EXPECT_OK(ec);
    co_await ps::sendall(l, s, message.data(), message.size(), ec);
    EXPECT_OK(ec);
    s.shutdown(ps::shut::wr, ec);
    EXPECT_OK(ec);
    std::string back;
    char buf[7];  // small: several receives
    for (;;) {
        const std::size_t n = co_await ps::recv_into(l, s, buf, sizeof buf, ec);
        if (ec || n == 0) break;
        back.append(buf, n);
    }
    EXPECT_OK(ec);
    co_return back;
}

ps::task<std::pair<std::string, std::string>> echo_both(ps::loop& l, ps::socket& listener, ps::endpoint to) {
    ps::task<std::string> server = serve_one_echo(l, listener);
    std::string from_server;
    // The server runs as its own task; the client here.
    ps::spawn(l, [](ps::task<std::string> t, std::string& out) -> ps::task<void> {
        out = co_await t;
    }(std::move(server), from_server));
    std::string back = co_await client(l, to, "hello through coroutines");
    while (from_server.empty()) co_await ps::sleep(l, 0.0);
    co_return std::make_pair(back, from_server);
}

}  // namespace

TEST(CoroSocket, AcceptConnectAndEchoOverLoopback) {
    ps::loop l;
    open_loop(l);
    ps::socket listener = testsupport::listener();
    std::error_code ec;
    const ps::endpoint to = listener.getsockname(ec);
    ASSERT_OK(ec);
    auto [back, seen] = ps::run_until_complete(l, echo_both(l, listener, to), ec);
    EXPECT_OK(ec);
    EXPECT_EQ(back, "hello through coroutines");
    EXPECT_EQ(seen, "hello through coroutines");
    EXPECT_FALSE(l.remove_reader(listener, ec));  // nothing left registered
}

namespace {
ps::task<std::error_code> connect_to(ps::loop& l, ps::endpoint to) {
    std::error_code ec;
    ps::socket s;
    s.open(ps::family::inet, ps::type::stream, 0, ec);
    if (ec) co_return ec;
    co_await ps::connect(l, s, to, ec);
    co_return ec;
}
}  // namespace

TEST(CoroSocket, ConnectReportsARefusal) {
    ps::loop l;
    open_loop(l);
    ps::socket closed = testsupport::refusing_port();
    std::error_code ec;
    const ps::endpoint to = closed.getsockname(ec);
    ASSERT_OK(ec);
    const std::error_code result = ps::run_until_complete(l, connect_to(l, to), ec);
    EXPECT_OK(ec);
    EXPECT_EQ(result, std::errc::connection_refused) << result.message();
}

namespace {
ps::task<std::size_t> send_big(ps::loop& l, ps::socket& s, const std::string& data, std::error_code& ec) {
    const std::size_t n = co_await ps::sendall(l, s, data.data(), data.size(), ec);
    s.shutdown(ps::shut::wr, ec);
    co_return n;
}
ps::task<std::string> read_slowly(ps::loop& l, ps::socket& s) {
    std::string got;
    char buf[1024];
    std::error_code ec;
    for (;;) {
        co_await ps::sleep(l, 0.0);  // one small read per loop iteration
        const std::size_t n = co_await ps::recv_into(l, s, buf, sizeof buf, ec);
        if (ec || n == 0) break;
        got.append(buf, n);
    }
    EXPECT_OK(ec);
    co_return got;
}
ps::task<std::pair<std::size_t, std::string>> big_transfer(ps::loop& l, ps::socket& a, ps::socket& b,
                                                           const std::string& data, std::error_code& send_ec) {
    std::size_t sent = 0;
    bool sent_done = false;
    ps::spawn(l, [](ps::loop& lp, ps::socket& s, const std::string& d, std::error_code& e, std::size_t& out,
                    bool& done) -> ps::task<void> {
        out = co_await send_big(lp, s, d, e);
        done = true;
    }(l, a, data, send_ec, sent, sent_done));
    std::string got = co_await read_slowly(l, b);
    while (!sent_done) co_await ps::sleep(l, 0.0);
    co_return std::make_pair(sent, got);
}
}  // namespace

TEST(CoroSocket, SendallOfALargeBufferReachesASlowReader) {
    ps::loop l;
    open_loop(l);
    auto [a, b] = testsupport::tcp_pair();
    std::error_code ec;
    a.setsockopt(ps::opt::send_buffer, 16384, ec);
    ASSERT_OK(ec);
    std::string data(2 * 1024 * 1024, '\0');
    for (std::size_t i = 0; i < data.size(); ++i) data[i] = static_cast<char>('a' + i % 23);
    std::error_code send_ec;
    auto [sent, got] = ps::run_until_complete(l, big_transfer(l, a, b, data, send_ec), ec);
    EXPECT_OK(ec);
    EXPECT_OK(send_ec);
    EXPECT_EQ(sent, data.size());
    EXPECT_TRUE(got == data) << "received " << got.size() << " of " << data.size() << " bytes, or out of order";
}

namespace {
ps::task<std::string> datagram_round_trip(ps::loop& l, ps::socket& a, ps::socket& b, ps::endpoint to_b) {
    std::error_code ec;
    char buf[64];
    ps::spawn(l, [](ps::loop& lp, ps::socket& s, char* out) -> ps::task<void> {
        std::error_code e;
        const ps::recvfrom_result r = co_await ps::recvfrom_into(lp, s, out, 64, e);
        EXPECT_OK(e);
        co_await ps::sendto(lp, s, out, r.nbytes, r.address, e);  // echo to the sender
        EXPECT_OK(e);
    }(l, b, buf));
    co_await ps::sendto(l, a, "ping", 4, to_b, ec);
    EXPECT_OK(ec);
    char back[64];
    const ps::recvfrom_result r = co_await ps::recvfrom_into(l, a, back, sizeof back, ec);
    EXPECT_OK(ec);
    EXPECT_EQ(r.address, to_b);
    co_return std::string(back, r.nbytes);
}
}  // namespace

TEST(CoroSocket, RecvfromIntoAndSendtoOverLoopback) {
    ps::loop l;
    open_loop(l);
    std::error_code ec;
    ps::socket a, b;
    a.open(ps::family::inet, ps::type::dgram, 0, ec);
    ASSERT_OK(ec);
    b.open(ps::family::inet, ps::type::dgram, 0, ec);
    ASSERT_OK(ec);
    a.bind(testsupport::loopback4(), ec);
    ASSERT_OK(ec);
    b.bind(testsupport::loopback4(), ec);
    ASSERT_OK(ec);
    const ps::endpoint to_b = b.getsockname(ec);
    ASSERT_OK(ec);
    EXPECT_EQ(ps::run_until_complete(l, datagram_round_trip(l, a, b, to_b), ec), "ping");
    EXPECT_OK(ec);
}

// with_timeout and cancellation --------------------------------------------------

namespace {
ps::task<std::error_code> recv_with_timeout(ps::loop& l, ps::socket& s, double seconds, std::string& got) {
    std::error_code ec;
    char buf[16];
    const std::size_t n = co_await ps::with_timeout(l, seconds, ps::recv_into(l, s, buf, sizeof buf, ec));
    got.assign(buf, n);
    co_return ec;
}
}  // namespace

TEST(CoroTimeout, FiresOnASilentPeerAndLeavesNoReaderBehind) {
    ps::loop l;
    open_loop(l);
    auto [a, b] = testsupport::tcp_pair();
    std::string got;
    std::error_code ec;
    const std::error_code result = ps::run_until_complete(l, recv_with_timeout(l, b, 0.05, got), ec);
    EXPECT_OK(ec);
    EXPECT_EQ(result, std::errc::timed_out);
    EXPECT_EQ(got, "");
    EXPECT_EQ(l.timers(), 0u);
    EXPECT_FALSE(l.remove_reader(b, ec));  // the reader was removed
    EXPECT_OK(ec);
}

TEST(CoroTimeout, DoesNotFireWhenTheDataComesInTime) {
    ps::loop l;
    open_loop(l);
    auto [a, b] = testsupport::tcp_pair();
    std::error_code ec;
    ps::socket& writer = a;
    l.call_soon([&writer] {
        std::error_code e;
        writer.sendall("on time", 7, e);
    });
    std::string got;
    const std::error_code result = ps::run_until_complete(l, recv_with_timeout(l, b, 30.0, got), ec);
    EXPECT_OK(ec);
    EXPECT_OK(result);
    EXPECT_EQ(got, "on time");
    EXPECT_EQ(l.timers(), 0u);  // the time-out's timer was cancelled
    EXPECT_FALSE(l.remove_reader(b, ec));
}

namespace {
ps::task<int> sleeps_then_reads(ps::loop& l, ps::socket& s, bool& finished) {
    co_await ps::sleep(l, 0.5);
    char buf[4];
    std::error_code ec;
    co_await ps::recv_into(l, s, buf, sizeof buf, ec);  // never gets data
    finished = true;
    co_return 1;
}
ps::task<std::error_code> task_with_timeout(ps::loop& l, ps::socket& s, bool& finished, int& result) {
    std::error_code ec;
    result = co_await ps::with_timeout(l, 2.0, sleeps_then_reads(l, s, finished), ec);
    co_return ec;
}
}  // namespace

TEST(CoroTimeout, OnATaskDestroysItAndItsRegistrations) {
    fake_clock c;
    ps::loop l(c.clock());
    open_loop(l);
    auto [a, b] = testsupport::tcp_pair();
    bool finished = false;
    int result = -1;
    std::error_code outcome;
    ps::spawn(l, [](ps::loop& lp, ps::socket& s, bool& f, int& r, std::error_code& out) -> ps::task<void> {
        out = co_await task_with_timeout(lp, s, f, r);
    }(l, b, finished, result, outcome));
    run_once(l);
    EXPECT_EQ(l.timers(), 2u);  // the time-out and the sleep
    c.now += 1.0;
    run_once(l);  // the sleep ends; the read waits
    EXPECT_EQ(l.timers(), 1u);
    c.now += 1.5;
    run_once(l);  // the time-out fires
    EXPECT_EQ(outcome, std::errc::timed_out);
    EXPECT_EQ(result, 0);
    EXPECT_FALSE(finished);
    EXPECT_EQ(l.timers(), 0u);
    std::error_code ec;
    EXPECT_FALSE(l.remove_reader(b, ec));  // the inner read was unregistered
}

TEST(CoroCancel, AStoppedRunUntilCompleteDestroysTheTaskAndItsRegistrations) {
    ps::loop l;
    open_loop(l);
    auto [a, b] = testsupport::tcp_pair();
    std::string got;
    l.stop();  // run returns after its first iteration, the read pending
    std::error_code ec;
    ps::run_until_complete(l, recv_with_timeout(l, b, 60.0, got), ec);
    EXPECT_EQ(ec, std::errc::operation_canceled);
    EXPECT_EQ(l.timers(), 0u);
    EXPECT_FALSE(l.remove_reader(b, ec));
    EXPECT_OK(ec);
}

#if PORTSOCK_HAS_EXCEPTIONS
namespace {
ps::task<void> recv_throwing(ps::loop& l, ps::socket& s) {
    char buf[4];
    co_await ps::with_timeout(l, 0.02, ps::recv_into(l, s, buf, sizeof buf));
}
}  // namespace

TEST(CoroTimeout, TheThrowingFormThrowsTimeoutErrorNamingTheOperation) {
    ps::loop l;
    open_loop(l);
    auto [a, b] = testsupport::tcp_pair();
    try {
        ps::run_until_complete(l, recv_throwing(l, b));
        ADD_FAILURE() << "no exception";
    } catch (const ps::timeout_error& e) {
        EXPECT_NE(std::string(e.what()).find("recv_into from 127.0.0.1:"), std::string::npos) << e.what();
    }
    std::error_code ec;
    EXPECT_FALSE(l.remove_reader(b, ec));
}
#endif

// The example ------------------------------------------------------------------------

TEST(CoroExample, TheEchoServerEchoes) {
    std::error_code ec;
    auto server = testsupport::child_process::start({PORTSOCK_CORO_ECHO}, ec);
    ASSERT_OK(ec);
    const auto line = server.read_line(20s);
    ASSERT_TRUE(line.has_value()) << server.err();
    ASSERT_EQ(line->rfind("listening on ", 0), 0u) << *line;
    const int port = std::stoi(line->substr(13));
    for (int round = 0; round < 2; ++round) {  // two clients, one after the other
        ps::socket s;
        s.open(ps::family::inet, ps::type::stream, 0, ec);
        ASSERT_OK(ec);
        s.settimeout(20.0, ec);
        s.connect(testsupport::loopback4(static_cast<std::uint16_t>(port)), ec);
        ASSERT_OK(ec);
        const std::string message(100000, static_cast<char>('A' + round));
        s.sendall(message.data(), message.size(), ec);
        ASSERT_OK(ec);
        s.shutdown(ps::shut::wr, ec);
        EXPECT_TRUE(testsupport::read_all(s) == message);
    }
    if (server.terminate()) {
        EXPECT_EQ(server.wait(20s), 0) << server.err();
    } else {
        EXPECT_TRUE(server.kill());  // wine: no stop request to deliver
    }
}

// watcher --------------------------------------------------------------------------

namespace {
struct watcher_trace {
    std::string got;
    bool registered_after_wait = false;
    bool registered_after_idle = true;
};
ps::task<void> receive_through_watcher(ps::loop& l, ps::socket& s, ps::socket& peer, watcher_trace& t) {
    ps::watcher w(l, s);
    char buf[8];
    std::error_code ec;
    std::size_t n = co_await ps::recv_into(w, buf, sizeof buf, ec);  // there already: no wait
    EXPECT_OK(ec);
    t.got.append(buf, n);
    EXPECT_FALSE(w.registered(false));
    l.call_soon([&peer] {
        std::error_code e;
        peer.sendall("b", 1, e);
    });
    n = co_await ps::recv_into(w, buf, sizeof buf, ec);  // waits
    EXPECT_OK(ec);
    t.got.append(buf, n);
    t.registered_after_wait = w.registered(false);  // kept for the next wait
    std::error_code e;
    peer.sendall("c", 1, e);
    // Readiness while nobody waits removes the registration.
    // (Polled: loopback delivers "c" at once on most systems, not on all.)
    for (int i = 0; i < 5000 && w.registered(false); ++i) co_await ps::sleep(l, 0.001);
    t.registered_after_idle = w.registered(false);
    n = co_await ps::recv_into(w, buf, sizeof buf, ec);
    EXPECT_OK(ec);
    t.got.append(buf, n);
}
}  // namespace

TEST(CoroWatcher, StaysRegisteredBetweenWaitsUntilIdleReadinessOrItsEnd) {
    ps::loop l;
    open_loop(l);
    auto [a, b] = testsupport::tcp_pair();
    std::error_code ec;
    a.sendall("a", 1, ec);
    ASSERT_OK(ec);
    watcher_trace t;
    ps::run_until_complete(l, receive_through_watcher(l, b, a, t), ec);
    EXPECT_OK(ec);
    EXPECT_EQ(t.got, "abc");
    EXPECT_TRUE(t.registered_after_wait);
    EXPECT_FALSE(t.registered_after_idle);
    EXPECT_FALSE(l.remove_reader(b, ec));  // the watcher's end removed it
    EXPECT_OK(ec);
}

namespace {
ps::task<std::error_code> watched_recv_with_timeout(ps::loop& l, ps::socket& s) {
    ps::watcher w(l, s);
    char buf[8];
    std::error_code ec;
    co_await ps::with_timeout(l, 0.02, ps::recv_into(w, buf, sizeof buf, ec));
    EXPECT_FALSE(w.registered(false));  // the cancelled wait removed it
    co_return ec;
}
}  // namespace

TEST(CoroWatcher, ATimedOutWaitRemovesTheRegistration) {
    ps::loop l;
    open_loop(l);
    auto [a, b] = testsupport::tcp_pair();
    std::error_code ec;
    EXPECT_EQ(ps::run_until_complete(l, watched_recv_with_timeout(l, b), ec), std::errc::timed_out);
    EXPECT_OK(ec);
    EXPECT_FALSE(l.remove_reader(b, ec));
}

// Allocations ------------------------------------------------------------------------

namespace {
constexpr int warm_rounds = 10;
constexpr int rounds = 200;

ps::task<void> echo_rounds(ps::loop& l, ps::socket& s, bool through_watcher) {
    ps::watcher w(l, s);
    char buf[64];
    std::error_code ec;
    for (int i = 0; i < rounds; ++i) {
        const std::size_t n = through_watcher ? co_await ps::recv_into(w, buf, sizeof buf, ec)
                                              : co_await ps::recv_into(l, s, buf, sizeof buf, ec);
        if (ec || n == 0) break;
        if (through_watcher) {
            co_await ps::sendall(w, buf, n, ec);
        } else {
            co_await ps::sendall(l, s, buf, n, ec);
        }
        if (ec) break;
    }
    EXPECT_OK(ec);
}

ps::task<int> ping_rounds(ps::loop& l, ps::socket& s, bool through_watcher) {
    ps::watcher w(l, s);
    char message[32] = "ping";
    char buf[32];
    std::error_code ec;
    int done = 0;
    for (int i = 0; i < rounds; ++i) {
        if (i == warm_rounds) counting = true;  // the loop's pools and the frames exist by now
        co_await ps::sendall(l, s, message, sizeof message, ec);
        std::size_t got = 0;
        while (!ec && got < sizeof message) {
            const std::size_t n = through_watcher
                                      ? co_await ps::recv_into(w, buf + got, sizeof buf - got, ec)
                                      : co_await ps::recv_into(l, s, buf + got, sizeof buf - got, ec);
            if (n == 0) break;
            got += n;
        }
        if (ec || got < sizeof message) break;
        ++done;
    }
    counting = false;
    EXPECT_OK(ec);
    co_return done;
}

// What one add_reader / remove_reader costs the loop itself, once warm: 0
// where the poller keeps no per-socket record (epoll, kqueue, poll), not
// everywhere (Windows' pollers allocate one per registered socket).
std::size_t loop_allocations_per_registration(ps::loop& l, ps::socket& s) {
    std::error_code ec;
    const auto cycle = [&] {
        l.add_reader(s, [] {}, ec);
        l.remove_reader(s, ec);
    };
    cycle();
    const std::size_t before = allocations.load();
    counting = true;
    cycle();
    counting = false;
    EXPECT_OK(ec);
    return allocations.load() - before;
}

void expect_no_allocation_per_round(bool through_watcher) {
    ps::loop l;
    open_loop(l);
    auto [a, b] = testsupport::tcp_pair();
    std::error_code ec;
    const std::size_t per_registration = loop_allocations_per_registration(l, b);
    allocations = 0;
    ps::spawn(l, echo_rounds(l, b, through_watcher));
    EXPECT_EQ(ps::run_until_complete(l, ping_rounds(l, a, through_watcher), ec), rounds);
    EXPECT_OK(ec);
    // Plain operations register and unregister once per wait, two waits per
    // round (each side's receive); through watchers nothing is registered
    // again. The coroutines themselves add no allocation.
    const std::size_t loops_own = through_watcher ? 0 : 2 * per_registration * (rounds - warm_rounds);
    EXPECT_LE(allocations.load(), loops_own)
        << "allocations in " << rounds - warm_rounds << " echoed messages; the loop's own per registration: "
        << per_registration;
    // The echo task ended with its last reply, before the last ping's reply was read.
    EXPECT_FALSE(l.remove_reader(b, ec));
}
}  // namespace

TEST(CoroAllocations, NoneWhileEchoingWithPlainOperations) { expect_no_allocation_per_round(false); }

TEST(CoroAllocations, NoneWhileEchoingThroughAWatcher) { expect_no_allocation_per_round(true); }
