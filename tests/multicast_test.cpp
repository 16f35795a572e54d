// Multicast: groups joined and left, several receivers sharing one port
// (opt::reuse_address on datagram sockets), source-specific groups, the
// multicast and IP options as set/get round trips, and the errors a user
// sees. IPv4 runs over the loopback interface (127.0.0.1) on every backend;
// IPv6 (the Multicast6 suite) where an interface is known to deliver it: on
// Linux, the multicast_test.namespace test runs it over a veth pair in a
// private network namespace (tests/posix/multicast_netns.sh).
#include "host.hpp"
#include "net.hpp"

#include <string>
#include <vector>

using testsupport::loopback4;
namespace ps = portsock;

namespace {

const ps::interface_spec on_loopback4 = ps::interface_spec::by_address(loopback4());

ps::endpoint group4(std::uint8_t last, std::uint16_t port = 0) {
    return ps::endpoint::v4({239, 255, 77, last}, port);
}

ps::endpoint group6(std::uint8_t last, std::uint32_t scope, std::uint16_t port = 0) {
    // ff12::/16: a transient group of link-local scope.
    return ps::endpoint::v6({0xff, 0x12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x70, 0x73, 0x77, last}, port, scope);
}

// A numeric address (the error-code form: the tests build without exceptions too).
ps::endpoint ip(const std::string& host, int port = 0) {
    std::error_code ec;
    ps::endpoint e = ps::endpoint::parse(host, port, ec);
    EXPECT_OK(ec) << host;
    return e;
}

// The loopback interface's name and index (0 if there is none).
struct loopback_interface {
    std::string name;
    std::uint32_t index = 0;
};
loopback_interface loopback() {
    loopback_interface lo;
    lo.name = testsupport::loopback_interface_name();
    std::error_code ec;
    if (!lo.name.empty()) lo.index = ps::if_nametoindex(lo.name, ec);
    return lo;
}

ps::socket udp(ps::family f) {
    std::error_code ec;
    ps::socket s;
    s.open(f, ps::type::dgram, 0, ec);
    EXPECT_OK(ec);
    return s;
}

// A receiver that shares `port` (0: a new one) on the any address; its
// receive calls give up after 10 s (a guard, never the synchronisation).
ps::socket receiver(ps::family f, std::uint16_t port) {
    std::error_code ec;
    ps::socket s = udp(f);
    s.setsockopt(ps::opt::reuse_address, true, ec);
    EXPECT_OK(ec);
    const ps::endpoint any = f == ps::family::inet ? ps::endpoint::v4({0, 0, 0, 0}, port) : ps::endpoint::v6({}, port);
    s.bind(any, ec);
    EXPECT_OK(ec) << "bind " << any;
    s.settimeout(10.0, ec);
    return s;
}

std::string receive(ps::socket& s, ps::endpoint* from = nullptr) {
    std::error_code ec;
    ps::recvfrom_data d = s.recvfrom(256, ec);
    EXPECT_OK(ec);
    if (from != nullptr) *from = d.address;
    return d.data;
}

}  // namespace

TEST(Multicast, IsMulticastKnowsTheGroupRanges) {
    EXPECT_TRUE(ip("224.0.0.0", 0).is_multicast());
    EXPECT_TRUE(ip("239.255.255.255", 5).is_multicast());
    EXPECT_FALSE(ip("223.255.255.255", 0).is_multicast());
    EXPECT_FALSE(ip("240.0.0.0", 0).is_multicast());
    EXPECT_FALSE(ip("127.0.0.1", 0).is_multicast());
    EXPECT_TRUE(ip("ff02::1", 0).is_multicast());
    EXPECT_TRUE(ip("ff0e::1:2", 0).is_multicast());
    EXPECT_FALSE(ip("fe80::1", 0).is_multicast());
    EXPECT_FALSE(ip("::ffff:224.0.0.1", 0).is_multicast());  // as Python's ipaddress
    EXPECT_FALSE(ps::endpoint{}.is_multicast());
    std::error_code ec;
    EXPECT_FALSE(ps::endpoint::local("/tmp/x", ec).is_multicast());
}

