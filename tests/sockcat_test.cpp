// sockcat as a real process: both ways over TCP, IPv6 and a Unix socket
// (passing the half-close on), through echo-server over TCP and UDP, a
// refused connection, usage errors; each netcat flag by what it does; and
// against OpenBSD netcat and socat both ways, where they are installed.
#include "apps.hpp"
#include "host.hpp"

#include <portsock/version.hpp>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
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
    // `sockcat: listening on WHERE`, maybe followed by ` (IPv6 and IPv4)`.
    const std::string prefix = "sockcat: listening on ";
    std::string where = line && line->size() > prefix.size() ? line->substr(prefix.size()) : "";
    where = where.substr(0, where.find(' '));
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

namespace {

// 16 MiB of any bytes (NULs and CRs too) from a fixed seed, three in four
// of them LFs.
std::string volume() {
    std::string data(16u << 20, '\0');
    std::uint32_t x = 12345;
    for (char& c : data) {
        x = x * 1103515245u + 12345u;
        c = (x >> 30) != 0 ? '\n' : static_cast<char>(x >> 22);
    }
    return data;
}

std::uint64_t checksum(std::string_view s) {
    std::uint64_t h = 1469598103934665603u;  // FNV-1a
    for (const char c : s) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211u;
    return h;
}

// Pipes `input` through sockcat (with `flags`) to echo-server and expects
// `expected` back on sockcat's standard output, which the test drains while
// it writes. echo-server stops reading a client that does not take its
// echoes, so sockcat must go on reading them while the network cannot take
// more of its input: a sockcat that waited in a send until the socket took
// everything would never read again, and both programs would wait forever.
void through_echo_server(const std::vector<std::string>& flags, const std::string& input, const std::string& expected) {
    running_server server = start_echo_server({"--tcp"});
    std::vector<std::string> argv = {sockcat_exe};
    argv.insert(argv.end(), flags.begin(), flags.end());
    argv.push_back("127.0.0.1");
    argv.push_back(std::to_string(server.port));
    child_process p = start(argv);
    EXPECT_TRUE(p.write_stdin(input)) << "sockcat stopped taking its input; it printed " << p.out().size()
                                      << " bytes; stderr: " << p.err();
    const result r = finish(p);
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.out.size(), expected.size());
    EXPECT_EQ(checksum(r.out), checksum(expected)) << "other bytes came back";
    stop_or_kill(server.process);
}

}  // namespace

