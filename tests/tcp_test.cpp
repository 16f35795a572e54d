// TCP over IPv4 and IPv6: the tutorial's exchange in-process, accept's peer,
// sendall of many megabytes, half-close, a peer that resets, a write to a
// closed peer, options, repr, and the create_* helpers.
#include "host.hpp"
#include "net.hpp"

#include <optional>

#include <cstring>
#include <numeric>
#include <thread>
#include <vector>

using testsupport::loopback4;
using testsupport::loopback6;
using testsupport::read_all;
namespace ps = portsock;

namespace {

constexpr std::string_view thank_you = "Thank you for connecting with the socket";

void exchange_over(ps::family f) {
    std::error_code ec;
    ps::socket server = testsupport::listener(f);
    const ps::endpoint address = server.getsockname(ec);
    ASSERT_OK(ec);
    EXPECT_NE(address.port(), 0);

    ps::socket client;
    client.open(f, ps::type::stream, 0, ec);
    ASSERT_OK(ec);
    client.connect(address, ec);
    ASSERT_OK(ec);

    auto [conn, peer] = server.accept(ec);
    ASSERT_OK(ec);
    EXPECT_EQ(peer, client.getsockname(ec));
    EXPECT_EQ(conn.getpeername(ec), client.getsockname(ec));
    EXPECT_EQ(client.getpeername(ec), address);

    EXPECT_EQ(conn.sendall(thank_you.data(), thank_you.size(), ec), thank_you.size());
    EXPECT_OK(ec);
    conn.close();
    EXPECT_EQ(read_all(client), thank_you);
}

}  // namespace

TEST(Tcp, TutorialExchangeOverIpv4) { exchange_over(ps::family::inet); }

TEST(Tcp, TutorialExchangeOverIpv6) {
    PORTSOCK_REQUIRE_IPV6();
    exchange_over(ps::family::inet6);
}

TEST(Tcp, RecvReturnsStringLikePython) {
    auto [client, server] = testsupport::tcp_pair();
    std::error_code ec;
    server.sendall(thank_you.data(), thank_you.size(), ec);
    ASSERT_OK(ec);
    server.close();
    std::string got;
    for (std::string part = client.recv(1024, ec); !ec && !part.empty(); part = client.recv(1024, ec)) {
        got += part;
    }
    EXPECT_OK(ec);
    EXPECT_EQ(got, thank_you);
}

TEST(Tcp, ASuccessfulCallClearsTheCallersCode) {
    // A program that reuses one error_code: after a failure, the next
    // successful send and recv_into leave it equal to std::error_code{}.
    auto [client, server] = testsupport::tcp_pair();
    std::error_code ec = std::make_error_code(std::errc::connection_reset);
    EXPECT_EQ(client.send("ab", 2, ec), 2u);
    EXPECT_EQ(ec, std::error_code{});
    char buffer[2];
    ec = std::make_error_code(std::errc::timed_out);
    EXPECT_EQ(server.recv_into(buffer, sizeof buffer, ec, ps::msg::waitall), 2u);
    EXPECT_EQ(ec, std::error_code{});
}

TEST(Tcp, RecvfromOnAStreamGivesTheDataAndNoSender) {
    // As Python's recvfrom on a TCP socket: the bytes, and no address (a
    // stream has no sender per message), in every timeout mode.
    auto [client, server] = testsupport::tcp_pair();
    std::error_code ec;
    char buffer[16];
    for (const std::optional<double> mode : {std::optional<double>(), std::optional<double>(20.0)}) {
        server.settimeout(mode, ec);
        ASSERT_OK(ec);
        client.sendall("stream", 6, ec);
        ASSERT_OK(ec);
        std::string got;
        while (got.size() < 6) {
            const ps::recvfrom_result r = server.recvfrom_into(buffer, sizeof buffer, ec);
            ASSERT_OK(ec);
            ASSERT_GT(r.nbytes, 0u);
            EXPECT_TRUE(r.address.empty());
            got.append(buffer, r.nbytes);
        }
        EXPECT_EQ(got, "stream");
    }
}

