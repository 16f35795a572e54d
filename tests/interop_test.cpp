// Interoperation with Python's socket module: the tutorial's own programs
// against thankyou-server and thankyou-client. Skipped, saying why, where the
// tests cannot start python3 (none found, or a cross build that does not run
// under qemu-user on the build host).
#include "apps.hpp"

#include <chrono>

using namespace std::chrono_literals;
using namespace testsupport;
namespace ps = portsock;

#define REQUIRE_PYTHON() \
    if (python_exe.empty()) GTEST_SKIP() << "no python3 the tests can start (none found, or a cross build not under qemu-user)"

TEST(Interop, TutorialPythonClientGetsTheThankYou) {
    REQUIRE_PYTHON();
    running_server server = start_thankyou_server();
    const std::string script =
        "import socket, sys\n"
        "soc = socket.socket()\n"
        "soc.connect(('127.0.0.1', int(sys.argv[1])))\n"
        "print(soc.recv(1024))\n"
        "soc.close()\n";
    const result r = run({python_exe, "-c", script, std::to_string(server.port)});
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.out, "b'" + std::string(thank_you) + "'\n");
    stop_or_kill(server.process);
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
    child_process server = start({python_exe, "-c", script});
    const auto port = server.read_line(20s);
    ASSERT_TRUE(port) << server.err();
    const result client = run({thankyou_client_exe, "--host", "127.0.0.1", "--port", *port});
    EXPECT_EQ(client.status, 0) << client.err;
    EXPECT_EQ(client.out, thank_you);  // byte for byte: no line end added
    const auto line = server.read_line(20s);
    ASSERT_TRUE(line) << "the server said nothing of the connection; stderr: " << server.err();
    EXPECT_EQ(line->rfind("Got a connection from ('127.0.0.1', ", 0), 0u) << *line;
    EXPECT_EQ(server.wait(20s), 0) << server.err();
}

TEST(Interop, ClientPrintsAPythonServersBytesThenItsTimeout) {
    REQUIRE_PYTHON();
    // The case: the bytes (a NUL among them), then the server stays
    // open until the client gives up and closes.
    const std::string script =
        "import socket\n"
        "soc = socket.create_server(('127.0.0.1', 0))\n"
        "print(soc.getsockname()[1], flush=True)\n"
        "client, addr = soc.accept()\n"
        "client.sendall(b'Bonjour \\xc3\\xa9\\x00\\xff after\\n')\n"
        "assert client.recv(1) == b''\n";
    child_process server = start({python_exe, "-c", script});
    const auto port = server.read_line(20s);
    ASSERT_TRUE(port) << server.err();
    child_process client = start({thankyou_client_exe, "--host", "127.0.0.1", "--port", *port, "--timeout", "4"});
    const result r = finish(client);
    EXPECT_EQ(r.status, 1);
    EXPECT_EQ(r.out, std::string("Bonjour \xc3\xa9\x00\xff after\n", 19));
    EXPECT_NE(r.err.find("timed out"), std::string::npos) << r.err;
    EXPECT_EQ(server.wait(20s), 0) << server.err();
}

TEST(Interop, PythonIpv4ClientReachesADualStackEchoServerOverTcpAndUdp) {
    REQUIRE_PYTHON();
    if (!ps::has_dualstack_ipv6()) GTEST_SKIP() << "this system has no dual-stack IPv6 sockets";
    running_server server = start_echo_server({"--host", "::"});
    const std::string script =
        "import socket, sys\n"
        "port = int(sys.argv[1])\n"
        "with socket.create_connection(('127.0.0.1', port), timeout=20) as t:\n"
        "    t.sendall(b'over tcp\\x00')\n"
        "    t.shutdown(socket.SHUT_WR)\n"
        "    assert t.recv(100) == b'over tcp\\x00'\n"
        "with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as u:\n"
        "    u.settimeout(20)\n"
        "    u.sendto(b'over udp', ('127.0.0.1', port))\n"
        "    assert u.recvfrom(100)[0] == b'over udp'\n"
        "print('both echoed')\n";
    const result r = run({python_exe, "-c", script, std::to_string(server.port)});
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.out, "both echoed\n");
    stop_or_kill(server.process);
}