TEST(Sockcat, CrlfInputOutgrowingItsEchoesStillComesBack) {
    // -C sends up to twice what it reads, and the echoes come back as fast:
    // the bytes in flight grow until every buffer is full, which a sockcat
    // that blocked in its sends never survived (about 10 MiB in, on Linux;
    // less where the socket buffers are smaller). Under qemu it takes 10 s.
    const std::string data = volume();
    std::string crlf;
    crlf.reserve(2 * data.size());
    for (const char c : data) {
        if (c == '\n') crlf += '\r';
        crlf += c;
    }
    through_echo_server({"-C"}, data, crlf);
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

// --- The netcat flags, each by what a user sees ------------------------------

namespace {

// Runs sockcat with `flags` against a test server on 127.0.0.1: `input` goes
// to its stdin (closed afterwards unless `keep_stdin`), `serve` gets the
// accepted connection, which is then closed (unless `serve` moved it away);
// then waits for sockcat to end.
result against_server(std::vector<std::string> flags, std::string_view input,
                      const std::function<void(ps::socket&)>& serve, bool keep_stdin = false) {
    std::error_code ec;
    ps::socket server = testsupport::listener();
    server.settimeout(30.0, ec);
    std::vector<std::string> argv = {sockcat_exe};
    argv.insert(argv.end(), flags.begin(), flags.end());
    argv.push_back("127.0.0.1");
    argv.push_back(std::to_string(server.getsockname(ec).port()));
    child_process p = start(argv);
    if (!input.empty()) p.write_stdin(input);
    if (!keep_stdin) p.close_stdin();
    auto accepted = server.accept(ec);
    EXPECT_OK(ec) << " accepting sockcat's connection; its stderr: " << p.err();
    if (!ec) {
        accepted.conn.settimeout(30.0, ec);
        serve(accepted.conn);
        accepted.conn.close();  // unless `serve` kept it
    }
    result r;
    r.status = p.wait(30s);
    r.out = p.out();
    r.err = p.err();
    for (std::size_t at = r.err.find("\r\n"); at != std::string::npos; at = r.err.find("\r\n", at)) {
        r.err.erase(at, 1);  // wine's console ends stderr's lines with CRLF; stdout stays bytes
    }
    return r;
}

// Sends a datagram from a connected UDP socket to `to` and returns the error
// the next receive reports (an ICMP port unreachable: refused), waiting up
// to `seconds`.
std::error_code udp_refusal(const ps::endpoint& to, double seconds) {
    std::error_code ec;
    ps::socket s;
    s.open(to.family(), ps::type::dgram, 0, ec);
    if (!ec) s.settimeout(seconds, ec);
    if (!ec) s.connect(to, ec);
    if (!ec) s.send("x", 1, ec);
    char c = 0;
    if (!ec) s.recv_into(&c, 1, ec);
    return ec;
}

bool is_refusal(std::error_code ec) {
    return ec == std::errc::connection_refused || ec == std::errc::connection_reset;
}

// Receives exactly `size` bytes (or what came before the end).
std::string recv_exactly(ps::socket& s, std::size_t size) {
    std::string data;
    char buffer[4096];
    std::error_code ec;
    while (data.size() < size) {
        const std::size_t n = s.recv_into(buffer, std::min(sizeof buffer, size - data.size()), ec);
        EXPECT_OK(ec);
        if (ec || n == 0) break;
        data.append(buffer, n);
    }
    return data;
}

}  // namespace

TEST(Sockcat, UsageErrorsSayWhatIsWrong) {
    const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
        {{"-x", "h", "1"}, "sockcat: unknown option -x\n"},
        {{"--verbose", "h", "1"}, "sockcat: unknown option --verbose\n"},
        {{"-lvx", "1"}, "sockcat: unknown option -x\n"},
        {{"h", "1", "-w"}, "sockcat: option -w needs a value\n"},
        {{"-w", "soon", "h", "1"}, "sockcat: bad value for -w: 'soon'\n"},
        {{"h", "1", "extra"}, "sockcat: unexpected argument extra\n"},
        {{"-l", "-p", "1", "h", "2"}, "sockcat: unexpected argument 2 (the port is given by -p)\n"},
        {{"h"}, "sockcat: missing PORT\n"},
        {{}, "sockcat: missing HOST and PORT\n"},
        {{"-lz", "1"}, "sockcat: -l and -z exclude each other\n"},
        {{"-b", "h", "1"}, "sockcat: -b needs -u\n"},
        {{"-k", "h", "1"}, "sockcat: -k needs -l\n"},
        {{"h", "70000"}, "sockcat: bad port 70000\n"},
        {{"-p", "99999", "h", "1"}, "sockcat: bad port 99999\n"},
        {{"-n", "h", "http"}, "sockcat: port http is not a number (-n: no service names)\n"},
        {{"-z", "h", "30-20"}, "sockcat: bad port range 30-20\n"},
    };
    for (const auto& [args, first_line] : cases) {
        std::vector<std::string> argv = {sockcat_exe};
        argv.insert(argv.end(), args.begin(), args.end());
        const result r = run(argv);
        EXPECT_EQ(r.status, 2) << r.err;
        EXPECT_EQ(r.err.substr(0, r.err.find('\n') + 1), first_line);
        EXPECT_NE(r.err.find("\nusage: sockcat "), std::string::npos) << r.err;
        EXPECT_EQ(r.out, "");
    }
}