TEST(Multicast, SeveralReceiversOnOnePortEachGetTheGroupsDatagrams) {
    const testsupport::multicast_calls support = testsupport::multicast_support();
    if (!support.interface_option) GTEST_SKIP() << support.why;
    std::error_code ec;
    std::vector<ps::socket> receivers;
    receivers.push_back(receiver(ps::family::inet, 0));
    const std::uint16_t port = receivers[0].getsockname(ec).port();
    ASSERT_OK(ec);
    for (int k = 0; k < 2; ++k) receivers.push_back(receiver(ps::family::inet, port));
    for (ps::socket& r : receivers) {
        r.join_group(group4(1), ec, on_loopback4);
        ASSERT_OK(ec);
    }

    ps::socket sender = udp(ps::family::inet);
    sender.setsockopt(ps::opt::multicast_interface, on_loopback4, ec);
    ASSERT_OK(ec);
    sender.setsockopt(ps::opt::multicast_loop, true, ec);
    sender.setsockopt(ps::opt::multicast_ttl, 1, ec);
    ASSERT_OK(ec);
    sender.sendto("to the group", 12, group4(1, port), ec);
    ASSERT_OK(ec);
    for (ps::socket& r : receivers) {
        ps::endpoint from;
        EXPECT_EQ(receive(r, &from), "to the group");
        EXPECT_EQ(from.host(), "127.0.0.1");
    }
}

TEST(Multicast, AGroupIsGivenAsTextOrEndpointAndLeftAgain) {
    std::error_code ec;
    ps::socket s = receiver(ps::family::inet, 0);
    s.join_group("239.255.77.2", ec, on_loopback4);
    ASSERT_OK(ec);
    // The same group again is refused: the membership exists.
    s.join_group(group4(2), ec, on_loopback4);
    EXPECT_TRUE(ec) << "a second join of one group on one socket";
    s.leave_group(group4(2), ec, on_loopback4);
    EXPECT_OK(ec);
    // Left: leaving again fails, joining again works.
    s.leave_group("239.255.77.2", ec, on_loopback4);
    EXPECT_TRUE(ec) << "leaving a group not joined";
    s.join_group(group4(2), ec, on_loopback4);
    EXPECT_OK(ec);
}

TEST(Multicast, AGroupThatIsNoMulticastAddressIsRefused) {
    std::error_code ec;
    ps::socket s = udp(ps::family::inet);
    s.join_group("10.0.0.1", ec);
    EXPECT_EQ(ec, ps::error::not_multicast);
    s.join_group(loopback4(), ec);
    EXPECT_EQ(ec, ps::error::not_multicast);
    s.join_source_group("127.0.0.1", "127.0.0.1", ec);
    EXPECT_EQ(ec, ps::error::not_multicast);
    s.join_group("not an address", ec);
    EXPECT_EQ(ec, ps::error::bad_address);
    s.join_group("ff02::1", ec);
    EXPECT_EQ(ec, ps::error::family_mismatch);
    s.join_group(ps::endpoint{}, ec);
    EXPECT_EQ(ec, ps::error::empty_endpoint);
    s.join_group(group4(3), ec, ps::interface_spec::by_name("no-such-interface0"));
    EXPECT_EQ(ec, std::errc::no_such_device);
    ps::socket closed;
    closed.join_group(group4(3), ec);
    EXPECT_EQ(ec, ps::error::not_open);
#if PORTSOCK_HAS_EXCEPTIONS
    try {
        s.join_group("10.0.0.1");
        ADD_FAILURE() << "no exception";
    } catch (const ps::socket_error& e) {
        EXPECT_EQ(e.code(), ps::error::not_multicast);
        EXPECT_EQ(std::string(e.what()), "join_group 10.0.0.1: not a multicast group address");
    }
    try {
        s.leave_source_group(ip("10.0.0.2", 0), loopback4(), on_loopback4);
        ADD_FAILURE() << "no exception";
    } catch (const ps::socket_error& e) {
        EXPECT_EQ(std::string(e.what()),
                  "leave_source_group 10.0.0.2 from 127.0.0.1 on 127.0.0.1: not a multicast group address");
    }
#endif
}

