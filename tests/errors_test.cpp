// How failure is reported: the categories, the portable conditions, the
// exception types and their messages, and every call on a socket that is not
// open.
#include "host.hpp"
#include "net.hpp"

namespace ps = portsock;

TEST(Errors, PortsockCodesCompareWithStdErrc) {
    EXPECT_EQ(ps::make_error_code(ps::error::not_open), std::errc::bad_file_descriptor);
    EXPECT_EQ(ps::make_error_code(ps::error::path_too_long), std::errc::filename_too_long);
    EXPECT_EQ(ps::make_error_code(ps::error::family_mismatch), std::errc::address_family_not_supported);
    EXPECT_EQ(ps::make_error_code(ps::error::no_address), std::errc::address_not_available);
    for (ps::error e : {ps::error::port_out_of_range, ps::error::host_name_too_long, ps::error::embedded_nul,
                        ps::error::bad_address, ps::error::empty_buffer, ps::error::bad_timeout,
                        ps::error::empty_endpoint}) {
        const std::error_code ec = e;
        EXPECT_EQ(ec, std::errc::invalid_argument) << ec.message();
        EXPECT_STREQ(ec.category().name(), "portsock");
        EXPECT_FALSE(ec.message().empty());
    }
    EXPECT_EQ(std::error_code(ps::error::port_out_of_range).message(), "port must be 0-65535");
}

TEST(Errors, ResolverCodesHaveTheirOwnCategory) {
    const std::error_code ec = ps::resolve_error::host_not_found;
    EXPECT_STREQ(ec.category().name(), "portsock.resolve");
    EXPECT_EQ(ec.message(), "Name or service not known");
    EXPECT_EQ(std::error_code(ps::resolve_error::try_again), std::errc::resource_unavailable_try_again);
}

TEST(Errors, WouldBlockRecognisesBothSpellings) {
    EXPECT_TRUE(ps::would_block(std::make_error_code(std::errc::operation_would_block)));
    EXPECT_TRUE(ps::would_block(std::make_error_code(std::errc::resource_unavailable_try_again)));
    EXPECT_FALSE(ps::would_block(std::make_error_code(std::errc::timed_out)));
    EXPECT_FALSE(ps::would_block(std::error_code()));
}

TEST(Errors, WouldBlockRecognisesTheSystemsOwnCode) {
    // What a non-blocking receive with nothing waiting really reports, and
    // another failure of the same socket, which is not a would-block.
    auto [a, b] = testsupport::tcp_pair();
    std::error_code ec;
    a.setblocking(false, ec);
    ASSERT_OK(ec);
    char byte;
    a.recv_into(&byte, 1, ec);
    EXPECT_TRUE(ps::would_block(ec)) << ec.message();
    b.close();
    a.setblocking(true, ec);
    a.recv_into(&byte, 1, ec);  // end of stream: no error at all
    EXPECT_FALSE(ps::would_block(ec));
    ps::socket never_connected;
    never_connected.open(ps::family::inet, ps::type::stream, 0, ec);
    ASSERT_OK(ec);
    never_connected.send("x", 1, ec);  // not connected: a system code that is no would-block
    EXPECT_TRUE(ec);
    EXPECT_FALSE(ps::would_block(ec)) << ec.message();
    EXPECT_FALSE(ps::would_block(ps::error::not_open));
}

TEST(Errors, DescribeNamesTheOperationAndTheReason) {
    const auto refused = std::make_error_code(std::errc::connection_refused);
    EXPECT_EQ(ps::describe("connect to 127.0.0.1:9", refused), "connect to 127.0.0.1:9: " + refused.message());
    EXPECT_FALSE(refused.message().empty());
}

