// Python's name-service, interface and address-text functions (names.hpp).
// Only names that need no network: 127.0.0.1, localhost, ::1 as a number,
// well-known services (skipped where the services database lacks them), the
// interfaces if_nameindex lists (their names differ by system: Linux's "lo",
// wine's "loopback_0"), and a name in the reserved .invalid domain for a
// lookup that fails.
#include "net.hpp"

#include <algorithm>
#include <atomic>
#include <set>
#include <thread>

namespace ps = portsock;

namespace {

ps::endpoint local_path() {
    std::error_code ec;
    return ps::endpoint::local("/tmp/portsock-names", ec);
}

// The port the services database gives "http" over TCP, or why not.
bool services_know_http(std::string& why) {
    std::error_code ec;
    const std::uint16_t port = ps::getservbyname("http", "tcp", ec);
    if (ec || port != 80) {
        why = "this system's services database does not know 'http' as 80/tcp (" + ec.message() + ")";
        return false;
    }
    return true;
}

#define PORTSOCK_REQUIRE_HTTP_SERVICE()                    \
    do {                                                   \
        std::string why;                                   \
        if (!services_know_http(why)) GTEST_SKIP() << why; \
    } while (0)

std::string bytes(std::initializer_list<int> values) {
    std::string out;
    for (int v : values) out += static_cast<char>(v);
    return out;
}

}  // namespace

// getnameinfo -------------------------------------------------------------------

TEST(Names, GetnameinfoNumericGivesTheAddressAndPortAsText) {
    std::error_code ec;
    const auto v4 =
        ps::getnameinfo(ps::endpoint::v4({127, 0, 0, 1}, 80), ps::ni::numerichost | ps::ni::numericserv, ec);
    ASSERT_OK(ec);
    EXPECT_EQ(v4.host, "127.0.0.1");
    EXPECT_EQ(v4.service, "80");
    const auto v6 =
        ps::getnameinfo(testsupport::loopback6(8080), ps::ni::numerichost | ps::ni::numericserv, ec);
    ASSERT_OK(ec);
    EXPECT_EQ(v6.host, "::1");
    EXPECT_EQ(v6.service, "8080");
}

TEST(Names, GetnameinfoNamesTheLoopbackAndTheService) {
    PORTSOCK_REQUIRE_HTTP_SERVICE();
    std::error_code ec;
    const auto info = ps::getnameinfo(ps::endpoint::v4({127, 0, 0, 1}, 80), ps::ni::none, ec);
    ASSERT_OK(ec);
    EXPECT_FALSE(info.host.empty());
    EXPECT_EQ(info.service, "http");
    const auto numeric_host = ps::getnameinfo(ps::endpoint::v4({127, 0, 0, 1}, 80), ps::ni::numerichost, ec);
    ASSERT_OK(ec);
    EXPECT_EQ(numeric_host.host, "127.0.0.1");
    EXPECT_EQ(numeric_host.service, "http");
}

TEST(Names, GetnameinfoNameRequiredForTheLoopback) {
    std::error_code ec;
    const auto info =
        ps::getnameinfo(ps::endpoint::v4({127, 0, 0, 1}, 1), ps::ni::namereqd | ps::ni::numericserv, ec);
    if (ec == ps::resolve_error::host_not_found) {
        GTEST_SKIP() << "this system's hosts database has no name for 127.0.0.1";
    }
    ASSERT_OK(ec);
    EXPECT_FALSE(info.host.empty());
    EXPECT_NE(info.host, "127.0.0.1");
    EXPECT_EQ(info.service, "1");
}

TEST(Names, GetnameinfoDatagramServiceNames) {
    std::error_code ec;
    const std::string expected = ps::getservbyport(53, "udp", ec);
    if (ec) GTEST_SKIP() << "this system's services database knows no 53/udp (" << ec.message() << ")";
    const auto info =
        ps::getnameinfo(ps::endpoint::v4({127, 0, 0, 1}, 53), ps::ni::numerichost | ps::ni::dgram, ec);
    ASSERT_OK(ec);
    EXPECT_EQ(info.service, expected);
}

