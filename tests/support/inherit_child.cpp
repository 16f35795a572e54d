// The child process of tests/descriptors_test.cpp's inheritance tests. Its
// parent marks a socket inheritable (or not), starts it with the handle's
// number as its one argument, and watches the socket's peer. It takes the
// socket as Python's socket(fileno=...) does, by socket::from_handle, and
// sends "inherited\n" through it.
//
// Exit status: 0 sent; 3 no socket by that number (the error on stdout);
// 4 the send failed; 2 a bad command line.
#include <portsock/portsock.hpp>

#include <cstdio>
#include <cstdlib>
#include <system_error>

int main(int argc, char** argv) {
    char* end = nullptr;
    const unsigned long long number = argc == 2 ? std::strtoull(argv[1], &end, 10) : 0;
    if (argc != 2 || end == argv[1] || *end != '\0') {
        std::fprintf(stderr, "usage: inherit_child HANDLE-NUMBER\n");
        return 2;
    }
    std::error_code ec;
    portsock::socket s = portsock::socket::from_handle(static_cast<portsock::native_handle_type>(number), ec);
    if (ec) {
        std::printf("no socket %llu: %s\n", number, ec.message().c_str());
        return 3;
    }
    s.sendall("inherited\n", 10, ec);
    if (ec) {
        std::printf("send on socket %llu: %s\n", number, ec.message().c_str());
        return 4;
    }
    return 0;
}