TEST(Tcp, SendallOfManyMegabytesArrivesIntact) {
    auto [client, server] = testsupport::tcp_pair();
    constexpr std::size_t size = 32u << 20;
    std::vector<unsigned char> data(size);
    for (std::size_t k = 0; k < size; ++k) data[k] = static_cast<unsigned char>((k * 7919u) >> 3);

    std::vector<unsigned char> received;
    received.reserve(size);
    std::thread reader([&, &server = server] {
        std::vector<unsigned char> buffer(1 << 16);
        std::error_code ec;
        for (;;) {
            const std::size_t n = server.recv_into(buffer.data(), buffer.size(), ec);
            if (ec || n == 0) break;
            received.insert(received.end(), buffer.begin(), buffer.begin() + static_cast<std::ptrdiff_t>(n));
        }
    });
    std::error_code ec;
    EXPECT_EQ(client.sendall(data.data(), data.size(), ec), size);
    EXPECT_OK(ec);
    client.shutdown(ps::shut::wr, ec);
    EXPECT_OK(ec);
    reader.join();
    ASSERT_EQ(received.size(), size);
    EXPECT_TRUE(received == data);
}

TEST(Tcp, HalfCloseLetsThePeerStillAnswer) {
    auto [client, server] = testsupport::tcp_pair();
    std::error_code ec;
    client.sendall("question", 8, ec);
    client.shutdown(ps::shut::wr, ec);
    ASSERT_OK(ec);
    EXPECT_EQ(read_all(server), "question");  // end of stream after the data
    server.sendall("answer", 6, ec);
    ASSERT_OK(ec);
    server.close();
    EXPECT_EQ(read_all(client), "answer");
}

TEST(Tcp, PeerThatResetsIsReportedAsConnectionReset) {
    if (testsupport::running_under_wine()) {
        GTEST_SKIP() << "wine 8 closes gracefully even with SO_LINGER {1, 0}: it sends no reset";
    }
    auto [client, server] = testsupport::tcp_pair();
    std::error_code ec;
    // Linger on with a zero timeout: close sends RST instead of FIN.
    server.setsockopt(ps::opt::linger, std::chrono::seconds(0), ec);
    ASSERT_OK(ec);
    server.close();
    char buffer[16];
    const std::size_t n = client.recv_into(buffer, sizeof buffer, ec);
    EXPECT_EQ(n, 0u);
    EXPECT_EQ(ec, std::errc::connection_reset) << ec.message();
}

TEST(Tcp, WritingToAClosedPeerIsAnErrorNotASignal) {
    // With SIGPIPE at its default action, a signal would end this process.
    ASSERT_TRUE(testsupport::broken_pipe_signal_at_default());
    auto [client, server] = testsupport::tcp_pair();
    server.close();
    std::error_code ec;
    const std::vector<char> chunk(1 << 16, 'x');
    for (int k = 0; k < 100 && !ec; ++k) client.send(chunk.data(), chunk.size(), ec);
    EXPECT_TRUE(ec == std::errc::broken_pipe || ec == std::errc::connection_reset) << ec.message();
}

TEST(Tcp, ConnectToAPortNobodyListensOnIsRefused) {
    std::error_code ec;
    ps::socket holder;  // bound, not listening: connections to it are refused
    holder.open(ps::family::inet, ps::type::stream, 0, ec);
    holder.bind(loopback4(), ec);
    ASSERT_OK(ec);
    ps::socket client;
    client.open(ps::family::inet, ps::type::stream, 0, ec);
    client.connect(holder.getsockname(ec), ec);
    EXPECT_EQ(ec, std::errc::connection_refused) << ec.message();
}

TEST(Tcp, AcceptedSocketIsBlockingWhateverTheListenerMode) {
    std::error_code ec;
    ps::socket server = testsupport::listener();
    server.settimeout(5.0, ec);
    ASSERT_OK(ec);
    ps::socket client;
    client.open(ps::family::inet, ps::type::stream, 0, ec);
    client.connect(server.getsockname(ec), ec);
    ASSERT_OK(ec);
    auto [conn, peer] = server.accept(ec);
    ASSERT_OK(ec);
    EXPECT_EQ(conn.gettimeout(), std::nullopt);
    EXPECT_TRUE(conn.getblocking());
    // Really blocking: a receive waits for the data sent after it started.
    std::thread sender([&, &client = client] {
        std::error_code e;
        client.sendall("late", 4, e);
    });
    char buffer[4];
    const std::size_t n = conn.recv_into(buffer, sizeof buffer, ec, ps::msg::waitall);
    sender.join();
    EXPECT_OK(ec);
    EXPECT_EQ(std::string(buffer, n), "late");
}

