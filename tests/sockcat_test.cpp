// sockcat as a real process: both ways over TCP, IPv6 and a Unix socket
// (passing the half-close on), through echo-server over TCP and UDP, a
// refused connection, and usage errors.
#include "apps.hpp"

#include <chrono>
#include <utility>

using namespace std::chrono_literals;
using namespace testsupport;
namespace ps = portsock;

namespace {

// Starts a listening sockcat and reads the port it reports on stderr.
std::pair<child_process, std::string> start_listening_sockcat(std::vector<std::string> args) {
    std::vector<std::string> argv = {sockcat_exe, "-l"};
    argv.insert(argv.end(), args.begin(), args.end());
    child_process p = start(argv);
    const auto line = p.read_error_line(20s);
    std::string where = line ? line->substr(line->rfind(' ') + 1) : "";
    EXPECT_EQ(line.value_or("").rfind("sockcat: listening on ", 0), 0u) << line.value_or("<none>");
    return {std::move(p), where};
}

std::string port_of(const std::string& where) { return where.substr(where.rfind(':') + 1); }

void pipe_both_ways(std::vector<std::string> listen_args, std::vector<std::string> connect_args) {
    auto [listener, where] = start_listening_sockcat(std::move(listen_args));
    ASSERT_FALSE(where.empty());
    std::vector<std::string> argv = {sockcat_exe};
    for (std::string& a : connect_args) argv.push_back(a == "PORT" ? port_of(where) : a == "WHERE" ? where : a);
    child_process client = start(argv);
    // Less than a pipe buffer: the listener's output is read only at the end
    // (volume goes through echo-server below, with both ends drained).
    const std::string to_listener(50000, 'c'), to_client = "from the listener\n";
    listener.write_stdin(to_client);
    listener.close_stdin();
    const result c = finish(client, to_listener);
    const result l = finish(listener, "");
    EXPECT_EQ(c.status, 0) << c.err;
    EXPECT_EQ(l.status, 0) << l.err;
    EXPECT_EQ(c.out, to_client);
    EXPECT_TRUE(l.out == to_listener) << "the listener received " << l.out.size() << " bytes";
}

}  // namespace

TEST(Sockcat, PipesBothWaysOverTcpAndPassesTheHalfCloseOn) {
    pipe_both_ways({"127.0.0.1", "0"}, {"127.0.0.1", "PORT"});
}

TEST(Sockcat, PipesBothWaysOverIpv6) {
    PORTSOCK_REQUIRE_IPV6();
    pipe_both_ways({"-6", "::1", "0"}, {"-6", "::1", "PORT"});
}

TEST(Sockcat, PipesBothWaysOverAUnixSocket) {
    PORTSOCK_REQUIRE_LOCAL();
    testsupport::temp_path path;
    pipe_both_ways({"-U", path.str()}, {"-U", "WHERE"});
}

TEST(Sockcat, ThroughEchoServerOverTcpAndUdp) {
    running_server server = start_echo_server();
    const std::string port = std::to_string(server.port);
    std::string data;
    for (int k = 0; data.size() < 1000000; ++k) data += std::to_string(k) + ' ';
    child_process tcp = start({sockcat_exe, "127.0.0.1", port});
    const result t = finish(tcp, data);
    EXPECT_EQ(t.status, 0) << t.err;
    EXPECT_TRUE(t.out == data) << "echoed " << t.out.size() << " of " << data.size() << " bytes";
    child_process udp = start({sockcat_exe, "-u", "127.0.0.1", port});
    const result u = finish(udp, "one datagram\n");
    EXPECT_EQ(u.status, 0) << u.err;
    EXPECT_EQ(u.out, "one datagram\n");
    stop_or_kill(server.process);
}

TEST(Sockcat, ARefusedConnectionIsExitStatusOne) {
    std::error_code ec;
    ps::socket holder = testsupport::refusing_port();
    const std::string port = std::to_string(holder.getsockname(ec).port());
    const result r = run({sockcat_exe, "127.0.0.1", port});
    EXPECT_EQ(r.status, 1);
    expect_one_line(r.err);
    EXPECT_EQ(r.err.rfind("sockcat: connect to 127.0.0.1:" + port + ": ", 0), 0u) << r.err;
}

TEST(Sockcat, UsageErrorsAreExitStatusTwo) {
    for (const auto& args : std::vector<std::vector<std::string>>{
             {sockcat_exe}, {sockcat_exe, "-x", "h", "1"}, {sockcat_exe, "h", "70000"}, {sockcat_exe, "-U", "-u", "p"}}) {
        const result r = run(args);
        EXPECT_EQ(r.status, 2) << r.err;
        EXPECT_NE(r.err.find("usage: "), std::string::npos) << r.err;
    }
}
