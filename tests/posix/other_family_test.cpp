// The escape hatch for families portsock has no name for, used for real: a
// netlink route dump (Linux), through portsock's socket class with the
// system's numbers. The Windows backend has a file of the same name.
#include <portsock/portsock.hpp>

#include <gtest/gtest.h>

#include <cstring>
#include <string>

#if defined(__linux__)
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>
#endif

namespace ps = portsock;

#if defined(__linux__)

namespace {

// RTM_GETROUTE with NLM_F_DUMP: the kernel answers with every route, then
// NLMSG_DONE (rtnetlink(7)).
struct route_request {
    nlmsghdr header;
    rtmsg body;
};

}  // namespace

TEST(OtherFamily, ANetlinkRouteDumpThroughPortsocksSocket) {
    std::error_code ec;
    ps::socket s;
    s.open(ps::other_family(AF_NETLINK), ps::type::raw, NETLINK_ROUTE, ec);
    ASSERT_FALSE(ec) << ec.message();
    EXPECT_EQ(s.family(), ps::other_family(AF_NETLINK));
    EXPECT_NE(s.repr().find("family=16, type=SOCK_RAW, proto=0"), std::string::npos) << s.repr();
    s.settimeout(10.0, ec);

    // Bind with a sockaddr_nl that portsock holds as an endpoint.
    sockaddr_nl local{};
    local.nl_family = AF_NETLINK;
    const auto bound = ps::endpoint::from_sockaddr(&local, sizeof local, ec);
    ASSERT_FALSE(ec) << ec.message();
    EXPECT_EQ(bound.family(), ps::other_family(AF_NETLINK));
    s.bind(bound, ec);
    ASSERT_FALSE(ec) << ec.message();
    const auto name = s.getsockname(ec);
    ASSERT_FALSE(ec) << ec.message();
    ASSERT_EQ(name.family(), ps::other_family(AF_NETLINK));
    sockaddr_nl assigned{};
    ASSERT_EQ(name.to_sockaddr(&assigned, sizeof assigned, ec), sizeof assigned);
    EXPECT_NE(assigned.nl_pid, 0u) << "the kernel gives a bound netlink socket a port id";

    route_request request{};
    request.header.nlmsg_len = sizeof request;
    request.header.nlmsg_type = RTM_GETROUTE;
    request.header.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
    request.header.nlmsg_seq = 1;
    request.body.rtm_family = AF_UNSPEC;
    sockaddr_nl kernel{};
    kernel.nl_family = AF_NETLINK;
    const auto to_kernel = ps::endpoint::from_sockaddr(&kernel, sizeof kernel, ec);
    ASSERT_FALSE(ec) << ec.message();
    s.sendto(&request, sizeof request, to_kernel, ec);
    ASSERT_FALSE(ec) << ec.message();

    // Read until NLMSG_DONE, counting the routes; each answer comes from the
    // kernel (port id 0).
    alignas(nlmsghdr) char buffer[32768];
    int routes = 0;
    bool done = false;
    while (!done) {
        auto [n, from] = s.recvfrom_into(buffer, sizeof buffer, ec);
        ASSERT_FALSE(ec) << ec.message();
        ASSERT_EQ(from.family(), ps::other_family(AF_NETLINK));
        sockaddr_nl sender{};
        from.to_sockaddr(&sender, sizeof sender, ec);
        EXPECT_EQ(sender.nl_pid, 0u);
        auto remaining = static_cast<unsigned>(n);
        for (auto* h = reinterpret_cast<nlmsghdr*>(buffer); NLMSG_OK(h, remaining); h = NLMSG_NEXT(h, remaining)) {
            ASSERT_NE(h->nlmsg_type, NLMSG_ERROR) << "the kernel refused the dump";
            if (h->nlmsg_type == NLMSG_DONE) {
                done = true;
                break;
            }
            if (h->nlmsg_type == RTM_NEWROUTE) ++routes;
        }
    }
    // The local table alone has the loopback routes on every Linux host.
    EXPECT_GT(routes, 0);

    // A socket of this family from its handle: the family is asked of the system.
    ps::socket copy = s.dup(ec);
    ASSERT_FALSE(ec) << ec.message();
    ps::socket adopted = ps::socket::from_handle(copy.release(), ec);
    ASSERT_FALSE(ec) << ec.message();
    EXPECT_EQ(adopted.family(), ps::other_family(AF_NETLINK));
    EXPECT_EQ(adopted.type(), ps::type::raw);
}

#else

TEST(OtherFamily, ANetlinkRouteDumpThroughPortsocksSocket) {
    GTEST_SKIP() << "netlink is Linux's; this system's own families are not tested here";
}

#endif
