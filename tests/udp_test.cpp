// UDP: sendto / recvfrom with the sender's address, truncation reported the
// same way on every backend, empty datagrams, connected UDP, broadcast.
#include "net.hpp"

using testsupport::loopback4;
using testsupport::loopback6;
namespace ps = portsock;

namespace {

ps::socket bound_udp(const ps::endpoint& where) {
    std::error_code ec;
    ps::socket s;
    s.open(where.family(), ps::type::dgram, 0, ec);
    if (!ec) s.bind(where, ec);
    EXPECT_OK(ec);
    return s;
}

void roundtrip_over(const ps::endpoint& loopback) {
    std::error_code ec;
    ps::socket a = bound_udp(loopback);
    ps::socket b = bound_udp(loopback);
    const ps::endpoint a_address = a.getsockname(ec);
    const ps::endpoint b_address = b.getsockname(ec);
    ASSERT_OK(ec);

    EXPECT_EQ(a.sendto("hello", 5, b_address, ec), 5u);
    ASSERT_OK(ec);
    char buffer[64];
    auto [n, from] = b.recvfrom_into(buffer, sizeof buffer, ec);
    ASSERT_OK(ec);
    EXPECT_EQ(std::string(buffer, n), "hello");
    EXPECT_EQ(from, a_address);

    // And back to the address it came from, with the allocating form.
    b.sendto("world", 5, from, ec);
    ps::recvfrom_data reply = a.recvfrom(64, ec);
    ASSERT_OK(ec);
    EXPECT_EQ(reply.data, "world");
    EXPECT_EQ(reply.address, b_address);
}

}  // namespace

TEST(Udp, SendtoAndRecvfromOverIpv4) { roundtrip_over(loopback4()); }

TEST(Udp, SendtoAndRecvfromOverIpv6) {
    PORTSOCK_REQUIRE_IPV6();
    roundtrip_over(loopback6());
}

TEST(Udp, DatagramLongerThanTheBufferIsReportedAndConsumed) {
    std::error_code ec;
    ps::socket a = bound_udp(loopback4());
    ps::socket b = bound_udp(loopback4());
    const ps::endpoint to = b.getsockname(ec);
    a.sendto("0123456789abcdef", 16, to, ec);
    a.sendto("next", 4, to, ec);
    ASSERT_OK(ec);

    char buffer[10];
    auto [n, from] = b.recvfrom_into(buffer, sizeof buffer, ec);
    EXPECT_EQ(ec, std::errc::message_size) << ec.message();
    EXPECT_EQ(n, sizeof buffer);
    EXPECT_EQ(std::string(buffer, n), "0123456789");
    EXPECT_EQ(from, a.getsockname(ec));

    // The rest of the long datagram is gone: the next read is the next datagram.
    auto second = b.recvfrom_into(buffer, sizeof buffer, ec);
    EXPECT_OK(ec);
    EXPECT_EQ(std::string(buffer, second.nbytes), "next");
}

TEST(Udp, RecvOnADatagramSocketAlsoReportsTruncation) {
    std::error_code ec;
    ps::socket a = bound_udp(loopback4());
    ps::socket b = bound_udp(loopback4());
    a.sendto("0123456789", 10, b.getsockname(ec), ec);
    char buffer[4];
    EXPECT_EQ(b.recv_into(buffer, sizeof buffer, ec), 4u);
    EXPECT_EQ(ec, std::errc::message_size) << ec.message();
}

#if PORTSOCK_HAS_EXCEPTIONS
TEST(Udp, ThrowingFormsKeepATruncatedDatagramsBytesAndSender) {
    std::error_code ec;
    ps::socket a = bound_udp(loopback4());
    ps::socket b = bound_udp(loopback4());
    const ps::endpoint to = b.getsockname(ec);
    const ps::endpoint sender = a.getsockname(ec);
    ASSERT_OK(ec);
    a.sendto("0123456789abcdef", to);
    a.sendto("ghijklmnopqrstuv", to);
    a.sendto("next", to);

    char buffer[10];
    try {
        b.recvfrom_into(buffer, sizeof buffer);
        ADD_FAILURE() << "a truncated datagram was not reported";
    } catch (const ps::truncated_error& e) {
        EXPECT_EQ(e.code(), std::errc::message_size) << e.what();
        EXPECT_EQ(e.transferred(), sizeof buffer);
        EXPECT_EQ(std::string(buffer, e.transferred()), "0123456789");
        EXPECT_EQ(e.sender(), sender);
        EXPECT_TRUE(e.data().empty());  // the bytes are in the caller's buffer
        EXPECT_NE(std::string(e.what()).find("recvfrom from " + sender.to_string()), std::string::npos)
            << e.what();
    }

    // The allocating form hands over the bytes themselves; a socket_error
    // handler catches it too.
    try {
        b.recvfrom(4);
        ADD_FAILURE() << "a truncated datagram was not reported";
    } catch (const ps::socket_error& e) {
        const auto* truncated = dynamic_cast<const ps::truncated_error*>(&e);
        ASSERT_NE(truncated, nullptr) << e.what();
        EXPECT_EQ(truncated->data(), "ghij");
        EXPECT_EQ(truncated->transferred(), 4u);
        EXPECT_EQ(truncated->sender(), sender);
    }

    // The next datagram is whole.
    ps::recvfrom_data next = b.recvfrom(16);
    EXPECT_EQ(next.data, "next");
}

