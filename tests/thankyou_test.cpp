// thankyou-server and thankyou-client as real processes: the tutorial's
// server and client talking (IPv4, IPv6, the defaults), the exact 40 bytes, a
// port in use, nobody listening, bad usage, a client that resets, and
// stopping on SIGTERM.
#include "apps.hpp"
#include "host.hpp"

#include <portsock/version.hpp>

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
    EXPECT_EQ(client.out, thank_you);  // byte for byte: no line end added
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
    EXPECT_EQ(client.out, thank_you);  // byte for byte: no line end added
    stop_or_kill(server.process);
}

TEST(Thankyou, ServerAndClientOverIpv6) {
    PORTSOCK_REQUIRE_IPV6();
    running_server server = start_thankyou_server({"--host", "::1"});
    const result client = run({thankyou_client_exe, "--host", "::1", "--port", std::to_string(server.port)});
    EXPECT_EQ(client.status, 0) << client.err;
    EXPECT_EQ(client.out, thank_you);  // byte for byte: no line end added
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
    EXPECT_EQ(client.out, thank_you);  // byte for byte: no line end added
    stop_or_kill(server.process);
}

namespace {

// A listening IPv4 socket on a free loopback port, for a test to play the server.
ps::socket test_listener(int& port) {
    std::error_code ec;
    ps::socket l = ps::create_server(testsupport::loopback4(0), 1, false, ec);
    EXPECT_OK(ec);
    l.settimeout(20.0, ec);
    port = l.getsockname(ec).port();
    return l;
}

}  // namespace

TEST(Thankyou, ClientPrintsEveryByteItReceivesNulsIncluded) {
    int port = 0;
    ps::socket listener = test_listener(port);
    child_process client = start({thankyou_client_exe, "--host", "127.0.0.1", "--port", std::to_string(port)});
    std::error_code ec;
    auto [conn, peer] = listener.accept(ec);
    ASSERT_OK(ec);
    // The bytes, then CR LF and ^Z with no line end after them.
    const std::string data("Bonjour \xc3\xa9\x00\xff after\n\r\n\x1a end", 26);
    conn.sendall(data.data(), data.size(), ec);
    ASSERT_OK(ec);
    conn.close();
    const result r = finish(client);  // byte for byte (no CRLF folding)
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.out, data);
    EXPECT_EQ(r.err, "");
}

TEST(Thankyou, ClientPrintsWhatCameThenReportsTheTimeout) {
    int port = 0;
    ps::socket listener = test_listener(port);
    const std::string target = "127.0.0.1:" + std::to_string(port);
    child_process client =
        start({thankyou_client_exe, "--host", "127.0.0.1", "--port", std::to_string(port), "--timeout", "4"});
    std::error_code ec;
    auto [conn, peer] = listener.accept(ec);
    ASSERT_OK(ec);
    // The client waits 4 s from its connect: room for this accept on a loaded machine.
    conn.sendall("hello\n\0!", 8, ec);  // and the connection stays open
    ASSERT_OK(ec);
    const result r = finish(client);
    EXPECT_EQ(r.status, 1);
    EXPECT_EQ(r.out, std::string("hello\n\0!", 8));
    expect_one_line(r.err);
    EXPECT_EQ(r.err.rfind("thankyou-client: recv from " + target + ": ", 0), 0u) << r.err;
    EXPECT_NE(r.err.find("timed out"), std::string::npos) << r.err;
}

TEST(Thankyou, UsageErrorsSayWhatIsWrong) {
    const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
        {{thankyou_server_exe, "--verbose"}, "thankyou-server: unknown option --verbose"},
        {{thankyou_client_exe, "127.0.0.1"}, "thankyou-client: unexpected argument 127.0.0.1 (did you mean --host 127.0.0.1?)"},
        {{thankyou_client_exe, "--port"}, "thankyou-client: option --port needs a value"},
        {{thankyou_server_exe, "--port", "70000"}, "thankyou-server: bad value '70000' for --port"},
        {{thankyou_client_exe, "--timeout", "0"}, "thankyou-client: bad value '0' for --timeout"},
    };
    for (const auto& [args, first_line] : cases) {
        const result r = run(args);
        EXPECT_EQ(r.status, 2) << args[1];
        EXPECT_EQ(r.err.substr(0, r.err.find('\n')), first_line);
        EXPECT_NE(r.err.find("\nusage: "), std::string::npos) << r.err;
        EXPECT_EQ(r.out, "");
    }
}

TEST(Thankyou, EveryAppAnswersHelpAndVersion) {
    for (const auto& [exe, name] : std::vector<std::pair<std::string, std::string>>{
             {thankyou_server_exe, "thankyou-server"}, {thankyou_client_exe, "thankyou-client"},
             {echo_server_exe, "echo-server"}}) {
        const result help = run({exe, "--help"});
        EXPECT_EQ(help.status, 0) << name;
        EXPECT_EQ(help.out.rfind("usage: " + name + " ", 0), 0u) << help.out;
        EXPECT_EQ(help.err, "");
        const result version = run({exe, "--version"});
        EXPECT_EQ(version.status, 0) << name;
        EXPECT_EQ(version.out, name + " (portsock) " PORTSOCK_VERSION_STRING "\n");
        EXPECT_EQ(version.err, "");
    }
}