TEST(Multicast, AnInterfaceByIndexOrNameJoinsIPv4) {
    const testsupport::multicast_calls support = testsupport::multicast_support();
    if (!support.group_req) GTEST_SKIP() << support.why;
    const loopback_interface lo = loopback();
    if (lo.index == 0) GTEST_SKIP() << "no loopback interface is up";
    std::error_code ec;
    ps::socket s = receiver(ps::family::inet, 0);
    s.join_group(group4(4), ec, ps::interface_spec::by_index(lo.index));
    ASSERT_OK(ec);
    s.leave_group(group4(4), ec, ps::interface_spec::by_index(lo.index));
    EXPECT_OK(ec);
    if (!lo.name.empty()) {
        s.join_group(group4(4), ec, ps::interface_spec::by_name(lo.name));
        EXPECT_OK(ec);
    }
}

TEST(Multicast, ASourceSpecificGroupGetsItsSourcesDatagrams) {
    const testsupport::multicast_calls support = testsupport::multicast_support();
    if (!support.interface_option) GTEST_SKIP() << support.why;
    std::error_code ec;
    ps::socket r = receiver(ps::family::inet, 0);
    const std::uint16_t port = r.getsockname(ec).port();
    // 232.0.0.0/8 is the source-specific range (RFC 4607).
    const ps::endpoint group = ps::endpoint::v4({232, 77, 0, 5}, port);
    r.join_source_group(group, loopback4(), ec, on_loopback4);
    ASSERT_OK(ec);

    ps::socket sender = udp(ps::family::inet);
    sender.setsockopt(ps::opt::multicast_interface, on_loopback4, ec);
    ASSERT_OK(ec);
    sender.sendto("from the source", 15, group, ec);
    ASSERT_OK(ec);
    EXPECT_EQ(receive(r), "from the source");
    r.leave_source_group("232.77.0.5", "127.0.0.1", ec, on_loopback4);
    EXPECT_OK(ec);
}

TEST(Multicast, TheIPv4OptionsRoundTrip) {
    std::error_code ec;
    ps::socket s = udp(ps::family::inet);
    for (int ttl : {0, 7, 255}) {
        s.setsockopt(ps::opt::multicast_ttl, ttl, ec);
        ASSERT_OK(ec);
        EXPECT_EQ(s.getsockopt(ps::opt::multicast_ttl, ec), ttl);
    }
    for (bool loop : {false, true}) {
        s.setsockopt(ps::opt::multicast_loop, loop, ec);
        ASSERT_OK(ec);
        EXPECT_EQ(s.getsockopt(ps::opt::multicast_loop, ec), loop);
    }
    s.setsockopt(ps::opt::ttl, 33, ec);
    ASSERT_OK(ec);
    EXPECT_EQ(s.getsockopt(ps::opt::ttl, ec), 33);
    s.setsockopt(ps::opt::tos, 0x28, ec);  // DSCP AF11
    ASSERT_OK(ec);
    EXPECT_EQ(s.getsockopt(ps::opt::tos, ec), 0x28);
    // A datagram socket's reuse_address (port sharing) reads back too.
    s.setsockopt(ps::opt::reuse_address, true, ec);
    ASSERT_OK(ec);
    EXPECT_TRUE(s.getsockopt(ps::opt::reuse_address, ec));
}

