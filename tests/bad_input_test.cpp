// Bad input is an error, never undefined behaviour: every call on a socket
// that is not open, zero-size buffers, endpoints of the wrong family, bad
// timeouts, an unknown family or protocol. (Malformed endpoint text is in
// endpoint_test.cpp, Endpoint.Refuses*.)
#include "net.hpp"

namespace ps = portsock;

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