TEST(Tcp, PeekLeavesTheDataInPlace) {
    auto [client, server] = testsupport::tcp_pair();
    std::error_code ec;
    client.sendall("abc", 3, ec);
    char buffer[3];
    EXPECT_EQ(server.recv_into(buffer, 3, ec, ps::msg::peek | ps::msg::waitall), 3u);
    EXPECT_EQ(server.recv_into(buffer, 3, ec, ps::msg::waitall), 3u);
    EXPECT_EQ(std::string(buffer, 3), "abc");
}

TEST(Tcp, TypedOptionsReadBackWhatWasSet) {
    std::error_code ec;
    ps::socket s;
    s.open(ps::family::inet, ps::type::stream, 0, ec);
    ASSERT_OK(ec);
    for (bool value : {true, false}) {
        s.setsockopt(ps::opt::reuse_address, value, ec);
        EXPECT_OK(ec);
        EXPECT_EQ(s.getsockopt(ps::opt::reuse_address, ec), value);
        s.setsockopt(ps::opt::keep_alive, value, ec);
        EXPECT_EQ(s.getsockopt(ps::opt::keep_alive, ec), value);
        s.setsockopt(ps::opt::no_delay, value, ec);
        EXPECT_EQ(s.getsockopt(ps::opt::no_delay, ec), value);
        EXPECT_OK(ec);
    }
    s.setsockopt(ps::opt::linger, std::chrono::seconds(5), ec);
    EXPECT_EQ(s.getsockopt(ps::opt::linger, ec), std::chrono::seconds(5));
    s.setsockopt(ps::opt::linger, ps::opt::linger_off, ec);
    EXPECT_EQ(s.getsockopt(ps::opt::linger, ec), ps::opt::linger_off);
    s.setsockopt(ps::opt::recv_buffer, 1 << 17, ec);
    EXPECT_GE(s.getsockopt(ps::opt::recv_buffer, ec), 1 << 17);  // Linux doubles it
    s.setsockopt(ps::opt::send_buffer, 1 << 17, ec);
    EXPECT_GE(s.getsockopt(ps::opt::send_buffer, ec), 1 << 17);
    EXPECT_OK(ec);
    EXPECT_EQ(s.getsockopt(ps::opt::error, ec), std::error_code());
    EXPECT_OK(ec);
}

TEST(Tcp, V6OnlyOptionControlsDualStack) {
    PORTSOCK_REQUIRE_IPV6();
    std::error_code ec;
    ps::socket s;
    s.open(ps::family::inet6, ps::type::stream, 0, ec);
    ASSERT_OK(ec);
    // Every backend starts IPv6 sockets dual-stack (Windows' own default is v6-only).
    EXPECT_FALSE(s.getsockopt(ps::opt::v6_only, ec));
    s.setsockopt(ps::opt::v6_only, true, ec);
    EXPECT_TRUE(s.getsockopt(ps::opt::v6_only, ec));
    s.setsockopt(ps::opt::v6_only, false, ec);
    EXPECT_FALSE(s.getsockopt(ps::opt::v6_only, ec));
    EXPECT_OK(ec);
}

TEST(Tcp, ReprLooksLikePythons) {
    auto [client, server] = testsupport::tcp_pair();
    std::error_code ec;
    const ps::endpoint local = client.getsockname(ec);
    const ps::endpoint peer = client.getpeername(ec);
    const std::string expected = "<portsock.socket fd=" + std::to_string(client.fileno()) +
                                 ", family=AF_INET, type=SOCK_STREAM, proto=0, laddr=('127.0.0.1', " +
                                 std::to_string(local.port()) + "), raddr=('127.0.0.1', " +
                                 std::to_string(peer.port()) + ")>";
    EXPECT_EQ(client.repr(), expected);
    client.close();
    EXPECT_EQ(client.repr(), "<portsock.socket [closed] fd=-1, family=AF_INET, type=SOCK_STREAM, proto=0>");
}