TEST(Sockcat, HelpAndVersionGoToStandardOutput) {
    const result help = run({sockcat_exe, "--help"});
    EXPECT_EQ(help.status, 0);
    EXPECT_EQ(help.out.rfind("usage: sockcat ", 0), 0u) << help.out;
    for (const char* flag : {"-w SECS", "-q SECS", "-k", "-z", "--no-shutdown", "--ipv6-only"}) {
        EXPECT_NE(help.out.find(flag), std::string::npos) << flag << " is not in --help";
    }
    EXPECT_EQ(help.err, "");
    const result version = run({sockcat_exe, "--version"});
    EXPECT_EQ(version.status, 0);
    EXPECT_EQ(version.out, std::string("sockcat (portsock) ") + ps::version_string + "\n");
}

TEST(Sockcat, VerboseSaysWhereItConnected) {
    const result r = against_server({"-v"}, "", [](ps::socket& conn) { EXPECT_EQ(read_all(conn), ""); });
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_NE(r.err.find("sockcat: connected to 127.0.0.1:"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find(" from 127.0.0.1:"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("sockcat: end of standard input, half-closing\n"), std::string::npos) << r.err;
}

TEST(Sockcat, WaitLimitsAConnectToAFullBacklog) {
    // listen(0) with one connection queued: the kernel drops further SYNs,
    // so a connect waits (Linux: about 2 minutes) unless -w limits it.
    std::error_code ec;
    ps::socket server;
    server.open(ps::family::inet, ps::type::stream, 0, ec);
    server.bind(loopback4(), ec);
    server.listen(0, ec);
    ASSERT_OK(ec);
    const auto address = server.getsockname(ec);
    ps::socket queued, waiting;
    queued.open(ps::family::inet, ps::type::stream, 0, ec);
    queued.connect(address, ec);
    ASSERT_OK(ec);
    waiting.open(ps::family::inet, ps::type::stream, 0, ec);
    waiting.setblocking(false, ec);
    waiting.connect(address, ec);  // in progress, or queued where the system keeps more
    const auto began = std::chrono::steady_clock::now();
    const result r = run({sockcat_exe, "-w", "1", "127.0.0.1", std::to_string(address.port())});
    const auto took = std::chrono::steady_clock::now() - began;
    if (r.status == 0) GTEST_SKIP() << "this system queued a third connection on a backlog of 0";
    EXPECT_EQ(r.status, 1) << r.err;
    expect_one_line(r.err);
    EXPECT_EQ(r.err.rfind("sockcat: connect to 127.0.0.1:" + std::to_string(address.port()) + ": ", 0), 0u) << r.err;
    EXPECT_LT(took, 25s);
}

TEST(Sockcat, WaitEndsAnIdleConnection) {
    // Standard input stays open and the server silent: -w 1 ends it.
    const result r = against_server({"-v", "-w", "1"}, "", [](ps::socket& conn) {
        EXPECT_EQ(read_all(conn), "");  // sockcat closed without sending
    }, true);
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_NE(r.err.find("sockcat: no traffic for 1 s, closing\n"), std::string::npos) << r.err;
}

TEST(Sockcat, QuitZeroEndsAtStandardInputsEnd) {
    // The server never closes: without -q sockcat would wait for it.
    ps::socket kept;
    const result r = against_server({"-q", "0"}, "bye\n", [&](ps::socket& conn) {
        EXPECT_EQ(read_all(conn), "bye\n");
        kept = std::move(conn);
    });
    EXPECT_EQ(r.status, 0) << r.err;
}

TEST(Sockcat, QuitLaterStillPrintsWhatArrivesMeanwhile) {
    ps::socket kept;
    std::error_code ec;
    const result r = against_server({"-q", "5"}, "question\n", [&](ps::socket& conn) {
        EXPECT_EQ(read_all(conn), "question\n");  // up to the half-close
        conn.sendall("late answer\n", 12, ec);
        kept = std::move(conn);  // open until sockcat has quit
    });
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.out, "late answer\n");
}

TEST(Sockcat, NoShutdownKeepsTheSendingSideOpen) {
    std::error_code ec;
    const result r = against_server({"--no-shutdown"}, "hi\n", [&](ps::socket& conn) {
        EXPECT_EQ(recv_exactly(conn, 3), "hi\n");
        // No end of stream follows: the half-close would arrive with the bytes.
        conn.settimeout(1.0, ec);
        char c = 0;
        const std::size_t n = conn.recv_into(&c, 1, ec);
        EXPECT_EQ(ec, std::errc::timed_out) << "received " << n << " bytes: " << ec.message();
        conn.sendall("bye\n", 4, ec);
    });  // the server closes; sockcat ends then
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.out, "bye\n");
}

