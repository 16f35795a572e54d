// echo-server as a real process: a thousand concurrent connections with UDP
// on the same port, the half-close passed on, a slow reader, running out of
// descriptors, a UDP-only server, stopping on SIGTERM, the dual-stack rule,
// Unix-domain sockets and usage errors.
#include "apps.hpp"
#include "host.hpp"

#include <chrono>
#include <filesystem>
#include <fstream>
#include <regex>

using namespace std::chrono_literals;
using namespace testsupport;
namespace ps = portsock;

TEST(Echo, AThousandConcurrentConnectionsAndUdpOnTheSamePort) {
    running_server server = start_echo_server();
    const result load = run({echo_load_exe, "127.0.0.1", std::to_string(server.port), "1000", "2000", "100"});
    EXPECT_EQ(load.status, 0) << load.err;
    EXPECT_EQ(load.out.rfind("echo_load: 1000 connections open at once, 2000 bytes each echoed correctly", 0), 0u)
        << load.out;
    stop_or_kill(server.process);
}

TEST(Echo, HalfCloseIsPassedOnAfterTheEcho) {
    running_server server = start_echo_server({"--tcp"});
    std::error_code ec;
    ps::socket s;
    s.open(ps::family::inet, ps::type::stream, 0, ec);
    s.settimeout(20.0, ec);
    s.connect(testsupport::loopback4(static_cast<std::uint16_t>(server.port)), ec);
    const std::string data(100000, 'h');
    s.sendall(data.data(), data.size(), ec);
    s.shutdown(ps::shut::wr, ec);
    ASSERT_OK(ec);
    std::string got;
    char buffer[8192];
    for (std::size_t n; (n = s.recv_into(buffer, sizeof buffer, ec)) > 0 && !ec;) got.append(buffer, n);
    EXPECT_OK(ec);
    EXPECT_EQ(got, data);  // everything, then end of stream
    stop_or_kill(server.process);
}

TEST(Echo, ASlowReaderIsNotBufferedWithoutBoundAndOthersAreServed) {
    running_server server = start_echo_server({"--tcp"});
    const auto address = testsupport::loopback4(static_cast<std::uint16_t>(server.port));
    std::error_code ec;
    ps::socket slow;
    slow.open(ps::family::inet, ps::type::stream, 0, ec);
    slow.connect(address, ec);
    slow.settimeout(1.0, ec);
    // It never reads: the server must stop reading from it once its buffer
    // and the socket buffers are full, so this cannot all go out.
    const std::vector<char> flood(256u << 20, 'f');
    const std::size_t sent = slow.sendall(flood.data(), flood.size(), ec);
    EXPECT_EQ(ec, std::errc::timed_out) << ec.message();
    EXPECT_LT(sent, flood.size() / 4) << "the server read far more than it could echo";
    // Meanwhile another client is echoed at once.
    ps::socket other;
    other.open(ps::family::inet, ps::type::stream, 0, ec);
    other.settimeout(20.0, ec);
    other.connect(address, ec);
    other.sendall("still here", 10, ec);
    char buffer[10];
    EXPECT_EQ(other.recv_into(buffer, sizeof buffer, ec, ps::msg::waitall), 10u);
    EXPECT_OK(ec);
    stop_or_kill(server.process);
}

