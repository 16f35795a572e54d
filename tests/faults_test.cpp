// Failures the system can return but a test cannot provoke on demand:
// interruptions, short writes and reads, resets in mid-stream, out of
// descriptors or buffers. They are injected through the seam in
// core/src/fault.hpp (built with PORTSOCK_FAULT_INJECTION), which makes a
// chosen call on a chosen socket fail, or move fewer bytes, a chosen number
// of times.
#include "fault.hpp"
#include "host.hpp"
#include "net.hpp"

#include <chrono>
#include <string>
#include <vector>

using testsupport::loopback4;
using testsupport::read_all;
namespace ps = portsock;
namespace fault = portsock::fault;

namespace {

class Faults : public ::testing::Test {
protected:
    void SetUp() override { fault::clear(); }
    void TearDown() override { fault::clear(); }
};

// A rule for calls on one socket: fail them with `error`, or (no error)
// let them move at most `limit` bytes; `times` calls in a row.
void add_rule(fault::call c, const ps::socket& s, std::errc error, std::size_t limit, unsigned times) {
    fault::rule r;
    r.target = c;
    r.handle = s.native_handle();
    r.error = error;
    r.limit = limit;
    r.times = times;
    ASSERT_TRUE(fault::inject(r));
}

void inject(fault::call c, const ps::socket& s, std::errc error, unsigned times = 1) {
    add_rule(c, s, error, fault::no_limit, times);
}

void shorten(fault::call c, const ps::socket& s, std::size_t limit, unsigned times = 1) {
    add_rule(c, s, std::errc{}, limit, times);
}

std::string payload(std::size_t size) {
    std::string data(size, '\0');
    for (std::size_t k = 0; k < size; ++k) data[k] = static_cast<char>('a' + k % 26);
    return data;
}

#if PORTSOCK_HAS_EXCEPTIONS
// Expects `call` to throw a socket_error with code `expected` whose message
// starts with `where`; returns the bytes it says were transferred.
template <class Call>
std::size_t expect_socket_error(Call call, std::errc expected, const std::string& where) {
    try {
        call();
        ADD_FAILURE() << "no exception; expected " << where;
    } catch (const ps::socket_error& e) {
        EXPECT_EQ(e.code(), expected);
        EXPECT_EQ(std::string(e.what()).rfind(where, 0), 0u) << e.what();
        return e.transferred();
    }
    return 0;
}
#endif

#define PORTSOCK_REQUIRE_INTERRUPTIBLE_CALLS()        \
    if (!testsupport::calls_can_be_interrupted())     \
    GTEST_SKIP() << "Winsock calls are never interrupted by a signal: there is no EINTR to retry"

double seconds_since(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

TEST_F(Faults, SendallCompletesAcrossShortWritesAndInterruptions) {
    auto [client, server] = testsupport::tcp_pair();
    const bool interruptible = testsupport::calls_can_be_interrupted();
    shorten(fault::call::send, client, 7);
    if (interruptible) inject(fault::call::send, client, std::errc::interrupted, 2);
    shorten(fault::call::send, client, 100, 5);
    const std::string data = payload(4096);
    const std::uint64_t before = fault::calls(fault::call::send);
    std::error_code ec;
    EXPECT_EQ(client.sendall(data.data(), data.size(), ec), data.size());
    EXPECT_OK(ec);
    // 7 bytes, two interruptions retried (where there are any), five writes
    // of 100, then the rest.
    EXPECT_EQ(fault::calls(fault::call::send) - before, interruptible ? 9u : 7u);
    client.close();
    EXPECT_EQ(read_all(server), data);
}

TEST_F(Faults, SendallWithADeadlineWaitsWhenTheBufferIsFull) {
    auto [client, server] = testsupport::tcp_pair();
    std::error_code ec;
    client.settimeout(10.0, ec);
    ASSERT_OK(ec);
    shorten(fault::call::send, client, 10);
    inject(fault::call::send, client, std::errc::operation_would_block, 2);
    const std::string data = payload(1000);
    EXPECT_EQ(client.sendall(data.data(), data.size(), ec), data.size());
    EXPECT_OK(ec);
    EXPECT_EQ(fault::injected(fault::call::send), 3u);
    client.close();
    EXPECT_EQ(read_all(server), data);
}

TEST_F(Faults, NonBlockingSendallStopsAtWouldBlockWithTheCount) {
    auto [client, server] = testsupport::tcp_pair();
    std::error_code ec;
    client.setblocking(false, ec);
    ASSERT_OK(ec);
    shorten(fault::call::send, client, 10);
    inject(fault::call::send, client, std::errc::operation_would_block);
    const std::string data = payload(1000);
    EXPECT_EQ(client.sendall(data.data(), data.size(), ec), 10u);
    EXPECT_TRUE(ps::would_block(ec)) << ec.message();
}

TEST_F(Faults, SendallThatFailsMidwayReportsExactlyTheBytesSent) {
    for (const std::errc failure : {std::errc::broken_pipe, std::errc::connection_reset}) {
        auto [client, server] = testsupport::tcp_pair();
        shorten(fault::call::send, client, 1000, 3);
        inject(fault::call::send, client, failure);
        const std::string data = payload(10000);
        std::error_code ec;
        EXPECT_EQ(client.sendall(data.data(), data.size(), ec), 3000u);
        EXPECT_EQ(ec, failure) << ec.message();
        client.close();
        EXPECT_EQ(read_all(server), data.substr(0, 3000));
        fault::clear();
    }
}

#if PORTSOCK_HAS_EXCEPTIONS
TEST_F(Faults, SendallExceptionCarriesTheBytesSent) {
    auto [client, server] = testsupport::tcp_pair();
    shorten(fault::call::send, client, 1000, 2);
    inject(fault::call::send, client, std::errc::broken_pipe);
    const std::string data = payload(5000);
    std::error_code ec;
    const std::string where = "sendall to " + client.getpeername(ec).to_string() + ": ";
    EXPECT_EQ(expect_socket_error([&, &c = client] { c.sendall(data); }, std::errc::broken_pipe, where), 2000u);
}
#endif

TEST_F(Faults, InterruptedReceiveIsRetried) {
    PORTSOCK_REQUIRE_INTERRUPTIBLE_CALLS();
    auto [client, server] = testsupport::tcp_pair();
    std::error_code ec;
    server.settimeout(10.0, ec);
    inject(fault::call::recv, server, std::errc::interrupted, 3);
    client.sendall("hi", 2, ec);
    ASSERT_OK(ec);
    char buffer[8];
    const std::uint64_t before = fault::calls(fault::call::recv);
    EXPECT_EQ(server.recv_into(buffer, sizeof buffer, ec), 2u);
    EXPECT_OK(ec);
    EXPECT_EQ(std::string(buffer, 2), "hi");
    EXPECT_EQ(fault::injected(fault::call::recv), 3u);
    EXPECT_GE(fault::calls(fault::call::recv) - before, 4u);
}

TEST_F(Faults, ReceiveKeepsItsDeadlineAcrossInterruptions) {
    PORTSOCK_REQUIRE_INTERRUPTIBLE_CALLS();
    // A signal arrives every 20 ms while the receive waits for data that
    // never comes. Restarting the 0.2 s timeout after each one would never
    // end; keeping the deadline ends the wait on time.
    auto [client, server] = testsupport::tcp_pair();
    std::error_code ec;
    server.settimeout(0.2, ec);
    ASSERT_OK(ec);
    fault::rule r;
    r.target = fault::call::poll;
    r.handle = server.native_handle();
    r.error = std::errc::interrupted;
    r.limit = 20;  // milliseconds
    r.times = fault::forever;
    ASSERT_TRUE(fault::inject(r));
    char buffer[8];
    const auto start = std::chrono::steady_clock::now();
    EXPECT_EQ(server.recv_into(buffer, sizeof buffer, ec), 0u);
    const double elapsed = seconds_since(start);
    EXPECT_EQ(ec, std::errc::timed_out) << ec.message();
    EXPECT_GE(elapsed, 0.2);
    EXPECT_LT(elapsed, 2.0) << "the deadline was not kept across interruptions";
    EXPECT_GE(fault::injected(fault::call::poll), 2u) << "the wait was never interrupted";
}

TEST_F(Faults, InterruptedConnectIsCompletedNotRepeated) {
    PORTSOCK_REQUIRE_INTERRUPTIBLE_CALLS();
    std::error_code ec;
    ps::socket server = testsupport::listener();
    const ps::endpoint address = server.getsockname(ec);
    for (const std::optional<double> timeout : {std::optional<double>{}, std::optional<double>{5.0}}) {
        ps::socket client;
        client.open(ps::family::inet, ps::type::stream, 0, ec);
        ASSERT_OK(ec);
        client.settimeout(timeout, ec);
        inject(fault::call::connect, client, std::errc::interrupted);
        const std::uint64_t before = fault::calls(fault::call::connect);
        client.connect(address, ec);
        EXPECT_OK(ec);
        EXPECT_EQ(fault::calls(fault::call::connect) - before, 1u) << "connect was called again";
        EXPECT_EQ(fault::injected(fault::call::connect), 1u);
        EXPECT_EQ(client.getpeername(ec), address);
        auto accepted = server.accept(ec);
        ASSERT_OK(ec);
        EXPECT_EQ(accepted.address, client.getsockname(ec));
        client.settimeout(std::nullopt, ec);
        client.sendall("ok", 2, ec);
        client.close();
        EXPECT_EQ(read_all(accepted.conn), "ok");
        fault::clear();
    }
}

TEST_F(Faults, AcceptOutOfDescriptorsIsACleanErrorAndTheConnectionWaits) {
    std::error_code ec;
    ps::socket server = testsupport::listener();
    ps::socket client;
    client.open(ps::family::inet, ps::type::stream, 0, ec);
    client.connect(server.getsockname(ec), ec);
    ASSERT_OK(ec);
    inject(fault::call::accept, server, std::errc::too_many_files_open);
    auto refused = server.accept(ec);
    EXPECT_EQ(ec, std::errc::too_many_files_open) << ec.message();
    EXPECT_FALSE(refused.conn.is_open());
    EXPECT_TRUE(server.is_open());
    // The queued connection is still there for the next accept.
    auto accepted = server.accept(ec);
    ASSERT_OK(ec);
    EXPECT_EQ(accepted.address, client.getsockname(ec));
#if PORTSOCK_HAS_EXCEPTIONS
    inject(fault::call::accept, server, std::errc::too_many_files_open);
    const std::string where = "accept on " + server.getsockname(ec).to_string() + ": ";
    expect_socket_error([&] { server.accept(); }, std::errc::too_many_files_open, where);
#endif
}

TEST_F(Faults, OutOfDescriptorsWhenOpeningLeavesNothingHalfDone) {
    std::error_code ec;
    ps::socket server = testsupport::listener();
    const ps::endpoint address = server.getsockname(ec);
    fault::rule r;
    r.target = fault::call::socket;
    r.error = std::errc::too_many_files_open;
    r.times = fault::forever;
    ASSERT_TRUE(fault::inject(r));
    ps::socket s;
    s.open(ps::family::inet, ps::type::stream, 0, ec);
    EXPECT_EQ(ec, std::errc::too_many_files_open) << ec.message();
    EXPECT_FALSE(s.is_open());
    ps::socket c = ps::create_connection("127.0.0.1", address.port(), 5.0, ec);
    EXPECT_EQ(ec, std::errc::too_many_files_open) << ec.message();
    EXPECT_FALSE(c.is_open());
    auto pair = ps::socketpair(ps::family::inet, ps::type::stream, 0, ec);
    EXPECT_EQ(ec, std::errc::too_many_files_open) << ec.message();
    EXPECT_FALSE(pair.first.is_open());
    EXPECT_FALSE(pair.second.is_open());
}

TEST_F(Faults, NoBufferSpaceFromSendIsReportedAsThatError) {
    auto [client, server] = testsupport::tcp_pair();
    inject(fault::call::send, client, std::errc::no_buffer_space);
    std::error_code ec;
    EXPECT_EQ(client.send("x", 1, ec), 0u);
    EXPECT_EQ(ec, std::errc::no_buffer_space) << ec.message();
    // Nothing is broken: the next send goes out.
    EXPECT_EQ(client.send("y", 1, ec), 1u);
    EXPECT_OK(ec);

    ps::socket udp;
    udp.open(ps::family::inet, ps::type::dgram, 0, ec);
    ASSERT_OK(ec);
    inject(fault::call::sendto, udp, std::errc::no_buffer_space);
    EXPECT_EQ(udp.sendto("x", 1, loopback4(9), ec), 0u);
    EXPECT_EQ(ec, std::errc::no_buffer_space) << ec.message();
#if PORTSOCK_HAS_EXCEPTIONS
    inject(fault::call::send, client, std::errc::no_buffer_space);
    const std::string where = "send to " + client.getpeername(ec).to_string() + ": ";
    expect_socket_error([&, &c = client] { c.send("z", 1); }, std::errc::no_buffer_space, where);
#endif
}

TEST_F(Faults, ResetInMidStreamIsReportedAndLeavesTheSocketUsable) {
    auto [client, server] = testsupport::tcp_pair();
    std::error_code ec;
    client.sendall("abc", 3, ec);
    inject(fault::call::recv, server, std::errc::connection_reset);
    char buffer[8];
    EXPECT_EQ(server.recv_into(buffer, sizeof buffer, ec), 0u);
    EXPECT_EQ(ec, std::errc::connection_reset) << ec.message();
    EXPECT_EQ(server.recv_into(buffer, sizeof buffer, ec), 3u);
    EXPECT_OK(ec);
}

TEST_F(Faults, ShortRecvfromReportsTheSizeAndTheSender) {
    if (!testsupport::truncation_reports_the_count()) {
        GTEST_SKIP() << "Winsock reports a truncated datagram as filling the buffer it was given, so a "
                        "shortened call cannot show its size (Hostile.TheLargestDatagramIsEchoed... "
                        "shows truncation there)";
    }
    if (testsupport::recvfrom_reports_whole_length()) {
        GTEST_SKIP() << "this system reports a truncated datagram's whole length (recvfrom with MSG_TRUNC), "
                        "so a shortened call cannot show its size (Udp.DatagramLongerThanTheBuffer... shows "
                        "truncation here)";
    }
    std::error_code ec;
    ps::socket a, b;
    a.open(ps::family::inet, ps::type::dgram, 0, ec);
    b.open(ps::family::inet, ps::type::dgram, 0, ec);
    a.bind(loopback4(), ec);
    b.bind(loopback4(), ec);
    ASSERT_OK(ec);
    const ps::endpoint to = a.getsockname(ec);
    const ps::endpoint sender = b.getsockname(ec);
    b.sendto("hello, datagram", 15, to, ec);
    b.sendto("second", 6, to, ec);
    ASSERT_OK(ec);
    shorten(fault::call::recvfrom, a, 5);
    char buffer[64];
    const ps::recvfrom_result first = a.recvfrom_into(buffer, sizeof buffer, ec);
    EXPECT_EQ(ec, std::errc::message_size) << ec.message();
    EXPECT_EQ(first.nbytes, 5u);
    EXPECT_EQ(std::string(buffer, 5), "hello");
    EXPECT_EQ(first.address, sender);
    // The rest of that datagram is gone; the next one is whole.
    const ps::recvfrom_result second = a.recvfrom_into(buffer, sizeof buffer, ec);
    EXPECT_OK(ec);
    EXPECT_EQ(std::string(buffer, second.nbytes), "second");
    EXPECT_EQ(second.address, sender);
}

TEST_F(Faults, RulesApplyInOrderToTheirOwnSocketOnly) {
    auto [client, server] = testsupport::tcp_pair();
    auto [other, other_server] = testsupport::tcp_pair();
    fault::rule r;
    r.target = fault::call::send;
    r.handle = client.native_handle();
    r.skip = 1;
    r.error = std::errc::connection_reset;
    ASSERT_TRUE(fault::inject(r));
    std::error_code ec;
    EXPECT_EQ(other.send("o", 1, ec), 1u);  // another socket: untouched
    EXPECT_OK(ec);
    EXPECT_EQ(client.send("1", 1, ec), 1u);  // skipped
    EXPECT_OK(ec);
    EXPECT_EQ(client.send("2", 1, ec), 0u);  // failed
    EXPECT_EQ(ec, std::errc::connection_reset);
    EXPECT_EQ(client.send("3", 1, ec), 1u);  // spent
    EXPECT_OK(ec);
    EXPECT_EQ(fault::injected(fault::call::send), 1u);
}

TEST_F(Faults, FailuresInsideHelpersLeaveNoDescriptorBehind) {
    // socketpair over loopback and create_connection each open several
    // sockets; a failure at any step must close what was opened before it.
    std::error_code ec;
    ps::socket server = testsupport::listener();
    const ps::endpoint address = server.getsockname(ec);
    const std::size_t before = testsupport::open_handle_count();
    for (const fault::call c : {fault::call::socket, fault::call::connect, fault::call::accept}) {
        for (unsigned skip = 0; skip < 2; ++skip) {
            fault::rule r;
            r.target = c;
            r.skip = skip;
            r.error = c == fault::call::connect ? std::errc::connection_refused : std::errc::too_many_files_open;
            ASSERT_TRUE(fault::inject(r));
            auto pair = ps::socketpair(ps::family::inet, ps::type::stream, 0, ec);
            fault::clear();
            ASSERT_TRUE(fault::inject(r));
            ps::socket s = ps::create_connection("127.0.0.1", address.port(), 5.0, ec);
            fault::clear();
        }
    }
    // Connections the listener accepted or left queued are its own.
    server.close();
    EXPECT_EQ(testsupport::open_handle_count(), before - 1);
}

// The message and batch calls go through the seam as recvfrom / sendto: a
// failure fails the call and moves nothing; a limit cuts the first buffer
// (the datagram then arrives truncated, and says so).
TEST_F(Faults, MessageAndBatchCallsFailAndShortenThroughTheSeam) {
    std::error_code ec;
    ps::socket a, b;
    a.open(ps::family::inet, ps::type::dgram, 0, ec);
    b.open(ps::family::inet, ps::type::dgram, 0, ec);
    a.bind(loopback4(), ec);
    b.bind(loopback4(), ec);
    ASSERT_OK(ec);
    const ps::endpoint to = a.getsockname(ec);
    ASSERT_OK(ec);

    // sendmsg and send_many: failed, nothing sent.
    const ps::const_buffer lost{"lost", 4};
    inject(fault::call::sendto, b, std::errc::no_buffer_space);
    EXPECT_EQ(b.sendmsg(&lost, 1, nullptr, 0, to, ec), 0u);
    EXPECT_EQ(ec, std::errc::no_buffer_space) << ec.message();
    char out[2][8] = {{'o', 'n', 'e'}, {'t', 'w', 'o'}};
    ps::datagram slots[2];
    for (int k = 0; k < 2; ++k) {
        slots[k].buffer(out[k], 3);
        slots[k].peer = ps::peer_address::from_endpoint(to, ec);
    }
    ASSERT_OK(ec);
    inject(fault::call::sendto, b, std::errc::no_buffer_space);
    EXPECT_EQ(b.send_many(slots, 2, ec), 0u);
    EXPECT_EQ(ec, std::errc::no_buffer_space) << ec.message();
    EXPECT_EQ(fault::injected(fault::call::sendto), 2u);

    // Then both for real: what arrives is what was sent after the failures.
    EXPECT_EQ(b.send_many(slots, 2, ec), 2u);
    ASSERT_OK(ec);
    const ps::const_buffer third{"three", 5};
    EXPECT_EQ(b.sendmsg(&third, 1, nullptr, 0, to, ec), 5u);
    ASSERT_OK(ec);

    // recv_many and recvmsg_into: a failure takes nothing; a limit truncates.
    char in[3][16];
    ps::datagram got[2];
    for (int k = 0; k < 2; ++k) got[k].buffer(in[k], sizeof in[k]);
    inject(fault::call::recvfrom, a, std::errc::connection_reset);
    EXPECT_EQ(a.recv_many(got, 2, ec), 0u);
    EXPECT_EQ(ec, std::errc::connection_reset) << ec.message();
    shorten(fault::call::recvfrom, a, 2);
    ASSERT_EQ(a.recv_many(got, 1, ec), 1u);
    ASSERT_OK(ec);
    EXPECT_TRUE(got[0].truncated);
    // (Winsock reports a truncated datagram as filling the slot it was given.)
    if (testsupport::truncation_reports_the_count()) {
        EXPECT_EQ(std::string(in[0], got[0].nbytes), "on");
    }
    inject(fault::call::recvfrom, a, std::errc::connection_reset);
    const ps::mutable_buffer into{in[2], sizeof in[2]};
    EXPECT_EQ(a.recvmsg_into(&into, 1, nullptr, 0, ec).nbytes, 0u);
    EXPECT_EQ(ec, std::errc::connection_reset) << ec.message();
    shorten(fault::call::recvfrom, a, 2);
    const ps::recvmsg_result r = a.recvmsg_into(&into, 1, nullptr, 0, ec);
    ASSERT_OK(ec);
    EXPECT_TRUE(has(r.msg_flags, ps::msg::trunc));
    if (testsupport::truncation_reports_the_count()) {
        EXPECT_EQ(std::string(in[2], r.nbytes), "tw");
    }
    // The last datagram whole, with no rule left.
    ASSERT_EQ(a.recv_many(got, 2, ec), 1u);
    ASSERT_OK(ec);
    EXPECT_EQ(std::string(in[0], got[0].nbytes), "three");
    EXPECT_FALSE(got[0].truncated);
}