TEST(Sockcat, DashDDoesNotReadStandardInput) {
    std::error_code ec;
    const result r = against_server({"-d"}, "never sent\n", [&](ps::socket& conn) {
        conn.sendall("hello\n", 6, ec);
        conn.shutdown(ps::shut::wr, ec);
        EXPECT_EQ(read_all(conn), "");
    });
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.out, "hello\n");
}

TEST(Sockcat, AReadErrorOnStandardInputIsReportedNotTakenForItsEnd) {
    if (python_exe.empty()) GTEST_SKIP() << "needs python3 to start sockcat with a directory as standard input";
    // A directory as standard input: each read fails (EISDIR), where the
    // system opens a directory for reading at all. python3 opens it, makes it
    // standard input and becomes sockcat (through the emulator in a cross build).
    const std::string directory_as_stdin =
        "import os, sys\n"
        "try:\n"
        "    fd = os.open(sys.argv[1], os.O_RDONLY)\n"
        "except OSError as e:\n"
        "    sys.stderr.write('%s\\n' % e)\n"
        "    sys.exit(77)\n"
        "os.dup2(fd, 0)\n"
        "os.execvp(sys.argv[2], sys.argv[2:])\n";
    testsupport::temp_path directory;
    std::error_code ec;
    std::filesystem::create_directory(directory.str(), ec);
    ASSERT_OK(ec);
    ps::socket server = testsupport::listener();  // the connection waits in its backlog
    const std::string port = std::to_string(server.getsockname(ec).port());
    std::vector<std::string> argv = {python_exe, "-c", directory_as_stdin, directory.str()};
    const std::vector<std::string> emulator = child_process::emulator();
    argv.insert(argv.end(), emulator.begin(), emulator.end());
    argv.insert(argv.end(), {sockcat_exe, "127.0.0.1", port});
    const result r = run(argv);
    if (r.status == 77) GTEST_SKIP() << "this system does not open a directory as a file: " << r.err;
    EXPECT_EQ(r.status, 3) << r.err;  // the transfer failed, as for a write error on standard output
    expect_one_line(r.err);
    EXPECT_EQ(r.err.rfind("sockcat: read standard input: ", 0), 0u) << r.err;
    EXPECT_EQ(r.out, "");
}

TEST(Sockcat, AResetSaysWhichPeerResetIt) {
    if (testsupport::running_under_wine()) {
        GTEST_SKIP() << "wine 8 closes gracefully even with SO_LINGER {1, 0}: it sends no reset";
    }
    std::error_code ec;
    std::string peer;
    const result r = against_server({}, "", [&](ps::socket& conn) {
        peer = conn.getsockname(ec).to_string();      // where sockcat connected
        conn.setsockopt(ps::opt::linger, std::chrono::seconds(0), ec);  // the close resets
        EXPECT_OK(ec);
    }, true);  // standard input stays open: sockcat is receiving when the reset comes
    EXPECT_EQ(r.status, 3) << r.err;
    expect_one_line(r.err);
    EXPECT_EQ(r.err.rfind("sockcat: recv from " + peer + ": ", 0), 0u) << r.err;
}

