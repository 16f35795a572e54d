// `cmake --workflow --preset demo`: the tutorial's exchange, shown. Starts
// thankyou-server on a free port, runs thankyou-client against it, prints
// what both said, and stops the server. Exits non-zero if anything is off.
#include "child_process.hpp"

#include <chrono>
#include <cstdio>
#include <string>

using namespace std::chrono_literals;
using testsupport::child_process;

namespace {

int fail(const std::string& why, const child_process& p) {
    std::printf("demo failed: %s\n%s", why.c_str(), p.err().c_str());
    return 1;
}

}  // namespace

int main() {
    std::error_code ec;
    child_process server = child_process::start({PORTSOCK_THANKYOU_SERVER, "--port", "0"}, ec);
    if (ec) return std::printf("demo: cannot start thankyou-server: %s\n", ec.message().c_str()), 1;
    std::printf("$ thankyou-server --port 0\n");
    std::string port;
    for (int k = 0; k < 3; ++k) {
        const auto line = server.read_line(20s);
        if (!line) return fail("the server did not start", server);
        std::printf("server| %s\n", line->c_str());
        const std::string bound = "The socket is bound to ";
        if (line->rfind(bound, 0) == 0) port = line->substr(bound.size());
    }

    std::printf("$ thankyou-client --port %s\n", port.c_str());
    child_process client = child_process::start({PORTSOCK_THANKYOU_CLIENT, "--port", port}, ec);
    if (ec) return std::printf("demo: cannot start thankyou-client: %s\n", ec.message().c_str()), 1;
    // The client prints the server's bytes as they are: no line end after them.
    const auto client_status = client.wait(20s);
    const std::string reply = client.out();
    if (client_status != 0) return fail("the client failed", client);
    std::printf("client| %s\n", reply.c_str());

    const auto connection = server.read_line(20s);
    if (!connection) return fail("the server did not report the connection", server);
    std::printf("server| %s\n", connection->c_str());
    bool stopped_cleanly = true;
    if (server.terminate()) {
        const auto server_status = server.wait(20s);
        std::printf("server stopped on SIGTERM with exit status %d\n", server_status.value_or(-1));
        stopped_cleanly = server_status == 0;
    } else {
        std::printf("(no stop request can be delivered here: the server is killed)\n");
    }
    return reply == "Thank you for connecting with the socket" && stopped_cleanly ? 0 : 1;
}
