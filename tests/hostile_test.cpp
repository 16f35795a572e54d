// Hostile and faulty peers against the servers, run as real processes: a
// client that never reads, thousands of connections opened and dropped
// (some with a reset), a peer that resets in mid-stream, the largest
// datagram, a flood of connections that never send. Each time the server
// must go on serving a well-behaved client, and stop when told: cleanly
// where a stop request can be delivered, else (wine) it is killed and must
// still have been running (support/apps.hpp, stop_or_kill).
//
// Every wait ends on an event (a line from the server, an echo, a received
// greeting), never on a sleep; every port is chosen by the system.
#include "apps.hpp"

#include <chrono>
#include <string>
#include <vector>

using namespace std::chrono_literals;
using namespace testsupport;
namespace ps = portsock;

namespace {

// The servers on 127.0.0.1, port 0 (support/apps.hpp): thankyou-server
// with a backlog that holds a round of connections, echo-server over `which`.
running_server start_thankyou() { return start_thankyou_server({"--host", "127.0.0.1", "--backlog", "128"}); }

running_server start_echo(const std::string& which = "--tcp") { return start_echo_server({which}); }

ps::socket connect_to(const ps::endpoint& address) {
    std::error_code ec;
    ps::socket s;
    s.open(ps::family::inet, ps::type::stream, 0, ec);
    s.settimeout(20.0, ec);
    s.connect(address, ec);
    EXPECT_OK(ec) << " connecting to " << address;
    return s;
}

// A well-behaved thankyou client: gets the whole greeting, then end of
// stream. Also reads the server's "Got a connection" lines up to this
// client's own, so that its output pipe never fills.
void expect_greeting(running_server& server) {
    ps::socket s = connect_to(server.address());
    std::error_code ec;
    const std::string me = s.getsockname(ec).repr();
    std::string got;
    char buffer[64];
    for (std::size_t n; (n = s.recv_into(buffer, sizeof buffer, ec)) > 0 && !ec;) got.append(buffer, n);
    EXPECT_OK(ec);
    EXPECT_EQ(got, thank_you);
    for (;;) {
        const auto line = server.process.read_line(20s);
        ASSERT_TRUE(line) << "no line for " << me << "; stderr: " << server.process.err();
        if (line->find(me) != std::string::npos) break;
    }
}

// Reads exactly `size` bytes (a socket with a timeout is non-blocking
// underneath, so MSG_WAITALL may return less).
std::string read_exactly(ps::socket& s, std::size_t size) {
    std::string got(size, '\0');
    std::size_t have = 0;
    std::error_code ec;
    while (have < size) {
        const std::size_t n = s.recv_into(got.data() + have, size - have, ec);
        EXPECT_OK(ec);
        if (ec || n == 0) break;
        have += n;
    }
    got.resize(have);
    return got;
}

// A well-behaved echo client: what it sends comes back.
void expect_echo(const running_server& server, std::size_t size = 1000) {
    ps::socket s = connect_to(server.address());
    const std::string data(size, 'e');
    std::error_code ec;
    s.sendall(data.data(), data.size(), ec);
    ASSERT_OK(ec);
    const std::string got = read_exactly(s, size);
    EXPECT_EQ(got.size(), size);
    EXPECT_TRUE(got == data) << "the echo differs from what was sent";
}

// Opens `count` connections and drops them at once: every other one with a
// reset (linger 0), the rest with a normal close.
void open_and_drop(const ps::endpoint& address, std::size_t count) {
    std::vector<ps::socket> batch;
    batch.reserve(count);
    for (std::size_t k = 0; k < count; ++k) batch.push_back(connect_to(address));
    std::error_code ec;
    for (std::size_t k = 0; k < batch.size(); k += 2) batch[k].setsockopt(ps::opt::linger, std::chrono::seconds(0), ec);
}

}  // namespace