TEST(Sockcat, DashCSendsCrlfLineEnds) {
    const result r = against_server({"-C"}, "GET / HTTP/1.0\n\nlast", [](ps::socket& conn) {
        EXPECT_EQ(read_all(conn), "GET / HTTP/1.0\r\n\r\nlast");
    });
    EXPECT_EQ(r.status, 0) << r.err;
}

TEST(Sockcat, SourceAddressAndPort) {
    std::error_code ec;
    ps::socket probe;  // a port free a moment ago
    probe.open(ps::family::inet, ps::type::stream, 0, ec);
    probe.bind(loopback4(), ec);
    const std::uint16_t source_port = probe.getsockname(ec).port();
    probe.close();
    ASSERT_OK(ec);
    ps::socket server = testsupport::listener();
    server.settimeout(30.0, ec);
    child_process p = start({sockcat_exe, "-s", "127.0.0.1", "-p", std::to_string(source_port), "127.0.0.1",
                             std::to_string(server.getsockname(ec).port())});
    p.close_stdin();
    auto accepted = server.accept(ec);
    ASSERT_OK(ec) << " sockcat: " << p.err();
    EXPECT_EQ(accepted.address, loopback4(source_port));
    accepted.conn.close();
    EXPECT_EQ(p.wait(30s), 0) << p.err();
}

TEST(Sockcat, NumericOnlyDoesNotResolveNames) {
    const result r = run({sockcat_exe, "-n", "localhost", "9"});
    EXPECT_EQ(r.status, 1) << r.err;
    expect_one_line(r.err);
    EXPECT_EQ(r.err.rfind("sockcat: connect to localhost:9: ", 0), 0u) << r.err;
}

TEST(Sockcat, BroadcastNeedsDashB) {
    const result refused = run({sockcat_exe, "-u", "255.255.255.255", "9"});
    EXPECT_EQ(refused.status, 1) << refused.err;
    EXPECT_EQ(refused.err.rfind("sockcat: connect to 255.255.255.255:9: ", 0), 0u) << refused.err;
    const result allowed = run({sockcat_exe, "-ub", "255.255.255.255", "9"});
    if (allowed.status == 1) {
        std::error_code ec;
        ps::socket s;
        s.open(ps::family::inet, ps::type::dgram, 0, ec);
        s.setsockopt(ps::opt::broadcast, true, ec);
        s.connect(ps::endpoint::parse("255.255.255.255", 9, ec), ec);
        if (ec) GTEST_SKIP() << "this host cannot send to 255.255.255.255 even with SO_BROADCAST: " << ec.message();
    }
    EXPECT_EQ(allowed.status, 0) << allowed.err;
}

TEST(Sockcat, ServiceNamesArePorts) {
    const result http = run({sockcat_exe, "-zv", "127.0.0.1", "http"});
    EXPECT_NE(http.err.find("127.0.0.1:80"), std::string::npos) << http.err;
    const result unknown = run({sockcat_exe, "-z", "127.0.0.1", "no-such-service"});
    EXPECT_EQ(unknown.status, 1);
    EXPECT_EQ(unknown.err.rfind("sockcat: service no-such-service: ", 0), 0u) << unknown.err;
}

TEST(Sockcat, ScanReportsOpenPortsInARange) {
    std::error_code ec;
    ps::socket open_port = testsupport::listener();
    const int port = open_port.getsockname(ec).port();
    ps::socket closed_port;  // the next port, bound but not listening
    closed_port.open(ps::family::inet, ps::type::stream, 0, ec);
    if (port < 65535) closed_port.bind(loopback4(static_cast<std::uint16_t>(port + 1)), ec);
    if (port == 65535 || ec) GTEST_SKIP() << "the port after " << port << " is taken";
    const std::string p = std::to_string(port), next = std::to_string(port + 1);
    const result both = run({sockcat_exe, "-zvw", "5", "127.0.0.1", p + "-" + next});
    EXPECT_EQ(both.status, 0) << both.err;
    EXPECT_NE(both.err.find("sockcat: 127.0.0.1:" + p + " (tcp/"), std::string::npos) << both.err;
    EXPECT_NE(both.err.find(") is open\n"), std::string::npos) << both.err;
    EXPECT_NE(both.err.find("sockcat: connect to 127.0.0.1:" + next + ": "), std::string::npos) << both.err;
    EXPECT_EQ(both.out, "");
    const result closed = run({sockcat_exe, "-z", "127.0.0.1", next});
    EXPECT_EQ(closed.status, 1);
    EXPECT_EQ(closed.err, "");  // quiet without -v, as nc -z
}