TEST(Names, GetnameinfoRefusesEmptyAndUnixEndpoints) {
    std::error_code ec;
    EXPECT_TRUE(ps::getnameinfo(ps::endpoint{}, ps::ni::none, ec).host.empty());
    EXPECT_EQ(ec, ps::error::empty_endpoint);
    ps::getnameinfo(local_path(), ps::ni::none, ec);
    EXPECT_EQ(ec, ps::resolve_error::family_not_supported);
}

// gethostbyaddr and getfqdn -------------------------------------------------------

TEST(Names, GethostbyaddrOfTheLoopbackAddress) {
    std::error_code ec;
    const ps::host_entry entry = ps::gethostbyaddr("127.0.0.1", ec);
    if (ec == ps::resolve_error::host_not_found) {
        GTEST_SKIP() << "this system's hosts database has no name for 127.0.0.1";
    }
    ASSERT_OK(ec);
    EXPECT_FALSE(entry.hostname.empty());
    EXPECT_NE(std::find(entry.addresses.begin(), entry.addresses.end(), "127.0.0.1"), entry.addresses.end())
        << "addresses: " << entry.addresses.size();
    for (const std::string& alias : entry.aliases) EXPECT_FALSE(alias.empty());
}

TEST(Names, GethostbyaddrResolvesAHostNameFirst) {
    std::error_code ec;
    const ps::host_entry entry = ps::gethostbyaddr("localhost", ec);
    if (ec == ps::resolve_error::host_not_found) {
        GTEST_SKIP() << "this system's hosts database has no name for localhost's address";
    }
    ASSERT_OK(ec);
    EXPECT_FALSE(entry.hostname.empty());
    ASSERT_FALSE(entry.addresses.empty());
    for (const std::string& address : entry.addresses) {
        EXPECT_TRUE(ps::endpoint::parse(address, 0, ec).is_loopback()) << address;
    }
}

TEST(Names, GethostbyaddrRefusesBadInput) {
    std::error_code ec;
    ps::gethostbyaddr("", ec);
    EXPECT_EQ(ec, ps::resolve_error::host_not_found);
    ps::gethostbyaddr(std::string(254, 'a'), ec);
    EXPECT_EQ(ec, ps::error::host_name_too_long);
    ps::gethostbyaddr(std::string_view("127.0.0.1\0x", 11), ec);
    EXPECT_EQ(ec, ps::error::embedded_nul);
    ps::gethostbyaddr("no-such-host.invalid", ec);
    EXPECT_TRUE(ec);
    EXPECT_EQ(ec.category(), ps::resolve_category()) << ec.message();
}

TEST(Names, GetfqdnFollowsPythonsAlgorithm) {
    // The first of the host name and aliases that contains a dot, else the
    // host name: what gethostbyaddr gives decides it.
    std::error_code ec;
    const ps::host_entry entry = ps::gethostbyaddr("localhost", ec);
    if (ec) GTEST_SKIP() << "gethostbyaddr('localhost') failed here: " << ec.message();
    std::string expected = entry.hostname;
    if (expected.find('.') == std::string::npos) {
        for (const std::string& alias : entry.aliases) {
            if (alias.find('.') != std::string::npos) {
                expected = alias;
                break;
            }
        }
    }
    EXPECT_EQ(ps::getfqdn("localhost", ec), expected);
    EXPECT_OK(ec);
    EXPECT_EQ(ps::getfqdn(" \tlocalhost\n", ec), expected) << "white space is stripped, as in Python";
    EXPECT_OK(ec);
}

TEST(Names, GetfqdnReturnsANameItCannotLookUpAsItIs) {
    std::error_code ec;
    EXPECT_EQ(ps::getfqdn("no-such-host.invalid", ec), "no-such-host.invalid");
    EXPECT_OK(ec);
    EXPECT_EQ(ps::getfqdn("  no-such-host.invalid ", ec), "no-such-host.invalid");
    EXPECT_OK(ec);
}

TEST(Names, GetfqdnOfNothingIsThisMachine) {
    std::error_code ec;
    const std::string own = ps::getfqdn("", ec);
    ASSERT_OK(ec);
    EXPECT_FALSE(own.empty());
    EXPECT_EQ(ps::getfqdn("0.0.0.0", ec), own);
    EXPECT_EQ(ps::getfqdn("::", ec), own);
}