TEST(Echo, OutOfDescriptorsItPausesInsteadOfSpinningAndRecovers) {
    if (python_exe.empty()) GTEST_SKIP() << "needs python3 to start echo-server with a 64-descriptor limit";
    // python3 lowers the limit (soft and hard, so echo-server cannot raise
    // it again) and becomes echo-server: through the emulator in a cross
    // build (qemu-user, which keeps its own few descriptors from the 64).
    const std::string limit_then_exec =
        "import os, resource, sys\n"
        "resource.setrlimit(resource.RLIMIT_NOFILE, (64, 64))\n"
        "os.execvp(sys.argv[1], sys.argv[1:])\n";
    std::vector<std::string> argv = {python_exe, "-c", limit_then_exec};
    const std::vector<std::string> emulator = child_process::emulator();
    argv.insert(argv.end(), emulator.begin(), emulator.end());
    argv.insert(argv.end(), {echo_server_exe, "--tcp", "--host", "127.0.0.1", "--port", "0"});
    child_process server = start(argv);
    const auto line = server.read_line(20s);
    ASSERT_TRUE(line) << server.err();
    const auto address = testsupport::loopback4(static_cast<std::uint16_t>(std::stoi(line->substr(line->rfind(':') + 1))));

    // More connections than the server can hold: the rest wait in the backlog.
    std::error_code ec;
    std::vector<ps::socket> clients(100);
    for (ps::socket& c : clients) {
        c.open(ps::family::inet, ps::type::stream, 0, ec);
        c.connect(address, ec);
        ASSERT_OK(ec);
    }
    // An echo through the last one cannot come while the server is full...
    ps::socket& last = clients.back();
    last.sendall("queued", 6, ec);
    last.settimeout(0.5, ec);
    char buffer[6];
    last.recv_into(buffer, sizeof buffer, ec, ps::msg::waitall);
    EXPECT_EQ(ec, std::errc::timed_out) << "the server held more than 64 descriptors?";
    // ...and comes once connections close and accepting resumes.
    for (std::size_t k = 0; k < 60; ++k) clients[k].close();
    last.settimeout(20.0, ec);
    EXPECT_EQ(last.recv_into(buffer, sizeof buffer, ec, ps::msg::waitall), 6u);
    EXPECT_OK(ec);

    if (!server.terminate()) {
        GTEST_SKIP() << "what echo-server says about the shortage is checked once it is stopped, and a stop "
                        "request cannot be delivered here";
    }
    EXPECT_EQ(server.wait(20s), 0);
    // The shortage is said once, and its end (the backlog drained, or the
    // stop, whichever comes first) with the number of pauses: at most one per
    // close (60) and per second waited, where a spinning accept loop would
    // make thousands.
    const std::string& err = server.err();
    EXPECT_NE(err.find("accepting paused"), std::string::npos) << err;
    EXPECT_EQ(err.find("accepting paused"), err.rfind("accepting paused")) << "said more than once: " << err;
    std::smatch counted;
    ASSERT_TRUE(std::regex_search(err, counted, std::regex(" after ([0-9]+) pauses"))) << err;
    const int pauses = std::stoi(counted[1].str());
    EXPECT_GE(pauses, 1) << err;
    EXPECT_LE(pauses, 80) << err;
    EXPECT_NE(server.err().find("open-file limit"), std::string::npos) << "it should say the limit is low";
}

TEST(Echo, UdpOnlyServer) {
    running_server server = start_echo_server({"--udp"});
    const result load = run({echo_load_exe, "127.0.0.1", std::to_string(server.port), "0", "0", "50"});
    EXPECT_EQ(load.status, 0) << load.err;
    stop_or_kill(server.process);
}

TEST(Echo, StopsCleanlyOnTerminate) {
    running_server server = start_echo_server();
    if (!server.process.terminate()) {
        GTEST_SKIP() << "a stop request (Ctrl-Break) cannot be delivered here"
                     << (testsupport::running_under_wine() ? ": wine cannot aim a Ctrl-Break at one process group" : "");
    }
    EXPECT_EQ(server.process.wait(20s), 0);
}

namespace {

// Sends `data` over a connected stream socket, half-closes, and returns all it gets back.
std::string echo_through(ps::socket& s, const std::string& data) {
    std::error_code ec;
    s.settimeout(20.0, ec);
    s.sendall(data.data(), data.size(), ec);
    s.shutdown(ps::shut::wr, ec);
    EXPECT_OK(ec);
    std::string got;
    char buffer[4096];
    for (std::size_t n; (n = s.recv_into(buffer, sizeof buffer, ec)) > 0 && !ec;) got.append(buffer, n);
    EXPECT_OK(ec);
    return got;
}

// Sends one datagram from `s` to `to` and returns the reply (empty on an error or none in 20 s).
std::string datagram_echo(ps::socket& s, const ps::endpoint& to, const std::string& data, std::error_code& ec) {
    s.settimeout(20.0, ec);
    if (!ec) s.sendto(data.data(), data.size(), to, ec);
    char buffer[256];
    std::size_t n = 0;
    if (!ec) n = s.recv_into(buffer, sizeof buffer, ec);
    return ec ? std::string() : std::string(buffer, n);
}

#define REQUIRE_LOCAL(type)                                                                            \
    {                                                                                                  \
        std::error_code unix_ec;                                                                       \
        ps::socket probe;                                                                              \
        probe.open(ps::family::local, type, 0, unix_ec);                                               \
        if (unix_ec) {                                                                                 \
            GTEST_SKIP() << "no Unix-domain sockets of this type here"                                 \
                         << (testsupport::running_under_wine() ? ": wine has no AF_UNIX" : "") << " (" \
                         << unix_ec.message() << ")";                                                  \
        }                                                                                              \
    }

// echo-server --unix PATH with `extra`, read up to its startup line.
child_process start_unix_echo(const std::string& path, const std::vector<std::string>& extra = {}) {
    std::vector<std::string> argv = {echo_server_exe, "--unix", path};
    argv.insert(argv.end(), extra.begin(), extra.end());
    child_process p = start(argv);
    const bool dgram = !extra.empty();
    EXPECT_EQ(p.read_line(20s), "echo-server: serving Unix-domain " + std::string(dgram ? "datagrams" : "streams") +
                                    " on " + path)
        << p.err();
    return p;
}

// Stops a server; once it stopped cleanly its socket file must be gone.
void stop_and_expect_file_removed(child_process& server, const std::string& path) {
    if (!server.terminate()) {
        EXPECT_TRUE(server.kill()) << server.err();
        return;  // killed: the file stays, as any killed server's would
    }
    EXPECT_EQ(server.wait(20s), 0) << server.err();
    EXPECT_FALSE(std::filesystem::exists(path)) << "echo-server left its socket file " << path;
}

}  // namespace

