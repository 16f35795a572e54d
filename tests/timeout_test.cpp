// Python's three timeout modes: blocking (None), non-blocking (0) and a
// deadline (t > 0), for receives, accepts, connects and sendall.
#include "host.hpp"
#include "net.hpp"

#include <array>
#include <chrono>
#include <limits>
#include <vector>

using testsupport::loopback4;
namespace ps = portsock;
using clock_type = std::chrono::steady_clock;

namespace {

double seconds_since(clock_type::time_point start) {
    return std::chrono::duration<double>(clock_type::now() - start).count();
}

}  // namespace

TEST(Timeout, NewSocketsBlock) {
    auto [client, server] = testsupport::tcp_pair();
    EXPECT_EQ(client.gettimeout(), std::nullopt);
    EXPECT_TRUE(client.getblocking());
}

TEST(Timeout, NonBlockingReceiveReturnsAtOnce) {
    auto [client, server] = testsupport::tcp_pair();
    std::error_code ec;
    client.setblocking(false, ec);
    ASSERT_OK(ec);
    EXPECT_EQ(client.gettimeout(), 0.0);
    EXPECT_FALSE(client.getblocking());
    char buffer[8];
    EXPECT_EQ(client.recv_into(buffer, sizeof buffer, ec), 0u);
    EXPECT_TRUE(ps::would_block(ec)) << ec.message();
    // Data that is there is read at once: wait for it with a peek, then read
    // it in non-blocking mode.
    server.sendall("now", 3, ec);
    client.settimeout(10.0, ec);
    EXPECT_EQ(client.recv_into(buffer, 3, ec, ps::msg::peek | ps::msg::waitall), 3u);
    client.setblocking(false, ec);
    EXPECT_EQ(client.recv_into(buffer, sizeof buffer, ec), 3u);
    EXPECT_OK(ec);
    EXPECT_EQ(std::string(buffer, 3), "now");
}

TEST(Timeout, DeadlineReceiveTimesOut) {
    auto [client, server] = testsupport::tcp_pair();
    std::error_code ec;
    client.settimeout(0.2, ec);
    ASSERT_OK(ec);
    EXPECT_EQ(client.gettimeout(), 0.2);
    char buffer[8];
    const auto start = clock_type::now();
    EXPECT_EQ(client.recv_into(buffer, sizeof buffer, ec), 0u);
    const double waited = seconds_since(start);
    EXPECT_EQ(ec, std::errc::timed_out) << ec.message();
    EXPECT_GE(waited, 0.2);
    EXPECT_LT(waited, 10.0);
}

TEST(Timeout, DeadlineReceiveGetsDataThatArrives) {
    auto [client, server] = testsupport::tcp_pair();
    std::error_code ec;
    client.settimeout(30.0, ec);
    server.sendall("data", 4, ec);
    char buffer[8];
    EXPECT_EQ(client.recv_into(buffer, sizeof buffer, ec, ps::msg::waitall), 0u + 4u);
    EXPECT_OK(ec);
}

TEST(Timeout, DeadlineAcceptTimesOut) {
    std::error_code ec;
    ps::socket server = testsupport::listener();
    server.settimeout(0.1, ec);
    auto result = server.accept(ec);
    EXPECT_EQ(ec, std::errc::timed_out) << ec.message();
    EXPECT_FALSE(result.conn.is_open());
}

TEST(Timeout, NonBlockingAcceptWouldBlock) {
    std::error_code ec;
    ps::socket server = testsupport::listener();
    server.setblocking(false, ec);
    server.accept(ec);
    EXPECT_TRUE(ps::would_block(ec)) << ec.message();
}

TEST(Timeout, DeadlineConnectSucceeds) {
    std::error_code ec;
    ps::socket server = testsupport::listener();
    ps::socket client;
    client.open(ps::family::inet, ps::type::stream, 0, ec);
    client.settimeout(5.0, ec);
    client.connect(server.getsockname(ec), ec);
    EXPECT_OK(ec);
    EXPECT_EQ(client.getpeername(ec), server.getsockname(ec));
}