TEST(Sockcat, KeepListeningServesOnePeerAfterAnother) {
    auto [listener, where] = start_listening_sockcat({"-vk", "-p", "0", "127.0.0.1"});
    ASSERT_FALSE(where.empty());
    std::error_code ec;
    const auto address = ps::endpoint::parse(where, ec);
    ASSERT_OK(ec) << where;
    for (const std::string message : {"first peer\n", "second peer\n"}) {
        ps::socket peer = ps::create_connection("127.0.0.1", address.port(), 30.0, ec);
        ASSERT_OK(ec) << message << listener.err();
        EXPECT_EQ(listener.read_error_line(20s).value_or("").rfind("sockcat: connection from 127.0.0.1:", 0), 0u);
        peer.sendall(message.data(), message.size(), ec);
        peer.shutdown(ps::shut::wr, ec);
        EXPECT_EQ(read_all(peer), "");  // sockcat closes when the peer has ended
        EXPECT_EQ(listener.read_error_line(20s), "sockcat: the peer closed its side");
    }
    EXPECT_TRUE(listener.kill()) << "it ended after the second peer: " << listener.err();  // -k: still listening
    EXPECT_EQ(listener.out(), "first peer\nsecond peer\n");
}

TEST(Sockcat, ListeningOnIpv6AnyTakesIpv4TooOverTcpAndUdp) {
    PORTSOCK_REQUIRE_IPV6();
    if (!ps::has_dualstack_ipv6()) GTEST_SKIP() << "this system has no dual-stack IPv6 sockets";
    std::error_code ec;
    {
        auto [listener, where] = start_listening_sockcat({"-6", "-p", "0"});
        EXPECT_EQ(where.rfind("[::]:", 0), 0u) << where;
        const auto port = static_cast<std::uint16_t>(std::stoi(port_of(where)));
        ps::socket peer = ps::create_connection("127.0.0.1", port, 30.0, ec);
        ASSERT_OK(ec);
        peer.sendall("over IPv4\n", 10, ec);
        peer.shutdown(ps::shut::wr, ec);
        listener.close_stdin();
        EXPECT_EQ(read_all(peer), "");
        const result r = finish(listener);
        EXPECT_EQ(r.status, 0) << r.err;
        EXPECT_EQ(r.out, "over IPv4\n");
    }
    {
        auto [listener, where] = start_listening_sockcat({"-lu6", "-p", "0"});  // -l twice: fine
        const auto port = static_cast<std::uint16_t>(std::stoi(port_of(where)));
        ps::socket peer;
        peer.open(ps::family::inet, ps::type::dgram, 0, ec);
        peer.connect(loopback4(port), ec);
        peer.settimeout(30.0, ec);
        peer.send("datagram over IPv4\n", 19, ec);
        ASSERT_OK(ec);
        listener.write_stdin("answer\n");
        char buffer[64];
        const std::size_t n = peer.recv_into(buffer, sizeof buffer, ec);
        EXPECT_OK(ec);
        EXPECT_EQ(std::string(buffer, n), "answer\n");
        const result r = finish(listener);
        EXPECT_EQ(r.status, 0) << r.err;
        EXPECT_EQ(r.out, "datagram over IPv4\n");
    }
}

