// Descriptor hygiene: no call leaves a descriptor behind, whether it succeeds
// or fails halfway (a refused connect, a bind to a port in use, a server that
// cannot be created, a socketpair, a poller). The batch runs once to warm up
// what the system opens for itself on first use (the resolver, Winsock), then
// again between two counts of the process's open descriptors.
#include "host.hpp"
#include "net.hpp"

#include <string>

using testsupport::loopback4;
namespace ps = portsock;

namespace {

// A port on loopback that nobody listens on (bound, not listening).
struct refusing_port {
    ps::socket holder;
    ps::endpoint address;
    refusing_port() {
        std::error_code ec;
        holder.open(ps::family::inet, ps::type::stream, 0, ec);
        holder.bind(loopback4(), ec);
        address = holder.getsockname(ec);
        EXPECT_OK(ec);
    }
};

void every_kind_of_call() {
    std::error_code ec;
    refusing_port refused;

    // A refused connect, with and without a timeout, and create_connection.
    for (const std::optional<double> timeout : {std::optional<double>{}, std::optional<double>{5.0}}) {
        ps::socket s;
        s.open(ps::family::inet, ps::type::stream, 0, ec);
        s.settimeout(timeout, ec);
        s.connect(refused.address, ec);
        EXPECT_TRUE(ec);
    }
    ps::socket c = ps::create_connection("127.0.0.1", refused.address.port(), 5.0, ec);
    EXPECT_TRUE(ec);
    EXPECT_FALSE(c.is_open());

    // A bind to a port in use, and create_server on it or on nothing.
    ps::socket server = testsupport::listener();
    const ps::endpoint taken = server.getsockname(ec);
    ps::socket second;
    second.open(ps::family::inet, ps::type::stream, 0, ec);
    second.bind(taken, ec);
    EXPECT_EQ(ec, std::errc::address_in_use) << ec.message();
    EXPECT_FALSE(ps::create_server(taken, 1, false, ec).is_open());
    EXPECT_TRUE(ec);
    EXPECT_FALSE(ps::create_server(ps::endpoint{}, 1, false, ec).is_open());
    EXPECT_TRUE(ec);
    EXPECT_FALSE(ps::create_server(loopback4(), 1, true, ec).is_open());  // dual stack on IPv4
    EXPECT_TRUE(ec);

    // A successful exchange, then accept on a closed socket.
    {
        ps::socket client = ps::create_connection("127.0.0.1", taken.port(), 5.0, ec);
        EXPECT_OK(ec);
        auto accepted = server.accept(ec);
        EXPECT_OK(ec);
        client.sendall("x", 1, ec);
        char byte = 0;
        EXPECT_EQ(accepted.conn.recv_into(&byte, 1, ec), 1u);
    }
    server.close();
    EXPECT_FALSE(server.accept(ec).conn.is_open());
    EXPECT_EQ(ec, ps::error::not_open);

    // Socketpairs of every kind the system has.
    for (const ps::family f : {ps::family::unspec, ps::family::inet}) {
        for (const ps::type t : {ps::type::stream, ps::type::dgram}) {
            auto pair = ps::socketpair(f, t, 0, ec);
            EXPECT_OK(ec);
        }
    }
    auto unsupported = ps::socketpair(ps::family::inet, ps::type::raw, 0, ec);
    EXPECT_TRUE(ec);

    // Opens that fail, moved-from and released-then-closed sockets.
    ps::socket bad;
    bad.open(ps::family::inet, ps::type::stream, 12345, ec);
    EXPECT_TRUE(ec);
    ps::socket moved;
    moved.open(ps::family::inet, ps::type::dgram, 0, ec);
    ps::socket taker = std::move(moved);
    taker = ps::socket{};
    if (testsupport::has_local()) {
        ps::socket local;
        local.open(ps::family::local, ps::type::stream, 0, ec);
        local.bind(ps::endpoint::local(std::string(ps::endpoint::max_path, 'x'), ec), ec);
        EXPECT_TRUE(ec);
    }

    // Resolution and a poller.
    auto infos = ps::getaddrinfo("localhost", 80, ps::family::unspec, ps::type::stream, 0, ps::ai::none, ec);
    ps::poller p;
    p.open(ec);
    EXPECT_OK(ec);
}

}  // namespace

TEST(Hygiene, NoCallLeavesADescriptorBehindWhetherItSucceedsOrFails) {
    every_kind_of_call();
    const std::size_t before = testsupport::open_handle_count();
    ASSERT_GT(before, 0u);
    for (int round = 0; round < 3; ++round) every_kind_of_call();
    EXPECT_EQ(testsupport::open_handle_count(), before);
}
