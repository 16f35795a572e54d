// endpoint: parsing from text and from (host, port), RFC 5952 formatting,
// Python's repr, comparison, hashing, and every malformed input.
#include <portsock/portsock.hpp>
#include <portsock/resolve.hpp>

#include "net.hpp"

#include <set>
#include <sstream>
#include <unordered_set>

namespace ps = portsock;

namespace {

ps::endpoint parsed(std::string_view text) {
    std::error_code ec;
    ps::endpoint e = ps::endpoint::parse(text, ec);
    EXPECT_OK(ec) << " parsing '" << text << "'";
    return e;
}

std::error_code parse_error(std::string_view text) {
    std::error_code ec;
    ps::endpoint e = ps::endpoint::parse(text, ec);
    EXPECT_TRUE(e.empty()) << text;
    return ec;
}

std::string host_of(std::string_view host) {
    std::error_code ec;
    ps::endpoint e = ps::endpoint::parse(host, 1, ec);
    EXPECT_OK(ec) << " parsing host '" << host << "'";
    return e.host();
}

}  // namespace

TEST(Endpoint, ParseIpv4WithPort) {
    const ps::endpoint e = parsed("127.0.0.1:80");
    EXPECT_EQ(e.family(), ps::family::inet);
    EXPECT_EQ(e.port(), 80);
    EXPECT_EQ(e.bytes(), std::string("\x7f\x00\x00\x01", 4));  // network order
    EXPECT_EQ(e.host(), "127.0.0.1");
    EXPECT_EQ(e.to_string(), "127.0.0.1:80");
}

TEST(Endpoint, ParseIpv6WithPortAndScope) {
    const ps::endpoint e = parsed("[::1]:8080");
    EXPECT_EQ(e.family(), ps::family::inet6);
    EXPECT_EQ(e.port(), 8080);
    EXPECT_EQ(e.bytes(), std::string(15, '\0') + '\x01');
    const ps::endpoint scoped = parsed("[fe80::1%2]:443");
    EXPECT_EQ(scoped.scope_id(), 2u);
    EXPECT_EQ(scoped.to_string(), "[fe80::1%2]:443");
}

TEST(Endpoint, ParsePortIsStoredInNetworkOrderEverywhere) {
    // The bytes of the port as the system gets them are checked by the
    // socket tests; here the value survives the round trip on any CPU.
    const ps::endpoint e = parsed("1.2.3.4:258");
    EXPECT_EQ(e.port(), 258);
    EXPECT_EQ(e.bytes(), std::string("\x01\x02\x03\x04", 4));
    EXPECT_EQ(parsed("1.2.3.4:65535").port(), 65535);
    EXPECT_EQ(parsed("1.2.3.4:0").port(), 0);
}

TEST(Endpoint, ParseUnixPathsAndAbstractNames) {
    const ps::endpoint path = parsed("/tmp/s");
    EXPECT_EQ(path.family(), ps::family::local);
    EXPECT_EQ(path.path(), "/tmp/s");
    EXPECT_EQ(path.port(), 0);
    EXPECT_EQ(parsed("./relative").path(), "./relative");
    const ps::endpoint abstract = parsed("@name");
    EXPECT_TRUE(abstract.is_abstract());
    EXPECT_EQ(abstract.path(), std::string("\0name", 5));
    EXPECT_EQ(abstract.to_string(), "@name");
}

TEST(Endpoint, ParsePythonHostAndPort) {
    std::error_code ec;
    EXPECT_EQ(ps::endpoint::parse("", 50675, ec), ps::endpoint::v4({0, 0, 0, 0}, 50675));
    EXPECT_EQ(ps::endpoint::parse("<broadcast>", 9, ec), ps::endpoint::v4({255, 255, 255, 255}, 9));
    EXPECT_EQ(ps::endpoint::parse("::", 1, ec).is_any(), true);
    EXPECT_EQ(ps::endpoint::parse("::1", 1, ec), testsupport::loopback6(1));
    EXPECT_EQ(ps::endpoint::parse("fe80::1%7", 1, ec).scope_id(), 7u);
    EXPECT_OK(ec);
}

