// A program that uses portsock the way a user's program does, built by each
// consumer project in this folder (find_package, add_subdirectory,
// FetchContent, pkg-config): it opens a listening socket on a loopback port
// chosen by the system, connects to it, and passes a message across.
// It uses the std::error_code forms only, so it links against a portsock
// built with or without exceptions. Exit status 0 when the message arrived.
#include <portsock/portsock.hpp>

#include <cstdio>
#include <string>
#include <system_error>

namespace {

bool failed(const char* what, const std::error_code& ec) {
    if (!ec) return false;
    std::fprintf(stderr, "consumer: %s\n", portsock::describe(what, ec).c_str());
    return true;
}

}  // namespace

int main() {
    std::error_code ec;
    portsock::socket listener;
    listener.open(portsock::family::inet, portsock::type::stream, 0, ec);
    if (failed("socket", ec)) return 1;
    const portsock::endpoint any_port = portsock::endpoint::parse("127.0.0.1", 0, ec);
    if (failed("parse", ec)) return 1;
    listener.bind(any_port, ec);
    if (failed("bind", ec)) return 1;
    listener.listen(1, ec);
    if (failed("listen", ec)) return 1;
    const portsock::endpoint address = listener.getsockname(ec);
    if (failed("getsockname", ec)) return 1;

    portsock::socket client;
    client.open(portsock::family::inet, portsock::type::stream, 0, ec);
    if (failed("socket", ec)) return 1;
    client.connect(address, ec);  // completes in the listener's backlog
    if (failed("connect", ec)) return 1;
    auto [server, peer] = listener.accept(ec);
    if (failed("accept", ec)) return 1;

    const std::string message = std::string("hello from portsock ") + portsock::version_string;
    client.sendall(message.data(), message.size(), ec);
    if (failed("sendall", ec)) return 1;
    client.shutdown(portsock::shut::wr, ec);
    if (failed("shutdown", ec)) return 1;
    std::string received;
    char buffer[256];
    for (;;) {
        const std::size_t n = server.recv_into(buffer, sizeof buffer, ec);
        if (failed("recv", ec)) return 1;
        if (n == 0) break;
        received.append(buffer, n);
    }
    if (received != message) {
        std::fprintf(stderr, "consumer: sent '%s', received '%s'\n", message.c_str(),
                     received.c_str());
        return 1;
    }
    std::printf("consumer: %s, from %s to %s\n", received.c_str(), peer.to_string().c_str(),
                address.to_string().c_str());
    return 0;
}
