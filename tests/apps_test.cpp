// The apps as real processes: the tutorial's server and client talking,
// a port in use, nobody listening, bad usage, stopping on SIGTERM, and both
// of them against Python's socket module (the tutorial's own programs).
#include "child_process.hpp"
#include "host.hpp"
#include "net.hpp"

#include <chrono>
#include <regex>

using namespace std::chrono_literals;
using testsupport::child_process;
namespace ps = portsock;

namespace {

const std::string server_exe = PORTSOCK_THANKYOU_SERVER;
const std::string client_exe = PORTSOCK_THANKYOU_CLIENT;
const std::string python = PORTSOCK_PYTHON3;
const std::string echo_exe = PORTSOCK_ECHO_SERVER;
const std::string echo_load_exe = PORTSOCK_ECHO_LOAD;
const std::string sockcat_exe = PORTSOCK_SOCKCAT;
constexpr std::string_view thank_you = "Thank you for connecting with the socket";

child_process start(const std::vector<std::string>& argv) {
    std::error_code ec;
    child_process p = child_process::start(argv, ec);
    EXPECT_OK(ec) << " starting " << argv[0];
    return p;
}

// A running thankyou-server and the port it reported.
struct running_server {
    child_process process;
    int port = 0;
};

running_server start_server(const std::vector<std::string>& extra = {"--host", "127.0.0.1"}) {
    std::vector<std::string> argv = {server_exe, "--port", "0"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    running_server s{start(argv), 0};
    EXPECT_EQ(s.process.read_line(20s), "The socket is created successfully");
    const auto bound = s.process.read_line(20s);
    const std::string prefix = "The socket is bound to ";
    if (bound && bound->rfind(prefix, 0) == 0) s.port = std::stoi(bound->substr(prefix.size()));
    EXPECT_NE(s.port, 0) << "bound line: " << bound.value_or("<none>") << "\nstderr: " << s.process.err();
    EXPECT_EQ(s.process.read_line(20s), "The socket is listening");
    return s;
}

struct result {
    std::optional<int> status;
    std::string out, err;
};

result run(const std::vector<std::string>& argv) {
    child_process p = start(argv);
    p.close_stdin();
    result r;
    r.status = p.wait(30s);
    r.out = p.out();
    r.err = p.err();
    for (std::string* s : {&r.out, &r.err}) {  // wine ends lines with CRLF
        for (std::size_t at = s->find("\r\n"); at != std::string::npos; at = s->find("\r\n", at)) s->erase(at, 1);
    }
    return r;
}

void expect_one_line(const std::string& text) {
    ASSERT_FALSE(text.empty());
    EXPECT_EQ(text.find('\n'), text.size() - 1) << "not a single line: " << text;
}

// Asks the server to stop and expects a clean exit. Where the request cannot
// be delivered (wine), the server is killed instead: ServerStopsCleanly...
// says so once.
void stop(running_server& s) {
    if (!s.process.terminate()) return;
    EXPECT_EQ(s.process.wait(20s), 0) << "stderr: " << s.process.err();
}

// The message this system gives for `ec`, in the words the apps print.
std::string text_of(std::error_code ec) { return ec.message(); }

}  // namespace

TEST(Apps, ServerAndClientTalk) {
    running_server server = start_server();
    const result client = run({client_exe, "--host", "127.0.0.1", "--port", std::to_string(server.port)});
    EXPECT_EQ(client.status, 0) << client.err;
    EXPECT_EQ(client.out, std::string(thank_you) + "\n");
    const auto line = server.process.read_line(20s);
    ASSERT_TRUE(line);
    EXPECT_EQ(line->rfind("Got a connection from ('127.0.0.1', ", 0), 0u) << *line;
    stop(server);
}

TEST(Apps, ServerSendsExactlyTheFortyBytesAndCloses) {
    running_server server = start_server();
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
    stop(server);
}

TEST(Apps, DefaultsServeEveryInterfaceAndTheClientFindsLocalhost) {
    running_server server = start_server({});  // host "" as in the tutorial
    const result client = run({client_exe, "--port", std::to_string(server.port)});
    EXPECT_EQ(client.status, 0) << client.err;
    EXPECT_EQ(client.out, std::string(thank_you) + "\n");
    stop(server);
}

TEST(Apps, ServerAndClientOverIpv6) {
    PORTSOCK_REQUIRE_IPV6();
    running_server server = start_server({"--host", "::1"});
    const result client = run({client_exe, "--host", "::1", "--port", std::to_string(server.port)});
    EXPECT_EQ(client.status, 0) << client.err;
    EXPECT_EQ(client.out, std::string(thank_you) + "\n");
    const auto line = server.process.read_line(20s);
    ASSERT_TRUE(line);
    EXPECT_EQ(line->rfind("Got a connection from ('::1', ", 0), 0u) << *line;
    stop(server);
}

TEST(Apps, SecondServerOnAPortInUseFailsWithOneLine) {
    running_server first = start_server();
    // What this system says to a second bind made the way the server makes it.
    std::error_code in_use;
    ps::socket probe;
    probe.open(ps::family::inet, ps::type::stream, 0, in_use);
    probe.setsockopt(ps::opt::reuse_address, true, in_use);
    probe.bind(testsupport::loopback4(static_cast<std::uint16_t>(first.port)), in_use);
    ASSERT_TRUE(in_use);
    EXPECT_EQ(in_use, std::errc::address_in_use) << in_use.message();

    const result second = run({server_exe, "--host", "127.0.0.1", "--port", std::to_string(first.port)});
    EXPECT_EQ(second.status, 1);
    expect_one_line(second.err);
    EXPECT_EQ(second.err, "thankyou-server: bind to 127.0.0.1:" + std::to_string(first.port) + ": " +
                              text_of(in_use) + "\n");
    stop(first);
}

TEST(Apps, ClientWithNobodyListeningFailsWithOneLine) {
    std::error_code ec;
    ps::socket holder = testsupport::refusing_port();
    const std::string port = std::to_string(holder.getsockname(ec).port());
    std::error_code refused;
    ps::socket probe;
    probe.open(ps::family::inet, ps::type::stream, 0, refused);
    probe.connect(holder.getsockname(ec), refused);
    EXPECT_EQ(refused, std::errc::connection_refused) << refused.message();

    const result client = run({client_exe, "--host", "127.0.0.1", "--port", port});
    EXPECT_EQ(client.status, 1);
    expect_one_line(client.err);
    EXPECT_EQ(client.err, "thankyou-client: connect to 127.0.0.1:" + port + ": " + text_of(refused) + "\n");
    EXPECT_EQ(client.out, "");
}

TEST(Apps, BadUsageExitsWithStatusTwo) {
    for (const auto& args : std::vector<std::vector<std::string>>{
             {server_exe, "--port", "70000"}, {server_exe, "--bogus", "1"}, {client_exe, "--port", "x"},
             {client_exe, "--host"}}) {
        const result r = run(args);
        EXPECT_EQ(r.status, 2) << args[1];
        EXPECT_NE(r.err.find("usage: "), std::string::npos) << r.err;
    }
    const result help = run({server_exe, "--help"});
    EXPECT_EQ(help.status, 0);
    EXPECT_EQ(help.out, "usage: thankyou-server [--host H] [--port P] [--backlog N]\n");
}

TEST(Apps, ServerStopsCleanlyOnTerminate) {
    running_server server = start_server();
    if (!server.process.terminate()) {
        GTEST_SKIP() << "a stop request (Ctrl-Break) cannot be delivered here"
                     << (testsupport::running_under_wine() ? ": wine cannot aim a Ctrl-Break at one process group" : "");
    }
    EXPECT_EQ(server.process.wait(20s), 0);
    EXPECT_EQ(server.process.err(), "");
}

TEST(Apps, ServerKeepsServingAfterAClientThatResets) {
    running_server server = start_server();
    {
        std::error_code ec;
        ps::socket rude;
        rude.open(ps::family::inet, ps::type::stream, 0, ec);
        rude.connect(testsupport::loopback4(static_cast<std::uint16_t>(server.port)), ec);
        rude.setsockopt(ps::opt::linger, std::chrono::seconds(0), ec);
        ASSERT_OK(ec);
    }  // closed with a reset, perhaps before the server wrote
    const result client = run({client_exe, "--host", "127.0.0.1", "--port", std::to_string(server.port)});
    EXPECT_EQ(client.status, 0) << client.err;
    EXPECT_EQ(client.out, std::string(thank_you) + "\n");
    stop(server);
}

// echo-server ---------------------------------------------------------------

namespace {

struct running_echo {
    child_process process;
    int port = 0;
};

running_echo start_echo(std::vector<std::string> extra = {}) {
    std::vector<std::string> argv = {echo_exe, "--host", "127.0.0.1", "--port", "0"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    running_echo s{start(argv), 0};
    const auto line = s.process.read_line(20s);
    const auto colon = line ? line->rfind(':') : std::string::npos;
    if (colon != std::string::npos) s.port = std::stoi(line->substr(colon + 1));
    EXPECT_NE(s.port, 0) << line.value_or("<none>") << "\nstderr: " << s.process.err();
    return s;
}

void stop(running_echo& s) {
    if (!s.process.terminate()) return;
    EXPECT_EQ(s.process.wait(20s), 0) << "stderr: " << s.process.err();
}

}  // namespace

TEST(Echo, AThousandConcurrentConnectionsAndUdpOnTheSamePort) {
    running_echo server = start_echo();
    const result load = run({echo_load_exe, "127.0.0.1", std::to_string(server.port), "1000", "2000", "100"});
    EXPECT_EQ(load.status, 0) << load.err;
    EXPECT_EQ(load.out.rfind("echo_load: 1000 connections open at once, 2000 bytes each echoed correctly", 0), 0u)
        << load.out;
    stop(server);
}

TEST(Echo, HalfCloseIsPassedOnAfterTheEcho) {
    running_echo server = start_echo({"--tcp"});
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
    stop(server);
}

TEST(Echo, ASlowReaderIsNotBufferedWithoutBoundAndOthersAreServed) {
    running_echo server = start_echo({"--tcp"});
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
    stop(server);
}

TEST(Echo, OutOfDescriptorsItPausesInsteadOfSpinningAndRecovers) {
    if (python.empty()) GTEST_SKIP() << "needs python3 to start echo-server with a 64-descriptor limit";
    // python3 lowers the limit (soft and hard, so echo-server cannot raise
    // it again) and becomes echo-server.
    const std::string limit_then_exec =
        "import os, resource, sys\n"
        "resource.setrlimit(resource.RLIMIT_NOFILE, (64, 64))\n"
        "os.execv(sys.argv[1], sys.argv[1:])\n";
    child_process server = start({python, "-c", limit_then_exec, echo_exe, "--tcp", "--host", "127.0.0.1", "--port", "0"});
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

    if (!server.terminate()) return;
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
    running_echo server = start_echo({"--udp"});
    const result load = run({echo_load_exe, "127.0.0.1", std::to_string(server.port), "0", "0", "50"});
    EXPECT_EQ(load.status, 0) << load.err;
    stop(server);
}

TEST(Echo, StopsCleanlyOnTerminate) {
    running_echo server = start_echo();
    if (!server.process.terminate()) {
        GTEST_SKIP() << "a stop request (Ctrl-Break) cannot be delivered here"
                     << (testsupport::running_under_wine() ? ": wine cannot aim a Ctrl-Break at one process group" : "");
    }
    EXPECT_EQ(server.process.wait(20s), 0);
}

// sockcat -------------------------------------------------------------------

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

result finish(child_process& p, std::string_view input) {
    p.write_stdin(input);
    p.close_stdin();
    result r;
    r.status = p.wait(30s);
    r.out = p.out();
    r.err = p.err();
    return r;
}

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
    running_echo server = start_echo();
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
    stop(server);
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

// Interoperation with Python's socket module: the tutorial's own programs.

#define REQUIRE_PYTHON() \
    if (python.empty()) GTEST_SKIP() << "no python3 the tests can start (none found, or a cross build)"

TEST(Interop, TutorialPythonClientGetsTheThankYou) {
    REQUIRE_PYTHON();
    running_server server = start_server();
    const std::string script =
        "import socket, sys\n"
        "soc = socket.socket()\n"
        "soc.connect(('127.0.0.1', int(sys.argv[1])))\n"
        "print(soc.recv(1024))\n"
        "soc.close()\n";
    const result r = run({python, "-c", script, std::to_string(server.port)});
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.out, "b'" + std::string(thank_you) + "'\n");
    stop(server);
}

TEST(Interop, ClientGetsTheThankYouFromTheTutorialPythonServer) {
    REQUIRE_PYTHON();
    // The tutorial's server, on port 0 so that it cannot collide.
    const std::string script =
        "import socket\n"
        "soc = socket.socket()\n"
        "soc.bind(('127.0.0.1', 0))\n"
        "soc.listen(10)\n"
        "print(soc.getsockname()[1], flush=True)\n"
        "client, addr = soc.accept()\n"
        "print('Got a connection from', addr, flush=True)\n"
        "client.send(b'Thank you for connecting with the socket')\n"
        "client.close()\n";
    child_process server = start({python, "-c", script});
    const auto port = server.read_line(20s);
    ASSERT_TRUE(port) << server.err();
    const result client = run({client_exe, "--host", "127.0.0.1", "--port", *port});
    EXPECT_EQ(client.status, 0) << client.err;
    EXPECT_EQ(client.out, std::string(thank_you) + "\n");
    EXPECT_EQ(server.read_line(20s)->rfind("Got a connection from ('127.0.0.1', ", 0), 0u);
    EXPECT_EQ(server.wait(20s), 0) << server.err();
}