TEST(Endpoint, ABracketedHostIsNoAddress) {
    // Brackets belong to the "[host]:port" text only. Python refuses
    // ("[::1]", 80) in bind, connect, getaddrinfo and create_connection
    // alike; so does every portsock call that takes a host.
    std::error_code ec;
    EXPECT_TRUE(ps::endpoint::parse("[::1]", 80, ec).empty());
    EXPECT_EQ(ec, ps::error::bad_address);
    EXPECT_TRUE(ps::getaddrinfo("[::1]", 80, ps::family::unspec, ps::type::stream, 0, ps::ai::numerichost, ec).empty());
    EXPECT_TRUE(ec) << "getaddrinfo took [::1]";
}

TEST(Endpoint, AnInterfaceNameIsAZoneOnlyForALinkLocalAddress) {
    // As glibc's getaddrinfo and Python have it: a name (lo, eth0) names a
    // link, so only link-local unicast and node- or link-local multicast
    // take one; a decimal scope id is taken on any address.
    std::error_code ec;
    const auto interfaces = ps::if_nameindex(ec);
    ASSERT_OK(ec);
    ASSERT_FALSE(interfaces.empty()) << "no network interface at all, not even a loopback";
    const auto& [index, name] = interfaces.front();
    EXPECT_EQ(ps::endpoint::parse("fe80::1%" + name, 1, ec).scope_id(), index) << name << ": " << ec.message();
    EXPECT_EQ(ps::endpoint::parse("ff02::1%" + name, 1, ec).scope_id(), index) << name << ": " << ec.message();
    EXPECT_TRUE(ps::endpoint::parse("::1%" + name, 1, ec).empty());
    EXPECT_EQ(ec, ps::error::bad_address);
    EXPECT_TRUE(ps::endpoint::parse("2001:db8::1%" + name, 1, ec).empty());
    EXPECT_EQ(ps::endpoint::parse("::1%1", 1, ec).scope_id(), 1u);
    EXPECT_OK(ec);
}

TEST(Endpoint, ParseRoundTripsThroughText) {
    for (const char* text :
         {"0.0.0.0:0", "255.255.255.255:65535", "10.1.2.3:4", "[::]:1", "[::1]:2", "[1::]:3", "[1:2:3:4:5:6:7:8]:4",
          "[2001:db8::1]:5", "[2001:db8:0:1:1:1:1:1]:6", "[::ffff:192.0.2.1]:7", "[fe80::a%3]:8", "/a/b", "@x"}) {
        const ps::endpoint e = parsed(text);
        EXPECT_EQ(e.to_string(), text);
        EXPECT_EQ(parsed(e.to_string()), e);
    }
}

TEST(Endpoint, FormatRfc5952Ipv6Text) {
    EXPECT_EQ(host_of("2001:0DB8:0000:0000:0000:0000:0000:0001"), "2001:db8::1");  // lower case, no zeros
    EXPECT_EQ(host_of("2001:db8:0:0:1:0:0:1"), "2001:db8::1:0:0:1");            // first run on a tie
    EXPECT_EQ(host_of("2001:db8:0:1:0:0:0:1"), "2001:db8:0:1::1");              // the longest run
    // IPv4-compatible (deprecated) and IPv4-mapped addresses end in a dotted
    // quad, as glibc's and Python's inet_ntop print them; ::0.0.1.2 does not
    // (its run of zeros is seven groups long).
    EXPECT_EQ(host_of("::1.2.3.4"), "::1.2.3.4");
    EXPECT_EQ(host_of("::ffff:1.2.3.4"), "::ffff:1.2.3.4");
    EXPECT_EQ(host_of("::0.0.1.2"), "::102");
    EXPECT_EQ(host_of("::1"), "::1");
    EXPECT_EQ(host_of("2001:db8:0:1:1:1:1:1"), "2001:db8:0:1:1:1:1:1");         // one zero is not a run
    EXPECT_EQ(host_of("0:0:0:0:0:0:0:0"), "::");
    EXPECT_EQ(host_of("0:0:0:0:0:0:0:1"), "::1");
    EXPECT_EQ(host_of("1:0:0:0:0:0:0:0"), "1::");
    EXPECT_EQ(host_of("::ffff:10.0.0.1"), "::ffff:10.0.0.1");  // mapped IPv4 keeps its dotted tail
    EXPECT_EQ(host_of("::ffff:a00:1"), "::ffff:10.0.0.1");
    EXPECT_EQ(host_of("1:2:3:4:5:6:1.2.3.4"), "1:2:3:4:5:6:102:304");
}

