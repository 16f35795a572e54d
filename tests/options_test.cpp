// The TCP and interface options beyond the basic ones: keepalive with its
// timing, TCP_USER_TIMEOUT, SO_REUSEPORT (and create_server's reuse_port),
// binding to an interface, and create_connection's source address. Each is
// a set/get round trip where the system has it and error::not_supported
// where it does not (testsupport::system_options says which); keepalive and
// the user timeout also notice a dead peer, in a private network whose
// loopback is taken down (Linux, as root).
#include "host.hpp"
#include "net.hpp"

#include <chrono>
#include <string>

using testsupport::loopback4;
using testsupport::loopback6;
namespace ps = portsock;
using namespace std::chrono_literals;

namespace {

ps::socket tcp_socket(ps::family f = ps::family::inet) {
    std::error_code ec;
    ps::socket s;
    s.open(f, ps::type::stream, 0, ec);
    EXPECT_OK(ec);
    return s;
}

bool same(const ps::keepalive_settings& a, const ps::keepalive_settings& b) {
    return a.enabled == b.enabled && a.idle == b.idle && a.interval == b.interval && a.count == b.count;
}

std::string show(const ps::keepalive_settings& k) {
    return std::string(k.enabled ? "on" : "off") + " idle " + std::to_string(k.idle.count()) + "s interval " +
           std::to_string(k.interval.count()) + "s count " + std::to_string(k.count);
}

}  // namespace

// Keepalive -------------------------------------------------------------------

TEST(Keepalive, SettingsReadBackAsSet) {
    const testsupport::option_support have = testsupport::system_options();
    ps::socket s = tcp_socket();
    std::error_code ec;
    const ps::keepalive_settings wanted{true, 10s, 3s, 4};
    s.setsockopt(ps::opt::tcp_keepalive, wanted, ec);
    if (!have.keepalive_all) {
        // The count cannot be set here: refused before anything changed.
        EXPECT_EQ(ec, ps::error::not_supported);
        EXPECT_FALSE(s.getsockopt(ps::opt::keep_alive, ec));
        s.getsockopt(ps::opt::tcp_keepalive, ec);
        EXPECT_EQ(ec, ps::error::not_supported);
        GTEST_SKIP() << "this system sets keepalive times but cannot set the count or read them back "
                        "(wine 8: no TCP_KEEPCNT/TCP_KEEPIDLE/TCP_KEEPINTVL)";
    }
    ASSERT_OK(ec);
    const ps::keepalive_settings got = s.getsockopt(ps::opt::tcp_keepalive, ec);
    ASSERT_OK(ec);
    EXPECT_TRUE(same(got, wanted)) << show(got);
    EXPECT_TRUE(s.getsockopt(ps::opt::keep_alive, ec)) << "the switch alone reads it as on";

    s.setsockopt(ps::opt::tcp_keepalive, ps::keepalive_settings{false, 10s, 3s, 4}, ec);
    ASSERT_OK(ec);
    EXPECT_FALSE(s.getsockopt(ps::opt::tcp_keepalive, ec).enabled);
    EXPECT_FALSE(s.getsockopt(ps::opt::keep_alive, ec));
    EXPECT_EQ(s.getsockopt(ps::opt::tcp_keepalive, ec).idle, 10s) << "switching off keeps the times";
}

TEST(Keepalive, ACountOfZeroKeepsTheSystemsCount) {
    const testsupport::option_support have = testsupport::system_options();
    if (!have.keepalive_times) GTEST_SKIP() << "this system has no per-socket keepalive times";
    ps::socket s = tcp_socket();
    std::error_code ec;
    s.setsockopt(ps::opt::tcp_keepalive, {true, 20s, 5s, 0}, ec);  // as the README writes it
    ASSERT_OK(ec) << "idle and interval are set on every system that has them";
    EXPECT_TRUE(s.getsockopt(ps::opt::keep_alive, ec));
    if (!have.keepalive_all) GTEST_SKIP() << "this system cannot read keepalive times back (wine 8)";
    const ps::keepalive_settings before = s.getsockopt(ps::opt::tcp_keepalive, ec);
    s.setsockopt(ps::opt::tcp_keepalive, ps::keepalive_settings{true, 30s, 6s, 0}, ec);
    ASSERT_OK(ec);
    const ps::keepalive_settings after = s.getsockopt(ps::opt::tcp_keepalive, ec);
    ASSERT_OK(ec);
    EXPECT_EQ(after.idle, 30s);
    EXPECT_EQ(after.interval, 6s);
    EXPECT_EQ(after.count, before.count);
    EXPECT_GT(after.count, 0);
}