TEST(Tcp, ReprOfAnUnboundSocketShowsLaddrWhenTheSystemHasOne) {
    std::error_code ec;
    ps::socket s;
    s.open(ps::family::inet, ps::type::stream, 0, ec);
    ASSERT_OK(ec);
    // As in Python: laddr is shown when getsockname answers. POSIX systems
    // answer 0.0.0.0:0 for an unbound socket; Windows refuses (WSAEINVAL).
    s.getsockname(ec);
    const std::string laddr = ec ? "" : ", laddr=('0.0.0.0', 0)";
    EXPECT_EQ(s.repr(), "<portsock.socket fd=" + std::to_string(s.fileno()) +
                            ", family=AF_INET, type=SOCK_STREAM, proto=0" + laddr + ">");
    if (ec) {
        EXPECT_EQ(ec, std::errc::invalid_argument) << ec.message();
    }
}

TEST(Tcp, MovedFromSocketIsEmptyAndTheHandleMovesWithTheValue) {
    std::error_code ec;
    ps::socket a;
    a.open(ps::family::inet, ps::type::stream, 0, ec);
    ASSERT_OK(ec);
    const ps::native_handle_type handle = a.fileno();
    ps::socket b = std::move(a);
    EXPECT_FALSE(a.is_open());  // NOLINT(bugprone-use-after-move): the point of the test
    EXPECT_EQ(a.fileno(), ps::invalid_native_handle);
    EXPECT_EQ(b.fileno(), handle);
    ps::socket c;
    c = std::move(b);
    EXPECT_EQ(c.fileno(), handle);
    EXPECT_EQ(c.family(), ps::family::inet);
    EXPECT_EQ(c.type(), ps::type::stream);
}

TEST(Tcp, ReleaseGivesUpOwnershipAndAdoptTakesItBack) {
    std::error_code ec;
    ps::socket a = testsupport::listener();
    const ps::endpoint address = a.getsockname(ec);
    const ps::native_handle_type handle = a.release();
    EXPECT_FALSE(a.is_open());
    ps::socket b = ps::socket::adopt(handle, ps::family::inet, ps::type::stream);
    EXPECT_EQ(b.getsockname(ec), address);  // the same, still listening socket
    EXPECT_OK(ec);
}

TEST(Tcp, BindAndConnectTakePythonsHostAndPort) {
    std::error_code ec;
    ps::socket server;
    server.open(ps::family::inet, ps::type::stream, 0, ec);
    server.bind("", 0, ec);  // Python: bind(('', 0))
    ASSERT_OK(ec);
    EXPECT_TRUE(server.getsockname(ec).is_any());
    server.listen(ps::socket::default_backlog, ec);
    ASSERT_OK(ec);
    const int port = server.getsockname(ec).port();
    ps::socket client;
    client.open(ps::family::inet, ps::type::stream, 0, ec);
    client.connect("localhost", port, ec);  // resolved for AF_INET
    EXPECT_OK(ec);
    EXPECT_EQ(client.getpeername(ec), loopback4(static_cast<std::uint16_t>(port)));
}

TEST(Tcp, CreateConnectionTriesEveryAddressOfTheName) {
    std::error_code ec;
    ps::socket server = testsupport::listener();
    const auto port = server.getsockname(ec).port();
    std::vector<ps::connect_attempt> attempts;
    ps::socket client = ps::create_connection("localhost", port, 5.0, ec, &attempts);
    ASSERT_OK(ec);
    EXPECT_EQ(client.getpeername(ec), loopback4(port));
    EXPECT_EQ(client.gettimeout(), 5.0);  // the timeout stays set, as in Python
    // Any attempt before the one that worked (::1 when localhost has it) is listed.
    for (const auto& a : attempts) EXPECT_TRUE(a.error) << a.address;
}