TEST(Names, GetfqdnRefusesBadInput) {
    std::error_code ec;
    ps::getfqdn(std::string(254, 'a'), ec);
    EXPECT_EQ(ec, ps::error::host_name_too_long);
    ps::getfqdn(std::string_view("local\0host", 10), ec);
    EXPECT_EQ(ec, ps::error::embedded_nul);
}

// getservbyname and getservbyport ------------------------------------------------

TEST(Names, ServicesByNameAndPort) {
    PORTSOCK_REQUIRE_HTTP_SERVICE();
    std::error_code ec;
    EXPECT_EQ(ps::getservbyname("http", "", ec), 80);
    EXPECT_OK(ec);
    EXPECT_EQ(ps::getservbyport(80, "tcp", ec), "http");
    EXPECT_OK(ec);
    EXPECT_EQ(ps::getservbyport(80, "", ec), "http");
    EXPECT_OK(ec);
}

TEST(Names, ServicesOfUdp) {
    std::error_code ec;
    const std::uint16_t port = ps::getservbyname("domain", "udp", ec);
    if (ec)
        GTEST_SKIP() << "this system's services database does not know 'domain' over UDP (" << ec.message()
                     << ")";
    EXPECT_EQ(port, 53);
    EXPECT_EQ(ps::getservbyport(53, "udp", ec), "domain");
    EXPECT_OK(ec);
}

TEST(Names, UnknownServicesAreResolverErrors) {
    std::error_code ec;
    EXPECT_EQ(ps::getservbyname("no-such-service-x", "tcp", ec), 0);
    EXPECT_EQ(ec, ps::resolve_error::service_not_found);
    ps::getservbyname("", "", ec);
    EXPECT_EQ(ec, ps::resolve_error::service_not_found);
    ps::getservbyport(80, "no-such-protocol", ec);
    EXPECT_EQ(ec, ps::resolve_error::service_not_found);
}

TEST(Names, ServicesRefuseBadInput) {
    std::error_code ec;
    ps::getservbyport(65536, "", ec);
    EXPECT_EQ(ec, ps::error::port_out_of_range);
    ps::getservbyport(-1, "tcp", ec);
    EXPECT_EQ(ec, ps::error::port_out_of_range);
    ps::getservbyname(std::string_view("http\0x", 6), "tcp", ec);
    EXPECT_EQ(ec, ps::error::embedded_nul);
    ps::getservbyname("http", std::string_view("tcp\0", 4), ec);
    EXPECT_EQ(ec, ps::error::embedded_nul);
    ps::getservbyport(80, std::string_view("t\0cp", 4), ec);
    EXPECT_EQ(ec, ps::error::embedded_nul);
    ps::getservbyname(std::string(100000, 'x'), "tcp", ec);
    EXPECT_EQ(ec, ps::resolve_error::service_not_found);
}

TEST(Names, ServicesFromManyThreadsAtOnce) {
    // The services database's plain calls return static storage: portsock
    // uses the reentrant ones, or (macOS, and kqueue-on-linux) makes the call
    // and copies its result under a lock. Every thread must read its own
    // answer (and tsan must see no race).
    PORTSOCK_REQUIRE_HTTP_SERVICE();
    std::error_code ec;
    const std::uint16_t domain = ps::getservbyname("domain", "udp", ec);
    if (ec) GTEST_SKIP() << "this system's services database does not know 'domain' over UDP";
    std::atomic<int> wrong{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&, t] {
            std::error_code mine;
            for (int k = 0; k < 200; ++k) {
                const bool http = (k + t) % 2 == 0;
                if (http ? ps::getservbyname("http", "tcp", mine) != 80 ||
                               ps::getservbyport(80, "tcp", mine) != "http"
                         : ps::getservbyname("domain", "udp", mine) != domain ||
                               ps::getservbyport(domain, "udp", mine) != "domain") {
                    ++wrong;
                }
            }
        });
    }
    for (auto& thread : threads) thread.join();
    EXPECT_EQ(wrong.load(), 0);
}

// Interfaces ------------------------------------------------------------------------

