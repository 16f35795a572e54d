// echo-server as a real process: a thousand concurrent connections with UDP
// on the same port, the half-close passed on, a slow reader, running out of
// descriptors, a UDP-only server, and stopping on SIGTERM.
#include "apps.hpp"
#include "host.hpp"

#include <chrono>
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
