// The child process of tests/descriptors_test.cpp: it takes a socket from
// its parent and sends a line through it, in one of two ways.
//
//   descriptor_child inherit HANDLE  the parent marked the socket inheritable
//       and passes its handle's number; taken as Python's socket(fileno=...)
//       takes one, by socket::from_handle. Sends "inherited\n".
//   descriptor_child fromshare       prints this process's id, reads the
//       bytes of the parent's socket::share(id) as one line of hex on stdin,
//       and takes the socket by socket::fromshare. Sends "shared\n".
//   descriptor_child recv_fds HANDLE  HANDLE is an inherited Unix-domain
//       socket over which the parent passes one socket (SCM_RIGHTS, by
//       socket::send_fds); prints "inheritable=0" or "=1" for the received
//       descriptor, then sends "passed\n" through the received socket.
//
// Exit status: 0 sent; 3 no socket (the error on stdout); 4 the send failed;
// 5 no descriptor received; 2 a bad command line or input.
#include "host.hpp"

#include <portsock/portsock.hpp>

#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>
#include <string_view>
#include <system_error>

namespace {

int send_line(portsock::socket& s, std::string_view line) {
    std::error_code ec;
    s.sendall(line.data(), line.size(), ec);
    if (ec) {
        std::printf("send: %s\n", ec.message().c_str());
        return 4;
    }
    return 0;
}

int inherit(const char* argument) {
    char* end = nullptr;
    const unsigned long long number = std::strtoull(argument, &end, 10);
    if (end == argument || *end != '\0') return 2;
    std::error_code ec;
    portsock::socket s = portsock::socket::from_handle(static_cast<portsock::native_handle_type>(number), ec);
    if (ec) {
        std::printf("no socket %llu: %s\n", number, ec.message().c_str());
        return 3;
    }
    return send_line(s, "inherited\n");
}

int fromshare() {
    std::cout << testsupport::current_process_id() << std::endl;
    std::string hex;
    if (!std::getline(std::cin, hex)) return 2;
    if (!hex.empty() && hex.back() == '\r') hex.pop_back();
    if (hex.size() % 2 != 0) return 2;
    std::string data;
    for (std::size_t at = 0; at < hex.size(); at += 2) {
        const std::string pair = hex.substr(at, 2);
        char* end = nullptr;
        const long byte = std::strtol(pair.c_str(), &end, 16);
        if (end != pair.c_str() + 2) return 2;
        data += static_cast<char>(byte);
    }
    std::error_code ec;
    portsock::socket s = portsock::socket::fromshare(data, ec);
    if (ec) {
        std::printf("fromshare of %zu bytes: %s\n", data.size(), ec.message().c_str());
        return 3;
    }
    return send_line(s, "shared\n");
}

int receive_fds(const char* argument) {
    char* end = nullptr;
    const unsigned long long number = std::strtoull(argument, &end, 10);
    if (end == argument || *end != '\0') return 2;
    std::error_code ec;
    portsock::socket channel =
        portsock::socket::from_handle(static_cast<portsock::native_handle_type>(number), ec);
    if (ec) {
        std::printf("no socket %llu: %s\n", number, ec.message().c_str());
        return 3;
    }
    char byte = 0;
    portsock::native_handle_type fds[1];
    const portsock::recv_fds_result r = channel.recv_fds_into(&byte, 1, fds, 1, ec);
    if (ec || r.nfds != 1) {
        std::printf("recv_fds: %s, %zu descriptors\n", ec.message().c_str(), r.nfds);
        return 5;
    }
    std::printf("inheritable=%d\n", testsupport::inheritable(fds[0]) ? 1 : 0);
    std::fflush(stdout);
    portsock::socket s = portsock::socket::from_handle(fds[0], ec);
    if (ec) {
        std::printf("no socket received: %s\n", ec.message().c_str());
        return 3;
    }
    return send_line(s, "passed\n");
}

}  // namespace

int main(int argc, char** argv) {
    const std::string_view mode = argc >= 2 ? argv[1] : "";
    if (mode == "inherit" && argc == 3) return inherit(argv[2]);
    if (mode == "fromshare" && argc == 2) return fromshare();
    if (mode == "recv_fds" && argc == 3) return receive_fds(argv[2]);
    std::fprintf(stderr, "usage: descriptor_child inherit HANDLE | descriptor_child fromshare\n");
    return 2;
}
