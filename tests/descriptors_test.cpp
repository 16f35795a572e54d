// Descriptors, as Python's socket module has them: dup, inheritance, and a
// socket made from a handle that learns what it is from the system.
#include "host.hpp"
#include "net.hpp"

namespace ps = portsock;

TEST(Descriptors, DupIsASecondSocketForTheSameConnection) {
    auto [client, server] = testsupport::tcp_pair();
    std::error_code ec;
    client.settimeout(5.0, ec);
    ps::socket copy = client.dup(ec);
    ASSERT_OK(ec);
    EXPECT_NE(copy.fileno(), client.fileno());
    EXPECT_EQ(copy.family(), client.family());
    EXPECT_EQ(copy.type(), client.type());
    EXPECT_EQ(copy.proto(), client.proto());
    EXPECT_EQ(copy.gettimeout(), 5.0);
    EXPECT_FALSE(testsupport::inheritable(copy.fileno())) << "a dup is not inherited, as Python's";
    // The connection outlives the original: the copy still sends.
    client.close();
    copy.sendall("dup", 3, ec);
    ASSERT_OK(ec);
    char buffer[3];
    EXPECT_EQ(server.recv_into(buffer, sizeof buffer, ec, ps::msg::waitall), 3u);
    EXPECT_EQ(std::string(buffer, 3), "dup");
    ps::socket closed;
    closed.dup(ec);
    EXPECT_EQ(ec, ps::error::not_open);
}

TEST(Descriptors, SocketsAreNotInheritedUnlessAsked) {
    std::error_code ec;
    ps::socket s;
    s.open(ps::family::inet, ps::type::dgram, 0, ec);
    ASSERT_OK(ec);
    EXPECT_FALSE(s.get_inheritable(ec));
    ASSERT_OK(ec);
    s.set_inheritable(true, ec);
    ASSERT_OK(ec);
    EXPECT_TRUE(s.get_inheritable(ec));
    EXPECT_TRUE(testsupport::inheritable(s.fileno())) << "the system agrees";
    s.set_inheritable(false, ec);
    ASSERT_OK(ec);
    EXPECT_FALSE(s.get_inheritable(ec));
    EXPECT_FALSE(testsupport::inheritable(s.fileno()));
    ps::socket closed;
    closed.set_inheritable(true, ec);
    EXPECT_EQ(ec, ps::error::not_open);
}

TEST(Descriptors, ASocketFromAHandleLearnsWhatItIs) {
    // Python's socket(fileno=fd): the family, type and protocol come from
    // the system, not from the caller.
    std::error_code ec;
    ps::socket udp;
    udp.open(ps::family::inet, ps::type::dgram, 0, ec);
    udp.bind(testsupport::loopback4(), ec);
    ASSERT_OK(ec);
    const ps::endpoint address = udp.getsockname(ec);
    ps::socket again = ps::socket::from_handle(udp.release(), ec);
    ASSERT_OK(ec);
    EXPECT_EQ(again.family(), ps::family::inet);
    EXPECT_EQ(again.type(), ps::type::dgram);
    // macOS has no SO_PROTOCOL and says nothing: 0 there.
    EXPECT_TRUE(again.proto() == ps::ipproto::udp || again.proto() == 0) << again.proto();
    EXPECT_EQ(again.getsockname(ec), address);
    EXPECT_EQ(again.gettimeout(), std::nullopt) << "blocking, as a new socket";

    ps::socket tcp;
    tcp.open(ps::family::inet, ps::type::stream, 0, ec);
    tcp.setblocking(false, ec);
    ps::socket tcp_again = ps::socket::from_handle(tcp.release(), ec);
    ASSERT_OK(ec);
    EXPECT_EQ(tcp_again.type(), ps::type::stream);
    EXPECT_TRUE(tcp_again.getblocking()) << "a handle that came non-blocking starts in the default mode";

    ps::socket::from_handle(ps::invalid_native_handle, ec);
    EXPECT_EQ(ec, ps::error::not_open);
}

TEST(Descriptors, AUnixSocketFromAHandleIsLocal) {
    PORTSOCK_REQUIRE_LOCAL();
    std::error_code ec;
    auto [a, b] = ps::socketpair(ps::family::local, ps::type::dgram, 0, ec);
    ASSERT_OK(ec);
    ps::socket again = ps::socket::from_handle(a.release(), ec);
    ASSERT_OK(ec);
    EXPECT_EQ(again.family(), ps::family::local);
    EXPECT_EQ(again.type(), ps::type::dgram);
}