TEST(Keepalive, TimesUnderASecondAreRefusedOnEverySystem) {
    ps::socket s = tcp_socket();
    std::error_code ec;
    for (const ps::keepalive_settings& bad :
         {ps::keepalive_settings{true, 0s, 1s, 1}, ps::keepalive_settings{true, 1s, 0s, 1},
          ps::keepalive_settings{true, -5s, 1s, 1}, ps::keepalive_settings{true, 1s, 1s, -1}}) {
        s.setsockopt(ps::opt::tcp_keepalive, bad, ec);
        EXPECT_EQ(ec, std::errc::invalid_argument) << show(bad);
    }
    EXPECT_FALSE(s.getsockopt(ps::opt::keep_alive, ec)) << "nothing changed";
    ps::socket closed;
    closed.setsockopt(ps::opt::tcp_keepalive, ps::keepalive_settings{}, ec);
    EXPECT_EQ(ec, ps::error::not_open);
}

// A dead peer: the connection is up, then the loopback goes down, so that
// probes and data go out and nothing comes back.
namespace {
void expect_dead_peer_noticed(bool keepalive) {
    testsupport::private_network net;
    if (!net.unavailable().empty()) GTEST_SKIP() << net.unavailable();
    auto [client, server] = testsupport::tcp_pair();
    std::error_code ec;
    if (keepalive) {
        client.setsockopt(ps::opt::tcp_keepalive, ps::keepalive_settings{true, 1s, 1s, 2}, ec);
    } else {
        client.setsockopt(ps::opt::user_timeout, 1000ms, ec);
    }
    ASSERT_OK(ec);
    // A deadline far past what the options allow, so that their failure is
    // told apart from the deadline's by the time taken.
    client.settimeout(60.0, ec);
    ASSERT_OK(ec);
    ASSERT_TRUE(net.silence_loopback()) << net.unavailable();
    const auto start = std::chrono::steady_clock::now();
    if (!keepalive) client.sendall("x", 1, ec);  // data that is never acknowledged
    ASSERT_OK(ec);
    char byte = 0;
    client.recv_into(&byte, 1, ec);
    const auto took = std::chrono::steady_clock::now() - start;
    EXPECT_EQ(ec, std::errc::timed_out) << ec.message();
    EXPECT_LT(took, 30s) << "the dead peer was noticed by the option, not the 60 s deadline";
}
}  // namespace

TEST(Keepalive, ADeadPeerIsNoticedInSeconds) {
    if (!testsupport::system_options().keepalive_all) GTEST_SKIP() << "this system cannot set the probe count";
    expect_dead_peer_noticed(true);
}

// TCP_USER_TIMEOUT -----------------------------------------------------------

TEST(UserTimeout, ReadsBackAsSetOrIsNotSupported) {
    ps::socket s = tcp_socket();
    std::error_code ec;
    s.setsockopt(ps::opt::user_timeout, 1500ms, ec);
    if (!testsupport::system_options().user_timeout) {
        EXPECT_EQ(ec, ps::error::not_supported);
        s.getsockopt(ps::opt::user_timeout, ec);
        EXPECT_EQ(ec, ps::error::not_supported);
        return;
    }
    ASSERT_OK(ec);
    EXPECT_EQ(s.getsockopt(ps::opt::user_timeout, ec), 1500ms);
    EXPECT_OK(ec);
    s.setsockopt(ps::opt::user_timeout, 0ms, ec);
    EXPECT_OK(ec);
    EXPECT_EQ(s.getsockopt(ps::opt::user_timeout, ec), 0ms);
    s.setsockopt(ps::opt::user_timeout, -1ms, ec);
    EXPECT_EQ(ec, std::errc::invalid_argument);
}

TEST(UserTimeout, ADeadPeerIsNoticedInSeconds) {
    if (!testsupport::system_options().user_timeout) GTEST_SKIP() << "this system has no TCP_USER_TIMEOUT";
    expect_dead_peer_noticed(false);
}

// SO_REUSEPORT ---------------------------------------------------------------

TEST(ReusePort, ReadsBackAsSetOrIsNotSupported) {
    ps::socket s = tcp_socket();
    std::error_code ec;
    s.setsockopt(ps::opt::reuse_port, true, ec);
    if (!testsupport::system_options().reuse_port) {
        EXPECT_EQ(ec, ps::error::not_supported);
        s.getsockopt(ps::opt::reuse_port, ec);
        EXPECT_EQ(ec, ps::error::not_supported);
        return;
    }
    ASSERT_OK(ec);
    EXPECT_TRUE(s.getsockopt(ps::opt::reuse_port, ec));
    s.setsockopt(ps::opt::reuse_port, false, ec);
    EXPECT_FALSE(s.getsockopt(ps::opt::reuse_port, ec));
    EXPECT_OK(ec);
}