TEST(BadInput, EveryCallOnASocketThatIsNotOpenFailsCleanly) {
    ps::socket never_opened;
    ps::socket closed;
    std::error_code ec;
    closed.open(ps::family::inet, ps::type::stream, 0, ec);
    closed.close(ec);
    ASSERT_OK(ec);
    ps::socket moved_from;
    moved_from.open(ps::family::inet, ps::type::dgram, 0, ec);
    ps::socket taker = std::move(moved_from);

    for (ps::socket* s : {&never_opened, &closed, &moved_from}) {
        const ps::endpoint there = testsupport::loopback4(9);
        char buffer[8];
        const auto expect_not_open = [&](const char* call) {
            EXPECT_EQ(ec, ps::error::not_open) << call;
            EXPECT_EQ(ec, std::errc::bad_file_descriptor) << call;
            ec.clear();
        };
        s->bind(there, ec);
        expect_not_open("bind");
        s->bind("127.0.0.1", 0, ec);
        expect_not_open("bind(host, port)");
        s->listen(1, ec);
        expect_not_open("listen");
        EXPECT_FALSE(s->accept(ec).conn.is_open());
        expect_not_open("accept");
        s->connect(there, ec);
        expect_not_open("connect");
        s->connect("localhost", 9, ec);
        expect_not_open("connect(host, port)");
        EXPECT_EQ(s->send("x", 1, ec), 0u);
        expect_not_open("send");
        EXPECT_EQ(s->sendall("x", 1, ec), 0u);
        expect_not_open("sendall");
        EXPECT_EQ(s->recv_into(buffer, sizeof buffer, ec), 0u);
        expect_not_open("recv_into");
        EXPECT_EQ(s->recv(8, ec), "");
        expect_not_open("recv");
        EXPECT_EQ(s->sendto("x", 1, there, ec), 0u);
        expect_not_open("sendto");
        EXPECT_EQ(s->recvfrom_into(buffer, sizeof buffer, ec).nbytes, 0u);
        expect_not_open("recvfrom_into");
        s->shutdown(ps::shut::rdwr, ec);
        expect_not_open("shutdown");
        EXPECT_TRUE(s->getsockname(ec).empty());
        expect_not_open("getsockname");
        s->getpeername(ec);
        expect_not_open("getpeername");
        s->settimeout(1.0, ec);
        expect_not_open("settimeout");
        s->setblocking(false, ec);
        expect_not_open("setblocking");
        s->setsockopt(ps::opt::reuse_address, true, ec);
        expect_not_open("setsockopt");
        s->getsockopt(ps::opt::recv_buffer, ec);
        expect_not_open("getsockopt");
        s->close(ec);
        EXPECT_OK(ec);  // closing what is closed is fine, as in Python
        EXPECT_EQ(s->fileno(), ps::invalid_native_handle);
    }
}

TEST(BadInput, ZeroSizeReceiveBuffers) {
    auto [client, server] = testsupport::tcp_pair();
    std::error_code ec;
    char buffer[1];
    EXPECT_EQ(client.recv_into(buffer, 0, ec), 0u);
    EXPECT_EQ(ec, ps::error::empty_buffer);
    client.recvfrom_into(buffer, 0, ec);
    EXPECT_EQ(ec, ps::error::empty_buffer);
    client.recv(0, ec);
    EXPECT_EQ(ec, ps::error::empty_buffer);
}

TEST(BadInput, EndpointsOfTheWrongFamilyOrNone) {
    std::error_code ec;
    ps::socket s;
    s.open(ps::family::inet, ps::type::stream, 0, ec);
    s.bind(testsupport::loopback6(), ec);
    EXPECT_EQ(ec, ps::error::family_mismatch);
    s.connect(testsupport::loopback6(9), ec);
    EXPECT_EQ(ec, ps::error::family_mismatch);
    s.bind(ps::endpoint(), ec);
    EXPECT_EQ(ec, ps::error::empty_endpoint);
    s.connect(ps::endpoint(), ec);
    EXPECT_EQ(ec, ps::error::empty_endpoint);
    s.bind("::1", 0, ec);  // Python: an IPv6 literal for an IPv4 socket
    EXPECT_EQ(ec, ps::error::family_mismatch);
    s.bind("", 65536, ec);
    EXPECT_EQ(ec, ps::error::port_out_of_range);
    // After all that the socket still works.
    s.bind(testsupport::loopback4(), ec);
    EXPECT_OK(ec);
}

