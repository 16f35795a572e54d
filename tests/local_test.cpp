// Unix-domain sockets: paths, Linux abstract names, datagrams. (socketpair
// is in socketpair_test.cpp.)
#include "net.hpp"

#include <filesystem>

namespace ps = portsock;

TEST(Local, StreamOverAPath) {
    PORTSOCK_REQUIRE_LOCAL();
    testsupport::temp_path path;
    std::error_code ec;
    const ps::endpoint address = ps::endpoint::local(path.str(), ec);
    ASSERT_OK(ec);
    ps::socket server = ps::create_server(address, 10, false, ec);
    ASSERT_OK(ec);
    EXPECT_EQ(server.getsockname(ec), address);

    ps::socket client;
    client.open(ps::family::local, ps::type::stream, 0, ec);
    client.connect(address, ec);
    ASSERT_OK(ec);
    auto [conn, peer] = server.accept(ec);
    ASSERT_OK(ec);
    EXPECT_EQ(peer.family(), ps::family::local);
    EXPECT_TRUE(peer.path().empty());  // an unbound client has no name
    EXPECT_EQ(peer.repr(), "''");

    conn.sendall("over a path", 11, ec);
    char buffer[11];
    EXPECT_EQ(client.recv_into(buffer, sizeof buffer, ec, ps::msg::waitall), 11u);
    EXPECT_EQ(std::string(buffer, 11), "over a path");
    EXPECT_EQ(client.repr().find("family=AF_UNIX, type=SOCK_STREAM"), client.repr().find("family="));
    // As Python prints it: a path is a str in the repr, shown as it is.
    EXPECT_NE(client.repr().find(", raddr=" + path.str() + ">"), std::string::npos) << client.repr();
}

TEST(Local, BindingAnExistingPathFails) {
    PORTSOCK_REQUIRE_LOCAL();
    testsupport::temp_path path;
    std::error_code ec;
    const ps::endpoint address = ps::endpoint::local(path.str(), ec);
    ps::socket first = ps::create_server(address, 10, false, ec);
    ASSERT_OK(ec);
    ps::socket second = ps::create_server(address, 10, false, ec);
    EXPECT_EQ(ec, std::errc::address_in_use) << ec.message();
}

TEST(Local, PathLongerThanTheSystemTakesIsRefusedBeforeAnyCall) {
    std::error_code ec;
    ps::endpoint::local("/tmp/" + std::string(200, 'x'), ec);
    EXPECT_EQ(ec, ps::error::path_too_long);
    EXPECT_EQ(ec, std::errc::filename_too_long);
}

TEST(Local, AbstractNamesWhereTheSystemHasThem) {
    PORTSOCK_REQUIRE_LOCAL();
    std::error_code ec;
    const std::string name = std::string(1, '\0') + "portsock-test-" + std::to_string(std::random_device{}());
    const ps::endpoint address = ps::endpoint::local(name, ec);
    ASSERT_OK(ec);
    EXPECT_TRUE(address.is_abstract());
    ps::socket server;
    server.open(ps::family::local, ps::type::stream, 0, ec);
    server.bind(address, ec);
    if (ec) GTEST_SKIP() << "no abstract Unix socket names here (" << ec.message() << ")";
    server.listen(1, ec);
    EXPECT_EQ(server.getsockname(ec), address);
    ps::socket client;
    client.open(ps::family::local, ps::type::stream, 0, ec);
    client.connect(ps::endpoint::parse("@" + name.substr(1), ec), ec);
    EXPECT_OK(ec);
    EXPECT_EQ(address.repr(), "b'\\x00" + name.substr(1) + "'");
}

TEST(Local, DatagramsBetweenTwoPaths) {
    PORTSOCK_REQUIRE_LOCAL();
    testsupport::temp_path path_a, path_b;
    std::error_code ec;
    const ps::endpoint a_address = ps::endpoint::local(path_a.str(), ec);
    const ps::endpoint b_address = ps::endpoint::local(path_b.str(), ec);
    ps::socket a, b;
    a.open(ps::family::local, ps::type::dgram, 0, ec);
    b.open(ps::family::local, ps::type::dgram, 0, ec);
    a.bind(a_address, ec);
    b.bind(b_address, ec);
    ASSERT_OK(ec);
    a.sendto("datagram", 8, b_address, ec);
    ASSERT_OK(ec);
    char buffer[16];
    auto [n, from] = b.recvfrom_into(buffer, sizeof buffer, ec);
    EXPECT_OK(ec);
    EXPECT_EQ(std::string(buffer, n), "datagram");
    EXPECT_EQ(from, a_address);
}

TEST(Local, AnEmptyPathAutobindsOnBindAndRefusesAConnect) {
    // Python: bind("") gives a datagram socket a unique abstract name from
    // the kernel (Linux's autobind), so two clients can both do it; connect("")
    // fails with EINVAL and reaches nobody. portsock passes the empty path
    // with no name bytes at all, as Python does.
    PORTSOCK_REQUIRE_LOCAL();
    std::error_code ec;
    const ps::endpoint empty = ps::endpoint::local("", ec);
    ASSERT_OK(ec);
    ps::socket a, b;
    a.open(ps::family::local, ps::type::dgram, 0, ec);
    b.open(ps::family::local, ps::type::dgram, 0, ec);
    ASSERT_OK(ec);
    a.bind(empty, ec);
    if (ec) GTEST_SKIP() << "this system does not bind an empty Unix path: " << ec.message();
    b.bind(empty, ec);
    EXPECT_OK(ec) << "a second empty-path bind must get its own name";
    EXPECT_NE(a.getsockname(ec), b.getsockname(ec));
    ps::socket c;
    c.open(ps::family::local, ps::type::stream, 0, ec);
    c.connect(empty, ec);
    EXPECT_TRUE(ec) << "a connect to the empty path reached somebody";
}