TEST(Echo, AnIpv6HostServesIpv4TooOverTcpAndUdpAndSaysSo) {
    PORTSOCK_REQUIRE_IPV6();
    if (!ps::has_dualstack_ipv6()) GTEST_SKIP() << "this system has no dual-stack IPv6 sockets";
    child_process server = start({echo_server_exe, "--host", "::", "--port", "0"});
    const auto line = server.read_line(20s);
    ASSERT_TRUE(line) << server.err();
    const std::string prefix = "echo-server: serving TCP and UDP on [::]:";
    ASSERT_EQ(line->rfind(prefix, 0), 0u) << *line;
    const int port = std::stoi(line->substr(prefix.size()));
    EXPECT_EQ(*line, prefix + std::to_string(port) + " (IPv4 too)");
    for (const ps::endpoint& to : {testsupport::loopback4(static_cast<std::uint16_t>(port)),
                                   testsupport::loopback6(static_cast<std::uint16_t>(port))}) {
        std::error_code ec;
        ps::socket t;
        t.open(to.family(), ps::type::stream, 0, ec);
        t.settimeout(20.0, ec);
        t.connect(to, ec);
        ASSERT_OK(ec) << " TCP to " << to.to_string();
        const std::string bytes("tcp\0bytes", 9);
        EXPECT_EQ(echo_through(t, bytes), bytes) << to.to_string();
        ps::socket u;
        u.open(to.family(), ps::type::dgram, 0, ec);
        EXPECT_EQ(datagram_echo(u, to, "a datagram", ec), "a datagram") << to.to_string();
        EXPECT_OK(ec) << " UDP to " << to.to_string();
    }
    stop_or_kill(server);
}

TEST(Echo, V6OnlyServesIpv6AloneOverTcpAndUdpAndSaysSo) {
    PORTSOCK_REQUIRE_IPV6();
    child_process server = start({echo_server_exe, "--host", "::", "--port", "0", "--v6-only"});
    const auto line = server.read_line(20s);
    ASSERT_TRUE(line) << server.err();
    const std::string prefix = "echo-server: serving TCP and UDP on [::]:";
    ASSERT_EQ(line->rfind(prefix, 0), 0u) << *line;
    const int port = std::stoi(line->substr(prefix.size()));
    EXPECT_EQ(*line, prefix + std::to_string(port) + " (IPv6 only)");
    const auto v4 = testsupport::loopback4(static_cast<std::uint16_t>(port));
    const auto v6 = testsupport::loopback6(static_cast<std::uint16_t>(port));
    std::error_code ec;
    ps::socket t6, t4;
    t6.open(ps::family::inet6, ps::type::stream, 0, ec);
    t6.settimeout(20.0, ec);
    t6.connect(v6, ec);
    ASSERT_OK(ec);
    EXPECT_EQ(echo_through(t6, "six"), "six");
    t4.open(ps::family::inet, ps::type::stream, 0, ec);
    t4.settimeout(20.0, ec);
    t4.connect(v4, ec);
    EXPECT_TRUE(ec) << "an IPv4 client reached a --v6-only server over TCP";
    ps::socket u6, u4;
    u6.open(ps::family::inet6, ps::type::dgram, 0, ec);
    EXPECT_EQ(datagram_echo(u6, v6, "six", ec), "six");
    // An IPv4 datagram finds nobody: refused (ICMP), or no answer in time.
    u4.open(ps::family::inet, ps::type::dgram, 0, ec);
    u4.connect(v4, ec);
    u4.settimeout(2.0, ec);
    u4.send("four", 4, ec);
    char buffer[16];
    u4.recv_into(buffer, sizeof buffer, ec);
    EXPECT_TRUE(ec) << "an IPv4 datagram was echoed by a --v6-only server";
    stop_or_kill(server);
}