TEST(Tcp, CreateConnectionReportsEveryFailedAttempt) {
    std::error_code ec;
    ps::socket holder;
    holder.open(ps::family::inet, ps::type::stream, 0, ec);
    holder.bind(loopback4(), ec);
    const auto port = holder.getsockname(ec).port();
    std::vector<ps::connect_attempt> attempts;
    ps::socket client = ps::create_connection("127.0.0.1", port, std::nullopt, ec, &attempts);
    EXPECT_EQ(ec, std::errc::connection_refused) << ec.message();
    EXPECT_FALSE(client.is_open());
    ASSERT_EQ(attempts.size(), 1u);
    EXPECT_EQ(attempts[0].address, loopback4(port));
    EXPECT_EQ(ps::describe(attempts), "127.0.0.1:" + std::to_string(port) + ": " + ec.message());
}

// A stopped server restarts at once on its port: after it served a client
// and closed first (the closed connection waits in TIME_WAIT on the server's
// side), and after it stopped while a connection it accepted is still open.
TEST(Tcp, CreateServerLetsARestartedServerBindAgainAtOnce) {
    std::error_code ec;
    ps::endpoint address;
    {
        ps::socket server = testsupport::listener();
        address = server.getsockname(ec);
        ps::socket client;
        client.open(ps::family::inet, ps::type::stream, 0, ec);
        client.connect(address, ec);
        auto accepted = server.accept(ec);
        ASSERT_OK(ec);
        accepted.conn.sendall(thank_you.data(), thank_you.size(), ec);
        accepted.conn.close();                   // the server closes first: TIME_WAIT on its side
        EXPECT_EQ(read_all(client), thank_you);  // the client has seen the close
    }
    ps::socket again = ps::create_server(address, 10, false, ec);
    EXPECT_OK(ec) << "create_server on " << address.to_string();
}

TEST(Tcp, CreateServerBindsAgainWhileAnAcceptedConnectionIsStillOpen) {
    std::error_code ec;
    ps::socket server = testsupport::listener();
    const ps::endpoint address = server.getsockname(ec);
    auto [client, served] = [&] {
        ps::socket c;
        c.open(ps::family::inet, ps::type::stream, 0, ec);
        c.connect(address, ec);
        auto accepted = server.accept(ec);
        return std::pair{std::move(c), std::move(accepted.conn)};
    }();
    ASSERT_OK(ec);
    server.close();  // the server stops; its connection lives on
    ps::socket again = ps::create_server(address, 10, false, ec);
    EXPECT_OK(ec) << "create_server on " << address.to_string();
    EXPECT_TRUE(served.is_open());
}

TEST(Tcp, CreateServerRefusesASecondServerOnTheSamePort) {
    std::error_code ec;
    ps::socket first = testsupport::listener();
    ps::socket second = ps::create_server(first.getsockname(ec), 10, false, ec);
    EXPECT_EQ(ec, std::errc::address_in_use) << ec.message();
    EXPECT_FALSE(second.is_open());
}

// No socket takes over a port a server listens on: not on its address, not on
// a more specific one beside a wildcard listener, whether it sets nothing,
// opt::reuse_address, or the system's own SO_REUSEADDR, the thief's option on
// Windows, where it binds a port in use unless the holder set
// SO_EXCLUSIVEADDRUSE. On the BSDs and macOS a same-user SO_REUSEADDR bind
// of 127.0.0.1:P beside a 0.0.0.0:P listener succeeds whatever the listener
// set: there it is expected to, and the test says so.
namespace {

enum class asks { nothing, reuse_address, system_reuse_address };

void expect_no_ipv4_socket_takes(std::uint16_t port, const char* holder) {
    for (const asks option : {asks::nothing, asks::reuse_address, asks::system_reuse_address}) {
        const char* named = option == asks::nothing         ? "no option"
                            : option == asks::reuse_address ? "opt::reuse_address"
                                                            : "the system's SO_REUSEADDR";
        for (const ps::endpoint& address : {ps::endpoint::v4({0, 0, 0, 0}, port), loopback4(port)}) {
            ps::socket thief;
            std::error_code taken;
            thief.open(ps::family::inet, ps::type::stream, 0, taken);
            ASSERT_OK(taken);
            if (option == asks::reuse_address) thief.setsockopt(ps::opt::reuse_address, true, taken);
            if (option == asks::system_reuse_address) {
                const testsupport::raw_option reuse = testsupport::system_reuse_address();
                const int on = 1;
                thief.setsockopt(reuse.level, reuse.name, &on, sizeof on, taken);
            }
            ASSERT_OK(taken) << named;
            thief.bind(address, taken);
            const bool beside = address != ps::endpoint::v4({0, 0, 0, 0}, port);
            if (beside && option != asks::nothing && testsupport::reuse_binds_beside_a_wildcard_listener()) {
                EXPECT_OK(taken) << "this system was expected to let " << named << " bind "
                                 << address.to_string() << " beside " << holder;
                continue;
            }
            EXPECT_EQ(taken, std::errc::address_in_use)
                << "bind to " << address.to_string() << " with " << named << " beside " << holder << ": "
                << (taken ? taken.message() : "succeeded");
        }
    }
}

}  // namespace