TEST(Names, InterfacesRoundTripBetweenIndexAndName) {
    std::error_code ec;
    const auto interfaces = ps::if_nameindex(ec);
    ASSERT_OK(ec);
    ASSERT_FALSE(interfaces.empty()) << "no network interface at all, not even a loopback";
    std::set<std::uint32_t> indices;
    for (const auto& [index, name] : interfaces) {
        EXPECT_NE(index, 0u) << name;
        EXPECT_FALSE(name.empty()) << index;
        EXPECT_TRUE(indices.insert(index).second) << "index " << index << " listed twice";
        EXPECT_EQ(ps::if_nametoindex(name, ec), index) << name;
        EXPECT_OK(ec) << name;
        EXPECT_EQ(ps::if_indextoname(index, ec), name) << index;
        EXPECT_OK(ec) << index;
    }
}

TEST(Names, UnknownInterfacesAreRefused) {
    std::error_code ec;
    EXPECT_EQ(ps::if_nametoindex("no-such-if-x", ec), 0u);
    EXPECT_EQ(ec, std::errc::no_such_device);
    ps::if_nametoindex("", ec);
    EXPECT_EQ(ec, std::errc::no_such_device);
    ps::if_nametoindex(std::string(300, 'x'), ec);
    EXPECT_EQ(ec, std::errc::no_such_device);
    ps::if_nametoindex(std::string_view("lo\0", 3), ec);
    EXPECT_EQ(ec, ps::error::embedded_nul);

    EXPECT_EQ(ps::if_indextoname(0, ec), "");
    EXPECT_EQ(ec, std::errc::no_such_device_or_address);
    const auto interfaces = ps::if_nameindex(ec);
    ASSERT_OK(ec);
    std::uint32_t unused = 0xfffffff0u;
    while (
        std::any_of(interfaces.begin(), interfaces.end(), [&](const auto& i) { return i.index == unused; })) {
        ++unused;
    }
    ps::if_indextoname(unused, ec);
    EXPECT_EQ(ec, std::errc::no_such_device_or_address) << unused;
}

// has_ipv6, has_dualstack_ipv6 ------------------------------------------------------

TEST(Names, HasIpv6AnswersWhatTheSystemCanOpen) {
    if (testsupport::has_ipv6()) {
        EXPECT_TRUE(ps::has_ipv6());
    }
    if (ps::has_dualstack_ipv6()) {
        EXPECT_TRUE(ps::has_ipv6());
        std::error_code ec;
        ps::socket s = ps::create_server(ps::endpoint::v6({}, 0), 1, true, ec);
        EXPECT_OK(ec) << "has_dualstack_ipv6() but no dual-stack server";
    }
    if (!ps::has_ipv6()) {
        EXPECT_FALSE(ps::has_dualstack_ipv6());
    }
}

// inet_pton and inet_ntop ------------------------------------------------------------

TEST(Names, InetPtonAndNtopRoundTrip) {
    std::error_code ec;
    EXPECT_EQ(ps::inet_pton(ps::family::inet, "127.0.0.1", ec), bytes({127, 0, 0, 1}));
    EXPECT_EQ(ps::inet_pton(ps::family::inet6, "::1", ec),
              bytes({0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}));
    for (const char* text : {"0.0.0.0", "127.0.0.1", "192.0.2.33", "255.255.255.255"}) {
        const std::string packed = ps::inet_pton(ps::family::inet, text, ec);
        ASSERT_OK(ec) << text;
        EXPECT_EQ(packed.size(), 4u);
        EXPECT_EQ(ps::inet_ntop(ps::family::inet, packed, ec), text);
        EXPECT_OK(ec);
    }
    for (const char* text : {"::", "::1", "1::", "2001:db8::7", "fe80::1:2:3:4", "1:2:3:4:5:6:7:8",
                             "::ffff:192.0.2.1", "2001:db8:0:1:1:1:1:1", "ff02::1"}) {
        const std::string packed = ps::inet_pton(ps::family::inet6, text, ec);
        ASSERT_OK(ec) << text;
        EXPECT_EQ(packed.size(), 16u);
        EXPECT_EQ(ps::inet_ntop(ps::family::inet6, packed, ec), text);
        EXPECT_OK(ec);
    }
}