TEST(Sockcat, Ipv6OnlyRefusesIpv4OverTcpAndUdp) {
    PORTSOCK_REQUIRE_IPV6();
    // A refused connect with a timeout is read from SO_ERROR.
    if (!testsupport::socket_error_reads_right()) GTEST_SKIP() << testsupport::socket_error_misread;
    std::error_code ec;
    ps::socket closed;  // a UDP port nobody listens on, to see whether refusals are reported
    closed.open(ps::family::inet, ps::type::dgram, 0, ec);
    closed.bind(loopback4(), ec);
    const auto closed_address = closed.getsockname(ec);
    closed.close();
    const bool udp_refusals_seen = is_refusal(udp_refusal(closed_address, 5.0));
    for (const bool udp : {false, true}) {
        if (udp && !udp_refusals_seen) {
            GTEST_SKIP() << "TCP checked; UDP not: this system does not report an ICMP port unreachable on a "
                            "UDP socket (wine)";
        }
        std::vector<std::string> args = {"-6", "--ipv6-only", "-p", "0"};
        if (udp) args.push_back("-u");
        child_process p = start([&] {
            std::vector<std::string> argv = {sockcat_exe, "-l"};
            argv.insert(argv.end(), args.begin(), args.end());
            return argv;
        }());
        const auto line = p.read_error_line(20s).value_or("");
        ASSERT_EQ(line.rfind("sockcat: listening on [::]:", 0), 0u) << line;
        EXPECT_EQ(line.substr(line.rfind(' ', line.size() - 7)), " (IPv6 only)") << line;
        const auto port = static_cast<std::uint16_t>(std::stoi(line.substr(line.rfind(':') + 1)));
        if (udp) {  // the refusal comes back as an ICMP error on the next call
            ec = udp_refusal(loopback4(port), 30.0);
        } else {
            ps::socket peer;
            peer.open(ps::family::inet, ps::type::stream, 0, ec);
            peer.settimeout(30.0, ec);
            peer.connect(loopback4(port), ec);
        }
        EXPECT_TRUE(is_refusal(ec)) << (udp ? "UDP: " : "TCP: ") << ec.message();
        EXPECT_TRUE(p.kill()) << p.err();  // still waiting for an IPv6 peer
    }
}

// --- Against real peers: OpenBSD netcat and socat, both ways -----------------

namespace {

const std::string netcat_exe = PORTSOCK_NETCAT;
const std::string socat_exe = PORTSOCK_SOCAT;

std::string why_absent(const char* program, const char* package) {
    return std::string(program) + " was not found (ci/install-debian.sh installs " + package +
           "), or this build cannot start a build-host program (a Windows build under wine, a board)";
}

// Every byte value, NUL, CR, LF and ^Z included, `size` bytes in all.
std::string binary_bytes(std::size_t size, unsigned seed) {
    std::string data(size, '\0');
    for (std::size_t k = 0; k < size; ++k) data[k] = static_cast<char>((k * 7 + seed + k / 251) & 0xff);
    return data;
}

child_process start_host(const std::vector<std::string>& argv) {
    std::error_code ec;
    child_process p = child_process::start(argv, ec, child_process::built_for::host);
    EXPECT_OK(ec) << " starting " << argv[0];
    return p;
}

// The port a peer tool's listening line names: the digits at its end.
std::string trailing_port(std::optional<std::string> line) {
    if (!line) return "";
    const auto start = line->find_last_not_of("0123456789");
    return start == std::string::npos ? *line : line->substr(start + 1);
}

// `listener` (already listening on `port`) and `client` exchange binary
// data both ways; each must end with status 0 and print the other's bytes.
void exchange(child_process& listener, child_process& client) {
    // Less than a pipe buffer each way: the listener's output is read at its end.
    const std::string to_listener = binary_bytes(40000, 1), to_client = binary_bytes(30000, 2);
    listener.write_stdin(to_client);
    listener.close_stdin();
    const result c = finish(client, to_listener);
    const result l = finish(listener, "");
    EXPECT_EQ(c.status, 0) << c.err;
    EXPECT_EQ(l.status, 0) << l.err;
    EXPECT_TRUE(c.out == to_client) << "the client received " << c.out.size() << " of " << to_client.size()
                                    << " bytes, or other bytes";
    EXPECT_TRUE(l.out == to_listener) << "the listener received " << l.out.size() << " of " << to_listener.size()
                                      << " bytes, or other bytes";
}

}  // namespace