TEST(Tcp, NoSocketTakesAPortAServerListensOn) {
    std::error_code ec;
    ps::socket wildcard = ps::create_server(ps::endpoint::v4({0, 0, 0, 0}, 0), 10, false, ec);
    ASSERT_OK(ec);
    expect_no_ipv4_socket_takes(wildcard.getsockname(ec).port(), "a 0.0.0.0 listener");
}

// The same for a dual-stack server ([::]:P, which IPv4 clients reach too):
// Windows checks an exclusive dual-stack bind on both stacks (Microsoft's
// networking blog, "Winsock SO_EXCLUSIVEADDRUSE on Vista", 2007); Linux
// refuses an IPv4 bind beside a listener that is not v6-only.
TEST(Tcp, NoSocketTakesAPortADualStackServerListensOn) {
    PORTSOCK_REQUIRE_IPV6();
    if (testsupport::reuse_binds_beside_a_wildcard_listener()) {
        GTEST_SKIP() << "BSD's IPv4 binds beside a dual-stack listener are not asserted: no BSD "
                        "or macOS host has shown them (Tcp.NoSocketTakesAPortAServerListensOn "
                        "covers IPv4 there)";
    }
    std::error_code ec;
    ps::socket server = ps::create_server(ps::endpoint::parse("::", 0, ec), 10, true, ec);
    ASSERT_OK(ec);
    expect_no_ipv4_socket_takes(server.getsockname(ec).port(), "a dual-stack [::] listener");
}

TEST(Tcp, DualStackServerAcceptsIpv4Clients) {
    PORTSOCK_REQUIRE_IPV6();
    std::error_code ec;
    ps::socket server = ps::create_server(ps::endpoint::parse("::", 0, ec), 10, true, ec);
    ASSERT_OK(ec);
    const auto port = server.getsockname(ec).port();
    ps::socket client;
    client.open(ps::family::inet, ps::type::stream, 0, ec);
    client.connect(loopback4(port), ec);
    ASSERT_OK(ec);
    auto [conn, peer] = server.accept(ec);
    ASSERT_OK(ec);
    EXPECT_EQ(peer.family(), ps::family::inet6);
    EXPECT_EQ(peer.host(), "::ffff:127.0.0.1");
    EXPECT_TRUE(peer.is_loopback());
}

TEST(Tcp, SingleStackIpv6ServerRefusesIpv4Clients) {
    PORTSOCK_REQUIRE_IPV6();
    if (!testsupport::socket_error_reads_right()) GTEST_SKIP() << testsupport::socket_error_misread;
    std::error_code ec;
    ps::socket server = ps::create_server(ps::endpoint::parse("::", 0, ec), 10, false, ec);
    ASSERT_OK(ec);
    EXPECT_TRUE(server.getsockopt(ps::opt::v6_only, ec));
    // An IPv4 client on the same port finds nobody: the server is IPv6 only.
    const auto port = server.getsockname(ec).port();
    ps::socket client;
    client.open(ps::family::inet, ps::type::stream, 0, ec);
    client.settimeout(20.0, ec);
    ASSERT_OK(ec);
    client.connect(loopback4(port), ec);
    EXPECT_EQ(ec, std::errc::connection_refused) << ec.message();
}