TEST(Udp, ThrowingRecvOfAConnectedSocketNamesThePeerAsSender) {
    std::error_code ec;
    ps::socket a = bound_udp(loopback4());
    ps::socket b = bound_udp(loopback4());
    b.connect(a.getsockname(ec));
    a.sendto("0123456789", b.getsockname());
    try {
        b.recv(3);
        ADD_FAILURE() << "a truncated datagram was not reported";
    } catch (const ps::truncated_error& e) {
        EXPECT_EQ(e.data(), "012");
        EXPECT_EQ(e.sender(), a.getsockname());
    }
}
#endif

TEST(Udp, EmptyDatagramIsDelivered) {
    std::error_code ec;
    ps::socket a = bound_udp(loopback4());
    ps::socket b = bound_udp(loopback4());
    EXPECT_EQ(a.sendto("", 0, b.getsockname(ec), ec), 0u);
    ASSERT_OK(ec);
    char buffer[8];
    auto [n, from] = b.recvfrom_into(buffer, sizeof buffer, ec);
    EXPECT_OK(ec);
    EXPECT_EQ(n, 0u);
    EXPECT_EQ(from, a.getsockname(ec));
}

TEST(Udp, ConnectedUdpUsesSendAndRecv) {
    std::error_code ec;
    ps::socket a = bound_udp(loopback4());
    ps::socket b = bound_udp(loopback4());
    a.connect(b.getsockname(ec), ec);
    b.connect(a.getsockname(ec), ec);
    ASSERT_OK(ec);
    EXPECT_EQ(a.send("ping", 4, ec), 4u);
    char buffer[8];
    EXPECT_EQ(b.recv_into(buffer, sizeof buffer, ec), 4u);
    EXPECT_OK(ec);
    EXPECT_EQ(std::string(buffer, 4), "ping");
}

TEST(Udp, SendtoTheWrongFamilyIsAClearError) {
    std::error_code ec;
    ps::socket a = bound_udp(loopback4());
    a.sendto("x", 1, loopback6(9), ec);
    EXPECT_EQ(ec, ps::error::family_mismatch);
}

TEST(Udp, BroadcastOptionReadsBack) {
    std::error_code ec;
    ps::socket s;
    s.open(ps::family::inet, ps::type::dgram, 0, ec);
    EXPECT_FALSE(s.getsockopt(ps::opt::broadcast, ec));
    s.setsockopt(ps::opt::broadcast, true, ec);
    EXPECT_TRUE(s.getsockopt(ps::opt::broadcast, ec));
    EXPECT_OK(ec);
}

TEST(Udp, ReprNamesTheDatagramType) {
    std::error_code ec;
    ps::socket s = bound_udp(loopback4());
    const auto port = s.getsockname(ec).port();
    EXPECT_EQ(s.repr(), "<portsock.socket fd=" + std::to_string(s.fileno()) +
                            ", family=AF_INET, type=SOCK_DGRAM, proto=0, laddr=('127.0.0.1', " +
                            std::to_string(port) + ")>");
}

TEST(Udp, DeadlineModeWaitsForADatagramAndTimesOut) {
    // settimeout(0.2) on a datagram socket: recvfrom_into waits for a
    // datagram (and names its sender), times out when none comes, and a
    // sendto in the same mode goes out at once.
    std::error_code ec;
    ps::socket a = bound_udp(loopback4());
    ps::socket b = bound_udp(loopback4());
    const ps::endpoint a_address = a.getsockname(ec);
    const ps::endpoint b_address = b.getsockname(ec);
    ASSERT_OK(ec);
    a.settimeout(0.2, ec);
    b.settimeout(0.2, ec);
    ASSERT_OK(ec);
    char buffer[16];
    auto [none, nobody] = b.recvfrom_into(buffer, sizeof buffer, ec);
    EXPECT_EQ(ec, std::errc::timed_out);
    EXPECT_EQ(none, 0u);
    EXPECT_TRUE(nobody.empty());
    EXPECT_EQ(a.sendto("late", 4, b_address, ec), 4u);
    ASSERT_OK(ec);
    auto [n, from] = b.recvfrom_into(buffer, sizeof buffer, ec);
    ASSERT_OK(ec);
    EXPECT_EQ(std::string(buffer, n), "late");
    EXPECT_EQ(from, a_address);
}