TEST(ReusePort, TwoSocketsShareAPortOnlyWhenBothAskForIt) {
    if (!testsupport::system_options().reuse_port) GTEST_SKIP() << "this system has no SO_REUSEPORT (Windows)";
    std::error_code ec;
    ps::socket first = tcp_socket(), second = tcp_socket(), without = tcp_socket();
    first.setsockopt(ps::opt::reuse_port, true, ec);
    first.bind(loopback4(), ec);
    ASSERT_OK(ec);
    const ps::endpoint address = first.getsockname(ec);
    without.bind(address, ec);
    EXPECT_EQ(ec, std::errc::address_in_use) << "a socket without reuse_port cannot share the port";
    second.setsockopt(ps::opt::reuse_port, true, ec);
    second.bind(address, ec);
    EXPECT_OK(ec);
    first.listen(4, ec);
    EXPECT_OK(ec);
    second.listen(4, ec);
    EXPECT_OK(ec);
}

TEST(ReusePort, CreateServerTakesItAsPythonDoes) {
    std::error_code ec;
    ps::socket a = ps::create_server(loopback4(), ps::server_options{8, true, false}, ec);
    if (!testsupport::system_options().reuse_port) {
        EXPECT_EQ(ec, ps::error::not_supported) << "Python: ValueError, SO_REUSEPORT not supported";
        EXPECT_FALSE(a.is_open());
        return;
    }
    ASSERT_OK(ec);
    EXPECT_TRUE(a.getsockopt(ps::opt::reuse_port, ec));
    const ps::endpoint address = a.getsockname(ec);
    ps::socket b = ps::create_server(address, ps::server_options{8, true, false}, ec);
    ASSERT_OK(ec) << "a second server on the same port";
    ps::create_server(address, ps::server_options{}, ec);
    EXPECT_EQ(ec, std::errc::address_in_use) << "a server without reuse_port";
    // Either server may be given a connection: each accepts what it was given.
    ps::socket client = tcp_socket();
    client.connect(address, ec);
    ASSERT_OK(ec);
    EXPECT_EQ(client.getpeername(ec), address);
#if PORTSOCK_HAS_EXCEPTIONS
    EXPECT_THROW(ps::create_server(address, ps::server_options{}), ps::socket_error);
    EXPECT_NO_THROW(ps::create_server(address, ps::server_options{8, true, false}));
#endif
}

// bind_to_device --------------------------------------------------------------

namespace {
void expect_device_round_trip(ps::family f) {
    const std::string lo = testsupport::loopback_interface_name();
    if (lo.empty()) GTEST_SKIP() << "no loopback interface name found";
    ps::socket s = tcp_socket(f);
    std::error_code ec;
    s.bind_to_device(lo, ec);
    if (ec == std::errc::operation_not_permitted) {
        GTEST_SKIP() << "binding to a device needs CAP_NET_RAW before Linux 5.7: " << ec.message();
    }
    ASSERT_OK(ec);
    ps::socket other = tcp_socket(f);
    other.bind_to_device(lo, ec);
    other.bind_to_device("", ec);
    EXPECT_OK(ec) << "unbinding";
    if (testsupport::device_binding_reads_back()) {
        EXPECT_EQ(s.bound_device(ec), lo);
        EXPECT_OK(ec);
        EXPECT_EQ(other.bound_device(ec), "");
        EXPECT_OK(ec);
    }
    // Bound to the loopback, it still reaches a server on the loopback.
    ps::socket server = testsupport::listener(f);
    s.connect(server.getsockname(ec), ec);
    EXPECT_OK(ec);
    if (!testsupport::device_binding_reads_back()) GTEST_SKIP() << testsupport::device_binding_unreadable;
}
}  // namespace

TEST(BindToDevice, IPv4ReadsBackAsSetOrIsNotSupported) {
    if (!testsupport::system_options().bind_to_device) {
        ps::socket s = tcp_socket();
        std::error_code ec;
        s.bind_to_device(testsupport::loopback_interface_name(), ec);
        EXPECT_EQ(ec, ps::error::not_supported);
        return;
    }
    expect_device_round_trip(ps::family::inet);
}