TEST(Endpoint, FormatPythonRepr) {
    EXPECT_EQ(parsed("127.0.0.1:80").repr(), "('127.0.0.1', 80)");
    EXPECT_EQ(parsed("[::1]:80").repr(), "('::1', 80, 0, 0)");
    EXPECT_EQ(parsed("[fe80::1%3]:80").repr(), "('fe80::1', 80, 0, 3)");
    EXPECT_EQ(parsed("/tmp/s").repr(), "'/tmp/s'");
    EXPECT_EQ(parsed("@name").repr(), "b'\\x00name'");
    EXPECT_EQ(ps::endpoint().repr(), "None");
    EXPECT_EQ(ps::endpoint().to_string(), "<empty>");
    std::error_code ec;
    EXPECT_EQ(ps::endpoint::local("/it's", ec).repr(), "'/it\\'s'");
}

TEST(Endpoint, FormatPrintsWithStreams) {
    std::ostringstream out;
    out << parsed("[::1]:80") << ' ' << parsed("1.2.3.4:5");
    EXPECT_EQ(out.str(), "[::1]:80 1.2.3.4:5");
}

TEST(Endpoint, ValueComparesHashesAndCopies) {
    const ps::endpoint a = parsed("1.2.3.4:5"), b = parsed("1.2.3.4:6"), c = parsed("[::1]:5"), d = parsed("/p");
    const ps::endpoint copy = a;
    EXPECT_EQ(copy, a);
    EXPECT_NE(a, b);
    EXPECT_NE(a, c);
    EXPECT_NE(parsed("[fe80::1%1]:5"), parsed("[fe80::1%2]:5"));  // the scope counts
    EXPECT_TRUE(a < b);
    EXPECT_FALSE(b < a);
    const std::set<ps::endpoint> ordered{d, c, b, a, copy};
    EXPECT_EQ(ordered.size(), 4u);
    std::unordered_set<ps::endpoint> set{a, b, c, d, copy};
    EXPECT_EQ(set.size(), 4u);
    EXPECT_EQ(set.count(parsed("1.2.3.4:5")), 1u);
    EXPECT_EQ(std::hash<ps::endpoint>{}(a), std::hash<ps::endpoint>{}(copy));
}

TEST(Endpoint, ValueQuestionsAboutTheAddress) {
    EXPECT_TRUE(parsed("0.0.0.0:1").is_any());
    EXPECT_TRUE(parsed("[::]:1").is_any());
    EXPECT_FALSE(parsed("1.0.0.0:1").is_any());
    EXPECT_TRUE(parsed("127.9.8.7:1").is_loopback());
    EXPECT_TRUE(parsed("[::1]:1").is_loopback());
    EXPECT_TRUE(parsed("[::ffff:127.0.0.1]:1").is_loopback());
    EXPECT_FALSE(parsed("[::2]:1").is_loopback());
    EXPECT_FALSE(parsed("/p").is_loopback());
    EXPECT_EQ(parsed("1.2.3.4:5").with_port(6), parsed("1.2.3.4:6"));
    EXPECT_EQ(parsed("/p").with_port(6).port(), 0);
}

TEST(Endpoint, RefusesMalformedIpv4) {
    for (const char* text : {"01.2.3.4:1", "256.1.1.1:1", "1.2.3:1", "1.2.3.4.5:1", "1..2.3:1", ".1.2.3:1",
                             "1.2.3.:1", "1.2.3.4a:1", "a.b.c.d:1", "1.2.3.-4:1", "1234.1.1.1:1", " 1.2.3.4:1"}) {
        EXPECT_EQ(parse_error(text), ps::error::bad_address) << text;
    }
    // Brackets are for IPv6 in Python's (host, port) form too (found by fuzz_host_port).
    std::error_code ec;
    EXPECT_TRUE(ps::endpoint::parse("[127.0.0.1]", 80, ec).empty());
    EXPECT_EQ(ec, ps::error::bad_address);
}

