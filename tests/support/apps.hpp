// What the tests of the apps share: where the programs are, starting one,
// running one to its end, and stopping a server. The apps' paths come from
// tests/CMakeLists.txt (the portsock_apps_support library). Names no
// operating system: that is child_process's business.
#pragma once

#include "child_process.hpp"
#include "net.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace testsupport {

/// The programs under test, as built with these tests.
extern const std::string thankyou_server_exe;
extern const std::string thankyou_client_exe;
extern const std::string echo_server_exe;
extern const std::string echo_load_exe;
extern const std::string sockcat_exe;
/// The build host's python3 where the tests can start one (natively, or
/// from a test under qemu-user); empty where none was found, and in a cross
/// build with no emulator or another one (wine, a script that runs the
/// tests on a board).
extern const std::string python_exe;

/// The 40 bytes thankyou-server sends every client.
constexpr std::string_view thank_you = "Thank you for connecting with the socket";

/// Starts `argv`, expecting it to start.
child_process start(const std::vector<std::string>& argv);

/// How a program ended and everything it wrote.
struct result {
    std::optional<int> status;
    std::string out, err;
};

/// Writes `input` to a running program's stdin, closes it, and waits up to
/// 30 s for the program to end. Its output is kept byte for byte.
result finish(child_process& p, std::string_view input = {});

/// Starts `argv` with an empty stdin and waits up to 30 s for it to end.
/// Its output is text: CRLF line ends (wine's console) are made LF.
result run(const std::vector<std::string>& argv);

/// Expects `text` to be one line, ending with a line end.
void expect_one_line(const std::string& text);

/// A server that is running and the port it reported.
struct running_server {
    child_process process;
    int port = 0;
    portsock::endpoint address() const { return loopback4(static_cast<std::uint16_t>(port)); }
};

/// thankyou-server on port 0 with `extra` arguments, read up to "The socket
/// is listening".
running_server start_thankyou_server(const std::vector<std::string>& extra = {"--host", "127.0.0.1"});

/// echo-server on 127.0.0.1, port 0, with `extra` arguments, read up to the
/// line that names its port.
running_server start_echo_server(const std::vector<std::string>& extra = {});

/// Asks a server to stop and expects exit status 0. Where a stop request
/// cannot be delivered (under wine: see child_process::terminate) the server
/// is killed instead, and it must still have been running then: a server that
/// died on its own fails either way. Tests whose point is the clean stop
/// itself (Thankyou.ServerStopsCleanlyOnTerminate, Echo.StopsCleanlyOnTerminate)
/// do not use this: they skip, saying why, where it cannot be asked for.
void stop_or_kill(child_process& server);

}  // namespace testsupport