TEST(BadInput, ABadTimeoutLeavesTheModeAlone) {
    std::error_code ec;
    ps::socket s;
    s.open(ps::family::inet, ps::type::stream, 0, ec);
    s.settimeout(-0.5, ec);
    EXPECT_EQ(ec, ps::error::bad_timeout);
    EXPECT_EQ(s.gettimeout(), std::nullopt);
    ps::create_connection("localhost", 1, -1.0, ec);
    EXPECT_EQ(ec, ps::error::bad_timeout);
}

TEST(BadInput, UnknownFamilyOrProtocolIsTheSystemsError) {
    std::error_code ec;
    ps::socket s;
    s.open(ps::family::inet, ps::type::stream, 12345, ec);  // no such protocol
    EXPECT_TRUE(ec);
    EXPECT_FALSE(s.is_open());
}

TEST(SafeDefaults, NoSocketIsInheritedByAChildProcess) {
    std::error_code ec;
    ps::socket server = testsupport::listener();
    ps::socket client;
    client.open(ps::family::inet, ps::type::stream, 0, ec);
    client.connect(server.getsockname(ec), ec);
    auto accepted = server.accept(ec);
    auto pair = ps::socketpair(ps::family::unspec, ps::type::stream, 0, ec);
    ps::socket udp;
    udp.open(ps::family::inet, ps::type::dgram, 0, ec);
    ASSERT_OK(ec);
    for (const ps::socket* s : {&server, &client, &accepted.conn, &pair.first, &pair.second, &udp}) {
        EXPECT_FALSE(testsupport::inheritable(s->native_handle())) << s->repr();
    }
}

#if PORTSOCK_HAS_EXCEPTIONS
TEST(ErrorsThrowing, TheExceptionTypeFollowsTheCode) {
    EXPECT_THROW(ps::throw_error(std::make_error_code(std::errc::timed_out), "recv"), ps::timeout_error);
    EXPECT_THROW(ps::throw_error(ps::resolve_error::host_not_found, "getaddrinfo x"), ps::gaierror);
    EXPECT_THROW(ps::throw_error(std::make_error_code(std::errc::connection_reset), "recv"), ps::socket_error);
    try {
        ps::throw_error(std::make_error_code(std::errc::broken_pipe), "sendall to 1.2.3.4:5", 42);
    } catch (const ps::socket_error& e) {
        EXPECT_EQ(e.transferred(), 42u);
        EXPECT_EQ(std::string(e.what()),
                  "sendall to 1.2.3.4:5: " + std::make_error_code(std::errc::broken_pipe).message());
    }
}

TEST(ErrorsThrowing, RefusedConnectNamesTheEndpoint) {
    ps::socket holder(ps::family::inet);
    holder.bind(testsupport::loopback4());  // bound, not listening
    const ps::endpoint target = holder.getsockname();
    ps::socket client(ps::family::inet);
    try {
        client.connect(target);
        FAIL() << "connected to a port nobody listens on";
    } catch (const ps::socket_error& e) {
        EXPECT_EQ(e.code(), std::errc::connection_refused);
        EXPECT_EQ(std::string(e.what()), "connect to " + target.to_string() + ": " + e.code().message());
    }
}

TEST(ErrorsThrowing, ClosedSocketThrowsNamingTheOperation) {
    ps::socket s;
    try {
        s.listen();
        FAIL();
    } catch (const ps::socket_error& e) {
        EXPECT_EQ(std::string(e.what()), "listen: socket is closed");
    }
    EXPECT_THROW(ps::socket(ps::family::inet, ps::type::stream, 12345), ps::socket_error);
}
#endif