TEST(Endpoint, RefusesMalformedIpv6) {
    for (const char* text :
         {"[:::]:1", "[1::2::3]:1", "[12345::]:1", "[1:2:3:4:5:6:7:8:9]:1", "[1:2:3:4:5:6:7:]:1", "[:1::]:1",
          "[g::1]:1", "[1.2.3.4::]:1", "[::1.2.3]:1", "[1:2:3:4:5:6:7:1.2.3.4]:1", "[1:2:3:4:5:6:7:8::]:1",
          "[]:1", "[::1%]:1", "[::1%no-such-interface-x]:1", "[::1]", "[::1]80", "::1:80", "[1.2.3.4]:80"}) {
        EXPECT_EQ(parse_error(text), ps::error::bad_address) << text;
    }
}

TEST(Endpoint, RefusesPortsOutsideTheRange) {
    EXPECT_EQ(parse_error("1.2.3.4:65536"), ps::error::port_out_of_range);
    EXPECT_EQ(parse_error("1.2.3.4:99999"), ps::error::port_out_of_range);
    EXPECT_EQ(parse_error("1.2.3.4:123456"), ps::error::port_out_of_range);
    EXPECT_EQ(parse_error("1.2.3.4:"), ps::error::bad_address);
    EXPECT_EQ(parse_error("1.2.3.4:http"), ps::error::bad_address);
    EXPECT_EQ(parse_error("1.2.3.4:-1"), ps::error::bad_address);
    std::error_code ec;
    for (int port : {-1, 65536, 70000}) {
        ps::endpoint::parse("1.2.3.4", port, ec);
        EXPECT_EQ(ec, ps::error::port_out_of_range) << port;
        EXPECT_EQ(ec, std::errc::invalid_argument);
    }
}

TEST(Endpoint, RefusesEmbeddedNulAndOverlongNames) {
    EXPECT_EQ(parse_error(std::string_view("1.2.3.4\0:1", 10)), ps::error::embedded_nul);
    std::error_code ec;
    ps::endpoint::parse(std::string_view("::1\0", 4), 1, ec);
    EXPECT_EQ(ec, ps::error::embedded_nul);
    ps::endpoint::local(std::string_view("/tmp/a\0b", 8), ec);
    EXPECT_EQ(ec, ps::error::embedded_nul);
    ps::endpoint::parse(std::string(254, 'a'), 1, ec);
    EXPECT_EQ(ec, ps::error::host_name_too_long);
    ps::endpoint::parse("example.com", 1, ec);  // a name, not an address: resolve it
    EXPECT_EQ(ec, ps::error::bad_address);
    EXPECT_EQ(parse_error(""), ps::error::bad_address);
    EXPECT_EQ(parse_error("/" + std::string(200, 'p')), ps::error::path_too_long);
    EXPECT_EQ(parse_error("@" + std::string(200, 'p')), ps::error::path_too_long);
}

#if PORTSOCK_HAS_EXCEPTIONS
TEST(Endpoint, ThrowingParseErrorsNameTheInput) {
    try {
        ps::endpoint::parse("[::1]:99999");
        FAIL() << "parsed a port over 65535";
    } catch (const ps::socket_error& e) {
        EXPECT_EQ(std::string(e.what()), "parse endpoint '[::1]:99999': port must be 0-65535");
        EXPECT_EQ(e.code(), ps::error::port_out_of_range);
    }
    EXPECT_THROW(ps::endpoint::parse("1.2.3.4", 65536), ps::socket_error);
    EXPECT_EQ(ps::endpoint::parse("::1", 7), testsupport::loopback6(7));
}
#endif

// The escape hatch (other_family): what portsock has no name for, by the
// system's own number. tests/<backend>/other_family_test.cpp uses it for real
// (a netlink route dump on Linux).
TEST(OtherFamily, ANumberTheSystemNamesReadsBackAsThatName) {
    std::error_code ec;
    ps::socket s;
    s.open(ps::other_family(ps::system_number(ps::family::inet)), ps::other_type(ps::system_number(ps::type::stream)),
           0, ec);
    ASSERT_FALSE(ec) << ec.message();
    EXPECT_EQ(s.family(), ps::family::inet);
    EXPECT_EQ(s.type(), ps::type::stream);
    EXPECT_EQ(s.repr().find("family=AF_INET, type=SOCK_STREAM"), s.repr().find("family="));
}