TEST(Tcp, CreateServerDualStackNeedsIpv6) {
    std::error_code ec;
    ps::socket s = ps::create_server(loopback4(), 10, true, ec);
    EXPECT_EQ(ec, ps::error::family_mismatch);
    EXPECT_FALSE(s.is_open());
}

TEST(Tcp, GetpeernameOfAnUnconnectedSocketFails) {
    std::error_code ec;
    ps::socket s;
    s.open(ps::family::inet, ps::type::stream, 0, ec);
    s.getpeername(ec);
    EXPECT_EQ(ec, std::errc::not_connected) << ec.message();
}

TEST(Tcp, InetSocketpairIsAConnectedLoopbackPair) {
    std::error_code ec;
    auto [a, b] = ps::socketpair(ps::family::inet, ps::type::stream, 0, ec);
    ASSERT_OK(ec);
    EXPECT_EQ(a.getpeername(ec), b.getsockname(ec));
    EXPECT_EQ(b.getpeername(ec), a.getsockname(ec));
    a.sendall("ping", 4, ec);
    char buffer[4];
    EXPECT_EQ(b.recv_into(buffer, 4, ec, ps::msg::waitall), 4u);
    EXPECT_EQ(std::string(buffer, 4), "ping");
}

#if PORTSOCK_HAS_EXCEPTIONS
TEST(Tcp, ThrowingTheTutorialReadsTheSameInCpp) {
    ps::socket soc(ps::family::inet, ps::type::stream);
    soc.bind("127.0.0.1", 0);
    soc.listen(10);
    const int port_no = soc.getsockname().port();

    ps::socket client(ps::family::inet, ps::type::stream);
    client.connect("127.0.0.1", port_no);
    auto [conn, addr] = soc.accept();
    EXPECT_EQ(addr, client.getsockname());
    conn.send(thank_you);
    conn.close();
    EXPECT_EQ(client.recv(1024), thank_you);
}

TEST(Tcp, ThrowingCreateConnectionNamesEveryAttempt) {
    ps::socket holder(ps::family::inet);
    holder.bind(loopback4());
    const int port = holder.getsockname().port();
    try {
        ps::create_connection("127.0.0.1", port);
        FAIL() << "connected to a port nobody listens on";
    } catch (const ps::socket_error& e) {
        const std::string p = std::to_string(port);
        const std::string refused = e.code().message();
        EXPECT_EQ(std::string(e.what()),
                  "connect to 127.0.0.1:" + p + " (tried 127.0.0.1:" + p + ": " + refused + "): " + refused);
        EXPECT_EQ(e.code(), std::errc::connection_refused);
    }
}
#endif

TEST(Tcp, EachFlagWorksWhereTheSystemHasItAndIsRefusedWhereNot) {
    // Python exposes the MSG_* names the system has; portsock names them all
    // and refuses, before any data moves, a flag this system lacks.
    auto [client, server] = testsupport::tcp_pair();
    const ps::msg have = testsupport::system_msg_flags();
    std::error_code ec;
    for (ps::msg flag : {ps::msg::dontwait, ps::msg::eor, ps::msg::more, ps::msg::confirm}) {
        client.send("x", 1, ec, flag);
        if (!ps::has(have, flag)) {
            EXPECT_EQ(ec, ps::error::not_supported) << static_cast<unsigned>(flag);
            continue;
        }
        // EOR on a stream: Linux takes it; some systems refuse it for TCP.
        if (flag == ps::msg::eor && ec) continue;
        EXPECT_OK(ec) << static_cast<unsigned>(flag);
        char byte = 0;
        EXPECT_EQ(server.recv_into(&byte, 1, ec), 1u);
    }
    // dontwait: this call only does not wait, on a blocking socket.
    char byte = 0;
    server.recv_into(&byte, 1, ec, ps::msg::dontwait);
    if (ps::has(have, ps::msg::dontwait)) {
        EXPECT_TRUE(ps::would_block(ec)) << ec.message();
        EXPECT_EQ(server.gettimeout(), std::nullopt) << "the socket stays blocking";
    } else {
        EXPECT_EQ(ec, ps::error::not_supported);
    }
}