TEST(Echo, UsageErrorsSayWhatIsWrong) {
    const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
        {{echo_server_exe, "--tcp", "--udp"}, "echo-server: --tcp and --udp exclude each other"},
        {{echo_server_exe, "--dgram"}, "echo-server: --dgram needs --unix PATH (--udp for UDP)"},
        {{echo_server_exe, "--unix", "x", "--udp"}, "echo-server: --unix takes no --tcp or --udp (--dgram: datagrams)"},
        {{echo_server_exe, "--unix", "x", "--port", "1"}, "echo-server: --unix takes no --host, --port or --v6-only"},
        {{echo_server_exe, "--host", "127.0.0.1", "--port", "0", "--v6-only"},
         "echo-server: --v6-only needs an IPv6 --host (such as ::)"},
        {{echo_server_exe, "--verbose"}, "echo-server: unknown option --verbose"},
        {{echo_server_exe, "8080"}, "echo-server: unexpected argument 8080 (did you mean --host 8080?)"},
    };
    for (const auto& [args, first_line] : cases) {
        const result r = run(args);
        EXPECT_EQ(r.status, 2) << args[1];
        EXPECT_EQ(r.err.substr(0, r.err.find('\n')), first_line);
        EXPECT_NE(r.err.find("\nusage: echo-server "), std::string::npos) << r.err;
    }
}

TEST(Echo, UnixStreamSocket) {
    REQUIRE_LOCAL(ps::type::stream);
    testsupport::temp_path path;
    child_process server = start_unix_echo(path.str());
    std::error_code ec;
    for (int k = 0; k < 2; ++k) {  // one connection after another
        ps::socket s;
        s.open(ps::family::local, ps::type::stream, 0, ec);
        s.connect(ps::endpoint::local(path.str(), ec), ec);
        ASSERT_OK(ec);
        const std::string data = std::string("over a path\0", 12) + std::to_string(k);
        EXPECT_EQ(echo_through(s, data), data);
    }
    stop_and_expect_file_removed(server, path.str());
}

TEST(Echo, UnixDatagramSocket) {
    REQUIRE_LOCAL(ps::type::dgram);
    testsupport::temp_path path, mine;
    child_process server = start_unix_echo(path.str(), {"--dgram"});
    std::error_code ec;
    ps::socket s;
    s.open(ps::family::local, ps::type::dgram, 0, ec);
    s.bind(ps::endpoint::local(mine.str(), ec), ec);  // a name to be answered at
    ASSERT_OK(ec);
    EXPECT_EQ(datagram_echo(s, ps::endpoint::local(path.str(), ec), std::string("one\0datagram", 12), ec),
              std::string("one\0datagram", 12));
    EXPECT_OK(ec);
    stop_and_expect_file_removed(server, path.str());
}

TEST(Echo, UnixStaleSocketFileIsReplacedButALiveOneOrAFileIsNot) {
    REQUIRE_LOCAL(ps::type::stream);
    testsupport::temp_path path;
    std::error_code ec;
    const ps::endpoint address = ps::endpoint::local(path.str(), ec);
    {
        // A live server's socket: echo-server must not take it.
        ps::socket live = ps::create_server(address, 4, false, ec);
        ASSERT_OK(ec);
        const result r = run({echo_server_exe, "--unix", path.str()});
        EXPECT_EQ(r.status, 1);
        expect_one_line(r.err);
        EXPECT_EQ(r.err, "echo-server: listen on " + path.str() + ": " +
                             std::make_error_code(std::errc::address_in_use).message() + "\n");
        EXPECT_TRUE(std::filesystem::exists(path.str()));
    }  // closed: the file stays behind, stale, as after a crash
    ASSERT_TRUE(std::filesystem::exists(path.str()));
    child_process server = start_unix_echo(path.str());
    ps::socket s;
    s.open(ps::family::local, ps::type::stream, 0, ec);
    s.connect(address, ec);
    ASSERT_OK(ec);
    EXPECT_EQ(echo_through(s, "after a crash"), "after a crash");
    stop_and_expect_file_removed(server, path.str());

    // A file that is no socket is left alone.
    { std::ofstream(path.str()) << "keep me"; }
    const result r = run({echo_server_exe, "--unix", path.str()});
    EXPECT_EQ(r.status, 1);
    expect_one_line(r.err);
    EXPECT_EQ(r.err, "echo-server: listen on " + path.str() + ": " +
                         std::make_error_code(std::errc::file_exists).message() + "\n");
    std::ifstream kept(path.str());
    std::string text;
    std::getline(kept, text);
    EXPECT_EQ(text, "keep me");
}