TEST(Timeout, DeadlineConnectReportsRefusal) {
    if (!testsupport::socket_error_reads_right()) GTEST_SKIP() << testsupport::socket_error_misread;
    std::error_code ec;
    ps::socket holder;
    holder.open(ps::family::inet, ps::type::stream, 0, ec);
    holder.bind(loopback4(), ec);
    ps::socket client;
    client.open(ps::family::inet, ps::type::stream, 0, ec);
    client.settimeout(5.0, ec);
    client.connect(holder.getsockname(ec), ec);
    EXPECT_EQ(ec, std::errc::connection_refused) << ec.message();
}

TEST(Timeout, NonBlockingConnectIsInProgressOrDone) {
    std::error_code ec;
    ps::socket server = testsupport::listener();
    ps::socket client;
    client.open(ps::family::inet, ps::type::stream, 0, ec);
    client.setblocking(false, ec);
    client.connect(server.getsockname(ec), ec);
    EXPECT_TRUE(!ec || ec == std::errc::operation_in_progress) << ec.message();
    // The connection completes: the server can accept it.
    server.settimeout(10.0, ec);
    auto accepted = server.accept(ec);
    EXPECT_OK(ec);
}

TEST(Timeout, SendallDeadlineCoversTheWholeCallAndCountsWhatWentOut) {
    auto [client, server] = testsupport::tcp_pair();  // the server never reads
    std::error_code ec;
    client.settimeout(0.3, ec);
    const std::vector<char> data(64u << 20, 'z');
    const auto start = clock_type::now();
    const std::size_t sent = client.sendall(data.data(), data.size(), ec);
    EXPECT_EQ(ec, std::errc::timed_out) << ec.message();
    EXPECT_GT(sent, 0u);
    EXPECT_LT(sent, data.size());
    EXPECT_LT(seconds_since(start), 10.0);
    // Exactly `sent` bytes are in the pipe: read them all back.
    client.close();
    std::size_t received = 0;
    std::vector<char> buffer(1 << 16);
    for (;;) {
        const std::size_t n = server.recv_into(buffer.data(), buffer.size(), ec);
        if (ec || n == 0) break;
        received += n;
    }
    EXPECT_EQ(received, sent);
}

TEST(Timeout, BackToBlockingAfterADeadline) {
    auto [client, server] = testsupport::tcp_pair();
    std::error_code ec;
    client.settimeout(1.5, ec);
    client.settimeout(std::nullopt, ec);
    ASSERT_OK(ec);
    EXPECT_EQ(client.gettimeout(), std::nullopt);
    client.settimeout(std::chrono::milliseconds(250), ec);
    EXPECT_EQ(client.gettimeout(), 0.25);
}

TEST(Timeout, BadValuesAreRefusedAndChangeNothing) {
    auto [client, server] = testsupport::tcp_pair();
    std::error_code ec;
    client.settimeout(2.0, ec);
    for (double bad : {-1.0, std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::infinity(),
                       9.3e9, 1e300}) {
        client.settimeout(bad, ec);
        EXPECT_EQ(ec, ps::error::bad_timeout) << bad;
        EXPECT_EQ(client.gettimeout(), 2.0);
    }
    ps::poller p;
    p.open(ec);
    ASSERT_OK(ec);
    std::array<ps::poll_event, 1> ready;
    p.wait(ready, 1e300, ec);
    EXPECT_EQ(ec, ps::error::bad_timeout) << "a poller wait takes the same timeouts";
}