TEST(Multicast, TheIPv6OptionsRoundTrip) {
    PORTSOCK_REQUIRE_IPV6();
    std::error_code ec;
    ps::socket s = udp(ps::family::inet6);
    for (int hops : {0, 9, 255}) {
        s.setsockopt(ps::opt::multicast_ttl, hops, ec);
        ASSERT_OK(ec);
        EXPECT_EQ(s.getsockopt(ps::opt::multicast_ttl, ec), hops);
    }
    for (bool loop : {false, true}) {
        s.setsockopt(ps::opt::multicast_loop, loop, ec);
        ASSERT_OK(ec);
        EXPECT_EQ(s.getsockopt(ps::opt::multicast_loop, ec), loop);
    }
    s.setsockopt(ps::opt::ttl, 17, ec);
    ASSERT_OK(ec);
    EXPECT_EQ(s.getsockopt(ps::opt::ttl, ec), 17);
    if (testsupport::running_under_wine()) GTEST_SKIP() << "wine 8 has no IPV6_TCLASS (no such option)";
    s.setsockopt(ps::opt::tos, 0x28, ec);
    ASSERT_OK(ec);
    EXPECT_EQ(s.getsockopt(ps::opt::tos, ec), 0x28);
}

TEST(Multicast, TheMulticastInterfaceRoundTrips) {
    std::error_code ec;
    ps::socket s4 = udp(ps::family::inet);
    // By address is IPv4's form only: refused before the system is asked.
    if (testsupport::has_ipv6()) {
        ps::socket s6 = udp(ps::family::inet6);
        s6.setsockopt(ps::opt::multicast_interface, on_loopback4, ec);
        EXPECT_EQ(ec, ps::error::family_mismatch);
    }
    const testsupport::multicast_calls support = testsupport::multicast_support();
    if (!support.interface_option) GTEST_SKIP() << support.why;
    s4.setsockopt(ps::opt::multicast_interface, on_loopback4, ec);
    ASSERT_OK(ec);
    EXPECT_EQ(s4.getsockopt(ps::opt::multicast_interface, ec), on_loopback4);
    s4.setsockopt(ps::opt::multicast_interface, ps::interface_spec{}, ec);
    ASSERT_OK(ec);
    EXPECT_TRUE(s4.getsockopt(ps::opt::multicast_interface, ec).is_any());

    PORTSOCK_REQUIRE_IPV6();
    const loopback_interface lo = loopback();
    if (lo.index == 0) GTEST_SKIP() << "no loopback interface is up";
    ps::socket s6 = udp(ps::family::inet6);
    s6.setsockopt(ps::opt::multicast_interface, ps::interface_spec::by_index(lo.index), ec);
    ASSERT_OK(ec);
    EXPECT_EQ(s6.getsockopt(ps::opt::multicast_interface, ec), ps::interface_spec::by_index(lo.index));
    s6.setsockopt(ps::opt::multicast_interface, ps::interface_spec{}, ec);
    ASSERT_OK(ec);
    EXPECT_TRUE(s6.getsockopt(ps::opt::multicast_interface, ec).is_any());
    if (!lo.name.empty()) {
        s6.setsockopt(ps::opt::multicast_interface, ps::interface_spec::by_name(lo.name), ec);
        ASSERT_OK(ec);
        EXPECT_EQ(s6.getsockopt(ps::opt::multicast_interface, ec), ps::interface_spec::by_index(lo.index));
    }
}

TEST(Multicast, TheIPOptionsNeedAnIPSocket) {
    PORTSOCK_REQUIRE_LOCAL();
    std::error_code ec;
    ps::socket s;
    s.open(ps::family::local, ps::type::dgram, 0, ec);
    ASSERT_OK(ec);
    s.setsockopt(ps::opt::multicast_ttl, 1, ec);
    EXPECT_EQ(ec, ps::error::family_mismatch);
    s.getsockopt(ps::opt::tos, ec);
    EXPECT_EQ(ec, ps::error::family_mismatch);
    s.getsockopt(ps::opt::multicast_interface, ec);
    EXPECT_EQ(ec, ps::error::family_mismatch);
    s.join_group(group4(6), ec);
    EXPECT_EQ(ec, ps::error::family_mismatch);
}