TEST(BindToDevice, IPv6ReadsBackAsSet) {
    PORTSOCK_REQUIRE_IPV6();
    if (!testsupport::system_options().bind_to_device6) {
        GTEST_SKIP() << "this system cannot bind an IPv6 socket to an interface (wine 8 refuses IPV6_UNICAST_IF)";
    }
    expect_device_round_trip(ps::family::inet6);
}

TEST(BindToDevice, BadNamesAndSocketsAreRefused) {
    if (!testsupport::system_options().bind_to_device) GTEST_SKIP() << "this system cannot bind to an interface";
    std::error_code ec;
    ps::socket s = tcp_socket();
    s.bind_to_device("no-such-if0", ec);
    EXPECT_EQ(ec, std::errc::no_such_device) << ec.message();
    s.bind_to_device(std::string(300, 'x'), ec);
    EXPECT_EQ(ec, std::errc::no_such_device) << "too long a name is no device, not a shortened one";
    s.bind_to_device(std::string("lo\0x", 4), ec);
    EXPECT_EQ(ec, ps::error::embedded_nul);
    ps::socket closed;
    closed.bind_to_device("", ec);
    EXPECT_EQ(ec, ps::error::not_open);
#if PORTSOCK_HAS_EXCEPTIONS
    try {
        s.bind_to_device("no-such-if0");
        ADD_FAILURE() << "no exception";
    } catch (const ps::socket_error& e) {
        EXPECT_NE(std::string(e.what()).find("bind_to_device no-such-if0"), std::string::npos) << e.what();
    }
#endif
    if (!testsupport::has_local()) return;
    ps::socket local;
    local.open(ps::family::local, ps::type::stream, 0, ec);
    local.bind_to_device("", ec);
    EXPECT_EQ(ec, ps::error::family_mismatch);
}

// create_connection's source address -----------------------------------------

TEST(SourceAddress, TheServerSeesTheRequestedSource) {
    std::error_code ec;
    ps::socket server = testsupport::listener();
    const std::uint16_t port = server.getsockname(ec).port();
    // A free port for the source, as the system hands one out.
    ps::endpoint source;
    {
        ps::socket probe = tcp_socket();
        probe.bind(loopback4(), ec);
        source = probe.getsockname(ec);
        ASSERT_OK(ec);
    }
    ps::socket client = ps::create_connection("127.0.0.1", port, 5.0, source, ec);
    ASSERT_OK(ec);
    EXPECT_EQ(client.getsockname(ec), source);
    auto accepted = server.accept(ec);
    ASSERT_OK(ec);
    EXPECT_EQ(accepted.address, source);
}

TEST(SourceAddress, AnAttemptOfAnotherFamilyFailsAndIsListed) {
    PORTSOCK_REQUIRE_IPV6();
    std::error_code ec;
    ps::socket server = testsupport::listener();
    const std::uint16_t port = server.getsockname(ec).port();
    std::vector<ps::connect_attempt> attempts;
    ps::socket client = ps::create_connection("127.0.0.1", port, std::nullopt, loopback6(), ec, &attempts);
    EXPECT_EQ(ec, ps::error::family_mismatch);
    EXPECT_FALSE(client.is_open());
    ASSERT_EQ(attempts.size(), 1u);
    EXPECT_EQ(attempts[0].address, loopback4(port));
    ps::create_connection("127.0.0.1", port, std::nullopt, ps::endpoint{}, ec);
    EXPECT_EQ(ec, ps::error::empty_endpoint);
}

#if PORTSOCK_HAS_EXCEPTIONS
TEST(SourceAddress, TheThrowingFormNamesTheSource) {
    std::error_code ec;
    ps::socket server = testsupport::listener();
    const std::uint16_t port = server.getsockname(ec).port();
    // 192.0.2.1 (TEST-NET-1, RFC 5737) is no address of this host: the bind fails.
    const ps::endpoint source = ps::endpoint::v4({192, 0, 2, 1}, 0);
    try {
        ps::create_connection("127.0.0.1", port, std::nullopt, source);
        ADD_FAILURE() << "no exception";
    } catch (const ps::socket_error& e) {
        const std::string p = std::to_string(port);
        EXPECT_EQ(e.code(), std::errc::address_not_available) << e.what();
        EXPECT_EQ(std::string(e.what()).rfind("connect to 127.0.0.1:" + p + " from 192.0.2.1:0 (tried 127.0.0.1:" + p, 0),
                  0u)
            << e.what();
    }
    ps::socket ok = ps::create_connection("127.0.0.1", port, std::nullopt, loopback4());
    EXPECT_EQ(ok.getpeername(), loopback4(port));
}
#endif