TEST(OtherFamily, NumbersOutsideOneTo127AreNoFamily) {
    EXPECT_EQ(ps::other_family(0), ps::family::unspec);
    EXPECT_EQ(ps::other_family(128), ps::family::unspec);
    EXPECT_EQ(ps::other_family(-1), ps::family::unspec);
    EXPECT_EQ(ps::other_type(0), ps::type{});
    EXPECT_TRUE(ps::is_other(ps::other_family(99)));
    EXPECT_FALSE(ps::is_other(ps::family::inet6));
    EXPECT_EQ(ps::system_number(ps::other_family(99)), 99);
    EXPECT_EQ(ps::system_number(ps::other_type(9)), 9);
    std::error_code ec;
    ps::socket s;
    s.open(ps::other_family(0), ps::type::stream, 0, ec);
    EXPECT_TRUE(ec);
    EXPECT_FALSE(s.is_open());
}

TEST(OtherFamily, AnEndpointKeepsTheBytesAfterTheFamilyAndPrintsThem) {
    std::error_code ec;
    const auto e = ps::endpoint::other(ps::other_family(99), std::string_view("\x01\xab\x00", 3), ec);
    ASSERT_FALSE(ec) << ec.message();
    EXPECT_EQ(e.family(), ps::other_family(99));
    EXPECT_EQ(e.bytes(), std::string_view("\x01\xab\x00", 3));
    EXPECT_EQ(e.port(), 0);
    EXPECT_EQ(e.with_port(80).port(), 0);
    EXPECT_EQ(e.to_string(), "<family 99: 01ab00>");
    EXPECT_EQ(e.repr(), "(99, b'\\x01\\xab\\x00')");
    EXPECT_EQ(e, ps::endpoint::other(ps::other_family(99), std::string_view("\x01\xab\x00", 3), ec));
    EXPECT_NE(e, ps::endpoint::other(ps::other_family(98), std::string_view("\x01\xab\x00", 3), ec));
    EXPECT_FALSE(e.is_any());
    EXPECT_FALSE(e.is_loopback());

    // Through the system's own form and back.
    unsigned char raw[128];
    const std::size_t size = e.to_sockaddr(raw, sizeof raw, ec);
    ASSERT_FALSE(ec) << ec.message();
    EXPECT_GT(size, 3u);
    EXPECT_EQ(ps::endpoint::from_sockaddr(raw, size, ec), e);
    EXPECT_FALSE(ec) << ec.message();
}

TEST(OtherFamily, BadOtherEndpointsAreRefusedWithAReason) {
    std::error_code ec;
    (void)ps::endpoint::other(ps::family::inet, "ab", ec);
    EXPECT_EQ(ec, std::errc::address_family_not_supported);
    (void)ps::endpoint::other(ps::other_family(99), std::string(ps::endpoint::max_path + 1, 'x'), ec);
    EXPECT_EQ(ec, ps::error::path_too_long);
    unsigned char raw[128] = {};
    (void)ps::endpoint::from_sockaddr(raw, 1, ec);
    EXPECT_EQ(ec, std::errc::invalid_argument);
    (void)ps::endpoint::from_sockaddr(nullptr, 16, ec);
    EXPECT_EQ(ec, std::errc::invalid_argument);
}

TEST(OtherFamily, NamedFamiliesGoThroughTheSystemsFormAndBack) {
    std::error_code ec;
    for (const char* text : {"127.0.0.1:80", "[fe80::1%3]:443", "/tmp/portsock-x.sock"}) {
        const auto e = ps::endpoint::parse(text, ec);
        ASSERT_FALSE(ec) << text;
        unsigned char raw[128];
        const std::size_t size = e.to_sockaddr(raw, sizeof raw, ec);
        ASSERT_FALSE(ec) << text << ": " << ec.message();
        EXPECT_EQ(ps::endpoint::from_sockaddr(raw, size, ec), e) << text;
        EXPECT_EQ(e.to_sockaddr(raw, 4, ec), 0u);
        EXPECT_EQ(ec, std::errc::no_buffer_space) << text;
    }
}
