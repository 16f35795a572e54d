// getaddrinfo and gethostname with Python's meanings. Only names that need
// no network: localhost, numeric addresses, "" (no host), "<broadcast>", and a name in
// the reserved .invalid domain for a failure.
#include "net.hpp"

namespace ps = portsock;

namespace {

std::vector<ps::address_info> resolve(std::string_view host, std::string_view port,
                                      ps::family f = ps::family::unspec,
                                      std::optional<ps::type> t = ps::type::stream,
                                      ps::ai flags = ps::ai::none) {
    std::error_code ec;
    auto result = ps::getaddrinfo(host, port, f, t, 0, flags, ec);
    EXPECT_OK(ec) << " resolving " << host << ":" << port;
    return result;
}

std::error_code resolve_error(std::string_view host, std::string_view port) {
    std::error_code ec;
    auto result = ps::getaddrinfo(host, port, ps::family::unspec, ps::type::stream, 0, ps::ai::none, ec);
    EXPECT_TRUE(result.empty());
    return ec;
}

}  // namespace

TEST(Resolve, LocalhostGivesLoopbackAddressesWithThePort) {
    const auto infos = resolve("localhost", "80");
    ASSERT_FALSE(infos.empty());
    for (const auto& info : infos) {
        EXPECT_TRUE(info.address.is_loopback()) << info.address;
        EXPECT_EQ(info.address.port(), 80);
        EXPECT_EQ(info.type, ps::type::stream);
        EXPECT_EQ(info.family, info.address.family());
    }
}

TEST(Resolve, NumericHostsAreTakenAsTheyAre) {
    const auto v4 = resolve("192.0.2.7", "5", ps::family::unspec, ps::type::stream, ps::ai::numerichost);
    ASSERT_EQ(v4.size(), 1u);
    EXPECT_EQ(v4[0].address.to_string(), "192.0.2.7:5");
    const auto v6 = resolve("2001:db8::7", "6", ps::family::unspec, ps::type::dgram, ps::ai::numerichost);
    ASSERT_EQ(v6.size(), 1u);
    EXPECT_EQ(v6[0].address.to_string(), "[2001:db8::7]:6");
    EXPECT_EQ(v6[0].type, ps::type::dgram);
}

TEST(Resolve, EmptyHostNamesNoHostAsInPython) {
    // Python's getaddrinfo("", port) fails (glibc: EAI_NONAME), and so does
    // create_connection("", port); only bind and connect read "" as the any
    // address.
    EXPECT_EQ(resolve_error("", "50675"), ps::resolve_error::host_not_found);
    std::error_code ec;
    ps::socket s = ps::create_connection("", 9, 1.0, ec);
    EXPECT_EQ(ec, ps::resolve_error::host_not_found);
    EXPECT_FALSE(s.is_open());
    ps::socket server;
    server.open(ps::family::inet, ps::type::stream, 0, ec);
    server.bind("", 0, ec);
    EXPECT_OK(ec);
    EXPECT_TRUE(server.getsockname(ec).is_any());
}

TEST(Resolve, BroadcastIsTheIpv4BroadcastAddress) {
    const auto infos = resolve("<broadcast>", "9", ps::family::inet, ps::type::dgram);
    ASSERT_FALSE(infos.empty());
    EXPECT_EQ(infos[0].address, ps::endpoint::v4({255, 255, 255, 255}, 9));
}

TEST(Resolve, ServiceNames) {
    std::error_code ec;
    const auto infos = ps::getaddrinfo("127.0.0.1", "http", ps::family::inet, ps::type::stream, 0, ps::ai::none, ec);
    if (ec) GTEST_SKIP() << "this system's services database does not know 'http' (" << ec.message() << ")";
    ASSERT_FALSE(infos.empty());
    EXPECT_EQ(infos[0].address.port(), 80);
}

TEST(Resolve, FamilyAndTypeFilters) {
    for (const auto& info : resolve("localhost", "1", ps::family::inet)) {
        EXPECT_EQ(info.family, ps::family::inet);
    }
    const auto all_types = resolve("127.0.0.1", "1", ps::family::inet, std::nullopt);
    bool stream = false, dgram = false;
    for (const auto& info : all_types) {
        stream = stream || info.type == ps::type::stream;
        dgram = dgram || info.type == ps::type::dgram;
    }
    EXPECT_TRUE(stream && dgram) << "no type filter should give both stream and datagram entries";
}

TEST(Resolve, NumericPortOverload) {
    std::error_code ec;
    const auto infos = ps::getaddrinfo("127.0.0.1", 443, ps::family::inet, ps::type::stream, 0, ps::ai::none, ec);
    ASSERT_OK(ec);
    ASSERT_FALSE(infos.empty());
    EXPECT_EQ(infos[0].address.port(), 443);
    ps::getaddrinfo("127.0.0.1", 65536, ps::family::inet, ps::type::stream, 0, ps::ai::none, ec);
    EXPECT_EQ(ec, ps::error::port_out_of_range);
}

TEST(Resolve, BadInputIsRefusedBeforeTheResolver) {
    EXPECT_EQ(resolve_error(std::string(254, 'a'), "80"), ps::error::host_name_too_long);
    EXPECT_EQ(resolve_error(std::string_view("local\0host", 10), "80"), ps::error::embedded_nul);
    EXPECT_EQ(resolve_error("localhost", std::string_view("8\0", 2)), ps::error::embedded_nul);
    EXPECT_EQ(resolve_error("localhost", "65536"), ps::error::port_out_of_range);
    EXPECT_EQ(resolve_error("localhost", "0000099999"), ps::error::port_out_of_range);
}

TEST(Resolve, UnknownHostIsAResolverError) {
    const std::error_code ec = resolve_error("no-such-host.invalid", "80");
    ASSERT_TRUE(ec);
    EXPECT_EQ(ec.category(), ps::resolve_category()) << ec.message();
    EXPECT_FALSE(ec.message().empty());
}

TEST(Resolve, UnknownServiceIsAResolverError) {
    const std::error_code ec = resolve_error("127.0.0.1", "no-such-service-x");
    ASSERT_TRUE(ec);
    EXPECT_EQ(ec.category(), ps::resolve_category()) << ec.message();
}

TEST(Resolve, Gethostname) {
    std::error_code ec;
    const std::string name = ps::gethostname(ec);
    EXPECT_OK(ec);
    EXPECT_FALSE(name.empty());
    EXPECT_EQ(name.find('\0'), std::string::npos);
}

#if PORTSOCK_HAS_EXCEPTIONS
TEST(Resolve, ThrowingFailureIsAGaierrorNamingTheHost) {
    try {
        ps::getaddrinfo("no-such-host.invalid", 80);
        FAIL() << "resolved a name in .invalid";
    } catch (const ps::gaierror& e) {
        const ps::socket_error& base = e;
        const std::system_error& root = base;
        EXPECT_EQ(std::string(root.what()).rfind("getaddrinfo no-such-host.invalid:80: ", 0), 0u) << root.what();
    }
    EXPECT_FALSE(ps::gethostname().empty());
}
#endif
