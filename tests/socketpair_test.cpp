// socketpair in every family it supports, and the default each system gets.
#include "net.hpp"

namespace ps = portsock;

TEST(Socketpair, DefaultIsAUnixStreamPair) {
    PORTSOCK_REQUIRE_LOCAL();
    std::error_code ec;
    auto [a, b] = ps::socketpair(ps::family::local, ps::type::stream, 0, ec);
    ASSERT_OK(ec);
    EXPECT_EQ(a.family(), ps::family::local);
    a.sendall("to b", 4, ec);
    a.shutdown(ps::shut::wr, ec);
    char buffer[4];
    EXPECT_EQ(b.recv_into(buffer, sizeof buffer, ec, ps::msg::waitall), 4u);
    EXPECT_EQ(b.recv_into(buffer, sizeof buffer, ec), 0u);  // a's half-close
    b.sendall("to a", 4, ec);
    EXPECT_EQ(a.recv_into(buffer, sizeof buffer, ec, ps::msg::waitall), 4u);
    EXPECT_EQ(std::string(buffer, 4), "to a");
}

TEST(Socketpair, DatagramPairKeepsMessageBoundaries) {
    PORTSOCK_REQUIRE_LOCAL();
    std::error_code ec;
    auto [a, b] = ps::socketpair(ps::family::local, ps::type::dgram, 0, ec);
    ASSERT_OK(ec);
    a.send("one", 3, ec);
    a.send("two", 3, ec);
    char buffer[16];
    EXPECT_EQ(b.recv_into(buffer, sizeof buffer, ec), 3u);
    EXPECT_EQ(b.recv_into(buffer, sizeof buffer, ec), 3u);
    EXPECT_EQ(std::string(buffer, 3), "two");
}

TEST(Socketpair, Ipv4DatagramPair) {
    std::error_code ec;
    auto [a, b] = ps::socketpair(ps::family::inet, ps::type::dgram, 0, ec);
    ASSERT_OK(ec);
    a.send("udp", 3, ec);
    char buffer[8];
    EXPECT_EQ(b.recv_into(buffer, sizeof buffer, ec), 3u);
    EXPECT_OK(ec);
}

TEST(Socketpair, Ipv6StreamPair) {
    PORTSOCK_REQUIRE_IPV6();
    std::error_code ec;
    auto [a, b] = ps::socketpair(ps::family::inet6, ps::type::stream, 0, ec);
    ASSERT_OK(ec);
    EXPECT_TRUE(a.getpeername(ec).is_loopback());
    b.sendall("v6", 2, ec);
    char buffer[2];
    EXPECT_EQ(a.recv_into(buffer, 2, ec, ps::msg::waitall), 2u);
    EXPECT_OK(ec);
}

#if PORTSOCK_HAS_EXCEPTIONS
TEST(Socketpair, ThrowingFormDefaultsToAStreamPairOnEverySystem) {
    auto [a, b] = ps::socketpair();
    EXPECT_EQ(a.type(), ps::type::stream);
    EXPECT_EQ(a.family(), testsupport::has_local() ? ps::family::local : ps::family::inet);
    a.sendall(std::string_view("x"));
    EXPECT_EQ(b.recv(1), "x");
}

TEST(Socketpair, ATimeoutSaysTheSocketIsUnnamed) {
    // Neither end of a Unix socketpair has an address: the message says so
    // rather than naming an empty one ("recv from : ...").
    PORTSOCK_REQUIRE_LOCAL();
    auto [a, b] = ps::socketpair(ps::family::local, ps::type::stream);
    b.settimeout(0.05);
    try {
        b.recv(1);
        FAIL() << "recv returned without data";
    } catch (const ps::timeout_error& e) {
        EXPECT_EQ(std::string(e.what()).rfind("recv from an unnamed Unix socket: ", 0), 0u) << e.what();
    }
}
#endif