TEST(SockcatInterop, ConnectsToOpenBsdNetcat) {
    if (netcat_exe.empty()) GTEST_SKIP() << why_absent("nc.openbsd", "netcat-openbsd");
    // -N: nc shuts its side down at its input's end, as sockcat does.
    child_process nc = start_host({netcat_exe, "-lvN", "127.0.0.1", "0"});
    const std::string port = trailing_port(nc.read_error_line(20s));  // "Listening on localhost 40651"
    ASSERT_FALSE(port.empty()) << nc.err();
    child_process client = start({sockcat_exe, "127.0.0.1", port});
    exchange(nc, client);
}

TEST(SockcatInterop, OpenBsdNetcatConnectsToIt) {
    if (netcat_exe.empty()) GTEST_SKIP() << why_absent("nc.openbsd", "netcat-openbsd");
    auto [listener, where] = start_listening_sockcat({"127.0.0.1", "0"});
    ASSERT_FALSE(where.empty());
    child_process nc = start_host({netcat_exe, "-N", "127.0.0.1", port_of(where)});
    exchange(listener, nc);
}

TEST(SockcatInterop, ConnectsToSocat) {
    if (socat_exe.empty()) GTEST_SKIP() << why_absent("socat", "socat");
    // -t 30: socat waits up to 30 s (not 0.5) for the other side's end.
    child_process socat = start_host({socat_exe, "-d", "-d", "-t", "30", "TCP-LISTEN:0,bind=127.0.0.1", "STDIO"});
    std::string port;
    for (int k = 0; k < 10 && port.empty(); ++k) {  // "... N listening on AF=2 127.0.0.1:53431"
        const auto line = socat.read_error_line(20s);
        if (!line) break;
        if (line->find("listening on") != std::string::npos) port = trailing_port(line);
    }
    ASSERT_FALSE(port.empty()) << socat.err();
    child_process client = start({sockcat_exe, "127.0.0.1", port});
    exchange(socat, client);
}

TEST(SockcatInterop, SocatConnectsToIt) {
    if (socat_exe.empty()) GTEST_SKIP() << why_absent("socat", "socat");
    auto [listener, where] = start_listening_sockcat({"127.0.0.1", "0"});
    ASSERT_FALSE(where.empty());
    child_process socat = start_host({socat_exe, "-t", "30", "STDIO", "TCP:127.0.0.1:" + port_of(where)});
    exchange(listener, socat);
}

TEST(Sockcat, KeepListeningOverUdpAnswersTheLatestPeer) {
    auto [listener, where] = start_listening_sockcat({"-uvk", "-p", "0", "127.0.0.1"});
    ASSERT_FALSE(where.empty());
    const auto port = static_cast<std::uint16_t>(std::stoi(port_of(where)));
    std::error_code ec;
    for (const std::string name : {"a", "b"}) {
        ps::socket peer;
        peer.open(ps::family::inet, ps::type::dgram, 0, ec);
        peer.settimeout(30.0, ec);
        const std::string hello = "from " + name + "\n", answer = "to " + name + "\n";
        peer.sendto(hello.data(), hello.size(), loopback4(port), ec);
        ASSERT_OK(ec);
        EXPECT_EQ(listener.read_error_line(20s).value_or("").rfind("sockcat: datagram from 127.0.0.1:", 0), 0u);
        listener.write_stdin(answer);
        char buffer[64];
        const std::size_t n = peer.recv_into(buffer, sizeof buffer, ec);
        EXPECT_OK(ec);
        EXPECT_EQ(std::string(buffer, n), answer);
    }
    const result r = finish(listener);  // ends a second after its input
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.out, "from a\nfrom b\n");
}