TEST(Timeout, LongTimeoutsAreKeptAsGiven) {
    // Python keeps any timeout whose nanoseconds fit 64 bits (settimeout(2e9)
    // reads back 2e9) and refuses longer ones; so does portsock. A deadline
    // that far away is the end of time, not an overflow: the call still
    // waits, and data that comes still arrives.
    auto [client, server] = testsupport::tcp_pair();
    std::error_code ec;
    for (double seconds : {2e9, 9.2e9}) {
        server.settimeout(seconds, ec);
        ASSERT_OK(ec);
        EXPECT_EQ(server.gettimeout(), seconds);
    }
    client.sendall("x", 1, ec);
    ASSERT_OK(ec);
    char byte = 0;
    EXPECT_EQ(server.recv_into(&byte, 1, ec), 1u);
    EXPECT_OK(ec);
    ps::poller p;
    p.open(ec);
    ASSERT_OK(ec);
    p.add(server, ps::event::writable, 1, ec);
    std::array<ps::poll_event, 1> ready;
    EXPECT_EQ(p.wait(ready, 9.2e9, ec), 1u);
    EXPECT_OK(ec);
}

#if PORTSOCK_HAS_EXCEPTIONS
TEST(Timeout, ThrowingTimeoutIsItsOwnExceptionType) {
    auto [client, server] = testsupport::tcp_pair();
    client.settimeout(0.05);
    try {
        client.recv(16);
        FAIL() << "recv returned without data";
    } catch (const ps::timeout_error& e) {
        EXPECT_EQ(e.code(), std::errc::timed_out);
        EXPECT_EQ(std::string(e.what()).rfind("recv from 127.0.0.1:", 0), 0u) << e.what();
    }
}

TEST(Timeout, ThrowingSendallExceptionCarriesTheByteCount) {
    auto [client, server] = testsupport::tcp_pair();
    client.settimeout(0.2);
    const std::string data(64u << 20, 'q');
    try {
        client.sendall(data);
        FAIL() << "sendall of 64 MiB to a peer that never reads did not time out";
    } catch (const ps::timeout_error& e) {
        EXPECT_GT(e.transferred(), 0u);
        EXPECT_LT(e.transferred(), data.size());
    }
}
#endif

TEST(Timeout, TheDefaultTimeoutIsWhereNewSocketsStart) {
    // Python's setdefaulttimeout: every socket made from now on starts in
    // that mode, accepted ones and socketpair's too; existing ones keep
    // theirs. (Each test runs in a process of its own; the default is put
    // back at the end anyway.)
    struct restore {
        ~restore() { ps::setdefaulttimeout(std::nullopt, ignored); }
        std::error_code ignored;
    } put_back;
    std::error_code ec;
    EXPECT_EQ(ps::getdefaulttimeout(), std::nullopt);
    ps::socket before;
    before.open(ps::family::inet, ps::type::stream, 0, ec);
    ps::setdefaulttimeout(0.25, ec);
    ASSERT_OK(ec);
    EXPECT_EQ(ps::getdefaulttimeout(), 0.25);
    EXPECT_EQ(before.gettimeout(), std::nullopt);
    ps::socket server = testsupport::listener();
    EXPECT_EQ(server.gettimeout(), 0.25);
    ps::socket client;
    client.open(ps::family::inet, ps::type::stream, 0, ec);
    client.connect(server.getsockname(ec), ec);
    ASSERT_OK(ec);
    auto [conn, peer] = server.accept(ec);
    ASSERT_OK(ec);
    EXPECT_EQ(conn.gettimeout(), 0.25);
    char byte = 0;
    conn.recv_into(&byte, 1, ec);
    EXPECT_EQ(ec, std::errc::timed_out) << "the accepted socket waits 0.25 s, not for ever";
    auto [a, b] = ps::socketpair(ps::family::unspec, ps::type::stream, 0, ec);
    ASSERT_OK(ec);
    EXPECT_EQ(a.gettimeout(), 0.25);
    EXPECT_EQ(b.gettimeout(), 0.25);
    ps::setdefaulttimeout(-1.0, ec);
    EXPECT_EQ(ec, ps::error::bad_timeout);
    EXPECT_EQ(ps::getdefaulttimeout(), 0.25) << "a bad value changes nothing";
    ps::setdefaulttimeout(std::nullopt, ec);
    ASSERT_OK(ec);
    ps::socket after;
    after.open(ps::family::inet, ps::type::stream, 0, ec);
    EXPECT_EQ(after.gettimeout(), std::nullopt);
}