TEST(Names, InetNtopWritesPythonsForms) {
    // What Python's inet_ntop prints on Linux, on every system: RFC 5952,
    // with a dotted tail for IPv4-mapped and IPv4-compatible addresses.
    std::error_code ec;
    const std::string zeros(10, '\0');
    EXPECT_EQ(ps::inet_ntop(ps::family::inet6, std::string(15, '\0') + '\x02', ec), "::2");
    EXPECT_EQ(ps::inet_ntop(ps::family::inet6, std::string(12, '\0') + bytes({1, 2, 3, 4}), ec), "::1.2.3.4");
    EXPECT_EQ(ps::inet_ntop(ps::family::inet6, zeros + bytes({0xff, 0xff, 1, 2, 3, 4}), ec),
              "::ffff:1.2.3.4");
    EXPECT_EQ(ps::inet_ntop(ps::family::inet6, zeros + bytes({0, 1, 1, 2, 3, 4}), ec), "::1:102:304");
    EXPECT_EQ(
        ps::inet_ntop(ps::family::inet6, ps::inet_pton(ps::family::inet6, "2001:DB8:0:0:0:0:0:7", ec), ec),
        "2001:db8::7");
    EXPECT_OK(ec);
}

TEST(Names, InetPtonRefusesWhatInetPtonRefuses) {
    std::error_code ec;
    for (const char* text : {"", "1.2.3", "1.2.3.4.5", "01.2.3.4", "256.1.1.1", "1.2.3.4 ", " 1.2.3.4",
                             "0x1.2.3.4", "1.2.3.-4", "1..2.3", "::1", "localhost"}) {
        EXPECT_TRUE(ps::inet_pton(ps::family::inet, text, ec).empty()) << text;
        EXPECT_EQ(ec, ps::error::bad_address) << text;
    }
    for (const char* text : {"", ":", ":::", "1::2::3", "1:2:3:4:5:6:7:8:9", "12345::", "::g", "[::1]",
                             "fe80::1%1", "1:2:3:4:5:6:7", "1.2.3.4", "::1.2.3", "::1.2.3.4:5"}) {
        EXPECT_TRUE(ps::inet_pton(ps::family::inet6, text, ec).empty()) << text;
        EXPECT_EQ(ec, ps::error::bad_address) << text;
    }
    ps::inet_pton(ps::family::inet, std::string_view("1.2.3.4\0", 8), ec);
    EXPECT_EQ(ec, ps::error::embedded_nul);
    ps::inet_pton(ps::family::unspec, "1.2.3.4", ec);
    EXPECT_EQ(ec, std::errc::address_family_not_supported);
    ps::inet_pton(ps::family::local, "1.2.3.4", ec);
    EXPECT_EQ(ec, std::errc::address_family_not_supported);
}

TEST(Names, InetNtopRefusesABadLength) {
    std::error_code ec;
    for (int size : {0, 3, 5, 16}) {
        EXPECT_TRUE(
            ps::inet_ntop(ps::family::inet, std::string(static_cast<std::size_t>(size), '\1'), ec).empty())
            << size;
        EXPECT_EQ(ec, ps::error::bad_address) << size;
    }
    for (int size : {0, 4, 15, 17}) {
        EXPECT_TRUE(
            ps::inet_ntop(ps::family::inet6, std::string(static_cast<std::size_t>(size), '\1'), ec).empty())
            << size;
        EXPECT_EQ(ec, ps::error::bad_address) << size;
    }
    ps::inet_ntop(ps::family::unspec, std::string(4, '\1'), ec);
    EXPECT_EQ(ec, std::errc::address_family_not_supported);
}

// The throwing forms ------------------------------------------------------------------

#if PORTSOCK_HAS_EXCEPTIONS
namespace {
template <class Call>
std::string thrown(Call call) {
    try {
        call();
    } catch (const ps::socket_error& e) {
        return e.what();
    }
    return "(nothing thrown)";
}

bool starts_with(const std::string& text, const std::string& prefix) { return text.rfind(prefix, 0) == 0; }
}  // namespace

