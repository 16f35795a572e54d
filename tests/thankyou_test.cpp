// thankyou-server and thankyou-client as real processes: the tutorial's
// server and client talking (IPv4, IPv6, the defaults), the exact 40 bytes, a
// port in use, nobody listening, bad usage, a client that resets, and
// stopping on SIGTERM.
#include "apps.hpp"
#include "host.hpp"

#include <chrono>

using namespace std::chrono_literals;
using namespace testsupport;
namespace ps = portsock;

namespace {

// The message this system gives for `ec`, in the words the apps print.
std::string text_of(std::error_code ec) { return ec.message(); }

}  // namespace

TEST(Thankyou, ServerAndClientTalk) {
    running_server server = start_thankyou_server();
    const result client = run({thankyou_client_exe, "--host", "127.0.0.1", "--port", std::to_string(server.port)});
    EXPECT_EQ(client.status, 0) << client.err;
    EXPECT_EQ(client.out, std::string(thank_you) + "\n");
    const auto line = server.process.read_line(20s);
    ASSERT_TRUE(line);
    EXPECT_EQ(line->rfind("Got a connection from ('127.0.0.1', ", 0), 0u) << *line;
    stop_or_kill(server.process);
}

TEST(Thankyou, ServerSendsExactlyTheFortyBytesAndCloses) {
    running_server server = start_thankyou_server();
    std::error_code ec;
    ps::socket s;
    s.open(ps::family::inet, ps::type::stream, 0, ec);
    s.settimeout(20.0, ec);
    s.connect(testsupport::loopback4(static_cast<std::uint16_t>(server.port)), ec);
    ASSERT_OK(ec);
    std::string got;
    char buffer[256];
    for (std::size_t n; (n = s.recv_into(buffer, sizeof buffer, ec)) > 0 && !ec;) got.append(buffer, n);
    EXPECT_OK(ec);
    EXPECT_EQ(got.size(), 40u);
    EXPECT_EQ(got, thank_you);
    stop_or_kill(server.process);
}

TEST(Thankyou, DefaultsServeEveryInterfaceAndTheClientFindsLocalhost) {
    running_server server = start_thankyou_server({});  // host "" as in the tutorial
    const result client = run({thankyou_client_exe, "--port", std::to_string(server.port)});
    EXPECT_EQ(client.status, 0) << client.err;
    EXPECT_EQ(client.out, std::string(thank_you) + "\n");
    stop_or_kill(server.process);
}

TEST(Thankyou, ServerAndClientOverIpv6) {
    PORTSOCK_REQUIRE_IPV6();
    running_server server = start_thankyou_server({"--host", "::1"});
    const result client = run({thankyou_client_exe, "--host", "::1", "--port", std::to_string(server.port)});
    EXPECT_EQ(client.status, 0) << client.err;
    EXPECT_EQ(client.out, std::string(thank_you) + "\n");
    const auto line = server.process.read_line(20s);
    ASSERT_TRUE(line);
    EXPECT_EQ(line->rfind("Got a connection from ('::1', ", 0), 0u) << *line;
    stop_or_kill(server.process);
}

TEST(Thankyou, SecondServerOnAPortInUseFailsWithOneLine) {
    running_server first = start_thankyou_server();
    // What this system says to a second bind made the way the server makes it.
    std::error_code in_use;
    ps::socket probe;
    probe.open(ps::family::inet, ps::type::stream, 0, in_use);
    probe.setsockopt(ps::opt::reuse_address, true, in_use);
    probe.bind(testsupport::loopback4(static_cast<std::uint16_t>(first.port)), in_use);
    ASSERT_TRUE(in_use);
    EXPECT_EQ(in_use, std::errc::address_in_use) << in_use.message();

    const result second = run({thankyou_server_exe, "--host", "127.0.0.1", "--port", std::to_string(first.port)});
    EXPECT_EQ(second.status, 1);
    expect_one_line(second.err);
    EXPECT_EQ(second.err, "thankyou-server: bind to 127.0.0.1:" + std::to_string(first.port) + ": " +
                              text_of(in_use) + "\n");
    stop_or_kill(first.process);
}

TEST(Thankyou, ClientWithNobodyListeningFailsWithOneLine) {
    if (!testsupport::socket_error_reads_right()) GTEST_SKIP() << testsupport::socket_error_misread;
    std::error_code ec;
    ps::socket holder = testsupport::refusing_port();
    const std::string port = std::to_string(holder.getsockname(ec).port());
    std::error_code refused;
    ps::socket probe;
    probe.open(ps::family::inet, ps::type::stream, 0, refused);
    probe.connect(holder.getsockname(ec), refused);
    EXPECT_EQ(refused, std::errc::connection_refused) << refused.message();

    const result client = run({thankyou_client_exe, "--host", "127.0.0.1", "--port", port});
    EXPECT_EQ(client.status, 1);
    expect_one_line(client.err);
    EXPECT_EQ(client.err, "thankyou-client: connect to 127.0.0.1:" + port + ": " + text_of(refused) + "\n");
    EXPECT_EQ(client.out, "");
}

TEST(Thankyou, BadUsageExitsWithStatusTwo) {
    for (const auto& args : std::vector<std::vector<std::string>>{
             {thankyou_server_exe, "--port", "70000"}, {thankyou_server_exe, "--bogus", "1"}, {thankyou_client_exe, "--port", "x"},
             {thankyou_client_exe, "--host"}}) {
        const result r = run(args);
        EXPECT_EQ(r.status, 2) << args[1];
        EXPECT_NE(r.err.find("usage: "), std::string::npos) << r.err;
    }
    const result help = run({thankyou_server_exe, "--help"});
    EXPECT_EQ(help.status, 0);
    EXPECT_EQ(help.out, "usage: thankyou-server [--host H] [--port P] [--backlog N]\n");
}

TEST(Thankyou, ServerStopsCleanlyOnTerminate) {
    running_server server = start_thankyou_server();
    if (!server.process.terminate()) {
        GTEST_SKIP() << "a stop request (Ctrl-Break) cannot be delivered here"
                     << (testsupport::running_under_wine() ? ": wine cannot aim a Ctrl-Break at one process group" : "");
    }
    EXPECT_EQ(server.process.wait(20s), 0);
    EXPECT_EQ(server.process.err(), "");
}

TEST(Thankyou, ServerKeepsServingAfterAClientThatResets) {
    running_server server = start_thankyou_server();
    {
        std::error_code ec;
        ps::socket rude;
        rude.open(ps::family::inet, ps::type::stream, 0, ec);
        rude.connect(testsupport::loopback4(static_cast<std::uint16_t>(server.port)), ec);
        rude.setsockopt(ps::opt::linger, std::chrono::seconds(0), ec);
        ASSERT_OK(ec);
    }  // closed with a reset, perhaps before the server wrote
    const result client = run({thankyou_client_exe, "--host", "127.0.0.1", "--port", std::to_string(server.port)});
    EXPECT_EQ(client.status, 0) << client.err;
    EXPECT_EQ(client.out, std::string(thank_you) + "\n");
    stop_or_kill(server.process);
}