// IPv6 over an interface that delivers multicast to this host's receivers
// (testsupport::ipv6_multicast_interface).
TEST(Multicast6, SeveralReceiversOnOnePortEachGetTheGroupsDatagrams) {
    PORTSOCK_REQUIRE_IPV6();
    const testsupport::multicast6_interface where = testsupport::ipv6_multicast_interface();
    if (where.name.empty()) GTEST_SKIP() << where.why;
    const ps::interface_spec on = ps::interface_spec::by_name(where.name);
    std::error_code ec;
    // The group with the interface's name as its zone: its index read back.
    const std::uint32_t index = ip("ff12::7073:7701%" + where.name, 0).scope_id();
    ASSERT_NE(index, 0u);
    std::vector<ps::socket> receivers;
    receivers.push_back(receiver(ps::family::inet6, 0));
    const std::uint16_t port = receivers[0].getsockname(ec).port();
    ASSERT_OK(ec);
    receivers.push_back(receiver(ps::family::inet6, port));
    receivers.push_back(receiver(ps::family::inet6, port));
    // By name, by index, and by the group's zone ("ff12::...%<index>").
    receivers[0].join_group(group6(1, 0), ec, on);
    ASSERT_OK(ec);
    receivers[1].join_group(group6(1, 0), ec, ps::interface_spec::by_index(index));
    ASSERT_OK(ec);
    receivers[2].join_group(group6(1, index).host(), ec);
    ASSERT_OK(ec);

    ps::socket sender = udp(ps::family::inet6);
    sender.setsockopt(ps::opt::multicast_interface, on, ec);
    ASSERT_OK(ec);
    EXPECT_EQ(sender.getsockopt(ps::opt::multicast_interface, ec), ps::interface_spec::by_index(index));
    sender.setsockopt(ps::opt::multicast_loop, true, ec);
    ASSERT_OK(ec);
    sender.sendto("to the v6 group", 15, group6(1, index, port), ec);
    ASSERT_OK(ec);
    for (ps::socket& r : receivers) EXPECT_EQ(receive(r), "to the v6 group");
    receivers[0].leave_group(group6(1, 0), ec, on);
    EXPECT_OK(ec);
}

TEST(Multicast6, ASourceSpecificGroupGetsItsSourcesDatagrams) {
    PORTSOCK_REQUIRE_IPV6();
    const testsupport::multicast6_interface where = testsupport::ipv6_multicast_interface();
    if (where.name.empty()) GTEST_SKIP() << where.why;
    const ps::interface_spec on = ps::interface_spec::by_name(where.name);
    std::error_code ec;
    ps::socket r = receiver(ps::family::inet6, 0);
    const std::uint16_t port = r.getsockname(ec).port();
    // ff32::/16 with a zero prefix: a source-specific group (RFC 4607).
    const ps::endpoint group = ip("ff32::7073:7702%" + where.name, port);
    const ps::endpoint source = ip(where.address, 0);
    r.join_source_group(group, source, ec, on);
    if (ec == ps::error::not_supported) GTEST_SKIP() << "this system has no MCAST_JOIN_SOURCE_GROUP";
    ASSERT_OK(ec);

    ps::socket sender = udp(ps::family::inet6);
    sender.bind(source, ec);
    ASSERT_OK(ec);
    sender.setsockopt(ps::opt::multicast_interface, on, ec);
    ASSERT_OK(ec);
    sender.sendto("from the v6 source", 18, group, ec);
    ASSERT_OK(ec);
    ps::endpoint from;
    EXPECT_EQ(receive(r, &from), "from the v6 source");
    EXPECT_EQ(from.host(), where.address);
    r.leave_source_group(group, source, ec, on);
    EXPECT_OK(ec);
}