TEST(Names, ThrowingFormsNameTheCallAndItsInput) {
    EXPECT_PRED2(starts_with, thrown([] { ps::getservbyname("no-such-service-x", "tcp"); }),
                 "getservbyname('no-such-service-x', 'tcp'): ");
    EXPECT_PRED2(starts_with, thrown([] { ps::getservbyport(70000); }), "getservbyport(70000): ");
    EXPECT_PRED2(starts_with, thrown([] { ps::if_nametoindex("no-such-if-x"); }),
                 "if_nametoindex('no-such-if-x'): ");
    EXPECT_PRED2(starts_with, thrown([] { ps::if_indextoname(0); }), "if_indextoname(0): ");
    EXPECT_PRED2(starts_with, thrown([] { ps::inet_pton(ps::family::inet, "1.2.3"); }),
                 "inet_pton(AF_INET, '1.2.3'): ");
    EXPECT_PRED2(starts_with, thrown([] { ps::inet_ntop(ps::family::inet6, std::string(3, '\0')); }),
                 "inet_ntop(AF_INET6, b'\\x00\\x00\\x00'): ");
    EXPECT_PRED2(starts_with, thrown([] { ps::getnameinfo(ps::endpoint{}); }), "getnameinfo(None): ");
    EXPECT_PRED2(starts_with, thrown([] { ps::gethostbyaddr(std::string_view("a\0", 2)); }),
                 "gethostbyaddr('a\\x00'): ");
    EXPECT_PRED2(starts_with, thrown([] { ps::getfqdn(std::string(300, 'a')); }), "getfqdn('aaa");
}

TEST(Names, ThrowingResolverFailuresAreGaierrors) {
    EXPECT_THROW(ps::getservbyname("no-such-service-x"), ps::gaierror);
    EXPECT_THROW(ps::gethostbyaddr(""), ps::gaierror);
    EXPECT_THROW(ps::if_nametoindex("no-such-if-x"), ps::socket_error);
    EXPECT_EQ(ps::inet_ntop(ps::family::inet, ps::inet_pton(ps::family::inet, "10.0.0.1")), "10.0.0.1");
    EXPECT_FALSE(ps::if_nameindex().empty());
    EXPECT_FALSE(ps::getfqdn().empty());
}
#endif

TEST(Names, GethostbynameGivesIpv4TextAsPython) {
    std::error_code ec;
    EXPECT_EQ(ps::gethostbyname("127.0.0.1", ec), "127.0.0.1");
    EXPECT_OK(ec);
    EXPECT_EQ(ps::gethostbyname("", ec), "0.0.0.0") << "Python's '' is the any address";
    EXPECT_OK(ec);
    EXPECT_EQ(ps::gethostbyname("<broadcast>", ec), "255.255.255.255");
    EXPECT_OK(ec);
    const std::string local = ps::gethostbyname("localhost", ec);
    EXPECT_OK(ec);
    EXPECT_EQ(local.rfind("127.", 0), 0u) << local;
    EXPECT_TRUE(ps::gethostbyname("::1", ec).empty()) << "IPv4 only, as Python's";
    EXPECT_TRUE(ec);
    EXPECT_TRUE(ps::gethostbyname("name.invalid", ec).empty());
    EXPECT_EQ(ec.category(), ps::resolve_category()) << ec.message();
    (void)ps::gethostbyname(std::string_view("a\0b", 3), ec);
    EXPECT_EQ(ec, ps::error::embedded_nul);
}

TEST(Names, GethostbynameExListsEveryIpv4Address) {
    std::error_code ec;
    const ps::host_entry entry = ps::gethostbyname_ex("127.0.0.1", ec);
    EXPECT_OK(ec);
    EXPECT_EQ(entry.hostname, "127.0.0.1");
    EXPECT_TRUE(entry.aliases.empty());
    EXPECT_EQ(entry.addresses, std::vector<std::string>{"127.0.0.1"});
    const ps::host_entry local = ps::gethostbyname_ex("localhost", ec);
    EXPECT_OK(ec);
    ASSERT_FALSE(local.addresses.empty());
    for (const std::string& a : local.addresses) EXPECT_EQ(a.rfind("127.", 0), 0u) << a;
#if PORTSOCK_HAS_EXCEPTIONS
    try {
        (void)ps::gethostbyname("name.invalid");
        FAIL() << "resolved name.invalid";
    } catch (const ps::gaierror& e) {
        EXPECT_NE(std::string(e.what()).find("gethostbyname('name.invalid')"), std::string::npos) << e.what();
    }
#endif
}