TEST(Hostile, ThankyouServerServesOthersWhileAClientNeverReads) {
    // Several clients that never read (nor close), each with the smallest
    // receive buffer the system allows, so that as little as possible of
    // what the server writes to them can be taken off its hands. The
    // greeting is only 40 bytes, which fits the smallest buffer of any TCP
    // stack: what the server must not do is wait on them (for their reading,
    // their close, or its own 5 s send timeout) before serving the next
    // client.
    running_server server = start_thankyou();
    std::vector<ps::socket> silent;
    for (int k = 0; k < 8; ++k) {
        std::error_code ec;
        ps::socket s;
        s.open(ps::family::inet, ps::type::stream, 0, ec);
        s.setsockopt(ps::opt::recv_buffer, 1, ec);  // rounded up to the system's minimum
        s.settimeout(20.0, ec);
        s.connect(server.address(), ec);
        ASSERT_OK(ec);
        silent.push_back(std::move(s));
    }
    const auto start = std::chrono::steady_clock::now();
    for (int k = 0; k < 3; ++k) expect_greeting(server);
    const auto took = std::chrono::steady_clock::now() - start;
    EXPECT_LT(took, 5s) << "the others waited as if the server had waited on a silent client until its send timeout";
    // The server did write to every silent client: the greeting is there,
    // unread (looked at, not taken).
    for (ps::socket& s : silent) {
        std::error_code ec;
        char buffer[64];
        EXPECT_EQ(s.recv_into(buffer, sizeof buffer, ec, ps::msg::peek), thank_you.size());
        EXPECT_OK(ec);
    }
    stop_or_kill(server.process);
}

TEST(Hostile, TwoThousandConnectionsOpenedAndDroppedThenServing) {
    running_server thankyou = start_thankyou();
    running_server echo = start_echo();
    for (int round = 0; round < 20; ++round) {
        open_and_drop(thankyou.address(), 100);
        open_and_drop(echo.address(), 100);
        expect_greeting(thankyou);  // after every earlier connection was served
        expect_echo(echo);
    }
    stop_or_kill(thankyou.process);
    stop_or_kill(echo.process);
}

TEST(Hostile, APeerThatResetsInMidStreamDoesNotDisturbOthers) {
    running_server server = start_echo();
    ps::socket well_behaved = connect_to(server.address());
    for (int round = 0; round < 5; ++round) {
        // It sends far more than it reads, then resets with data in flight
        // both ways.
        ps::socket rude = connect_to(server.address());
        std::error_code ec;
        rude.settimeout(0.0, ec);
        const std::vector<char> chunk(1 << 16, 'r');
        std::size_t sent = 0;
        while (sent < (4u << 20)) {
            const std::size_t n = rude.send(chunk.data(), chunk.size(), ec);
            if (ec) break;
            sent += n;
        }
        EXPECT_TRUE(!ec || ps::would_block(ec)) << ec.message();
        rude.setsockopt(ps::opt::linger, std::chrono::seconds(0), ec);
        rude.close();
        // The connection opened before it, and a new one, are still echoed.
        const std::string ping = "ping " + std::to_string(round);
        well_behaved.sendall(ping.data(), ping.size(), ec);
        EXPECT_OK(ec);
        EXPECT_EQ(read_exactly(well_behaved, ping.size()), ping);
        expect_echo(server);
    }
    stop_or_kill(server.process);
}

TEST(Hostile, TheLargestDatagramIsEchoedAndAShortBufferSeesItTruncated) {
    running_server server = start_echo("--udp");
    std::error_code ec;
    ps::socket client;
    client.open(ps::family::inet, ps::type::dgram, 0, ec);
    client.settimeout(20.0, ec);
    client.connect(server.address(), ec);
    ASSERT_OK(ec);
    // 65507 bytes: the largest UDP payload over IPv4.
    const std::string big(65507, 'd');
    EXPECT_EQ(client.send(big.data(), big.size(), ec), big.size());
    ASSERT_OK(ec);
    std::vector<char> whole(65536);
    EXPECT_EQ(client.recv_into(whole.data(), whole.size(), ec), big.size());
    EXPECT_OK(ec);
    // Again, read into a buffer far smaller than the datagram: the start of
    // it, reported as truncated; the next datagram is whole.
    client.send(big.data(), big.size(), ec);
    char small[100];
    EXPECT_EQ(client.recv_into(small, sizeof small, ec), sizeof small);
    EXPECT_EQ(ec, std::errc::message_size) << ec.message();
    client.send("next", 4, ec);
    EXPECT_EQ(client.recv_into(small, sizeof small, ec), 4u);
    EXPECT_OK(ec);
    EXPECT_EQ(std::string(small, 4), "next");
    stop_or_kill(server.process);
}

TEST(Hostile, AFloodOfConnectionsThatNeverSendDoesNotStopEitherServer) {
    running_server thankyou = start_thankyou();
    running_server echo = start_echo();
    std::vector<ps::socket> idle;
    idle.reserve(1000);
    for (int k = 0; k < 500; ++k) {
        idle.push_back(connect_to(thankyou.address()));
        idle.push_back(connect_to(echo.address()));
    }
    expect_greeting(thankyou);
    expect_echo(echo, 100000);
    stop_or_kill(thankyou.process);
    stop_or_kill(echo.process);
}
